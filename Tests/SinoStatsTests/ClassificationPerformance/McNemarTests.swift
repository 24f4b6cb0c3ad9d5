import Foundation
import TestSupport
import Testing

@testable import SinoStats

/// McNemar's test against statsmodels 0.15.0 mcnemar (Tests/Fixtures/metrics.json).
struct McNemarTests {
    /// statsmodels' statistics are reproduced exactly. Its p-values come from scipy 1.17, whose
    /// binom.cdf is within 6.7e-16 of the exact tail for b + c <= 64 but ~1e-13 off beyond, and
    /// whose chi2.sf(x, 1) is up to 2.3e-14 off (both measured against exact / 40-digit values).
    /// SinoStats computes the exact tail exactly and the chi-square tail to ~3e-16, so it is held
    /// to 1e-15 against the high-precision values and to scipy's own error against statsmodels.
    @Test("McNemar matches statsmodels 0.15.0 mcnemar: statistics exactly, p within scipy's own error")
    func mcNemarMatchesStatsmodels() throws {
        var exactP = MaxDifference(), exactPSmall = MaxDifference(), chiSquareP = MaxDifference()
        var highPrecision = MaxDifference()
        for entry in try MetricsFixture.load().mcnemar {
            let exact = try McNemarTest.test(b: entry.b, c: entry.c, method: .exactBinomial)
            #expect(exact.statistic == entry.exact.statisticValue, "\(entry.name)")
            #expect(exact.pValue == entry.exact.highPrecisionP, "\(entry.name): exact tail rounded once")
            if entry.b + entry.c <= 64 {
                exactPSmall.check(exact.pValue, entry.exact.pValue, rel: 1e-15, "\(entry.name) exact p")
            } else {
                exactP.check(exact.pValue, entry.exact.pValue, rel: 2e-13, "\(entry.name) exact p")
            }
            guard entry.b + entry.c > 0 else { continue } // see noDiscordantPairs
            let chiSquares: [(McNemarTest.Method, MetricsFixture.McNemarCase.Result)] = [
                (.chiSquareCorrected, entry.corrected), (.chiSquare, entry.uncorrected)
            ]
            for (method, reference) in chiSquares {
                let result = try McNemarTest.test(b: entry.b, c: entry.c, method: method)
                #expect(result.method == method)
                #expect(result.statistic == reference.statisticValue, "\(entry.name) \(method)")
                chiSquareP.check(result.pValue, reference.pValue, rel: 1e-13, "\(entry.name) \(method) p")
                highPrecision.check(
                    result.pValue, try #require(reference.highPrecisionP), rel: 1e-15,
                    "\(entry.name) \(method) p vs mpmath")
            }
        }
        exactPSmall.report("McNemar exact p, b + c <= 64 (statistic equal)", tool: "statsmodels 0.15.0 mcnemar(exact=True)")
        exactP.report("McNemar exact p, b + c > 64", tool: "statsmodels 0.15.0 mcnemar(exact=True)")
        chiSquareP.report(
            "McNemar chi-square p, corrected and not (statistic equal)",
            tool: "statsmodels 0.15.0 mcnemar(exact=False)")
        highPrecision.report("McNemar chi-square p", tool: "mpmath 1.3.0 erfc, 40 digits")
        reportComparison("McNemar exact p", tool: "exact rational tail (Python Fraction)", maxRelDiff: 0)
    }

    @Test("b and c counted from two sklearn models' predictions equal the fixture's")
    func discordantCountsFromPredictions() throws {
        var counted = 0
        for entry in try MetricsFixture.load().mcnemar {
            guard let labels = entry.labels, let a = entry.predictedA, let b = entry.predictedB else { continue }
            let result = try McNemarTest.test(labels: labels, predictedA: a, predictedB: b, method: .exactBinomial)
            #expect((result.b, result.c) == (entry.b, entry.c), "\(entry.name)")
            counted += 1
        }
        #expect(counted == 6)
    }

    @Test("b + c = 0: exact p = 1 as statsmodels; the chi-square forms, which statsmodels divides by zero, throw")
    func noDiscordantPairs() throws {
        let fixture = try MetricsFixture.load()
        let entry = try #require(fixture.mcnemar.first { $0.b == 0 && $0.c == 0 })
        // What statsmodels 0.15.0 returns: corrected statistic inf with p 0, uncorrected NaN.
        #expect(entry.corrected.statisticValue == .infinity && entry.corrected.pValue == 0)
        #expect(entry.uncorrected.statisticValue.isNaN && entry.uncorrected.pValue.isNaN)
        let exact = try McNemarTest.test(b: 0, c: 0, method: .exactBinomial)
        #expect(exact.statistic == 0 && exact.pValue == 1)
        #expect(throws: StatsError.self) { try McNemarTest.test(b: 0, c: 0, method: .chiSquareCorrected) }
        #expect(throws: StatsError.self) { try McNemarTest.test(b: 0, c: 0, method: .chiSquare) }
    }

    @Test func exactPIsTheBinomialTailByHand() throws {
        // b = 3, c = 0: 2 * (1/2)^3 = 0.25; b = 1, c = 5: 2 * (1 + 6) / 64 = 0.21875.
        #expect(try McNemarTest.test(b: 3, c: 0, method: .exactBinomial).pValue == 0.25)
        #expect(try McNemarTest.test(b: 1, c: 5, method: .exactBinomial).pValue == 0.21875)
        #expect(throws: StatsError.self) { try McNemarTest.test(b: -1, c: 2, method: .exactBinomial) }
    }
}
