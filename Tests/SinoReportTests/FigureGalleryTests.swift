import Foundation
import TestSupport
import Testing

@testable import SinoReport

/// Writes every figure type with realistic data to the test scratch folder's `figures-check/`
/// (kept for looking at by eye at column width with SINORAD_KEEP_TEST_FILES=1, which prints
/// where), and checks the files arrive through the atomic writer intact.
@Suite("Figure gallery")
struct FigureGalleryTests {
    static let folder = TestScratch.root.appendingPathComponent("figures-check")

    static func gallery() throws -> [(String, any Figure)] {
        [
            ("roc-classes", try ROCFigure(title: "Random forest", curves: FigureExamples.rocCurvesWithAverages)),
            ("roc-single", try ROCFigure(curves: Array(FigureExamples.rocCurves.prefix(1)))),
            (
                "confusion",
                try ConfusionMatrixFigure(
                    title: "Random forest (n = 93)", classNames: FigureExamples.classNames,
                    counts: FigureExamples.confusionCounts)
            ),
            ("calibration", try CalibrationFigure(title: "Random forest", curves: FigureExamples.calibrationCurves)),
            (
                "decision",
                try DecisionCurveFigure(
                    title: "ACC versus rest", prevalence: FigureExamples.prevalenceACC,
                    models: FigureExamples.decisionCurves)
            ),
            ("lasso-path", try FigureGalleryTests.lassoPath()),
            ("lasso-cv", try FigureGalleryTests.lassoCV()),
            ("correlation", try FigureGalleryTests.correlation())
        ]
    }

    /// A soft-thresholded path: coefficient j at lambda is sign(c_j) max(|c_j| - lambda, 0), twelve
    /// variables of which five are selected at the chosen lambda.
    static func lassoPath() throws -> LassoPathFigure {
        let lambda = (0..<60).map { 0.8 * pow(0.93, Double($0)) }
        let targets = [0.9, -0.7, 0.55, 0.4, -0.3, 0.12, -0.1, 0.08, 0.06, -0.05, 0.03, 0.02]
        let series = targets.enumerated().map { j, c in
            LassoPathSeries(
                label: "original_glcm_Feature\(j + 1)", coefficients: lambda.map { (c < 0 ? -1 : 1) * max(abs(c) - $0, 0) },
                highlighted: abs(c) > 0.2)
        }
        return try LassoPathFigure(title: "LASSO path (ACC)", lambda: lambda, series: series, chosenLambda: 0.2)
    }

    /// A U-shaped CV deviance curve with widening error bars.
    static func lassoCV() throws -> LassoCVFigure {
        let lambda = (0..<60).map { 0.8 * pow(0.93, Double($0)) }
        let mean = lambda.map { 1.9 - 0.9 * exp(-pow(log($0 / 0.08), 2) / 4) }
        let se = lambda.indices.map { 0.04 + 0.001 * Double($0) }
        return try LassoCVFigure(
            title: "10-fold CV", lambda: lambda, mean: mean, standardError: se, lossName: "deviance", lambdaMin: 0.08,
            lambda1SE: 0.14)
    }

    /// Eight features' correlations: r = 0.9^|i - j| with alternating signs.
    static func correlation() throws -> CorrelationHeatmapFigure {
        let names = (1...8).map { "T2WI_original_glcm_Feature\($0)" }
        var r = [[Double]](repeating: [Double](repeating: 1, count: 8), count: 8)
        for i in 0..<8 {
            for j in 0..<8 where i != j {
                let sign: Double = (i + j) % 2 == 0 ? 1 : -1
                r[i][j] = sign * pow(0.9, Double(abs(i - j)))
            }
        }
        return try CorrelationHeatmapFigure(title: "Selected features (Spearman r)", names: names, correlations: r)
    }

    @Test("The LASSO figures' and the heatmap's keys (below the axes) cover no data")
    func lassoLegends() throws {
        for plot in [try Self.lassoPath().plot, try Self.lassoCV().plot, try Self.correlation().plot] {
            let layout = PlotLayout.measured(plot)
            let legend = try #require(layout.legend)
            #expect(legend.isBelow)
            #expect(legend.covered(layout.dataPoints(plot)) == 0)
        }
    }

    @Test("Each example is written as PNG, SVG and PDF, byte-identical to a direct render")
    func writesGallery() throws {
        try FileManager.default.createDirectory(at: Self.folder, withIntermediateDirectories: true)
        for (name, figure) in try Self.gallery() {
            for format in FigureFormat.allCases {
                let path = Self.folder.appendingPathComponent("\(name).\(format.rawValue)").path
                try figure.write(to: path)
                let written = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
                #expect(written == (try figure.rendered(as: format)), "\(path)")
            }
        }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path).filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty, "temporary files left behind: \(leftovers)")
    }
}
