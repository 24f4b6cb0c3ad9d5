/// A two-sided confidence interval and how it was obtained.
public struct ConfidenceInterval: Codable, Sendable, Equatable {
    public let lower: Double
    public let upper: Double
    /// Coverage, e.g. 0.95.
    public let level: Double
    /// "Wilson score", "asymptotic normal", ...
    public let method: String
}

/// A proportion count / total (sensitivity, PPV, accuracy, ...) with its Wilson score interval.
/// With total = 0 the proportion is undefined: `value` and `interval` are nil and
/// `undefinedReason` says why.
public struct ProportionEstimate: Codable, Sendable, Equatable {
    public let count: Int
    public let total: Int
    public let value: Double?
    public let interval: ConfidenceInterval?
    public let undefinedReason: String?

    /// - Parameters:
    ///   - count: patients counted (e.g. true positives), 0...total.
    ///   - total: patients the proportion is of (e.g. all cases); 0 makes it undefined.
    ///   - level: confidence level of the Wilson interval, strictly between 0 and 1.
    ///   - whenEmpty: the reason reported when `total` is 0 ("no patient predicted as SCC").
    public init(count: Int, total: Int, level: Double = 0.95, whenEmpty: @autoclosure () -> String) {
        self.count = count
        self.total = total
        if total == 0 {
            (value, interval, undefinedReason) = (nil, nil, whenEmpty())
        } else {
            (value, undefinedReason) = (Double(count) / Double(total), nil)
            interval = WilsonInterval.interval(count: count, total: total, level: level)
        }
    }
}

/// The Wilson score interval for a binomial proportion, with the arithmetic of
/// statsmodels 0.15 `proportion_confint(count, nobs, alpha, method="wilson")`:
/// center = (q + z^2 / 2n) / (1 + z^2 / n), half-width = z sqrt(q(1-q)/n + z^2/4n^2) / (1 + z^2/n),
/// both ends clipped to [0, 1].
public enum WilsonInterval {
    /// - Parameters:
    ///   - count: successes, 0...total.
    ///   - total: trials, at least 1.
    ///   - level: coverage, strictly between 0 and 1 (default 0.95).
    /// - Returns: the two-sided Wilson score interval, clipped to [0, 1].
    /// - Precondition: 0 <= count <= total, total > 0, 0 < level < 1.
    public static func interval(count: Int, total: Int, level: Double = 0.95) -> ConfidenceInterval {
        precondition(total > 0 && (0...total).contains(count) && level > 0 && level < 1)
        let n = Double(total), q = Double(count) / n
        // statsmodels: crit = norm.isf(alpha / 2).
        let z = -Distributions.normalQuantile((1 - level) / 2)
        let z2 = z * z
        let denominator = 1 + z2 / n
        let center = (q + z2 / (2 * n)) / denominator
        var halfWidth = z * (q * (1 - q) / n + z2 / (4 * n * n)).squareRoot()
        halfWidth /= denominator
        return ConfidenceInterval(
            lower: min(max(center - halfWidth, 0), 1), upper: min(max(center + halfWidth, 0), 1),
            level: level, method: "Wilson score")
    }
}
