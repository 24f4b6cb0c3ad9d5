/// Brier scores as scikit-learn 1.9 `brier_score_loss`.
///
/// sklearn 1.9 takes a 1-D `y_proba` as the positive class's probability and returns
/// mean (p - y)^2 (its `scale_by_half="auto"` halves the two-column sum); a 2-D `y_proba`
/// with 3 or more columns gives mean over patients of sum over classes of (p_k - y_k)^2,
/// not halved, so it ranges over [0, 2].
public enum BrierScore {
    /// mean (p - y)^2 with y = 1 for a positive outcome.
    /// - Parameters:
    ///   - outcomes: true when the patient has the outcome.
    ///   - probabilities: the predicted probability of the outcome, in [0, 1], one per outcome.
    /// - Returns: the Brier score in [0, 1] (0 is perfect), sklearn `brier_score_loss`.
    /// - Throws: `StatsError.invalidInput` when the lists are empty or differ in length, or a
    ///   probability lies outside [0, 1].
    public static func binary(outcomes: [Bool], probabilities: [Double]) throws -> Double {
        try validate(outcomes: outcomes, probabilities: probabilities)
        let sum = zip(outcomes, probabilities).reduce(0.0) { total, pair in
            let difference = pair.1 - (pair.0 ? 1 : 0)
            return total + difference * difference
        }
        return sum / Double(outcomes.count)
    }

    /// Mean over patients of sum over classes of (p_k - y_k)^2, y one-hot (sklearn
    /// `brier_score_loss(y, P, labels=range(K))` for K >= 3). Never halved: for K = 2 it is
    /// twice the binary score, where sklearn's "auto" halving gives the binary score.
    /// - Parameters:
    ///   - labels: true class of each patient, coded 0..<K.
    ///   - probabilities: one row per patient, K columns of class probabilities in [0, 1].
    /// - Returns: the multiclass Brier score in [0, 2].
    /// - Throws: `StatsError.invalidInput` for a ragged or empty matrix, fewer than 2 columns, a
    ///   probability outside [0, 1], or a label outside 0..<K.
    public static func multiclass(labels: [Int], probabilities: [[Double]]) throws -> Double {
        let classCount = try ClassLabels.validateProbabilities(probabilities, patients: labels.count)
        try ClassLabels.validate(labels, classCount: classCount, what: "labels")
        let sum = zip(labels, probabilities).reduce(0.0) { total, patient in
            total
                + patient.1.indices.reduce(0.0) { row, k in
                    let difference = (patient.0 == k ? 1 : 0) - patient.1[k]
                    return row + difference * difference
                }
        }
        return sum / Double(labels.count)
    }

    static func validate(outcomes: [Bool], probabilities: [Double]) throws {
        guard !outcomes.isEmpty, outcomes.count == probabilities.count else {
            throw StatsError.invalidInput(
                "\(outcomes.count) outcomes and \(probabilities.count) probabilities; give one of each per patient")
        }
        guard probabilities.allSatisfy({ (0...1).contains($0) }) else {
            throw StatsError.invalidInput("probabilities must lie in [0, 1] (NaN is not allowed)")
        }
    }
}
