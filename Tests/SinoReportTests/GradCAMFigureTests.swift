import Foundation
import Testing

@testable import SinoReport

/// Grad-CAM overlays: the jet colormap, the blend, the ROI contour, rendering and validation.
@Suite("Grad-CAM figures")
struct GradCAMFigureTests {
    static let side = 32
    /// A flat slice at 50 shown through the window 0...100: grey 0.5 everywhere.
    static let flat = [Float](repeating: 50, count: side * side)
    /// The ROI: the square of pixels 8..<24 in both directions.
    static let square: [Float] = (0..<(side * side)).map { i in
        (8..<24).contains(i / side) && (8..<24).contains(i % side) ? 1 : 0
    }

    static func tile(heat: Float, mask: [Float]? = nil, caption: String? = nil) throws -> GradCAMTile {
        try GradCAMTile(
            width: side, height: side, image: flat, heatmap: [Float](repeating: heat, count: side * side),
            mask: mask, window: 0...100, caption: caption)
    }

    /// A slice with structure: a bright disc on a ramp, the heatmap a blob off centre.
    static func realisticTile(_ k: Int) throws -> GradCAMTile {
        let n = 48
        var image = [Float](), heat = [Float](), mask = [Float]()
        for y in 0..<n {
            for x in 0..<n {
                let dx = Double(x - 24), dy = Double(y - 22 - k)
                image.append(Float(200 + 4 * x + (dx * dx + dy * dy < 100 ? 600 : 0)))
                let hx = Double(x - 20 - 3 * k), hy = Double(y - 26)
                heat.append(Float(exp(-(hx * hx + hy * hy) / 120)))
                mask.append(dx * dx + dy * dy < 100 ? 1 : 0)
            }
        }
        return try GradCAMTile(
            width: n, height: n, image: image, heatmap: heat, mask: mask,
            caption: "SYN00\(12 + k) · ACC (0.8\(k))")
    }

    static func close(_ a: (r: Float, g: Float, b: Float), _ e: (Float, Float, Float), tolerance: Float = 1e-5) -> Bool {
        abs(a.r - e.0) <= tolerance && abs(a.g - e.1) <= tolerance && abs(a.b - e.2) <= tolerance
    }

    @Test("Jet follows matplotlib's segment data at knots and between them")
    func jet() {
        // Expected values worked out by hand from matplotlib's _jet_data (see JetColormap).
        #expect(Self.close(JetColormap.rgb(0), (0, 0, 0.5)))
        #expect(Self.close(JetColormap.rgb(0.11), (0, 0, 1)))
        #expect(Self.close(JetColormap.rgb(0.25), (0, 0.5, 1)))
        #expect(Self.close(JetColormap.rgb(0.375), (0.025 / 0.31, 1, 1 - 0.035 / 0.31)))
        #expect(Self.close(JetColormap.rgb(0.5), (0.15 / 0.31, 1, 0.15 / 0.31)))
        #expect(Self.close(JetColormap.rgb(0.75), (1, 1 - 0.11 / 0.27, 0)))
        #expect(Self.close(JetColormap.rgb(0.89), (1, 0.02 / 0.27, 0)))
        #expect(Self.close(JetColormap.rgb(1), (0.5, 0, 0)))
        #expect(Self.close(JetColormap.rgb(-3), (0, 0, 0.5)) && Self.close(JetColormap.rgb(7), (0.5, 0, 0)))
        #expect(JetColormap.rgb8(0.5) == (123, 255, 123))
        #expect(JetColormap.table.count == 256)
        #expect(Self.close(JetColormap.quantised(0.999), JetColormap.table[254]))
    }

    @Test("The blend is (1 − w) · jet(heatmap) + w · grey per pixel")
    func blend() throws {
        let hot = try Self.tile(heat: 1).overlay(imageWeight: 0.5)
        #expect(Array(hot.bytes.prefix(3)) == [128, 64, 64]) // (0.5, 0, 0)/2 + 0.5/2
        let cold = try Self.tile(heat: 0).overlay(imageWeight: 0.5)
        #expect(Array(cold.bytes.prefix(3)) == [64, 64, 128])
        let greyOnly = try Self.tile(heat: 1).overlay(imageWeight: 1)
        #expect(Array(greyOnly.bytes.prefix(3)) == [128, 128, 128])
    }

    @Test("Without a window the slice is shown from its 1st to its 99th percentile")
    func percentileWindow() throws {
        let ramp = (0..<100).map(Float.init)
        let tile = try GradCAMTile(width: 10, height: 10, image: ramp, heatmap: [Float](repeating: 0, count: 100))
        #expect(abs(tile.window.lowerBound - 0.99) < 1e-4 && abs(tile.window.upperBound - 98.01) < 1e-4)
        #expect(tile.grey(0) == 0 && tile.grey(99) == 1)
    }

    @Test("The contour runs along the pixel edges of the mask, merged into straight runs")
    func contourSegments() throws {
        let segments = try Self.tile(heat: 0, mask: Self.square).contourSegments()
        #expect(segments.count == 4)
        let xs = Set(segments.flatMap { [$0.0.x, $0.1.x] }), ys = Set(segments.flatMap { [$0.0.y, $0.1.y] })
        #expect(xs == [8, 24] && ys == [8, 24])
        #expect(try Self.tile(heat: 0).contourSegments().isEmpty)
    }

    @Test("A title stays on the page: wrapped at spaces when wider than it, moved inward where centring would cross an edge")
    func titlesStayOnThePage() throws {
        // The study's titles: a per-patient Grad-CAM overlay (wider than one column) and a
        // confusion matrix (narrower, but centred over a plot area right of the page's centre).
        let gradCAM = "resnet18-T2WI: Grad-CAM (layer2, 8 x 8 map) of the predicted class ONB"
        let overlay = try GradCAMOverlayFigure(title: gradCAM, tile: Self.realisticTile(0))
        let matrix = try ConfusionMatrixFigure(
            title: "External test: radiomics-CE-T1WI-svm (n = 93)", classNames: ["SCC", "ACC", "ONB"],
            counts: [[38, 6, 2], [9, 12, 5], [3, 6, 12]])
        let overlayTitle = ScratchCanvas.measure { FigureTitle(gradCAM, pageWidth: overlay.size.width, canvas: $0) }
        #expect(overlayTitle.lines.count >= 2)
        #expect(overlayTitle.lines.joined(separator: " ") == gradCAM)
        // The slice starts below the last title line.
        #expect(overlay.measuredImageRect.minY >= FigureTypography.outerPadding + Double(overlayTitle.lines.count) * FigureTitle.lineHeight)
        let layout = PlotLayout.measured(matrix.plot)
        #expect(layout.title.lines.count == 1)
        let placements = [
            ScratchCanvas.measure { overlayTitle.spans(centerX: overlay.measuredImageRect.center.x, canvas: $0) },
            ScratchCanvas.measure { layout.title.spans(centerX: layout.frame.center.x, canvas: $0) }
        ]
        for (spans, width) in zip(placements, [overlay.size.width, matrix.size.width]) {
            for span in spans {
                #expect(span.lowerBound >= FigureTypography.outerPadding - 1e-9 && span.upperBound <= width - FigureTypography.outerPadding + 1e-9, "\(span) on a page \(width) wide")
            }
        }
        #expect(ScratchCanvas.measure { FigureTitle("SYN0012", pageWidth: 252, canvas: $0).lines } == ["SYN0012"])
    }

    @Test("Overlay and montage render to PNG, SVG and PDF, the same bytes twice, bitmaps embedded")
    func rendering() throws {
        let overlay = try GradCAMOverlayFigure(title: "SYN0012 · true ACC · predicted ACC (0.81)", tile: Self.realisticTile(0))
        let montage = try GradCAMMontageFigure.byClass(
            title: "Correct predictions",
            classes: [
                ("SCC", [Self.realisticTile(0), Self.realisticTile(1)]), ("ACC", [Self.realisticTile(2)])
            ], perClass: 3, interpolation: .bilinear)
        let figures: [(String, any RenderableFigure)] = [("gradcam-overlay", overlay), ("gradcam-montage", montage)]
        try FileManager.default.createDirectory(at: FigureGalleryTests.folder, withIntermediateDirectories: true)
        for (name, figure) in figures {
            for format in FigureFormat.allCases {
                let bytes = try figure.rendered(as: format)
                #expect(FigureRenderingTests.signature(bytes, format), "\(name).\(format.rawValue)")
                #expect(try figure.rendered(as: format) == bytes, "\(name).\(format.rawValue) deterministic")
                let text = String(decoding: bytes, as: UTF8.self)
                if format == .svg { #expect(text.contains("<image"), "\(name): bitmap embedded in SVG") }
                if format == .pdf { #expect(text.contains("/Subtype /Image"), "\(name): image XObject in PDF") }
                let path = FigureGalleryTests.folder.appendingPathComponent("\(name).\(format.rawValue)").path
                try figure.write(to: path)
                #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: path))) == bytes)
            }
        }
        #expect(montage.rows == 2 && montage.columns == 3 && montage.cells.count == 6)
        #expect(montage.size.width == 504 && montage.size.height > 100)
    }

    @Test("Overlay pixels: heatmap 1 is red-ish, heatmap 0 blue-ish over grey; the contour sits on the mask edge")
    func overlayPixels() throws {
        for (heat, expected) in [(Float(1), (0.5, 0.25, 0.25)), (0, (0.25, 0.25, 0.5))] {
            let figure = try GradCAMOverlayFigure(title: "t", tile: Self.tile(heat: heat, mask: Self.square))
            let rect = figure.measuredImageRect
            #expect(abs(rect.width - rect.height) < 1e-9, "square pixels")
            let image = try RasterImage(png: figure.rendered(as: .png))
            let centre = image.pixel(atPoint: rect.center)
            #expect(
                abs(centre.red - expected.0) < 0.01 && abs(centre.green - expected.1) < 0.01
                    && abs(centre.blue - expected.2) < 0.01, "heatmap \(heat): \(centre)")
            // On the left and top edges of the ROI: white; a pixel-width away on either side: not.
            let scale = rect.width / Double(Self.side)
            let left = PagePoint(x: rect.minX + 8 * scale, y: rect.center.y)
            let top = PagePoint(x: rect.center.x, y: rect.minY + 8 * scale)
            #expect(image.pixel(atPoint: left).isWhite && image.pixel(atPoint: top).isWhite)
            #expect(!image.pixel(atPoint: PagePoint(x: left.x - scale, y: left.y)).isWhite)
            #expect(!image.pixel(atPoint: PagePoint(x: left.x + scale, y: left.y)).isWhite)
        }
        let noMask = try GradCAMOverlayFigure(tile: Self.tile(heat: 1))
        let rect = noMask.measuredImageRect
        let image = try RasterImage(png: noMask.rendered(as: .png))
        #expect(!image.pixel(atPoint: PagePoint(x: rect.minX + 8 * rect.width / 32, y: rect.center.y)).isWhite)
    }

    @Test("Montage pixels: each tile's centre shows its own heatmap; empty cells stay white")
    func montagePixels() throws {
        let figure = try GradCAMMontageFigure.byClass(
            classes: [
                ("hot", [Self.tile(heat: 1, caption: "a")]),
                ("cold", [Self.tile(heat: 0, caption: "b")])
            ], perClass: 2)
        let grid = figure.measuredGrid
        let image = try RasterImage(png: figure.rendered(as: .png))
        let hot = image.pixel(atPoint: grid.imageBox(0).center), cold = image.pixel(atPoint: grid.imageBox(2).center)
        #expect(hot.red > hot.blue + 0.2 && hot.red > hot.green + 0.2, "\(hot)")
        #expect(cold.blue > cold.red + 0.2 && cold.blue > cold.green + 0.2, "\(cold)")
        #expect(image.pixel(atPoint: grid.imageBox(1).center).isWhite && image.pixel(atPoint: grid.imageBox(3).center).isWhite)
    }

    @Test("Mismatched sizes, NaN, heatmaps outside [0, 1] and bad settings are refused with the place named")
    func validation() throws {
        let n = Self.side * Self.side
        let zeros = [Float](repeating: 0, count: n)
        func overlay(
            image: [Float] = Self.flat, heatmap: [Float]? = nil, mask: [Float]? = nil,
            window: ClosedRange<Float>? = nil, weight: Float = 0.5
        ) throws -> GradCAMOverlayFigure {
            try GradCAMOverlayFigure(
                width: Self.side, height: Self.side, image: image, heatmap: heatmap ?? zeros, mask: mask,
                window: window, imageWeight: weight)
        }
        func message(_ body: () throws -> Any) -> String {
            do { _ = try body(); return "" } catch { return "\(error)" }
        }
        var nan = Self.flat
        nan[33] = .nan
        #expect(
            message { try overlay(heatmap: Array(zeros.dropLast())) }
                == "GradCAMOverlayFigure: heatmap has 1023 values, expected 32 × 32 = 1024")
        #expect(message { try overlay(mask: [0, 1]) }.contains("mask has 2 values"))
        #expect(message { try overlay(image: nan) } == "GradCAMOverlayFigure: image[33] (row 1, column 1) = nan is not a finite number")
        #expect(message { try overlay(heatmap: zeros.map { $0 + 1.5 }) }.contains("is outside [0, 1]"))
        #expect(message { try overlay(window: 3...3) }.contains("window"))
        #expect(message { try overlay(weight: 2) }.contains("image weight 2.0 is outside [0, 1]"))
        #expect(throws: FigureError.self) { try GradCAMTile(width: 0, height: 4, image: [], heatmap: []) }
        #expect(
            message { try GradCAMTile(width: 2, height: 1, image: [0, 1], heatmap: [0, .infinity], caption: "SYN0001") }
                == "GradCAMTile 'SYN0001': heatmap[1] (row 0, column 1) = inf is not a finite number")
        let tile = try Self.tile(heat: 0)
        #expect(message { try GradCAMMontageFigure(tiles: []) } == "GradCAMMontageFigure: needs at least one tile")
        #expect(message { try GradCAMMontageFigure(tiles: [tile], columns: 0) }.contains("columns = 0"))
        #expect(
            message { try GradCAMMontageFigure(tiles: [tile, tile, tile], columns: 2, rowLabels: ["A"]) }
                == "GradCAMMontageFigure: 1 row labels for 2 rows")
    }
}
