import SinoData

/// Anything rendered onto one page as PNG, SVG or PDF: plots (`Figure`) and image panels such as
/// `GradCAMOverlayFigure`. All of them write the same way.
public protocol RenderableFigure: Sendable {
    /// The figure's file contents in `format`.
    func rendered(as format: FigureFormat) throws -> [UInt8]
}

/// Anything that can be drawn as a `Plot`: every figure type renders and writes the same way.
///
///     let roc = try ROCFigure(title: "Random forest", curves: curves)
///     try roc.write(to: "figures/roc.pdf")   // format from the extension
public protocol Figure: RenderableFigure {
    var plot: Plot { get }
}

extension Plot: Figure {
    public var plot: Plot { self }
}

extension Figure {
    /// The figure's file contents in `format`.
    public func rendered(as format: FigureFormat) throws -> [UInt8] {
        let plot = self.plot
        // Measured first: a legend that covers data in every corner goes below the axes and
        // makes the page taller. Text metrics are unhinted, so the layout is the same on the page.
        let layout = PlotLayout.measured(plot)
        return try SurfaceRenderer.render(size: layout.pageSize, format: format, title: plot.title) { canvas in
            PlotDrawing(plot: plot, layout: layout).draw(on: canvas)
        }
    }
}

extension RenderableFigure {

    /// Renders and writes atomically to `path`; the format comes from the extension unless given.
    public func write(to path: String, format: FigureFormat? = nil) throws {
        guard let format = format ?? FigureFormat(path: path) else { throw FigureError.unknownFormat(path: path) }
        let bytes: [UInt8]
        do {
            bytes = try rendered(as: format)
        } catch FigureError.renderingFailed(_, let reason) {
            throw FigureError.renderingFailed(path: path, reason: reason)
        }
        do {
            try AtomicFile.write(bytes, to: path)
        } catch let error as ValidationError {
            throw FigureError.writeFailed(path: path, reason: error.problems.first?.message ?? "\(error)")
        }
    }
}
