import CCairo
import Foundation

@testable import SinoReport

/// A decoded PNG for pixel checks, read back through cairo's own PNG loader.
struct RasterImage {
    let width: Int
    let height: Int
    private let pixels: [UInt32]

    struct Pixel: Equatable {
        var red: Double, green: Double, blue: Double
        var luminance: Double { FigureColor(red: red, green: green, blue: blue).luminance }
        var isWhite: Bool { red > 0.98 && green > 0.98 && blue > 0.98 }
        /// Neutral grey (all channels within 0.06) of middling lightness.
        var isMidGrey: Bool {
            max(red, green, blue) - min(red, green, blue) < 0.06 && (0.3...0.85).contains(green)
        }
    }

    init(png: [UInt8]) throws {
        var reader = PNGReader(bytes: png)
        let surface = withUnsafeMutablePointer(to: &reader) {
            cairo_image_surface_create_from_png_stream(PNGReader.read, $0)
        }
        defer { cairo_surface_destroy(surface) }
        guard cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else { throw FigureError.renderingFailed(path: nil, reason: "unreadable PNG") }
        width = Int(cairo_image_surface_get_width(surface))
        height = Int(cairo_image_surface_get_height(surface))
        let stride = Int(cairo_image_surface_get_stride(surface)) / 4
        let data = cairo_image_surface_get_data(surface)!.withMemoryRebound(to: UInt32.self, capacity: stride * height) { $0 }
        var pixels: [UInt32] = []
        pixels.reserveCapacity(width * height)
        for y in 0..<height {
            for x in 0..<width { pixels.append(data[y * stride + x]) }
        }
        self.pixels = pixels
    }

    func pixel(x: Int, y: Int) -> Pixel {
        let v = pixels[y * width + x]
        return Pixel(red: Double((v >> 16) & 0xFF) / 255, green: Double((v >> 8) & 0xFF) / 255, blue: Double(v & 0xFF) / 255)
    }

    /// The pixel under a page position in points (300 dpi: 300/72 pixels per point).
    func pixel(atPoint p: PagePoint) -> Pixel {
        let scale = FigureFormat.pngDotsPerInch / 72
        return pixel(x: Int(p.x * scale), y: Int(p.y * scale))
    }

    /// Pixels inside a page rectangle in points.
    func pixels(in rect: PageRect) -> [Pixel] {
        let scale = FigureFormat.pngDotsPerInch / 72
        var result: [Pixel] = []
        for y in Int(rect.minY * scale)..<Int(rect.maxY * scale) {
            for x in Int(rect.minX * scale)..<Int(rect.maxX * scale) { result.append(pixel(x: x, y: y)) }
        }
        return result
    }
}

/// Feeds PNG bytes to cairo's read callback.
private struct PNGReader {
    let bytes: [UInt8]
    var offset = 0

    static let read: cairo_read_func_t = { closure, data, length in
        let reader = closure!.assumingMemoryBound(to: PNGReader.self)
        let n = Int(length)
        guard reader.pointee.offset + n <= reader.pointee.bytes.count else { return CAIRO_STATUS_READ_ERROR }
        reader.pointee.bytes.withUnsafeBufferPointer { source in
            data!.update(from: source.baseAddress! + reader.pointee.offset, count: n)
        }
        reader.pointee.offset += n
        return CAIRO_STATUS_SUCCESS
    }
}
