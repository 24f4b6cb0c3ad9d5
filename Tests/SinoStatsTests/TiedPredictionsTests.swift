import Foundation
import SinoData
import TestSupport
import Testing

@testable import SinoStats

/// Rank statistics on tie-heavy predictions read from a file (an ExtraTrees model with few
/// leaves, and probabilities rounded to 2 decimals), against scikit-learn, scipy, dcurves and
/// R pROC on the values as written (scripts/peers/ties.py). Rows are never rescaled, so ties
/// in the file stay ties.
@Suite("Tied predictions vs scikit-learn / scipy / dcurves / pROC")
struct TiedPredictionsTests {
    let fixture: [String: Any]
    let labels: [Int]
    let models: [Predictions]

    init() throws {
        fixture = try Fixtures.json("ties/expected.json")
        labels = fixture["labels"] as! [Int]
        models = try Predictions.read(
            path: Fixtures.url("ties/predictions.csv").path,
            classes: ClassSet(fixture["classes"] as! [String]))
    }

    func expected(_ model: String) -> [String: Any] {
        (fixture["models"] as! [String: [String: Any]])[model]!
    }

    @Test("the reader keeps every probability exactly as written")
    func valuesAsWritten() throws {
        let text = try String(contentsOf: Fixtures.url("ties/predictions.csv"), encoding: .utf8)
        let rows = text.split(separator: "\n").dropFirst().map { $0.split(separator: ",").map(String.init) }
        for (i, row) in rows.enumerated() {
            let model = try #require(models.first { $0.model == row[2] })
            let index = try #require(model.patientIds.firstIndex(of: row[0]))
            #expect(model.probabilities[index] == row[3...].map { Double($0)! }, "row \(i + 1)")
        }
    }

    @Test("AUCs (per class, macro, weighted, micro, OvO), ROC curves and the argmax confusion matrix match scikit-learn")
    func aucs() throws {
        var worst = 0.0
        for model in models {
            let e = expected(model.model)
            let performance = try ModelEvaluation.evaluate(model, labels: labels, cohort: "test")
            let auc = performance.auc
            func check(_ actual: Double?, _ reference: Double, _ what: String) {
                #expect(isClose(actual ?? .nan, reference, rel: 1e-14), "\(model.model) \(what): \(actual ?? .nan) vs \(reference)")
                worst = max(worst, abs((actual ?? .nan) - reference) / abs(reference))
            }
            for (k, value) in (e["per_class_auc"] as! [Double]).enumerated() { check(auc.perClass[k].value, value, "class \(k)") }
            check(auc.macro, e["ovr_macro"] as! Double, "macro")
            check(auc.weighted, e["ovr_weighted"] as! Double, "weighted")
            check(auc.micro.value, e["ovr_micro"] as! Double, "micro")
            check(auc.oneVsOne.value, e["ovo_macro"] as! Double, "OvO")
            let curves = (e["roc"] as! [[String: Any]]) + [e["micro_roc"] as! [String: Any]]
            for (k, reference) in curves.enumerated() {
                let curve = try #require(k < 3 ? performance.rocCurves[k] : performance.microROC)
                // The thresholds are the distinct scores as written: equal bit for bit. The rates
                // are counts divided by totals (scikit-learn divides cumulative float sums).
                let thresholds = (reference["thresholds"] as! [Any]).map { $0 as? Double ?? .infinity }
                #expect(curve.thresholds == thresholds, "\(model.model) ROC \(k) thresholds")
                for (actual, expected) in [(curve.falsePositiveRates, reference["fpr"] as! [Double]), (curve.truePositiveRates, reference["tpr"] as! [Double])] {
                    #expect(
                        actual.count == expected.count && zip(actual, expected).allSatisfy { isClose($0, $1, rel: 1e-14) },
                        "\(model.model) ROC \(k) rates")
                }
            }
            #expect(performance.metrics.confusion.counts == e["confusion"] as! [[Int]], "\(model.model) confusion")
        }
        reportComparison("tied predictions: AUCs and ROC curves", tool: Fixtures.versions(fixture), maxRelDiff: worst)
    }

    @Test("calibration bins, Brier scores and one-vs-rest net benefit match scikit-learn and dcurves")
    func calibrationAndDecisionCurves() throws {
        for model in models {
            let e = expected(model.model)
            for strategy in [CalibrationStrategy.uniform, .quantile] {
                let calibration = try MulticlassCalibration(labels: labels, probabilities: model.probabilities, strategy: strategy)
                for (k, reference) in (e["calibration"] as! [[String: Any]]).enumerated() {
                    let curve = calibration.classes[k]
                    let bins = reference[strategy.rawValue] as! [String: [Double]]
                    #expect(curve.bins.count == bins["prob_true"]!.count, "\(model.model) \(strategy) class \(k) bins")
                    for (bin, (observed, predicted)) in zip(curve.bins, zip(bins["prob_true"]!, bins["prob_pred"]!)) {
                        #expect(isClose(bin.observedFraction, observed, rel: 1e-14), "\(model.model) \(strategy) class \(k) observed")
                        #expect(isClose(bin.meanPredicted, predicted, rel: 1e-13), "\(model.model) \(strategy) class \(k) predicted")
                    }
                    #expect(isClose(curve.brierScore, reference["brier"] as! Double, rel: 1e-13), "\(model.model) Brier \(k)")
                }
            }
            let curves = try DecisionCurve.oneVsRest(labels: labels, probabilities: model.probabilities)
            for (k, reference) in (e["decision_curves"] as! [[String: [Double]]]).enumerated() {
                #expect(curves[k].points.map(\.threshold) == reference["thresholds"]!)
                for (point, benefit) in zip(curves[k].points, reference["net_benefit"]!) {
                    #expect(
                        isClose(point.netBenefit, benefit, rel: 1e-12, abs: 1e-15),
                        "\(model.model) class \(k) net benefit at \(point.threshold): \(point.netBenefit) vs \(benefit)")
                }
            }
        }
    }

    @Test("Mann-Whitney U of each class's scores matches scipy (asymptotic, tie-corrected)")
    func mannWhitney() throws {
        for model in models {
            for (k, reference) in (expected(model.model)["mann_whitney"] as! [[String: Double]]).enumerated() {
                let cases = labels.indices.filter { labels[$0] == k }.map { model.probabilities[$0][k] }
                let controls = labels.indices.filter { labels[$0] != k }.map { model.probabilities[$0][k] }
                let result = try MannWhitneyU.test(cases, controls, method: .asymptotic)
                #expect(result.statistic == reference["u"]!, "\(model.model) class \(k) U")
                #expect(isClose(result.pValue, reference["p"]!, rel: 1e-10), "\(model.model) class \(k) p")
            }
        }
    }

    @Test("DeLong CIs and the paired DeLong test per class match pROC")
    func delong() throws {
        let byName = Dictionary(uniqueKeysWithValues: models.map { ($0.model, $0) })
        let trees = byName["extratrees"]!, rounded = byName["rounded"]!
        var worst = 0.0
        for (k, reference) in (fixture["delong"] as! [[String: Any]]).enumerated() {
            let isCase = labels.map { $0 == k }
            let a = trees.probabilities.map { $0[k] }, b = rounded.probabilities.map { $0[k] }
            for (scores, name) in [(a, "extratrees"), (b, "rounded")] {
                let ci = try #require(try DeLong.confidenceInterval(scores: scores, isCase: isCase).value)
                let ref = reference[name] as! [Double]
                for (actual, expected) in [(ci.lower, ref[0]), (ci.auc, ref[1]), (ci.upper, ref[2])] {
                    #expect(isClose(actual, expected, rel: 1e-12), "\(name) class \(k): \(actual) vs \(expected)")
                    worst = max(worst, abs(actual - expected) / abs(expected))
                }
            }
            let test = try #require(try DeLong.pairedTest(scores1: a, scores2: b, isCase: isCase).value)
            #expect(isClose(test.z, reference["paired_z"] as! Double, rel: 1e-9), "class \(k) z")
            #expect(isClose(test.pValue, reference["paired_p"] as! Double, rel: 1e-9), "class \(k) p")
        }
        reportComparison("tied predictions: DeLong", tool: Fixtures.versions(fixture), maxRelDiff: worst)
    }

    @Test("one bootstrap replicate's macro and micro AUC (resampled counts as weights) match scikit-learn on the repeated rows")
    func bootstrapReplicates() throws {
        for replicate in fixture["bootstrap_replicates"] as! [[String: Any]] {
            let weights = (replicate["counts"] as! [Int]).map(Double.init)
            for model in models {
                let auc = PresortedMulticlassAUC(labels: labels, scores: model.probabilities, definedClasses: [0, 1, 2])
                let reference = replicate[model.model] as! [String: Double]
                #expect(isClose(auc.macro(weights: weights), reference["macro"]!, rel: 1e-14), "\(model.model) macro")
                #expect(isClose(auc.micro(weights: weights), reference["micro"]!, rel: 1e-14), "\(model.model) micro")
            }
        }
    }
}
