/// A two-way table of counts with its margins, validated once at the boundary.
///
/// Matches the input rules of R's `fisher.test` and `scipy.stats.chi2_contingency`:
/// every row has the same length, counts are non-negative, and the table has at least
/// 2 rows and 2 columns (R: "'x' must have at least 2 rows and columns").
public struct ContingencyTable: Sendable, Equatable {
    /// counts[i][j]: row i, column j.
    public let counts: [[Int]]
    public let rowTotals: [Int]
    public let columnTotals: [Int]
    public let total: Int

    public var rowCount: Int { counts.count }
    public var columnCount: Int { columnTotals.count }

    /// - Parameter counts: rows of counts, at least 2 x 2, every row the same length.
    /// - Throws: `StatsError.invalidInput` for fewer than 2 rows or columns, ragged rows, or a
    ///   negative count.
    public init(_ counts: [[Int]]) throws {
        guard counts.count >= 2, let width = counts.first?.count, width >= 2 else {
            throw StatsError.invalidInput(
                "a contingency table needs at least 2 rows and 2 columns; got \(counts.count) row(s)"
                    + " of \(counts.first?.count ?? 0) column(s)")
        }
        if let ragged = counts.firstIndex(where: { $0.count != width }) {
            throw StatsError.invalidInput(
                "every row of a contingency table must have \(width) counts; row \(ragged + 1) has"
                    + " \(counts[ragged].count)")
        }
        if counts.contains(where: { $0.contains { $0 < 0 } }) {
            throw StatsError.invalidInput("contingency table counts must be non-negative")
        }
        self.counts = counts
        rowTotals = counts.map { $0.reduce(0, +) }
        columnTotals = (0..<width).map { j in counts.reduce(0) { $0 + $1[j] } }
        total = rowTotals.reduce(0, +)
    }

    /// The table with rows and columns swapped.
    func transposed() -> ContingencyTable {
        // Already validated: a transposed valid table is valid.
        try! ContingencyTable((0..<columnCount).map { j in counts.map { $0[j] } })
    }
}
