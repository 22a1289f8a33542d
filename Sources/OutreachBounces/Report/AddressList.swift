/// The addr-specs in address header values (RFC 5322 §3.4): display names, comments, groups and
/// routes are dropped, what is left between angle brackets (or the bare address) is kept. Works on
/// UTF-8 bytes: every delimiter is ASCII, and a mailbox reads many of these per second.
enum AddressList {
    /// Every address in an address-list value, in order: `"Nguyễn, A" <a@b>, c@d (C), team: e@f;` →
    /// a@b, c@d, e@f. Items without "@" are dropped unless `allowLocal` (for a From of "MAILER-DAEMON").
    static func addresses(in value: String, allowLocal: Bool = false) -> [String] {
        var items: [String] = []
        var current: [UInt8] = []
        var angle: [UInt8]?
        var inQuotes = false, inAngle = false, escaped = false
        var commentDepth = 0
        func finish() {
            var address = (angle ?? current)[...]
            // A group name ("team:") or route ("@a,@b:") before the address is not part of it.
            if angle == nil, let colon = address.lastIndex(of: .colon) { address = address[(colon + 1)...] }
            if angle != nil, address.first == 0x40, let colon = address.firstIndex(of: .colon) { address = address[(colon + 1)...] }
            address = address.trimmingWhitespace()
            if !address.isEmpty, allowLocal || address.contains(0x40), !address.contains(where: { $0.isWhitespace || $0 == .semicolon }) {
                items.append(String(decoding: address, as: UTF8.self))
            }
            current.removeAll(keepingCapacity: true)
            angle = nil
        }
        for byte in value.utf8 {
            if escaped {
                escaped = false
                if inAngle { angle?.append(byte) }
                continue
            }
            if commentDepth > 0 {
                switch byte {
                case 0x28: commentDepth += 1
                case 0x29: commentDepth -= 1
                case 0x5C: escaped = true
                default: break
                }
                continue
            }
            if inQuotes {
                if byte == 0x22 { inQuotes = false } else if byte == 0x5C { escaped = true }
                if inAngle { angle?.append(byte) }
                continue
            }
            switch byte {
            case 0x22:
                inQuotes = true
                if inAngle { angle?.append(byte) }
            case 0x28: commentDepth = 1
            case 0x3C: inAngle = true; angle = []
            case 0x3E: inAngle = false
            case 0x2C, .semicolon:
                if inAngle { angle?.append(byte) } else { finish() }
            default:
                if inAngle { angle?.append(byte) } else if angle == nil { current.append(byte) }
            }
        }
        finish()
        return items
    }

    /// The first address of a single-address value such as From or Return-Path.
    static func first(in value: String, allowLocal: Bool = false) -> String? {
        addresses(in: value, allowLocal: allowLocal).first
    }

    /// The addresses of the `mailto:` URIs in a List-Unsubscribe value (RFC 2369): query removed,
    /// percent-escapes decoded, several addresses in one URI split.
    static func mailtoAddresses(inListUnsubscribe value: String) -> [String] {
        var result: [String] = []
        let bytes = Array(value.utf8)[...]
        var i = bytes.startIndex
        while let open = bytes[i...].firstIndex(of: 0x3C) {
            guard let close = bytes[open...].firstIndex(of: 0x3E) else { break }
            let uri = bytes[(open + 1)..<close].trimmingWhitespace()
            i = close
            guard uri.hasCaseInsensitivePrefix("mailto:") else { continue }
            let path = uri.dropFirst(7).prefix { $0 != 0x3F }  // up to "?"
            for part in path.split(separator: 0x2C) {
                let address = percentDecoded(part).trimmingWhitespace()
                if address.contains(0x40) { result.append(String(decoding: address, as: UTF8.self)) }
            }
        }
        return result
    }

    private static func percentDecoded(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        guard bytes.contains(0x25) else { return bytes }
        var out: [UInt8] = []
        var i = bytes.startIndex
        while i < bytes.endIndex {
            if bytes[i] == 0x25, i + 2 < bytes.endIndex, let high = bytes[i + 1].hexValue, let low = bytes[i + 2].hexValue {
                out.append(high << 4 | low)
                i += 3
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return out[...]
    }
}
