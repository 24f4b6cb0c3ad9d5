/// Cohen's kappa for two raters on the same patients, with its asymptotic standard error and
/// normal confidence interval as statsmodels 0.15 `stats.inter_rater.cohens_kappa`
/// (Fleiss, Cohen & Everitt 1969; SAS PROC FREQ), and the kappa of scikit-learn 1.9
/// `cohen_kappa_score`.
///
/// ```swift
/// let agreement = try CohensKappa.compute(ratingsA: modelCalls, ratingsB: radiologistCalls, classCount: 3)
/// agreement.kappa, agreement.interval.lower, agreement.interval.upper
/// ```
///
/// All three weightings use agreement weights w_ij (1 on the diagonal):
/// kappa = (p_o - p_e) / (1 - p_e), p_o = sum w_ij p_ij, p_e = sum w_ij p_i. p_.j, and
/// Var = [sum p_ij (w_ij - (wbar_i. + wbar_.j)(1 - kappa))^2 - (kappa - p_e (1 - kappa))^2]
///       / ((1 - p_e)^2 n),
/// which for w = identity is statsmodels' unweighted ("Simple") variance.
public enum CohensKappa {
    public enum Weighting: String, Codable, Sendable, CaseIterable {
        /// Only exact agreement counts.
        case unweighted
        /// Disagreement weight |i - j| / (K - 1) (statsmodels wt="linear", sklearn weights="linear").
        case linear
        /// Disagreement weight (i - j)^2 / (K - 1)^2 (wt="quadratic", weights="quadratic").
        case quadratic
    }

    /// - Parameters:
    ///   - ratingsA: the class 0..<classCount rater A gave each patient.
    ///   - ratingsB: the class rater B gave the same patients, in the same order.
    ///   - classCount: K, the number of classes.
    ///   - weighting: unweighted, linear or quadratic disagreement weights.
    ///   - level: confidence level of the asymptotic interval (default 0.95).
    /// - Returns: kappa with its standard error and normal interval (statsmodels `cohens_kappa`).
    /// - Throws: `StatsError.invalidInput` for ratings outside 0..<classCount, lists of
    ///   different lengths, or when both raters used a single class (kappa is 0 / 0).
    public static func compute(
        ratingsA: [Int], ratingsB: [Int], classCount: Int,
        weighting: Weighting = .unweighted, level: Double = 0.95
    ) throws -> CohensKappaResult {
        let table = try ConfusionMatrix(labels: ratingsA, predicted: ratingsB, classCount: classCount)
        return try compute(table: table.counts, weighting: weighting, level: level)
    }

    /// - Parameters:
    ///   - table: counts, rows = rater A's class, columns = rater B's class (square, K >= 2).
    ///   - weighting: unweighted, linear or quadratic disagreement weights.
    ///   - level: confidence level of the asymptotic interval (default 0.95).
    /// - Returns: kappa with its standard error and normal interval (statsmodels `cohens_kappa`).
    /// - Throws: `StatsError.invalidInput` for an invalid table, or when chance agreement is
    ///   already perfect (p_e = 1: both raters used a single class), where kappa is 0 / 0.
    public static func compute(
        table: [[Int]], weighting: Weighting = .unweighted,
        level: Double = 0.95
    ) throws -> CohensKappaResult {
        let counts = try ConfusionMatrix(counts: table)
        let n = Double(counts.total)
        let p = counts.counts.map { $0.map { Double($0) / n } }
        let rows = counts.rowTotals.map { Double($0) / n }, columns = counts.columnTotals.map { Double($0) / n }
        let w = agreementWeights(counts.classCount, weighting)
        let indices = 0..<counts.classCount
        let observed = sum(indices, indices) { w[$0][$1] * p[$0][$1] }
        let chance = sum(indices, indices) { w[$0][$1] * columns[$1] * rows[$0] }
        guard chance < 1 else {
            throw StatsError.invalidInput("both raters used a single class, so kappa is 0 / 0")
        }
        let kappa = (observed - chance) / (1 - chance)
        // wbar_i. = sum_j p_.j w_ij, wbar_.j = sum_i p_i. w_ij (statsmodels w_row, w_col).
        let rowMeans = indices.map { i in indices.reduce(0.0) { $0 + columns[$1] * w[i][$1] } }
        let columnMeans = indices.map { j in indices.reduce(0.0) { $0 + rows[$1] * w[$1][j] } }
        let spread = sum(indices, indices) { i, j in
            let d = w[i][j] - (columnMeans[j] + rowMeans[i]) * (1 - kappa)
            return p[i][j] * d * d
        }
        let shift = kappa - chance * (1 - kappa)
        let variance = (spread - shift * shift) / ((1 - chance) * (1 - chance) * n)
        let standardError = variance.squareRoot()
        let halfWidth = -Distributions.normalQuantile((1 - level) / 2) * standardError
        return CohensKappaResult(
            weighting: weighting, kappa: kappa, standardError: standardError,
            interval: ConfidenceInterval(
                lower: kappa - halfWidth, upper: kappa + halfWidth, level: level,
                method: "asymptotic normal (statsmodels cohens_kappa)"),
            patients: counts.total)
    }

    /// Agreement weights 1 - disagreement weight.
    static func agreementWeights(_ k: Int, _ weighting: Weighting) -> [[Double]] {
        let span = Double(k - 1)
        return (0..<k).map { i in
            (0..<k).map { j in
                let distance = Double(abs(i - j))
                switch weighting {
                case .unweighted: return i == j ? 1 : 0
                case .linear: return 1 - distance / span
                case .quadratic: return 1 - distance * distance / (span * span)
                }
            }
        }
    }

    static func sum(_ rows: Range<Int>, _ columns: Range<Int>, _ term: (Int, Int) -> Double) -> Double {
        rows.reduce(0.0) { total, i in columns.reduce(total) { $0 + term(i, $1) } }
    }
}

public struct CohensKappaResult: Codable, Sendable, Equatable {
    public let weighting: CohensKappa.Weighting
    public let kappa: Double
    /// Asymptotic standard error (statsmodels `std_kappa`), not the one under kappa = 0.
    public let standardError: Double
    /// kappa -/+ z * standardError.
    public let interval: ConfidenceInterval
    public let patients: Int
}
