import SinoData

/// A K x K confusion matrix: `counts[i][j]` patients of true class `i` predicted as class `j`
/// (rows = truth, columns = prediction), as `sklearn.metrics.confusion_matrix` (1.9) with
/// `labels = 0..<K`.
///
/// ```swift
/// let matrix = try ConfusionMatrix(labels: [0, 1, 2, 2], predicted: [0, 2, 2, 1], classCount: 3)
/// matrix.counts            // [[1, 0, 0], [0, 0, 1], [0, 1, 1]]
/// matrix.rowPercentages    // each row as % of the patients of that true class
/// ```
public struct ConfusionMatrix: Codable, Sendable, Equatable {
    /// Counts, rows = true class, columns = predicted class.
    public let counts: [[Int]]

    /// - Parameter counts: `counts[i][j]` patients of true class i predicted as class j.
    /// - Throws: `StatsError.invalidInput` unless `counts` is square (K >= 2), non-negative and
    ///   not all zero.
    public init(counts: [[Int]]) throws {
        let k = counts.count
        guard k >= 2, counts.allSatisfy({ $0.count == k }) else {
            throw StatsError.invalidInput(
                "a confusion matrix must be square with at least 2 classes; got \(counts.map(\.count))")
        }
        guard counts.joined().allSatisfy({ $0 >= 0 }) else {
            throw StatsError.invalidInput("a confusion matrix cannot hold negative counts")
        }
        guard counts.joined().contains(where: { $0 > 0 }) else {
            throw StatsError.invalidInput("the confusion matrix is empty: there are no patients")
        }
        self.counts = counts
    }

    /// Tallies true classes against predicted classes, both coded `0..<classCount`.
    /// - Parameters:
    ///   - labels: true class of each patient.
    ///   - predicted: predicted class of each patient, in the same order.
    ///   - classCount: K, at least 2.
    /// - Throws: `StatsError.invalidInput` for a class outside 0..<classCount, lists of different
    ///   lengths, or no patient.
    public init(labels: [Int], predicted: [Int], classCount: Int) throws {
        try ClassLabels.validate(labels, classCount: classCount, what: "labels")
        try ClassLabels.validate(predicted, classCount: classCount, what: "predicted classes")
        guard labels.count == predicted.count else {
            throw StatsError.invalidInput(
                "\(labels.count) labels but \(predicted.count) predictions; give one per patient")
        }
        var counts = Array(repeating: Array(repeating: 0, count: classCount), count: classCount)
        for (truth, call) in zip(labels, predicted) { counts[truth][call] += 1 }
        try self.init(counts: counts)
    }

    /// Predicts each patient's class as the most probable one (SinoData's `argmax`: ties to the
    /// first class, as `numpy.argmax`).
    /// - Parameters:
    ///   - labels: true class of each patient, coded 0..<K.
    ///   - probabilities: one row per patient, one column per class, each in [0, 1].
    /// - Throws: `StatsError.invalidInput` for a ragged or empty matrix, fewer than 2 columns,
    ///   a probability outside [0, 1], or a label outside 0..<K.
    public init(labels: [Int], probabilities: [[Double]]) throws {
        let classCount = try ClassLabels.validateProbabilities(probabilities, patients: labels.count)
        try self.init(labels: labels, predicted: probabilities.map { argmax($0) }, classCount: classCount)
    }

    public var classCount: Int { counts.count }
    public var total: Int { counts.joined().reduce(0, +) }
    /// Patients per true class (sklearn's `support`).
    public var rowTotals: [Int] { counts.map { $0.reduce(0, +) } }
    /// Patients per predicted class.
    public var columnTotals: [Int] { (0..<classCount).map { j in counts.reduce(0) { $0 + $1[j] } } }
    /// Correctly classified patients (the diagonal).
    public var correct: Int { (0..<classCount).reduce(0) { $0 + counts[$1][$1] } }

    /// Each row as percentages of its true class, 100 * (count / row total), the arithmetic of
    /// sklearn's `confusion_matrix(normalize="true")` times 100. A class with no patients has
    /// no percentages (nil), where sklearn writes zeros.
    public var rowPercentages: [[Double]?] {
        zip(counts, rowTotals).map { row, total in
            total == 0 ? nil : row.map { 100 * (Double($0) / Double(total)) }
        }
    }

    /// The one-vs-rest 2 x 2 counts of class `k` (sklearn's `multilabel_confusion_matrix`).
    /// - Parameter k: the class, in 0..<classCount.
    /// - Returns: true/false positives and negatives of class k against all the others.
    public func oneVsRest(_ k: Int) -> OneVsRestCounts {
        let truePositives = counts[k][k]
        let falseNegatives = rowTotals[k] - truePositives
        let falsePositives = columnTotals[k] - truePositives
        return OneVsRestCounts(
            truePositives: truePositives, falsePositives: falsePositives,
            falseNegatives: falseNegatives,
            trueNegatives: total - truePositives - falsePositives - falseNegatives)
    }
}

/// Class `k` against all the others.
public struct OneVsRestCounts: Codable, Sendable, Equatable {
    public let truePositives: Int
    public let falsePositives: Int
    public let falseNegatives: Int
    public let trueNegatives: Int
}

/// Checks shared by every routine that takes class codes or class probabilities.
enum ClassLabels {
    static func validate(_ classes: [Int], classCount: Int, what: String) throws {
        guard classCount >= 2 else {
            throw StatsError.invalidInput("need at least 2 classes; got \(classCount)")
        }
        if let bad = classes.first(where: { !(0..<classCount).contains($0) }) {
            throw StatsError.invalidInput(
                "\(what) must be class indices 0..<\(classCount); found \(bad)")
        }
    }

    /// Checks one row of K >= 2 probabilities per patient, each in [0, 1]; returns K.
    static func validateProbabilities(_ probabilities: [[Double]], patients: Int) throws -> Int {
        guard probabilities.count == patients, patients > 0 else {
            throw StatsError.invalidInput(
                "\(probabilities.count) rows of probabilities for \(patients) patients; give one row per patient")
        }
        let classCount = probabilities[0].count
        guard classCount >= 2, probabilities.allSatisfy({ $0.count == classCount }) else {
            throw StatsError.invalidInput(
                "every row of probabilities needs the same number (>= 2) of classes")
        }
        guard probabilities.joined().allSatisfy({ (0...1).contains($0) }) else {
            throw StatsError.invalidInput("probabilities must lie in [0, 1] (NaN is not allowed)")
        }
        return classCount
    }
}
