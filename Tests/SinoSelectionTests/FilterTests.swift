import Foundation
import TestSupport
import Testing

@testable import SinoSelection

/// The training-cohort filters against sklearn, scipy, statsmodels and caret
/// (scripts/peers/selection_filters.py, scripts/peers/near_zero_var.R).
@Suite("Selection filters (sklearn, scipy, statsmodels, caret)")
struct FilterTests {
    struct Screen: Decodable {
        var p: [Double]
        var q: [Double]
        var kept: [Int]
    }
    struct Redundancy: Decodable {
        var method: String
        var threshold: Double
        var kept: [Int]
        var dropped_by: [Int?]
    }
    struct Scaler: Decodable {
        var mean: [Double]
        var scale: [Double]
        var test_transformed: [[Double]]
    }
    struct Fixture: Decodable {
        var versions: [String: String]
        var train: [[Double]]
        var classes3: [Int]
        var classes2: [Int]
        var test: [[Double]]
        var scaler: Scaler
        var varying: [Int]
        var screens: [String: Screen]
        var spearman_abs: [[Double]]
        var pearson_abs: [[Double]]
        var redundancy: [String: Redundancy]
    }
    struct NearZeroVar: Decodable {
        struct Run: Decodable {
            var freqCut: Double
            var uniqueCut: Double
            var freqRatio: [Double]
            var percentUnique: [Double]
            var zeroVar: [Bool]
            var nzv: [Bool]
        }
        var versions: [String: String]
        var names: [String]
        var columns: [[Double?]]
        var runs: [Run]
    }

    static let fixture = try! Fixtures.decode(Fixture.self, "selection/filters.json")
    static let nzv = try! Fixtures.decode(NearZeroVar.self, "selection/near_zero_var.json")

    @Test("z-scores: StandardScaler's mean_, scale_ (population sd, 1 when constant) and transform")
    func standardiser() throws {
        let scaler = try ZScoreStandardiser(fittingOn: Self.fixture.train)
        var worst = 0.0
        for (a, e) in zip(scaler.means + scaler.scales, Self.fixture.scaler.mean + Self.fixture.scaler.scale) {
            worst = max(worst, abs(a - e) / max(abs(e), 1e-300))
            #expect(isClose(a, e, rel: 1e-12, abs: 1e-15), "\(a) vs sklearn \(e)")
        }
        let z = try scaler.transform(Self.fixture.test)
        for (row, expected) in zip(z, Self.fixture.scaler.test_transformed) {
            for (a, e) in zip(row, expected) {
                worst = max(worst, abs(a - e) / max(abs(e), 1e-300))
                #expect(isClose(a, e, rel: 1e-12, abs: 1e-13), "\(a) vs sklearn \(e)")
            }
        }
        #expect(scaler.decisions[4].reason == .constantScaledByOne)
        #expect(scaler.decisions.filter { $0.reason == .constantScaledByOne }.count == 1)
        print(
            "[compare] ZScoreStandardiser: mean_, scale_, transform of 20 rows, max rel diff "
                + String(format: "%.2g", worst) + " (scikit-learn \(Self.fixture.versions["scikit-learn"]!))")
    }

    @Test("variance filter: caret nearZeroVar metrics and verdicts (two cut-off settings)")
    func varianceFilter() throws {
        let columns = Self.nzv.columns.map { $0.map { $0 ?? .nan } }
        let rows = (0..<columns[0].count).map { i in columns.map { $0[i] } }
        var worst = 0.0
        for run in Self.nzv.runs {
            let filter = try VarianceFilter(fittingOn: rows, freqCut: run.freqCut, uniqueCut: run.uniqueCut)
            for (j, m) in filter.metrics.enumerated() {
                worst = max(worst, abs(m.freqRatio - run.freqRatio[j]) / max(run.freqRatio[j], 1))
                #expect(isClose(m.freqRatio, run.freqRatio[j], rel: 1e-13), "\(Self.nzv.names[j]) freqRatio")
                #expect(isClose(m.percentUnique, run.percentUnique[j], rel: 1e-13), "\(Self.nzv.names[j]) percentUnique")
                #expect(m.zeroVariance == run.zeroVar[j], "\(Self.nzv.names[j]) zeroVar")
                #expect(m.nearZeroVariance == run.nzv[j], "\(Self.nzv.names[j]) nzv")
                #expect(filter.decisions[j].kept == !run.nzv[j])
            }
        }
        print(
            "[compare] VarianceFilter: \(Self.nzv.names.count) columns x \(Self.nzv.runs.count) settings, verdicts equal, "
                + "freqRatio max rel diff " + String(format: "%.2g", worst) + " (caret \(Self.nzv.versions["caret"]!))")
    }

    @Test("univariate screens: p per feature, BH q and the kept set")
    func screens() throws {
        let varying = Self.fixture.varying
        let rows = Self.fixture.train
        var worst = 0.0
        let tests: [(String, UnivariateScreen.Test, [Int])] = [
            ("kruskal", .kruskalWallis, Self.fixture.classes3), ("anova", .anova, Self.fixture.classes3),
            ("mannwhitney", .mannWhitney, Self.fixture.classes2), ("welch", .welch, Self.fixture.classes2),
            ("student", .student, Self.fixture.classes2)
        ]
        for (name, test, classes) in tests {
            let expected = try #require(Self.fixture.screens[name])
            let screen = try UnivariateScreen(rows: rows, classes: classes, test: test)
            // The constant column is not tested.
            #expect(screen.decisions[4].reason == .constant)
            for (i, j) in varying.enumerated() {
                for (a, e) in [(screen.pValues[j], expected.p[i]), (screen.qValues[j], expected.q[i])] {
                    worst = max(worst, abs(a - e) / max(abs(e), 1e-300))
                    #expect(isClose(a, e, rel: 1e-9, abs: 1e-300), "\(name) column \(j): \(a) vs \(e)")
                }
            }
            #expect(screen.kept == expected.kept, "\(name): kept \(screen.kept) vs \(expected.kept)")
        }
        print(
            "[compare] UnivariateScreen: 5 tests x \(varying.count) features, p and BH q max rel diff "
                + String(format: "%.2g", worst) + " (scipy \(Self.fixture.versions["scipy"]!), statsmodels "
                + "\(Self.fixture.versions["statsmodels"]!))")
    }

    @Test("redundancy filter: |r| matrices and the pairwise rule (Spearman, Pearson; 0.8, 0.6)")
    func redundancy() throws {
        let varying = Self.fixture.varying
        let rows = Self.fixture.train.map { row in varying.map { row[$0] } }
        let relevance = try #require(Self.fixture.screens["kruskal"]).p
        var worst = 0.0
        for (_, expected) in Self.fixture.redundancy.sorted(by: { $0.key < $1.key }) {
            let method = try #require(RedundancyFilter.Method(rawValue: expected.method))
            let filter = try RedundancyFilter(
                rows: rows, relevance: relevance, direction: .lowerIsBetter, method: method,
                threshold: expected.threshold)
            let matrix = method == .spearman ? Self.fixture.spearman_abs : Self.fixture.pearson_abs
            for (a, e) in zip(filter.absoluteCorrelations.joined(), matrix.joined()) {
                worst = max(worst, abs(a - e))
                #expect(abs(a - e) <= 1e-12)
            }
            #expect(filter.kept == expected.kept, "\(expected.method) \(expected.threshold)")
            #expect(filter.decisions.map(\.partner) == expected.dropped_by, "\(expected.method) \(expected.threshold)")
        }
        // Higher-is-better relevance is the mirror image.
        let mirrored = try RedundancyFilter(
            rows: rows, relevance: relevance.map { -$0 }, direction: .higherIsBetter, threshold: 0.6)
        #expect(mirrored.kept == Self.fixture.redundancy["spearman 0.6"]?.kept)
        print(
            "[compare] RedundancyFilter: Spearman and Pearson |r| (\(varying.count) x \(varying.count)) max abs diff "
                + String(format: "%.2g", worst) + ", kept sets equal at 0.8 and 0.6 (scipy \(Self.fixture.versions["scipy"]!))")
    }

    @Test("bad input: ragged, NaN, constant column, wrong class counts")
    func badInput() {
        #expect(thrownMessage { _ = try ZScoreStandardiser(fittingOn: [[1, 2], [3]]) }.contains("ragged"))
        #expect(thrownMessage { _ = try ZScoreStandardiser(fittingOn: [[1], [.nan]]) }.contains("finite"))
        #expect(thrownMessage { _ = try ZScoreStandardiser(fittingOn: [[1], [2]]).transform([[1, 2]]) }.contains("fitted on 1"))
        #expect(thrownMessage { _ = try VarianceFilter(fittingOn: []) }.contains("at least 1 rows"))
        #expect(
            thrownMessage { _ = try UnivariateScreen(rows: [[1], [2], [3]], classes: [0, 1, 2], test: .welch) }
                .contains("compares 2 classes"))
        #expect(thrownMessage { _ = try UnivariateScreen(rows: [[1], [2]], classes: [0, 0], test: .anova) }.contains("single class"))
        #expect(thrownMessage { _ = try UnivariateScreen(rows: [[1], [2]], classes: [0], test: .anova) }.contains("one class per row"))
        #expect(
            thrownMessage {
                _ = try RedundancyFilter(rows: [[1, 5], [2, 5], [3, 5]], relevance: [0.1, 0.2], direction: .lowerIsBetter)
            }.contains("column 1 is constant"))
        #expect(
            thrownMessage { _ = try RedundancyFilter(rows: [[1], [2], [3]], relevance: [], direction: .lowerIsBetter) }
                .contains("0 relevance values"))
    }
}
