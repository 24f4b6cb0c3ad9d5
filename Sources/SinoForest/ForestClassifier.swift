import SinoData
import Foundation

/// What ExtraTrees and RandomForest share: the same hyper-parameters (scikit-learn's), the same
/// trees and files; they differ only in how a split is drawn (`splitter`).
public protocol ForestClassifier: Classifier {
    /// How a node's split is drawn: random thresholds (ExtraTrees) or the best midpoint (RandomForest).
    static var splitter: ForestSplitter { get }
    /// The scikit-learn estimator reproduced, for messages ("ExtraTreesClassifier").
    static var estimatorName: String { get }
    var nEstimators: Int { get }
    var criterion: SplitCriterion { get }
    var maxFeatures: MaxFeatures { get }
    var maxDepth: Int? { get }
    var minSamplesSplit: Int { get }
    var minSamplesLeaf: Int { get }
    var classWeight: ClassWeight { get }
    var bootstrap: Bool { get }
    var oobScore: Bool { get }
    var seed: UInt64 { get }
    var threads: Int? { get }
    /// The fitted forest, nil before `fit`.
    var model: ForestModel? { get }
}

extension ForestClassifier {
    var settings: ForestSettings {
        ForestSettings(splitter: Self.splitter, nEstimators: nEstimators, criterion: criterion, maxFeatures: maxFeatures,
                       maxDepth: maxDepth, minSamplesSplit: minSamplesSplit, minSamplesLeaf: minSamplesLeaf,
                       classWeight: classWeight, bootstrap: bootstrap, oobScore: oobScore, seed: seed)
    }

    /// Trains a forest with these hyper-parameters (what each classifier's `fit` stores).
    func trainedModel(x: [[Double]], y: [Int], classCount: Int) throws -> ForestModel {
        try ForestTraining(settings: settings, threads: ParallelLoop.threadCount(threads)).fit(x: x, y: y, classCount: classCount)
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

    /// Reads a model file and checks it holds this kind of forest.
    static func readModel(from url: URL) throws -> (ForestModel, ForestSettings) {
        let (model, settings) = try ForestModelFile.read(from: url)
        guard settings.splitter == splitter else {
            throw ForestError.unreadableModelFile(
                path: url.path, problem: "it holds a \(settings.splitter)-splitter forest, expected \(estimatorName) (\(splitter))")
        }
        return (model, settings)
    }

    func fitted() throws -> ForestModel {
        guard let model else { throw ForestError.notFitted(Self.estimatorName) }
        return model
    }
}
