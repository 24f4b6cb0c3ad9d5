/// One MRI slice with its Grad-CAM heatmap and optional ROI mask: what a Grad-CAM overlay
/// draws. All arrays are `height × width`, row-major from the top-left pixel.
///
///     let tile = try GradCAMTile(width: 224, height: 224, image: slice, heatmap: cam,
///                                mask: roi, caption: "SYN0012 · ACC (0.81)")
public struct GradCAMTile: Equatable, Sendable {
    public let width: Int
    public let height: Int
    /// Signal intensities in any unit; shown in grey through `window`.
    public let image: [Float]
    /// The class activation map, in 0...1.
    public let heatmap: [Float]
    /// The ROI: pixels with mask > 0.5 are inside; its boundary is drawn as a contour.
    public let mask: [Float]?
    /// Intensities mapped to black and white: the given window, or the image's own 1st to
    /// 99th percentile (linear interpolation, numpy's default).
    public let window: ClosedRange<Float>
    public let caption: String?

    /// Throws `FigureError.invalidInput` unless the sizes are positive, every array has
    /// `width × height` values, the values are finite, the heatmap lies in 0...1 and a given
    /// window is finite with a lower bound below its upper bound.
    public init(
        width: Int, height: Int, image: [Float], heatmap: [Float], mask: [Float]? = nil,
        window: ClosedRange<Float>? = nil, caption: String? = nil
    ) throws {
        try Self.validate(
            width: width, height: height, image: image, heatmap: heatmap, mask: mask,
            window: window, check: InputCheck(figure: "GradCAMTile" + (caption.map { " '\($0)'" } ?? "")))
        self.width = width
        self.height = height
        self.image = image
        self.heatmap = heatmap
        self.mask = mask
        self.window = window ?? Self.percentileWindow(image)
        self.caption = caption
    }

    private static func validate(
        width: Int, height: Int, image: [Float], heatmap: [Float], mask: [Float]?,
        window: ClosedRange<Float>?, check: InputCheck
    ) throws {
        try check.require(width > 0 && height > 0, "size \(width) × \(height) must be positive")
        let n = width * height
        try check.require(image.count == n, "image has \(image.count) values, expected \(height) × \(width) = \(n)")
        try check.require(heatmap.count == n, "heatmap has \(heatmap.count) values, expected \(height) × \(width) = \(n)")
        if let mask { try check.require(mask.count == n, "mask has \(mask.count) values, expected \(height) × \(width) = \(n)") }
        for (name, values) in [("image", image), ("heatmap", heatmap), ("mask", mask ?? [])] {
            if let i = values.firstIndex(where: { !$0.isFinite }) {
                throw check.fail("\(name)[\(i)] (row \(i / width), column \(i % width)) = \(values[i]) is not a finite number")
            }
        }
        if let i = heatmap.firstIndex(where: { !(0...1).contains($0) }) {
            throw check.fail("heatmap[\(i)] (row \(i / width), column \(i % width)) = \(heatmap[i]) is outside [0, 1]")
        }
        if let window {
            try check.require(
                window.lowerBound.isFinite && window.upperBound.isFinite && window.lowerBound < window.upperBound,
                "window \(window) must be finite with lower < upper")
        }
    }

    /// The 1st to 99th percentile of `values` (numpy's linear interpolation).
    static func percentileWindow(_ values: [Float]) -> ClosedRange<Float> {
        let sorted = values.sorted()
        func percentile(_ p: Double) -> Float {
            let position = p * Double(sorted.count - 1)
            let lower = Int(position.rounded(.down))
            let upper = min(lower + 1, sorted.count - 1)
            return sorted[lower] + (sorted[upper] - sorted[lower]) * Float(position - Double(lower))
        }
        return percentile(0.01)...percentile(0.99)
    }

    /// Grey level 0...1 of pixel `i` through the window (mid-grey when the window is one value).
    func grey(_ i: Int) -> Float {
        let span = window.upperBound - window.lowerBound
        guard span > 0 else { return 0.5 }
        return min(max((image[i] - window.lowerBound) / span, 0), 1)
    }

    /// The overlay as pytorch-grad-cam's `show_cam_on_image` blends it:
    /// `(1 − w) · jet(heatmap) + w · grey`, with the heatmap quantised to 256 levels as
    /// `applyColorMap` does. The final division by the maximum that `show_cam_on_image` also
    /// applies is left out, so a pixel's colour does not depend on the rest of the slice.
    func overlay(imageWeight w: Float) -> RGBBitmap {
        var bytes = [UInt8](repeating: 0, count: 3 * width * height)
        for i in 0..<(width * height) {
            let g = grey(i) * w
            let heat = JetColormap.quantised(heatmap[i])
            bytes[3 * i] = JetColormap.byte((1 - w) * heat.r + g)
            bytes[3 * i + 1] = JetColormap.byte((1 - w) * heat.g + g)
            bytes[3 * i + 2] = JetColormap.byte((1 - w) * heat.b + g)
        }
        return RGBBitmap(width: width, height: height, bytes: bytes)
    }

    /// The ROI boundary as straight runs along pixel edges, in pixel coordinates (0...width,
    /// 0...height, y down): every edge between a pixel inside (mask > 0.5) and one outside
    /// it or outside the image, with collinear neighbouring edges merged.
    func contourSegments() -> [(PlotPoint, PlotPoint)] {
        guard let mask else { return [] }
        func inside(_ x: Int, _ y: Int) -> Bool {
            x >= 0 && x < width && y >= 0 && y < height && mask[y * width + x] > 0.5
        }
        var segments: [(PlotPoint, PlotPoint)] = []
        // Horizontal edges: the line y between rows y − 1 and y.
        for y in 0...height {
            var start: Int?
            for x in 0...width {
                let edge = x < width && inside(x, y - 1) != inside(x, y)
                if edge, start == nil { start = x }
                if !edge, let s = start {
                    segments.append((PlotPoint(x: Double(s), y: Double(y)), PlotPoint(x: Double(x), y: Double(y))))
                    start = nil
                }
            }
        }
        // Vertical edges: the line x between columns x − 1 and x.
        for x in 0...width {
            var start: Int?
            for y in 0...height {
                let edge = y < height && inside(x - 1, y) != inside(x, y)
                if edge, start == nil { start = y }
                if !edge, let s = start {
                    segments.append((PlotPoint(x: Double(x), y: Double(s)), PlotPoint(x: Double(x), y: Double(y))))
                    start = nil
                }
            }
        }
        return segments
    }
}

/// Drawing shared by the overlay and the montage: one tile fitted into a box, and the jet colour bar.
struct GradCAMDrawing {
    typealias T = FigureTypography

    let imageWeight: Float
    let contourColor: FigureColor
    let interpolation: BitmapInterpolation
    static let contourWidth = 0.8
    static let colourBarWidth = 7.0
    static let colourBarTicks: [Float] = [0, 0.5, 1]
    static let colourBarTitle = "Grad-CAM"

    /// The largest rectangle with the tile's aspect ratio inside `box`, centred.
    static func imageRect(_ tile: GradCAMTile, in box: PageRect) -> PageRect {
        let scale = min(box.width / Double(tile.width), box.height / Double(tile.height))
        let w = Double(tile.width) * scale, h = Double(tile.height) * scale
        return PageRect(x: box.minX + (box.width - w) / 2, y: box.minY + (box.height - h) / 2, width: w, height: h)
    }

    /// Draws the blended slice in `rect` (already of the tile's aspect) and the ROI contour over it.
    func draw(_ tile: GradCAMTile, in rect: PageRect, on canvas: Canvas) {
        canvas.drawBitmap(tile.overlay(imageWeight: imageWeight), in: rect, interpolation: interpolation)
        let sx = rect.width / Double(tile.width), sy = rect.height / Double(tile.height)
        canvas.clipped(to: rect) {
            for (a, b) in tile.contourSegments() {
                canvas.strokePolyline(
                    [
                        PagePoint(x: rect.minX + a.x * sx, y: rect.minY + a.y * sy),
                        PagePoint(x: rect.minX + b.x * sx, y: rect.minY + b.y * sy)
                    ],
                    color: contourColor, width: Self.contourWidth, dash: .solid)
            }
        }
    }

    /// Room the colour bar takes to the right of the images, from the gap before the bar to
    /// the end of its title.
    static func colourBarReserve(canvas: Canvas) -> Double {
        canvas.setFont(size: T.tickLabelSize)
        let labels = colourBarTicks.map { canvas.width(of: tickLabel($0)) }.max() ?? 0
        return 2 * T.gap + colourBarWidth + T.tickLength + T.gap + labels + T.gap + T.axisTitleSize * 1.2
    }

    static func tickLabel(_ v: Float) -> String { v == 0.5 ? "0.5" : v == 0 ? "0" : "1" }

    /// The jet ramp from 0 (bottom) to 1 (top) spanning `height` at `top`, beginning `left`.
    static func drawColourBar(left: Double, top: Double, height: Double, on canvas: Canvas) {
        let x = left + 2 * T.gap
        let bar = PageRect(x: x, y: top, width: colourBarWidth, height: height)
        var bytes: [UInt8] = []
        for i in (0..<256).reversed() {
            let c = JetColormap.table[i]
            bytes += [JetColormap.byte(c.r), JetColormap.byte(c.g), JetColormap.byte(c.b)]
        }
        canvas.drawBitmap(RGBBitmap(width: 1, height: 256, bytes: bytes), in: bar, interpolation: .nearest)
        canvas.stroke(bar, color: .black, width: 0.5)
        canvas.setFont(size: T.tickLabelSize)
        var labelsRight = bar.maxX
        for v in colourBarTicks {
            let y = bar.maxY - Double(v) * bar.height
            canvas.strokePolyline(
                [PagePoint(x: bar.maxX, y: y), PagePoint(x: bar.maxX + T.tickLength, y: y)],
                color: .black, width: 0.5, dash: .solid)
            let at = PagePoint(x: bar.maxX + T.tickLength + T.gap, y: y)
            canvas.drawText(tickLabel(v), at: at, anchor: TextAnchor(horizontal: .left, vertical: .middle), color: .black)
            labelsRight = max(labelsRight, at.x + canvas.width(of: tickLabel(v)))
        }
        canvas.setFont(size: T.axisTitleSize)
        canvas.drawText(
            colourBarTitle, at: PagePoint(x: labelsRight + T.gap, y: bar.center.y),
            anchor: TextAnchor(horizontal: .center, vertical: .top), color: .black, rotated: true)
    }
}
