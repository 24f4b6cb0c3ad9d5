/// Adds the physical resolution to a PNG: cairo writes none, so viewers and journal upload
/// checks would read a 300 dpi figure as a 72 dpi one four times too large.
enum PNGResolution {
    /// Inserts a `pHYs` chunk (PNG 1.2 §11.3.5.3) right after `IHDR`, which must come first.
    static func stamp(_ png: [UInt8], dotsPerInch: Double) throws -> [UInt8] {
        // 8-byte signature, then IHDR: length (4) + type (4) + 13 data bytes + CRC (4).
        let ihdrEnd = 8 + 4 + 4 + 13 + 4
        guard png.count > ihdrEnd, Array(png[12..<16]) == Array("IHDR".utf8) else {
            throw FigureError.renderingFailed(path: nil, reason: "cairo produced an unexpected PNG header")
        }
        let pixelsPerMetre = UInt32((dotsPerInch / 0.0254).rounded())
        var data = bigEndian(pixelsPerMetre) + bigEndian(pixelsPerMetre)
        data.append(1) // unit: metre
        return Array(png[..<ihdrEnd]) + chunk("pHYs", data) + Array(png[ihdrEnd...])
    }

    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typeAndData = Array(type.utf8) + data
        return bigEndian(UInt32(data.count)) + typeAndData + bigEndian(crc32(typeAndData))
    }

    static func bigEndian(_ v: UInt32) -> [UInt8] {
        [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)]
    }

    /// CRC-32 as PNG specifies it (ISO 3309, polynomial 0xEDB88320, reflected), bitwise:
    /// chunks are a few bytes, so a lookup table would not pay off.
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
