/// A correlation matrix as a heatmap (e.g. the selected radiomics features' Spearman r):
/// blue for -1 through white for 0 to red for +1 (the key below the axes), each cell labelled
/// with r when there are at most 12 variables. Rows carry the names; columns are numbered in the same order, so long
/// feature names never collide along the x-axis.
public struct CorrelationHeatmapFigure: Figure {
    public let title: String?
    public let names: [String]
    public let correlations: [[Double]]
    public let size: FigureSize

    /// Throws `FigureError.invalidInput` for a matrix that is not square in the names, or values
    /// outside [-1, 1].
    public init(title: String? = nil, names: [String], correlations: [[Double]], size: FigureSize? = nil) throws {
        let check = InputCheck(figure: "CorrelationHeatmapFigure")
        try check.require(!names.isEmpty, "needs at least one variable")
        try check.require(correlations.count == names.count, "\(names.count) names but \(correlations.count) rows")
        for (i, row) in correlations.enumerated() {
            try check.require(row.count == names.count, "row \(i) has \(row.count) values, expected \(names.count)")
            try check.require(row.allSatisfy { $0.isFinite && abs($0) <= 1 + 1e-12 }, "row \(i) has a value outside [-1, 1]")
        }
        self.title = title
        self.names = names
        self.correlations = correlations
        // Room for the row names and one square cell per variable.
        let side = max(252, min(520, 110 + 18 * Double(names.count)))
        self.size = size ?? FigureSize(width: side + 120, height: side)
    }

    /// Blue (r = -1), white (0), red (+1).
    static func color(_ r: Double) -> FigureColor {
        let blue = FigureColor(hex: 0x2166AC)
        let red = FigureColor(hex: 0xB2182B)
        return r < 0 ? FigureColor.white.mixed(with: blue, min(1, -r)) : FigureColor.white.mixed(with: red, min(1, r))
    }

    public var plot: Plot {
        var marks: [PlotMark] = []
        let labelled = names.count <= 12
        for (i, row) in correlations.enumerated() {
            for (j, r) in row.enumerated() {
                let fill = Self.color(r)
                marks.append(.rectangle(x: Double(j)...Double(j + 1), y: Double(i)...Double(i + 1), fill: fill, edge: LineStyle(color: .white, width: 1)))
                if labelled {
                    marks.append(
                        .text(PlotText(NumberFormat.fixed(r, 2), at: PlotPoint(x: Double(j) + 0.5, y: Double(i) + 0.5), offsetY: 2.5, size: 6, color: fill.contrastingText)))
                }
            }
        }
        let numbers = names.indices.map { "\($0 + 1)" }
        let rowNames = names.enumerated().map { "\($0.offset + 1) \($0.element)" }
        // The colour key, below the axes.
        let key = [-1.0, -0.5, 0, 0.5, 1].map { r in
            LegendEntry(label: "r = \(r == 0 ? "0 (white)" : NumberFormat.fixed(r, 1))", marker: .square, markerColor: Self.color(r))
        }
        return Plot(
            title: title, x: .categories("Feature (numbered as the rows)", numbers), y: .categories("", rowNames, reversed: true),
            marks: marks, legend: Legend(entries: key, corner: .below), squareArea: true, size: size)
    }
}
