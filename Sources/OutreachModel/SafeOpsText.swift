import Foundation

/// The staff-facing words of issue 23 (checks before launch, drafts, approval, backup, restore,
/// audit, database versions, the link secret) in English and Vietnamese, in the staff catalog's
/// form (key → text, `{name}` for an argument), to fold into that catalog (`StaffText.en`/`.vi`)
/// when it lands: then `SafeOpsText.say` becomes `StaffText.say`.
public enum SafeOpsText {
    /// Vietnamese when the locale asks for it (`LC_ALL`, `LC_MESSAGES`, `LANG`: `vi*`), else English.
    public static var vietnamese: Bool {
        let environment = ProcessInfo.processInfo.environment
        for name in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let value = environment[name], !value.isEmpty { return value.lowercased().hasPrefix("vi") }
        }
        return false
    }

    /// The message `key` with its `{name}` places filled in.
    public static func say(_ key: String, _ arguments: KeyValuePairs<String, any Sendable> = [:]) -> String {
        var text = (vietnamese ? vi[key] : nil) ?? en[key] ?? "[\(key)]"
        for (name, value) in arguments { text = text.replacingOccurrences(of: "{\(name)}", with: "\(value)") }
        return text
    }

    static let en: [String: String] = [
        "database.newer": "{path} was written by a newer Outreach (migrations {migrations} are unknown to this one): install that version; nothing was changed",
        "database.kept_copy": "outreach: {path} is from an older version; kept a copy at {copy} (mode 0600) before migrating it to {migration}",
        "delete.launched": "campaign {slug} is {status}: only a draft can be deleted; a launched campaign can only be cancelled (outreach campaign cancel {slug})",
        "delete.has_follow_ups": "campaign {slug} has reminders or notices ({slugs}): delete those first",
        "delete.later_notice": "notice {later} came after {slug} and builds on it: delete {later} first",
        "delete.confirm": "Delete the draft {slug}?",
        "delete.done": "Deleted {slug}.",
        "delete.done_notice": "Deleted {slug}; the event of {parent} is back as it was before it.",
        "delete.done_cancellation": "Deleted {slug}; the event of {parent} is no longer cancelled.",
        "approve.same_user": "{user} created {slug}: another person must approve it (outreach campaign approve {slug}, run as another user)",
        "approve.not_draft": "campaign {slug} is {status}: only a draft is approved",
        "approve.done": "{slug}: approved by {user}",
        "check.no_event": "template {template} shows the event (date, venue, RSVP links) but the campaign has none: create it with --event FILE",
        "check.nobody": "nobody to send to: no contact with consent matches the segment \"{segment}\"",
        "check.after_deadline": "the reminder would go out at {due}, after the RSVP deadline {deadline}, while asking for replies: give launch --at explicitly, or use a template without RSVP links",
        "check.not_approved": "campaigns.require_approval is on and nobody approved it yet: outreach campaign approve {slug}, run by another user than its creator",
        "check.unknown_language": "segment names language {value}: messages are written in {languages}",
        "check.unknown_value": "segment names {key} {value}, which no contact that may be mailed has",
        "check.refused": "campaign {slug} cannot be launched: {reasons}",
        "check.recipients": "{slug}: {n} recipient(s) now",
        "check.warning": "warning: {text}",
        "check.refusal": "refused: {text}",
        "check.ok": "ok: launch may go",
        "launch.confirm": "Launch {slug}: {n} recipients ({languages}), from {when}, through {relays}?",
        "notice.confirm_cancel": "Cancel the event of {slug} for its {n} invited people (their RSVP pages will say so; reminders stop)?",
        "confirm.no": "{what}: not confirmed, nothing done",
        "link_secret.missing": "links.secret_file {file} does not exist, but this database's links were signed with a secret: every unsubscribe and RSVP link already sent would stop working. Fix: copy the link secret from the old server (or the backup: outreach restore DIR) to {file}, mode 0600, or point links.secret_file at it",
        "link_secret.different": "links.secret_file {file} is not the secret this database's links were signed with: every unsubscribe and RSVP link already sent would stop working. Fix: copy the link secret from the old server (or the backup: outreach restore DIR) to {file}, mode 0600, or point links.secret_file at it",
        "backup.exists": "{path} already exists: back up into a new folder",
        "backup.done": "Backed up {database} to {dir}/ ({counts})",
        "backup.no_secret": "warning: no link secret at {file} to copy",
        "restore.daemon": "a daemon (outreach serve) holds {database}: stop it first (systemctl stop outreach), then restore",
        "restore.not_backup": "{dir} holds no outreach.sqlite: not a backup folder",
        "restore.damaged": "{path} fails its integrity check ({problems}): not restored",
        "restore.confirm": "Replace {database} (and {secret}) with the backup in {dir}?",
        "restore.done": "Restored {database} from {dir}/ (integrity ok; {counts})",
        "settings.unknown_key": "unknown key ({file}, line {line}); did you mean {nearest}?",
        "settings.unknown_variable": "unknown variable; did you mean {nearest}?",
    ]

    static let vi: [String: String] = [
        "database.newer": "{path} do một phiên bản Outreach mới hơn tạo ra (phiên bản này không biết các bước nâng cấp {migrations}): hãy cài phiên bản đó; chưa có gì bị thay đổi",
        "database.kept_copy": "outreach: {path} thuộc phiên bản cũ; đã giữ một bản sao tại {copy} (quyền 0600) trước khi nâng cấp lên {migration}",
        "delete.launched": "chiến dịch {slug} đang ở trạng thái {status}: chỉ xóa được bản nháp; chiến dịch đã bắt đầu gửi chỉ có thể hủy (outreach campaign cancel {slug})",
        "delete.has_follow_ups": "chiến dịch {slug} có thư nhắc hoặc thông báo ({slugs}): hãy xóa chúng trước",
        "delete.later_notice": "thông báo {later} được tạo sau {slug} và dựa trên nó: hãy xóa {later} trước",
        "delete.confirm": "Xóa bản nháp {slug}?",
        "delete.done": "Đã xóa {slug}.",
        "delete.done_notice": "Đã xóa {slug}; sự kiện của {parent} trở lại như trước thông báo này.",
        "delete.done_cancellation": "Đã xóa {slug}; sự kiện của {parent} không còn bị hủy.",
        "approve.same_user": "{user} đã tạo {slug}: phải có một người khác phê duyệt (outreach campaign approve {slug}, chạy bằng người dùng khác)",
        "approve.not_draft": "chiến dịch {slug} đang ở trạng thái {status}: chỉ phê duyệt được bản nháp",
        "approve.done": "{slug}: đã được {user} phê duyệt",
        "check.no_event": "mẫu thư {template} hiển thị thông tin sự kiện (ngày, địa điểm, liên kết trả lời) nhưng chiến dịch không có sự kiện: hãy tạo lại với --event TỆP",
        "check.nobody": "không có ai để gửi: không liên hệ nào đã đồng ý nhận thư khớp với điều kiện lọc \"{segment}\"",
        "check.after_deadline": "thư nhắc sẽ gửi lúc {due}, sau hạn trả lời {deadline}, mà vẫn mời trả lời: hãy ghi rõ launch --at, hoặc dùng mẫu thư không có liên kết trả lời",
        "check.not_approved": "campaigns.require_approval đang bật và chưa ai phê duyệt: outreach campaign approve {slug}, do một người dùng khác người tạo chạy",
        "check.unknown_language": "điều kiện lọc nêu ngôn ngữ {value}: thư chỉ được viết bằng {languages}",
        "check.unknown_value": "điều kiện lọc nêu {key} {value}, nhưng không liên hệ nào được phép gửi thư có giá trị này",
        "check.refused": "không thể bắt đầu gửi chiến dịch {slug}: {reasons}",
        "check.recipients": "{slug}: hiện có {n} người nhận",
        "check.warning": "lưu ý: {text}",
        "check.refusal": "từ chối: {text}",
        "check.ok": "ổn: có thể bắt đầu gửi",
        "launch.confirm": "Bắt đầu gửi {slug}: {n} người nhận ({languages}), từ {when}, qua {relays}?",
        "notice.confirm_cancel": "Hủy sự kiện của {slug} đối với {n} người được mời (trang trả lời sẽ báo hủy; thư nhắc dừng lại)?",
        "confirm.no": "{what}: chưa được xác nhận, không làm gì cả",
        "link_secret.missing": "không có tệp links.secret_file {file}, nhưng các liên kết của cơ sở dữ liệu này đã được ký bằng một khóa bí mật: mọi liên kết hủy đăng ký và trả lời tham dự đã gửi sẽ không dùng được. Cách sửa: chép khóa bí mật từ máy chủ cũ (hoặc từ bản sao lưu: outreach restore THƯ_MỤC) vào {file}, quyền 0600, hoặc trỏ links.secret_file tới nó",
        "link_secret.different": "links.secret_file {file} không phải khóa bí mật đã ký các liên kết của cơ sở dữ liệu này: mọi liên kết hủy đăng ký và trả lời tham dự đã gửi sẽ không dùng được. Cách sửa: chép khóa bí mật từ máy chủ cũ (hoặc từ bản sao lưu: outreach restore THƯ_MỤC) vào {file}, quyền 0600, hoặc trỏ links.secret_file tới nó",
        "backup.exists": "{path} đã có: hãy sao lưu vào một thư mục mới",
        "backup.done": "Đã sao lưu {database} vào {dir}/ ({counts})",
        "backup.no_secret": "lưu ý: không có khóa bí mật tại {file} để chép",
        "restore.daemon": "daemon (outreach serve) đang dùng {database}: hãy dừng nó trước (systemctl stop outreach), rồi khôi phục",
        "restore.not_backup": "{dir} không có outreach.sqlite: không phải thư mục sao lưu",
        "restore.damaged": "{path} không qua được kiểm tra toàn vẹn ({problems}): không khôi phục",
        "restore.confirm": "Thay {database} (và {secret}) bằng bản sao lưu trong {dir}?",
        "restore.done": "Đã khôi phục {database} từ {dir}/ (toàn vẹn; {counts})",
        "settings.unknown_key": "khóa không xác định ({file}, dòng {line}); có phải ý là {nearest}?",
        "settings.unknown_variable": "biến môi trường không xác định; có phải ý là {nearest}?",
    ]
}
