/// How a sample quantile interpolates between order statistics (Hyndman & Fan 1996).
public enum QuantileMethod: String, Codable, Sendable, CaseIterable {
    /// Type 7, linear interpolation between x[floor(h)] and x[ceil(h)] at h = (n - 1) p:
    /// R's default, numpy's `method="linear"` (its default), tableone's quartiles.
    case type7
    /// Type 2, the inverse of the empirical CDF, averaging at its jumps: gtsummary's
    /// quartiles, R `quantile(type = 2)`, numpy `method="averaged_inverted_cdf"`.
    case type2
}

/// Summary of one sample as a Table 1 reports it: mean (SD), median, range.
///
/// ```swift
/// let age = try Descriptives([61, 54, 70, 66])
/// print(age.mean, age.standardDeviation ?? .nan)
/// let iqr = try Descriptives.quantiles([61, 54, 70, 66], [0.25, 0.75], method: .type2)
/// ```
/// Variance and SD use the n - 1 denominator (numpy `ddof=1`, R `var`).
public struct Descriptives: Codable, Sendable, Equatable {
    public let count: Int
    public let mean: Double
    /// Sample variance (n - 1 denominator); nil for a single value.
    public let variance: Double?
    /// Square root of `variance`; nil for a single value.
    public let standardDeviation: Double?
    public let median: Double
    public let minimum: Double
    public let maximum: Double

    /// Summarises `values`; throws on an empty sample or NaN.
    /// - Parameter values: the sample, at least one finite value.
    /// - Throws: `StatsError.invalidInput` for an empty sample or a non-finite value.
    public init(_ values: [Double]) throws {
        let sorted = try Self.sortedSample(values)
        count = values.count
        mean = Self.sum(values) / Double(values.count)
        variance = values.count > 1 ? Self.sumOfSquaredDeviations(values) / Double(values.count - 1) : nil
        standardDeviation = variance.map { $0.squareRoot() }
        median = Self.type7(sorted, 0.5)
        minimum = sorted[0]
        maximum = sorted[sorted.count - 1]
    }

    // MARK: Single statistics

    /// The arithmetic mean.
    ///
    /// - Parameter values: the sample, at least one finite value.
    /// - Returns: the sum divided by the count.
    /// - Throws: `StatsError.invalidInput` for an empty sample or a non-finite value.
    public static func mean(_ values: [Double]) throws -> Double {
        try requireSample(values)
        return sum(values) / Double(values.count)
    }

    /// Sample variance with the n - 1 denominator; needs at least two values.
    /// - Parameter values: the sample, at least two finite values.
    /// - Returns: the sum of squared deviations from the mean over n - 1.
    /// - Throws: `StatsError.invalidInput` for fewer than two values or a non-finite value.
    public static func variance(_ values: [Double]) throws -> Double {
        guard values.count >= 2 else {
            throw StatsError.invalidInput("a variance needs at least 2 values, got \(values.count)")
        }
        try GroupInput.requireFinite(values, "the sample")
        return sumOfSquaredDeviations(values) / Double(values.count - 1)
    }

    /// Sample standard deviation, the square root of `variance(_:)` (n - 1 denominator).
    ///
    /// - Parameter values: the sample, at least two finite values.
    /// - Returns: the standard deviation, in the unit of the values.
    /// - Throws: `StatsError.invalidInput` for fewer than two values or a non-finite value.
    public static func standardDeviation(_ values: [Double]) throws -> Double {
        try variance(values).squareRoot()
    }

    /// The median, the type-7 0.5 quantile (the mean of the two middle values for even n).
    ///
    /// - Parameter values: the sample, at least one finite value.
    /// - Returns: the median.
    /// - Throws: `StatsError.invalidInput` for an empty sample or a non-finite value.
    public static func median(_ values: [Double]) throws -> Double {
        try quantile(values, 0.5)
    }

    // MARK: Quantiles

    /// The `p` quantile (0 <= p <= 1) of `values` by `method`.
    /// - Parameters:
    ///   - values: the sample, at least one finite value.
    ///   - p: the probability, in [0, 1].
    ///   - method: `.type7` (R's default, numpy's `linear`) or `.type2` (the inverse empirical
    ///     CDF, averaging at its jumps; gtsummary).
    /// - Returns: the quantile.
    /// - Throws: `StatsError.invalidInput` for an empty sample, a non-finite value or `p` outside
    ///   [0, 1].
    public static func quantile(_ values: [Double], _ p: Double, method: QuantileMethod = .type7) throws -> Double {
        try quantiles(values, [p], method: method)[0]
    }

    /// Several quantiles of one sample, sorting it once.
    /// - Parameters:
    ///   - values: the sample, at least one finite value.
    ///   - probabilities: the probabilities, each in [0, 1].
    ///   - method: `.type7` (R's default, numpy's `linear`) or `.type2`.
    /// - Returns: one quantile per probability, in the same order.
    /// - Throws: `StatsError.invalidInput` for an empty sample, a non-finite value or a probability
    ///   outside [0, 1].
    public static func quantiles(
        _ values: [Double], _ probabilities: [Double],
        method: QuantileMethod = .type7
    ) throws -> [Double] {
        let sorted = try sortedSample(values)
        if let bad = probabilities.first(where: { !($0 >= 0 && $0 <= 1) }) {
            throw StatsError.invalidInput("a quantile probability must lie in [0, 1], got \(bad)")
        }
        switch method {
        case .type7: return probabilities.map { type7(sorted, $0) }
        case .type2: return probabilities.map { type2(sorted, $0) }
        }
    }

    /// h = (n - 1) p; interpolates as numpy's `_lerp`, which for weights >= 0.5 works from
    /// the upper value so that the result matches numpy to the last bit in most cases.
    static func type7(_ sorted: [Double], _ p: Double) -> Double {
        let h = Double(sorted.count - 1) * p
        let lower = Int(h.rounded(.down))
        let upper = min(lower + 1, sorted.count - 1)
        let weight = h - Double(lower)
        let a = sorted[lower], b = sorted[upper]
        return weight >= 0.5 ? b - (b - a) * (1 - weight) : a + (b - a) * weight
    }

    /// R's `quantile.default(type = 2)` (R 4.2): j = floor(n p + 4 eps); where n p is an
    /// integer, the average of x(j) and x(j+1), otherwise x(j+1) (1-based, clamped to 1...n).
    static func type2(_ sorted: [Double], _ p: Double) -> Double {
        let n = sorted.count
        let np = Double(n) * p
        let j = Int((np + 4 * Double.ulpOfOne).rounded(.down))
        let clamped = { (oneBased: Int) in sorted[min(max(oneBased, 1), n) - 1] }
        if np > Double(j) { return clamped(j + 1) }
        return 0.5 * clamped(j) + 0.5 * clamped(j + 1)
    }

    // MARK: Helpers

    /// A sample must have a value and no NaN or infinity.
    static func requireSample(_ values: [Double]) throws {
        guard !values.isEmpty else { throw StatsError.invalidInput("the sample is empty") }
        try GroupInput.requireFinite(values, "the sample")
    }

    static func sortedSample(_ values: [Double]) throws -> [Double] {
        try requireSample(values)
        return values.sorted()
    }

    static func sum(_ values: [Double]) -> Double { values.reduce(0, +) }

    /// Two-pass sum of (x - mean)^2, as numpy's `var` computes it.
    static func sumOfSquaredDeviations(_ values: [Double]) -> Double {
        let mean = sum(values) / Double(values.count)
        return values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
    }
}
