/// A fitted tree as flat arrays indexed by node id (sklearn's Tree: children_left,
/// children_right, feature, threshold, impurity, weighted_n_node_samples, value), so that
/// prediction walks plain arrays. Node 0 is the root; a leaf has left = right = -1.
struct DecisionTree: Sendable, Equatable {
    let classCount: Int
    var feature: [Int32] = []
    var threshold: [Double] = []
    var left: [Int32] = []
    var right: [Int32] = []
    var impurity: [Double] = []
    var weightedSampleCount: [Double] = []
    /// Weighted class counts of each node: value[node * classCount + k].
    var value: [Double] = []

    var nodeCount: Int { feature.count }

    /// Appends a node (a leaf until children are linked); returns its id.
    mutating func appendNode(impurity: Double, weight: Double, counts: UnsafeMutableBufferPointer<Double>) -> Int {
        feature.append(-1); threshold.append(0); left.append(-1); right.append(-1)
        self.impurity.append(impurity)
        weightedSampleCount.append(weight)
        value.append(contentsOf: counts)
        return feature.count - 1
    }

    /// The leaf reached by a row (x <= threshold goes left).
    @inline(__always)
    func leaf(for row: UnsafePointer<Double>) -> Int {
        var node = 0
        while left[node] >= 0 {
            node = Int(row[Int(feature[node])] <= threshold[node] ? left[node] : right[node])
        }
        return node
    }

    /// Adds the leaf's weighted class fractions (sklearn's tree predict_proba) to `sum`.
    @inline(__always)
    func addProbabilities(row: UnsafePointer<Double>, to sum: UnsafeMutablePointer<Double>) {
        let node = leaf(for: row)
        let total = weightedSampleCount[node]
        for k in 0..<classCount { sum[k] += value[node * classCount + k] / total }
    }

    /// MDI importances (sklearn Tree.compute_feature_importances): per split node,
    /// w * i - w_L * i_L - w_R * i_R, divided by the root weight, then normalised to sum 1
    /// (left at 0 when the tree is a single leaf).
    func featureImportances(featureCount: Int) -> [Double] {
        var importances = [Double](repeating: 0, count: featureCount)
        for node in 0..<nodeCount where left[node] >= 0 {
            let l = Int(left[node]), r = Int(right[node])
            importances[Int(feature[node])] += ImpurityCriterion.improvement(
                weight: weightedSampleCount[node], impurity: impurity[node],
                leftWeight: weightedSampleCount[l], leftImpurity: impurity[l],
                rightWeight: weightedSampleCount[r], rightImpurity: impurity[r])
        }
        let root = weightedSampleCount[0]
        let total = importances.reduce(0, +) / root
        guard total > 0 else { return importances.map { _ in 0 } }
        return importances.map { $0 / root / total }
    }
}
