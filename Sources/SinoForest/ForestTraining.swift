import SinoData
import SinoRandom

/// Fits the trees of a forest in parallel, each from its own random stream (seed, tree index).
struct ForestTraining {
    let settings: ForestSettings
    let threads: Int

    func fit(x: [[Double]], y: [Int], classCount: Int) throws -> ForestModel {
        try settings.validate()
        let p = try InputValidation.checkMatrix(x)
        try InputValidation.checkLabels(y, rows: x.count, classCount: classCount)
        let maxFeatures = try settings.maxFeatures.resolved(featureCount: p)
        let columns = FeatureMatrix(rows: x, featureCount: p)
        let classWeights = settings.classWeight.weights(labels: y, classCount: classCount)
        let baseWeights = y.map { classWeights[$0] }
        let fitted = ParallelLoop.map(count: settings.nEstimators, threads: threads) { index in
            fitTree(
                index: index, columns: columns, y: y, classCount: classCount,
                baseWeights: baseWeights, maxFeatures: maxFeatures)
        }
        let trees = fitted.map(\.tree)
        guard settings.oobScore else {
            return ForestModel(
                classCount: classCount, featureCount: p, trees: trees,
                outOfBagDecisionFunction: nil, outOfBagAccuracy: nil)
        }
        let oob = OutOfBagEstimate(trees: trees, inBag: fitted.map(\.inBag), x: x, y: y, classCount: classCount, threads: threads)
        return ForestModel(
            classCount: classCount, featureCount: p, trees: trees,
            outOfBagDecisionFunction: oob.decisionFunction, outOfBagAccuracy: oob.accuracy)
    }

    /// One tree: its bootstrap sample (sklearn _generate_sample_indices: n draws with
    /// replacement, counts multiply the weights) then depth-first growth.
    private func fitTree(
        index: Int, columns: FeatureMatrix, y: [Int], classCount: Int,
        baseWeights: [Double], maxFeatures: Int
    ) -> (tree: DecisionTree, inBag: [Bool]) {
        var rng = SeededGenerator(seed: settings.seed, stream: index)
        var weights = baseWeights
        var inBag: [Bool] = []
        if settings.bootstrap {
            var counts = [Double](repeating: 0, count: y.count)
            for _ in 0..<y.count { counts[rng.nextInt(0, y.count)] += 1 }
            for i in weights.indices { weights[i] *= counts[i] }
            inBag = counts.map { $0 > 0 }
        }
        let set = TreeTrainingSet(columns: columns, labels: y, classCount: classCount, sampleWeights: weights)
        return (grow(set, maxFeatures: maxFeatures, rng: &rng), inBag)
    }

    private func grow(_ set: TreeTrainingSet, maxFeatures: Int, rng: inout SeededGenerator) -> DecisionTree {
        let criterion = ImpurityCriterion(kind: settings.criterion)
        let depth = settings.maxDepth ?? Int.max
        switch settings.splitter {
        case .random:
            let splitter = NodeSplitter<RandomSplitRule>(criterion: criterion, maxFeatures: maxFeatures, minSamplesLeaf: settings.minSamplesLeaf)
            return DepthFirstTreeBuilder(splitter: splitter, maxDepth: depth, minSamplesSplit: settings.minSamplesSplit).build(set, rng: &rng)
        case .best:
            let splitter = NodeSplitter<BestSplitRule>(criterion: criterion, maxFeatures: maxFeatures, minSamplesLeaf: settings.minSamplesLeaf)
            return DepthFirstTreeBuilder(splitter: splitter, maxDepth: depth, minSamplesSplit: settings.minSamplesSplit).build(set, rng: &rng)
        }
    }
}

/// sklearn BaseForest._compute_oob_predictions + oob_score_: each training row averaged over
/// the trees that did not draw it, then accuracy of the argmax.
struct OutOfBagEstimate {
    let decisionFunction: [[Double]]
    let accuracy: Double

    init(trees: [DecisionTree], inBag: [[Bool]], x: [[Double]], y: [Int], classCount: Int, threads: Int) {
        decisionFunction = ParallelLoop.map(count: x.count, threads: threads) { i in
            var sum = [Double](repeating: 0, count: classCount)
            var votes = 0
            x[i].withUnsafeBufferPointer { row in
                sum.withUnsafeMutableBufferPointer { sum in
                    for (t, tree) in trees.enumerated() where !inBag[t][i] {
                        tree.addProbabilities(row: row.baseAddress!, to: sum.baseAddress!)
                        votes += 1
                    }
                }
            }
            return sum.map { $0 / Double(max(votes, 1)) }
        }
        let correct = zip(decisionFunction, y).filter { argmax($0.0) == $0.1 }.count
        accuracy = Double(correct) / Double(y.count)
    }
}
