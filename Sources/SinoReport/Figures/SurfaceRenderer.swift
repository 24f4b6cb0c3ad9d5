import CCairo
import Foundation

/// Runs a drawing on a fresh cairo surface of the requested format and returns the file bytes.
///
/// Output is deterministic: PDF dates are fixed, SVG ids are renumbered per document, and PNG is written
/// by cairo without timestamps, so the same figure gives the same bytes on the same system
/// (font rasterisation can still differ between FreeType versions).
enum SurfaceRenderer {
    /// PDF creation and modification dates, fixed so files can be compared and cached.
    static let fixedPDFDate = "2000-01-01T00:00:00Z"

    static func render(size: FigureSize, format: FigureFormat, title: String?, draw: (Canvas) -> Void) throws -> [UInt8] {
        let sink = ByteSink()
        let surface = try makeSurface(size: size, format: format, title: title, sink: sink)
        defer { cairo_surface_destroy(surface) }
        try drawPage(on: surface, format: format, draw)
        if format == .png {
            try check(cairo_surface_write_to_png_stream(surface, ByteSink.write, sink.pointer))
            return try PNGResolution.stamp(sink.bytes, dotsPerInch: FigureFormat.pngDotsPerInch)
        }
        // Vector surfaces emit the document only when finished.
        cairo_surface_finish(surface)
        try check(cairo_surface_status(surface))
        return format == .svg ? SVGStableIDs.renumber(sink.bytes) : sink.bytes
    }

    private static func drawPage(on surface: OpaquePointer, format: FigureFormat, _ draw: (Canvas) -> Void) throws {
        guard let cr = cairo_create(surface) else { throw FigureError.renderingFailed(path: nil, reason: "cairo_create failed") }
        defer { cairo_destroy(cr) }
        if format == .png {
            // Work in points everywhere; only the raster surface needs scaling to pixels.
            let scale = FigureFormat.pngDotsPerInch / 72
            cairo_scale(cr, scale, scale)
        }
        let canvas = Canvas(context: cr)
        // An explicit white page over the whole surface (a partly covered last pixel row
        // would otherwise stay black), and no transparency, which journals reject.
        canvas.setSource(.white)
        cairo_paint(cr)
        draw(canvas)
        if let error = canvas.errorText { throw FigureError.renderingFailed(path: nil, reason: error) }
        cairo_surface_flush(surface)
    }

    private static func makeSurface(size: FigureSize, format: FigureFormat, title: String?, sink: ByteSink) throws -> OpaquePointer {
        let surface: OpaquePointer?
        switch format {
        case .png:
            let scale = FigureFormat.pngDotsPerInch / 72
            // The tolerance keeps 230.4 pt × 300/72 = 960.0000001 at 960 pixels, not 961.
            surface = cairo_image_surface_create(
                CAIRO_FORMAT_RGB24, Int32((size.width * scale - 1e-6).rounded(.up)),
                Int32((size.height * scale - 1e-6).rounded(.up)))
        case .svg:
            surface = cairo_svg_surface_create_for_stream(ByteSink.write, sink.pointer, size.width, size.height)
            // Physical units so the SVG imports at column width, not at "pixel" size.
            if let surface { cairo_svg_surface_set_document_unit(surface, CAIRO_SVG_UNIT_PT) }
        case .pdf:
            surface = cairo_pdf_surface_create_for_stream(ByteSink.write, sink.pointer, size.width, size.height)
            if let surface { setPDFMetadata(surface, title: title) }
        }
        guard let surface else { throw FigureError.renderingFailed(path: nil, reason: "no surface created") }
        try check(cairo_surface_status(surface))
        return surface
    }

    private static func setPDFMetadata(_ surface: OpaquePointer, title: String?) {
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, fixedPDFDate)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_MOD_DATE, fixedPDFDate)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "SinoRad")
        if let title { cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title) }
    }

    private static func check(_ status: cairo_status_t) throws {
        guard status != CAIRO_STATUS_SUCCESS else { return }
        throw FigureError.renderingFailed(path: nil, reason: String(cString: cairo_status_to_string(status)))
    }
}

/// Collects the bytes cairo streams out, so files can be written atomically in one go.
private final class ByteSink {
    var bytes: [UInt8] = []

    var pointer: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

    /// cairo_write_func_t: appends `length` bytes to the sink passed as closure data.
    static let write: cairo_write_func_t = { closure, data, length in
        guard let closure, let data else { return CAIRO_STATUS_WRITE_ERROR }
        let sink = Unmanaged<ByteSink>.fromOpaque(closure).takeUnretainedValue()
        sink.bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
        return CAIRO_STATUS_SUCCESS
    }
}
