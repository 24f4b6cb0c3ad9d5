import Foundation
import TestSupport

@testable import SinoClassifiers

/// Tests/Fixtures/selection/svm.json, written by scripts/peers/svm.py from scikit-learn's SVC.
struct SVMFixture: Decodable {
    struct RandomStream: Decodable {
        var randomState: Int
        var seed: UInt32
        var outputs: [UInt32]
    }

    struct DataSet: Decodable {
        var classCount: Int
        var x: [[Double]]
        var y: [Int]
        var testX: [[Double]]
    }

    /// A JSON number or string (sklearn's gamma: "scale", "auto" or a value).
    enum NumberOrName: Decodable {
        case number(Double)
        case name(String)

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let value = try? container.decode(Double.self) {
                self = .number(value)
            } else {
                self = .name(try container.decode(String.self))
            }
        }
    }

    /// sklearn's class_weight: null, "balanced" or one weight per class.
    enum ClassWeightValue: Decodable {
        case none
        case balanced
        case perClass([Double])

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() {
                self = .none
            } else if let weights = try? container.decode([Double].self) {
                self = .perClass(weights)
            } else {
                let name = try container.decode(String.self)
                guard name == "balanced" else {
                    throw DecodingError.dataCorruptedError(in: container, debugDescription: "class_weight \(name)")
                }
                self = .balanced
            }
        }
    }

    /// sklearn's decision_function: n x columns, or n values for two classes.
    struct Matrix: Decodable {
        var rows: [[Double]]

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let rows = try? container.decode([[Double]].self) {
                self.rows = rows
            } else {
                rows = try container.decode([Double].self).map { [$0] }
            }
        }
    }

    struct Parameters: Decodable {
        var c: Double
        var kernel: String
        var degree: Int
        var gamma: NumberOrName
        var coef0: Double
        var shrinking: Bool
        var probability: Bool
        var tol: Double
        var cacheSize: Double
        var classWeight: ClassWeightValue
        var decisionFunctionShape: String
        var breakTies: Bool
        var randomState: Int?

        enum CodingKeys: String, CodingKey {
            case c = "C"
            case kernel, degree, gamma, coef0, shrinking, probability, tol
            case cacheSize = "cache_size"
            case classWeight = "class_weight"
            case decisionFunctionShape = "decision_function_shape"
            case breakTies = "break_ties"
            case randomState = "random_state"
        }
    }

    struct Case: Decodable {
        var name: String
        var data: String
        var parameters: Parameters
        var gamma: Double
        var nSupport: [Int]
        var decision: Matrix
        var predict: [Int]
        var probabilities: [[Double]]?
        var probA: [Double]?
        var probB: [Double]?
    }

    var generator: String
    var versions: [String: String]
    var randomStreams: [RandomStream]
    var data: [String: DataSet]
    var cases: [Case]

    static let shared = try! Fixtures.decode(SVMFixture.self, "selection/svm.json")

    /// "scikit-learn 1.9.1" for the [compare] lines.
    var tool: String { "scikit-learn \(versions["scikit-learn"] ?? "?")" }
}

extension SVMFixture.Parameters {
    /// The SinoRad classifier with these sklearn hyper-parameters.
    var classifier: SupportVectorClassifier {
        let resolvedGamma: SVMGamma =
            switch gamma {
            case .number(let value): .value(value)
            case .name(let name): name == "auto" ? .auto : .scale
            }
        let weights: SVMClassWeight =
            switch classWeight {
            case .none: .none
            case .balanced: .balanced
            case .perClass(let values): .perClass(values)
            }
        return SupportVectorClassifier(
            c: c, kernel: SVMKernel(rawValue: kernel)!, degree: degree, gamma: resolvedGamma, coef0: coef0, tol: tol,
            cacheSize: cacheSize, shrinking: shrinking, classWeight: weights,
            decisionFunctionShape: DecisionFunctionShape(rawValue: decisionFunctionShape)!, breakTies: breakTies,
            probability: probability, randomState: randomState ?? 0)
    }
}

/// The largest relative difference |a - e| / |e| (absolute below 1e-300), and whether every
/// value is within rel / abs of its reference.
func compareValues(_ actual: [[Double]], _ expected: [[Double]], rel: Double, abs absTol: Double) -> (maxRel: Double, allClose: Bool, count: Int) {
    var maxRel = 0.0
    var allClose = actual.count == expected.count
    var count = 0
    for (a, e) in zip(actual, expected) {
        if a.count != e.count { allClose = false }
        for (u, v) in zip(a, e) {
            count += 1
            let difference = abs(u - v)
            maxRel = max(maxRel, abs(v) > 1e-300 ? difference / abs(v) : difference)
            if !isClose(u, v, rel: rel, abs: absTol) { allClose = false }
        }
    }
    return (maxRel, allClose, count)
}
