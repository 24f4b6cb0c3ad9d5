import Foundation
import SinoData

/// How XGBoost grows trees (XGBoost's `tree_method`).
public enum XGBoostTreeMethod: String, Sendable, Codable {
    /// Every split point of every feature (`grow_colmaker`): what XGBoost 1.7.4's `auto`
    /// chooses on data as small as radiomics cohorts, and the default here.
    case exact
    /// Histograms of at most `maxBin` bins per feature.
    case hist
}

/// Gradient-boosted trees trained by XGBoost 1.7.4's C API (Debian's libxgboost-dev) exactly
/// as python xgboost 1.7.4's `XGBClassifier` trains them: the same hyper-parameters and
/// defaults, objective `multi:softprob` (num_class = classCount) for more than two classes and
/// `binary:logistic` for two, and probabilities equal Float for Float.
///
///     var model = GradientBoostingClassifier(nEstimators: 200, learningRate: 0.1, maxDepth: 3)
///     try model.fit(x: x, y: y, classCount: 3)
///     let probabilities = try model.predictProbabilities(x: xTest)
///
/// Rows are rounded from Double to the nearest Float before XGBoost sees them, as XGBoost
/// does with numpy float64 input. NaN is a missing value (XGBoost learns a default direction
/// for it at every split), in training and in prediction rows; infinities are refused.
///
/// Threads: `threads` (XGBoost `nthread`) is pinned, 1 by default, where XGBClassifier's
/// default uses every core. XGBoost does not promise the same trees for every thread count
/// (its parallel loops split the gradient sums by thread), so a pinned count keeps a model
/// from depending on the machine it was trained on; on the fixtures' data, 1 and 2 threads
/// gave the same probabilities bit for bit (tested).
///
/// A class of 0..<classCount absent from `y` is still a class of the model (num_class =
/// classCount) and gets a small probability; python's XGBClassifier refuses such labels.
public struct GradientBoostingClassifier: Classifier {
    /// Boosting rounds (XGBClassifier `n_estimators`, default 100).
    public var nEstimators: Int
    /// Shrinkage of each tree (`learning_rate`, XGBoost `eta`, default 0.3).
    public var learningRate: Double
    /// Tree depth limit, >= 1 (`max_depth`, default 6).
    public var maxDepth: Int
    /// Minimum Hessian sum in a child (`min_child_weight`, default 1).
    public var minChildWeight: Double
    /// Fraction of rows each tree samples, in (0, 1] (`subsample`, default 1).
    public var subsample: Double
    /// Fraction of features each tree samples, in (0, 1] (`colsample_bytree`, default 1).
    public var colsampleByTree: Double
    /// L2 penalty on leaf weights (`reg_lambda`, XGBoost `lambda`, default 1).
    public var regLambda: Double
    /// L1 penalty on leaf weights (`reg_alpha`, XGBoost `alpha`, default 0).
    public var regAlpha: Double
    /// Minimum loss reduction to split (`gamma`, XGBoost `min_split_loss`, default 0).
    public var gamma: Double
    /// Tree construction (`tree_method`, default exact: XGBoost 1.7.4's auto on small data).
    public var treeMethod: XGBoostTreeMethod
    /// Bins per feature for hist, >= 2 (`max_bin`, default 256).
    public var maxBin: Int
    /// Initial prediction (`base_score`, default 0.5 as in XGBoost 1.7.4; 2.0 estimates it).
    /// With softprob it shifts every class equally and cancels; with logistic it is P = 0.5.
    public var baseScore: Double
    /// Seed of row and column sampling (`random_state`, XGBoost `seed`, default 0).
    public var seed: Int
    /// XGBoost threads (`n_jobs`, XGBoost `nthread`), pinned to 1 by default (see above).
    public var threads: Int
    /// The fitted booster, nil before `fit`.
    public private(set) var model: GradientBoostingModel?

    public init(
        nEstimators: Int = 100, learningRate: Double = 0.3, maxDepth: Int = 6, minChildWeight: Double = 1,
        subsample: Double = 1, colsampleByTree: Double = 1, regLambda: Double = 1, regAlpha: Double = 0,
        gamma: Double = 0, treeMethod: XGBoostTreeMethod = .exact, maxBin: Int = 256, baseScore: Double = 0.5,
        seed: Int = 0, threads: Int = 1
    ) {
        self.nEstimators = nEstimators
        self.learningRate = learningRate
        self.maxDepth = maxDepth
        self.minChildWeight = minChildWeight
        self.subsample = subsample
        self.colsampleByTree = colsampleByTree
        self.regLambda = regLambda
        self.regAlpha = regAlpha
        self.gamma = gamma
        self.treeMethod = treeMethod
        self.maxBin = maxBin
        self.baseScore = baseScore
        self.seed = seed
        self.threads = threads
    }

    /// The XGBoost parameters, as XGBoosterSetParam takes them (numbers in Swift's shortest
    /// round-tripping text, which is Python's `str` of the same value).
    func parameters(classCount: Int) -> [(String, String)] {
        var list: [(String, String)] =
            classCount > 2
            ? [("objective", "multi:softprob"), ("num_class", "\(classCount)")] : [("objective", "binary:logistic")]
        list += [
            ("eta", "\(learningRate)"), ("max_depth", "\(maxDepth)"), ("min_child_weight", "\(minChildWeight)"),
            ("subsample", "\(subsample)"), ("colsample_bytree", "\(colsampleByTree)"), ("lambda", "\(regLambda)"),
            ("alpha", "\(regAlpha)"), ("gamma", "\(gamma)"), ("tree_method", treeMethod.rawValue),
            ("max_bin", "\(maxBin)"), ("base_score", "\(baseScore)"), ("seed", "\(seed)"), ("nthread", "\(threads)")
        ]
        return list
    }

    public mutating func fit(x: [[Double]], y: [Int], classCount: Int) throws {
        try validateHyperParameters()
        let p = try TrainingInput.validate(x: x, y: y, classCount: classCount, allowMissing: true)
        let training = try XGBoostMatrix(rows: x, featureCount: p, threads: threads)
        try training.setField("label", y.map { Float($0) })
        let booster = try XGBoostBooster(matrices: [training])
        for (name, value) in parameters(classCount: classCount) { try booster.setParameter(name, value) }
        for iteration in 0..<nEstimators { try booster.updateOneIteration(iteration, training) }
        model = GradientBoostingModel(classCount: classCount, featureCount: p, threads: threads, booster: booster)
    }

    /// Class probabilities, n x classCount, computed in Float by XGBoost (binary: [1 - p, p]
    /// with the subtraction in Float, as XGBClassifier's predict_proba) and widened to Double.
    public func predictProbabilities(x: [[Double]]) throws -> [[Double]] {
        try fitted().probabilities(x: x).map { $0.map(Double.init) }
    }

    /// The probabilities as XGBoost's Floats (what python's predict_proba returns, float32).
    public func predictProbabilitiesFloat(x: [[Double]]) throws -> [[Float]] {
        try fitted().probabilities(x: x)
    }

    /// Writes the booster in XGBoost's JSON model format (XGBoosterSaveModel to a .json path),
    /// which python xgboost 1.7.4 reads with `Booster.load_model`.
    public func saveModel(to url: URL) throws {
        guard url.pathExtension == "json" else {
            throw ClassifierError.invalidHyperParameter(
                name: "saveModel(to:)", value: url.lastPathComponent, expected: "a path ending in .json (XGBoost's JSON model format)")
        }
        try fitted().booster.save(to: url.path)
    }

    /// Reads a model written by `saveModel(to:)` (or by python xgboost's `save_model` as JSON):
    /// the number of features and classes come from the model file; predictions run on
    /// `threads` threads; the other hyper-parameters of the returned classifier are the
    /// defaults (they only matter for training).
    public static func loadModel(from url: URL, threads: Int = 1) throws -> GradientBoostingClassifier {
        guard threads >= 1 else { throw ClassifierError.invalidHyperParameter(name: "threads", value: "\(threads)", expected: "an integer >= 1") }
        var classifier = GradientBoostingClassifier(threads: threads)
        let booster = try XGBoostBooster(matrices: [])
        try booster.load(from: url.path)
        try booster.setParameter("nthread", "\(threads)")
        let shape = try XGBoostModelShape(configuration: booster.configuration())
        classifier.model = GradientBoostingModel(
            classCount: shape.classCount, featureCount: shape.featureCount, threads: threads, booster: booster)
        return classifier
    }

    func fitted() throws -> GradientBoostingModel {
        guard let model else { throw ClassifierError.notFitted("GradientBoostingClassifier") }
        return model
    }

    private func validateHyperParameters() throws {
        func invalid(_ name: String, _ value: Any, _ expected: String) -> ClassifierError {
            .invalidHyperParameter(name: name, value: "\(value)", expected: expected)
        }
        guard nEstimators >= 1 else { throw invalid("nEstimators", nEstimators, "an integer >= 1") }
        guard learningRate >= 0, learningRate.isFinite else { throw invalid("learningRate", learningRate, "a finite number >= 0") }
        guard maxDepth >= 1 else { throw invalid("maxDepth", maxDepth, "an integer >= 1") }
        guard minChildWeight >= 0, minChildWeight.isFinite else { throw invalid("minChildWeight", minChildWeight, "a finite number >= 0") }
        guard subsample > 0, subsample <= 1 else { throw invalid("subsample", subsample, "a fraction in (0, 1]") }
        guard colsampleByTree > 0, colsampleByTree <= 1 else { throw invalid("colsampleByTree", colsampleByTree, "a fraction in (0, 1]") }
        guard regLambda >= 0, regLambda.isFinite else { throw invalid("regLambda", regLambda, "a finite number >= 0") }
        guard regAlpha >= 0, regAlpha.isFinite else { throw invalid("regAlpha", regAlpha, "a finite number >= 0") }
        guard gamma >= 0, gamma.isFinite else { throw invalid("gamma", gamma, "a finite number >= 0") }
        guard maxBin >= 2 else { throw invalid("maxBin", maxBin, "an integer >= 2") }
        guard baseScore > 0, baseScore < 1 else { throw invalid("baseScore", baseScore, "a probability in (0, 1) (binary:logistic needs one)") }
        guard seed >= 0, seed <= Int(Int32.max) else { throw invalid("seed", seed, "an integer in 0...2147483647") }
        guard threads >= 1 else { throw invalid("threads", threads, "an integer >= 1 (pinned: results must not depend on the machine)") }
    }
}

/// A fitted booster with the shape of its input and output.
public struct GradientBoostingModel: Sendable {
    /// Columns of `predictProbabilities`.
    public let classCount: Int
    /// Features per row.
    public let featureCount: Int
    /// XGBoost threads for prediction (the classifier's `threads` when it was fitted).
    public let threads: Int
    let booster: XGBoostBooster

    /// n x classCount Float probabilities.
    func probabilities(x: [[Double]]) throws -> [[Float]] {
        try TrainingInput.validatePrediction(x: x, featureCount: featureCount, allowMissing: true)
        let output = try booster.predict(XGBoostMatrix(rows: x, featureCount: featureCount, threads: threads))
        if classCount == 2 {
            guard output.count == x.count else { throw shapeError(output.count, expected: x.count) }
            return output.map { [1 - $0, $0] }
        }
        guard output.count == x.count * classCount else { throw shapeError(output.count, expected: x.count * classCount) }
        return (0..<x.count).map { Array(output[($0 * classCount)..<(($0 + 1) * classCount)]) }
    }

    private func shapeError(_ count: Int, expected: Int) -> ClassifierError {
        .library(name: "XGBoost", function: "XGBoosterPredictFromDMatrix", message: "\(count) values returned: expected \(expected)")
    }
}
