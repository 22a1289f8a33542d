import Hummingbird
import Logging
import NIOCore
import OutreachModel

/// The staff listener's routes (DESIGN.md: staff pages, check-in, `/metrics`). To add a group of
/// routes, add one line below: `SomeRoutes(web: web).add(to: router)`. Every route sits behind
/// the staff password and carries the staff security headers (scripts from this listener only).
public func buildStaffRouter(_ web: WebContext, access: StaffAccess) -> Router<OutreachRequestContext> {
    let router = Router(context: OutreachRequestContext.self, options: .autoGenerateHeadEndpoints)
    router.add(middleware: SecurityHeadersMiddleware(policy: SecurityHeaders.staffPolicy))
    router.add(middleware: StaffAccessMiddleware(access: access))
    router.get("/metrics") { _, _ -> Response in
        Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(bytes: web.metrics.emitToBuffer())))
    }
    StaffPages(web: web).add(to: router)
    // The door on the event day: the only routes here that change something (a ticket's first scan).
    addCheckinRoutes(to: router, desk: TicketDesk(register: web.register, tickets: web.links.tickets))
    return router
}

/// The daemon's second HTTP server, on `staff.bind`: refuses to be built beyond loopback
/// without `staff.password_file` (see `StaffAccess`).
public func buildStaffApplication(_ web: WebContext, logger: Logger) throws -> some ApplicationProtocol {
    let access = try StaffAccess(settings: web.settings)
    let (host, port) = try ListenAddress.parse(web.settings.staffBind, key: "staff.bind")
    return Application(
        router: buildStaffRouter(web, access: access),
        server: .guardedHTTP1(web.settings.connectionLimits, logger: logger),
        configuration: .init(address: .hostname(host, port: port), serverName: "outreach-staff"),
        logger: logger)
}
