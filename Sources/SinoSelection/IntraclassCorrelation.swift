import CGSL
import SinoStats

/// Intraclass correlation coefficients as pingouin 0.7.0 `intraclass_corr` computes them
/// (Shrout & Fleiss 1979; McGraw & Wong 1996; ../../docs/selection/icc-mrmr.md): all six
/// forms from the two-way ANOVA without replication of an n targets x k raters table, with
/// their F tests and 95% confidence intervals, unrounded (pingouin rounds the CI column to two
/// decimals unless `pingouin.options["round.column.CI95"] = None`).
///
/// ```swift
/// let result = try IntraclassCorrelation.compute([[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8]])
/// print(result[.icc3].value, result[.icc3].lower, result[.icc3].upper)
/// ```
///
/// The mean squares are MSB = SS_targets/(n-1), MSJ = SS_raters/(k-1),
/// MSE = SS_error/((n-1)(k-1)) and MSW = (SS_raters + SS_error)/(n(k-1)); the quantiles of the
/// intervals come from GSL `gsl_cdf_fdist_Pinv`, which takes the real degrees of freedom of
/// ICC(A,1)'s interval.
public enum IntraclassCorrelation {
    /// The six forms, in pingouin's row order.
    public enum Form: String, Codable, Sendable, CaseIterable {
        case icc1, icc2, icc3, icc1k, icc2k, icc3k

        /// pingouin 0.7.0's `Type`: ICC(1,1), ICC(A,1), ICC(C,1), ICC(1,k), ICC(A,k), ICC(C,k).
        public var pingouinName: String {
            switch self {
            case .icc1: "ICC(1,1)"
            case .icc2: "ICC(A,1)"
            case .icc3: "ICC(C,1)"
            case .icc1k: "ICC(1,k)"
            case .icc2k: "ICC(A,k)"
            case .icc3k: "ICC(C,k)"
            }
        }

        /// pingouin 0.5.x's `Type`: ICC1, ICC2, ICC3, ICC1k, ICC2k, ICC3k.
        public var legacyName: String {
            switch self {
            case .icc1: "ICC1"
            case .icc2: "ICC2"
            case .icc3: "ICC3"
            case .icc1k: "ICC1k"
            case .icc2k: "ICC2k"
            case .icc3k: "ICC3k"
            }
        }

        /// pingouin 0.5.x's `Description`.
        public var summary: String {
            switch self {
            case .icc1: "Single raters absolute"
            case .icc2: "Single random raters"
            case .icc3: "Single fixed raters"
            case .icc1k: "Average raters absolute"
            case .icc2k: "Average random raters"
            case .icc3k: "Average fixed raters"
            }
        }

        /// The form from either naming (ICC(C,1) or ICC3, ...).
        public init?(name: String) {
            guard let form = Form.allCases.first(where: { $0.pingouinName == name || $0.legacyName == name })
            else { return nil }
            self = form
        }
    }

    /// One row of pingouin's table.
    public struct Estimate: Codable, Sendable, Equatable {
        public let form: Form
        public let value: Double
        /// MSB/MSW for ICC(1,1) and ICC(1,k), MSB/MSE otherwise.
        public let f: Double
        public let df1: Int
        public let df2: Int
        /// Upper tail of F(df1, df2) at `f`.
        public let pValue: Double
        /// The 95% confidence interval, unrounded.
        public let lower: Double
        public let upper: Double
    }

    /// The mean squares of the two-way ANOVA.
    public struct MeanSquares: Codable, Sendable, Equatable {
        /// Between targets.
        public let targets: Double
        /// Between raters.
        public let raters: Double
        /// Residual (target x rater).
        public let error: Double
        /// Within targets, (SS_raters + SS_error) / (n(k - 1)).
        public let within: Double
    }

    public struct Result: Codable, Sendable, Equatable {
        /// n.
        public let targets: Int
        /// k.
        public let raters: Int
        public let meanSquares: MeanSquares
        /// The six forms in `Form.allCases` order.
        public let estimates: [Estimate]

        public subscript(form: Form) -> Estimate { estimates.first { $0.form == form }! }
    }

    /// All six ICCs of a complete n x k table.
    /// - Parameter ratings: one row per target, one column per rater (at least 2 of each),
    ///   finite values.
    /// - Returns: the six forms with F, degrees of freedom, p and the unrounded 95% CI.
    /// - Throws: `SelectionError.invalidInput` for a ragged table, fewer than 2 targets or
    ///   raters, a non-finite rating, or ratings that are all equal (every ICC is 0/0).
    public static func compute(_ ratings: [[Double]]) throws -> Result {
        guard ratings.count >= 2 else {
            throw SelectionError.invalidInput("ICC needs at least 2 targets (rows), got \(ratings.count)")
        }
        let k = try FeatureMatrix.columnCount(ratings, minimumRows: 2, what: "ICC ratings")
        guard k >= 2 else { throw SelectionError.invalidInput("ICC needs at least 2 raters (columns), got \(k)") }
        let n = ratings.count
        let nd = Double(n), kd = Double(k)
        let grand = ratings.joined().reduce(0, +) / (nd * kd)
        let targetMeans = ratings.map { $0.reduce(0, +) / kd }
        let raterMeans = (0..<k).map { j in ratings.reduce(0) { $0 + $1[j] } / nd }
        let ssTotal = ratings.joined().reduce(0) { $0 + ($1 - grand) * ($1 - grand) }
        let ssTargets = kd * targetMeans.reduce(0) { $0 + ($1 - grand) * ($1 - grand) }
        let ssRaters = nd * raterMeans.reduce(0) { $0 + ($1 - grand) * ($1 - grand) }
        let ssError = ssTotal - ssTargets - ssRaters
        guard ssTotal > 0 else {
            throw SelectionError.invalidInput("ICC is undefined when every rating is equal (no variance)")
        }
        let msb = ssTargets / (nd - 1)
        let msj = ssRaters / (kd - 1)
        let mse = ssError / ((nd - 1) * (kd - 1))
        let msw = (ssRaters + ssError) / (nd * (kd - 1))

        let icc1 = (msb - msw) / (msb + (kd - 1) * msw)
        let icc2 = (msb - mse) / (msb + (kd - 1) * mse + kd * (msj - mse) / nd)
        let icc3 = (msb - mse) / (msb + (kd - 1) * mse)
        let icc1k = (msb - msw) / msb
        let icc2k = (msb - mse) / (msb + (msj - mse) / nd)
        let icc3k = (msb - mse) / msb

        let df1 = n - 1, df1kd = n * (k - 1), df2kd = (n - 1) * (k - 1)
        let f1 = msb / msw, f3 = msb / mse
        let p1 = Distributions.fSF(f1, d1: Double(df1), d2: Double(df1kd))
        let p3 = Distributions.fSF(f3, d1: Double(df1), d2: Double(df2kd))

        // Cases 1 and 3.
        let f1l = f1 / fQuantile975(Double(df1), Double(df1kd))
        let f1u = f1 * fQuantile975(Double(df1kd), Double(df1))
        let l1 = (f1l - 1) / (f1l + (kd - 1)), u1 = (f1u - 1) / (f1u + (kd - 1))
        let f3l = f3 / fQuantile975(Double(df1), Double(df2kd))
        let f3u = f3 * fQuantile975(Double(df2kd), Double(df1))
        let l3 = (f3l - 1) / (f3l + (kd - 1)), u3 = (f3u - 1) / (f3u + (kd - 1))
        // Case 2: Satterthwaite-type degrees of freedom v (real).
        let fj = msj / mse
        let a = kd * icc2 * fj + nd * (1 + (kd - 1) * icc2) - kd * icc2
        let b = nd * (1 + (kd - 1) * icc2) - kd * icc2
        let vn = Double(df2kd) * (a * a)
        let vd = Double(df1) * (kd * kd) * (icc2 * icc2) * (fj * fj) + b * b
        let v = vn / vd
        let f2u = fQuantile975(nd - 1, v)
        let f2l = fQuantile975(v, nd - 1)
        let l2 = nd * (msb - f2u * mse) / (f2u * (kd * msj + (kd * nd - kd - nd) * mse) + nd * msb)
        let u2 = nd * (f2l * msb - mse) / (kd * msj + (kd * nd - kd - nd) * mse + nd * f2l * msb)

        func row(_ form: Form, _ value: Double, _ f: Double, _ df2: Int, _ p: Double, _ ci: (Double, Double))
            -> Estimate
        {
            Estimate(form: form, value: value, f: f, df1: df1, df2: df2, pValue: p, lower: ci.0, upper: ci.1)
        }
        let estimates = [
            row(.icc1, icc1, f1, df1kd, p1, (l1, u1)),
            row(.icc2, icc2, f3, df2kd, p3, (l2, u2)),
            row(.icc3, icc3, f3, df2kd, p3, (l3, u3)),
            row(.icc1k, icc1k, f1, df1kd, p1, (1 - 1 / f1l, 1 - 1 / f1u)),
            row(.icc2k, icc2k, f3, df2kd, p3, (l2 * kd / (1 + l2 * (kd - 1)), u2 * kd / (1 + u2 * (kd - 1)))),
            row(.icc3k, icc3k, f3, df2kd, p3, (1 - 1 / f3l, 1 - 1 / f3u))
        ]
        return Result(
            targets: n, raters: k,
            meanSquares: MeanSquares(targets: msb, raters: msj, error: mse, within: msw),
            estimates: estimates)
    }

    /// ICCs from long data (one row per rating), as pingouin pivots it.
    /// - Parameters:
    ///   - targets: the target (case) of each rating.
    ///   - raters: the rater (or segmentation) of each rating.
    ///   - ratings: the values; NaN marks a missing rating.
    ///   - nanPolicy: what to do with targets lacking a rating (pingouin's `nan_policy`).
    /// - Returns: the six forms on the pivoted table (`pivot` documents how it is built).
    /// - Throws: `SelectionError.invalidInput` as `pivot` and `compute(_:)` do.
    public static func compute(
        targets: [String], raters: [String], ratings: [Double], nanPolicy: NaNPolicy = .raise
    ) throws -> Result {
        try compute(pivot(targets: targets, raters: raters, ratings: ratings, nanPolicy: nanPolicy).ratings)
    }

    /// The 0.975 quantile of F(d1, d2), real degrees of freedom allowed.
    static func fQuantile975(_ d1: Double, _ d2: Double) -> Double {
        _ = gslErrorsOff
        return gsl_cdf_fdist_Pinv(0.975, d1, d2)
    }

    /// GSL aborts on a domain error unless its handler is off (SinoStats does the same).
    static let gslErrorsOff: Bool = {
        gsl_set_error_handler_off()
        return true
    }()
}
