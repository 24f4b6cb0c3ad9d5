/// Cramér's V effect size for a two-way table, as
/// `scipy.stats.contingency.association(table, method="cramer")` (scipy 1.17):
/// V = sqrt(X^2 / (n * (min(rows, columns) - 1))) from the uncorrected Pearson X^2, so a
/// 2 x 2 table gives |phi| whatever the Yates setting of the chi-square test.
public enum CramersV {
    /// - Parameter table: counts, rows x columns (at least 2 x 2).
    /// - Returns: V = sqrt(X² / (n (min(r, c) - 1))) in [0, 1], with X² without Yates'
    ///   correction (scipy `contingency.association(method="cramer")`).
    /// - Throws: `StatsError.invalidInput` for an invalid table or an all-zero row or column.
    public static func of(_ table: [[Int]]) throws -> Double {
        let result = try ChiSquareTest.independence(table, correction: false)
        let smallerSide = min(table.count, table[0].count)
        return (result.statistic / (Double(result.n) * Double(smallerSide - 1))).squareRoot()
    }
}
