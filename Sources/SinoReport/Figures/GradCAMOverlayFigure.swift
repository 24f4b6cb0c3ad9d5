import CCairo

/// One MRI slice in grey with its Grad-CAM heatmap blended on top in jet colours, the ROI
/// contour and a colour bar for the heatmap.
///
///     let figure = try GradCAMOverlayFigure(title: "SYN0012 · true ACC · predicted ACC (0.81)",
///                                           width: 224, height: 224, image: slice, heatmap: cam, mask: roi)
///     try figure.write(to: "gradcam/SYN0012.png")
///
/// Each pixel is `(1 − w) · jet(heatmap) + w · grey` with the image weight w = 0.5 by default,
/// as pytorch-grad-cam's `show_cam_on_image` blends them; the contour is drawn along the pixel
/// edges between mask > 0.5 and mask ≤ 0.5. The slice keeps its aspect ratio (square pixels).
public struct GradCAMOverlayFigure: RenderableFigure {
    public let title: String?
    public let tile: GradCAMTile
    /// The share of the grey image in each blended pixel, in 0...1.
    public let imageWeight: Float
    public let contourColor: FigureColor
    public let interpolation: BitmapInterpolation
    public let size: FigureSize

    /// Throws `FigureError.invalidInput` for an image weight outside 0...1.
    public init(
        title: String? = nil, tile: GradCAMTile, imageWeight: Float = 0.5, contourColor: FigureColor = .white,
        interpolation: BitmapInterpolation = .nearest, size: FigureSize = .singleColumn
    ) throws {
        try InputCheck(figure: "GradCAMOverlayFigure").imageWeight(imageWeight)
        self.title = title
        self.tile = tile
        self.imageWeight = imageWeight
        self.contourColor = contourColor
        self.interpolation = interpolation
        self.size = size
    }

    /// The slice, heatmap and mask as `height × width` row-major arrays; see `GradCAMTile` for
    /// what is checked (sizes, finite values, heatmap in 0...1, window).
    public init(
        title: String? = nil, width: Int, height: Int, image: [Float], heatmap: [Float], mask: [Float]? = nil,
        window: ClosedRange<Float>? = nil, imageWeight: Float = 0.5, contourColor: FigureColor = .white,
        interpolation: BitmapInterpolation = .nearest, size: FigureSize = .singleColumn
    ) throws {
        let tile: GradCAMTile
        do {
            tile = try GradCAMTile(width: width, height: height, image: image, heatmap: heatmap, mask: mask, window: window)
        } catch FigureError.invalidInput(_, let message) {
            throw FigureError.invalidInput(figure: "GradCAMOverlayFigure", message: message)
        }
        try self.init(
            title: title, tile: tile, imageWeight: imageWeight, contourColor: contourColor,
            interpolation: interpolation, size: size)
    }

    public func rendered(as format: FigureFormat) throws -> [UInt8] {
        try SurfaceRenderer.render(size: size, format: format, title: title) { canvas in
            let rect = imageRect(canvas: canvas)
            GradCAMDrawing(imageWeight: imageWeight, contourColor: contourColor, interpolation: interpolation)
                .draw(tile, in: rect, on: canvas)
            GradCAMDrawing.drawColourBar(left: rect.maxX, top: rect.minY, height: rect.height, on: canvas)
            FigureTitle(title, pageWidth: size.width, canvas: canvas).draw(centerX: rect.center.x, on: canvas)
        }
    }

    /// Where the slice lands on the page: the largest rectangle of its aspect ratio below the
    /// title and left of the colour bar.
    func imageRect(canvas: Canvas) -> PageRect {
        typealias T = FigureTypography
        let top = T.outerPadding + FigureTitle(title, pageWidth: size.width, canvas: canvas).height
        let right = GradCAMDrawing.colourBarReserve(canvas: canvas) + T.outerPadding
        let box = PageRect(
            x: T.outerPadding, y: top, width: size.width - T.outerPadding - right,
            height: size.height - top - T.outerPadding)
        return GradCAMDrawing.imageRect(tile, in: box)
    }

    /// `imageRect` measured on a scratch surface (text metrics are the same for every format).
    var measuredImageRect: PageRect { ScratchCanvas.measure(imageRect(canvas:)) }
}

extension InputCheck {
    func imageWeight(_ w: Float) throws {
        try require(w >= 0 && w <= 1, "image weight \(w) is outside [0, 1]")
    }
}

/// A 1 × 1 surface for measuring text before anything is drawn.
enum ScratchCanvas {
    static func measure<R>(_ body: (Canvas) -> R) -> R {
        let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1, 1)
        let cr = cairo_create(surface)!
        defer {
            cairo_destroy(cr)
            cairo_surface_destroy(surface)
        }
        return body(Canvas(context: cr))
    }
}
