import Foundation
import OutreachModel

/// One check of `outreach doctor`: a name and a test that says what it found. Checks are plain
/// values in a list (`Doctor.checks`), so a room can add its own (a relay's TLS and AUTH, the
/// bounce mailbox's login) without touching the others.
struct DoctorCheck: Sendable {
    /// What is checked, in a few words ("link secret", "relay smtp://127.0.0.1:2525").
    let name: StaffMessage
    let run: @Sendable () async -> Finding

    /// What a check found: ok with what it saw, or what is wrong and how to fix it.
    struct Finding: Sendable {
        let ok: Bool
        let detail: String
        let fix: String?
        static func ok(_ detail: String) -> Finding { Finding(ok: true, detail: detail, fix: nil) }
        static func wrong(_ detail: String, fix: String) -> Finding { Finding(ok: false, detail: detail, fix: fix) }
    }
}

/// One line of the report (also its JSON form, where the check's name stays English: scripts match it).
struct DoctorLine: Encodable {
    let check: StaffMessage
    let ok: Bool
    let detail: String
    let fix: String?

    enum CodingKeys: String, CodingKey { case check, ok, detail, fix }
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(check.text(in: .en), forKey: .check)
        try c.encode(ok, forKey: .ok); try c.encode(detail, forKey: .detail); try c.encode(fix, forKey: .fix)
    }
}
