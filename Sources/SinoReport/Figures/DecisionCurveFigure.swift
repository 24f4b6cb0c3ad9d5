/// Net benefit of one model across threshold probabilities (decision curve analysis).
public struct DecisionFigureCurve: Equatable, Sendable {
    public var label: String
    /// Threshold probabilities, in [0, 1), increasing.
    public var thresholds: [Double]
    /// Net benefit at each threshold: TP/n − FP/n · pt/(1 − pt).
    public var netBenefit: [Double]

    public init(label: String, thresholds: [Double], netBenefit: [Double]) {
        self.label = label
        self.thresholds = thresholds
        self.netBenefit = netBenefit
    }
}

/// Decision curves (Vickers & Elkin, Med Decis Making 2006) drawn like R's dcurves: net benefit
/// against threshold probability for each model, with the "Treat all" and "Treat none"
/// strategies. The y axis runs from −0.05 to just above the largest net benefit (at most the
/// prevalence), so the steep fall of "Treat all" is clipped instead of flattening the models.
///
///     let figure = try DecisionCurveFigure(title: "ACC versus rest", prevalence: 0.28, models: [
///         DecisionFigureCurve(label: "Random forest", thresholds: [0.05, 0.1, 0.2], netBenefit: [0.24, 0.21, 0.17]),
///     ])
public struct DecisionCurveFigure: Figure {
    public let title: String?
    /// Prevalence of the outcome, which sets the "Treat all" curve.
    public let prevalence: Double
    public let models: [DecisionFigureCurve]
    public let size: FigureSize

    /// Throws `FigureError.invalidInput` for no models, a prevalence outside (0, 1), unpaired
    /// or empty curves, thresholds outside [0, 1) or non-finite net benefits.
    public init(title: String? = nil, prevalence: Double, models: [DecisionFigureCurve], size: FigureSize = .singleColumn) throws {
        try Self.validate(prevalence: prevalence, models: models)
        self.title = title
        self.prevalence = prevalence
        self.models = models
        self.size = size
    }

    private static func validate(prevalence: Double, models: [DecisionFigureCurve]) throws {
        let check = InputCheck(figure: "DecisionCurveFigure")
        try check.require(prevalence > 0 && prevalence < 1, "prevalence \(prevalence) is outside (0, 1)")
        try check.require(!models.isEmpty, "needs at least one model")
        for model in models {
            let series = "model '\(model.label)'"
            try check.pairedSeries(model.thresholds, model.netBenefit, names: ("thresholds", "netBenefit"), series: series)
            if let i = model.thresholds.firstIndex(where: { !($0 >= 0 && $0 < 1) }) {
                throw check.fail("\(series): thresholds[\(i)] = \(model.thresholds[i]) is outside [0, 1)")
            }
            try check.finite(model.netBenefit, name: "netBenefit", series: series)
        }
    }

    /// Lowest net benefit shown, as in dcurves: enough to see a model dip below "Treat none".
    static let netBenefitFloor = -0.05

    public var plot: Plot {
        let xRange = thresholdRange
        var marks: [PlotMark] = [
            .line([PlotPoint(x: xRange.lowerBound, y: 0), PlotPoint(x: xRange.upperBound, y: 0)], Self.treatNoneStyle),
            .line(treatAllCurve(over: xRange), Self.treatAllStyle)
        ]
        var entries: [LegendEntry] = []
        for (i, model) in models.enumerated() {
            let style = LineStyle(color: FigurePalette.series(i), dash: .series(i))
            marks.append(.line(zip(model.thresholds, model.netBenefit).map { PlotPoint(x: $0, y: $1) }, style))
            entries.append(LegendEntry(label: model.label, line: style))
        }
        entries.append(LegendEntry(label: "Treat all", line: Self.treatAllStyle))
        entries.append(LegendEntry(label: "Treat none", line: Self.treatNoneStyle))
        return Plot(
            title: title,
            x: .numeric("Threshold probability", range: xRange),
            y: .numeric("Net benefit", range: Self.netBenefitFloor...netBenefitCeiling),
            marks: marks, legend: Legend(entries: entries, corner: .best), size: size)
    }

    static let treatAllStyle = LineStyle(color: .referenceGrey, width: 1)
    static let treatNoneStyle = LineStyle(color: .black, width: 1, dash: .dotted)

    /// The thresholds' span widened to tenths, so the axis starts and ends on a tick.
    var thresholdRange: ClosedRange<Double> {
        let all = models.flatMap(\.thresholds)
        let low = (all.min()! * 10).rounded(.down) / 10
        let high = max((all.max()! * 10).rounded(.up) / 10, low + 0.1)
        return low...high
    }

    /// Top of the y axis: the larger of the prevalence (treat all at threshold 0) and the best
    /// model net benefit, rounded up to the next 0.05.
    var netBenefitCeiling: Double {
        let top = max(prevalence, models.flatMap(\.netBenefit).max() ?? 0)
        return max((top / 0.05 - 1e-9).rounded(.up) * 0.05, 0.05)
    }

    /// Treat all: everyone is a positive call, NB = p − (1 − p) · pt / (1 − pt). Sampled finely
    /// because it curves; stops short of pt = 1 where it diverges (it is clipped long before).
    func treatAllCurve(over range: ClosedRange<Double>, samples: Int = 200) -> [PlotPoint] {
        (0...samples).compactMap { k in
            let pt = range.lowerBound + (range.upperBound - range.lowerBound) * Double(k) / Double(samples)
            guard pt < 1 else { return nil }
            return PlotPoint(x: pt, y: prevalence - (1 - prevalence) * pt / (1 - pt))
        }
    }
}
