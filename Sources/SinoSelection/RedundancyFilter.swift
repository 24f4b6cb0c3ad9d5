import SinoData

/// Drops one feature of every highly correlated pair, keeping the more relevant one.
///
/// Rule (SinoRad's, documented here and checked against a plain Python statement of it on
/// scipy's correlation matrices): compute |r| (Spearman, scipy `spearmanr`, or Pearson) for
/// every pair i < j (numpy `corrcoef`'s formula, block by block of the upper triangle:
/// `Correlation.pairs(above:_:threads:)`); take the pairs with |r| > threshold in descending |r| (equal |r|: by i,
/// then j); for each pair whose two features are both still kept, drop the less relevant one.
/// Relevance comes from the caller (e.g. a univariate p value, lower is more relevant, or an
/// F statistic, higher is more relevant); at equal relevance the later column (j) is dropped.
/// A pair with a feature already dropped is skipped, so a feature is only ever removed by one
/// it was compared with and that stays.
public struct RedundancyFilter: Codable, Sendable, Equatable {
    public enum Method: String, Codable, Sendable, CaseIterable {
        case spearman, pearson
    }

    /// Which way relevance points.
    public enum Relevance: String, Codable, Sendable, CaseIterable {
        /// Smaller is more relevant (p or q values).
        case lowerIsBetter
        /// Larger is more relevant (F, AUC, |coefficient|).
        case higherIsBetter
    }

    public let method: Method
    public let threshold: Double
    /// The columns correlated (ranked for Spearman).
    let compared: [[Double]]
    /// |r| for every pair, p x p, 1 on the diagonal (computed when asked for).
    public var absoluteCorrelations: [[Double]] {
        let p = compared.count
        let matrix = Correlation.pearsonMatrix(compared)
        return (0..<p).map { i in (0..<p).map { j in i == j ? 1 : Swift.abs(matrix[i * p + j]) } }
    }
    /// Kept or `.redundant` (statistic = |r| with `partner`, the feature that stayed).
    public let decisions: [FeatureDecision]
    /// Columns kept, in order.
    public var kept: [Int] { decisions.filter(\.kept).map(\.feature) }

    /// Applies the rule.
    /// - Parameters:
    ///   - rows: one row per training case, finite values, no constant column.
    ///   - relevance: one value per column.
    ///   - direction: whether lower or higher relevance values are better.
    ///   - method: Spearman (default) or Pearson.
    ///   - threshold: pairs with |r| strictly above it are redundant (default 0.9).
    ///   - threads: threads for the ranks and the correlations (default 1; the result does not
    ///     depend on it).
    /// - Throws: `SelectionError.invalidInput` for a ragged table, a non-finite value, fewer
    ///   than 3 rows, a relevance count differing from the columns, a NaN relevance, or a
    ///   constant column (its correlation is undefined: run `VarianceFilter` first).
    public init(
        rows: [[Double]], relevance: [Double], direction: Relevance, method: Method = .spearman,
        threshold: Double = 0.9, threads: Int = 1
    ) throws {
        let p = try FeatureMatrix.columnCount(rows, minimumRows: 3, what: "redundancy filter")
        try self.init(
            columns: FeatureMatrix.columns(rows, width: p), ranks: nil, relevance: relevance, direction: direction, method: method, threshold: threshold,
            threads: threads)
    }

    /// The filter on finite columns of at least 3 values each. `ranks`: each column's average
    /// ranks (`MidRanks`) where the caller has them, for Spearman's r.
    init(
        columns data: [[Double]], ranks: [[Double]]?, relevance: [Double], direction: Relevance, method: Method, threshold: Double, threads: Int
    ) throws {
        let p = data.count
        guard relevance.count == p else {
            throw SelectionError.invalidInput("redundancy filter: \(relevance.count) relevance values for \(p) columns")
        }
        if let j = relevance.firstIndex(where: \.isNaN) {
            throw SelectionError.invalidInput("redundancy filter: the relevance of column \(j) is NaN")
        }
        guard threshold >= 0, threshold <= 1 else {
            throw SelectionError.invalidInput("redundancy filter: threshold must lie in [0, 1], got \(threshold)")
        }
        var columns = data
        if let j = columns.firstIndex(where: { c in c.allSatisfy { $0 == c[0] } }) {
            throw SelectionError.invalidInput(
                "redundancy filter: column \(j) is constant, its correlation is undefined (drop it first, e.g. with VarianceFilter)")
        }
        if method == .spearman {
            let unranked = columns
            columns = ranks ?? ParallelLoop.map(count: p, threads: threads) { Correlation.averageRanks(unranked[$0]) }
        }
        var pairs = Correlation.pairs(above: threshold, columns, threads: threads)
        pairs.sort { a, b in a.r != b.r ? a.r > b.r : (a.i != b.i ? a.i < b.i : a.j < b.j) }
        var kept = [Bool](repeating: true, count: p)
        var partner = [Int?](repeating: nil, count: p)
        var statistic = [Double?](repeating: nil, count: p)
        for pair in pairs where kept[pair.i] && kept[pair.j] {
            let jWorse =
                direction == .lowerIsBetter
                ? relevance[pair.j] >= relevance[pair.i] : relevance[pair.j] <= relevance[pair.i]
            let (loser, winner) = jWorse ? (pair.j, pair.i) : (pair.i, pair.j)
            kept[loser] = false
            partner[loser] = winner
            statistic[loser] = pair.r
        }
        self.method = method
        self.threshold = threshold
        self.compared = columns
        self.decisions = (0..<p).map {
            FeatureDecision(
                feature: $0, kept: kept[$0], reason: kept[$0] ? .kept : .redundant, statistic: statistic[$0],
                partner: partner[$0])
        }
    }
}
