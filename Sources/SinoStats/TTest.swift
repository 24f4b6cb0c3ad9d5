/// Two-sample t-tests for independent samples, two-sided, as `scipy.stats.ttest_ind`
/// (scipy 1.17) computes them: `welch` is `equal_var=False`, `student` is `equal_var=True`.
///
/// ```swift
/// let result = try TTest.welch([5.1, 4.9, 4.7, 4.6], [7.0, 6.4, 6.9, 5.5, 6.5])
/// print(result.statistic, result.df, result.pValue)
/// ```
public enum TTest {
    public struct Result: Codable, Sendable, Equatable {
        /// t = (mean(x) - mean(y)) / standard error; positive when x has the larger mean.
        public let statistic: Double
        /// Degrees of freedom: n1 + n2 - 2 (Student) or Welch-Satterthwaite's (Welch).
        public let df: Double
        /// Two-sided p-value, 2 P(T > |t|).
        public let pValue: Double
    }

    /// Welch's unequal-variance t-test with Welch-Satterthwaite degrees of freedom.
    /// - Parameters:
    ///   - x: the first sample, at least 2 finite values.
    ///   - y: the second sample, at least 2 finite values.
    /// - Returns: t = (mean x - mean y) / se, the fractional degrees of freedom and the two-sided
    ///   p-value (scipy `ttest_ind(equal_var=False)`).
    /// - Throws: `StatsError.invalidInput` for a sample with fewer than 2 values or a non-finite
    ///   value, or zero variance in both samples.
    public static func welch(_ x: [Double], _ y: [Double]) throws -> Result {
        let (x, y) = try summaries(x, y, test: "Welch's t-test")
        let vn1 = x.variance / x.n, vn2 = y.variance / y.n
        let df = (vn1 + vn2) * (vn1 + vn2) / (vn1 * vn1 / (x.n - 1) + vn2 * vn2 / (y.n - 1))
        return try result(x.mean - y.mean, standardError: (vn1 + vn2).squareRoot(), df: df)
    }

    /// Student's t-test with the pooled variance and n1 + n2 - 2 degrees of freedom.
    /// - Parameters:
    ///   - x: the first sample, at least 2 finite values.
    ///   - y: the second sample, at least 2 finite values.
    /// - Returns: t = (mean x - mean y) / se, n1 + n2 - 2 degrees of freedom and the two-sided
    ///   p-value (scipy `ttest_ind`).
    /// - Throws: `StatsError.invalidInput` for a sample with fewer than 2 values or a non-finite
    ///   value, or both samples constant (zero pooled variance).
    public static func student(_ x: [Double], _ y: [Double]) throws -> Result {
        let (x, y) = try summaries(x, y, test: "Student's t-test")
        let df = x.n + y.n - 2
        let pooled = ((x.n - 1) * x.variance + (y.n - 1) * y.variance) / df
        let standardError = (pooled * (1 / x.n + 1 / y.n)).squareRoot()
        return try result(x.mean - y.mean, standardError: standardError, df: df)
    }

    typealias Summary = (n: Double, mean: Double, variance: Double)

    /// Each sample needs two values (scipy would return NaN for a variance of one value).
    static func summaries(_ x: [Double], _ y: [Double], test: String) throws -> (Summary, Summary) {
        try GroupInput.requireGroups([x, y], minimumPerGroup: 2, test: test)
        let summarise = { (v: [Double]) throws -> Summary in
            (Double(v.count), try Descriptives.mean(v), try Descriptives.variance(v))
        }
        return (try summarise(x), try summarise(y))
    }

    /// Both samples constant: scipy gives t = +-inf (p = 0) or NaN; SinoStats raises.
    static func result(_ difference: Double, standardError: Double, df: Double) throws -> Result {
        guard standardError > 0 else {
            throw StatsError.invalidInput("a t-test is undefined when both samples are constant")
        }
        let t = difference / standardError
        return Result(statistic: t, df: df, pValue: Distributions.tTwoSidedP(t, df: df))
    }
}
