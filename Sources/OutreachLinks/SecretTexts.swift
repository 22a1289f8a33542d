import OutreachModel

/// What staff read when a secret file cannot be used (issue 22, point 15), in both languages.
public enum SecretTexts {
    /// The link secret belongs to a user other than the one running (and root).
    public static func linkSecretOwnedByAnother(path: String, uid: UInt32, user: UInt32) -> StaffText {
        StaffText(en: "links.secret_file \(path) belongs to another user (uid \(uid)), who could replace it: chown \(user) \(path)",
                  vi: "links.secret_file \(path) thuộc về người dùng khác (uid \(uid)), người đó có thể thay nó: chown \(user) \(path)")
    }

    /// A secret whose own letters carry too little information (one byte repeated, a short pattern).
    public static func linkSecretTooRegular(path: String, number: Int, bits: Int, needed: Int) -> StaffText {
        StaffText(en: "links.secret_file \(path): secret \(number) is too regular to be random (\(bits) bits, at least \(needed) are needed; "
                      + "make one with: openssl rand -base64 32)",
                  vi: "links.secret_file \(path): khóa bí mật \(number) quá đều đặn, không thể là ngẫu nhiên (\(bits) bit, cần ít nhất \(needed); "
                      + "tạo khóa mới bằng: openssl rand -base64 32)")
    }

    /// A password file (`smtp.password_file`, `bounces.password_file`) that group or others may read.
    public static func passwordFileTooOpen(path: String, mode: UInt32) -> StaffText {
        StaffText(en: "\(path) is readable by group or others (mode \(String(mode, radix: 8))): run chmod 600 \(path)",
                  vi: "\(path) có thể bị nhóm hoặc người khác đọc (quyền \(String(mode, radix: 8))): chạy chmod 600 \(path)")
    }

    /// A password file that cannot be opened, or is not text.
    public static func passwordFileUnreadable(path: String, why: String?) -> StaffText {
        guard let why else {
            return StaffText(en: "cannot read \(path) as UTF-8 text", vi: "không đọc được \(path) dưới dạng văn bản UTF-8")
        }
        return StaffText(en: "cannot read \(path) (\(why))", vi: "không đọc được \(path) (\(why))")
    }
}
