import Hummingbird
import Logging
import OutreachRegister

/// Security headers on every answer the router gives, errors included, and errors turned into
/// answers a person can read: a busy database is a 503 with `Retry-After` (try again in a
/// moment), anything else a 500. (Answers the HTTP parser writes itself, such as its 400, get
/// the headers from `ConnectionWatch`.)
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Seconds a client is asked to wait when the database is busy.
    static var retryAfterSeconds: Int { 5 }
    /// The Content-Security-Policy of this listener's answers.
    var policy = SecurityHeaders.publicPolicy

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        } catch let error where Register.isBusy(error) {
            context.logger.warning("database busy", metadata: ["http.path": "\(request.uri.path)", "error": "\(error)"])
            response = Self.plain(.serviceUnavailable, "The service is busy. Please try again in a moment.\n")
            response.headers[.retryAfter] = "\(Self.retryAfterSeconds)"
        } catch {
            context.logger.error("request failed", metadata: ["http.path": "\(request.uri.path)", "error": "\(error)"])
            response = Self.plain(.internalServerError, "Something went wrong on our side. Please try again later.\n")
        }
        SecurityHeaders.stamp(&response.headers, policy: policy)
        return response
    }

    static func plain(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(status: status, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
