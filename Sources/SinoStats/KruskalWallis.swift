/// Kruskal-Wallis H test on mid-ranks with the tie correction, as `scipy.stats.kruskal`
/// (scipy 1.17) computes it, and the epsilon-squared effect size of Tomczak & Tomczak
/// (2014), E^2_R = H / ((n^2 - 1) / (n + 1)) = H / (n - 1).
///
/// ```swift
/// let result = try KruskalWallis.test([[1, 2, 2, 3], [3, 4, 4], [5, 5, 6]])
/// print(result.statistic, result.pValue, result.epsilonSquared)
/// ```
public enum KruskalWallis {
    public struct Result: Codable, Sendable, Equatable {
        /// Tie-corrected H.
        public let statistic: Double
        /// k - 1.
        public let df: Int
        /// Upper tail of chi-square(k - 1) at H.
        public let pValue: Double
        /// H / (n - 1), between 0 and 1.
        public let epsilonSquared: Double
    }

    /// Tests whether the groups come from one distribution. Every group needs a value;
    /// the values may not all be equal (the tie correction is then 0 and scipy gives NaN).
    /// - Parameter groups: the values of each group (at least 2 groups, each with a finite value).
    /// - Returns: H with the tie correction, its upper-tail chi-square p-value on k - 1 degrees of
    ///   freedom (scipy `kruskal`) and epsilon².
    /// - Throws: `StatsError.invalidInput` for fewer than 2 groups, an empty group, a non-finite
    ///   value, or all values equal.
    public static func test(_ groups: [[Double]]) throws -> Result {
        try GroupInput.requireGroups(groups, minimumPerGroup: 1, test: "Kruskal-Wallis")
        let all = Array(groups.joined())
        var start = 0
        let members = groups.map { group in
            defer { start += group.count }
            return Array(start..<(start + group.count))
        }
        return try test(ranks: MidRanks(all), members: members)
    }

    /// The same test from the mid-ranks of every observation (`MidRanks`, ranked once and
    /// shared with other statistics of the same values) and each group's positions among them:
    /// each group's rank sum taken in the order of `members`, so the result has the bits of
    /// `test(_:)` on the groups' values listed in that order.
    /// - Throws: `StatsError.invalidInput` for fewer than 2 groups, an empty group, or all
    ///   values equal.
    public static func test(ranks: MidRanks, members: [[Int]]) throws -> Result {
        guard members.count >= 2, members.allSatisfy({ !$0.isEmpty }) else {
            throw StatsError.invalidInput("Kruskal-Wallis needs at least 2 groups, each with a value")
        }
        let n = Double(ranks.ranks.count)
        let tieCorrection = 1 - ranks.tieTerm / (n * n * n - n)
        guard tieCorrection > 0 else {
            throw StatsError.invalidInput("Kruskal-Wallis is undefined when all values are equal")
        }
        var sumOfSquaredRankSumsOverN = 0.0
        ranks.ranks.withUnsafeBufferPointer { rank in
            for group in members {
                var rankSum = 0.0
                for i in group { rankSum += rank[i] }
                sumOfSquaredRankSumsOverN += rankSum * rankSum / Double(group.count)
            }
        }
        let df = members.count - 1
        let h = (12 / (n * (n + 1)) * sumOfSquaredRankSumsOverN - 3 * (n + 1)) / tieCorrection
        return Result(
            statistic: h, df: df, pValue: Distributions.chiSquareSF(h, df: Double(df)),
            epsilonSquared: h / (n - 1))
    }
}
