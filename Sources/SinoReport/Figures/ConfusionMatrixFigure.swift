/// A K × K confusion matrix as a heatmap: rows are the true class, columns the predicted
/// class; each cell shows its count and its share of the row (the per-class recall on the
/// diagonal).
///
///     let figure = try ConfusionMatrixFigure(classNames: ["SCC", "ACC", "ONB"],
///                                            counts: [[40, 3, 2], [4, 20, 2], [1, 2, 19]])
///     try figure.write(to: "confusion.png")
///
/// Cells are shaded by count on a light-to-dark blue scale (darkest = largest count); no
/// colour bar is drawn because every cell is labelled with its number.
public struct ConfusionMatrixFigure: Figure {
    public let title: String?
    public let classNames: [String]
    /// `counts[t][p]`: patients of true class `t` predicted as class `p`.
    public let counts: [[Int]]
    public let size: FigureSize

    /// Throws `FigureError.invalidInput` unless there is at least one class and `counts` is a
    /// K × K matrix of non-negative counts for the K class names.
    public init(title: String? = nil, classNames: [String], counts: [[Int]], size: FigureSize = .singleColumn) throws {
        try Self.validate(classNames: classNames, counts: counts)
        self.title = title
        self.classNames = classNames
        self.counts = counts
        self.size = size
    }

    private static func validate(classNames: [String], counts: [[Int]]) throws {
        let check = InputCheck(figure: "ConfusionMatrixFigure")
        let k = classNames.count
        try check.require(k > 0, "needs at least one class name")
        try check.require(counts.count == k, "\(k) class names but \(counts.count) rows of counts")
        for (t, row) in counts.enumerated() {
            try check.require(row.count == k, "row \(t) ('\(classNames[t])') has \(row.count) counts, expected \(k)")
            if let p = row.firstIndex(where: { $0 < 0 }) {
                throw check.fail("count[\(t)][\(p)] = \(row[p]) is negative")
            }
        }
    }

    public var plot: Plot {
        let largest = max(counts.joined().max() ?? 0, 1)
        var marks: [PlotMark] = []
        for (t, row) in counts.enumerated() {
            let rowTotal = row.reduce(0, +)
            for (p, count) in row.enumerated() {
                marks += cellMarks(row: t, column: p, count: count, rowTotal: rowTotal, largest: largest)
            }
        }
        return Plot(
            title: title,
            x: .categories("Predicted class", classNames),
            y: .categories("True class", classNames, reversed: true),
            marks: marks, squareArea: true, size: size)
    }

    /// A filled cell with the count above and the row percentage below its centre.
    private func cellMarks(row t: Int, column p: Int, count: Int, rowTotal: Int, largest: Int) -> [PlotMark] {
        let fill = FigurePalette.sequentialBlue(Double(count) / Double(largest))
        let ink = fill.contrastingText
        let centre = PlotPoint(x: Double(p) + 0.5, y: Double(t) + 0.5)
        let share = rowTotal == 0 ? "\u{2014}" : NumberFormat.percent(count, of: rowTotal) + "%"
        return [
            // White edges separate equal neighbouring shades.
            .rectangle(
                x: Double(p)...Double(p + 1), y: Double(t)...Double(t + 1), fill: fill,
                edge: LineStyle(color: .white, width: 1)),
            .text(PlotText("\(count)", at: centre, offsetY: -4.5, size: 8, bold: true, color: ink)),
            .text(PlotText("(\(share))", at: centre, offsetY: 4.5, size: 7, color: ink))
        ]
    }
}
