import Foundation
import TestSupport
import Testing

@testable import SinoStats

/// ROC curves and multiclass AUCs against scikit-learn (Tests/Fixtures/roc.json).
struct ROCTests {
    static let tolerance = 1e-12

    @Test func fixtureWasLoaded() {
        #expect(ROCFixture.cases("multiclass").count >= 7)
        #expect(ROCFixture.versions.contains("scikit-learn 1.9.1"))
        #expect(ROCFixture.versions.contains("pROC 1.18"))
    }

    @Test("roc_curve(drop_intermediate=False) and roc_auc_score match scikit-learn 1.9.1")
    func rocCurveMatchesSklearn() throws {
        let c = ROCFixture.section("binary_curve")
        let scores = c["scores"] as! [Double], isCase = ROCFixture.isCase(c)
        let curve = try ROCCurve(scores: scores, isCase: isCase)
        let thresholds = (c["thresholds"] as! [Any]).map { ($0 as? Double) ?? .infinity }
        try #require(curve.thresholds.count == thresholds.count)
        #expect(curve.thresholds == thresholds)
        var maxDiff = 0.0
        for (actual, expected) in zip(
            curve.falsePositiveRates + curve.truePositiveRates,
            (c["fpr"] as! [Double]) + (c["tpr"] as! [Double]))
        {
            maxDiff = max(maxDiff, ROCFixture.absoluteDifference(actual, expected))
        }
        let auc = try #require(try BinaryAUC.compute(scores: scores, isCase: isCase).value)
        maxDiff = max(maxDiff, ROCFixture.absoluteDifference(auc, c["auc"] as! Double))
        #expect(maxDiff <= Self.tolerance)
        reportComparison("roc_curve fpr/tpr and roc_auc_score (abs)", tool: ROCFixture.sklearn, maxRelDiff: maxDiff)
    }

    @Test("one-vs-rest per class, macro, weighted, micro and OvO match scikit-learn 1.9.1 roc_auc_score")
    func multiclassMatchesSklearn() throws {
        var maxDiff = 0.0
        for c in ROCFixture.cases("multiclass") where c["sklearn_labels_argument"] is NSNull {
            let result = try compute(c)
            let expectedPerClass = c["per_class"] as! [Double]
            var pairs = zip(result.perClass.map { $0.value ?? .nan }, expectedPerClass).map { ($0, $1) }
            pairs += [
                (result.macro ?? .nan, c["ovr_macro"] as! Double),
                (result.weighted ?? .nan, c["ovr_weighted"] as! Double),
                (result.micro.value ?? .nan, c["ovr_micro"] as! Double),
                (result.oneVsOne.value ?? .nan, c["ovo_macro"] as! Double)
            ]
            for (actual, expected) in pairs {
                #expect(abs(actual - expected) <= Self.tolerance, "\(c["name"]!)")
                maxDiff = max(maxDiff, ROCFixture.absoluteDifference(actual, expected))
            }
            #expect(!result.averagedOverDefinedClassesOnly)
        }
        reportComparison("roc_auc_score ovr/ovo (7 models, abs)", tool: ROCFixture.sklearn, maxRelDiff: maxDiff)
    }

    /// sklearn raises without labels=; with labels= it gives NaN for the absent class and for
    /// the OvR averages, and averages OvO over the pairs present. SinoRad gives the absent
    /// class `.undefined` and averages over the defined classes, flagged.
    @Test("an absent class is undefined, as scikit-learn 1.9.1 with labels= (NaN); averages over defined classes")
    func absentClassMatchesSklearnWhereDefined() throws {
        let c = try #require(ROCFixture.cases("multiclass").first { !($0["sklearn_labels_argument"] is NSNull) })
        #expect(c["sklearn_error_without_labels"] is String)
        #expect(c["ovr_macro"] is NSNull)
        let result = try compute(c)
        let expected = (c["per_class"] as! [Any]).map { $0 as? Double }
        var maxDiff = 0.0
        for (actual, wanted) in zip(result.perClass, expected) {
            #expect((actual.value == nil) == (wanted == nil))
            if let a = actual.value, let w = wanted { maxDiff = max(maxDiff, abs(a - w)) }
        }
        #expect(result.perClass[2].undefinedReason?.contains("0 case(s)") == true)
        let defined = expected.compactMap { $0 }
        #expect(abs(result.macro! - defined.reduce(0, +) / Double(defined.count)) <= Self.tolerance)
        #expect(result.averagedOverDefinedClassesOnly)
        let ovo = try #require(result.oneVsOne.value)
        maxDiff = max(maxDiff, abs(ovo - (c["ovo_macro"] as! Double)))
        #expect(maxDiff <= Self.tolerance)
        reportComparison("absent class (per class, OvO, abs)", tool: ROCFixture.sklearn, maxRelDiff: maxDiff)
    }

    @Test func everyPatientInOneClassLeavesEveryAverageUndefined() throws {
        let scores: [[Double]] = [[0.7, 0.2, 0.1], [0.5, 0.3, 0.2], [0.6, 0.1, 0.3]]
        let result = try MulticlassAUC.compute(labels: [1, 1, 1], scores: scores, classCount: 3)
        #expect(result.perClass.allSatisfy { $0.value == nil })
        #expect(result.perClass[1].undefinedReason?.contains("0 control(s)") == true)
        #expect(result.macro == nil && result.weighted == nil && result.oneVsOne.value == nil)
    }

    @Test func tiesCountOneHalf() throws {
        // Case 0.4 ties control 0.4: U = 1 + 1 + 1 + 0.5 = 3.5 of 4 pairs.
        let auc = try BinaryAUC.compute(scores: [0.9, 0.4, 0.4, 0.1], isCase: [true, true, false, false])
        #expect(auc.value == 0.875)
        let curve = try ROCCurve(scores: [0.9, 0.4, 0.4, 0.1], isCase: [true, true, false, false])
        #expect(curve.thresholds == [.infinity, 0.9, 0.4, 0.1])
        #expect(curve.truePositiveRates == [0, 0.5, 1, 1])
        #expect(curve.falsePositiveRates == [0, 0, 0.5, 1])
    }

    @Test func invalidInputIsRejected() {
        #expect(throws: StatsError.self) { try BinaryAUC.compute(scores: [1, .nan], isCase: [true, false]) }
        #expect(throws: StatsError.self) { try BinaryAUC.compute(scores: [1], isCase: [true, false]) }
        #expect(throws: StatsError.self) { try ROCCurve(scores: [1, 2], isCase: [true, true]) }
        #expect(throws: StatsError.self) {
            try MulticlassAUC.compute(labels: [0, 3], scores: [[1, 0, 0], [0, 1, 0]], classCount: 3)
        }
        #expect(throws: StatsError.self) {
            try MulticlassAUC.compute(labels: [0, 1], scores: [[1, 0], [0, 1, 0]], classCount: 3)
        }
    }

    private func compute(_ c: [String: Any]) throws -> MulticlassAUC {
        try MulticlassAUC.compute(
            labels: c["labels"] as! [Int], scores: c["scores"] as! [[Double]],
            classCount: c["class_count"] as! Int)
    }
}
