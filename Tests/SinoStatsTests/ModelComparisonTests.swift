import Foundation
import SinoData
import TestSupport
import Testing

@testable import SinoStats

/// `sinorad compare`'s computation on two logistic models' predictions for the synthetic
/// cohort's test patients, against scikit-learn, statsmodels and R pROC 1.18
/// (scripts/peers/compare_study.py).
@Suite("Model comparison vs scikit-learn / statsmodels / pROC")
struct ModelComparisonTests {
    let fixture: [String: Any]
    let comparison: ModelComparison

    init() throws {
        fixture = try Fixtures.json("compare_study.json")
        let truth = try CohortLoader.load(path: Fixtures.url("synthetic_cohort.csv").path, dictionary: .sinonasal()).cohort
        let path = Fixtures.url("synthetic_predictions.csv").path
        let models = try Predictions.read(path: path, classes: truth.classes)
        let aligned = try AlignedPredictions.align(models, truth: truth, cohort: "test", sources: [path, path])
        comparison = try ModelComparison.run(aligned)
    }

    @Test("AUCs, accuracy with Wilson CI, precision and recall match scikit-learn 1.9.1 and statsmodels 0.15.0")
    func performance() throws {
        let expected = fixture["models"] as! [String: [String: Any]]
        var worst = 0.0
        for m in comparison.models {
            let e = try #require(expected[m.model])
            func check(_ actual: Double?, _ reference: Double, _ what: String) {
                #expect(isClose(actual ?? .nan, reference, rel: 1e-12), "\(m.model) \(what)")
                worst = max(worst, abs((actual ?? .nan) - reference) / max(abs(reference), 1e-300))
            }
            check(m.auc.macro, e["macro"] as! Double, "macro")
            check(m.auc.micro.value, e["micro"] as! Double, "micro")
            for (k, auc) in (e["per_class"] as! [Double]).enumerated() { check(m.perClassAUC[k].auc, auc, "AUC \(k)") }
            check(m.metrics.accuracy.value, e["accuracy"] as! Double, "accuracy")
            let wilson = e["accuracy_wilson"] as! [Double]
            check(m.metrics.accuracy.interval?.lower, wilson[0], "Wilson lower")
            check(m.metrics.accuracy.interval?.upper, wilson[1], "Wilson upper")
            for (k, p) in (e["precision"] as! [Double]).enumerated() where p > 0 { check(m.metrics.perClass[k].precision.value, p, "precision \(k)") }
            for (k, r) in (e["recall"] as! [Double]).enumerated() { check(m.metrics.perClass[k].recall.value, r, "recall \(k)") }
        }
        reportComparison("compare: AUCs and metrics on the synthetic test cohort", tool: Fixtures.versions(fixture), maxRelDiff: worst)
    }

    @Test("DeLong CIs and paired roc.test per class match pROC 1.18; McNemar matches statsmodels 0.15.0")
    func pairedTests() throws {
        let pair = (fixture["pairs"] as! [String: [String: Any]])["logistic vs logistic-t2"]!
        let c = try #require(comparison.comparisons.first)
        #expect(c.modelA == "logistic" && c.modelB == "logistic-t2")
        var worst = 0.0
        for (k, reference) in (pair["delong"] as! [[String: Any]]).enumerated() {
            let ci1 = reference["ci1"] as! [Double], ci2 = reference["ci2"] as! [Double]
            let a = try #require(comparison.models[0].perClassAUC[k].delong), b = try #require(comparison.models[1].perClassAUC[k].delong)
            let test = try #require(c.perClass[k].delong)
            let pairs: [(Double, Double)] = [
                (a.lower, ci1[0]), (a.upper, ci1[2]), (b.lower, ci2[0]), (b.upper, ci2[2]),
                (test.z, reference["z"] as! Double), (test.pValue, reference["p"] as! Double),
                (test.lower, (reference["diff_ci"] as! [Double])[0]), (test.upper, (reference["diff_ci"] as! [Double])[1])
            ]
            for (actual, expected) in pairs {
                #expect(isClose(actual, expected, rel: 1e-9, abs: 1e-12), "class \(k): \(actual) vs \(expected)")
                worst = max(worst, abs(actual - expected) / abs(expected))
            }
        }
        let exact = try #require(c.mcnemarExact), corrected = try #require(c.mcnemarCorrected)
        #expect(exact.b == pair["b"] as! Int && exact.c == pair["c"] as! Int)
        #expect(isClose(exact.pValue, pair["mcnemar_exact_p"] as! Double, rel: 1e-13))
        let chi = pair["mcnemar_corrected"] as! [Double]
        #expect(isClose(corrected.statistic, chi[0], rel: 1e-13) && isClose(corrected.pValue, chi[1], rel: 1e-12))
        reportComparison("compare: DeLong and McNemar on the synthetic test cohort", tool: Fixtures.versions(fixture), maxRelDiff: worst)
    }

    @Test("a model missing patients, and a cohort the predictions lack, are clear errors")
    func misalignment() throws {
        let truth = try CohortLoader.load(path: Fixtures.url("synthetic_cohort.csv").path, dictionary: .sinonasal()).cohort
        var models = try Predictions.read(path: Fixtures.url("synthetic_predictions.csv").path, classes: truth.classes)
        let test = models[1].cohort("test")
        models[1] = Predictions(
            model: test.model, classes: test.classes, patientIds: Array(test.patientIds.dropFirst(2)),
            cohorts: Array(test.cohorts.dropFirst(2)), probabilities: Array(test.probabilities.dropFirst(2)))
        let error = try #require(throws: ValidationError.self) {
            try AlignedPredictions.align(models, truth: truth, cohort: "test", sources: ["a.csv", "b.csv"])
        }
        #expect(error.description.contains("b.csv") && error.description.contains("missing \(test.patientIds[0]), \(test.patientIds[1])"))
        #expect(throws: ValidationError.self) { try AlignedPredictions.align(models, truth: truth, cohort: "holdout", sources: ["a.csv", "b.csv"]) }
    }

    @Test("a class absent from the cohort: its AUC is undefined with a reason, never 0.5")
    func absentClass() throws {
        let truth = try CohortLoader.load(path: Fixtures.url("synthetic_cohort.csv").path, dictionary: .sinonasal()).cohort
        let models = try Predictions.read(path: Fixtures.url("synthetic_predictions.csv").path, classes: truth.classes)
        let test = models[0].cohort("test")
        let keep = test.patientIds.indices.filter { i in truth.labels[truth.ids.firstIndex(of: test.patientIds[i])!] != 2 }
        let noONB = Predictions(
            model: test.model, classes: test.classes, patientIds: keep.map { test.patientIds[$0] },
            cohorts: keep.map { test.cohorts[$0] }, probabilities: keep.map { test.probabilities[$0] })
        let aligned = try AlignedPredictions.align([noONB], truth: truth, cohort: "test", sources: ["a.csv"])
        let result = try ModelComparison.run(aligned)
        let onb = result.models[0].perClassAUC[2]
        #expect(onb.auc == nil && onb.undefinedReason?.isEmpty == false)
        #expect(result.models[0].auc.averagedOverDefinedClassesOnly)
    }
}
