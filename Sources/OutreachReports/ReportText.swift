/// The report's and the staff pages' words, in English and Vietnamese (to fold into the staff
/// catalog of issue 24 as they are).
public struct ReportText: Sendable {
    public let language: StaffLanguage

    public init(_ language: StaffLanguage) { self.language = language }

    public subscript(_ key: Key) -> String { language == .vi ? key.vi : key.en }

    /// One text in both languages.
    public struct Key: Sendable {
        let en: String, vi: String
        init(_ en: String, _ vi: String) { self.en = en; self.vi = vi }
    }
}

extension ReportText.Key {
    public static let reportTitle = Self("Campaign report", "Báo cáo chiến dịch")
    public static let periodTitle = Self("Campaigns since", "Các chiến dịch từ ngày")
    public static let generated = Self("Generated", "Lập lúc")
    public static let event = Self("Event", "Sự kiện")
    public static let starts = Self("Starts", "Bắt đầu")
    public static let venue = Self("Venue", "Địa điểm")
    public static let status = Self("Status", "Trạng thái")
    public static let schedule = Self("Scheduled for", "Lên lịch lúc")
    public static let launched = Self("Launched", "Bắt đầu gửi")
    public static let progress = Self("Progress", "Tiến độ")
    public static let campaign = Self("Campaign", "Chiến dịch")
    public static let campaigns = Self("Campaigns", "Các chiến dịch")
    public static let total = Self("Total", "Tổng")
    public static let audience = Self("Audience", "Người nhận")
    public static let byLanguage = Self("Recipients by language", "Người nhận theo ngôn ngữ")
    public static let byCountry = Self("Recipients by country", "Người nhận theo quốc gia")
    public static let byKind = Self("Recipients by kind", "Người nhận theo đối tượng")
    public static let delivery = Self("Delivery", "Gửi thư")
    public static let deliveryStates = Self("Messages by state", "Thư theo trạng thái")
    public static let deliveryOverTime = Self("Delivery per hour (UTC)", "Gửi thư theo giờ (UTC)")
    public static let hour = Self("Hour", "Giờ")
    public static let day = Self("Day", "Ngày")
    public static let count = Self("Count", "Số lượng")
    public static let bounces = Self("Bounces by kind", "Thư trả về theo loại")
    public static let noBounces = Self("No bounce reports.", "Không có thư trả về.")
    public static let optOuts = Self("Unsubscribes and complaints", "Hủy đăng ký và khiếu nại")
    public static let unsubscribed = Self("Unsubscribed", "Đã hủy đăng ký")
    public static let complained = Self("Complained", "Đã khiếu nại")
    public static let rsvps = Self("RSVPs", "Phản hồi tham dự")
    public static let rsvpsOverTime = Self("RSVPs per day", "Phản hồi theo ngày")
    public static let yes = Self("Yes", "Có")
    public static let no = Self("No", "Không")
    public static let none = Self("No answer", "Chưa trả lời")
    public static let guests = Self("Guests", "Khách đi kèm")
    public static let nothingYet = Self("Nothing yet.", "Chưa có dữ liệu.")
    public static let unknown = Self("(not given)", "(không rõ)")
    public static let printHint = Self("To print: open this file in a browser and print it (A4).",
                                       "Để in: mở tệp này bằng trình duyệt rồi in (khổ A4).")
    public static let staffTitle = Self("Outreach — staff", "Outreach — nhân viên")
    public static let live = Self("Refreshed every few seconds.", "Tự cập nhật sau vài giây.")
    public static let bouncesPage = Self("Bounce reports", "Thư trả về")
    public static let auditPage = Self("Audit log", "Nhật ký thao tác")
    public static let auditMissing = Self("The audit log is not part of this version yet: who did what will be listed here.",
                                          "Nhật ký thao tác chưa có trong phiên bản này: ai đã làm gì sẽ được liệt kê ở đây.")
    public static let received = Self("Received", "Nhận lúc")
    public static let contact = Self("Contact", "Người nhận")
    public static let kind = Self("Kind", "Loại")
    public static let diagnostic = Self("Diagnostic", "Chẩn đoán")
    public static let outcome = Self("Outcome", "Kết quả")
    public static let home = Self("Campaigns", "Chiến dịch")
    public static let reason = Self("Reason", "Lý do")
}

extension ReportText {
    /// A campaign status or outbox state in words (the key itself when unknown).
    public func state(_ key: String) -> String {
        let words: [String: (String, String)] = [
            "draft": ("draft", "bản nháp"), "scheduled": ("scheduled", "đã lên lịch"), "running": ("sending", "đang gửi"),
            "paused": ("paused", "tạm dừng"), "finished": ("finished", "đã xong"), "cancelled": ("cancelled", "đã hủy"),
            "queued": ("queued", "chờ gửi"), "sending": ("in progress", "đang gửi"), "sent": ("sent", "đã gửi"),
            "retry": ("to retry", "gửi lại"), "failed": ("failed", "thất bại"), "skipped": ("skipped", "bỏ qua"),
            "unconfirmed": ("unconfirmed", "chưa xác nhận"),
            "hard": ("hard", "vĩnh viễn"), "soft": ("soft", "tạm thời"), "policy": ("policy", "chính sách"),
            "complaint": ("complaint", "khiếu nại"), "auto-reply": ("auto-reply", "trả lời tự động"),
            "unsubscribe": ("unsubscribe", "hủy đăng ký"), "other": ("other", "khác"), "unmatched": ("unmatched", "không khớp"),
            "unreadable": ("unreadable", "không đọc được"),
            "overseas_vietnamese": ("overseas Vietnamese", "kiều bào"), "foreign_resident": ("foreign resident", "người nước ngoài"),
            "partner": ("partner", "đối tác"),
        ]
        guard let w = words[key] else { return key }
        return language == .vi ? w.1 : w.0
    }
}
