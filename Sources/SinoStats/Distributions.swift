import CGSL

/// Probability distributions backed by GSL (`gsl_cdf_*`, `gsl_sf_*`).
///
/// Upper tails use GSL's `_Q` functions directly rather than `1 - P`, so small
/// p-values keep their relative precision (GSL's chi-square, F and normal upper
/// tails agree with exact values to ~1e-14 relative).
public enum Distributions {
    /// Turns GSL's abort-on-error handler off once per process; every GSL caller
    /// goes through this module, so the first use of `Distributions` does it.
    static let gslReady: Bool = {
        gsl_set_error_handler_off()
        return true
    }()

    @inline(__always) static func ready() { _ = gslReady }

    // MARK: Normal
    /// Lower tail P(Z <= x) of the standard normal.
    ///
    /// - Parameter x: the value.
    /// - Returns: the probability, from GSL `gsl_cdf_ugaussian_P`.
    public static func normalCDF(_ x: Double) -> Double { ready(); return gsl_cdf_ugaussian_P(x) }
    /// Upper tail P(Z > x).
    /// - Parameter x: the value.
    /// - Returns: the probability, from GSL `gsl_cdf_ugaussian_Q` (accurate far in the tail).
    public static func normalSF(_ x: Double) -> Double { ready(); return gsl_cdf_ugaussian_Q(x) }
    /// The standard normal quantile Φ⁻¹(p), e.g. 1.959964 at p = 0.975.
    ///
    /// - Parameter p: the lower-tail probability, in (0, 1).
    /// - Returns: x with P(Z <= x) = p (GSL `gsl_cdf_ugaussian_Pinv`).
    public static func normalQuantile(_ p: Double) -> Double { ready(); return gsl_cdf_ugaussian_Pinv(p) }
    /// Two-sided p-value of a standard normal statistic, 2 P(Z > |z|).
    /// - Parameter z: the statistic.
    /// - Returns: 2 P(Z > |z|), at most 1.
    public static func normalTwoSidedP(_ z: Double) -> Double {
        ready(); return min(1, 2 * gsl_cdf_ugaussian_Q(abs(z)))
    }

    // MARK: Chi-square, F, t
    /// Upper tail P(X > x) for a chi-square with `df` degrees of freedom.
    /// - Parameters:
    ///   - x: the statistic; 1 for x <= 0.
    ///   - df: degrees of freedom, > 0.
    /// - Returns: the upper-tail probability (GSL `gsl_cdf_chisq_Q`).
    public static func chiSquareSF(_ x: Double, df: Double) -> Double {
        ready(); return x <= 0 ? 1 : gsl_cdf_chisq_Q(x, df)
    }
    /// The chi-square quantile: x with P(X <= x) = p.
    ///
    /// - Parameters:
    ///   - p: the lower-tail probability, in [0, 1).
    ///   - df: degrees of freedom, > 0.
    /// - Returns: the quantile (GSL `gsl_cdf_chisq_Pinv`).
    public static func chiSquareQuantile(_ p: Double, df: Double) -> Double {
        ready(); return gsl_cdf_chisq_Pinv(p, df)
    }
    /// Upper tail P(X > x) for F(d1, d2).
    /// - Parameters:
    ///   - x: the statistic; 1 for x <= 0.
    ///   - d1: numerator degrees of freedom.
    ///   - d2: denominator degrees of freedom.
    /// - Returns: the upper-tail probability (GSL `gsl_cdf_fdist_Q`).
    public static func fSF(_ x: Double, d1: Double, d2: Double) -> Double {
        ready(); return x <= 0 ? 1 : gsl_cdf_fdist_Q(x, d1, d2)
    }
    /// Upper tail P(T > x) for Student's t with `df` degrees of freedom.
    /// - Parameters:
    ///   - x: the statistic.
    ///   - df: degrees of freedom, > 0.
    /// - Returns: the upper-tail probability (GSL `gsl_cdf_tdist_Q`; for two-sided p-values far in
    ///   the tail use `tTwoSidedP(_:df:)`).
    public static func tSF(_ x: Double, df: Double) -> Double { ready(); return gsl_cdf_tdist_Q(x, df) }
    /// Student's t quantile: x with P(T <= x) = p.
    ///
    /// - Parameters:
    ///   - p: the lower-tail probability, in (0, 1).
    ///   - df: degrees of freedom, > 0.
    /// - Returns: the quantile (GSL `gsl_cdf_tdist_Pinv`).
    public static func tQuantile(_ p: Double, df: Double) -> Double { ready(); return gsl_cdf_tdist_Pinv(p, df) }

    // MARK: Binomial
    /// P(X <= k) for Binomial(n, p).
    /// - Parameters:
    ///   - k: successes; 0 below 0, 1 at n or above.
    ///   - n: trials.
    ///   - p: success probability, in [0, 1].
    /// - Returns: the lower-tail probability, including k (GSL `gsl_cdf_binomial_P`).
    public static func binomialCDF(_ k: Int, n: Int, p: Double) -> Double {
        ready()
        if k < 0 { return 0 }
        if k >= n { return 1 }
        return gsl_cdf_binomial_P(UInt32(k), p, UInt32(n))
    }
    /// P(X = k) for Binomial(n, p).
    /// - Parameters:
    ///   - k: successes; 0 outside 0...n.
    ///   - n: trials.
    ///   - p: success probability, in [0, 1].
    /// - Returns: the probability of exactly k successes (GSL `gsl_ran_binomial_pdf`).
    public static func binomialPMF(_ k: Int, n: Int, p: Double) -> Double {
        ready()
        if k < 0 || k > n { return 0 }
        return gsl_ran_binomial_pdf(UInt32(k), p, UInt32(n))
    }

    // MARK: Special functions
    /// log(n!) via `gsl_sf_lnfact`.
    /// - Parameter n: a non-negative integer.
    /// - Returns: the natural logarithm of n!.
    public static func logFactorial(_ n: Int) -> Double { ready(); return gsl_sf_lnfact(UInt32(n)) }
    /// log C(n, k) via `gsl_sf_lnchoose`.
    /// - Parameters:
    ///   - n: a non-negative integer.
    ///   - k: an integer in 0...n.
    /// - Returns: the natural logarithm of the binomial coefficient.
    public static func logChoose(_ n: Int, _ k: Int) -> Double {
        ready(); return gsl_sf_lnchoose(UInt32(n), UInt32(k))
    }
    /// log |Γ(x)| via `gsl_sf_lngamma`.
    ///
    /// - Parameter x: the argument (not a non-positive integer).
    /// - Returns: the natural logarithm of the absolute value of the gamma function.
    public static func logGamma(_ x: Double) -> Double { ready(); return gsl_sf_lngamma(x) }

    /// The GSL version linked at run time (for provenance records).
    public static var gslVersion: String { String(cString: sinorad_gsl_version()) }
}
