import Foundation
import TestSupport

@testable import SinoClassifiers

/// Tests/Fixtures/selection/xgboost.json, written by scripts/peers/xgboost_classifier.py from
/// python xgboost's XGBClassifier.
struct XGBoostFixture: Decodable {
    struct DataSet: Decodable {
        var classCount: Int
        /// Rows with null for a missing value.
        var x: [[Double?]]
        var y: [Int]
        var testX: [[Double?]]

        var training: [[Double]] { x.map { $0.map { $0 ?? .nan } } }
        var test: [[Double]] { testX.map { $0.map { $0 ?? .nan } } }
    }

    struct Parameters: Decodable {
        var nEstimators: Int
        var learningRate: Double
        var maxDepth: Int
        var minChildWeight: Double
        var subsample: Double
        var colsampleByTree: Double
        var regLambda: Double
        var regAlpha: Double
        var gamma: Double
        var treeMethod: String
        var maxBin: Int
        var baseScore: Double
        var randomState: Int
        var nJobs: Int

        enum CodingKeys: String, CodingKey {
            case nEstimators = "n_estimators"
            case learningRate = "learning_rate"
            case maxDepth = "max_depth"
            case minChildWeight = "min_child_weight"
            case subsample
            case colsampleByTree = "colsample_bytree"
            case regLambda = "reg_lambda"
            case regAlpha = "reg_alpha"
            case gamma
            case treeMethod = "tree_method"
            case maxBin = "max_bin"
            case baseScore = "base_score"
            case randomState = "random_state"
            case nJobs = "n_jobs"
        }

        var classifier: GradientBoostingClassifier {
            GradientBoostingClassifier(
                nEstimators: nEstimators, learningRate: learningRate, maxDepth: maxDepth, minChildWeight: minChildWeight,
                subsample: subsample, colsampleByTree: colsampleByTree, regLambda: regLambda, regAlpha: regAlpha,
                gamma: gamma, treeMethod: XGBoostTreeMethod(rawValue: treeMethod)!, maxBin: maxBin, baseScore: baseScore,
                seed: randomState, threads: nJobs)
        }
    }

    struct Case: Decodable {
        var name: String
        var data: String
        var parameters: Parameters
        var objective: String
        var probabilities: [[Double]]
        var configBaseScore: Double
        var configTreeMethod: String
    }

    var generator: String
    var versions: [String: String]
    var data: [String: DataSet]
    var cases: [Case]

    static let shared = try! Fixtures.decode(XGBoostFixture.self, "selection/xgboost.json")

    var tool: String { "xgboost \(versions["xgboost"] ?? "?")" }
}
