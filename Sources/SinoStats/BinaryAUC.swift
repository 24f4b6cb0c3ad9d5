/// The area under the ROC curve of one binary problem (cases vs controls), higher score =
/// case, computed as the Mann-Whitney statistic U / (cases x controls) with midranks, so a
/// case tied with a control counts 1/2: the trapezoid area of sklearn's `roc_auc_score` and
/// of pROC's `auc` (Hanley & McNeil 1982).
///
///     let auc = try BinaryAUC.compute(scores: [0.9, 0.4, 0.4, 0.1], isCase: [true, true, false, false])
///     auc.value  // 0.875
public enum BinaryAUC {
    /// The AUC, or `.undefined` when there is no case or no control (sklearn 1.9 returns NaN
    /// with an `UndefinedMetricWarning` there).
    /// - Parameters:
    ///   - scores: one score per patient; a higher score means more likely a case. Ties count 1/2.
    ///   - isCase: true for a case (positive class), false for a control, one per score.
    /// - Returns: the AUC in [0, 1] (Mann-Whitney U / (cases x controls)), or `.undefined` with the
    ///   reason when there is no case or no control.
    /// - Throws: `StatsError.invalidInput` when the counts differ or a score is not finite.
    public static func compute(scores: [Double], isCase: [Bool]) throws -> AUCOutcome<Double> {
        try ROCInput.requireScores(scores, matching: isCase)
        let cases = isCase.lazy.filter { $0 }.count
        let controls = isCase.count - cases
        if let reason = ROCInput.undefinedReason(cases: cases, controls: controls) {
            return .undefined(reason: reason)
        }
        return .defined(mannWhitneyAUC(scores: scores, isCase: isCase, cases: cases, controls: controls))
    }

    /// U / (m n) with U = (sum of the cases' midranks) - m (m + 1) / 2.
    static func mannWhitneyAUC(scores: [Double], isCase: [Bool], cases: Int, controls: Int) -> Double {
        let ranks = MidRanks(scores).ranks
        var caseRankSum = 0.0
        for (rank, flag) in zip(ranks, isCase) where flag { caseRankSum += rank }
        let m = Double(cases)
        return (caseRankSum - m * (m + 1) / 2) / (m * Double(controls))
    }
}
