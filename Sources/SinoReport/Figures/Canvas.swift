import CCairo

/// A point or size on the page, in points, y growing downwards (cairo's device space).
struct PagePoint: Equatable {
    var x: Double
    var y: Double
}

/// An axis-aligned page rectangle in points.
struct PageRect: Equatable {
    var x: Double
    var y: Double
    var width: Double
    var height: Double

    var minX: Double { x }
    var maxX: Double { x + width }
    var minY: Double { y }
    var maxY: Double { y + height }
    var center: PagePoint { PagePoint(x: x + width / 2, y: y + height / 2) }

    func contains(_ p: PagePoint) -> Bool {
        p.x >= minX && p.x <= maxX && p.y >= minY && p.y <= maxY
    }

    func insetBy(_ d: Double) -> PageRect {
        PageRect(x: x + d, y: y + d, width: width - 2 * d, height: height - 2 * d)
    }
}

/// Where a text's anchor point sits relative to the text.
struct TextAnchor {
    enum Horizontal { case left, center, right }
    enum Vertical { case top, middle, baseline, bottom }
    var horizontal: Horizontal
    var vertical: Vertical

    static let center = TextAnchor(horizontal: .center, vertical: .middle)
}

/// Drawing primitives in points over one cairo context. The same calls draw on an image, SVG
/// or PDF surface, so every format shows the same figure.
final class Canvas {
    let cr: OpaquePointer

    init(context: OpaquePointer) {
        cr = context
        useUnhintedFontMetrics()
    }

    /// Text widths must not depend on the surface, otherwise PNG and PDF layouts would differ:
    /// hinted metrics snap advances to device pixels, unhinted ones are the font's own.
    private func useUnhintedFontMetrics() {
        let options = cairo_font_options_create()
        cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF)
        cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE)
        cairo_font_options_set_antialias(options, CAIRO_ANTIALIAS_GRAY)
        cairo_set_font_options(cr, options)
        cairo_font_options_destroy(options)
    }

    // MARK: Text

    func setFont(size: Double, bold: Bool = false) {
        cairo_select_font_face(
            cr, FigureTypography.font, CAIRO_FONT_SLANT_NORMAL,
            bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
        cairo_set_font_size(cr, size)
    }

    /// Advance width of `text` in the current font.
    func width(of text: String) -> Double {
        var extents = cairo_text_extents_t()
        cairo_text_extents(cr, text, &extents)
        return extents.x_advance
    }

    /// `text` broken at spaces into lines at most `width` wide in the current font (a word
    /// wider than that keeps a line of its own).
    func wrapped(_ text: String, width: Double) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            let candidate = line.isEmpty ? String(word) : line + " " + word
            if line.isEmpty || self.width(of: candidate) <= width {
                line = candidate
            } else {
                lines.append(line)
                line = String(word)
            }
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }

    /// Ascent and descent of the current font, for placing lines of text.
    func fontMetrics() -> (ascent: Double, descent: Double) {
        var extents = cairo_font_extents_t()
        cairo_font_extents(cr, &extents)
        return (extents.ascent, extents.descent)
    }

    /// Draws one line of text anchored at `point`; `rotated` turns it 90° counter-clockwise
    /// (a y-axis title), the anchor then applying along the rotated text.
    func drawText(_ text: String, at point: PagePoint, anchor: TextAnchor, color: FigureColor, rotated: Bool = false) {
        let width = width(of: text)
        let (ascent, descent) = fontMetrics()
        let dx: Double =
            switch anchor.horizontal {
            case .left: 0
            case .center: -width / 2
            case .right: -width
            }
        let dy: Double =
            switch anchor.vertical {
            case .top: ascent
            case .middle: (ascent - descent) / 2
            case .baseline: 0
            case .bottom: -descent
            }
        cairo_save(cr)
        cairo_translate(cr, point.x, point.y)
        if rotated { cairo_rotate(cr, -Double.pi / 2) }
        cairo_move_to(cr, dx, dy)
        setSource(color)
        cairo_show_text(cr, text)
        cairo_new_path(cr)
        cairo_restore(cr)
    }

    // MARK: Shapes

    func setSource(_ color: FigureColor, alpha: Double = 1) {
        cairo_set_source_rgba(cr, color.red, color.green, color.blue, alpha)
    }

    func fill(_ rect: PageRect, color: FigureColor) {
        cairo_rectangle(cr, rect.x, rect.y, rect.width, rect.height)
        setSource(color)
        cairo_fill(cr)
    }

    func stroke(_ rect: PageRect, color: FigureColor, width: Double) {
        cairo_rectangle(cr, rect.x, rect.y, rect.width, rect.height)
        applyStroke(color: color, width: width, dash: .solid)
        cairo_stroke(cr)
    }

    /// Strokes straight segments through `points` (nothing for fewer than two).
    func strokePolyline(_ points: [PagePoint], color: FigureColor, width: Double, dash: LineDash) {
        guard let first = points.first, points.count > 1 else { return }
        cairo_move_to(cr, first.x, first.y)
        for p in points.dropFirst() { cairo_line_to(cr, p.x, p.y) }
        applyStroke(color: color, width: width, dash: dash)
        cairo_stroke(cr)
    }

    private func applyStroke(color: FigureColor, width: Double, dash: LineDash) {
        setSource(color)
        cairo_set_line_width(cr, width)
        // Round joins keep steep ROC steps from growing miter spikes; butt caps keep dashes crisp.
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND)
        cairo_set_line_cap(cr, dash == .solid ? CAIRO_LINE_CAP_ROUND : CAIRO_LINE_CAP_BUTT)
        let pattern = dash.pattern(lineWidth: width)
        cairo_set_dash(cr, pattern, Int32(pattern.count), 0)
    }

    func drawMarker(_ shape: MarkerShape, at p: PagePoint, size: Double, color: FigureColor) {
        let r = size / 2
        switch shape {
        case .circle:
            cairo_new_sub_path(cr)
            cairo_arc(cr, p.x, p.y, r, 0, 2 * Double.pi)
        case .square:
            cairo_rectangle(cr, p.x - r, p.y - r, size, size)
        case .triangle:
            // Equilateral triangle with the same area feel as the circle: slightly larger radius.
            let t = r * 1.2
            cairo_move_to(cr, p.x, p.y - t)
            cairo_line_to(cr, p.x + t * 0.866, p.y + t * 0.5)
            cairo_line_to(cr, p.x - t * 0.866, p.y + t * 0.5)
            cairo_close_path(cr)
        case .diamond:
            let t = r * 1.25
            cairo_move_to(cr, p.x, p.y - t)
            cairo_line_to(cr, p.x + t, p.y)
            cairo_line_to(cr, p.x, p.y + t)
            cairo_line_to(cr, p.x - t, p.y)
            cairo_close_path(cr)
        }
        setSource(color)
        cairo_fill(cr)
    }

    /// Runs `body` with drawing restricted to `rect`, e.g. curves clipped to the plot area.
    func clipped(to rect: PageRect, _ body: () -> Void) {
        cairo_save(cr)
        cairo_rectangle(cr, rect.x, rect.y, rect.width, rect.height)
        cairo_clip(cr)
        body()
        cairo_restore(cr)
    }

    /// cairo's sticky error status, nil while all is well.
    var errorText: String? {
        let status = cairo_status(cr)
        guard status != CAIRO_STATUS_SUCCESS else { return nil }
        return String(cString: cairo_status_to_string(status))
    }
}

/// An 8-bit RGB raster, row-major from the top-left pixel, three bytes per pixel.
struct RGBBitmap: Equatable {
    let width: Int
    let height: Int
    var bytes: [UInt8]

    init(width: Int, height: Int, bytes: [UInt8]) {
        precondition(width > 0 && height > 0 && bytes.count == 3 * width * height, "RGB bitmap size")
        self.width = width
        self.height = height
        self.bytes = bytes
    }
}

/// How a bitmap is resampled to its page size: pixels as squares, or blended between centres.
public enum BitmapInterpolation: String, Sendable, CaseIterable {
    case nearest, bilinear
}

extension Canvas {
    /// Draws `bitmap` stretched over `rect`. Raster output resamples it with `interpolation`;
    /// SVG and PDF embed the bitmap itself (PNG data in SVG, an image XObject in PDF).
    func drawBitmap(_ bitmap: RGBBitmap, in rect: PageRect, interpolation: BitmapInterpolation) {
        guard let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(bitmap.width), Int32(bitmap.height)) else { return }
        defer { cairo_surface_destroy(surface) }
        guard cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS, let data = cairo_image_surface_get_data(surface) else { return }
        cairo_surface_flush(surface)
        let stride = Int(cairo_image_surface_get_stride(surface)) / 4
        data.withMemoryRebound(to: UInt32.self, capacity: stride * bitmap.height) { pixels in
            bitmap.bytes.withUnsafeBufferPointer { rgb in
                for y in 0..<bitmap.height {
                    for x in 0..<bitmap.width {
                        let i = 3 * (y * bitmap.width + x)
                        // CAIRO_FORMAT_RGB24: native-endian 32-bit words, 0x00RRGGBB.
                        pixels[y * stride + x] = UInt32(rgb[i]) << 16 | UInt32(rgb[i + 1]) << 8 | UInt32(rgb[i + 2])
                    }
                }
            }
        }
        cairo_surface_mark_dirty(surface)
        cairo_save(cr)
        cairo_rectangle(cr, rect.x, rect.y, rect.width, rect.height)
        cairo_clip(cr)
        cairo_translate(cr, rect.x, rect.y)
        cairo_scale(cr, rect.width / Double(bitmap.width), rect.height / Double(bitmap.height))
        cairo_set_source_surface(cr, surface, 0, 0)
        let pattern = cairo_get_source(cr)
        cairo_pattern_set_filter(pattern, interpolation == .nearest ? CAIRO_FILTER_NEAREST : CAIRO_FILTER_BILINEAR)
        // Padding repeats the edge pixels, so bilinear edges do not fade into the page.
        cairo_pattern_set_extend(pattern, interpolation == .nearest ? CAIRO_EXTEND_NONE : CAIRO_EXTEND_PAD)
        cairo_paint(cr)
        cairo_restore(cr)
    }
}
