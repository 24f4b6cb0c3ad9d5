/// Classic one-way analysis of variance (equal variances), as `scipy.stats.f_oneway`
/// (scipy 1.17) computes it, with eta squared as the effect size.
///
/// ```swift
/// let result = try OneWayANOVA.test([[5.1, 4.9, 4.7], [7.0, 6.4, 6.9], [6.3, 5.8, 7.1]])
/// print(result.statistic, result.pValue, result.etaSquared)
/// ```
public enum OneWayANOVA {
    public struct Result: Codable, Sendable, Equatable {
        /// F = MS_between / MS_within.
        public let statistic: Double
        /// k - 1 for k groups.
        public let dfBetween: Int
        /// N - k for N values in all.
        public let dfWithin: Int
        /// Upper tail of F(dfBetween, dfWithin) at the statistic.
        public let pValue: Double
        /// SS_between / SS_total: the share of the total variation explained by the groups.
        public let etaSquared: Double
    }

    /// Tests equality of the group means. Every group needs one value and at least one
    /// group two (N > k); the values may not be constant within every group, where scipy
    /// returns F = inf (p = 0) or, when all values are equal, NaN.
    /// - Parameter groups: the values of each group (at least 2 groups).
    /// - Returns: F on (k - 1, N - k) degrees of freedom, its upper-tail p-value (scipy
    ///   `f_oneway`) and eta².
    /// - Throws: `StatsError.invalidInput` for fewer than 2 groups, an empty group, a non-finite
    ///   value, no group with 2 values, or no within-group variance.
    public static func test(_ groups: [[Double]]) throws -> Result {
        try GroupInput.requireGroups(groups, minimumPerGroup: 1, test: "one-way ANOVA")
        let total = groups.reduce(0) { $0 + $1.count }
        guard total > groups.count else {
            throw StatsError.invalidInput("one-way ANOVA needs a group with 2 or more values")
        }
        guard groups.contains(where: { group in group.contains { $0 != group[0] } }) else {
            throw StatsError.invalidInput(
                "one-way ANOVA is undefined when every group is constant (no within-group variance)")
        }
        let squares = sumsOfSquares(groups, total: total)
        let dfBetween = groups.count - 1, dfWithin = total - groups.count
        let f = (squares.between / Double(dfBetween)) / (squares.within / Double(dfWithin))
        return Result(
            statistic: f, dfBetween: dfBetween, dfWithin: dfWithin,
            pValue: Distributions.fSF(f, d1: Double(dfBetween), d2: Double(dfWithin)),
            etaSquared: squares.between / squares.total)
    }

    /// Sums of squares in scipy's order: values are centred on the grand mean first, so
    /// large offsets (e.g. dates, Hounsfield units) do not cancel catastrophically.
    static func sumsOfSquares(_ groups: [[Double]], total: Int) -> (between: Double, within: Double, total: Double) {
        let offset = groups.joined().reduce(0, +) / Double(total)
        let centred = groups.map { $0.map { $0 - offset } }
        let centredSum = centred.joined().reduce(0, +)
        let normalised = centredSum * centredSum / Double(total)
        let ssTotal = centred.joined().reduce(0) { $0 + $1 * $1 } - normalised
        let ssBetween =
            centred.reduce(0) { sum, group in
                let s = group.reduce(0, +)
                return sum + s * s / Double(group.count)
            } - normalised
        return (ssBetween, ssTotal - ssBetween, ssTotal)
    }
}
