import Foundation

/// One variable's coefficient along a lasso path (one class of a multinomial model).
public struct LassoPathSeries: Equatable, Sendable {
    public var label: String
    /// Coefficient at each lambda of the path, paired with `LassoPathFigure.lambda`.
    public var coefficients: [Double]
    /// Drawn in colour and named in the legend (the selected variables); others are thin grey.
    public var highlighted: Bool

    public init(label: String, coefficients: [Double], highlighted: Bool) {
        self.label = label
        self.coefficients = coefficients
        self.highlighted = highlighted
    }
}

/// The coefficient path of a lasso or elastic net against log(lambda), as R's
/// `plot(fit, xvar = "lambda")`: one line per variable, the chosen lambda marked by a dashed
/// vertical line. Highlighted variables get colours and a legend below the plot, so no entry
/// hides a line; the rest are thin grey lines.
public struct LassoPathFigure: Figure {
    public let title: String?
    public let lambda: [Double]
    public let series: [LassoPathSeries]
    public let chosenLambda: Double?
    public let size: FigureSize

    /// Throws `FigureError.invalidInput` for an empty path, non-positive lambdas or series not
    /// paired with the lambdas.
    public init(title: String? = nil, lambda: [Double], series: [LassoPathSeries], chosenLambda: Double? = nil, size: FigureSize = .singleColumn) throws {
        let check = InputCheck(figure: "LassoPathFigure")
        try check.require(!lambda.isEmpty && lambda.allSatisfy { $0 > 0 && $0.isFinite }, "needs positive, finite lambdas")
        try check.require(!series.isEmpty, "needs at least one variable")
        for s in series {
            try check.require(s.coefficients.count == lambda.count, "series '\(s.label)' has \(s.coefficients.count) values for \(lambda.count) lambdas")
            try check.finite(s.coefficients, name: "coefficients", series: "series '\(s.label)'")
        }
        if let chosen = chosenLambda { try check.require(chosen > 0 && chosen.isFinite, "chosenLambda must be positive") }
        self.title = title
        self.lambda = lambda
        self.series = series
        self.chosenLambda = chosenLambda
        self.size = size
    }

    public var plot: Plot {
        let logLambda = lambda.map { log($0) }
        let xRange = paddedRange(logLambda)
        let values = series.flatMap(\.coefficients)
        let yRange = paddedRange(values + [0])
        var marks: [PlotMark] = [.line([PlotPoint(x: xRange.lowerBound, y: 0), PlotPoint(x: xRange.upperBound, y: 0)], .reference)]
        for s in series where !s.highlighted {
            marks.append(.line(zip(logLambda, s.coefficients).map { PlotPoint(x: $0, y: $1) }, LineStyle(color: .lightGrey, width: 1)))
        }
        var entries: [LegendEntry] = []
        for (i, s) in series.filter(\.highlighted).enumerated() {
            let style = LineStyle(color: FigurePalette.series(i), width: 1.5, dash: .series(i))
            marks.append(.line(zip(logLambda, s.coefficients).map { PlotPoint(x: $0, y: $1) }, style))
            entries.append(LegendEntry(label: s.label, line: style))
        }
        if let chosen = chosenLambda {
            marks.append(.line([PlotPoint(x: log(chosen), y: yRange.lowerBound), PlotPoint(x: log(chosen), y: yRange.upperBound)], .reference))
            entries.append(LegendEntry(label: "Chosen lambda", line: .reference))
        }
        return Plot(
            title: title, x: .numeric("log(lambda)", range: xRange), y: .numeric("Coefficient", range: yRange), marks: marks,
            legend: entries.isEmpty ? nil : Legend(entries: entries, corner: .below), squareArea: false, size: size)
    }
}

/// cv.glmnet's curve as R's `plot(cv)`: mean CV loss with one-standard-error bars against
/// log(lambda), dashed vertical lines at lambda.min and lambda.1se.
public struct LassoCVFigure: Figure {
    public let title: String?
    public let lambda: [Double]
    public let mean: [Double]
    public let standardError: [Double]
    public let lossName: String
    public let lambdaMin: Double
    public let lambda1SE: Double
    public let size: FigureSize

    public init(
        title: String? = nil, lambda: [Double], mean: [Double], standardError: [Double], lossName: String, lambdaMin: Double,
        lambda1SE: Double, size: FigureSize = .singleColumn
    ) throws {
        let check = InputCheck(figure: "LassoCVFigure")
        try check.require(!lambda.isEmpty && lambda.allSatisfy { $0 > 0 && $0.isFinite }, "needs positive, finite lambdas")
        try check.pairedSeries(lambda, mean, names: ("lambda", "mean"), series: "CV curve")
        try check.pairedSeries(lambda, standardError, names: ("lambda", "standardError"), series: "CV curve")
        try check.finite(mean, name: "mean", series: "CV curve")
        try check.finite(standardError, name: "standardError", series: "CV curve")
        try check.require(lambdaMin > 0 && lambda1SE > 0, "lambda.min and lambda.1se must be positive")
        self.title = title
        self.lambda = lambda
        self.mean = mean
        self.standardError = standardError
        self.lossName = lossName
        self.lambdaMin = lambdaMin
        self.lambda1SE = lambda1SE
        self.size = size
    }

    public var plot: Plot {
        let logLambda = lambda.map { log($0) }
        let xRange = paddedRange(logLambda)
        let yRange = paddedRange(zip(mean, standardError).flatMap { [$0 - $1, $0 + $1] })
        let bar = LineStyle(color: .referenceGrey, width: 1)
        var marks: [PlotMark] = zip(logLambda, zip(mean, standardError)).map { x, ms in
            .line([PlotPoint(x: x, y: ms.0 - ms.1), PlotPoint(x: x, y: ms.0 + ms.1)], bar)
        }
        let points = zip(logLambda, mean).map { PlotPoint(x: $0, y: $1) }
        let curveColor = FigurePalette.series(5)
        marks.append(.markers(points, .circle, size: 3, color: curveColor))
        let minStyle = LineStyle(color: FigurePalette.series(0), width: 1, dash: .dashed)
        let seStyle = LineStyle(color: FigurePalette.series(1), width: 1, dash: .dotted)
        marks.append(.line([PlotPoint(x: log(lambdaMin), y: yRange.lowerBound), PlotPoint(x: log(lambdaMin), y: yRange.upperBound)], minStyle))
        marks.append(.line([PlotPoint(x: log(lambda1SE), y: yRange.lowerBound), PlotPoint(x: log(lambda1SE), y: yRange.upperBound)], seStyle))
        let entries = [
            LegendEntry(label: "Mean CV \(lossName)", marker: .circle, markerColor: curveColor),
            LegendEntry(label: "± 1 standard error", line: bar),
            LegendEntry(label: "lambda.min", detail: NumberFormat.fixed(lambdaMin, 4), line: minStyle),
            LegendEntry(label: "lambda.1se", detail: NumberFormat.fixed(lambda1SE, 4), line: seStyle)
        ]
        return Plot(
            title: title, x: .numeric("log(lambda)", range: xRange), y: .numeric("CV \(lossName)", range: yRange), marks: marks,
            legend: Legend(entries: entries, corner: .below), squareArea: false, size: size)
    }
}

/// The values' range widened by 4% on each side (a single value: ±1).
private func paddedRange(_ values: [Double]) -> ClosedRange<Double> {
    guard let low = values.min(), let high = values.max() else { return 0...1 }
    if high - low <= 0 { return (low - 1)...(high + 1) }
    let pad = 0.04 * (high - low)
    return (low - pad)...(high + pad)
}
