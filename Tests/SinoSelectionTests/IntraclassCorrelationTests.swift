import Foundation
import TestSupport
import Testing

@testable import SinoSelection

/// IntraclassCorrelation against pingouin 0.7.0 `intraclass_corr` with the CI unrounded
/// (scripts/peers/icc_mrmr.py).
@Suite("Intraclass correlation (pingouin)")
struct IntraclassCorrelationTests {
    struct Row: Decodable {
        var type: String
        var icc: Double
        var f: Double
        var df1: Int
        var df2: Int
        var p: Double
        var ci95: [Double]
    }
    struct Table: Decodable {
        var name: String
        var ratings: [[Double]]
        var expected: [Row]
    }
    struct Long: Decodable {
        var targets: [String]
        var raters: [String]
        var ratings: [Double]
        var pivot_omit: [[Double]]
        var pivot_targets: [String]
        var pivot_raters: [String]
        var expected_omit: [Row]
        var raise_message: String?
    }
    struct Stable: Decodable {
        var first: [[Double]]
        var second: [[Double]]
        var icc: [String: [Double]]
        var threshold: Double
        var kept_icc3: [Int]
    }
    struct Fixture: Decodable {
        var versions: [String: String]
        var tables: [Table]
        var long: Long
        var stable: Stable
    }

    static let fixture = try! Fixtures.decode(Fixture.self, "selection/icc.json")

    /// Checks ICC, F, p and the CI ends within 1e-9 (absolute) and df for equality; returns the
    /// largest relative difference.
    static func maxDifference(_ result: IntraclassCorrelation.Result, _ expected: [Row], _ what: String) -> Double {
        var worst = 0.0
        #expect(result.estimates.count == expected.count, "\(what): 6 forms")
        for (estimate, row) in zip(result.estimates, expected) {
            #expect(estimate.form.pingouinName == row.type, "\(what): form order")
            #expect(estimate.df1 == row.df1 && estimate.df2 == row.df2, "\(what) \(row.type): df")
            for (a, e) in [
                (estimate.value, row.icc), (estimate.f, row.f), (estimate.pValue, row.p),
                (estimate.lower, row.ci95[0]), (estimate.upper, row.ci95[1])
            ] {
                worst = max(worst, abs(a - e) / max(abs(e), 1e-300))
                #expect(abs(a - e) <= 1e-9, "\(what) \(row.type): \(a) vs pingouin \(e)")
            }
        }
        return worst
    }

    @Test("six forms, F, p and unrounded CI on n x k tables (k = 2, 3, 4)")
    func tables() throws {
        var worst = 0.0
        for table in Self.fixture.tables {
            let result = try IntraclassCorrelation.compute(table.ratings)
            worst = max(worst, Self.maxDifference(result, table.expected, table.name))
        }
        print(
            "[compare] ICC: 6 forms x \(Self.fixture.tables.count) tables (ICC, F, p, 95% CI), max rel diff "
                + String(format: "%.2g", worst) + " (pingouin \(Self.fixture.versions["pingouin"]!))")
    }

    @Test("long data: pivot_table means duplicates, nan_policy omit drops a target, raise refuses")
    func longData() throws {
        let long = Self.fixture.long
        let table = try IntraclassCorrelation.pivot(
            targets: long.targets, raters: long.raters, ratings: long.ratings, nanPolicy: .omit)
        #expect(table.targets == long.pivot_targets)
        #expect(table.raters == long.pivot_raters)
        for (row, expected) in zip(table.ratings, long.pivot_omit) {
            for (a, e) in zip(row, expected) { #expect(abs(a - e) <= 1e-12) }
        }
        let result = try IntraclassCorrelation.compute(
            targets: long.targets, raters: long.raters, ratings: long.ratings, nanPolicy: .omit)
        let worst = Self.maxDifference(result, long.expected_omit, "long data")
        #expect(long.raise_message != nil)
        #expect(throws: SelectionError.self) {
            try IntraclassCorrelation.compute(targets: long.targets, raters: long.raters, ratings: long.ratings)
        }
        do {
            _ = try IntraclassCorrelation.compute(targets: long.targets, raters: long.raters, ratings: long.ratings)
        } catch {
            #expect("\(error)".contains("nan_policy='omit'"), "\(error)")
        }
        // A target whose only rating is NaN is not in pandas' pivot at all, so "raise" passes
        // (pingouin: ICC(1,1) 0.6667 on these data).
        let unrated = try IntraclassCorrelation.compute(
            targets: ["a", "a", "b", "b", "c", "c", "z"], raters: ["1", "2", "1", "2", "1", "2", "1"],
            ratings: [1, 2, 3, 5, 4, 4, .nan])
        #expect(unrated.targets == 3)
        #expect(abs(unrated[.icc1].value - 2.0 / 3.0) < 1e-12)
        print("[compare] ICC long data (duplicates averaged, omit): max rel diff " + String(format: "%.2g", worst))
    }

    @Test("stable features: ICC per feature between two segmentations, kept at ICC(C,1) >= 0.75")
    func stableFeatures() throws {
        let stable = Self.fixture.stable
        var worst = 0.0
        for (name, values) in stable.icc {
            let form = try #require(IntraclassCorrelation.Form(name: name))
            let result = try IntraclassCorrelation.stableFeatures(
                first: stable.first, second: stable.second, form: form, threshold: stable.threshold)
            for (a, e) in zip(result.icc, values) {
                worst = max(worst, abs(a - e))
                #expect(abs(a - e) <= 1e-9, "\(name): \(a) vs \(e)")
            }
        }
        let defaults = try IntraclassCorrelation.stableFeatures(first: stable.first, second: stable.second)
        #expect(defaults.form == .icc3 && defaults.threshold == 0.75)
        #expect(defaults.kept == stable.kept_icc3)
        print(
            "[compare] ICC stable features: \(stable.first[0].count) features x 3 forms, kept \(defaults.kept), "
                + "max abs diff " + String(format: "%.2g", worst))
    }

    @Test("names: pingouin 0.7.0 and 0.5 spellings")
    func names() {
        #expect(
            IntraclassCorrelation.Form.allCases.map(\.pingouinName) == [
                "ICC(1,1)", "ICC(A,1)", "ICC(C,1)", "ICC(1,k)", "ICC(A,k)", "ICC(C,k)"
            ])
        #expect(IntraclassCorrelation.Form(name: "ICC3k") == .icc3k)
        #expect(IntraclassCorrelation.Form(name: "ICC(A,1)") == .icc2)
        #expect(IntraclassCorrelation.Form.icc2.summary == "Single random raters")
    }

    @Test("bad input: ragged, NaN, one target, one rater, no variance, shapes differ")
    func badInput() {
        #expect(thrownMessage { _ = try IntraclassCorrelation.compute([[1, 2], [3]]) }.contains("ragged"))
        #expect(thrownMessage { _ = try IntraclassCorrelation.compute([[1, 2], [3, .nan]]) }.contains("finite"))
        #expect(thrownMessage { _ = try IntraclassCorrelation.compute([[1, 2]]) }.contains("at least 2 targets"))
        #expect(thrownMessage { _ = try IntraclassCorrelation.compute([[1], [2], [3]]) }.contains("at least 2 raters"))
        #expect(thrownMessage { _ = try IntraclassCorrelation.compute([[1, 1], [1, 1]]) }.contains("every rating is equal"))
        #expect(
            thrownMessage {
                _ = try IntraclassCorrelation.stableFeatures(first: [[1, 2], [3, 4]], second: [[1], [2]])
            }.contains("differ in shape"))
        #expect(
            thrownMessage {
                _ = try IntraclassCorrelation.pivot(targets: ["a"], raters: ["r", "s"], ratings: [1])
            }.contains("one of each per rating"))
        // A feature constant in both segmentations: ICC undefined, reported as NaN, not kept.
        let result = try? IntraclassCorrelation.stableFeatures(
            first: [[1, 5], [2, 5], [3, 5]], second: [[1.1, 5], [2.2, 5], [2.9, 5]])
        #expect(result?.icc[1].isNaN == true)
        #expect(result?.kept == [0])
    }
}
