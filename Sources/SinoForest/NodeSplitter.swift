import SinoRandom

/// Finds a node's split: draws candidate features and lets the `Rule` score each one
/// (the loop of sklearn's RandomSplitter / BestSplitter.node_split, shared by both).
struct NodeSplitter<Rule: SplitRule> {
    let criterion: ImpurityCriterion
    let maxFeatures: Int
    let minSamplesLeaf: Int

    /// The best split of `node`, or nil when every drawn feature was constant or every
    /// threshold left fewer than minSamplesLeaf samples on a side. On return the samples are
    /// partitioned at the split. `knownConstants` features (constant in an ancestor) sit at the
    /// front of `workspace.features`; the returned count adds those found constant here.
    func split(
        node: NodeRange, knownConstants: Int, workspace w: SplitWorkspace, data: TrainingPointers,
        rng: inout SeededGenerator
    ) -> (SplitRecord?, constants: Int) {
        var best = SplitRecord()
        let constants = drawCandidates(knownConstants: knownConstants, workspace: w, rng: &rng) { feature, rng in
            Rule.evaluate(
                feature: feature, node: node, workspace: w, data: data, criterion: criterion,
                minSamplesLeaf: minSamplesLeaf, rng: &rng, best: &best)
        }
        guard best.found else { return (nil, constants) }
        let position = w.partition(node: node, feature: best.feature, threshold: best.threshold, data: data)
        assert(position == best.position, "partition disagrees with the scored split")
        return (best, constants)
    }

    /// Fisher-Yates draw of features without replacement (sklearn _splitter.pyx): at least
    /// `maxFeatures` draws, and more while every feature visited so far was constant.
    /// `evaluate` returns false for a feature constant in the node. Returns the constant count.
    private func drawCandidates(
        knownConstants: Int, workspace w: SplitWorkspace, rng: inout SeededGenerator,
        evaluate: (Int, inout SeededGenerator) -> Bool
    ) -> Int {
        let features = w.features
        var remaining = features.count // sklearn f_i
        var foundConstants = 0, drawnConstants = 0, visited = 0
        var totalConstants = knownConstants
        while remaining > totalConstants
            && (visited < maxFeatures || visited <= foundConstants + drawnConstants)
        {
            visited += 1
            var j = rng.nextInt(drawnConstants, remaining - foundConstants)
            if j < knownConstants { // constant in an ancestor: skip without scanning
                features.swapAt(drawnConstants, j)
                drawnConstants += 1
                continue
            }
            j += foundConstants
            let feature = features[j]
            if !evaluate(feature, &rng) {
                features.swapAt(j, totalConstants)
                foundConstants += 1
                totalConstants += 1
                continue
            }
            remaining -= 1
            features.swapAt(remaining, j)
        }
        // Keep the known constants first, then the newly found ones, for the children.
        for i in 0..<knownConstants { features[i] = w.constantFeatures[i] }
        for i in knownConstants..<totalConstants { w.constantFeatures[i] = features[i] }
        return totalConstants
    }
}
