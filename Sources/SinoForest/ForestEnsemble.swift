import Foundation

/// What distinguishes ExtraTrees from RandomForest: the split rule and the bootstrap default.
/// Everything else (hyper-parameters, trees, prediction, importances, files) is shared.
public protocol ForestKind: Sendable {
    static var splitter: ForestSplitter { get }
    static var defaultBootstrap: Bool { get }
    /// The scikit-learn estimator this kind reproduces, for messages.
    static var estimatorName: String { get }
}

/// Extremely randomized trees (Geurts et al. 2006; sklearn ExtraTreesClassifier): each split
/// draws one random threshold per candidate feature and keeps the best; no bootstrap by default.
public enum ExtraTreesKind: ForestKind {
    public static let splitter = ForestSplitter.random
    public static let defaultBootstrap = false
    public static let estimatorName = "ExtraTreesClassifier"
}

/// Random forest (Breiman 2001; sklearn RandomForestClassifier): bootstrap samples, and each
/// split takes the best midpoint threshold of each candidate feature.
public enum RandomForestKind: ForestKind {
    public static let splitter = ForestSplitter.best
    public static let defaultBootstrap = true
    public static let estimatorName = "RandomForestClassifier"
}

///     var model = ExtraTreesClassifier(nEstimators: 500, seed: 7)
///     try model.fit(x: x, y: y, classCount: 3)
///     let probabilities = try model.predictProbabilities(x: xTest)
public typealias ExtraTreesClassifier = ForestEnsemble<ExtraTreesKind>

///     var model = RandomForestClassifier(nEstimators: 500, seed: 7)
public typealias RandomForestClassifier = ForestEnsemble<RandomForestKind>

/// A forest of decision trees with scikit-learn's hyper-parameters and defaults
/// (sklearn.ensemble.ExtraTreesClassifier / RandomForestClassifier 1.9). Trees are fitted in
/// parallel on `threads` threads; tree i draws from its own stream of `seed`, so the model is
/// bit-identical whatever the thread count.
public struct ForestEnsemble<Kind: ForestKind>: ForestClassifier {
    public static var splitter: ForestSplitter { Kind.splitter }
    public static var estimatorName: String { Kind.estimatorName }

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
    /// Each tree trains on a bootstrap sample (sklearn bootstrap; default false for ExtraTrees,
    /// true for RandomForest).
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
                classWeight: ClassWeight = .none, bootstrap: Bool = Kind.defaultBootstrap, oobScore: Bool = false,
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
    public static func load(from url: URL) throws -> Self {
        let (model, settings) = try readModel(from: url)
        return Self(settings: settings, model: model)
    }
}
