/// A reliability curve: for bins of predicted probability, the mean prediction and the observed
/// fraction of positives (e.g. one class versus the rest).
public struct CalibrationFigureCurve: Equatable, Sendable {
    public var label: String
    /// Mean predicted probability per bin, in 0...1.
    public var meanPredicted: [Double]
    /// Observed fraction of positives per bin, in 0...1, paired with `meanPredicted`.
    public var observedFraction: [Double]
    /// Brier score, shown in the legend when given.
    public var brierScore: Double?

    public init(label: String, meanPredicted: [Double], observedFraction: [Double], brierScore: Double? = nil) {
        self.label = label
        self.meanPredicted = meanPredicted
        self.observedFraction = observedFraction
        self.brierScore = brierScore
    }
}

/// Reliability diagram: one curve per class (markers joined by lines, shapes differing as well
/// as colours) against the dashed perfect-calibration diagonal, as in scikit-learn's
/// `CalibrationDisplay`.
///
///     let figure = try CalibrationFigure(curves: [
///         CalibrationFigureCurve(label: "SCC", meanPredicted: [0.1, 0.5, 0.9], observedFraction: [0.05, 0.55, 0.85], brierScore: 0.11),
///     ])
public struct CalibrationFigure: Figure {
    public let title: String?
    public let curves: [CalibrationFigureCurve]
    public let size: FigureSize

    /// Throws `FigureError.invalidInput` for no curves, unpaired or empty bins, or values
    /// (including the Brier score) outside [0, 1].
    public init(title: String? = nil, curves: [CalibrationFigureCurve], size: FigureSize = .singleColumn) throws {
        try Self.validate(curves)
        self.title = title
        self.curves = curves
        self.size = size
    }

    private static func validate(_ curves: [CalibrationFigureCurve]) throws {
        let check = InputCheck(figure: "CalibrationFigure")
        try check.require(!curves.isEmpty, "needs at least one curve")
        for curve in curves {
            let series = "curve '\(curve.label)'"
            try check.pairedSeries(
                curve.meanPredicted, curve.observedFraction,
                names: ("meanPredicted", "observedFraction"), series: series)
            try check.unitInterval(curve.meanPredicted, name: "meanPredicted", series: series)
            try check.unitInterval(curve.observedFraction, name: "observedFraction", series: series)
            if let brier = curve.brierScore { try check.unitInterval(brier, name: "brierScore", series: series) }
        }
    }

    private var brierHeading: String? {
        curves.contains { $0.brierScore != nil } ? "Brier" : nil
    }

    public var plot: Plot {
        var marks: [PlotMark] = [.line([PlotPoint(x: 0, y: 0), PlotPoint(x: 1, y: 1)], .reference)]
        var entries: [LegendEntry] = []
        for (i, curve) in curves.enumerated() {
            let color = FigurePalette.series(i)
            let shape = MarkerShape.series(i)
            let points = zip(curve.meanPredicted, curve.observedFraction).map { PlotPoint(x: $0, y: $1) }
            marks.append(.line(points, LineStyle(color: color, width: 1)))
            marks.append(.markers(points, shape, size: 4, color: color))
            let detail = curve.brierScore.map { NumberFormat.fixed($0, 3) }
            entries.append(LegendEntry(label: curve.label, detail: detail, line: LineStyle(color: color, width: 1), marker: shape))
        }
        entries.append(LegendEntry(label: "Perfect calibration", line: .reference))
        // Data run along the diagonal, so the legend goes to whichever off-diagonal corner is emptier.
        return Plot(
            title: title,
            x: .numeric("Mean predicted probability", range: 0...1),
            y: .numeric("Observed fraction of positives", range: 0...1),
            marks: marks, legend: Legend(entries: entries, corner: .best, detailHeading: brierHeading),
            squareArea: true, size: size)
    }
}
