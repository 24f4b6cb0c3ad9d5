/// The empirical ROC curve of one binary problem (higher score = case), as scikit-learn's
/// `roc_curve(y_true, y_score, drop_intermediate=False)` returns it: one point per distinct
/// score, thresholds descending, preceded by the point (0, 0) at threshold +infinity.
///
///     let curve = try ROCCurve(scores: [0.9, 0.4, 0.4, 0.1], isCase: [true, true, false, false])
///     curve.thresholds           // [inf, 0.9, 0.4, 0.1]
///     curve.truePositiveRates    // [0, 0.5, 1, 1]
///     curve.falsePositiveRates   // [0, 0, 0.5, 1]
public struct ROCCurve: Codable, Sendable, Equatable {
    /// Score cut-offs, descending; a point counts scores >= its threshold as positive.
    public let thresholds: [Double]
    public let falsePositiveRates: [Double]
    public let truePositiveRates: [Double]
    public let caseCount: Int
    public let controlCount: Int

    /// Throws when a score is not finite or when there is no case or no control (sklearn
    /// warns and returns NaN rates there).
    /// - Parameters:
    ///   - scores: one score per patient; a higher score means more likely a case.
    ///   - isCase: true for a case, one per score.
    /// - Throws: `StatsError.invalidInput` when the counts differ, a score is not finite, or there
    ///   is no case or no control.
    public init(scores: [Double], isCase: [Bool]) throws {
        try ROCInput.requireScores(scores, matching: isCase)
        let cases = isCase.lazy.filter { $0 }.count
        if let reason = ROCInput.undefinedReason(cases: cases, controls: isCase.count - cases) {
            throw StatsError.invalidInput("a ROC curve \(reason)")
        }
        caseCount = cases
        controlCount = isCase.count - cases
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        (thresholds, falsePositiveRates, truePositiveRates) =
            Self.cumulativeRates(
                order: order, scores: scores, isCase: isCase,
                cases: Double(caseCount), controls: Double(controlCount))
    }

    /// Walks the scores from high to low and emits a point at the end of each tied run
    /// (sklearn's `_binary_clf_curve`: `distinct_value_indices` then cumulative sums).
    private static func cumulativeRates(
        order: [Int], scores: [Double], isCase: [Bool],
        cases: Double, controls: Double
    )
        -> ([Double], [Double], [Double])
    {
        var thresholds = [Double.infinity], fpr = [0.0], tpr = [0.0]
        var truePositives = 0.0, falsePositives = 0.0
        for (position, index) in order.enumerated() {
            if isCase[index] { truePositives += 1 } else { falsePositives += 1 }
            let endOfRun = position == order.count - 1 || scores[order[position + 1]] != scores[index]
            guard endOfRun else { continue }
            thresholds.append(scores[index])
            fpr.append(falsePositives / controls)
            tpr.append(truePositives / cases)
        }
        return (thresholds, fpr, tpr)
    }
}
