import SinoData
import SinoRandom

/// Permutation importance of each feature (sklearn.inspection.permutation_importance).
public struct PermutationImportance: Sendable, Equatable {
    /// Mean over repeats of (baseline score - score with the feature's column shuffled).
    public let mean: [Double]
    /// Population standard deviation (numpy std, ddof 0) of those drops.
    public let standardDeviation: [Double]
    /// drops[j][r]: the drop of feature j in repeat r (sklearn's `importances`).
    public let drops: [[Double]]
}

/// A score computed from the true labels and the predicted probabilities; higher is better.
public typealias ClassifierScoring = @Sendable (_ y: [Int], _ probabilities: [[Double]]) -> Double

/// Fraction of rows whose most probable class (ties to the first) is the label.
public let accuracyScoring: ClassifierScoring = { y, probabilities in
    Double(zip(y, probabilities).filter { argmax($0.1) == $0.0 }.count) / Double(y.count)
}

extension Classifier {
    /// sklearn.inspection.permutation_importance on a fitted classifier: for each feature and
    /// each repeat, shuffle that column (Fisher-Yates with a stream derived from `seed` and the
    /// feature), score, and record baseline - score.
    public func permutationImportance(
        x: [[Double]], y: [Int], repeats: Int = 5, seed: UInt64 = 0,
        scoring: ClassifierScoring = accuracyScoring
    ) throws -> PermutationImportance {
        guard repeats >= 1 else {
            throw ForestError.invalidHyperParameter(name: "repeats", value: "\(repeats)", expected: "at least 1")
        }
        let p = try InputValidation.checkMatrix(x)
        guard y.count == x.count else {
            throw ForestError.invalidInput(what: "y", expected: "one label per row of x (\(x.count) rows, \(y.count) labels)")
        }
        let baseline = scoring(y, try predictProbabilities(x: x))
        var drops: [[Double]] = []
        for j in 0..<p {
            var rng = SeededGenerator(seed: seed, stream: j)
            var shuffled = x
            drops.append(
                try (0..<repeats).map { _ in
                    shuffleColumn(j, of: &shuffled, rng: &rng)
                    return baseline - scoring(y, try predictProbabilities(x: shuffled))
                })
        }
        let means = drops.map { $0.reduce(0, +) / Double(repeats) }
        let deviations = zip(drops, means).map { row, m in
            (row.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(repeats)).squareRoot()
        }
        return PermutationImportance(mean: means, standardDeviation: deviations, drops: drops)
    }
}

/// Fisher-Yates shuffle of column j in place.
private func shuffleColumn(_ j: Int, of x: inout [[Double]], rng: inout SeededGenerator) {
    for i in stride(from: x.count - 1, to: 0, by: -1) {
        let k = rng.nextInt(0, i + 1)
        let tmp = x[i][j]
        x[i][j] = x[k][j]
        x[k][j] = tmp
    }
}
