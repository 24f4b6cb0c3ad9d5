/// The training data of one tree as raw pointers, valid for the duration of one build.
struct TrainingPointers {
    /// Column-major x: columns[j * sampleCount + i].
    let columns: UnsafeBufferPointer<Double>
    let sampleCount: Int
    let labels: UnsafeBufferPointer<Int>
    let sampleWeights: UnsafeBufferPointer<Double>
    let classCount: Int

    @inline(__always) func value(sample: Int, feature: Int) -> Double {
        columns[feature * sampleCount + sample]
    }
}

/// The samples of the node being split: positions start..<end of `SplitWorkspace.samples`,
/// with their weighted class counts (`SplitWorkspace.nodeCounts`) and total weight.
struct NodeRange {
    let start: Int
    let end: Int
    let weight: Double
    var sampleCount: Int { end - start }
}

/// The best split found so far in a node (sklearn's SplitRecord).
struct SplitRecord {
    var feature = -1
    var threshold = 0.0
    /// First position of the right child: samples start..<position go left.
    var position = 0
    var proxyImprovement = -Double.infinity
    var found: Bool { feature >= 0 }
}

/// Scratch memory of one tree build, allocated once and reused by every node (no allocation
/// in the split loops).
final class SplitWorkspace {
    /// Sample indices ordered so that every node's samples are contiguous (sklearn's `samples`).
    let samples: UnsafeMutableBufferPointer<Int>
    /// Label and weight of samples[i], at position i: kept in node order so that the split
    /// loops read them contiguously instead of through the sample index.
    let labels: UnsafeMutableBufferPointer<Int>
    let weights: UnsafeMutableBufferPointer<Double>
    /// The current feature's value for samples[i], at position i (sklearn's `feature_values`).
    let featureValues: UnsafeMutableBufferPointer<Double>
    /// (value, sample) pairs for the sorting splitter.
    let sortPairs: UnsafeMutableBufferPointer<(Double, Int)>
    let nodeCounts: UnsafeMutableBufferPointer<Double>
    let leftCounts: UnsafeMutableBufferPointer<Double>
    let rightCounts: UnsafeMutableBufferPointer<Double>
    /// Feature order of the candidate draw, kept across nodes as sklearn does: known-constant
    /// features sit at the front (`features` / `constant_features` in _splitter.pyx).
    let features: UnsafeMutableBufferPointer<Int>
    let constantFeatures: UnsafeMutableBufferPointer<Int>
    /// Number of samples in use (those with non-zero weight).
    let activeCount: Int

    init(sampleWeights: [Double], labels allLabels: [Int], classCount: Int, featureCount: Int, sorting: Bool) {
        let active = sampleWeights.indices.filter { sampleWeights[$0] != 0 }
        activeCount = active.count
        samples = .allocate(capacity: max(1, active.count))
        _ = samples.initialize(from: active)
        labels = .allocate(capacity: max(1, active.count))
        _ = labels.initialize(from: active.map { allLabels[$0] })
        weights = .allocate(capacity: max(1, active.count))
        _ = weights.initialize(from: active.map { sampleWeights[$0] })
        featureValues = .allocate(capacity: max(1, active.count))
        sortPairs = .allocate(capacity: sorting ? max(1, active.count) : 1)
        nodeCounts = .allocate(capacity: classCount)
        leftCounts = .allocate(capacity: classCount)
        rightCounts = .allocate(capacity: classCount)
        features = .allocate(capacity: featureCount)
        _ = features.initialize(from: 0..<featureCount)
        constantFeatures = .allocate(capacity: featureCount)
        constantFeatures.initialize(repeating: 0)
    }

    deinit {
        for buffer in [featureValues, weights, nodeCounts, leftCounts, rightCounts] { buffer.deallocate() }
        for buffer in [samples, labels, features, constantFeatures] { buffer.deallocate() }
        sortPairs.deallocate()
    }

    /// Fills `nodeCounts` with the weighted class counts of positions start..<end; returns the weight.
    func countClasses(start: Int, end: Int, data: TrainingPointers) -> Double {
        nodeCounts.update(repeating: 0)
        var total = 0.0
        for i in start..<end {
            nodeCounts[labels[i]] += weights[i]
            total += weights[i]
        }
        return total
    }

    /// Scores the split whose left-side counts are in `leftCounts`; keeps it in `best` when
    /// it beats it. Rejects it when a side has fewer than `minSamplesLeaf` samples.
    func offer(feature: Int, threshold: Double, position: Int, node: NodeRange,
               criterion: ImpurityCriterion, minSamplesLeaf: Int, best: inout SplitRecord) {
        guard position - node.start >= minSamplesLeaf, node.end - position >= minSamplesLeaf else { return }
        var leftWeight = 0.0
        for k in 0..<leftCounts.count {
            leftWeight += leftCounts[k]
            rightCounts[k] = nodeCounts[k] - leftCounts[k]
        }
        let proxy = criterion.proxyImprovement(
            left: UnsafeBufferPointer(leftCounts), leftWeight: leftWeight,
            right: UnsafeBufferPointer(rightCounts), rightWeight: node.weight - leftWeight)
        if proxy > best.proxyImprovement {
            best = SplitRecord(feature: feature, threshold: threshold, position: position, proxyImprovement: proxy)
        }
    }

    /// Reorders positions start..<end so that samples with x[feature] <= threshold come first
    /// (sklearn's partition_samples_final); returns the first position of the right side.
    func partition(node: NodeRange, feature: Int, threshold: Double, data: TrainingPointers) -> Int {
        var left = node.start
        var right = node.end
        while left < right {
            if data.value(sample: samples[left], feature: feature) <= threshold {
                left += 1
            } else {
                right -= 1
                samples.swapAt(left, right)
                labels.swapAt(left, right)
                weights.swapAt(left, right)
            }
        }
        return left
    }
}
