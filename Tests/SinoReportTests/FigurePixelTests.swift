import Testing

@testable import SinoReport

/// Reads rendered PNGs back and checks that marks land where the layout says they do.
@Suite("Figure pixels")
struct FigurePixelTests {
    /// Points along the data diagonal from `from` to `to` (as fractions), in page points.
    static func diagonal(_ frame: PageRect, from: Double, to: Double, count: Int) -> [PagePoint] {
        (0..<count).map { k in
            let t = from + (to - from) * Double(k) / Double(count - 1)
            return PagePoint(x: frame.minX + t * frame.width, y: frame.maxY - t * frame.height)
        }
    }

    @Test("ROC: the chance diagonal is grey at the plot centre and dashed along its length")
    func chanceDiagonal() throws {
        let figure = try ROCFigure(curves: Array(FigureExamples.rocCurves.prefix(1)))
        let image = try RasterImage(png: figure.rendered(as: .png))
        let frame = PlotLayout.measured(figure.plot).frame
        #expect(abs(frame.width - frame.height) < 1e-9, "ROC plot area is square")
        #expect(image.pixel(atPoint: frame.center).isMidGrey)
        let samples = Self.diagonal(frame, from: 0.5, to: 0.75, count: 120).map(image.pixel(atPoint:))
        #expect(samples.contains { $0.isMidGrey } && samples.contains { $0.isWhite }, "dashes and gaps")
        #expect(samples.allSatisfy { $0.isGreyish }, "only grey ink")
    }

    @Test("ROC: the legend holds text and covers no curve and no part of the chance diagonal")
    func rocLegend() throws {
        let figure = try ROCFigure(curves: FigureExamples.rocCurvesWithAverages)
        let layout = PlotLayout.measured(figure.plot)
        let legend = try #require(layout.legend)
        let box = legend.box
        // Five wide rows: no corner of the square plot is free of curves and the diagonal.
        #expect(legend.isBelow && box.minY > layout.frame.maxY)

        let image = try RasterImage(png: figure.rendered(as: .png))
        let inside = image.pixels(in: box.insetBy(2))
        let ink = inside.filter { $0.luminance < 0.3 }.count
        #expect(ink > 500, "legend text drawn (\(ink) dark pixels)")
        let covered = layout.dataPoints(figure.plot).filter(box.contains)
        #expect(covered.isEmpty, "\(covered.count) curve points under the legend")
    }

    @Test("Confusion matrix: the darkest cell holds the largest count; text contrasts with its cell")
    func heatmap() throws {
        let counts = [[3, 4, 2], [5, 19, 2], [1, 2, 40]]
        let figure = try ConfusionMatrixFigure(classNames: FigureExamples.classNames, counts: counts)
        let image = try RasterImage(png: figure.rendered(as: .png))
        let frame = PlotLayout.measured(figure.plot).frame
        let cell = frame.width / 3
        func cellRect(_ t: Int, _ p: Int) -> PageRect {
            PageRect(x: frame.minX + Double(p) * cell, y: frame.minY + Double(t) * cell, width: cell, height: cell)
        }
        // A corner pixel of each cell (inside the white edge, away from the centred text).
        var shades: [(count: Int, luminance: Double)] = []
        for t in 0..<3 {
            for p in 0..<3 {
                let r = cellRect(t, p)
                shades.append((counts[t][p], image.pixel(atPoint: PagePoint(x: r.minX + 3, y: r.minY + 3)).luminance))
            }
        }
        let darkest = shades.min { $0.luminance < $1.luminance }!
        #expect(darkest.count == 40, "last row is drawn at the bottom, last column at the right")
        #expect(shades.sorted { $0.count < $1.count }.map(\.luminance) == shades.map(\.luminance).sorted(by: >))

        let darkCellText = image.pixels(in: cellRect(2, 2).insetBy(cell / 4)).filter(\.isWhite).count
        let lightCellText = image.pixels(in: cellRect(0, 2).insetBy(cell / 4)).filter { $0.luminance < 0.2 }.count
        #expect(darkCellText > 100 && lightCellText > 100)
    }

    @Test("Calibration: the legend moves away from data in the lower right")
    func calibrationLegendAvoidsData() throws {
        let overconfident = CalibrationFigureCurve(
            label: "SCC", meanPredicted: [0.1, 0.3, 0.5, 0.7, 0.9],
            observedFraction: [0.05, 0.08, 0.1, 0.15, 0.2])
        let figure = try CalibrationFigure(curves: [overconfident])
        let layout = PlotLayout.measured(figure.plot)
        let box = try #require(layout.legend?.box)
        #expect(box.center.y < layout.frame.center.y, "legend moved to the top")
        var dataOnly = figure.plot
        dataOnly.marks.removeFirst() // perfect-calibration diagonal
        #expect(layout.dataPoints(dataOnly).filter(box.contains).isEmpty)
    }

    @Test("Decision curves: the y axis runs from −0.05 to the prevalence rounded up to 0.05")
    func decisionAxis() throws {
        let figure = try DecisionCurveFigure(prevalence: FigureExamples.prevalenceACC, models: FigureExamples.decisionCurves)
        let plot = figure.plot
        #expect(plot.y.range.lowerBound == -0.05)
        #expect(abs(plot.y.range.upperBound - 0.3) < 1e-12)
        #expect(plot.x.range == 0...1)
        #expect(plot.y.ticks.map(\.label) == ["0.0", "0.1", "0.2", "0.3"])
        let treatAll = figure.treatAllCurve(over: 0...0.5)
        #expect(abs(treatAll[0].y - FigureExamples.prevalenceACC) < 1e-12)
        // Net benefit of treating all is zero where the threshold equals the prevalence.
        let p = FigureExamples.prevalenceACC
        #expect(abs(figure.treatAllCurve(over: p...p, samples: 1)[0].y) < 1e-12)
    }
}

extension RasterImage.Pixel {
    /// Neutral at any lightness: anti-aliased edges of grey dashes blend towards white.
    var isGreyish: Bool { max(red, green, blue) - min(red, green, blue) < 0.06 }
}
