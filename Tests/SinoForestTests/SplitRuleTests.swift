import Foundation
import SinoRandom
import TestSupport
import Testing

@testable import SinoForest

/// A node built by hand: rows of x (one per sample), labels, weights, and the workspace that
/// the splitters use, with every sample in the node.
private struct HandNode {
    let set: TreeTrainingSet
    let workspace: SplitWorkspace

    init(_ x: [[Double]], _ y: [Int], classCount: Int = 2, weights: [Double]? = nil) {
        let weights = weights ?? y.map { _ in 1 }
        set = TreeTrainingSet(
            columns: FeatureMatrix(rows: x, featureCount: x[0].count), labels: y,
            classCount: classCount, sampleWeights: weights)
        workspace = SplitWorkspace(sampleWeights: weights, labels: y, classCount: classCount, featureCount: x[0].count, sorting: true)
    }

    /// Splits positions start..<end (all samples by default) with the given rule.
    func split<Rule: SplitRule>(
        _ rule: Rule.Type, maxFeatures: Int = 1, minSamplesLeaf: Int = 1,
        criterion: SplitCriterion = .gini, seed: UInt64,
        range: Range<Int>? = nil
    ) -> SplitRecord? {
        let range = range ?? 0..<workspace.activeCount
        let splitter = NodeSplitter<Rule>(
            criterion: ImpurityCriterion(kind: criterion), maxFeatures: maxFeatures,
            minSamplesLeaf: minSamplesLeaf)
        var rng = SeededGenerator(seed: seed)
        return set.columns.values.withUnsafeBufferPointer { columns in
            set.labels.withUnsafeBufferPointer { labels in
                set.sampleWeights.withUnsafeBufferPointer { weights in
                    let data = TrainingPointers(
                        columns: columns, sampleCount: set.columns.sampleCount, labels: labels,
                        sampleWeights: weights, classCount: set.classCount)
                    let weight = workspace.countClasses(start: range.lowerBound, end: range.upperBound, data: data)
                    let node = NodeRange(start: range.lowerBound, end: range.upperBound, weight: weight)
                    return splitter.split(node: node, knownConstants: 0, workspace: workspace, data: data, rng: &rng).0
                }
            }
        }
    }
}

@Suite("Split rule (sklearn RandomSplitter / BestSplitter on hand-built nodes)")
struct SplitRuleTests {
    @Test("constant features (max - min <= 1e-7) are skipped and the draw continues past max_features")
    func constantFeaturesSkipped() {
        // Features 0 and 2 vary by at most 1e-8: constant; feature 1 is the only usable one.
        let x: [[Double]] = [[1, 0, 5], [1, 1, 5 + 1e-8], [1, 2, 5], [1, 3, 5]]
        let node = HandNode(x, [0, 0, 1, 1])
        for seed in 0..<50 {
            #expect(node.split(RandomSplitRule.self, maxFeatures: 1, seed: UInt64(seed))?.feature == 1)
            #expect(node.split(BestSplitRule.self, maxFeatures: 1, seed: UInt64(seed))?.feature == 1)
        }
    }

    @Test("a node whose features are all constant is not split")
    func allConstantNoSplit() {
        let node = HandNode([[1, 2], [1, 2], [1, 2 + 5e-8]], [0, 1, 0])
        #expect(node.split(RandomSplitRule.self, maxFeatures: 2, seed: 3) == nil)
        #expect(node.split(BestSplitRule.self, maxFeatures: 2, seed: 3) == nil)
    }

    @Test("ExtraTrees thresholds are uniform in [min, max) of the node's own values; x <= threshold goes left")
    func thresholdInsideNodeRange() {
        // Positions 1..<5 hold values 2, 3, 4, 5 (the node); 0 and 100 lie outside the node.
        let x: [[Double]] = [[0], [2], [3], [4], [5], [100]]
        let node = HandNode(x, [0, 0, 1, 0, 1, 1])
        var thresholds: [Double] = []
        for seed in 0..<2000 {
            guard let split = node.split(RandomSplitRule.self, seed: UInt64(seed), range: 1..<5) else {
                Issue.record("no split"); return
            }
            #expect(split.threshold >= 2 && split.threshold < 5)
            let expectedLeft = [2.0, 3, 4, 5].filter { $0 <= split.threshold }.count
            #expect(split.position == 1 + expectedLeft)
            thresholds.append(split.threshold)
        }
        let mean = thresholds.reduce(0, +) / Double(thresholds.count)
        #expect(abs(mean - 3.5) < 0.1) // uniform on [2, 5): mean 3.5, sd of the mean 0.019
        #expect(thresholds.filter { $0 < 2.75 }.count > 400) // first quarter: expected 500
    }

    @Test("splits leaving fewer than min_samples_leaf samples on a side are rejected")
    func minSamplesLeafRejection() {
        // Values 0, 1, 2, 10 with min_samples_leaf 2: only thresholds in [1, 2) are valid
        // (probability 0.1 per draw); every other draw leaves the node unsplit.
        let node = HandNode([[0], [1], [2], [10]], [0, 1, 0, 1])
        var splits = 0
        for seed in 0..<500 {
            if let split = node.split(RandomSplitRule.self, minSamplesLeaf: 2, seed: UInt64(seed)) {
                #expect(split.position == 2 && split.threshold >= 1 && split.threshold < 2)
                splits += 1
            }
        }
        #expect(splits > 20 && splits < 90) // binomial(500, 0.1): 50 +- 6.7
    }

    @Test("BestSplitter takes the midpoint with the largest gini / entropy decrease (computed by hand)")
    func bestSplitByHand() throws {
        // Sorted by x: labels 0, 0, 1, 0. Gini: <=0.5 gives 3 * (1 - 5/9) = 1.333, <=1.5 gives
        // 2 * 0 + 2 * 0.5 = 1, <=2.5 gives 1.333: best is 1.5 with proxy -1. Entropy: 2 * 1 = 2
        // against 3 * 0.918 = 2.755: also 1.5.
        let node = HandNode([[0], [1], [2], [3]], [0, 0, 1, 0])
        let gini = try #require(node.split(BestSplitRule.self, seed: 1))
        #expect(gini.threshold == 1.5 && gini.position == 2 && isClose(gini.proxyImprovement, -1, rel: 1e-12))
        let entropy = try #require(node.split(BestSplitRule.self, criterion: .entropy, seed: 1))
        #expect(entropy.threshold == 1.5 && isClose(entropy.proxyImprovement, -2, rel: 1e-12))
    }

    @Test("gini and entropy (log2) impurities and the impurity decrease, by hand")
    func impurityByHand() {
        let gini = ImpurityCriterion(kind: .gini), entropy = ImpurityCriterion(kind: .entropy)
        #expect(isClose(gini.impurity([3, 1]), 0.375, rel: 1e-15)) // 1 - (9 + 1) / 16
        #expect(isClose(entropy.impurity([3, 1]), 0.8112781244591328, rel: 1e-14)) // -(.75 log2 .75 + .25 log2 .25)
        #expect(entropy.impurity([1, 1, 1, 1]) == 2)
        #expect(gini.impurity([4, 0]) == 0 && entropy.impurity([0, 4]) == 0)
        // Parent [3, 1] split into [2, 0] and [1, 1]: 4 * 0.375 - 2 * 0 - 2 * 0.5 = 0.5.
        let decrease = ImpurityCriterion.improvement(
            weight: 4, impurity: 0.375, leftWeight: 2, leftImpurity: 0,
            rightWeight: 2, rightImpurity: 0.5)
        #expect(isClose(decrease, 0.5, rel: 1e-15))
    }

    @Test("class_weight balanced is n / (K * n_k) over the classes present; weights enter the counts")
    func balancedWeights() throws {
        let y = [0, 0, 0, 1]
        let w = ClassWeight.balanced.weights(labels: y, classCount: 3) // class 2 absent: K = 2
        #expect(isClose(w[0], 4.0 / 6, rel: 1e-15) && w[1] == 2 && w[2] == 0)
        #expect(ClassWeight.none.weights(labels: y, classCount: 2) == [1, 1])
        // The root of a balanced tree holds weighted counts [2, 2]: gini 0.5 instead of 0.375.
        var forest = ForestClassifier(.extraTrees, nEstimators: 1, classWeight: .balanced)
        try forest.fit(x: [[0], [1], [2], [3]], y: y, classCount: 2)
        let root = try #require(forest.model?.trees[0])
        #expect(isClose(root.value[0], 2, rel: 1e-15) && root.value[1] == 2 && root.weightedSampleCount[0] == 4)
        #expect(root.impurity[0] == 0.5)
    }

    @Test("MDI importances of a hand-built tree follow sklearn's compute_feature_importances")
    func mdiByHand() {
        // Root (feature 1, w 4, gini .375) -> leaf [2, 0] and node (feature 0, w 2, gini .5)
        // -> leaves [1, 0], [0, 1]. Decreases: feature 1: 4 * .375 - 2 * .5 = 0.5, feature 0:
        // 2 * .5 = 1. Normalised: [2/3, 1/3, 0].
        var tree = DecisionTree(classCount: 2)
        tree.feature = [1, -1, 0, -1, -1]; tree.threshold = [0.5, 0, 0.5, 0, 0]
        tree.left = [1, -1, 3, -1, -1]; tree.right = [2, -1, 4, -1, -1]
        tree.impurity = [0.375, 0, 0.5, 0, 0]; tree.weightedSampleCount = [4, 2, 2, 1, 1]
        tree.value = [3, 1, 2, 0, 1, 1, 1, 0, 0, 1]
        let importances = tree.featureImportances(featureCount: 3)
        #expect(isClose(importances[0], 2.0 / 3, rel: 1e-14) && isClose(importances[1], 1.0 / 3, rel: 1e-14))
        #expect(importances[2] == 0)
    }
}
