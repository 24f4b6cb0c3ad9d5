/// The Mann-Whitney U (Wilcoxon rank-sum) test of two independent samples, with
/// `scipy.stats.mannwhitneyu` (scipy 1.17) semantics: the statistic is U1, the one for `x`;
/// `auto` picks the exact null distribution when one sample has at most 8 values and
/// there are no ties, the tie-corrected normal approximation otherwise.
///
/// ```swift
/// let result = try MannWhitneyU.test([19, 22, 16, 29, 24], [20, 11, 17, 12])
/// // result.statistic == 17, result.pValue == 0.111..., result.method == .exact
/// ```
public enum MannWhitneyU {
    public enum Alternative: String, Codable, Sendable, CaseIterable {
        /// The two distributions differ.
        case twoSided
        /// `x` is stochastically less than `y`.
        case less
        /// `x` is stochastically greater than `y`.
        case greater
    }

    public enum Method: String, Codable, Sendable, CaseIterable {
        /// `exact` when min(n1, n2) <= 8 and there are no ties, else `asymptotic`
        /// (scipy's `_mwu_choose_method`).
        case auto
        /// The exact permutation distribution of U; not corrected for ties (as in scipy,
        /// a half-integer U from ties is truncated to an integer).
        case exact
        /// Normal approximation with the tie-corrected variance.
        case asymptotic
    }

    public struct Result: Codable, Sendable, Equatable {
        /// U1 = R1 - n1 (n1 + 1) / 2, the statistic for `x`; U2 = n1 n2 - U1.
        public let statistic: Double
        public let pValue: Double
        /// The method that computed the p-value (never `.auto`).
        public let method: Method
        public let alternative: Alternative
    }

    /// Tests `x` against `y`. `continuity` subtracts 1/2 from |U - n1 n2 / 2| in the normal
    /// approximation (ignored by the exact method). Both samples need a value; when every
    /// value is equal the normal approximation has zero variance and scipy returns p = 1
    /// (with the continuity correction) or NaN, so SinoStats raises instead.
    /// - Parameters:
    ///   - x: the first sample (at least one finite value).
    ///   - y: the second sample.
    ///   - alternative: two-sided (default), `less` or `greater` (x stochastically smaller or
    ///     larger than y), as scipy `mannwhitneyu`.
    ///   - method: `.auto` (exact when a sample has at most 8 values and there are no
    ///     ties), `.exact` or `.asymptotic`.
    ///   - continuity: apply the continuity correction in the normal approximation (default, as
    ///     scipy's `use_continuity=True`).
    /// - Returns: U of `x` (U1) and the p-value of the chosen alternative.
    /// - Throws: `StatsError.invalidInput` for an empty sample, a non-finite value, or all values
    ///   equal under the normal approximation.
    public static func test(
        _ x: [Double], _ y: [Double], alternative: Alternative = .twoSided,
        method: Method = .auto, continuity: Bool = true
    ) throws -> Result {
        try validate(x, y)
        let ranks = MidRanks(x + y)
        let n1 = Double(x.count), n2 = Double(y.count)
        let u1 = ranks.ranks[0..<x.count].reduce(0, +) - n1 * (n1 + 1) / 2
        let u2 = n1 * n2 - u1
        // The p-value always comes from an upper tail: of U1 for "greater", of U2 for
        // "less" (by symmetry), of the larger one, doubled, for two-sided.
        let (u, factor): (Double, Double) =
            switch alternative {
            case .greater: (u1, 1)
            case .less: (u2, 1)
            case .twoSided: (max(u1, u2), 2)
            }
        let used = method == .auto ? automaticMethod(x.count, y.count, ranks) : method
        let upperTail =
            used == .exact
            ? exactUpperTail(u, x.count, y.count)
            : try normalUpperTail(u, n1, n2, ranks, continuity: continuity)
        return Result(
            statistic: u1, pValue: min(max(upperTail * factor, 0), 1),
            method: used, alternative: alternative)
    }

    static func validate(_ x: [Double], _ y: [Double]) throws {
        guard !x.isEmpty, !y.isEmpty else {
            throw StatsError.invalidInput("Mann-Whitney U needs at least one value in each sample")
        }
        try GroupInput.requireFinite(x, "x")
        try GroupInput.requireFinite(y, "y")
    }

    /// scipy's rule: asymptotic when both samples exceed 8 values or there are ties.
    static func automaticMethod(_ n1: Int, _ n2: Int, _ ranks: MidRanks) -> Method {
        if n1 > 8 && n2 > 8 { return .asymptotic }
        return ranks.tieSizes.contains { $0 > 1 } ? .asymptotic : .exact
    }

    /// P(U >= u) under the exact null; u is truncated to an integer as scipy's
    /// `np.asarray(U, np.int64)` does.
    static func exactUpperTail(_ u: Double, _ n1: Int, _ n2: Int) -> Double {
        let k = Int(u)
        let distribution = MannWhitneyUNullDistribution(n1, n2, upTo: min(k, n1 * n2 - k))
        return distribution.sf(k)
    }

    /// P(Z >= z) with z = (u - n1 n2 / 2 - 1/2) / sigma and the tie-corrected
    /// sigma^2 = n1 n2 / 12 ((n + 1) - sum(t^3 - t) / (n (n - 1))).
    static func normalUpperTail(
        _ u: Double, _ n1: Double, _ n2: Double, _ ranks: MidRanks,
        continuity: Bool
    ) throws -> Double {
        let n = n1 + n2
        let variance = n1 * n2 / 12 * ((n + 1) - ranks.tieTerm / (n * (n - 1)))
        guard variance > 0 else {
            throw StatsError.invalidInput(
                "Mann-Whitney U is undefined when all values are equal (zero rank variance)")
        }
        // Subtracting 1/2 always moves U towards the mean because only upper tails are used.
        let z = (u - n1 * n2 / 2 - (continuity ? 0.5 : 0)) / variance.squareRoot()
        return Distributions.normalCDF(-z)
    }
}
