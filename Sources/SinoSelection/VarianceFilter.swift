import SinoData
import SinoStats

/// Zero- and near-zero-variance filter with caret's `nearZeroVar` rule (Kuhn, caret 6.0,
/// `nzv`; Kuhn & Johnson, Applied Predictive Modeling, 2013, section 3.5), on the training
/// cohort:
///
/// - freqRatio = count of the most frequent value / count of the second most frequent (0
///   with fewer than 2 distinct values), NaN values ignored;
/// - percentUnique = 100 x distinct non-NaN values / rows (NaN rows counted);
/// - zero variance: 1 distinct value, or every value NaN;
/// - near-zero variance: freqRatio > freqCut **and** percentUnique <= uniqueCut, or zero
///   variance. Defaults freqCut = 95/5, uniqueCut = 10, as caret.
public struct VarianceFilter: Codable, Sendable, Equatable {
    public struct Metrics: Codable, Sendable, Equatable {
        public let freqRatio: Double
        public let percentUnique: Double
        public let zeroVariance: Bool
        public let nearZeroVariance: Bool
    }

    public let freqCut: Double
    public let uniqueCut: Double
    /// caret's `saveMetrics = TRUE` table, one entry per column.
    public let metrics: [Metrics]
    /// Kept, `.zeroVariance` or `.nearZeroVariance`; statistic = freqRatio.
    public let decisions: [FeatureDecision]
    /// Columns kept, in order.
    public var kept: [Int] { decisions.filter(\.kept).map(\.feature) }

    /// Applies the rule to training rows.
    /// - Parameters:
    ///   - rows: one row per training case; NaN marks a missing value.
    ///   - freqCut: the frequency ratio above which a column may be near-zero variance.
    ///   - uniqueCut: the percent of distinct values at or below which it may be.
    /// - Throws: `SelectionError.invalidInput` for an empty or ragged table or an infinite value.
    ///   - threads: columns are counted side by side on this many threads (the result does not
    ///     depend on it).
    public init(fittingOn rows: [[Double]], freqCut: Double = 95.0 / 5.0, uniqueCut: Double = 10, threads: Int = 1) throws {
        let p = try FeatureMatrix.columnCount(rows, minimumRows: 1, what: "variance filter", allowNaN: true)
        self.init(columns: FeatureMatrix.columns(rows, width: p), rowCount: rows.count, orders: nil, freqCut: freqCut, uniqueCut: uniqueCut, threads: threads)
    }

    /// The filter on a table's columns (each of `rowCount` values, finite or NaN). `orders`:
    /// each column's positions in ascending order of value (`MidRanks.sortOrder`), where the
    /// caller has them already (NaN-free columns only).
    init(columns: [[Double]], rowCount n: Int, orders: [[Int]]?, freqCut: Double, uniqueCut: Double, threads: Int) {
        self.freqCut = freqCut
        self.uniqueCut = uniqueCut
        let p = columns.count
        let outcomes = ParallelLoop.map(count: p, threads: threads) { j -> (Metrics, FeatureDecision) in
            // The count of each distinct value: runs of equal values once sorted (-0 equals 0).
            let values = orders == nil && columns[j].contains(where: \.isNaN) ? columns[j].filter { !$0.isNaN } : columns[j]
            let order = orders?[j] ?? MidRanks.sortOrder(values)
            var counts: [Int] = []
            var start = 0
            while start < values.count {
                let value = values[order[start]]
                var end = start + 1
                while end < values.count && values[order[end]] == value { end += 1 }
                counts.append(end - start)
                start = end
            }
            // The two largest counts (the second may equal the first).
            var first = 0, second = 0
            for count in counts {
                if count > first {
                    second = first
                    first = count
                } else if count > second {
                    second = count
                }
            }
            let ratio = counts.count <= 1 ? 0 : Double(first) / Double(second)
            let percentUnique = 100 * Double(counts.count) / Double(n)
            let zero = counts.count <= 1
            let near = (ratio > freqCut && percentUnique <= uniqueCut) || zero
            return (
                Metrics(freqRatio: ratio, percentUnique: percentUnique, zeroVariance: zero, nearZeroVariance: near),
                FeatureDecision(
                    feature: j, kept: !near, reason: zero ? .zeroVariance : (near ? .nearZeroVariance : .kept), statistic: ratio)
            )
        }
        let metrics = outcomes.map(\.0)
        let decisions = outcomes.map(\.1)
        self.metrics = metrics
        self.decisions = decisions
    }
}
