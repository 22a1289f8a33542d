import Foundation
import ArgumentParser

/// The staff-facing words of sign-up and preferences (issue 25), English and Vietnamese side by
/// side so they fold into the staff catalog (issue 24) as they are. The language follows
/// `LC_ALL`, then `LANG` (`vi*` → Vietnamese), as DESIGN.md says of `ui.language`'s default.
enum SignupStaffText {
    case topicsLabel, pausedUntilLabel, allTopics, notPaused
    case joinLinkAbstract, joinLinkEventHelp, joinLinkUnknownEvent(String)

    var text: String { Self.vietnamese ? vi : en }

    var en: String {
        switch self {
        case .topicsLabel: "topics      "
        case .pausedUntilLabel: "paused until"
        case .allTopics: "(all)"
        case .notPaused: "-"
        case .joinLinkAbstract: "Print the sign-up page's URL (to print as a QR code at an event)."
        case .joinLinkEventHelp: "The campaign whose event the QR code is for: its slug is recorded as the source of each consent."
        case .joinLinkUnknownEvent(let slug): "no campaign \"\(slug)\": give the slug of the event's campaign (outreach campaign list)"
        }
    }

    var vi: String {
        switch self {
        case .topicsLabel: "chủ đề      "
        case .pausedUntilLabel: "tạm ngừng đến"
        case .allTopics: "(tất cả)"
        case .notPaused: "-"
        case .joinLinkAbstract: "In địa chỉ trang đăng ký (để in thành mã QR tại sự kiện)."
        case .joinLinkEventHelp: "Chiến dịch của sự kiện có mã QR: mã chiến dịch được ghi làm nguồn của mỗi sự đồng ý."
        case .joinLinkUnknownEvent(let slug): "không có chiến dịch \"\(slug)\": hãy nhập mã chiến dịch của sự kiện (outreach campaign list)"
        }
    }

    static let vietnamese: Bool = {
        let env = ProcessInfo.processInfo.environment
        let locale = [env["LC_ALL"], env["LANG"]].compactMap { $0 }.first { !$0.isEmpty } ?? ""
        return locale.lowercased().hasPrefix("vi")
    }()
}

/// `outreach join-link [--event SLUG]`: the sign-up URL to put in a QR code.
struct JoinLink: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "join-link", abstract: SignupStaffText.joinLinkAbstract.text)
    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp(stringLiteral: SignupStaffText.joinLinkEventHelp.text)) var event: String?

    func run() async throws {
        if let event {
            let (settings, register) = try await global.register()
            guard (try? register.campaign(event)) != nil else { throw ValidationError(SignupStaffText.joinLinkUnknownEvent(event).text) }
            print("\(settings.httpBaseURL)/join/\(event)")
        } else {
            print("\(try await global.settings().httpBaseURL)/join")
        }
    }
}
