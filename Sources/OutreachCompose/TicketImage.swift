import CQRCode
import OutreachLinks
import OutreachModel

/// A ticket code as a QR code in a PNG (black on white, a quiet zone of four modules): what the
/// confirmation mail carries inline (`cid:`; mail clients show PNG, not SVG) and the RSVP page shows.
public enum TicketImage {
    /// Pixels per QR module.
    static let scale = 6
    static let quietZone = 4

    /// What went wrong making the image (memory, or a code too long for a QR code).
    public struct Failure: StaffFacingError {
        public let detail: String
        public var message: StaffMessage { StaffMessage("ticket.image_failed", ["detail": detail]) }
    }

    /// The PNG of `code` (dashes and case as typed are dropped: the QR holds the canonical code).
    public static func png(_ code: String) throws -> [UInt8] {
        let text = TicketAlphabet.canonical(code)
        guard let qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1) else {
            throw Failure(detail: "cannot make a QR code of \(text.count) characters")
        }
        defer { QRcode_free(qr) }
        let modules = Int(qr.pointee.width), side = (modules + 2 * quietZone) * scale
        var pixels = [UInt8](repeating: 255, count: side * side)
        for y in 0..<modules {
            for x in 0..<modules where qr.pointee.data[y * modules + x] & 1 == 1 {
                for dy in 0..<scale {
                    let row = ((y + quietZone) * scale + dy) * side + (x + quietZone) * scale
                    for dx in 0..<scale { pixels[row + dx] = 0 }
                }
            }
        }
        var image = outreach_gray_image(png_uint_32(side), png_uint_32(side))
        var size: png_alloc_size_t = 0
        guard png_image_write_to_memory(&image, nil, &size, 0, pixels, png_int_32(side), nil) != 0, size > 0 else {
            throw Failure(detail: "libpng could not size the image")
        }
        var png = [UInt8](repeating: 0, count: Int(size))
        guard png_image_write_to_memory(&image, &png, &size, 0, pixels, png_int_32(side), nil) != 0 else {
            throw Failure(detail: "libpng could not write the image")
        }
        return Array(png.prefix(Int(size)))
    }
}
