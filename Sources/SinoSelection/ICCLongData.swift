extension IntraclassCorrelation {
    /// pingouin's `nan_policy` for a target without every rater's rating.
    public enum NaNPolicy: String, Codable, Sendable, CaseIterable {
        /// Refuse the table (pingouin's default).
        case raise
        /// Drop the targets with a missing rating (listwise deletion).
        case omit
    }

    /// A targets x raters table built from long data.
    public struct WideTable: Codable, Sendable, Equatable {
        /// Target labels, sorted (rows).
        public let targets: [String]
        /// Rater labels, sorted (columns).
        public let raters: [String]
        /// ratings[i][j]: the mean rating of target i by rater j.
        public let ratings: [[Double]]
    }

    /// Long data to a table as pandas `pivot_table(index=targets, columns=raters,
    /// values=ratings)` builds it for pingouin: labels sorted, a (target, rater) pair rated
    /// more than once gets the mean of its ratings, NaN ratings are ignored in that mean, and
    /// a pair without a rating is missing; a target or rater with no rating at all is left out.
    /// - Parameters:
    ///   - targets: the target of each rating.
    ///   - raters: the rater of each rating.
    ///   - ratings: the values (finite or NaN).
    ///   - nanPolicy: `.raise` refuses a table with a missing pair; `.omit` drops its targets.
    /// - Returns: the complete table.
    /// - Throws: `SelectionError.invalidInput` for inputs of unequal length, an infinite
    ///   rating, a missing pair under `.raise` (pingouin's message), or fewer than 2 complete
    ///   targets or 2 raters.
    public static func pivot(
        targets: [String], raters: [String], ratings: [Double], nanPolicy: NaNPolicy = .raise
    ) throws -> WideTable {
        guard targets.count == ratings.count, raters.count == ratings.count else {
            throw SelectionError.invalidInput(
                "ICC long data: \(targets.count) targets, \(raters.count) raters and "
                    + "\(ratings.count) ratings; one of each per rating is needed")
        }
        if let bad = ratings.first(where: { $0.isInfinite }) {
            throw SelectionError.invalidInput("ICC long data: rating \(bad) is not finite")
        }
        // pivot_table (dropna=True) leaves out a target or a rater whose ratings are all NaN.
        let targetLabels = Array(Set(zip(targets, ratings).filter { !$0.1.isNaN }.map(\.0))).sorted()
        let raterLabels = Array(Set(zip(raters, ratings).filter { !$0.1.isNaN }.map(\.0))).sorted()
        let targetIndex = Dictionary(uniqueKeysWithValues: targetLabels.enumerated().map { ($1, $0) })
        let raterIndex = Dictionary(uniqueKeysWithValues: raterLabels.enumerated().map { ($1, $0) })
        var sums = [[Double]](repeating: [Double](repeating: 0, count: raterLabels.count), count: targetLabels.count)
        var counts = [[Int]](repeating: [Int](repeating: 0, count: raterLabels.count), count: targetLabels.count)
        for ((target, rater), value) in zip(zip(targets, raters), ratings) where !value.isNaN {
            let i = targetIndex[target]!, j = raterIndex[rater]!
            sums[i][j] += value
            counts[i][j] += 1
        }
        var rows: [[Double]] = []
        var kept: [String] = []
        for (i, label) in targetLabels.enumerated() {
            if counts[i].contains(0) {
                if nanPolicy == .raise {
                    throw SelectionError.invalidInput(
                        "ICC: target \(label) lacks a rating: either missing values are present in data or "
                            + "data are unbalanced. Please remove them manually or use nan_policy='omit'.")
                }
                continue
            }
            rows.append(zip(sums[i], counts[i]).map { $0 / Double($1) })
            kept.append(label)
        }
        guard rows.count >= 2, raterLabels.count >= 2 else {
            throw SelectionError.invalidInput(
                "ICC needs at least 2 complete targets and 2 raters, got \(rows.count) and \(raterLabels.count)")
        }
        return WideTable(targets: kept, raters: raterLabels, ratings: rows)
    }
}
