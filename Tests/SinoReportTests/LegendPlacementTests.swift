import Foundation
import SinoData
import SinoStats
import TestSupport
import Testing

@testable import SinoReport

/// A legend never hides data: it takes a corner of the plot area that is measured to be empty
/// (no point of any mark under the box or its margin), else it goes below the axes and the
/// page grows to hold it.
@Suite("Legend placement")
struct LegendPlacementTests {
    @Test("series styles: no two of the first 21 series share colour and dash (the palette has 7 colours)")
    func seriesStylesDiffer() {
        let styles = (0..<21).map { LineStyle(color: FigurePalette.series($0), dash: .series($0)) }
        for a in styles.indices {
            for b in styles.indices where a < b { #expect(styles[a] != styles[b], "series \(a) and \(b) look alike") }
        }
    }

    /// Every figure of `sinorad compare` (as the study's comparison stage draws them) on the
    /// two logistic models of the synthetic cohort, in both evaluation cohorts.
    func comparisonFigures() throws -> [(name: String, figure: any Figure)] {
        let truth = try CohortLoader.load(path: Fixtures.url("synthetic_cohort.csv").path, dictionary: .sinonasal()).cohort
        let path = Fixtures.url("synthetic_predictions.csv").path
        let models = try Predictions.read(path: path, classes: truth.classes)
        var options = EvaluationOptions()
        options.bootstrap = BootstrapOptions(replicates: 50, confidenceLevel: 0.95, seed: 1)
        return try ["validation", "test"].flatMap { cohort in
            let aligned = try AlignedPredictions.align(models, truth: truth, cohort: cohort, sources: [path, path])
            return try ModelComparison.run(aligned, options: options).figures(titlePrefix: "\(cohort): ").map { ("\(cohort) \($0.name)", $0.figure) }
        }
    }

    func checkPlacement(_ name: String, _ plot: Plot) throws {
        let layout = PlotLayout.measured(plot)
        let legend = try #require(layout.legend, "\(name): legend laid out")
        let covered = legend.covered(layout.dataPoints(plot))
        #expect(covered == 0, "\(name): the legend covers \(covered) data point(s)")
        #expect(
            legend.box.minX >= 0 && legend.box.maxX <= layout.pageSize.width && legend.box.maxY <= layout.pageSize.height,
            "\(name): the legend lies on the page")
        if legend.isBelow {
            #expect(legend.box.minY >= plot.size.height - FigureTypography.outerPadding, "\(name): below the x-axis title")
            #expect(layout.pageSize.height > plot.size.height)
        } else {
            #expect(layout.frame.insetBy(-1).contains(legend.box.center), "\(name): inside the plot area")
            #expect(layout.pageSize == plot.size)
        }
    }

    @Test("no legend of the comparison figures (ROC, calibration, decision curves) covers a data point")
    func comparisonLegends() throws {
        var checked = 0, below = 0
        for (name, figure) in try comparisonFigures() where figure.plot.legend != nil {
            try checkPlacement(name, figure.plot)
            checked += 1
            if PlotLayout.measured(figure.plot).legend?.isBelow == true { below += 1 }
        }
        #expect(checked >= 14, "ROC, calibration and decision-curve figures of two cohorts (\(checked) checked, \(below) below)")
    }

    @Test("curves through every corner: the legend goes below the axes and the rendered page grows")
    func legendBelowWhenNoCornerIsEmpty() throws {
        // A staircase through (0, 0), the upper left, the upper right and the lower right corner.
        let curve = ROCFigureCurve(label: "Zigzag model", fpr: [0, 0, 0.02, 0.5, 0.98, 1, 1], tpr: [0, 1, 0.02, 0.5, 0.98, 0, 1], auc: 0.5)
        let figure = try ROCFigure(title: "Every corner used", curves: [curve])
        try checkPlacement("zigzag", figure.plot)
        let layout = PlotLayout.measured(figure.plot)
        #expect(layout.legend?.isBelow == true)
        let image = try RasterImage(png: figure.rendered(as: .png))
        let plain = try RasterImage(
            png: {
                var p = figure.plot; p.legend = nil; return try p.rendered(as: .png)
            }())
        #expect(image.height > plain.height && image.width == plain.width, "page \(image.width) x \(image.height) vs \(plain.width) x \(plain.height)")
        let legendInk = image.pixels(in: try #require(layout.legend?.box).insetBy(2)).filter { $0.luminance < 0.3 }.count
        #expect(legendInk > 100, "legend text drawn below the axes (\(legendInk) dark pixels)")
    }

    @Test("an empty preferred corner is kept; .below always goes below")
    func preferredCornerAndBelow() throws {
        let good = ROCFigureCurve(label: "Good", fpr: [0, 0, 0.1, 1], tpr: [0, 0.8, 1, 1], auc: 0.97)
        var plot = try ROCFigure(curves: [good]).plot
        plot.marks.removeFirst(ROCFigure.chanceDiagonal.count)
        let layout = PlotLayout.measured(plot)
        let box = try #require(layout.legend?.box)
        #expect(box.center.x > layout.frame.center.x && box.center.y > layout.frame.center.y, "lower right kept")
        plot.legend?.corner = .below
        #expect(PlotLayout.measured(plot).legend?.isBelow == true)
        try checkPlacement("below", plot)
    }
}
