import TestSupport
import Testing

@testable import SinoStats

/// Net benefit against dcurves 1.1.7 `dca` (one vs rest per class, thresholds 0.01..0.99).
struct DecisionCurveTests {
    @Test func defaultThresholdsAreTheFixtureGrid() throws {
        #expect(DecisionCurve.defaultThresholds == (try MetricsFixture.load().thresholds))
    }

    @Test("net benefit (model, treat all, treat none) matches dcurves 1.1.7 dca, one vs rest")
    func netBenefitMatchesDcurves() throws {
        var difference = MaxDifference()
        for c in try MetricsFixture.load().cases {
            let curves = try DecisionCurve.oneVsRest(labels: c.labels, probabilities: c.probabilities)
            for (curve, reference) in zip(curves, c.decisionCurves) {
                #expect(curve.points.map(\.threshold) == reference.thresholds)
                for (i, point) in curve.points.enumerated() {
                    let what = "\(c.name) class \(curve.classIndex!) pt \(point.threshold)"
                    // dcurves forms TP/n as (TP / events) * prevalence: values cancelling to 0
                    // leave ~1e-17 residue, compared absolutely.
                    difference.check(point.netBenefit, reference.model[i], rel: 1e-12, abs: 1e-15, what)
                    difference.check(point.treatAll, reference.all[i], rel: 1e-12, abs: 1e-15, "\(what) all")
                    #expect(point.treatNone == reference.none[i], "\(what) none")
                }
            }
        }
        difference.report("net benefit", tool: "dcurves 1.1.7 dca")
    }

    @Test func treatAllFollowsPrevalenceByHand() throws {
        // 2 events in 5 patients: treat all = 0.4 - 0.6 * pt / (1 - pt); at pt = 0.5, -0.2.
        let curve = try DecisionCurve(
            outcomes: [true, true, false, false, false],
            risks: [0.9, 0.5, 0.5, 0.1, 0.0], thresholds: [0.5])
        let point = try #require(curve.points.first)
        #expect(isClose(point.treatAll, -0.2, rel: 1e-15))
        // risk >= 0.5 treats 3 patients: TP 2, FP 1 -> 2/5 - 1/5 * 1 = 0.2.
        #expect((point.truePositives, point.falsePositives) == (2, 1))
        #expect(isClose(point.netBenefit, 0.2, rel: 1e-15))
    }

    @Test func thresholdsOutsideTheOpenIntervalAreRejected() {
        #expect(throws: StatsError.self) {
            try DecisionCurve(outcomes: [true, false], risks: [0.4, 0.6], thresholds: [0, 0.5])
        }
        #expect(throws: StatsError.self) {
            try DecisionCurve(outcomes: [true, false], risks: [0.4, 0.6], thresholds: [1])
        }
    }
}
