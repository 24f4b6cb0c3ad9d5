import Foundation

/// McNemar's test for two raters (models, radiologists) classifying the same patients: do they
/// differ in accuracy? Only the discordant pairs count: b = patients A got right and B wrong,
/// c = patients A got wrong and B right.
///
/// ```swift
/// let exact = try McNemarTest.test(b: 12, c: 2, method: .exactBinomial)       // statsmodels exact=True
/// let r = try McNemarTest.test(b: 12, c: 2, method: .chiSquareCorrected)      // R mcnemar.test default
/// ```
public enum McNemarTest {
    public enum Method: String, Codable, Sendable, CaseIterable {
        /// statsmodels 0.15 `mcnemar(table, exact=True)`: statistic min(b, c),
        /// p = min(1, 2 P(X <= min(b, c))) for X ~ Binomial(b + c, 1/2).
        case exactBinomial = "exact binomial (statsmodels mcnemar exact=True)"
        /// statsmodels `mcnemar(exact=False, correction=True)` = R `mcnemar.test` default:
        /// (|b - c| - 1)^2 / (b + c) against chi-square with 1 df.
        case chiSquareCorrected = "chi-square with continuity correction (R mcnemar.test default)"
        /// statsmodels `mcnemar(exact=False, correction=False)`: (b - c)^2 / (b + c).
        case chiSquare = "chi-square without continuity correction"
    }

    /// - Parameters:
    ///   - b: discordant pairs where rater A is right and rater B wrong (or row 1, column 2).
    ///   - c: discordant pairs where rater A is wrong and rater B right.
    ///   - method: exact two-sided binomial test of min(b, c) given b + c, or the chi-square
    ///     statistic (|b - c| - 1)² / (b + c) with the continuity correction, (b - c)² / (b + c)
    ///     without, on 1 degree of freedom.
    /// - Returns: the statistic (min(b, c) for the exact test) and its two-sided p-value.
    /// - Throws: `StatsError.invalidInput` for negative counts, or for a chi-square method when
    ///   b + c = 0: statsmodels then divides by zero (statistic inf and p 0 with the
    ///   correction, NaN without); the exact test gives the meaningful p = 1.
    public static func test(b: Int, c: Int, method: Method) throws -> McNemarResult {
        guard b >= 0, c >= 0 else {
            throw StatsError.invalidInput("discordant counts cannot be negative; got b = \(b), c = \(c)")
        }
        switch method {
        case .exactBinomial:
            return McNemarResult(
                method: method, b: b, c: c, statistic: Double(min(b, c)),
                pValue: SymmetricBinomialTail.twoSidedP(smaller: min(b, c), discordant: b + c))
        case .chiSquareCorrected, .chiSquare:
            guard b + c > 0 else {
                throw StatsError.invalidInput(
                    "no discordant pairs (b = c = 0): the chi-square McNemar statistic divides by zero"
                        + " (statsmodels returns inf with p = 0 corrected, NaN uncorrected); use the exact test, p = 1")
            }
            let excess = abs(b - c) - (method == .chiSquareCorrected ? 1 : 0)
            let statistic = Double(excess * excess) / Double(b + c)
            return McNemarResult(
                method: method, b: b, c: c, statistic: statistic,
                pValue: chiSquareOneDFSurvival(statistic))
        }
    }

    /// Counts b and c from two raters' correctness on the same patients.
    /// - Parameters:
    ///   - aCorrect: whether rater A was right, one per patient.
    ///   - bCorrect: whether rater B was right on the same patients, in the same order.
    ///   - method: exact binomial or chi-square, with or without continuity correction.
    /// - Returns: the test of b = #(A right, B wrong) against c = #(A wrong, B right).
    /// - Throws: `StatsError.invalidInput` for lists of different lengths or no patient, or as
    ///   `test(b:c:method:)`.
    public static func test(aCorrect: [Bool], bCorrect: [Bool], method: Method) throws -> McNemarResult {
        guard aCorrect.count == bCorrect.count, !aCorrect.isEmpty else {
            throw StatsError.invalidInput(
                "paired correctness needs one entry per patient for both raters; got \(aCorrect.count) and \(bCorrect.count)")
        }
        let pairs = zip(aCorrect, bCorrect)
        return try test(
            b: pairs.filter { $0 && !$1 }.count, c: pairs.filter { !$0 && $1 }.count,
            method: method)
    }

    /// Compares two raters' predicted classes against the true classes.
    /// - Parameters:
    ///   - labels: true class of each patient.
    ///   - predictedA: rater (or model) A's class for each patient.
    ///   - predictedB: rater B's class for the same patients, in the same order.
    ///   - method: exact binomial or chi-square, with or without continuity correction.
    /// - Returns: McNemar's test of the two raters' correctness.
    /// - Throws: `StatsError.invalidInput` when the three lists differ in length or are empty, or
    ///   as `test(b:c:method:)`.
    public static func test(labels: [Int], predictedA: [Int], predictedB: [Int], method: Method) throws
        -> McNemarResult
    {
        guard predictedA.count == labels.count, predictedB.count == labels.count else {
            throw StatsError.invalidInput(
                "\(labels.count) labels but \(predictedA.count) and \(predictedB.count) predictions")
        }
        return try test(
            aCorrect: zip(labels, predictedA).map(==), bCorrect: zip(labels, predictedB).map(==),
            method: method)
    }

    /// P(chi-square with 1 df > x) = erfc(sqrt(x / 2)). Rounding t = sqrt(x / 2) would cost
    /// about 2 t^2 ulp of relative error (3e-14 at x = 56), so the first-order term in the
    /// exact residual x / 2 - t^2 (an fma) is added back: within 3e-16 of a 40-digit mpmath
    /// value for x = 0.37, 0.74, ..., 110. scipy 1.17 chi2.sf (which statsmodels calls) and GSL's
    /// gsl_cdf_chisq_Q are up to 2e-14 off.
    static func chiSquareOneDFSurvival(_ x: Double) -> Double {
        if x <= 0 { return 1 }
        let half = x / 2
        let t = half.squareRoot()
        let residual = half.addingProduct(-t, t) // fma: x / 2 - t^2 without rounding t^2
        // d/dt erfc(t) = -2 / sqrt(pi) exp(-t^2); dt = residual / (2 t).
        return erfc(t) - 2 / Double.pi.squareRoot() * exp(-t * t) * residual / (2 * t)
    }
}

/// One McNemar test; `method` says which.
public struct McNemarResult: Codable, Sendable, Equatable {
    public let method: McNemarTest.Method
    /// A right, B wrong.
    public let b: Int
    /// A wrong, B right.
    public let c: Int
    /// min(b, c) for the exact test, the chi-square statistic otherwise (statsmodels' `statistic`).
    public let statistic: Double
    public let pValue: Double
}
