/// Cochran's Q test that k related binary outcomes (e.g. correct / wrong of k models or
/// radiologists on the same patients) have the same success probability, with the formula of
/// statsmodels 0.15 `cochrans_q` (SAS NPAR TESTS):
/// Q = (k - 1) (k sum_j C_j^2 - T^2) / (k T - sum_i R_i^2), chi-square with k - 1 df,
/// C_j column totals, R_i row totals, T the grand total.
///
/// ```swift
/// // rows = patients, columns = models; true = correct
/// let result = try CochranQ.test([[true, true, false], [true, false, false], [true, true, true]])
/// ```
public enum CochranQ {
    /// - Parameter outcomes: one row per patient, one binary outcome per rater or method
    ///   (e.g. correct or not), at least 2 columns.
    /// - Returns: Q on k - 1 degrees of freedom and its upper-tail chi-square p-value
    ///   (statsmodels `cochrans_q`).
    /// - Throws: `StatsError.invalidInput` for fewer than 2 columns, ragged rows, or when every
    ///   patient has all-equal outcomes (the denominator is 0; statsmodels returns NaN).
    public static func test(_ outcomes: [[Bool]]) throws -> CochranQResult {
        let k = outcomes.first?.count ?? 0
        guard k >= 2, outcomes.allSatisfy({ $0.count == k }) else {
            throw StatsError.invalidInput(
                "Cochran's Q needs one row per patient with the same number (>= 2) of binary outcomes")
        }
        let rowTotals = outcomes.map { Double($0.filter { $0 }.count) }
        let columnTotals = (0..<k).map { j in Double(outcomes.filter { $0[j] }.count) }
        let total = rowTotals.reduce(0, +)
        let kd = Double(k)
        let denominator = kd * total - rowTotals.reduce(0) { $0 + $1 * $1 }
        guard denominator > 0 else {
            throw StatsError.invalidInput(
                "every patient has the same outcome under all \(k) raters, so Cochran's Q is 0 / 0")
        }
        let numerator = (kd - 1) * (kd * columnTotals.reduce(0) { $0 + $1 * $1 } - total * total)
        let statistic = numerator / denominator
        return CochranQResult(
            statistic: statistic, df: k - 1, pValue: Distributions.chiSquareSF(statistic, df: kd - 1),
            patients: outcomes.count, successes: columnTotals.map { Int($0) })
    }
}

public struct CochranQResult: Codable, Sendable, Equatable {
    public let statistic: Double
    /// k - 1.
    public let df: Int
    public let pValue: Double
    public let patients: Int
    /// Successes per column (rater).
    public let successes: [Int]
}
