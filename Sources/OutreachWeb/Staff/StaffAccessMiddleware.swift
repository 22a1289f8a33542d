import Hummingbird

/// Lets through only the requests `StaffAccess` allows; others get 401 with a `Basic` challenge
/// (the browser then asks for the password). The security headers are stamped by the middleware
/// before this one, so refusals carry them too.
struct StaffAccessMiddleware<Context: RequestContext>: RouterMiddleware {
    let access: StaffAccess

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard await access.allows(authorization: request.headers[.authorization]) else {
            context.logger.notice("staff access refused", metadata: ["http.path": "\(request.uri.path)"])
            var response = SecurityHeadersMiddleware<Context>.plain(.unauthorized, "Staff password required.\n")
            response.headers[.wwwAuthenticate] = "Basic realm=\"Outreach staff\", charset=\"UTF-8\""
            return response
        }
        return try await next(request, context)
    }
}
