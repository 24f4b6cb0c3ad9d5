/// Pearson's chi-square test of independence for a two-way table, with the semantics of
/// `scipy.stats.chi2_contingency` (scipy 1.17).
///
/// ```swift
/// let result = try ChiSquareTest.independence([[12, 5], [7, 9]])
/// result.statistic   // Yates-corrected, because df == 1
/// result.expected    // row total * column total / n
/// ```
public enum ChiSquareTest {
    /// - Parameters:
    ///   - table: counts, rows x columns (at least 2 x 2).
    ///   - correction: apply Yates' continuity correction. As in scipy, it is used only when
    ///     df == 1: each observed count moves toward its expected count by
    ///     min(0.5, |observed - expected|), so it never overshoots the expected count.
    /// - Returns: Pearson's X² with (r - 1)(c - 1) degrees of freedom, its upper-tail
    ///   chi-square p-value and the expected counts (scipy `chi2_contingency`).
    /// - Throws: `StatsError.invalidInput` for an invalid table or an all-zero row or column
    ///   (scipy: "The internally computed table of expected frequencies has a zero element").
    public static func independence(_ table: [[Int]], correction: Bool = true) throws
        -> ChiSquareTestResult
    {
        let table = try ContingencyTable(table)
        let expected = try expectedCounts(table)
        let df = (table.rowCount - 1) * (table.columnCount - 1)
        let yates = correction && df == 1
        var statistic = 0.0
        for i in 0..<table.rowCount {
            for j in 0..<table.columnCount {
                let e = expected[i][j]
                var o = Double(table.counts[i][j])
                if yates { o += (e > o ? 1 : e < o ? -1 : 0) * min(0.5, abs(e - o)) }
                statistic += (o - e) * (o - e) / e
            }
        }
        return ChiSquareTestResult(
            statistic: statistic, df: df,
            pValue: Distributions.chiSquareSF(statistic, df: Double(df)),
            expected: expected, minimumExpected: expected.joined().min()!,
            yatesCorrected: yates, n: table.total)
    }

    /// Expected counts under independence, row total * column total / n (scipy's
    /// `contingency.expected_freq`); the integer product is exact, so one rounding.
    static func expectedCounts(_ table: ContingencyTable) throws -> [[Double]] {
        if let zeroRow = table.rowTotals.firstIndex(of: 0) {
            throw StatsError.invalidInput(
                "row \(zeroRow + 1) of the table is all zeros, so its expected counts are 0 and the"
                    + " chi-square statistic is undefined; drop the empty row")
        }
        if let zeroColumn = table.columnTotals.firstIndex(of: 0) {
            throw StatsError.invalidInput(
                "column \(zeroColumn + 1) of the table is all zeros, so its expected counts are 0"
                    + " and the chi-square statistic is undefined; drop the empty column")
        }
        let n = Double(table.total)
        return table.rowTotals.map { r in table.columnTotals.map { c in Double(r * c) / n } }
    }
}

/// The outcome of `ChiSquareTest.independence`.
public struct ChiSquareTestResult: Codable, Sendable, Equatable {
    /// Pearson's X^2 (Yates-corrected when `yatesCorrected`).
    public let statistic: Double
    /// Degrees of freedom, (rows - 1) * (columns - 1).
    public let df: Int
    /// Upper tail of the chi-square distribution with `df` degrees of freedom.
    public let pValue: Double
    /// Expected counts under independence, same shape as the table.
    public let expected: [[Double]]
    /// The smallest expected count: the usual "all expected >= 5" check for the chi-square
    /// approximation reads this.
    public let minimumExpected: Double
    /// Whether Yates' continuity correction was applied (requested and df == 1).
    public let yatesCorrected: Bool
    /// Total count.
    public let n: Int
}
