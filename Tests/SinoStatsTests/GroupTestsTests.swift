import Foundation
import SinoStats
import TestSupport
import Testing

/// SinoStats' group tests against scipy 1.17.1, statsmodels 0.15.0 and numpy 2.4.6 on
/// iris, wine, anes96, fair, star98 and small edge cases (Tests/Fixtures/group_tests.json).
/// Every statistic and p-value must agree within 1e-9 relative.
@Suite("Group tests vs scipy/statsmodels")
struct GroupTestsTests {
    let fixture: GroupTestsFixture

    init() throws { fixture = try GroupTestsFixture() }

    /// The versions named in the test titles are the ones that wrote the fixture.
    @Test("fixture was written by scipy 1.17.1, statsmodels 0.15.0, numpy 2.4.6")
    func fixtureVersions() {
        #expect(fixture.version("scipy") == "1.17.1")
        #expect(fixture.version("statsmodels") == "0.15.0")
        #expect(fixture.version("numpy") == "2.4.6")
        #expect(fixture.records("groupCases").count >= 20)
    }

    @Test("descriptives and type 7 quantiles match numpy 2.4.6")
    func descriptives() throws {
        var agreement = Agreement()
        let probabilities = numbers(fixture.root["quantileProbabilities"])
        for (name, sample, expected) in describedGroups() {
            let summary = try Descriptives(sample)
            #expect(summary.count == Int(number(expected, "n")))
            agreement.check(summary.mean, number(expected, "mean"), "\(name) mean")
            agreement.check(summary.variance ?? .nan, number(expected, "variance"), "\(name) variance")
            agreement.check(summary.standardDeviation ?? .nan, number(expected, "sd"), "\(name) sd")
            agreement.check(summary.median, number(expected, "median"), "\(name) median")
            agreement.check(summary.minimum, number(expected, "min"), "\(name) min")
            agreement.check(summary.maximum, number(expected, "max"), "\(name) max")
            let type7 = try Descriptives.quantiles(sample, probabilities, method: .type7)
            for (q, e) in zip(type7, numbers(expected["quantileType7"])) {
                agreement.check(q, e, "\(name) type 7 quantile")
            }
        }
        agreement.report("mean, variance, sd, median, min, max, type 7 quantiles", tool: "numpy 2.4.6")
    }

    @Test("type 2 quantiles match numpy 2.4.6 averaged_inverted_cdf and R quantile(type = 2)")
    func type2Quantiles() throws {
        #expect(fixture.versions.keys.contains { $0.hasPrefix("R ") }, "fixture lacks the R cross-check")
        var agreement = Agreement()
        let probabilities = numbers(fixture.root["quantileProbabilities"])
        for (name, sample, expected) in describedGroups() {
            let type2 = try Descriptives.quantiles(sample, probabilities, method: .type2)
            for (q, e) in zip(type2, numbers(expected["quantileType2"])) {
                agreement.check(q, e, "\(name) type 2 quantile")
            }
        }
        agreement.report("type 2 quantiles", tool: "numpy 2.4.6 averaged_inverted_cdf / R")
    }

    @Test("one-way ANOVA matches scipy 1.17.1 f_oneway on iris, wine, anes96, fair, star98")
    func oneWayANOVA() throws {
        var agreement = Agreement()
        for (name, data, expected) in groupCases("anova") {
            let result = try OneWayANOVA.test(data)
            agreement.check(result.statistic, number(expected, "F"), "\(name) F")
            agreement.check(result.pValue, number(expected, "pValue"), "\(name) p")
            agreement.check(result.etaSquared, number(expected, "etaSquared"), "\(name) eta^2")
            #expect(result.dfBetween == Int(number(expected, "dfBetween")))
            #expect(result.dfWithin == Int(number(expected, "dfWithin")))
        }
        agreement.report("one-way ANOVA F, p, eta^2", tool: "scipy 1.17.1 f_oneway")
    }

    @Test("Welch ANOVA matches statsmodels 0.15.0 anova_oneway(use_var=unequal)")
    func welchANOVA() throws {
        var agreement = Agreement()
        for (name, data, expected) in groupCases("welch") {
            let result = try WelchANOVA.test(data)
            agreement.check(result.statistic, number(expected, "F"), "\(name) F")
            agreement.check(result.pValue, number(expected, "pValue"), "\(name) p")
            agreement.check(result.df1, number(expected, "df1"), "\(name) df1")
            agreement.check(result.df2, number(expected, "df2"), "\(name) df2")
        }
        agreement.report("Welch ANOVA F, df, p", tool: "statsmodels 0.15.0 anova_oneway")
    }

    @Test("kruskal matches scipy 1.17.1 on iris, wine and tied ordinal anes96/fair data")
    func kruskalWallis() throws {
        var agreement = Agreement()
        for (name, data, expected) in groupCases("kruskal") {
            let result = try KruskalWallis.test(data)
            agreement.check(result.statistic, number(expected, "H"), "\(name) H")
            agreement.check(result.pValue, number(expected, "pValue"), "\(name) p")
            agreement.check(result.epsilonSquared, number(expected, "epsilonSquared"), "\(name) epsilon^2")
            #expect(result.df == Int(number(expected, "df")))
        }
        agreement.report("Kruskal-Wallis H, p, epsilon^2", tool: "scipy 1.17.1 kruskal")
    }

    @Test("mannwhitneyu matches scipy 1.17.1: exact, asymptotic, ties, one-sided")
    func mannWhitneyU() throws {
        var agreement = Agreement()
        for expected in fixture.records("mannWhitney") {
            let name = "\(expected["name"]!) \(expected["alternative"]!) \(expected["method"]!)"
            let result = try MannWhitneyU.test(
                numbers(expected["x"]), numbers(expected["y"]),
                alternative: try alternative(expected["alternative"]),
                method: try method(expected["method"]),
                continuity: expected["continuity"] as? Bool ?? true)
            agreement.check(result.statistic, number(expected, "U"), "\(name) U")
            agreement.check(result.pValue, number(expected, "pValue"), "\(name) p")
            #expect(result.method == (try method(expected["methodUsed"])), "\(name) method")
        }
        agreement.report("Mann-Whitney U, p", tool: "scipy 1.17.1 mannwhitneyu")
    }

    @Test("shapiro matches scipy 1.17.1 for n = 3 to 5000")
    func shapiroWilk() throws {
        var agreement = Agreement()
        for expected in fixture.records("shapiroWilk") {
            let name = expected["name"] as? String ?? "?"
            let result = try ShapiroWilk.test(numbers(expected["x"]))
            agreement.check(result.statistic, number(expected, "W"), "\(name) W")
            agreement.check(result.pValue, number(expected, "pValue"), "\(name) p")
        }
        agreement.report("Shapiro-Wilk W, p", tool: "scipy 1.17.1 shapiro")
    }

    @Test("Welch and Student t-tests match scipy 1.17.1 ttest_ind")
    func tTests() throws {
        var agreement = Agreement()
        for expected in fixture.records("tTests") {
            let name = expected["name"] as? String ?? "?"
            let x = numbers(expected["x"]), y = numbers(expected["y"])
            let pairs: [(TTest.Result, [String: Any])] = [
                (try TTest.welch(x, y), expected["welch"] as? [String: Any] ?? [:]),
                (try TTest.student(x, y), expected["student"] as? [String: Any] ?? [:])
            ]
            for (result, reference) in pairs {
                agreement.check(result.statistic, number(reference, "t"), "\(name) t")
                agreement.check(result.df, number(reference, "df"), "\(name) df")
                agreement.check(result.pValue, number(reference, "pValue"), "\(name) p")
            }
        }
        agreement.report("t, df, p", tool: "scipy 1.17.1 ttest_ind")
    }

    @Test("p-value adjustment matches statsmodels 0.15.0 multipletests and R p.adjust")
    func pValueAdjustment() throws {
        var agreement = Agreement()
        let reference = fixture.root["pAdjust"] as? [String: Any] ?? [:]
        let p = numbers(reference["p"])
        let methods: [(PValueAdjustment.Method, String)] = [
            (.bonferroni, "bonferroni"), (.holm, "holm"), (.benjaminiHochberg, "fdr_bh")
        ]
        for (method, key) in methods {
            let adjusted = try PValueAdjustment.adjust(p, method: method)
            let expected = numbers(reference[key])
            #expect(adjusted.count == expected.count)
            for (a, e) in zip(adjusted, expected) { agreement.check(a, e, key) }
        }
        agreement.report("bonferroni, holm, fdr_bh", tool: "statsmodels 0.15.0 multipletests")
    }

    @Test("pairwise comparisons match scipy 1.17.1 tests with statsmodels 0.15.0 adjustment")
    func pairwise() throws {
        var agreement = Agreement()
        let tests: [(PairwiseComparisons.Test, String)] = [
            (.mannWhitneyU, "mannWhitney"), (.welchT, "welch"), (.studentT, "student")
        ]
        for expected in fixture.records("pairwise") {
            let adjustment = try adjustmentMethod(expected["adjustment"])
            let names = expected["labels"] as? [String] ?? []
            for (test, key) in tests {
                let rows = try PairwiseComparisons.compare(
                    groups(expected["groups"]), names: names, test: test, adjustment: adjustment)
                let reference = expected[key] as? [[String: Any]] ?? []
                #expect(rows.count == reference.count)
                for (row, ref) in zip(rows, reference) {
                    #expect(row.groupA == ref["groupA"] as? String && row.groupB == ref["groupB"] as? String)
                    agreement.check(row.statistic, number(ref, "statistic"), "\(key) statistic")
                    agreement.check(row.pValue, number(ref, "pValue"), "\(key) p")
                    agreement.check(row.adjustedPValue, number(ref, "adjustedPValue"), "\(key) adjusted p")
                }
            }
        }
        agreement.report("pairwise statistic, p, adjusted p", tool: "scipy 1.17.1 + statsmodels 0.15.0")
    }

    // MARK: Fixture access

    func groupCases(_ key: String) -> [(String, [[Double]], [String: Any])] {
        fixture.records("groupCases").map { record in
            (
                record["name"] as? String ?? "?", groups(record["groups"]),
                record[key] as? [String: Any] ?? [:]
            )
        }
    }

    func describedGroups() -> [(String, [Double], [String: Any])] {
        fixture.records("groupCases").flatMap { record in
            let name = record["name"] as? String ?? "?"
            let descriptives = record["descriptives"] as? [[String: Any]] ?? []
            return zip(groups(record["groups"]), descriptives).enumerated().map { index, pair in
                ("\(name) group \(index + 1)", pair.0, pair.1)
            }
        }
    }

    func alternative(_ value: Any?) throws -> MannWhitneyU.Alternative {
        switch value as? String {
        case "two-sided": return .twoSided
        case "less": return .less
        case "greater": return .greater
        default: throw FixtureError.notAnObject("alternative \(String(describing: value))")
        }
    }

    func method(_ value: Any?) throws -> MannWhitneyU.Method {
        guard let name = value as? String, let method = MannWhitneyU.Method(rawValue: name) else {
            throw FixtureError.notAnObject("method \(String(describing: value))")
        }
        return method
    }

    func adjustmentMethod(_ value: Any?) throws -> PValueAdjustment.Method {
        switch value as? String {
        case "bonferroni": return .bonferroni
        case "holm": return .holm
        case "fdr_bh": return .benjaminiHochberg
        default: throw FixtureError.notAnObject("adjustment \(String(describing: value))")
        }
    }
}
