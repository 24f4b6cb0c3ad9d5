import SinoRandom

/// Grows one tree depth first (sklearn DepthFirstTreeBuilder): a node becomes a leaf at
/// max_depth, with fewer than min_samples_split or 2 * min_samples_leaf samples, when it is
/// pure (impurity <= machine epsilon), or when no valid split is found.
struct DepthFirstTreeBuilder<Rule: SplitRule> {
    let splitter: NodeSplitter<Rule>
    let maxDepth: Int
    let minSamplesSplit: Int

    private struct PendingNode {
        let start, end, depth, parent: Int
        let isLeft: Bool
        let knownConstants: Int
    }

    func build(_ set: TreeTrainingSet, rng: inout SeededGenerator) -> DecisionTree {
        let workspace = SplitWorkspace(
            sampleWeights: set.sampleWeights, labels: set.labels, classCount: set.classCount,
            featureCount: set.columns.featureCount, sorting: Rule.self == BestSplitRule.self)
        return set.columns.values.withUnsafeBufferPointer { columns in
            set.labels.withUnsafeBufferPointer { labels in
                set.sampleWeights.withUnsafeBufferPointer { weights in
                    let data = TrainingPointers(
                        columns: columns, sampleCount: set.columns.sampleCount,
                        labels: labels, sampleWeights: weights, classCount: set.classCount)
                    return grow(workspace: workspace, data: data, rng: &rng)
                }
            }
        }
    }

    private func grow(workspace w: SplitWorkspace, data: TrainingPointers, rng: inout SeededGenerator) -> DecisionTree {
        var tree = DecisionTree(classCount: data.classCount)
        var stack = [PendingNode(start: 0, end: w.activeCount, depth: 0, parent: -1, isLeft: false, knownConstants: 0)]
        while let pending = stack.popLast() {
            let weight = w.countClasses(start: pending.start, end: pending.end, data: data)
            let impurity = splitter.criterion.impurity(UnsafeBufferPointer(w.nodeCounts), total: weight)
            let id = tree.appendNode(impurity: impurity, weight: weight, counts: w.nodeCounts)
            link(id, to: pending, in: &tree)
            let node = NodeRange(start: pending.start, end: pending.end, weight: weight)
            guard !isLeaf(node, depth: pending.depth, impurity: impurity) else { continue }
            let (split, constants) = splitter.split(
                node: node, knownConstants: pending.knownConstants,
                workspace: w, data: data, rng: &rng)
            guard let split else { continue }
            tree.feature[id] = Int32(split.feature)
            tree.threshold[id] = split.threshold
            // Right pushed first so the left child is built next (sklearn's order).
            stack.append(
                PendingNode(
                    start: split.position, end: node.end, depth: pending.depth + 1,
                    parent: id, isLeft: false, knownConstants: constants))
            stack.append(
                PendingNode(
                    start: node.start, end: split.position, depth: pending.depth + 1,
                    parent: id, isLeft: true, knownConstants: constants))
        }
        return tree
    }

    private func isLeaf(_ node: NodeRange, depth: Int, impurity: Double) -> Bool {
        depth >= maxDepth
            || node.sampleCount < minSamplesSplit
            || node.sampleCount < 2 * splitter.minSamplesLeaf
            || impurity <= Double.ulpOfOne
    }

    private func link(_ id: Int, to pending: PendingNode, in tree: inout DecisionTree) {
        guard pending.parent >= 0 else { return }
        if pending.isLeft { tree.left[pending.parent] = Int32(id) } else { tree.right[pending.parent] = Int32(id) }
    }
}
