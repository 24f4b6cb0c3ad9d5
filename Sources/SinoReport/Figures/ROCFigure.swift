/// One receiver operating characteristic curve, e.g. one class versus the rest, or a
/// micro- or macro-average.
public struct ROCFigureCurve: Equatable, Sendable {
    /// How consecutive (fpr, tpr) points are joined.
    public enum Interpolation: String, Codable, Sendable {
        /// Straight segments: exact for an empirical ROC given at every threshold (tied scores
        /// give the diagonal segments of the trapezoidal AUC).
        case linear
        /// Hold tpr until the next fpr, then rise: for curves given at sparse points.
        case step
    }

    public var label: String
    /// False-positive rates (1 − specificity), in 0...1, ordered along the curve.
    public var fpr: [Double]
    /// True-positive rates (sensitivity), in 0...1, paired with `fpr`.
    public var tpr: [Double]
    public var auc: Double
    /// Confidence interval for the AUC (e.g. DeLong or bootstrap 95% CI), shown in the legend.
    public var aucInterval: ClosedRange<Double>?
    public var dash: LineDash
    public var interpolation: Interpolation

    public init(
        label: String, fpr: [Double], tpr: [Double], auc: Double, aucInterval: ClosedRange<Double>? = nil,
        dash: LineDash = .solid, interpolation: Interpolation = .linear
    ) {
        self.label = label
        self.fpr = fpr
        self.tpr = tpr
        self.auc = auc
        self.aucInterval = aucInterval
        self.dash = dash
        self.interpolation = interpolation
    }
}

/// ROC curves on square 0–1 axes with the chance diagonal, for the per-class, micro- and
/// macro-average curves of one model, or one class across models.
///
///     let figure = try ROCFigure(title: "Random forest", curves: [
///         ROCFigureCurve(label: "SCC", fpr: [0, 0.1, 1], tpr: [0, 0.8, 1], auc: 0.85, aucInterval: 0.78...0.91),
///     ])
///     try figure.write(to: "roc.svg")
///
/// Legend rows read "SCC  0.850 (0.780–0.910)" under an "AUC (95% CI)" heading, in the lower
/// right corner where curves better than chance do not pass.
public struct ROCFigure: Figure {
    public let title: String?
    public let curves: [ROCFigureCurve]
    public let size: FigureSize

    /// Throws `FigureError.invalidInput` for no curves, unpaired or empty rates, or rates,
    /// AUCs or interval bounds outside [0, 1].
    public init(title: String? = nil, curves: [ROCFigureCurve], size: FigureSize = .singleColumn) throws {
        try Self.validate(curves)
        self.title = title
        self.curves = curves
        self.size = size
    }

    private static func validate(_ curves: [ROCFigureCurve]) throws {
        let check = InputCheck(figure: "ROCFigure")
        try check.require(!curves.isEmpty, "needs at least one curve")
        for curve in curves {
            let series = "curve '\(curve.label)'"
            try check.pairedSeries(curve.fpr, curve.tpr, names: ("fpr", "tpr"), series: series)
            try check.unitInterval(curve.fpr, name: "fpr", series: series)
            try check.unitInterval(curve.tpr, name: "tpr", series: series)
            try check.unitInterval(curve.auc, name: "auc", series: series)
            if let ci = curve.aucInterval {
                try check.unitInterval([ci.lowerBound, ci.upperBound], name: "aucInterval", series: series)
            }
        }
    }

    public var plot: Plot {
        var marks: [PlotMark] = Self.chanceDiagonal
        var entries: [LegendEntry] = []
        for (i, curve) in curves.enumerated() {
            let style = LineStyle(color: FigurePalette.series(i), dash: curve.dash == .solid ? .series(i) : curve.dash)
            let points = zip(curve.fpr, curve.tpr).map { PlotPoint(x: $0, y: $1) }
            marks.append(curve.interpolation == .step ? .step(points, style) : .line(points, style))
            let detail = NumberFormat.estimate(curve.auc, interval: curve.aucInterval)
            entries.append(LegendEntry(label: curve.label, detail: detail, line: style))
        }
        return Plot(
            title: title,
            x: .numeric("False-positive rate (1 \u{2212} specificity)", range: 0...1),
            y: .numeric("True-positive rate (sensitivity)", range: 0...1),
            marks: marks, legend: Legend(entries: entries, corner: .lowerRight, detailHeading: aucHeading),
            squareArea: true, size: size)
    }

    private var aucHeading: String {
        curves.contains { $0.aucInterval != nil } ? "AUC (95% CI)" : "AUC"
    }

    /// The chance line, drawn as two halves starting at (0.5, 0.5) so that the dash pattern
    /// is symmetric and the plot centre is always inked.
    static let chanceDiagonal: [PlotMark] = [
        .line([PlotPoint(x: 0.5, y: 0.5), PlotPoint(x: 0, y: 0)], .reference),
        .line([PlotPoint(x: 0.5, y: 0.5), PlotPoint(x: 1, y: 1)], .reference)
    ]
}
