import Foundation

/// Extremely randomized trees (Geurts et al. 2006; sklearn ExtraTreesClassifier): each split
/// draws one random threshold per candidate feature and keeps the best.
///
///     var model = ExtraTreesClassifier(nEstimators: 500, seed: 7)
///     try model.fit(x: x, y: y, classCount: 3)
///     let probabilities = try model.predictProbabilities(x: xTest)
///
/// Hyper-parameters are scikit-learn's (sklearn.ensemble.ExtraTreesClassifier 1.9), with its defaults. Trees are fitted in
/// parallel on `threads` threads; tree i draws from its own stream of `seed`, so the model is
/// bit-identical whatever the thread count.
public struct ExtraTreesClassifier: ForestClassifier {
    public static let splitter = ForestSplitter.random

    /// Number of trees (sklearn n_estimators).
    public var nEstimators: Int
    /// Split quality measure (sklearn criterion, default gini).
    public var criterion: SplitCriterion
    /// Features drawn per split (sklearn max_features, default sqrt).
    public var maxFeatures: MaxFeatures
    /// Depth limit; nil grows until leaves are pure or too small (sklearn max_depth=None).
    public var maxDepth: Int?
    /// A node with fewer samples is a leaf (sklearn min_samples_split, default 2).
    public var minSamplesSplit: Int
    /// Splits leaving fewer samples on a side are rejected (sklearn min_samples_leaf, default 1).
    public var minSamplesLeaf: Int
    /// Class weights (sklearn class_weight, default none).
    public var classWeight: ClassWeight
    /// Each tree trains on a bootstrap sample (sklearn bootstrap, default false).
    public var bootstrap: Bool
    /// Compute the out-of-bag estimate while fitting (sklearn oob_score; needs bootstrap).
    public var oobScore: Bool
    /// Seed of every tree's random stream (sklearn random_state).
    public var seed: UInt64
    /// Threads for fitting and prediction; nil = every active core (sklearn n_jobs=-1).
    public var threads: Int?
    /// The fitted forest, nil before `fit`.
    public private(set) var model: ForestModel?

    public init(nEstimators: Int = 100, criterion: SplitCriterion = .gini, maxFeatures: MaxFeatures = .sqrt,
                maxDepth: Int? = nil, minSamplesSplit: Int = 2, minSamplesLeaf: Int = 1,
                classWeight: ClassWeight = .none, bootstrap: Bool = false, oobScore: Bool = false,
                seed: UInt64 = 0, threads: Int? = nil) {
        self.nEstimators = nEstimators
        self.criterion = criterion
        self.maxFeatures = maxFeatures
        self.maxDepth = maxDepth
        self.minSamplesSplit = minSamplesSplit
        self.minSamplesLeaf = minSamplesLeaf
        self.classWeight = classWeight
        self.bootstrap = bootstrap
        self.oobScore = oobScore
        self.seed = seed
        self.threads = threads
    }

    private init(settings s: ForestSettings, model: ForestModel) {
        self.init(nEstimators: s.nEstimators, criterion: s.criterion, maxFeatures: s.maxFeatures, maxDepth: s.maxDepth,
                  minSamplesSplit: s.minSamplesSplit, minSamplesLeaf: s.minSamplesLeaf, classWeight: s.classWeight,
                  bootstrap: s.bootstrap, oobScore: s.oobScore, seed: s.seed)
        self.model = model
    }

    public mutating func fit(x: [[Double]], y: [Int], classCount: Int) throws {
        model = try trainedModel(x: x, y: y, classCount: classCount)
    }

    /// Reads a model written by `save(to:)`; `threads` is not stored and starts as nil.
    public static func load(from url: URL) throws -> ExtraTreesClassifier {
        let (model, settings) = try readModel(from: url)
        return ExtraTreesClassifier(settings: settings, model: model)
    }
}
