import Foundation
import SinoData
import TestSupport
import Testing

@testable import SinoForest

/// ROC AUC of `scores` for positives `positive` via the Mann-Whitney U statistic with midranks
/// (equal to sklearn's roc_auc_score trapezoidal AUC, ties counted 1/2).
func mannWhitneyAUC(scores: [Double], positive: [Bool]) -> Double {
    let order = scores.indices.sorted { scores[$0] < scores[$1] }
    var ranks = [Double](repeating: 0, count: scores.count)
    var i = 0
    while i < order.count {
        var j = i
        while j + 1 < order.count && scores[order[j + 1]] == scores[order[i]] { j += 1 }
        for k in i...j { ranks[order[k]] = Double(i + j) / 2 + 1 }
        i = j + 1
    }
    let n1 = Double(positive.filter { $0 }.count), n0 = Double(positive.count) - n1
    let rankSum = zip(ranks, positive).filter { $0.1 }.map(\.0).reduce(0, +)
    return (rankSum - n1 * (n1 + 1) / 2) / (n1 * n0)
}

/// sklearn roc_auc_score: binary AUC of class 1 for two classes, else one-vs-rest macro mean.
func macroAUC(y: [Int], probabilities: [[Double]], classCount: Int) -> Double {
    if classCount == 2 { return mannWhitneyAUC(scores: probabilities.map { $0[1] }, positive: y.map { $0 == 1 }) }
    let perClass = (0..<classCount).map { k in
        mannWhitneyAUC(scores: probabilities.map { $0[k] }, positive: y.map { $0 == k })
    }
    return perClass.reduce(0, +) / Double(classCount)
}

private struct ParityFixture: Decodable {
    struct Dataset: Decodable {
        let name: String
        let classCount: Int
        let x: [[Double]]
        let y: [Int]
        let testRows: [[Int]]
        let extraTreesAUC: [Double]
        let randomForestAUC: [Double]
        let shallowExtraTreesAUC: [Double]
    }
    let nEstimators: Int
    let shallowNEstimators: Int
    let versions: [String: String]
    let datasets: [Dataset]
}

@Suite("Statistical parity with scikit-learn (Tests/Fixtures/extratrees.json)")
struct ScikitLearnParityTests {
    private static let fixture = Result { try Fixtures.decode(ParityFixture.self, "extratrees.json") }

    /// Mean test AUC over the fixture's splits of models made by `make(seed)`.
    private static func meanAUC(_ data: ParityFixture.Dataset, make: (UInt64) -> any Classifier) throws -> Double {
        var total = 0.0
        for (seed, test) in data.testRows.enumerated() {
            let isTest = Set(test)
            let train = data.y.indices.filter { !isTest.contains($0) }
            var model = make(UInt64(seed))
            try model.fit(x: train.map { data.x[$0] }, y: train.map { data.y[$0] }, classCount: data.classCount)
            let probabilities = try model.predictProbabilities(x: test.map { data.x[$0] })
            total += macroAUC(y: test.map { data.y[$0] }, probabilities: probabilities, classCount: data.classCount)
        }
        return total / Double(data.testRows.count)
    }

    private static func compare(_ what: String, swift: Double, sklearn: [Double], versions: [String: String]) {
        let reference = sklearn.reduce(0, +) / Double(sklearn.count)
        print(
            "[compare] \(what) mean test AUC: SinoForest \(String(format: "%.4f", swift)), "
                + "scikit-learn \(versions["scikit-learn"] ?? "?") \(String(format: "%.4f", reference))")
        #expect(abs(swift - reference) <= 0.01, "\(what): |\(swift) - \(reference)| > 0.01")
    }

    @Test(
        "ExtraTrees and RandomForest mean test AUC within 0.01 of sklearn's on the same splits",
        arguments: ["breast_cancer", "wine", "digits"])
    func meanAUCParity(dataset name: String) throws {
        let fixture = try Self.fixture.get()
        let data = try #require(fixture.datasets.first { $0.name == name })
        let trees = fixture.nEstimators
        let extra = try Self.meanAUC(data) { ForestClassifier(.extraTrees, nEstimators: trees, seed: $0) }
        Self.compare("\(name) ExtraTrees (\(trees) trees)", swift: extra, sklearn: data.extraTreesAUC, versions: fixture.versions)
        let forest = try Self.meanAUC(data) { ForestClassifier(.randomForest, nEstimators: trees, seed: $0) }
        Self.compare("\(name) RandomForest (\(trees) trees)", swift: forest, sklearn: data.randomForestAUC, versions: fixture.versions)
        let shallow = try Self.meanAUC(data) {
            ForestClassifier(
                .extraTrees, nEstimators: fixture.shallowNEstimators, criterion: .entropy, maxFeatures: .count(1), maxDepth: 2,
                minSamplesLeaf: 5, classWeight: .balanced, seed: $0)
        }
        Self.compare(
            "\(name) shallow ExtraTrees (\(fixture.shallowNEstimators) trees, depth 2, entropy, balanced, leaf 5, 1 feature)",
            swift: shallow, sklearn: data.shallowExtraTreesAUC, versions: fixture.versions)
    }

    @Test("the Mann-Whitney AUC matches hand-computed values, ties counted 1/2")
    func aucByHand() {
        #expect(mannWhitneyAUC(scores: [0.1, 0.4, 0.35, 0.8], positive: [false, false, true, true]) == 0.75)
        #expect(mannWhitneyAUC(scores: [0.5, 0.5], positive: [false, true]) == 0.5)
    }
}
