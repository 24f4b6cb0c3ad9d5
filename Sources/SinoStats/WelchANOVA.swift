/// Welch's heteroscedastic one-way ANOVA (Welch 1951), as
/// `statsmodels.stats.oneway.anova_oneway(use_var="unequal", welch_correction=True)`
/// (statsmodels 0.15) computes it; equal to `scipy.stats.f_oneway(equal_var=False)`.
///
/// ```swift
/// let result = try WelchANOVA.test([[5.1, 4.9, 4.7], [7.0, 6.4, 6.9, 5.5], [6.3, 5.8, 7.1]])
/// print(result.statistic, result.df2, result.pValue)
/// ```
public enum WelchANOVA {
    public struct Result: Codable, Sendable, Equatable {
        /// Welch's F.
        public let statistic: Double
        /// k - 1.
        public let df1: Double
        /// Welch's fractional denominator degrees of freedom.
        public let df2: Double
        /// Upper tail of F(df1, df2) at the statistic.
        public let pValue: Double
    }

    /// Tests equality of the group means without assuming equal variances. Each group needs
    /// two values and a non-zero variance (its weight n / s^2; statsmodels would give NaN).
    /// - Parameter groups: the values of each group (at least 2 groups of at least 2 values).
    /// - Returns: Welch's F on (k - 1, df2) degrees of freedom and its upper-tail p-value
    ///   (statsmodels `anova_oneway(use_var="unequal")`).
    /// - Throws: `StatsError.invalidInput` for fewer than 2 groups, a group with fewer than 2
    ///   values, a non-finite value, or a group with zero variance.
    public static func test(_ groups: [[Double]]) throws -> Result {
        try GroupInput.requireGroups(groups, minimumPerGroup: 2, test: "Welch's ANOVA")
        let counts = groups.map { Double($0.count) }
        let means = try groups.map(Descriptives.mean)
        let variances = try groups.map(Descriptives.variance)
        if let constant = variances.firstIndex(of: 0) {
            throw StatsError.invalidInput(
                "Welch's ANOVA is undefined: group \(constant + 1) has zero variance")
        }
        let k = Double(groups.count)
        let weights = zip(counts, variances).map { $0 / $1 }
        let weightTotal = weights.reduce(0, +)
        let relativeWeights = weights.map { $0 / weightTotal }
        let weightedMean = zip(relativeWeights, means).reduce(0) { $0 + $1.0 * $1.1 }
        let between =
            zip(weights, means).reduce(0) { sum, wm in
                sum + wm.0 * (wm.1 - weightedMean) * (wm.1 - weightedMean)
            } / (k - 1)
        // Welch's correction term, sum (1 - w_i / W)^2 / (n_i - 1) / (k^2 - 1).
        let lambda =
            zip(relativeWeights, counts).reduce(0) { sum, wn in
                sum + (1 - wn.0) * (1 - wn.0) / (wn.1 - 1)
            } / (k * k - 1)
        let f = between / (1 + 2 * (k - 2) * lambda)
        let df2 = 1 / (3 * lambda)
        return Result(
            statistic: f, df1: k - 1, df2: df2,
            pValue: Distributions.fSF(f, d1: k - 1, d2: df2))
    }
}
