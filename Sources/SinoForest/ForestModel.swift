/// A fitted forest: its trees and what was learnt while fitting them.
public struct ForestModel: Sendable, Equatable {
    public let classCount: Int
    public let featureCount: Int
    let trees: [DecisionTree]
    /// Mean out-of-bag class probabilities per training row (sklearn oob_decision_function_);
    /// a row never out of bag gets zeros, as sklearn does after its warning.
    public let outOfBagDecisionFunction: [[Double]]?
    /// Accuracy of the argmax of `outOfBagDecisionFunction` (sklearn oob_score_).
    public let outOfBagAccuracy: Double?
    /// The trees in the compact form that prediction walks (derived from `trees`).
    let predictionTrees: [PredictionTree]

    init(
        classCount: Int, featureCount: Int, trees: [DecisionTree],
        outOfBagDecisionFunction: [[Double]]?, outOfBagAccuracy: Double?
    ) {
        self.classCount = classCount
        self.featureCount = featureCount
        self.trees = trees
        self.outOfBagDecisionFunction = outOfBagDecisionFunction
        self.outOfBagAccuracy = outOfBagAccuracy
        predictionTrees = trees.map(PredictionTree.init)
    }

    public static func == (a: ForestModel, b: ForestModel) -> Bool {
        a.classCount == b.classCount && a.featureCount == b.featureCount && a.trees == b.trees
            && a.outOfBagDecisionFunction == b.outOfBagDecisionFunction && a.outOfBagAccuracy == b.outOfBagAccuracy
    }

    public var treeCount: Int { trees.count }

    /// MDI importances (sklearn RandomForest.feature_importances_): the mean of the per-tree
    /// normalised importances over trees with more than one node, renormalised to sum 1.
    public var featureImportances: [Double] {
        let grown = trees.filter { $0.nodeCount > 1 }
        guard !grown.isEmpty else { return Array(repeating: 0, count: featureCount) }
        var mean = Array(repeating: 0.0, count: featureCount)
        for tree in grown {
            for (j, v) in tree.featureImportances(featureCount: featureCount).enumerated() { mean[j] += v / Double(grown.count) }
        }
        let total = mean.reduce(0, +)
        return total > 0 ? mean.map { $0 / total } : mean
    }
}
