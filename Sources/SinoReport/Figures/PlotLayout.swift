import CCairo
import Foundation

/// Where a plot's parts fall on the page: margins are measured from the actual tick labels and
/// titles, so long class names or many decimals never collide with the plot area.
struct PlotLayout {
    typealias T = FigureTypography

    /// The plot area: data range edges coincide with its edges.
    let frame: PageRect
    let legend: LegendLayout?
    /// Widest y tick label, which fixes where the y-axis title goes.
    let yTickLabelWidth: Double
    /// The page: `plot.size`, taller (and wider if need be) when the legend goes below the axes.
    let pageSize: FigureSize
    /// The title's lines, wrapped to `plot.size`'s width.
    let title: FigureTitle

    init(_ plot: Plot, canvas: Canvas) {
        title = FigureTitle(plot.title, pageWidth: plot.size.width, canvas: canvas)
        canvas.setFont(size: T.tickLabelSize)
        yTickLabelWidth = plot.y.ticks.map { canvas.width(of: $0.label) }.max() ?? 0
        let lastXLabelWidth = plot.x.ticks.last.map { canvas.width(of: $0.label) } ?? 0

        let left = T.outerPadding + T.axisTitleSize * 1.2 + T.gap + yTickLabelWidth + Self.tickSpace(plot.y)
        let bottom = T.outerPadding + T.axisTitleSize * 1.2 + T.gap + T.tickLabelSize * 1.2 + Self.tickSpace(plot.x)
        let top = T.outerPadding + (plot.title == nil ? T.tickLabelSize / 2 : title.height)
        let right = T.outerPadding + lastXLabelWidth / 2
        var frame = PageRect(x: left, y: top, width: plot.size.width - left - right, height: plot.size.height - top - bottom)
        if plot.squareArea { frame = Self.squared(frame) }
        self.frame = frame
        let placed = PlotLayout(frame: frame, legend: nil, yTickLabelWidth: yTickLabelWidth, pageSize: plot.size, title: title)
        let legend = plot.legend.map {
            LegendLayout($0, in: frame, dataPoints: placed.dataPoints(plot), belowTop: plot.size.height - T.outerPadding, canvas: canvas)
        }
        self.legend = legend
        if let legend, legend.isBelow {
            pageSize = FigureSize(
                width: max(plot.size.width, legend.box.maxX + T.outerPadding),
                height: legend.box.maxY + T.outerPadding)
        } else {
            pageSize = plot.size
        }
    }

    private init(frame: PageRect, legend: LegendLayout?, yTickLabelWidth: Double, pageSize: FigureSize, title: FigureTitle) {
        self.frame = frame
        self.legend = legend
        self.yTickLabelWidth = yTickLabelWidth
        self.pageSize = pageSize
        self.title = title
    }

    /// Page positions the legend should not cover: markers, and points every 2 pt along lines,
    /// so a long straight segment counts as much as a curve with many vertices.
    func dataPoints(_ plot: Plot) -> [PagePoint] {
        plot.marks.flatMap { mark -> [PagePoint] in
            switch mark {
            case .line(let points, _): return Self.sampled(points.map { page($0, plot) })
            case .step(let points, _): return Self.sampled(PlotDrawing.postSteps(points).map { page($0, plot) })
            case .markers(let points, _, _, _): return points.map { page($0, plot) }
            case .rectangle, .text: return []
            }
        }
    }

    static func sampled(_ polyline: [PagePoint], spacing: Double = 2) -> [PagePoint] {
        guard let first = polyline.first else { return [] }
        var samples = [first]
        for (a, b) in zip(polyline, polyline.dropFirst()) {
            let steps = max(1, Int((hypot(b.x - a.x, b.y - a.y) / spacing).rounded(.up)))
            for k in 1...steps {
                let t = Double(k) / Double(steps)
                samples.append(PagePoint(x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t))
            }
        }
        return samples
    }

    /// Room taken by tick marks plus the gap before their labels.
    static func tickSpace(_ axis: PlotAxis) -> Double {
        (axis.showsLine ? T.tickLength : 0) + T.gap
    }

    /// The largest square inside `rect`, centred horizontally and kept at the top so the
    /// x-axis labels stay close to the page bottom.
    static func squared(_ rect: PageRect) -> PageRect {
        let side = min(rect.width, rect.height)
        return PageRect(x: rect.minX + (rect.width - side) / 2, y: rect.minY, width: side, height: side)
    }

    /// Page position of a data point.
    func page(_ p: PlotPoint, _ plot: Plot) -> PagePoint {
        PagePoint(
            x: frame.minX + plot.x.fraction(p.x) * frame.width,
            y: frame.maxY - plot.y.fraction(p.y) * frame.height)
    }
}

extension PlotLayout {
    /// The layout `plot` gets when rendered, measured on a scratch surface (text metrics are
    /// unhinted, so this is the same for every format).
    static func measured(_ plot: Plot) -> PlotLayout {
        let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1, 1)
        let cr = cairo_create(surface)!
        defer {
            cairo_destroy(cr)
            cairo_surface_destroy(surface)
        }
        return PlotLayout(plot, canvas: Canvas(context: cr))
    }
}
