/// The staff check-in page's words, English and Vietnamese (to fold into the staff catalog).
struct CheckinText {
    let title, codeLabel, check, camera, queued, unknown, queuedTwice, waiting, accepted, already, revoked, forged, otherEvent, guest, guests, note, language: String

    static func forLanguage(_ vietnamese: Bool) -> CheckinText { vietnamese ? vi : en }

    static let en = CheckinText(
        title: "Check-in", codeLabel: "Ticket code", check: "Check", camera: "Point the camera at the QR code, or type the code.",
        queued: "No network: scan kept, it will be sent when the network is back. The code is on the day's list.",
        unknown: "No network: scan kept, but this code is NOT on the day's list.",
        queuedTwice: "Already scanned on this phone (waiting to be sent).", waiting: "scans waiting to be sent",
        accepted: "Welcome", already: "ALREADY SCANNED", revoked: "Refused: ticket revoked", forged: "Refused: not a valid ticket code",
        otherEvent: "Refused: a ticket for another event", guest: "guest", guests: "guests", note: "note", language: "language")

    static let vi = CheckinText(
        title: "Đón khách", codeLabel: "Mã vé", check: "Kiểm tra", camera: "Hướng camera vào mã QR, hoặc nhập mã.",
        queued: "Mất mạng: đã lưu lượt quét, sẽ gửi khi có mạng. Mã có trong danh sách hôm nay.",
        unknown: "Mất mạng: đã lưu lượt quét, nhưng mã KHÔNG có trong danh sách hôm nay.",
        queuedTwice: "Mã này đã được quét trên máy này (đang chờ gửi).", waiting: "lượt quét đang chờ gửi",
        accepted: "Chào mừng", already: "ĐÃ QUÉT", revoked: "Từ chối: vé đã bị hủy", forged: "Từ chối: mã không hợp lệ",
        otherEvent: "Từ chối: vé của sự kiện khác", guest: "khách đi cùng", guests: "số khách đi cùng", note: "ghi chú", language: "ngôn ngữ")
}
