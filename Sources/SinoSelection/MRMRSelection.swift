/// Minimum-redundancy maximum-relevance selection as mrmr_selection 0.2.8 `mrmr_classif`
/// computes it with its defaults (relevance "f", redundancy "c"; smazzanti/mrmr
/// `mrmr/pandas.py`, `mrmr/main.py` `mrmr_base`; ../../docs/selection/icc-mrmr.md):
///
/// - relevance F_j: sklearn's `f_classif` (one-way ANOVA F) of feature j on the rows where it
///   is not NaN; NaN (a constant feature, a single class) becomes 0;
/// - candidates: the features with F > 0, in column order; K is clipped to their number;
/// - redundancy R[j, s] = |Pearson r| of candidate j and selected s on their pairwise-complete
///   rows (pandas 3's formula, `corrwith`), NaN read as 0, floored at 0.001;
/// - score ("FCQ") = F_j / mean_s R[j, s] (or the max with `.max`), denominator 1 at the first
///   step and a denominator of exactly 1.0 read as infinity (score 0); the pick is the first
///   candidate, in candidate order, with the greatest score.
public enum MRMRSelection {
    public enum Denominator: String, Codable, Sendable, CaseIterable {
        /// mrmr_classif's default, `np.mean`.
        case mean
        /// `np.max`.
        case max
    }

    public struct Result: Codable, Sendable, Equatable {
        /// Selected feature columns in selection order.
        public let selected: [Int]
        /// The FCQ score of each pick when it was picked.
        public let scores: [Double]
        /// F per column (0 where sklearn gives NaN).
        public let relevance: [Double]
        /// The columns with F > 0, in column order.
        public let candidates: [Int]
    }

    /// mrmr_selection's FLOOR.
    public static let floor = 0.001

    /// Selects up to `count` features.
    /// - Parameters:
    ///   - features: one row per case; NaN marks a missing value (skipped pairwise).
    ///   - classes: the class of each row.
    ///   - count: K; clipped to the number of features with F > 0, as mrmr_classif does.
    ///   - denominator: how the redundancies with the selected features are summarised.
    /// - Returns: the selection, its scores, F per feature and the candidates.
    /// - Throws: `SelectionError.invalidInput` for a ragged table, an infinite value, a row
    ///   count differing from `classes`, or a count below 1.
    public static func select(
        features: [[Double]], classes: [Int], count: Int, denominator: Denominator = .mean
    ) throws -> Result {
        guard count >= 1 else { throw SelectionError.invalidInput("mRMR: count must be at least 1, got \(count)") }
        let p = try FeatureMatrix.columnCount(features, minimumRows: 1, what: "mRMR features", allowNaN: true)
        guard classes.count == features.count else {
            throw SelectionError.invalidInput(
                "mRMR: \(classes.count) classes for \(features.count) rows; one class per row is needed")
        }
        let columns = FeatureMatrix.columns(features, width: p)
        let relevance = columns.map { fStatistic($0, classes: classes) }
        let candidates = relevance.indices.filter { relevance[$0] > 0 }
        let k = min(count, candidates.count)
        var redundancy = [Int: [Int: Double]]()
        var selected: [Int] = []
        var scores: [Double] = []
        var notSelected = candidates
        for step in 0..<k {
            if step > 0 {
                let last = selected[step - 1]
                for j in notSelected {
                    let r = pearson(columns[j], columns[last])
                    redundancy[j, default: [:]][last] = Swift.max(r.isNaN ? 0 : Swift.abs(r), floor)
                }
            }
            var bestIndex = -1
            var bestScore = -Double.infinity
            for (position, j) in notSelected.enumerated() {
                var d = 1.0
                if step > 0 {
                    let values = selected.map { redundancy[j]?[$0] ?? floor }
                    switch denominator {
                    case .mean: d = values.reduce(0, +) / Double(values.count)
                    case .max: d = values.max()!
                    }
                    if d == 1.0 { d = .infinity }
                }
                let score = relevance[j] / d
                if score > bestScore || (bestIndex < 0 && !score.isNaN) {
                    bestScore = score
                    bestIndex = position
                }
            }
            guard bestIndex >= 0 else { break }
            selected.append(notSelected.remove(at: bestIndex))
            scores.append(bestScore)
        }
        return Result(selected: selected, scores: scores, relevance: relevance, candidates: candidates)
    }

    /// `select` with feature names: the names of the selected features in order.
    public static func select(
        features: [[Double]], names: [String], classes: [Int], count: Int, denominator: Denominator = .mean
    ) throws -> (names: [String], result: Result) {
        let result = try select(features: features, classes: classes, count: count, denominator: denominator)
        guard names.count == features.first?.count else {
            throw SelectionError.invalidInput(
                "mRMR: \(names.count) names for \(features.first?.count ?? 0) feature columns")
        }
        return (result.selected.map { names[$0] }, result)
    }

    /// sklearn `f_classif` of one feature on its non-NaN rows, as sklearn's `f_oneway`
    /// computes it (raw sums of squares): F = (SS_between/(G - 1)) / (SS_within/(n - G)); NaN
    /// (no row, one class, constant feature) becomes 0, as mrmr_selection's `fillna(0)`.
    public static func fStatistic(_ x: [Double], classes: [Int]) -> Double {
        var sums: [Int: (sum: Double, count: Double)] = [:]
        var ssAll = 0.0
        for (value, label) in zip(x, classes) where !value.isNaN {
            sums[label, default: (0, 0)].sum += value
            sums[label, default: (0, 0)].count += 1
            ssAll += value * value
        }
        let groups = sums.keys.sorted().map { sums[$0]! }
        let n = groups.reduce(0) { $0 + $1.count }
        guard n > 0 else { return 0 }
        let total = groups.reduce(0) { $0 + $1.sum }
        let squareOfSumsAll = total * total
        let ssTotal = ssAll - squareOfSumsAll / n
        var ssBetween = 0.0
        for g in groups { ssBetween += g.sum * g.sum / g.count }
        ssBetween -= squareOfSumsAll / n
        let ssWithin = ssTotal - ssBetween
        let msb = ssBetween / Double(groups.count - 1)
        let msw = ssWithin / (n - Double(groups.count))
        let f = msb / msw
        return f.isNaN ? 0 : f
    }

    /// Pearson r on the rows where both are present, as pandas 3 `corrwith` computes it
    /// (`nanops._pearson_corr`): both centred and divided by their largest |value|, then
    /// dot(a, b)/(n - 1)/sqrt(dot(a, a)/(n - 1))/sqrt(dot(b, b)/(n - 1)), clipped to [-1, 1];
    /// NaN with fewer than 2 rows or a constant column.
    static func pearson(_ x: [Double], _ y: [Double]) -> Double {
        var a: [Double] = [], b: [Double] = []
        for (u, v) in zip(x, y) where !u.isNaN && !v.isNaN {
            a.append(u)
            b.append(v)
        }
        guard a.count >= 2 else { return .nan }
        let n = Double(a.count)
        let ma = a.reduce(0, +) / n, mb = b.reduce(0, +) / n
        a = a.map { $0 - ma }
        b = b.map { $0 - mb }
        let scaleA = a.reduce(0) { Swift.max($0, Swift.abs($1)) }
        let scaleB = b.reduce(0) { Swift.max($0, Swift.abs($1)) }
        guard scaleA != 0, scaleB != 0 else { return .nan }
        a = a.map { $0 / scaleA }
        b = b.map { $0 / scaleB }
        let fact = n - 1
        var ab = 0.0, aa = 0.0, bb = 0.0
        for (u, v) in zip(a, b) {
            ab += u * v
            aa += u * u
            bb += v * v
        }
        let divisorA = (aa / fact).squareRoot()
        let divisorB = (bb / fact).squareRoot()
        guard divisorA != 0, divisorB != 0 else { return .nan }
        return Swift.min(1, Swift.max(-1, ab / fact / divisorA / divisorB))
    }
}
