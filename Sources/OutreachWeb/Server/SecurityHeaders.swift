import HTTPTypes

/// The headers every answer carries, errors included: tokens must not leak through referrers,
/// pages load nothing foreign, nothing is cached.
enum SecurityHeaders {
    static let fields: [(HTTPField.Name, String)] = [
        (.contentSecurityPolicy, "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
        (HTTPField.Name("Referrer-Policy")!, "no-referrer"),
        (.xContentTypeOptions, "nosniff"),
        (.cacheControl, "no-store"),
    ]

    /// Sets each header that is not there yet.
    static func stamp(_ headers: inout HTTPFields) {
        for (name, value) in fields where headers[name] == nil { headers[name] = value }
    }
}
