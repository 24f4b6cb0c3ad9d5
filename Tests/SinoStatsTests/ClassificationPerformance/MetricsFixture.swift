import Foundation
import TestSupport
import Testing

/// Tests/Fixtures/metrics.json, written by scripts/peers/metrics.py from scikit-learn 1.9.1,
/// statsmodels 0.15.0 and dcurves 1.1.7 on predictions of sklearn models (iris, wine,
/// breast_cancer, digits 0-2).
///
/// Decoded with `JSONDecoder`, which parses numbers exactly; `JSONSerialization` on Linux
/// (swift-corelibs-foundation, Swift 6.3) misreads some doubles by 1-2 ulp
/// (0.9655172413793104 -> 0.9655172413793102), which would spoil exact comparisons.
struct MetricsFixture: Decodable, Sendable {
    let versions: [String: String]
    let thresholds: [Double]
    let cases: [ModelCase]
    let calibrationToys: [CalibrationToy]
    let mcnemar: [McNemarCase]
    let kappa: [KappaCase]
    let cochranQ: [CochranCase]

    static let shared: MetricsFixture? = {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try? decoder.decode(MetricsFixture.self, from: Data(contentsOf: Fixtures.url("metrics.json")))
    }()

    static func load() throws -> MetricsFixture { try #require(shared, "Tests/Fixtures/metrics.json did not decode") }

    /// "dcurves 1.1.7, numpy ..., scikit-learn 1.9.1, ..."
    var versionLine: String { versions.keys.sorted().map { "\($0) \(versions[$0]!)" }.joined(separator: ", ") }

    /// One fitted model's test-split predictions and its reference numbers.
    struct ModelCase: Decodable, Sendable {
        let name: String
        let labels: [Int]
        let probabilities: [[Double]]
        let predicted: [Int]
        let confusionMatrix: [[Int]]
        let confusionNormalizedTrue: [[Double]]
        let accuracy: Double
        let accuracyWilson: [Double]
        let precision, recall, f1: [Double]
        let support: [Int]
        let macro, weighted: [String: Double]
        let sklearnWarnedZeroDivision: Bool
        let oneVsRest: [OneVsRest]
        let calibration: Calibration
        let decisionCurves: [Curve]
        var classCount: Int { probabilities[0].count }
    }

    struct OneVsRest: Decodable, Sendable {
        let tp, fp, fn, tn: Int
        let specificity, npv: Double
        let wilson: [String: [Double]?]
    }

    struct Bins: Decodable, Sendable { let probTrue, probPred: [Double] }
    struct ClassCalibration: Decodable, Sendable { let brier: Double; let uniform, quantile: Bins }
    struct Calibration: Decodable, Sendable { let classes: [ClassCalibration]; let multiclassBrier: Double }
    struct Curve: Decodable, Sendable { let model, all, none, thresholds: [Double] }

    struct CalibrationToy: Decodable, Sendable {
        let name: String
        let outcomes: [Int]
        let probabilities: [Double]
        let brier: Double
        let uniform, quantile: Bins
    }

    /// statsmodels' statistic and p as Python `repr` strings ("inf", "nan" included), with
    /// high-precision p-values: the exact binomial tail as a rational rounded once
    /// (`pvalue_rational`) and mpmath's 40-digit chi-square tail (`pvalue_mpmath`).
    struct McNemarCase: Decodable, Sendable {
        struct Result: Decodable, Sendable {
            let statistic, pvalue: String
            let pvalueRational, pvalueMpmath: String?
            var statisticValue: Double { Double(statistic)! }
            var pValue: Double { Double(pvalue)! }
            var highPrecisionP: Double? { (pvalueRational ?? pvalueMpmath).flatMap(Double.init) }
        }
        let name: String
        let b, c: Int
        let exact, corrected, uncorrected: Result
        let labels, predictedA, predictedB: [Int]?
    }

    struct KappaCase: Decodable, Sendable {
        struct Result: Decodable, Sendable {
            let sklearnKappa, statsmodelsKappa, stdKappa, kappaLow, kappaUpp: Double
        }
        let name: String
        let ratingsA, ratingsB: [Int]
        let classes: Int
        let table: [[Int]]
        let none, linear, quadratic: Result
    }

    struct CochranCase: Decodable, Sendable {
        let name: String
        let x: [[Int]]
        let statistic, pvalue: Double
        let df: Int
    }
}

/// The largest differences seen, for `reportComparison`; `check` also expects closeness.
struct MaxDifference {
    private(set) var relative = 0.0
    /// Largest absolute difference where the reference is within `abs` of 0 (rounding residue
    /// of a quantity that is 0 in exact arithmetic: relative differences mean nothing there).
    private(set) var absoluteAtZero = 0.0

    static func relative(_ actual: Double, _ expected: Double) -> Double {
        if actual == expected { return 0 }
        return abs(actual - expected) / max(abs(expected), .leastNormalMagnitude)
    }

    /// Compares within `rel` (relative) or `abs` (absolute, for references at 0) and records it.
    mutating func check(
        _ actual: Double?, _ expected: Double, rel: Double, abs absolute: Double = 0,
        _ comment: @autoclosure () -> String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        guard let actual else {
            Issue.record("\(comment()): nil, expected \(expected)", sourceLocation: sourceLocation)
            return
        }
        #expect(isClose(actual, expected, rel: rel, abs: absolute), "\(comment())", sourceLocation: sourceLocation)
        if abs(expected) <= absolute {
            absoluteAtZero = max(absoluteAtZero, abs(actual - expected))
        } else {
            relative = max(relative, Self.relative(actual, expected))
        }
    }

    /// Prints the comparison line, naming the absolute difference at zero when there was one.
    func report(_ what: String, tool: String) {
        let atZero = absoluteAtZero > 0 ? " (abs diff \(absoluteAtZero) where the reference is ~0)" : ""
        reportComparison(what + atZero, tool: tool, maxRelDiff: relative)
    }
}
