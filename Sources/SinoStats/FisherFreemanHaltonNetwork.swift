/// Exact two-sided p-value of the Fisher-Freeman-Halton test for an r x c table, with the
/// semantics of R's `fisher.test` (FEXACT): p = sum of P(T) over the tables T with the observed
/// margins whose P(T) <= P(observed) * (1 + 1e-7).
///
/// Network algorithm in the spirit of Mehta & Patel (1983, 1986), as in FEXACT:
/// - The table is oriented so that the shorter margin ("rows") forms the node; columns are
///   processed one at a time, smallest first. A node at stage s is the multiset of row totals
///   still to be filled by columns s..<c (sorted, so row permutations share a node).
/// - Filling column s with counts x from node R has probability
///   prod_i C(R_i, x_i) / C(m, c_s) (m = sum R): a multivariate hypergeometric stage. A path's
///   length is the sum of the logs of its stages, so a complete path is log P(T), and the
///   "futures" below any node sum to probability 1.
/// - Each node keeps its distinct past lengths, with paths of equal length aggregated (their
///   probability mass summed). Bounds on the longest and shortest remaining path then add a
///   past's whole subtree at once (every completion is no more likely than the observed
///   table) or drop it (every completion is more likely); only undecided pasts are expanded.
/// - With two columns left the completions are enumerated once per node, sorted, and every
///   past is answered by a binary search over cumulative log-sums.
///
/// All arithmetic is in log space with tabulated log-factorials; each table's probability is
/// scaled by P(observed) before summing, so p-values down to ~1e-300 keep full precision.
enum FisherFreemanHaltonNetwork {
    /// R's relative tolerance for tables as likely as the observed one.
    static let tieTolerance = 1e-7
    /// Two past lengths closer than this (in log) share a node entry, as FEXACT's hashing.
    static let pastMergeTolerance = 1e-9

    static func pValue(_ table: ContingencyTable, workLimit: Int) throws -> Double {
        let nonEmpty = dropEmptyMargins(table)
        guard let network = nonEmpty else { return 1 } // a single possible table
        return try network.pValue(workLimit: workLimit)
    }

    /// Empty rows and columns change no probability; a table left with one row or column has
    /// exactly one arrangement, so its p is 1 (returned as nil here).
    static func dropEmptyMargins(_ table: ContingencyTable) -> Network? {
        let rows = table.rowTotals.indices.filter { table.rowTotals[$0] > 0 }
        let columns = table.columnTotals.indices.filter { table.columnTotals[$0] > 0 }
        guard rows.count >= 2 && columns.count >= 2 else { return nil }
        var counts = rows.map { i in columns.map { j in table.counts[i][j] } }
        if rows.count > columns.count { // the node is the shorter margin
            counts = columns.indices.map { j in counts.map { $0[j] } }
        }
        return Network(counts: counts)
    }
}

/// One past length reaching a node: `value` = log-probability of the path so far; `mass` =
/// total probability of the merged paths divided by exp(value) (>= 1, 1 for a single path).
struct PastPath {
    var value: Double
    var mass: Double
}

extension FisherFreemanHaltonNetwork {
    struct Network {
        let nodeTotals: [Int]
        /// Column totals in processing order (ascending: the largest column is forced last).
        let stageTotals: [Int]
        let logFactorials: LogFactorials
        /// log P(observed table).
        let observedLogP: Double

        init(counts: [[Int]]) {
            let rowTotals = counts.map { $0.reduce(0, +) }
            let total = rowTotals.reduce(0, +)
            let logFactorials = LogFactorials(upTo: total)
            let columnTotals = counts[0].indices.map { j in counts.reduce(0) { $0 + $1[j] } }
            let marginTerms = (rowTotals + columnTotals).reduce(0.0) { $0 + logFactorials[$1] }
            let cellTerms = counts.joined().reduce(0.0) { $0 + logFactorials[$1] }
            self.observedLogP = marginTerms - logFactorials[total] - cellTerms
            self.nodeTotals = rowTotals.sorted()
            self.stageTotals = columnTotals.sorted()
            self.logFactorials = logFactorials
        }

        func pValue(workLimit: Int) throws -> Double {
            var search = try NetworkSearch(network: self, workLimit: workLimit)
            return try search.run()
        }
    }
}
