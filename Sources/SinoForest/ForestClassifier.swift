import Foundation
import SinoData

/// The two forests SinoForest grows. They share the hyper-parameters (scikit-learn's), the
/// trees and the model file, and differ only in how a split is drawn and in the bootstrap
/// default.
public enum ForestKind: Sendable {
    /// Extremely randomized trees (Geurts et al. 2006; sklearn ExtraTreesClassifier): each split
    /// draws one random threshold per candidate feature and keeps the best; no bootstrap by default.
    case extraTrees
    /// Random forest (Breiman 2001; sklearn RandomForestClassifier): bootstrap samples, and each
    /// split takes the best midpoint threshold of each candidate feature.
    case randomForest

    /// The scikit-learn estimator this kind reproduces, for messages ("ExtraTreesClassifier").
    public var estimatorName: String {
        switch self {
        case .extraTrees: "ExtraTreesClassifier"
        case .randomForest: "RandomForestClassifier"
        }
    }

    /// How a node's split is drawn: random thresholds (ExtraTrees) or the best midpoint (RandomForest).
    var splitter: ForestSplitter {
        switch self {
        case .extraTrees: .random
        case .randomForest: .best
        }
    }

    var defaultBootstrap: Bool { self == .randomForest }
}

/// A forest of decision trees with scikit-learn's hyper-parameters and defaults
/// (sklearn.ensemble.ExtraTreesClassifier / RandomForestClassifier 1.9). Trees are fitted in
/// parallel on `threads` threads; tree i draws from its own stream of `seed`, so the model is
/// bit-identical whatever the thread count.
///
///     var model = ForestClassifier(.extraTrees, nEstimators: 500, seed: 7)
///     try model.fit(x: x, y: y, classCount: 3)
///     let probabilities = try model.predictProbabilities(x: xTest)
public struct ForestClassifier: Classifier {
    /// ExtraTrees or RandomForest.
    public let kind: ForestKind
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

    /// `bootstrap` nil takes the kind's default (false for ExtraTrees, true for RandomForest).
    public init(
        _ kind: ForestKind, nEstimators: Int = 100, criterion: SplitCriterion = .gini, maxFeatures: MaxFeatures = .sqrt,
        maxDepth: Int? = nil, minSamplesSplit: Int = 2, minSamplesLeaf: Int = 1,
        classWeight: ClassWeight = .none, bootstrap: Bool? = nil, oobScore: Bool = false,
        seed: UInt64 = 0, threads: Int? = nil
    ) {
        self.kind = kind
        self.nEstimators = nEstimators
        self.criterion = criterion
        self.maxFeatures = maxFeatures
        self.maxDepth = maxDepth
        self.minSamplesSplit = minSamplesSplit
        self.minSamplesLeaf = minSamplesLeaf
        self.classWeight = classWeight
        self.bootstrap = bootstrap ?? kind.defaultBootstrap
        self.oobScore = oobScore
        self.seed = seed
        self.threads = threads
    }

    /// The hyper-parameters as training and the model file take them.
    var settings: ForestSettings {
        ForestSettings(
            splitter: kind.splitter, nEstimators: nEstimators, criterion: criterion, maxFeatures: maxFeatures,
            maxDepth: maxDepth, minSamplesSplit: minSamplesSplit, minSamplesLeaf: minSamplesLeaf,
            classWeight: classWeight, bootstrap: bootstrap, oobScore: oobScore, seed: seed)
    }

    public mutating func fit(x: [[Double]], y: [Int], classCount: Int) throws {
        model = try ForestTraining(settings: settings, threads: ParallelLoop.threadCount(threads))
            .fit(x: x, y: y, classCount: classCount)
    }

    public func predictProbabilities(x: [[Double]]) throws -> [[Double]] {
        try fitted().probabilities(x: x, threads: ParallelLoop.threadCount(threads))
    }

    /// MDI importances (sklearn feature_importances_), summing to 1.
    public func featureImportances() throws -> [Double] { try fitted().featureImportances }

    /// Out-of-bag accuracy (sklearn oob_score_), when fitted with `oobScore`.
    public var outOfBagAccuracy: Double? { model?.outOfBagAccuracy }

    /// Out-of-bag class probabilities per training row (sklearn oob_decision_function_).
    public var outOfBagDecisionFunction: [[Double]]? { model?.outOfBagDecisionFunction }

    /// Writes the fitted model and its hyper-parameters (format: `ForestModelFile`).
    public func save(to url: URL) throws {
        try ForestModelFile.write(try fitted(), settings: settings, to: url)
    }

    /// Reads a model written by `save(to:)`; `threads` is not stored and starts as nil. With
    /// `kind`, a file holding the other kind of forest is an error.
    public static func load(from url: URL, kind expected: ForestKind? = nil) throws -> ForestClassifier {
        let (model, s) = try ForestModelFile.read(from: url)
        let kind: ForestKind = s.splitter == .random ? .extraTrees : .randomForest
        if let expected, expected != kind {
            throw ForestError.unreadableModelFile(
                path: url.path, problem: "it holds a \(s.splitter)-splitter forest, expected \(expected.estimatorName) (\(expected.splitter))")
        }
        var forest = ForestClassifier(
            kind, nEstimators: s.nEstimators, criterion: s.criterion, maxFeatures: s.maxFeatures,
            maxDepth: s.maxDepth, minSamplesSplit: s.minSamplesSplit, minSamplesLeaf: s.minSamplesLeaf,
            classWeight: s.classWeight, bootstrap: s.bootstrap, oobScore: s.oobScore, seed: s.seed)
        forest.model = model
        return forest
    }

    func fitted() throws -> ForestModel {
        guard let model else { throw ForestError.notFitted(kind.estimatorName) }
        return model
    }
}
