import Foundation
import Hummingbird
import OutreachLinks
import OutreachModel
import OutreachRegister

/// The door's routes for the staff listener: `GET /checkin/{event}` (the phone page: camera via
/// `BarcodeDetector`, typed codes, an offline roster and queued scans), `GET
/// /checkin/{event}/roster` (hashes of the codes honoured now), `GET /checkin/app.js` and `POST
/// /checkin/{event}` (`code`, optional `at` of a queued scan and `place`: answers JSON), `POST
/// /checkin/{event}/walk-in` (`name`, optional `email` and `consent`: yes|no|empty). `{event}`
/// is the invitation's slug. Mount them on the staff listener, never the public one.
package func addCheckinRoutes(to router: Router<OutreachRequestContext>, desk: TicketDesk) {
    router.get("/checkin/app.js") { _, _ in
        Response(status: .ok, headers: [.contentType: "text/javascript; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: CheckinPage.script)))
    }
    router.get("/checkin/:event") { request, context in
        guard let campaign = try await campaign(context, desk) else { return notFound() }
        var response = Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                                body: .init(byteBuffer: ByteBuffer(string: CheckinPage.html(slug: campaign.slug, language: language(request)))))
        response.headers[.contentSecurityPolicy] = CheckinPage.policy
        return response
    }
    router.get("/checkin/:event/roster") { _, context in
        guard let campaign = try await campaign(context, desk) else { return notFound() }
        return try json(["hashes": try await desk.roster(campaignID: campaign.id!)])
    }
    router.post("/checkin/:event") { request, context in
        guard let campaign = try await campaign(context, desk) else { return notFound() }
        let form = try await RecipientRoutes.form(request)
        guard let code = form["code"], !code.isEmpty else { return try json(["result": "missing-code"], status: .badRequest) }
        // A queued scan keeps the time it happened (ISO 8601 from the phone), if it reads as one.
        let at = form["at"].flatMap { $0.count <= 40 && ISO8601DateFormatter().date(from: $0) != nil ? $0 : nil } ?? Timestamp.string()
        let place = OutsideText.cleaned(String((form["place"] ?? "").prefix(100))).nonEmpty ?? "check-in page"
        let outcome = try await desk.scan(code, campaignID: campaign.id!, place: place, at: at)
        return try json(CheckinAnswer(outcome, language: language(request)))
    }
    router.post("/checkin/:event/walk-in") { request, context in
        guard let campaign = try await campaign(context, desk) else { return notFound() }
        let form = try await RecipientRoutes.form(request)
        let said = language(request)
        switch WalkIn.read(name: form["name"], email: form["email"], consent: form["consent"]) {
        case .failure(let problem):
            return try json(["result": "bad-walk-in", "message": problem.message.text(in: said)], status: .badRequest)
        case .success(let walkIn):
            try await desk.register.addWalkIn(campaignID: campaign.id!, name: walkIn.name, email: walkIn.email, consent: walkIn.consent,
                                              place: "check-in page")
            try desk.register.appendAudit(AuditEntry(at: Timestamp.string(), user: "staff listener", command: "checkin walk-in",
                                                     arguments: [campaign.slug, walkIn.name] + (walkIn.email.map { ["--email", $0] } ?? [])
                                                        + (walkIn.consent.map { ["--consent", $0 ? "yes" : "no"] } ?? [])))
            return try json(["result": "walk-in", "message": StaffText.say("checkin.walk_in_added", in: said, ["name": walkIn.name])])
        }
    }
}

private func campaign(_ context: OutreachRequestContext, _ desk: TicketDesk) async throws -> Campaign? {
    guard let slug = context.parameters.get("event") else { return nil }
    return try? desk.register.campaign(slug)
}

/// The staff's language for the page: Vietnamese when the phone asks for it first.
private func language(_ request: Request) -> StaffLanguage {
    (request.headers[.acceptLanguage] ?? "").lowercased().hasPrefix("vi") ? .vi : .en
}

private func notFound() -> Response {
    Response(status: .notFound, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: "no such event\n")))
}

private func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
    let encoder = JSONEncoder()
    encoder.keyEncodingStrategy = .convertToSnakeCase
    encoder.outputFormatting = .sortedKeys
    return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
}

/// What the page shows of a scan: `result` (accepted, already-scanned, revoked, forged,
/// other-event), the person, and a line in the staff's language.
struct CheckinAnswer: Encodable {
    let result: String
    let arrival: Arrival?
    let firstAt: String?
    let firstPlace: String?
    let message: String

    init(_ outcome: TicketDesk.Outcome, language: StaffLanguage) {
        func t(_ key: String) -> String { StaffText.say("checkin." + key, in: language) }
        func who(_ a: Arrival) -> String {
            let name = [a.honorific, a.addressedAs ?? a.name].compactMap { $0 }.joined(separator: " ")
            return OutsideText.cleaned(name + (a.guest > 0 ? " (\(t("guest")) \(a.guest))" : "") + " · \(t("guests")) \(a.guests)"
                + (a.language.map { " · \(t("language")) \($0)" } ?? "") + (a.note.map { " · \(t("note")): \($0)" } ?? ""))
        }
        switch outcome {
        case .accepted(let a): (result, arrival, firstAt, firstPlace, message) = ("accepted", a, nil, nil, "\(t("accepted")): \(who(a))")
        case .alreadyScanned(let a, let at, let place):
            (result, arrival, firstAt, firstPlace, message) = ("already-scanned", a, at, place, "\(t("already")) \(at) · \(place): \(who(a))")
        case .revoked: (result, arrival, firstAt, firstPlace, message) = ("revoked", nil, nil, nil, t("revoked"))
        case .forged: (result, arrival, firstAt, firstPlace, message) = ("forged", nil, nil, nil, t("forged"))
        case .otherEvent: (result, arrival, firstAt, firstPlace, message) = ("other-event", nil, nil, nil, t("other_event"))
        }
    }
}

private extension String {
    var nonEmpty: String? { trimmingCharacters(in: .whitespaces).isEmpty ? nil : self }
}
