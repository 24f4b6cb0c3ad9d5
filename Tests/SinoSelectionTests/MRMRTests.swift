import Foundation
import TestSupport
import Testing

@testable import SinoSelection

/// PyMRMR against pymrmr 0.1.11 and MRMRSelection against mrmr_selection 0.2.8
/// (scripts/peers/icc_mrmr.py).
@Suite("mRMR (pymrmr, mrmr_selection)")
struct MRMRTests {
    struct PyRun: Decodable {
        var method: String
        var k: Int
        var selected: [Int]
        var printed_scores: [Double]
    }
    struct PyCase: Decodable {
        var name: String
        var classes: [Double]
        var features: [[Double]]
        var runs: [PyRun]
    }
    struct Discretised: Decodable {
        struct ByK: Decodable {
            var discretised: [[Int]]
            var runs: [PyRun]
        }
        var classes: [Double]
        var continuous: [[Double]]
        var by_k: [String: ByK]
    }
    struct SelRun: Decodable {
        var denominator: String
        var k: Int
        var selected: [Int]
        var scores: [Double]
    }
    struct SelCase: Decodable {
        var name: String
        var features: [[Double?]]
        var classes: [Int]
        var relevance: [Double]
        var runs: [SelRun]
    }
    struct Fixture: Decodable {
        var versions: [String: String]
        var pymrmr: [PyCase]
        var pymrmr_discretised: Discretised
        var mrmr_selection: [SelCase]
    }

    static let fixture = try! Fixtures.decode(Fixture.self, "selection/mrmr.json")

    /// Checks one pymrmr run; pymrmr pads a K beyond the pool with the class column (-1 here),
    /// SinoRad clips. Printed scores have 3 decimals.
    static func check(_ run: PyRun, classes: [Double], features: [[Double]], name: String) throws -> Double {
        let method = try #require(PyMRMR.Method(rawValue: run.method))
        let result = try PyMRMR.select(classes: classes, features: features, method: method, count: run.k)
        let expected = run.selected.filter { $0 >= 0 }
        #expect(result.selected == expected, "\(name) \(run.method) K=\(run.k): \(result.selected) vs pymrmr \(expected)")
        var worst = 0.0
        for (a, e) in zip(result.scores, run.printed_scores) {
            worst = max(worst, abs(a - e))
            #expect(abs(a - e) <= 0.0005 + 1e-9, "\(name) \(run.method): score \(a) vs printed \(e)")
        }
        #expect(result.scores.count == run.printed_scores.count)
        return worst
    }

    @Test("pymrmr: MID and MIQ orders on 3-state data with ties, continuous data truncated, K > p")
    func pymrmr() throws {
        var runs = 0
        var worst = 0.0
        for case_ in Self.fixture.pymrmr {
            for run in case_.runs {
                worst = max(worst, try Self.check(run, classes: case_.classes, features: case_.features, name: case_.name))
                runs += 1
            }
        }
        print(
            "[compare] pymrmr: \(runs) runs (MID, MIQ; ties, truncation, K > p) identical orders, printed scores within "
                + String(format: "%.2g", worst) + " (pymrmr \(Self.fixture.versions["pymrmr"]!), 3 printed decimals)")
    }

    @Test("pymrmr on SinoRad's discretisation (mean +- k sample sd)")
    func discretised() throws {
        let d = Self.fixture.pymrmr_discretised
        var runs = 0
        for (key, value) in d.by_k.sorted(by: { $0.key < $1.key }) {
            let k = try #require(Double(key))
            let states = try PyMRMR.discretise(d.continuous, k: k)
            #expect(states == value.discretised, "discretisation at k = \(key)")
            for run in value.runs {
                _ = try Self.check(run, classes: d.classes, features: states.map { $0.map(Double.init) }, name: "k=\(key)")
                runs += 1
            }
        }
        print("[compare] pymrmr discretised (k = 0.5, 1): states equal to numpy's, \(runs) runs identical orders")
    }

    @Test("sort2 leaves equal keys as Numerical Recipes does (not stable)")
    func sort2() {
        var keys: [Float] = [0] + [Float](repeating: -0.5, count: 12)
        var index = Array(0...12)
        NumericalRecipesSort2.sort2(12, &keys, &index)
        // pymrmr's pick on 12 equally relevant features: f7, f5, f10 first (fixture case 2).
        #expect(Array(index[1...3]) == [8, 6, 11])
        var random: [Float] = [0] + (0..<200).map { Float(($0 * 7919) % 37) }
        var positions = Array(0...200)
        NumericalRecipesSort2.sort2(200, &random, &positions)
        #expect(Array(random[1...]) == Array(random[1...]).sorted())
    }

    @Test("mrmr_classif: F relevance, orders (mean and max, K 5, 10 and clipped 20) and scores")
    func mrmrSelection() throws {
        var worstScore = 0.0, worstF = 0.0
        var runs = 0
        for case_ in Self.fixture.mrmr_selection {
            let features = case_.features.map { $0.map { $0 ?? .nan } }
            for run in case_.runs {
                let denominator = try #require(MRMRSelection.Denominator(rawValue: run.denominator))
                let result = try MRMRSelection.select(
                    features: features, classes: case_.classes, count: run.k, denominator: denominator)
                #expect(
                    result.selected == run.selected,
                    "\(case_.name) \(run.denominator) K=\(run.k): \(result.selected) vs \(run.selected)")
                for (a, e) in zip(result.scores, run.scores) {
                    worstScore = max(worstScore, abs(a - e) / max(abs(e), 1e-300))
                    #expect(isClose(a, e, rel: 1e-9), "\(case_.name): score \(a) vs \(e)")
                }
                for (a, e) in zip(result.relevance, case_.relevance) {
                    worstF = max(worstF, abs(a - e) / max(abs(e), 1e-300))
                    #expect(isClose(a, e, rel: 1e-9, abs: 1e-12), "\(case_.name): F \(a) vs \(e)")
                }
                runs += 1
            }
        }
        print(
            "[compare] mrmr_selection: \(runs) runs (3-class and binary, NaNs, constant column, copied columns) identical orders, "
                + "max rel diff F " + String(format: "%.2g", worstF) + ", scores " + String(format: "%.2g", worstScore)
                + " (mrmr_selection \(Self.fixture.versions["mrmr_selection"]!))")
    }

    @Test("names through the wrappers")
    func names() throws {
        let case_ = Self.fixture.pymrmr[0]
        let names = (0..<case_.features[0].count).map { "f\($0)" }
        let py = try PyMRMR.select(
            classes: case_.classes, features: case_.features, names: names, method: .mid, count: 3)
        #expect(py.names == py.result.selected.map { "f\($0)" })
        let sel = Self.fixture.mrmr_selection[0]
        let features = sel.features.map { $0.map { $0 ?? .nan } }
        let named = try MRMRSelection.select(
            features: features, names: (0..<features[0].count).map { "x\($0)" }, classes: sel.classes, count: 2)
        #expect(named.names == named.result.selected.map { "x\($0)" })
    }

    @Test("bad input: ragged, NaN for pymrmr, wrong class count, K < 1, names")
    func badInput() {
        #expect(thrownMessage { _ = try PyMRMR.select(classes: [0, 1], features: [[1, 2], [1]], method: .mid, count: 1) }.contains("ragged"))
        #expect(thrownMessage { _ = try PyMRMR.select(classes: [0, 1], features: [[1], [.nan]], method: .mid, count: 1) }.contains("finite"))
        #expect(thrownMessage { _ = try PyMRMR.select(classes: [0], features: [[1], [2]], method: .mid, count: 1) }.contains("one class per row"))
        #expect(thrownMessage { _ = try PyMRMR.select(classes: [0, 1], features: [[1], [2]], method: .mid, count: 0) }.contains("at least 1"))
        #expect(thrownMessage { _ = try PyMRMR.select(classes: [0, 1], features: [[1], [3e9]], method: .miq, count: 1) }.contains("C int"))
        #expect(thrownMessage { _ = try PyMRMR.discretise([[1]]) }.contains("at least 2 rows"))
        #expect(thrownMessage { _ = try MRMRSelection.select(features: [[1, 2], [3]], classes: [0, 1], count: 1) }.contains("ragged"))
        #expect(thrownMessage { _ = try MRMRSelection.select(features: [[1], [.infinity]], classes: [0, 1], count: 1) }.contains("NaN"))
        #expect(thrownMessage { _ = try MRMRSelection.select(features: [[1], [2]], classes: [0], count: 1) }.contains("one class per row"))
        #expect(
            thrownMessage {
                _ = try MRMRSelection.select(features: [[1], [2]], names: ["a", "b"], classes: [0, 1], count: 1)
            }.contains("2 names for 1"))
        // Only constant columns: no candidate, an empty selection (mrmr_classif returns []).
        let none = try? MRMRSelection.select(features: [[1, 2], [1, 2], [1, 2]], classes: [0, 1, 1], count: 3)
        #expect(none?.selected == [])
    }
}
