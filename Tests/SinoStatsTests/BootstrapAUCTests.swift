import Foundation
import TestSupport
import Testing

@testable import SinoStats

/// Bootstrap CIs and paired tests against pROC 1.18 and a scikit-learn Monte Carlo reference
/// (Tests/Fixtures/roc.json). Different generators cannot give the same replicates, so the
/// limits are compared within Monte Carlo error: 4 standard errors of the difference.
struct BootstrapAUCTests {
    /// Monte Carlo standard error of the p-quantile of B replicates with standard deviation
    /// sd, from the normal density at that quantile: sd sqrt(p (1 - p) / B) / phi(z_p).
    static func quantileError(p: Double, sd: Double, replicates: Int) -> Double {
        let z = Distributions.normalQuantile(p)
        let density = exp(-z * z / 2) / (2 * Double.pi).squareRoot()
        return sd * (p * (1 - p) / Double(replicates)).squareRoot() / density
    }

    /// 4 standard errors of the difference of two independent bootstrap quantiles.
    static func quantileTolerance(p: Double, sd: Double, _ b1: Int, _ b2: Int) -> Double {
        4 * hypot(quantileError(p: p, sd: sd, replicates: b1), quantileError(p: p, sd: sd, replicates: b2))
    }

    static let probabilities = [0.025, 0.5, 0.975]

    @Test("stratified bootstrap CI (2,000 and 20,000 replicates) agrees with pROC 1.18 ci.auc(method=\"bootstrap\") within MC error")
    func binaryIntervalAgreesWithPROC() throws {
        var maxDiff = 0.0, maxRatio = 0.0
        for c in ROCFixture.cases("bootstrap_ci") {
            let procReplicates = c["boot_n"] as! Int
            for ours in [2000, 20000] {
                let ci = try #require(
                    try BootstrapAUC.confidenceInterval(
                        scores: c["scores"] as! [Double], isCase: ROCFixture.isCase(c),
                        options: .init(replicates: ours, seed: 17)
                    ).value)
                for (p, (actual, key)) in zip(Self.probabilities, [(ci.lower, "lower"), (ci.median, "median"), (ci.upper, "upper")]) {
                    let expected = try #require(ROCFixture.proc(c, key))
                    let tolerance = Self.quantileTolerance(p: p, sd: ci.standardDeviation, ours, procReplicates)
                    #expect(abs(actual - expected) <= tolerance, "\(c["name"]!) \(key), ours B=\(ours)")
                    maxDiff = max(maxDiff, abs(actual - expected))
                    maxRatio = max(maxRatio, abs(actual - expected) / (tolerance / 4))
                }
            }
        }
        reportComparison(
            "bootstrap CI limits (abs; max \(String(format: "%.2f", maxRatio)) MC SE)",
            tool: ROCFixture.pROC, maxRelDiff: maxDiff)
    }

    @Test("paired bootstrap roc.test D agrees with pROC 1.18 roc.test(method=\"bootstrap\", paired=TRUE) within MC error")
    func pairedTestAgreesWithPROC() throws {
        var maxDiff = 0.0
        for c in ROCFixture.cases("bootstrap_test") {
            let procReplicates = c["boot_n"] as! Int
            let ours = 20000
            let test = try #require(
                try BootstrapAUC.pairedTest(
                    scores1: c["scores1"] as! [Double], scores2: c["scores2"] as! [Double],
                    isCase: ROCFixture.isCase(c), options: .init(replicates: ours, seed: 23)
                ).value)
            let d = try #require(ROCFixture.proc(c, "D"))
            // The sd of B normal-ish replicates has relative MC error about 1 / sqrt(2 B).
            let tolerance = 4 * abs(d) * (1 / (2 * Double(ours)) + 1 / (2 * Double(procReplicates))).squareRoot()
            #expect(abs(test.statistic - d) <= tolerance, "\(c["name"]!)")
            #expect(abs(test.estimate1 - ROCFixture.proc(c, "auc1")!) <= 1e-12)
            #expect(abs(test.estimate2 - ROCFixture.proc(c, "auc2")!) <= 1e-12)
            #expect(test.pValue == Distributions.normalTwoSidedP(test.statistic))
            maxDiff = max(maxDiff, abs(test.statistic - d))
        }
        reportComparison("bootstrap roc.test D (abs)", tool: ROCFixture.pROC, maxRelDiff: maxDiff)
    }

    @Test("multiclass macro/micro CI and paired macro test agree with a scikit-learn 1.9.1 Monte Carlo run within MC error")
    func multiclassAgreesWithSklearnMonteCarlo() throws {
        let reference = ROCFixture.section("multiclass_bootstrap")
        let (labels, scores1, scores2) = try wine93(reference)
        let theirs = reference["replicates"] as! Int, ours = 20000
        let options = BootstrapOptions(replicates: ours, seed: 29)
        let interval = try #require(
            try BootstrapAUC.multiclassInterval(
                labels: labels, scores: scores1, classCount: 3, options: options
            ).value)
        var maxDiff = 0.0
        for (ci, key) in [(interval.macro, "macro"), (interval.micro, "micro")] {
            let expected = reference["\(key)_quantiles"] as! [Double]
            for (p, (actual, wanted)) in zip(Self.probabilities, zip([ci.lower, ci.median, ci.upper], expected)) {
                #expect(abs(actual - wanted) <= Self.quantileTolerance(p: p, sd: ci.standardDeviation, ours, theirs), "\(key) \(p)")
                maxDiff = max(maxDiff, abs(actual - wanted))
            }
        }
        let test = try #require(
            try BootstrapAUC.pairedMacroTest(
                labels: labels, scores1: scores1, scores2: scores2, classCount: 3, options: options
            ).value)
        let d = reference["D"] as! Double
        #expect(abs(test.difference - (reference["difference"] as! Double)) <= 1e-12)
        #expect(abs(test.statistic - d) <= 4 * abs(d) * (1 / (2 * Double(ours)) + 1 / (2 * Double(theirs))).squareRoot())
        let differenceQuantiles = reference["difference_quantiles"] as! [Double]
        for (p, (actual, wanted)) in zip([0.025, 0.975], zip([test.lower, test.upper], [differenceQuantiles[0], differenceQuantiles[2]])) {
            #expect(abs(actual - wanted) <= Self.quantileTolerance(p: p, sd: test.standardDeviation, ours, theirs))
            maxDiff = max(maxDiff, abs(actual - wanted))
        }
        reportComparison("multiclass bootstrap quantiles (abs)", tool: "\(ROCFixture.sklearn) Monte Carlo", maxRelDiff: maxDiff)
        reportComparison(
            "paired macro-AUC test D (abs)", tool: "\(ROCFixture.sklearn) Monte Carlo",
            maxRelDiff: abs(test.statistic - d))
    }

    @Test func sameSeedGivesIdenticalResultsAndAnotherSeedDoesNot() throws {
        let (labels, scores1, scores2) = try wine93(ROCFixture.section("multiclass_bootstrap"))
        let run = { (seed: UInt64) in
            try BootstrapAUC.pairedMacroTest(
                labels: labels, scores1: scores1, scores2: scores2, classCount: 3,
                options: .init(replicates: 500, seed: seed))
        }
        #expect(try run(5) == run(5))
        #expect(try run(5) != run(6))
        let interval = { (seed: UInt64) in
            try BootstrapAUC.multiclassInterval(
                labels: labels, scores: scores1, classCount: 3,
                options: .init(replicates: 500, seed: seed))
        }
        #expect(try interval(9) == interval(9))
    }

    @Test("the observed estimates are the AUCs of MulticlassAUC (scikit-learn) and DeLong (pROC)")
    func estimatesMatchThePointStatistics() throws {
        let (labels, scores1, _) = try wine93(ROCFixture.section("multiclass_bootstrap"))
        let point = try MulticlassAUC.compute(labels: labels, scores: scores1, classCount: 3)
        let interval = try #require(
            try BootstrapAUC.multiclassInterval(
                labels: labels, scores: scores1, classCount: 3, options: .init(replicates: 50)
            ).value)
        #expect(abs(interval.macro.estimate - point.macro!) <= 1e-12)
        #expect(abs(interval.micro.estimate - point.micro.value!) <= 1e-12)
        #expect(interval.macro.lower <= interval.macro.median && interval.macro.median <= interval.macro.upper)
    }

    @Test func undefinedClassesAreLeftOutAndTooFewClassesAreUndefined() throws {
        let scores: [[Double]] = [[0.6, 0.3, 0.1], [0.5, 0.4, 0.1], [0.2, 0.7, 0.1], [0.3, 0.5, 0.2]]
        let interval = try #require(
            try BootstrapAUC.multiclassInterval(
                labels: [0, 0, 1, 1], scores: scores, classCount: 3, options: .init(replicates: 100)
            ).value)
        #expect(interval.undefinedClasses == [2])
        #expect(interval.macro.estimate == 1)
        let single = try BootstrapAUC.multiclassInterval(labels: [1, 1, 1, 1], scores: scores, classCount: 3)
        #expect(single.undefinedReason != nil)
        let binary = try BootstrapAUC.confidenceInterval(scores: [0.1, 0.2], isCase: [false, false])
        #expect(binary.undefinedReason?.contains("0 case(s)") == true)
        #expect(throws: StatsError.self) {
            try BootstrapAUC.confidenceInterval(scores: [0.1, 0.2], isCase: [true, false], options: .init(replicates: 1))
        }
    }

    private func wine93(_ reference: [String: Any]) throws -> ([Int], [[Double]], [[Double]]) {
        let cases = ROCFixture.cases("multiclass")
        let first = try #require(cases.first { $0["name"] as? String == reference["model1"] as? String })
        let second = try #require(cases.first { $0["name"] as? String == reference["model2"] as? String })
        return (first["labels"] as! [Int], first["scores"] as! [[Double]], second["scores"] as! [[Double]])
    }
}
