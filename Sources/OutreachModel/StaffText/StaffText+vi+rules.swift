extension StaffText {
    /// The Vietnamese words of the outbox's rules and the failures that stay local (a test send to
    /// a suppressed address, a campaign that cannot be composed, a write error that stopped
    /// delivery). Keep the keys in the same order as in the other language.
    static let viRules: [String: String] = [
        "campaign.test_suppressed": "{to} nằm trong danh sách ngừng gửi ({reason}): không gửi thư thử tới địa chỉ này; hãy thử với địa chỉ khác",
        "campaign.paused.cannot_compose": "không soạn được thư của chiến dịch: {error}",
        "doctor.check.delivery_fault": "ghi kết quả gửi thư",
        "doctor.delivery_fault.none": "outreach serve chưa ghi nhận lỗi ghi nào",
        "doctor.delivery_fault.found": "outreach serve đã dừng gửi thư lúc {time}: {error}",
        "doctor.delivery_fault.fix": "giải phóng dung lượng đĩa hoặc sửa quyền truy cập cơ sở dữ liệu, rồi khởi động lại outreach serve (thao tác này xóa bản ghi lỗi)",
    ]
}
