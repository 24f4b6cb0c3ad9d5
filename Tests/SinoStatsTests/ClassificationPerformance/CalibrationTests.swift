import TestSupport
import Testing

@testable import SinoStats

/// Reliability bins and Brier scores against scikit-learn 1.9.1 `calibration_curve` and
/// `brier_score_loss` (Tests/Fixtures/metrics.json).
struct CalibrationTests {
    /// Bin counts must agree exactly (same edges, same edge rule); means within 1e-12.
    private func compare(
        _ curve: CalibrationCurve, _ expected: MetricsFixture.Bins, _ what: String,
        _ difference: inout MaxDifference
    ) {
        #expect(curve.bins.count == expected.probTrue.count, "\(what): non-empty bins")
        for (bin, (observed, predicted)) in zip(curve.bins, zip(expected.probTrue, expected.probPred)) {
            difference.check(bin.observedFraction, observed, rel: 1e-12, "\(what) prob_true bin \(bin.index)")
            difference.check(bin.meanPredicted, predicted, rel: 1e-12, "\(what) prob_pred bin \(bin.index)")
        }
    }

    @Test("calibration_curve (uniform and quantile, 10 bins) matches scikit-learn 1.9.1, one vs rest")
    func reliabilityBinsMatchSklearn() throws {
        var difference = MaxDifference()
        for c in try MetricsFixture.load().cases {
            for strategy in [CalibrationStrategy.uniform, .quantile] {
                let calibration = try MulticlassCalibration(
                    labels: c.labels, probabilities: c.probabilities, strategy: strategy)
                for (k, curve) in calibration.classes.enumerated() {
                    let reference = c.calibration.classes[k]
                    compare(
                        curve, strategy == .uniform ? reference.uniform : reference.quantile,
                        "\(c.name) class \(k) \(strategy)", &difference)
                }
            }
        }
        difference.report("calibration_curve prob_true/prob_pred", tool: "scikit-learn 1.9.1")
    }

    @Test("calibration_curve on a perfectly calibrated toy and on bin edges, 0 and 1 matches scikit-learn 1.9.1")
    func toysMatchSklearn() throws {
        var difference = MaxDifference()
        for toy in try MetricsFixture.load().calibrationToys {
            let outcomes = toy.outcomes.map { $0 == 1 }
            for strategy in [CalibrationStrategy.uniform, .quantile] {
                let curve = try CalibrationCurve(outcomes: outcomes, probabilities: toy.probabilities, strategy: strategy)
                compare(curve, strategy == .uniform ? toy.uniform : toy.quantile, "\(toy.name) \(strategy)", &difference)
                difference.check(curve.brierScore, toy.brier, rel: 1e-12, "\(toy.name) Brier")
            }
        }
        difference.report("calibration toys (bins, Brier)", tool: "scikit-learn 1.9.1")
    }

    @Test func perfectlyCalibratedToyHasObservedEqualToPredicted() throws {
        let toy = try #require(try MetricsFixture.load().calibrationToys.first { $0.name == "perfectly calibrated" })
        let curve = try CalibrationCurve(outcomes: toy.outcomes.map { $0 == 1 }, probabilities: toy.probabilities)
        #expect(curve.bins.map(\.index) == [0, 2, 4, 7, 9])
        for bin in curve.bins { #expect(isClose(bin.observedFraction, bin.meanPredicted, rel: 1e-14)) }
    }

    @Test func edgeRuleSendsEdgesToTheLowerBinAndOneToTheLast() throws {
        // Hand-checked against np.searchsorted(np.linspace(0, 1, 11)[1:-1], p): 0.3 lies below
        // the computed edge 0.30000000000000004, so it shares bin 2 with that edge value.
        let p = [0.0, 0.1, 0.3, 0.30000000000000004, 1.0]
        let curve = try CalibrationCurve(outcomes: [false, true, false, true, true], probabilities: p)
        #expect(curve.bins.map(\.index) == [0, 2, 9])
        #expect(curve.bins.map(\.count) == [2, 2, 1])
        #expect(curve.edges[3] == 0.30000000000000004)
    }

    @Test("brier_score_loss one vs rest and multiclass (labels=) match scikit-learn 1.9.1")
    func brierScoresMatchSklearn() throws {
        var difference = MaxDifference()
        for c in try MetricsFixture.load().cases {
            let calibration = try MulticlassCalibration(labels: c.labels, probabilities: c.probabilities)
            for (curve, reference) in zip(calibration.classes, c.calibration.classes) {
                difference.check(curve.brierScore, reference.brier, rel: 1e-12, "\(c.name) one-vs-rest Brier")
            }
            // sklearn 1.9 halves the two-column sum when K = 2 (scale_by_half="auto"); SinoStats never does.
            let sklearnScale = c.classCount == 2 ? 2.0 : 1.0
            difference.check(
                calibration.multiclassBrierScore, sklearnScale * c.calibration.multiclassBrier,
                rel: 1e-12, "\(c.name) multiclass Brier")
        }
        difference.report("brier_score_loss (one vs rest, multiclass)", tool: "scikit-learn 1.9.1")
    }

    @Test func invalidProbabilitiesAreRejected() {
        #expect(throws: StatsError.self) { try CalibrationCurve(outcomes: [true], probabilities: [1.2]) }
        #expect(throws: StatsError.self) { try CalibrationCurve(outcomes: [true, false], probabilities: [0.2]) }
        #expect(throws: StatsError.self) { try BrierScore.multiclass(labels: [0, 3], probabilities: [[1, 0], [0, 1]]) }
    }
}
