import Foundation

/// One check of `outreach doctor`: a name and a test that says what it found. Checks are plain
/// values in a list (`Doctor.checks`), so a room can add its own (a relay's TLS and AUTH, the
/// bounce mailbox's login) without touching the others.
struct DoctorCheck: Sendable {
    /// What is checked, in a few words ("link secret", "relay smtp://127.0.0.1:2525").
    let name: String
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

/// One line of the report (also its JSON form).
struct DoctorLine: Encodable {
    let check: String
    let ok: Bool
    let detail: String
    let fix: String?
}
