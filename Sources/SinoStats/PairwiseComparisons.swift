/// Post-hoc comparisons of every pair of groups, with the raw p-values adjusted together
/// for the number of pairs: Mann-Whitney U after Kruskal-Wallis, Welch or Student t-tests
/// after an ANOVA. Pairs come in `itertools.combinations` order: (1, 2), (1, 3), ..., (2, 3).
///
/// ```swift
/// let rows = try PairwiseComparisons.compare(
///     [benign, intermediate, malignant], names: ["benign", "intermediate", "malignant"],
///     test: .mannWhitneyU, adjustment: .holm)
/// for row in rows { print(row.groupA, row.groupB, row.adjustedPValue) }
/// ```
public enum PairwiseComparisons {
    public enum Test: String, Codable, Sendable, CaseIterable {
        /// `MannWhitneyU.test` with its defaults (two-sided, auto method, continuity).
        case mannWhitneyU
        /// `TTest.welch`.
        case welchT
        /// `TTest.student`.
        case studentT
    }

    public struct Comparison: Codable, Sendable, Equatable {
        public let groupA: String
        public let groupB: String
        /// U1 for `groupA` (Mann-Whitney) or t (t-tests).
        public let statistic: Double
        public let pValue: Double
        public let adjustedPValue: Double
    }

    /// Compares every pair of `groups` named by `names` (same count, at least two groups).
    /// - Parameters:
    ///   - groups: the values of each group.
    ///   - names: one name per group, used in the results.
    ///   - test: two-sided Mann-Whitney U (with continuity correction), Welch's t or Student's t.
    ///   - adjustment: the p-value adjustment over all pairs (default Holm).
    /// - Returns: one comparison per pair (a, b) with a < b in `groups` order, with the raw and
    ///   adjusted p-values.
    /// - Throws: `StatsError.invalidInput` for fewer than 2 groups, a name count that differs, or a
    ///   pair the test rejects (too few values, non-finite values, no variance).
    public static func compare(
        _ groups: [[Double]], names: [String], test: Test,
        adjustment: PValueAdjustment.Method = .holm
    ) throws -> [Comparison] {
        guard names.count == groups.count else {
            throw StatsError.invalidInput("\(groups.count) groups but \(names.count) names")
        }
        guard groups.count >= 2 else {
            throw StatsError.invalidInput("pairwise comparisons need at least 2 groups, got \(groups.count)")
        }
        let pairs = groups.indices.flatMap { a in (a + 1..<groups.count).map { (a, $0) } }
        let raw = try pairs.map { try statisticAndP(groups[$0.0], groups[$0.1], test) }
        let adjusted = try PValueAdjustment.adjust(raw.map(\.p), method: adjustment)
        return zip(pairs, zip(raw, adjusted)).map { pair, values in
            Comparison(
                groupA: names[pair.0], groupB: names[pair.1], statistic: values.0.statistic,
                pValue: values.0.p, adjustedPValue: values.1)
        }
    }

    static func statisticAndP(_ x: [Double], _ y: [Double], _ test: Test) throws -> (statistic: Double, p: Double) {
        switch test {
        case .mannWhitneyU:
            let result = try MannWhitneyU.test(x, y)
            return (result.statistic, result.pValue)
        case .welchT:
            let result = try TTest.welch(x, y)
            return (result.statistic, result.pValue)
        case .studentT:
            let result = try TTest.student(x, y)
            return (result.statistic, result.pValue)
        }
    }
}
