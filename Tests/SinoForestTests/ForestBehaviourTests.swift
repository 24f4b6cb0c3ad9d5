import Foundation
import SinoData
import SinoRandom
import TestSupport
import Testing

@testable import SinoForest

/// Two informative features (0: the class signal, 1: weaker) and three noise features.
private func synthetic(rows n: Int, seed: UInt64) -> (x: [[Double]], y: [Int]) {
    var rng = SeededGenerator(seed: seed)
    var x: [[Double]] = [], y: [Int] = []
    for i in 0..<n {
        let label = i % 3
        let row = [
            Double(label) + rng.uniform() * 1.2, Double(label % 2) + rng.uniform() * 2,
            rng.uniform(), rng.uniform(), rng.uniform()
        ]
        x.append(row); y.append(label)
    }
    return (x, y)
}

@Suite("Forest behaviour: determinism, OOB, importances, model files, validation")
struct ForestBehaviourTests {
    let data = synthetic(rows: 300, seed: 5)

    @Test("1, 2 and 4 threads give bit-identical probabilities and OOB estimates")
    func threadCountInvariance() throws {
        var results: [[[Double]]] = [], oob: [[[Double]]?] = []
        for threads in [1, 2, 4] {
            var extra = ForestClassifier(.extraTrees, nEstimators: 24, bootstrap: true, oobScore: true, seed: 9, threads: threads)
            try extra.fit(x: data.x, y: data.y, classCount: 3)
            var forest = ForestClassifier(.randomForest, nEstimators: 24, seed: 9, threads: threads)
            try forest.fit(x: data.x, y: data.y, classCount: 3)
            results.append(try extra.predictProbabilities(x: data.x) + forest.predictProbabilities(x: data.x))
            oob.append(extra.outOfBagDecisionFunction)
        }
        #expect(results[0] == results[1] && results[0] == results[2])
        #expect(oob[0] != nil && oob[0] == oob[1] && oob[0] == oob[2])
        var reseeded = ForestClassifier(.extraTrees, nEstimators: 24, bootstrap: true, seed: 10)
        try reseeded.fit(x: data.x, y: data.y, classCount: 3)
        #expect(try reseeded.predictProbabilities(x: data.x) != Array(results[0].prefix(data.x.count)))
    }

    @Test("probabilities have one column per class and sum to 1; a fully grown ExtraTree fits distinct rows exactly")
    func probabilitiesShape() throws {
        var single = ForestClassifier(.extraTrees, nEstimators: 1, maxFeatures: .all)
        try single.fit(x: data.x, y: data.y, classCount: 3)
        #expect(try single.predict(x: data.x) == data.y)
        var forest = ForestClassifier(.extraTrees, nEstimators: 10)
        try forest.fit(x: data.x, y: data.y, classCount: 3)
        for row in try forest.predictProbabilities(x: data.x) {
            #expect(row.count == 3 && abs(row.reduce(0, +) - 1) < 1e-12)
        }
    }

    @Test("a class without samples keeps its column, always 0")
    func emptyClassColumn() throws {
        let twoClass = data.y.map { min($0, 1) }
        var forest = ForestClassifier(.extraTrees, nEstimators: 10, classWeight: .balanced)
        try forest.fit(x: data.x, y: twoClass, classCount: 4)
        let p = try forest.predictProbabilities(x: data.x)
        #expect(p.allSatisfy { $0.count == 4 && $0[2] == 0 && $0[3] == 0 })
    }

    @Test("OOB accuracy is the accuracy of the OOB decision function's argmax (sklearn oob_score_)")
    func outOfBag() throws {
        var forest = ForestClassifier(.randomForest, nEstimators: 40, oobScore: true, seed: 3)
        try forest.fit(x: data.x, y: data.y, classCount: 3)
        let decision = try #require(forest.outOfBagDecisionFunction)
        let accuracy = try #require(forest.outOfBagAccuracy)
        let recomputed = Double(zip(decision, data.y).filter { argmax($0.0) == $0.1 }.count) / Double(data.y.count)
        #expect(accuracy == recomputed)
        #expect(decision.allSatisfy { abs($0.reduce(0, +) - 1) < 1e-12 }) // 40 trees: every row out of bag somewhere
        #expect(accuracy > 0.6 && accuracy < 1) // classes overlap: not perfect, far above 1/3
    }

    @Test("MDI and permutation importances rank the informative feature first; noise features near 0")
    func importances() throws {
        var forest = ForestClassifier(.extraTrees, nEstimators: 50, seed: 1)
        try forest.fit(x: data.x, y: data.y, classCount: 3)
        let mdi = try forest.featureImportances()
        #expect(abs(mdi.reduce(0, +) - 1) < 1e-12)
        #expect(mdi[0] == mdi.max() && mdi[0] > 2 * mdi[2])
        let holdout = synthetic(rows: 300, seed: 77)
        let permutation = try forest.permutationImportance(x: holdout.x, y: holdout.y, repeats: 5, seed: 2)
        #expect(permutation.drops.count == 5 && permutation.drops.allSatisfy { $0.count == 5 })
        #expect(permutation.mean[0] > 0.2)
        #expect(permutation.mean[2...].allSatisfy { abs($0) < 0.05 })
        let std = permutation.drops[0].map { ($0 - permutation.mean[0]) * ($0 - permutation.mean[0]) }
        #expect(isClose(permutation.standardDeviation[0], (std.reduce(0, +) / 5).squareRoot(), rel: 1e-12))
    }

    @Test("save then load predicts bit-identical probabilities and keeps the hyper-parameters")
    func modelFileRoundTrip() throws {
        var forest = ForestClassifier(.extraTrees, nEstimators: 12, criterion: .entropy, maxDepth: 6, bootstrap: true, oobScore: true, seed: 4)
        try forest.fit(x: data.x, y: data.y, classCount: 3)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("forest-\(UUID()).sinoforest")
        defer { try? FileManager.default.removeItem(at: url) }
        try forest.save(to: url)
        let loaded = try ForestClassifier.load(from: url, kind: .extraTrees)
        #expect(try loaded.predictProbabilities(x: data.x) == forest.predictProbabilities(x: data.x))
        #expect(loaded.model == forest.model && loaded.settings == forest.settings)
        #expect(throws: ForestError.self) { try ForestClassifier.load(from: url, kind: .randomForest) }
        #expect(try ForestClassifier.load(from: url).kind == .extraTrees)
        #expect(!ForestClassifier(.extraTrees).bootstrap && ForestClassifier(.randomForest).bootstrap)
        // The header's keys are written sorted, so the same model is the same bytes in every
        // process (an unsorted JSONEncoder on Linux orders keys by a per-process hash seed).
        let text = String(decoding: try Data(contentsOf: url), as: UTF8.self)
        let keys = ["classCount", "featureCount", "outOfBagRows", "settings", "treeCount"]
        let positions = keys.map { text.range(of: "\"\($0)\":")?.lowerBound }
        #expect(positions.allSatisfy { $0 != nil } && positions.map { $0! } == positions.map { $0! }.sorted(), "\(text.prefix(300))")
    }

    @Test("a wrong format name, an unknown version, a truncated file or trailing bytes are clear errors")
    func corruptModelFiles() throws {
        var forest = ForestClassifier(.extraTrees, nEstimators: 3)
        try forest.fit(x: data.x, y: data.y, classCount: 3)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("forest-\(UUID()).sinoforest")
        defer { try? FileManager.default.removeItem(at: url) }
        try forest.save(to: url)
        let good = try Data(contentsOf: url)
        func message(_ bytes: Data) throws -> String {
            try bytes.write(to: url)
            do { _ = try ForestClassifier.load(from: url, kind: .extraTrees); return "loaded" } catch { return "\(error)" }
        }
        var renamed = good; renamed[0] = UInt8(ascii: "X")
        #expect(try message(renamed).contains("expected \"sinorad-forest\""))
        var version = good; version[16] = 2
        #expect(try message(version).contains("version 2 is unknown, expected 1"))
        let truncated = try message(good.prefix(good.count - 9))
        #expect(truncated.contains("truncated") && truncated.contains(url.path))
        #expect(try message(good + Data([0])).contains("unexpected bytes"))
        #expect(try message(good) == "loaded")
    }

    @Test("model files whose trees are not trees, or whose counts lie, are errors, not crashes or stalls (fuzz findings)")
    func hostileModelFiles() throws {
        var forest = ForestClassifier(.extraTrees, nEstimators: 3, seed: 2)
        try forest.fit(x: data.x, y: data.y, classCount: 3)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("forest-\(UUID()).sinoforest")
        defer { try? FileManager.default.removeItem(at: url) }
        try forest.save(to: url)
        let good = [UInt8](try Data(contentsOf: url))
        func message(_ bytes: [UInt8]) throws -> String {
            try Data(bytes).write(to: url)
            do { _ = try ForestClassifier.load(from: url); return "loaded" } catch { return "\(error)" }
        }
        func int32(_ value: Int32) -> [UInt8] { withUnsafeBytes(of: value.littleEndian) { Array($0) } }
        // The first tree: header length at 20, then the JSON, then m, feature[m], left[m], right[m].
        let length = Int(good[20]) | Int(good[21]) << 8 | Int(good[22]) << 16 | Int(good[23]) << 24
        let tree = 24 + length
        let m = Int(good[tree]) | Int(good[tree + 1]) << 8
        let feature = tree + 4, left = feature + 4 * m, right = left + 4 * m
        var shared = good
        shared.replaceSubrange(right..<(right + 4), with: good[left..<(left + 4)]) // the root's two children are one node
        let sharedMessage = try message(shared)
        #expect(sharedMessage.contains("tree node"), "\(sharedMessage)")
        var outside = good
        outside.replaceSubrange(feature..<(feature + 4), with: int32(999)) // a split on feature 999 of 4
        #expect(try message(outside).contains("invalid children or feature"))
        let json = String(decoding: good[24..<tree], as: UTF8.self)
        for (key, lie) in [("\"treeCount\":3", "\"treeCount\":1099511627776"), ("\"classCount\":3", "\"classCount\":-1")] {
            let patched = json.replacingOccurrences(of: key, with: lie)
            #expect(patched != json, "\(key) not in the header")
            let bytes = Array(good[0..<20]) + int32(Int32(patched.utf8.count)) + Array(patched.utf8) + Array(good[tree...])
            let lieMessage = try message(bytes)
            #expect(lieMessage.contains("the header"), "\(lie): \(lieMessage)")
        }
        // The fuzzer's input: a tree of 0 nodes crashed building the prediction tree.
        let crash = [UInt8](try Data(contentsOf: Fixtures.url("fuzz/forest-crash-22d47ac7.forest")))
        #expect(try message(crash) != "loaded")
        #expect(try message(good) == "loaded")
    }

    @Test(
        "invalid inputs and hyper-parameters are rejected at the boundary",
        arguments: [
            ("empty x", [[Double]](), [Int](), 2),
            ("ragged rows", [[1.0, 2], [3]], [0, 1], 2),
            ("NaN", [[1.0], [.nan]], [0, 1], 2),
            ("infinity", [[1.0], [.infinity]], [0, 1], 2),
            ("label out of range", [[1.0], [2]], [0, 2], 2),
            ("negative label", [[1.0], [2]], [0, -1], 2),
            ("one class", [[1.0], [2]], [0, 0], 1),
            ("label count", [[1.0], [2]], [0], 2)
        ])
    func invalidInputs(_ what: String, x: [[Double]], y: [Int], classCount: Int) {
        var forest = ForestClassifier(.extraTrees, nEstimators: 2)
        #expect(throws: ForestError.self, "\(what)") { try forest.fit(x: x, y: y, classCount: classCount) }
    }

    @Test("invalid hyper-parameters, predict before fit and a wrong feature count are errors")
    func invalidHyperParameters() throws {
        let x = [[0.0, 1], [1, 0], [2, 1]], y = [0, 1, 0]
        let bad: [ForestClassifier] = [
            .init(.extraTrees, nEstimators: 0), .init(.extraTrees, maxFeatures: .count(3)),
            .init(.extraTrees, maxFeatures: .count(0)), .init(.extraTrees, maxFeatures: .fraction(0)),
            .init(.extraTrees, maxDepth: 0), .init(.extraTrees, minSamplesSplit: 1),
            .init(.extraTrees, minSamplesLeaf: 0), .init(.extraTrees, oobScore: true)
        ]
        for var model in bad {
            #expect(throws: ForestError.self) { try model.fit(x: x, y: y, classCount: 2) }
        }
        let unfitted = ForestClassifier(.randomForest)
        #expect(throws: ForestError.notFitted("RandomForestClassifier")) { try unfitted.predictProbabilities(x: x) }
        var forest = ForestClassifier(.randomForest, nEstimators: 2)
        try forest.fit(x: x, y: y, classCount: 2)
        #expect(throws: ForestError.self) { try forest.predictProbabilities(x: [[1, 2, 3]]) }
        let error = ForestError.invalidHyperParameter(name: "nEstimators", value: "0", expected: "at least 1")
        #expect(error.description == "invalid hyper-parameter nEstimators = 0: expected at least 1")
    }

    @Test("max_features resolves as sklearn: sqrt and log2 floored, at least 1")
    func maxFeaturesResolution() throws {
        #expect(try MaxFeatures.sqrt.resolved(featureCount: 64) == 8)
        #expect(try MaxFeatures.sqrt.resolved(featureCount: 30) == 5)
        #expect(try MaxFeatures.sqrt.resolved(featureCount: 1) == 1)
        #expect(try MaxFeatures.log2.resolved(featureCount: 30) == 4)
        #expect(try MaxFeatures.fraction(0.5).resolved(featureCount: 13) == 6)
        #expect(try MaxFeatures.fraction(0.01).resolved(featureCount: 13) == 1)
        #expect(try MaxFeatures.all.resolved(featureCount: 13) == 13)
    }
}
