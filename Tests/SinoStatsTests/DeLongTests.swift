import Foundation
import TestSupport
import Testing

@testable import SinoStats

/// DeLong's CI, variance and paired test against R pROC 1.18 (Tests/Fixtures/roc.json,
/// roc(direction = "<"), ci.auc(method = "delong"), var(roc), roc.test(paired = TRUE)).
struct DeLongTests {
    static let tolerance = 1e-9

    @Test("ci.auc(method=\"delong\") at 95% and 90% and var(roc) match pROC 1.18")
    func confidenceIntervalMatchesPROC() throws {
        var maxDiff = 0.0, checked = 0
        for c in ROCFixture.cases("delong") {
            guard let expectedVariance = ROCFixture.proc(c, "var") else { continue }
            let scores = c["scores"] as! [Double], isCase = ROCFixture.isCase(c)
            let ci95 = try #require(try DeLong.confidenceInterval(scores: scores, isCase: isCase).value)
            let ci90 = try #require(try DeLong.confidenceInterval(scores: scores, isCase: isCase, confidenceLevel: 0.9).value)
            let pairs: [(Double, String)] = [
                (ci95.auc, "auc"), (ci95.lower, "lower"), (ci95.upper, "upper"),
                (ci90.lower, "lower90"), (ci90.upper, "upper90")
            ]
            for (actual, key) in pairs {
                let expected = try #require(ROCFixture.proc(c, key))
                #expect(abs(actual - expected) <= Self.tolerance, "\(c["name"]!) \(key)")
                maxDiff = max(maxDiff, ROCFixture.absoluteDifference(actual, expected))
            }
            #expect(isClose(ci95.variance, expectedVariance, rel: Self.tolerance, abs: 1e-15), "\(c["name"]!) var")
            maxDiff = max(maxDiff, ROCFixture.absoluteDifference(ci95.variance, expectedVariance))
            checked += 1
        }
        #expect(checked >= 12)
        reportComparison("DeLong AUC, CI, var (\(checked) curves, abs)", tool: ROCFixture.pROC, maxRelDiff: maxDiff)
    }

    @Test("roc.test(method=\"delong\", paired=TRUE) z, p, estimate and conf.int match pROC 1.18")
    func pairedTestMatchesPROC() throws {
        var maxDiff = 0.0, maxPRel = 0.0
        let cases = ROCFixture.cases("delong_paired")
        #expect(cases.count >= 6)
        for c in cases {
            let test = try #require(
                try DeLong.pairedTest(
                    scores1: c["scores1"] as! [Double], scores2: c["scores2"] as! [Double],
                    isCase: ROCFixture.isCase(c)
                ).value)
            for (actual, key) in [
                (test.auc1, "auc1"), (test.auc2, "auc2"), (test.z, "z"),
                (test.lower, "lower"), (test.upper, "upper")
            ] {
                let expected = try #require(ROCFixture.proc(c, key))
                #expect(abs(actual - expected) <= Self.tolerance, "\(c["name"]!) \(key)")
                maxDiff = max(maxDiff, ROCFixture.absoluteDifference(actual, expected))
            }
            let p = try #require(ROCFixture.proc(c, "p"))
            #expect(isClose(test.pValue, p, rel: Self.tolerance), "\(c["name"]!) p")
            maxPRel = max(maxPRel, ROCFixture.relativeDifference(test.pValue, p))
        }
        reportComparison("DeLong paired z, estimate, conf.int (abs)", tool: ROCFixture.pROC, maxRelDiff: maxDiff)
        reportComparison("DeLong paired p", tool: ROCFixture.pROC, maxRelDiff: maxPRel)
    }

    @Test("a single case is undefined, where pROC 1.18 gives NA")
    func singleCaseIsUndefinedAsInPROC() throws {
        let c = try #require(ROCFixture.cases("delong").first { $0["name"] as? String == "single case" })
        #expect(ROCFixture.proc(c, "lower") == nil && ROCFixture.proc(c, "var") == nil)
        let outcome = try DeLong.confidenceInterval(scores: c["scores"] as! [Double], isCase: ROCFixture.isCase(c))
        #expect(outcome.value == nil)
        #expect(outcome.undefinedReason?.contains("1 case(s)") == true)
        let paired = try DeLong.pairedTest(
            scores1: [0.9, 0.1, 0.5, 0.3], scores2: [0.2, 0.1, 0.5, 0.3],
            isCase: [true, false, false, false])
        #expect(paired.value == nil)
    }

    @Test func identicalModelsGiveZeroStatistic() throws {
        let scores = [0.1, 0.4, 0.35, 0.8, 0.7, 0.2]
        let isCase = [false, true, false, true, true, false]
        let test = try #require(try DeLong.pairedTest(scores1: scores, scores2: scores, isCase: isCase).value)
        #expect(test.z == 0 && test.pValue == 1 && test.difference == 0)
    }

    @Test func placementsAgreeWithTheDirectDefinition() {
        // psi over every case/control pair, written out: the slow O(m n) definition.
        let cases = [0.8, 0.4, 0.4, 0.9, 0.1], controls = [0.4, 0.2, 0.1, 0.3]
        let fast = DeLongPlacements(cases: cases, controls: controls)
        func psi(_ x: Double, _ y: Double) -> Double { x > y ? 1 : x == y ? 0.5 : 0 }
        let v10 = cases.map { x in controls.map { psi(x, $0) }.reduce(0, +) / Double(controls.count) }
        let v01 = controls.map { y in cases.map { psi($0, y) }.reduce(0, +) / Double(cases.count) }
        #expect(zip(fast.casePlacements, v10).allSatisfy { abs($0 - $1) < 1e-15 })
        #expect(zip(fast.controlPlacements, v01).allSatisfy { abs($0 - $1) < 1e-15 })
    }
}
