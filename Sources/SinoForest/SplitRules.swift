import SinoRandom

/// sklearn's FEATURE_THRESHOLD: a feature whose values in a node span at most this is constant.
let featureConstantTolerance = 1e-7

/// How a splitter scores one candidate feature of a node. ExtraTrees and RandomForest differ
/// only here (sklearn: RandomSplitter vs BestSplitter; the criterion and builder are shared).
protocol SplitRule {
    /// Scores `feature` on `node`, updating `best`; returns false when the feature is constant
    /// in the node (then nothing is scored and the draw goes on).
    static func evaluate(
        feature: Int, node: NodeRange, workspace: SplitWorkspace, data: TrainingPointers,
        criterion: ImpurityCriterion, minSamplesLeaf: Int,
        rng: inout SeededGenerator, best: inout SplitRecord
    ) -> Bool
}

extension SplitWorkspace {
    /// Copies the node's values of `feature` into `featureValues`; returns their (min, max).
    /// (x is finite, so plain comparisons give the same min and max as Swift.min / Swift.max.)
    @inline(__always)
    func gatherValues(feature: Int, node: NodeRange, data: TrainingPointers) -> (Double, Double) {
        let column = data.column(feature), stride = data.stride
        let samples = self.samples.baseAddress!, values = featureValues.baseAddress!
        var low = Double.infinity, high = -Double.infinity
        var low2 = Double.infinity, high2 = -Double.infinity
        var i = node.start
        while i + 2 <= node.end {
            let v = column[Int(samples[i]) &* stride], u = column[Int(samples[i + 1]) &* stride]
            values[i] = v
            values[i + 1] = u
            low = v < low ? v : low
            high = v > high ? v : high
            low2 = u < low2 ? u : low2
            high2 = u > high2 ? u : high2
            i += 2
        }
        if i < node.end {
            let v = column[Int(samples[i]) &* stride]
            values[i] = v
            low = v < low ? v : low
            high = v > high ? v : high
        }
        return (low2 < low ? low2 : low, high2 > high ? high2 : high)
    }
}

/// ExtraTrees (Geurts, Ernst & Wehenkel 2006; sklearn RandomSplitter.node_split): one threshold
/// drawn uniformly in [min, max) of the node's values; x <= threshold goes left.
enum RandomSplitRule: SplitRule {
    static func evaluate(
        feature: Int, node: NodeRange, workspace w: SplitWorkspace, data: TrainingPointers,
        criterion: ImpurityCriterion, minSamplesLeaf: Int,
        rng: inout SeededGenerator, best: inout SplitRecord
    ) -> Bool {
        let (low, high) = w.gatherValues(feature: feature, node: node, data: data)
        if high <= low + featureConstantTolerance { return false }
        var threshold = low + (high - low) * rng.uniform()
        if threshold == high { threshold = low } // sklearn: rounding may reach max; fall back to min
        let leftSamples = w.countLeft(start: node.start, end: node.end, threshold: threshold)
        w.offer(
            feature: feature, threshold: threshold, position: node.start + leftSamples, node: node,
            criterion: criterion, minSamplesLeaf: minSamplesLeaf, best: &best)
        return true
    }
}

/// RandomForest / CART (sklearn BestSplitter.node_split): sort the node by the feature and try
/// every midpoint between consecutive distinct values (differing by more than 1e-7).
enum BestSplitRule: SplitRule {
    static func evaluate(
        feature: Int, node: NodeRange, workspace w: SplitWorkspace, data: TrainingPointers,
        criterion: ImpurityCriterion, minSamplesLeaf: Int,
        rng: inout SeededGenerator, best: inout SplitRecord
    ) -> Bool {
        sortNode(by: feature, node: node, workspace: w, data: data)
        let values = w.featureValues
        if values[node.end - 1] <= values[node.start] + featureConstantTolerance { return false }
        w.leftCounts.update(repeating: 0)
        var added = node.start
        var p = node.start
        while p < node.end {
            while p + 1 < node.end && values[p + 1] <= values[p] + featureConstantTolerance { p += 1 }
            p += 1
            guard p < node.end else { break }
            for i in added..<p { w.leftCounts[Int(w.labels[i])] += w.weights[i] } // positions added..<p go left
            added = p
            var threshold = values[p - 1] / 2 + values[p] / 2
            if threshold == values[p] || !threshold.isFinite { threshold = values[p - 1] }
            w.offer(
                feature: feature, threshold: threshold, position: p, node: node,
                criterion: criterion, minSamplesLeaf: minSamplesLeaf, best: &best)
        }
        return true
    }

    /// Sorts the node's samples (and `featureValues`) by the feature's value.
    private static func sortNode(by feature: Int, node: NodeRange, workspace w: SplitWorkspace, data: TrainingPointers) {
        for i in node.start..<node.end {
            let s = w.samples[i]
            w.sortPairs[i] = (data.value(sample: Int(s), feature: feature), s)
        }
        var slice = UnsafeMutableBufferPointer(rebasing: w.sortPairs[node.start..<node.end])
        slice.sort { $0.0 < $1.0 }
        for i in node.start..<node.end {
            w.featureValues[i] = w.sortPairs[i].0
            w.samples[i] = w.sortPairs[i].1
            w.labels[i] = Int32(data.labels[Int(w.samples[i])])
            w.weights[i] = data.sampleWeights[Int(w.samples[i])]
        }
    }
}
