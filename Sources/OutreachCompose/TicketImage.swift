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
        var matrix: UnsafeMutablePointer<UInt8>?
        let modules = Int(outreach_qr_modules(text, &matrix))
        guard modules > 0, let matrix else {
            throw Failure(detail: "cannot make a QR code of \(text.count) characters")
        }
        defer { outreach_qr_free(matrix) }
        let side = (modules + 2 * quietZone) * scale
        var pixels = [UInt8](repeating: 255, count: side * side)
        for y in 0..<modules {
            for x in 0..<modules where matrix[y * modules + x] == 1 {
                for dy in 0..<scale {
                    let row = ((y + quietZone) * scale + dy) * side + (x + quietZone) * scale
                    for dx in 0..<scale { pixels[row + dx] = 0 }
                }
            }
        }
        let size = outreach_png_gray(pixels, UInt32(side), nil, 0)
        guard size > 0 else { throw Failure(detail: "libpng could not size the image") }
        var png = [UInt8](repeating: 0, count: size)
        let written = outreach_png_gray(pixels, UInt32(side), &png, size)
        guard written > 0 else { throw Failure(detail: "libpng could not write the image") }
        return Array(png.prefix(written))
    }
}
