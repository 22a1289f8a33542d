extension StaffText {
    /// Tiếng Việt cho phần gia cố của issue 22: khoá khi chuyển đổi lược đồ và giới hạn khi nhập.
    /// Keep the keys in the same order as in the other language.
    static let viHardening: [String: String] = [
        "register.cannot_lock": "không mở được tệp khoá {path} bên cạnh cơ sở dữ liệu: {reason}",
        "register.lock_timeout": "đã chờ {seconds} giây một lệnh outreach khác mở hoặc chuyển đổi {path}; lệnh đó vẫn giữ {lock}: hãy để lệnh đó chạy xong, hoặc dừng nó rồi chạy lại lệnh",
        "import.line_too_long": "một dòng của tệp dài hơn {megabytes} MB: đây có phải tệp danh bạ không?",
    ]
}
