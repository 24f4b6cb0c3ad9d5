import Foundation

/// The two normal-distribution routines that AS R94 carries with it. They are low-order
/// approximations (about 7 and 10 significant digits), and scipy's p-values inherit their
/// error; reproducing them, rather than calling an exact quantile, is what makes
/// `ShapiroWilk` agree with scipy to rounding.
extension ShapiroWilk {
    /// Algorithm AS 111 (Beasley & Springer 1977) normal quantile (PPND), as
    /// scipy's `_ppnd`: a rational fit for |p - 1/2| <= 0.42, a tail fit in sqrt(-log r).
    static func ppnd(_ p: Double) -> Double {
        let q = p - 0.5
        if abs(q) <= 0.42 {
            let r = q * q
            let numerator = q * (((-25.44106049637 * r + 41.39119773534) * r - 18.61500062529) * r + 2.50662823884)
            let denominator = (((3.13082909833 * r - 21.06224101826) * r + 23.08336743743) * r - 8.47351093090) * r + 1
            return numerator / denominator
        }
        var r = q > 0 ? 1 - p : p
        guard r > 0 else { return 0 }
        r = (-log(r)).squareRoot()
        let tail =
            (((2.32121276858 * r + 4.85014127135) * r - 2.29796479134) * r - 2.78718931138)
            / ((1.63706781897 * r + 3.54388924762) * r + 1)
        return q < 0 ? -tail : tail
    }

    /// Algorithm AS 66 (Hill 1973) upper normal tail P(Z > z), with the 2001 extension of
    /// the upper cut-off to 38, as scipy's `_alnorm(x, upper=True)`.
    static func alnormUpper(_ x: Double) -> Double {
        var upper = true
        var z = x
        if !(z > 0) { // also catches NaN, as the original
            upper = false
            z = -z
        }
        if !(z <= 7 || (upper && z <= 38)) { return upper ? 0 : 1 }
        let y = 0.5 * z * z
        let tail: Double
        if z <= 1.28 {
            tail =
                0.5 - z
                * (0.398942280444 - 0.399903438504 * y
                    / (y + 5.75885480458 - 29.8213557808 / (y + 2.62433121679 + 48.6959930692 / (y + 5.92885724438))))
        } else {
            tail =
                0.398942280385 * exp(-y)
                / (z - 3.8052e-8 + 1.00000615302
                    / (z + 3.98064794e-4 + 1.98615381364
                        / (z - 0.151679116635 + 5.29330324926
                            / (z + 4.8385912808 - 15.1508972451
                                / (z + 0.742380924027 + 30.789933034 / (z + 3.99019417011))))))
        }
        return upper ? tail : 1 - tail
    }
}
