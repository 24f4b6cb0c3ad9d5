/// DeLong's variance and normal confidence interval of one AUC, and DeLong's test for two
/// correlated AUCs (two models scored on the same patients), as R pROC 1.18's
/// `ci.auc(method = "delong")`, `var(roc)` and `roc.test(method = "delong", paired = TRUE)`
/// with `direction = "<"`: higher score = case, never flipped (pROC's `direction = "auto"`
/// would silently turn an AUC below 0.5 into one above).
///
///     let ci = try DeLong.confidenceInterval(scores: s100b, isCase: poorOutcome)
///     ci.value?.lower   // 0.6301 for pROC's aSAH s100b
///
/// Undefined (`.undefined` with the reason) with fewer than two cases or two controls, where
/// pROC returns NA.
public enum DeLong {
    /// DeLong's interval at `confidenceLevel`: AUC -/+ z sqrt(S), clipped to [0, 1].
    /// - Parameters:
    ///   - scores: one score per patient; a higher score means more likely a case.
    ///   - isCase: true for a case, one per score.
    ///   - confidenceLevel: coverage, strictly between 0 and 1 (default 0.95).
    /// - Returns: the AUC, DeLong's variance and the interval, or `.undefined` with fewer than two
    ///   cases or two controls.
    /// - Throws: `StatsError.invalidInput` when the counts differ, a score is not finite, or the
    ///   level lies outside (0, 1).
    public static func confidenceInterval(
        scores: [Double], isCase: [Bool],
        confidenceLevel: Double = 0.95
    ) throws -> AUCOutcome<DeLongInterval> {
        try ROCInput.requireScores(scores, matching: isCase)
        try requireLevel(confidenceLevel)
        if let reason = undefinedReason(isCase) { return .undefined(reason: reason) }
        let placements = DeLongPlacements(scores: scores, isCase: isCase)
        let variance = placements.covariance(with: placements)
        let z = Distributions.normalQuantile(1 - (1 - confidenceLevel) / 2)
        let sd = variance.squareRoot()
        return .defined(
            DeLongInterval(
                auc: placements.auc, variance: variance, standardError: sd,
                lower: clipped(placements.auc - z * sd), upper: clipped(placements.auc + z * sd),
                confidenceLevel: confidenceLevel,
                caseCount: placements.casePlacements.count, controlCount: placements.controlPlacements.count))
    }

    /// DeLong's paired test of AUC1 - AUC2: z = d / sqrt(S11 + S22 - 2 S12), two-sided
    /// p = 2 Phi(-|z|), interval d -/+ z_(1 - alpha/2) sigma (not clipped, as pROC).
    /// - Parameters:
    ///   - scores1: the first model's score per patient (higher = more likely a case).
    ///   - scores2: the second model's score for the same patients, in the same order.
    ///   - isCase: true for a case, one per patient.
    ///   - confidenceLevel: coverage of the interval of the difference (default 0.95).
    /// - Returns: both AUCs, their difference, z, the two-sided p and the interval, or
    ///   `.undefined` with fewer than two cases or two controls.
    /// - Throws: `StatsError.invalidInput` when a score list does not match `isCase`, a score is not
    ///   finite, or the level lies outside (0, 1).
    public static func pairedTest(
        scores1: [Double], scores2: [Double], isCase: [Bool],
        confidenceLevel: Double = 0.95
    ) throws -> AUCOutcome<DeLongPairedTest> {
        try ROCInput.requireScores(scores1, matching: isCase, "scores1")
        try ROCInput.requireScores(scores2, matching: isCase, "scores2")
        try requireLevel(confidenceLevel)
        if let reason = undefinedReason(isCase) { return .undefined(reason: reason) }
        let first = DeLongPlacements(scores: scores1, isCase: isCase)
        let second = DeLongPlacements(scores: scores2, isCase: isCase)
        let variance =
            first.covariance(with: first) + second.covariance(with: second)
            - 2 * first.covariance(with: second)
        let difference = first.auc - second.auc
        let sigma = max(variance, 0).squareRoot()
        // pROC's delong.paired.test: 0/0 (identical curves) is z = 0.
        let z = difference == 0 && sigma == 0 ? 0 : difference / sigma
        let critical = Distributions.normalQuantile(1 - (1 - confidenceLevel) / 2)
        return .defined(
            DeLongPairedTest(
                auc1: first.auc, auc2: second.auc, difference: difference, standardError: sigma,
                z: z, pValue: Distributions.normalTwoSidedP(z),
                lower: difference - critical * sigma, upper: difference + critical * sigma,
                confidenceLevel: confidenceLevel))
    }

    static func undefinedReason(_ isCase: [Bool]) -> String? {
        let cases = isCase.lazy.filter { $0 }.count
        return ROCInput.undefinedReason(cases: cases, controls: isCase.count - cases, minimum: 2)
            .map { "DeLong's variance \($0)" }
    }

    static func requireLevel(_ level: Double) throws {
        guard level > 0 && level < 1 else {
            throw StatsError.invalidInput("confidenceLevel must lie strictly between 0 and 1, got \(level)")
        }
    }

    private static func clipped(_ x: Double) -> Double { min(1, max(0, x)) }
}

/// One AUC with DeLong's variance and confidence interval.
public struct DeLongInterval: Codable, Sendable, Equatable {
    public let auc: Double
    /// S10/m + S01/n, pROC's `var(roc, method = "delong")`.
    public let variance: Double
    public let standardError: Double
    public let lower: Double
    public let upper: Double
    public let confidenceLevel: Double
    public let caseCount: Int
    public let controlCount: Int
}

/// DeLong's test for two correlated AUCs (pROC's `roc.test(paired = TRUE)`).
public struct DeLongPairedTest: Codable, Sendable, Equatable {
    public let auc1: Double
    public let auc2: Double
    /// auc1 - auc2.
    public let difference: Double
    /// sqrt(S11 + S22 - 2 S12).
    public let standardError: Double
    public let z: Double
    /// Two-sided.
    public let pValue: Double
    /// Interval of the difference (pROC's `conf.int`).
    public let lower: Double
    public let upper: Double
    public let confidenceLevel: Double
}
