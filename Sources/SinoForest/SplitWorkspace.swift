/// The training data of one tree as raw pointers, valid for the duration of one build.
struct TrainingPointers {
    /// Row-major x: columns[i * featureCount + j].
    let columns: UnsafeBufferPointer<Double>
    let sampleCount: Int
    let labels: UnsafeBufferPointer<Int>
    let sampleWeights: UnsafeBufferPointer<Double>
    let classCount: Int
    /// Distance between consecutive samples of one feature (the feature count).
    let stride: Int

    init(
        columns: UnsafeBufferPointer<Double>, sampleCount: Int, labels: UnsafeBufferPointer<Int>,
        sampleWeights: UnsafeBufferPointer<Double>, classCount: Int
    ) {
        self.columns = columns
        self.sampleCount = sampleCount
        self.labels = labels
        self.sampleWeights = sampleWeights
        self.classCount = classCount
        stride = columns.count / max(1, sampleCount)
    }

    @inline(__always) func value(sample: Int, feature: Int) -> Double {
        columns[sample * stride + feature]
    }

    /// Feature j of sample i is column(j)[i * stride].
    @inline(__always) func column(_ feature: Int) -> UnsafePointer<Double> {
        columns.baseAddress! + feature
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
/// in the split loops). The hot loops read these buffers through raw pointers.
final class SplitWorkspace {
    /// Sample indices ordered so that every node's samples are contiguous (sklearn's `samples`).
    let samples: UnsafeMutableBufferPointer<Int32>
    /// Label and weight of samples[i], at position i: kept in node order so that the split
    /// loops read them contiguously instead of through the sample index.
    let labels: UnsafeMutableBufferPointer<Int32>
    let weights: UnsafeMutableBufferPointer<Double>
    /// Every active sample weighs exactly 1 (no class weights, no bootstrap): the class counts
    /// are then integer counts, summed exactly in any order.
    let unitWeights: Bool
    /// The current feature's value for samples[i], at position i (sklearn's `feature_values`).
    let featureValues: UnsafeMutableBufferPointer<Double>
    /// (value, sample) pairs for the sorting splitter.
    let sortPairs: UnsafeMutableBufferPointer<(Double, Int32)>
    let nodeCounts: UnsafeMutableBufferPointer<Double>
    let leftCounts: UnsafeMutableBufferPointer<Double>
    let rightCounts: UnsafeMutableBufferPointer<Double>
    /// Four interleaved class histograms (position i adds to histogram i % 4), so that
    /// consecutive samples of one class do not wait on each other's store; summed in lane order.
    private let laneWeights: UnsafeMutableBufferPointer<Double>
    private let laneCounts: UnsafeMutableBufferPointer<Int>
    /// Feature order of the candidate draw, kept across nodes as sklearn does: known-constant
    /// features sit at the front (`features` / `constant_features` in _splitter.pyx).
    let features: UnsafeMutableBufferPointer<Int>
    let constantFeatures: UnsafeMutableBufferPointer<Int>
    /// Number of samples in use (those with non-zero weight).
    let activeCount: Int
    let classCount: Int

    init(sampleWeights: [Double], labels allLabels: [Int], classCount: Int, featureCount: Int, sorting: Bool) {
        precondition(sampleWeights.count <= Int(Int32.max), "SinoForest indexes samples with Int32")
        let active = sampleWeights.indices.filter { sampleWeights[$0] != 0 }
        activeCount = active.count
        self.classCount = classCount
        samples = .allocate(capacity: max(1, active.count))
        _ = samples.initialize(from: active.map { Int32($0) })
        labels = .allocate(capacity: max(1, active.count))
        _ = labels.initialize(from: active.map { Int32(allLabels[$0]) })
        weights = .allocate(capacity: max(1, active.count))
        _ = weights.initialize(from: active.map { sampleWeights[$0] })
        unitWeights = active.allSatisfy { sampleWeights[$0] == 1 }
        featureValues = .allocate(capacity: max(1, active.count))
        sortPairs = .allocate(capacity: sorting ? max(1, active.count) : 1)
        nodeCounts = .allocate(capacity: classCount)
        leftCounts = .allocate(capacity: classCount)
        rightCounts = .allocate(capacity: classCount)
        laneWeights = .allocate(capacity: 4 * classCount)
        laneCounts = .allocate(capacity: 4 * classCount)
        features = .allocate(capacity: featureCount)
        _ = features.initialize(from: 0..<featureCount)
        constantFeatures = .allocate(capacity: featureCount)
        constantFeatures.initialize(repeating: 0)
    }

    deinit {
        for buffer in [featureValues, weights, nodeCounts, leftCounts, rightCounts, laneWeights] { buffer.deallocate() }
        for buffer in [laneCounts, features, constantFeatures] { buffer.deallocate() }
        samples.deallocate()
        labels.deallocate()
        sortPairs.deallocate()
    }

    /// Fills `nodeCounts` with the weighted class counts of positions start..<end; returns the weight.
    func countClasses(start: Int, end: Int, data: TrainingPointers) -> Double {
        _ = sumClasses(start: start, end: end, into: nodeCounts) { _ in true }
        if unitWeights { return Double(end - start) }
        var total = 0.0
        for c in 0..<classCount { total += nodeCounts[c] }
        return total
    }

    /// Fills `leftCounts` with the weighted class counts of the positions start..<end whose
    /// `featureValues` are <= threshold; returns how many samples those are.
    @inline(__always)
    func countLeft(start: Int, end: Int, threshold: Double) -> Int {
        let values = UnsafePointer(featureValues.baseAddress!)
        return sumClasses(start: start, end: end, into: leftCounts) { values[$0] <= threshold }
    }

    /// Weighted class counts of the positions start..<end where `selected` holds, into
    /// `counts`; returns how many positions were selected. Branch-free: every position adds
    /// its weight or 0 to histogram lane i % 4; lanes are summed in order 0, 1, 2, 3.
    @inline(__always)
    private func sumClasses(
        start: Int, end: Int, into counts: UnsafeMutableBufferPointer<Double>,
        selected: (Int) -> Bool
    ) -> Int {
        let k = classCount
        let labels = self.labels.baseAddress!
        var selectedCount = 0
        if unitWeights {
            let lanes = laneCounts.baseAddress!
            lanes.update(repeating: 0, count: 4 * k)
            var i = start
            while i + 4 <= end {
                lanes[Int(labels[i])] &+= selected(i) ? 1 : 0
                lanes[k &+ Int(labels[i + 1])] &+= selected(i + 1) ? 1 : 0
                lanes[2 &* k &+ Int(labels[i + 2])] &+= selected(i + 2) ? 1 : 0
                lanes[3 &* k &+ Int(labels[i + 3])] &+= selected(i + 3) ? 1 : 0
                i += 4
            }
            while i < end { lanes[Int(labels[i])] &+= selected(i) ? 1 : 0; i += 1 }
            for c in 0..<k {
                let n = lanes[c] + lanes[k + c] + lanes[2 * k + c] + lanes[3 * k + c]
                counts[c] = Double(n)
                selectedCount += n
            }
            return selectedCount
        }
        let weights = self.weights.baseAddress!
        let lanes = laneWeights.baseAddress!
        lanes.update(repeating: 0, count: 4 * k)
        var i = start
        while i + 4 <= end {
            let s0 = selected(i), s1 = selected(i + 1), s2 = selected(i + 2), s3 = selected(i + 3)
            lanes[Int(labels[i])] += s0 ? weights[i] : 0
            lanes[k &+ Int(labels[i + 1])] += s1 ? weights[i + 1] : 0
            lanes[2 &* k &+ Int(labels[i + 2])] += s2 ? weights[i + 2] : 0
            lanes[3 &* k &+ Int(labels[i + 3])] += s3 ? weights[i + 3] : 0
            selectedCount &+= (s0 ? 1 : 0) &+ (s1 ? 1 : 0) &+ (s2 ? 1 : 0) &+ (s3 ? 1 : 0)
            i += 4
        }
        while i < end {
            let s = selected(i)
            lanes[Int(labels[i])] += s ? weights[i] : 0
            selectedCount &+= s ? 1 : 0
            i += 1
        }
        for c in 0..<k { counts[c] = ((lanes[c] + lanes[k + c]) + lanes[2 * k + c]) + lanes[3 * k + c] }
        return selectedCount
    }

    /// Scores the split whose left-side counts are in `leftCounts`; keeps it in `best` when
    /// it beats it. Rejects it when a side has fewer than `minSamplesLeaf` samples.
    func offer(
        feature: Int, threshold: Double, position: Int, node: NodeRange,
        criterion: ImpurityCriterion, minSamplesLeaf: Int, best: inout SplitRecord
    ) {
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
        let column = data.column(feature)
        let samples = self.samples.baseAddress!, labels = self.labels.baseAddress!, weights = self.weights.baseAddress!
        var left = node.start
        var right = node.end
        while left < right {
            if column[Int(samples[left]) &* data.stride] <= threshold {
                left += 1
            } else {
                right -= 1
                swap(&samples[left], &samples[right])
                swap(&labels[left], &labels[right])
                swap(&weights[left], &weights[right])
            }
        }
        return left
    }
}
