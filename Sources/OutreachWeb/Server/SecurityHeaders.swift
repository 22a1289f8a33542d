import HTTPTypes

/// The headers every answer carries, errors included: tokens must not leak through referrers,
/// pages load nothing foreign, nothing is cached.
enum SecurityHeaders {
    /// The recipients' pages: no script at all.
    static let publicPolicy = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    /// The staff pages: scripts and requests to this listener only (the live refresh), nothing foreign.
    static let staffPolicy = "default-src 'none'; script-src 'self'; connect-src 'self'; img-src 'self' data:; "
        + "style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    static let others: [(HTTPField.Name, String)] = [
        (HTTPField.Name("Referrer-Policy")!, "no-referrer"),
        (.xContentTypeOptions, "nosniff"),
        (.cacheControl, "no-store"),
    ]

    /// Sets each header that is not there yet, with `policy` as the Content-Security-Policy.
    static func stamp(_ headers: inout HTTPFields, policy: String = publicPolicy) {
        if headers[.contentSecurityPolicy] == nil { headers[.contentSecurityPolicy] = policy }
        for (name, value) in others where headers[name] == nil { headers[name] = value }
    }
}
