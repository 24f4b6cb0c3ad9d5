/// A point in data coordinates.
public struct PlotPoint: Equatable, Sendable {
    public var x: Double
    public var y: Double

    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}

/// One labelled tick on an axis.
public struct AxisTick: Equatable, Sendable {
    public var value: Double
    public var label: String

    public init(value: Double, label: String) {
        self.value = value
        self.label = label
    }
}

/// A plot axis: its title, the data range it spans and its ticks.
public struct PlotAxis: Equatable, Sendable {
    public var title: String
    public var range: ClosedRange<Double>
    public var ticks: [AxisTick]
    /// Draws values from high to low (a heatmap's first row at the top).
    public var reversed: Bool
    /// Draws the axis line and tick marks; heatmaps show labels only.
    public var showsLine: Bool

    public init(title: String, range: ClosedRange<Double>, ticks: [AxisTick], reversed: Bool = false, showsLine: Bool = true) {
        self.title = title
        self.range = range
        self.ticks = ticks
        self.reversed = reversed
        self.showsLine = showsLine
    }

    /// A numeric axis with nice round ticks inside `range`.
    public static func numeric(_ title: String, range: ClosedRange<Double>, targetTickCount: Int = 5) -> PlotAxis {
        let ticks = NiceTicks(range: range, targetCount: targetTickCount)
        let labelled = zip(ticks.values, ticks.labels).map { AxisTick(value: $0, label: $1) }
        return PlotAxis(title: title, range: range, ticks: labelled)
    }

    /// A categorical axis: category `i` occupies `i...i+1`, labelled at its centre.
    public static func categories(_ title: String, _ names: [String], reversed: Bool = false) -> PlotAxis {
        let ticks = names.enumerated().map { AxisTick(value: Double($0.offset) + 0.5, label: $0.element) }
        return PlotAxis(
            title: title, range: 0...Double(max(names.count, 1)), ticks: ticks,
            reversed: reversed, showsLine: false)
    }

    /// Position of `value` along the axis as a fraction 0...1 from its start (left or bottom).
    func fraction(_ value: Double) -> Double {
        let span = range.upperBound - range.lowerBound
        let f = span > 0 ? (value - range.lowerBound) / span : 0.5
        return reversed ? 1 - f : f
    }
}

/// Text drawn inside the plot area at a data position.
public struct PlotText: Equatable, Sendable {
    public var text: String
    public var position: PlotPoint
    /// Shift from `position` in points (y down), e.g. to stack two lines in a heatmap cell.
    public var offsetY: Double
    public var size: Double
    public var bold: Bool
    public var color: FigureColor

    public init(_ text: String, at position: PlotPoint, offsetY: Double = 0, size: Double = 7, bold: Bool = false, color: FigureColor = .black) {
        self.text = text
        self.position = position
        self.offsetY = offsetY
        self.size = max(size, 7)
        self.bold = bold
        self.color = color
    }
}

/// Something drawn in data coordinates, clipped to the plot area.
public enum PlotMark: Equatable, Sendable {
    /// Straight segments through the points.
    case line([PlotPoint], LineStyle)
    /// A step function that keeps each y until the next x, then jumps
    /// (matplotlib `where="post"`): for an ROC curve this is the lower, conservative envelope.
    case step([PlotPoint], LineStyle)
    /// Filled markers of `size` points.
    case markers([PlotPoint], MarkerShape, size: Double, color: FigureColor)
    /// A filled rectangle spanning data ranges, optionally outlined.
    case rectangle(x: ClosedRange<Double>, y: ClosedRange<Double>, fill: FigureColor, edge: LineStyle?)
    case text(PlotText)
}

/// A declarative plot: axes, marks, an optional title and legend, drawn on a page of `size`.
///
/// The figure types (`ROCFigure`, `ConfusionMatrixFigure`, ...) build a `Plot`; new figure
/// kinds can do the same and get rendering to PNG, SVG and PDF for free.
///
///     var plot = Plot(x: .numeric("x", range: 0...1), y: .numeric("y", range: 0...1))
///     plot.marks.append(.line([PlotPoint(x: 0, y: 0), PlotPoint(x: 1, y: 1)], .reference))
///     try plot.write(to: "line.pdf")
public struct Plot: Equatable, Sendable {
    public var title: String?
    public var x: PlotAxis
    public var y: PlotAxis
    public var marks: [PlotMark]
    public var legend: Legend?
    /// Makes the plot area square (ROC and calibration plots, where both axes are probabilities).
    public var squareArea: Bool
    public var size: FigureSize

    public init(
        title: String? = nil, x: PlotAxis, y: PlotAxis, marks: [PlotMark] = [], legend: Legend? = nil,
        squareArea: Bool = false, size: FigureSize = .singleColumn
    ) {
        self.title = title
        self.x = x
        self.y = y
        self.marks = marks
        self.legend = legend
        self.squareArea = squareArea
        self.size = size
    }
}
