import SinoData
import TestSupport
import Testing

@testable import SinoStats

/// Confusion matrices and classification metrics against scikit-learn 1.9.1 and Wilson
/// intervals against statsmodels 0.15.0 (Tests/Fixtures/metrics.json).
struct ClassificationMetricsTests {
    @Test func fixtureWasLoaded() throws {
        let fixture = try MetricsFixture.load()
        #expect(fixture.cases.count == 16)
        #expect(fixture.versionLine.contains("scikit-learn 1.9.1"))
        #expect(fixture.versionLine.contains("statsmodels 0.15.0"))
    }

    @Test("confusion_matrix and normalize=\"true\" match scikit-learn 1.9.1; argmax as numpy")
    func confusionMatrixMatchesSklearn() throws {
        var difference = MaxDifference()
        for c in try MetricsFixture.load().cases {
            let matrix = try ConfusionMatrix(labels: c.labels, probabilities: c.probabilities)
            #expect(c.probabilities.map { argmax($0) } == c.predicted, "\(c.name)")
            #expect(matrix.counts == c.confusionMatrix, "\(c.name)")
            for (row, expected) in zip(matrix.rowPercentages, c.confusionNormalizedTrue) {
                for (actual, fraction) in zip(try #require(row), expected) {
                    // Same arithmetic (count / row total, times 100): exact.
                    #expect(actual == 100 * fraction, "\(c.name)")
                    difference.check(actual, 100 * fraction, rel: 0, "\(c.name) row %")
                }
            }
        }
        difference.report("confusion matrix row % (counts exact)", tool: "scikit-learn 1.9.1 confusion_matrix")
    }

    @Test("precision_recall_fscore_support (per class, macro, weighted) matches scikit-learn 1.9.1")
    func metricsMatchSklearn() throws {
        var difference = MaxDifference()
        for c in try MetricsFixture.load().cases {
            let metrics = ClassificationMetrics(
                try ConfusionMatrix(labels: c.labels, predicted: c.predicted, classCount: c.classCount))
            difference.check(metrics.accuracy.value, c.accuracy, rel: 1e-12, "\(c.name) accuracy")
            #expect(metrics.perClass.map(\.support) == c.support, "\(c.name)")
            checkPerClass(metrics, c, &difference)
            let averages: [(String, Double?, Double?)] = [
                ("macro precision", metrics.macro.precision, c.macro["precision"]),
                ("macro recall", metrics.macro.recall, c.macro["recall"]),
                ("macro f1", metrics.macro.f1, c.macro["f1"]),
                ("macro specificity", metrics.macro.specificity, c.macro["specificity"]),
                ("macro npv", metrics.macro.npv, c.macro["npv"]),
                ("weighted precision", metrics.weighted.precision, c.weighted["precision"]),
                ("weighted recall", metrics.weighted.recall, c.weighted["recall"]),
                ("weighted f1", metrics.weighted.f1, c.weighted["f1"])
            ]
            for (name, actual, expected) in averages {
                difference.check(actual, try #require(expected), rel: 1e-12, "\(c.name) \(name)")
            }
            #expect(!metrics.zeroDivisions.isEmpty == c.sklearnWarnedZeroDivision, "\(c.name)")
        }
        difference.report(
            "accuracy, precision, recall, F1, specificity, NPV (class, macro, weighted)",
            tool: "scikit-learn 1.9.1")
    }

    /// Per class: sklearn's value, or nil here where sklearn substituted 0.0 (zero_division).
    private func checkPerClass(
        _ metrics: ClassificationMetrics, _ c: MetricsFixture.ModelCase,
        _ difference: inout MaxDifference
    ) {
        for (k, m) in metrics.perClass.enumerated() {
            let reference = c.oneVsRest[k]
            #expect(
                m.counts
                    == OneVsRestCounts(
                        truePositives: reference.tp, falsePositives: reference.fp,
                        falseNegatives: reference.fn, trueNegatives: reference.tn))
            if m.precision.value == nil {
                #expect(c.precision[k] == 0 && m.precision.undefinedReason != nil, "\(c.name) class \(k)")
            } else {
                difference.check(m.precision.value, c.precision[k], rel: 1e-12, "\(c.name) precision \(k)")
            }
            difference.check(m.recall.value, c.recall[k], rel: 1e-12, "\(c.name) recall \(k)")
            difference.check(m.f1, c.f1[k], rel: 1e-12, "\(c.name) f1 \(k)")
            difference.check(m.specificity.value, reference.specificity, rel: 1e-12, "\(c.name) spec \(k)")
            difference.check(m.npv.value, reference.npv, rel: 1e-12, "\(c.name) npv \(k)")
        }
    }

    @Test("Wilson intervals match statsmodels 0.15.0 proportion_confint(method=\"wilson\")")
    func wilsonIntervalsMatchStatsmodels() throws {
        var difference = MaxDifference()
        var compared = 0, undefined = 0
        for c in try MetricsFixture.load().cases {
            let metrics = ClassificationMetrics(
                try ConfusionMatrix(labels: c.labels, predicted: c.predicted, classCount: c.classCount))
            var pairs: [(ProportionEstimate, [Double]?)] = [(metrics.accuracy, c.accuracyWilson)]
            for (m, reference) in zip(metrics.perClass, c.oneVsRest) {
                let wilson = reference.wilson
                pairs += [
                    (m.precision, wilson["precision"]!), (m.recall, wilson["recall"]!),
                    (m.specificity, wilson["specificity"]!), (m.npv, wilson["npv"]!)
                ]
            }
            for (estimate, expected) in pairs {
                guard let expected else {
                    #expect(estimate.interval == nil && estimate.total == 0, "\(c.name)")
                    undefined += 1
                    continue
                }
                let interval = try #require(estimate.interval)
                difference.check(interval.lower, expected[0], rel: 1e-12, abs: 1e-15, "\(c.name) lower")
                difference.check(interval.upper, expected[1], rel: 1e-12, abs: 1e-15, "\(c.name) upper")
                compared += 1
            }
        }
        #expect(compared == 189 && undefined == 3)
        difference.report("Wilson 95% CI bounds", tool: "statsmodels 0.15.0 proportion_confint")
    }

    @Test func aClassNeverPredictedHasNoPrecisionAndIsAveragedAsZero() throws {
        // Hand-checked: class 2 (3 patients) is never predicted, so its PPV is 0 / 0.
        let matrix = try ConfusionMatrix(counts: [[3, 1, 0], [0, 4, 0], [1, 2, 0]])
        let metrics = ClassificationMetrics(matrix)
        #expect(metrics.perClass[2].precision.value == nil)
        #expect(metrics.perClass[2].precision.interval == nil)
        #expect(metrics.perClass[2].f1 == 0) // 2 * 0 / (0 + 0 + 3)
        #expect(metrics.zeroDivisions.count == 1)
        #expect(metrics.macro.precision == (0.75 + 4.0 / 7.0 + 0) / 3)
        #expect(metrics.perClass[2].npv.value == 8.0 / 11.0) // TN 8 of TN + FN = 11
    }

    @Test func invalidInputsAreRejected() {
        #expect(throws: StatsError.self) { try ConfusionMatrix(counts: [[1, 2], [3]]) }
        #expect(throws: StatsError.self) { try ConfusionMatrix(counts: [[1, -2], [3, 4]]) }
        #expect(throws: StatsError.self) { try ConfusionMatrix(counts: [[0, 0], [0, 0]]) }
        #expect(throws: StatsError.self) { try ConfusionMatrix(labels: [0, 1], predicted: [0, 3], classCount: 3) }
        #expect(throws: StatsError.self) { try ConfusionMatrix(labels: [0, 1], predicted: [0], classCount: 2) }
        #expect(throws: StatsError.self) { try ConfusionMatrix(labels: [0], probabilities: [[0.5, 1.5]]) }
    }
}
