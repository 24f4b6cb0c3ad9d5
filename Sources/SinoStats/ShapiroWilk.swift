import Foundation

/// The Shapiro-Wilk W test of normality: a port of Royston's Algorithm AS R94 (Applied
/// Statistics 44(4), 1995) as scipy 1.17 runs it (`scipy.stats.shapiro`, the double
/// precision Cython translation `_ansari_swilk_statistics.swilk`), for 3 <= n <= 5000.
///
/// ```swift
/// let result = try ShapiroWilk.test([148, 154, 158, 160, 161, 162, 166, 170, 182, 195, 236])
/// print(result.statistic, result.pValue)
/// ```
/// The coefficients a_i come from Royston's polynomial approximations (not from exact
/// normal order statistics) and the p-value from his normalising transformations of
/// log(1 - W): n = 3 exact, 4 <= n <= 11 and n >= 12 separate fits.
public enum ShapiroWilk {
    public struct Result: Codable, Sendable, Equatable {
        /// W, between 0 and 1; values near 1 are consistent with normality.
        public let statistic: Double
        public let pValue: Double
    }

    /// Tests `x` for normality. Needs 3 to 5000 values that are not all equal: R's
    /// `shapiro.test` refuses the same; scipy warns and still answers above 5000
    /// ("p-value may not be accurate") and returns W = 1, p = 1 for constant data.
    /// - Parameter x: the sample, 3 to 5000 finite values, not all equal.
    /// - Returns: W and its p-value (Royston's approximation, AS R94, as scipy `shapiro` and R
    ///   `shapiro.test`); a small p is evidence against normality.
    /// - Throws: `StatsError.invalidInput` for fewer than 3 or more than 5000 values, a non-finite
    ///   value, or constant data.
    public static func test(_ x: [Double]) throws -> Result {
        try validate(x)
        // scipy sorts, then subtracts the value at index n/2 of the *unsorted* input
        // (gh-15777: centring near the median keeps W accurate for large offsets).
        let centre = x[x.count / 2]
        let sorted = x.sorted().map { $0 - centre }
        let a = coefficients(x.count)
        let w = statistic(sorted, a)
        return Result(statistic: w.w, pValue: pValue(w: w.w, oneMinusW: w.oneMinusW, n: x.count))
    }

    static func validate(_ x: [Double]) throws {
        guard x.count >= 3, x.count <= 5000 else {
            throw StatsError.invalidInput(
                "Shapiro-Wilk needs between 3 and 5000 values, got \(x.count)")
        }
        try GroupInput.requireFinite(x, "the sample")
        guard x.contains(where: { $0 != x[0] }) else {
            throw StatsError.invalidInput("Shapiro-Wilk is undefined when all values are equal")
        }
    }

    // MARK: Coefficients a_1 ... a_{n/2}

    /// Royston's approximation: m_i = Phi^-1((i - 3/8) / (n + 1/4)), then the two extreme
    /// coefficients from polynomials in 1/sqrt(n) and the rest rescaled so sum a^2 = 1/2.
    static func coefficients(_ n: Int) -> [Double] {
        let half = n / 2
        if n == 3 { return [Double(2).squareRoot() / 2] }
        let an25 = Double(n) + 0.25
        var m = (0..<half).map { ppnd((Double($0 + 1) - 0.375) / an25) }
        let summ2 = 2 * m.reduce(0) { $0 + $1 * $1 }
        let ssumm2 = summ2.squareRoot()
        let rsn = 1 / Double(n).squareRoot()
        let a1 = poly(c1, rsn) - m[0] / ssumm2
        let fac: Double
        let firstRescaled: Int
        if n > 5 {
            let a2 = -m[1] / ssumm2 + poly(c2, rsn)
            fac = ((summ2 - 2 * m[0] * m[0] - 2 * m[1] * m[1]) / (1 - 2 * a1 * a1 - 2 * a2 * a2)).squareRoot()
            m[1] = a2
            firstRescaled = 2
        } else {
            fac = ((summ2 - 2 * m[0] * m[0]) / (1 - 2 * a1 * a1)).squareRoot()
            firstRescaled = 1
        }
        m[0] = a1
        for i in firstRescaled..<half { m[i] *= -1 / fac }
        return m
    }

    // MARK: W

    /// W = 1 - w1 with w1 computed as (sqrt(SSA SSX) - SAX)(sqrt(SSA SSX) + SAX) / (SSA SSX),
    /// which keeps 1 - W accurate when W is close to 1; values are scaled by the range.
    static func statistic(_ x: [Double], _ a: [Double]) -> (w: Double, oneMinusW: Double) {
        let n = x.count
        let range = x[n - 1] - x[0]
        // Signed coefficient of order statistic i: -a_i in the lower half, +a in the upper
        // half, 0 for the middle value of an odd sample.
        let signed = { (i: Int) -> Double in
            let mirror = n - 1 - i
            if i == mirror { return 0 }
            return i < mirror ? -a[i] : a[mirror]
        }
        var sumX = x[0] / range
        var sumA = -a[0]
        for i in 1..<n {
            sumX += x[i] / range
            sumA += signed(i)
        }
        sumA /= Double(n)
        sumX /= Double(n)
        var ssa = 0.0, ssx = 0.0, sax = 0.0
        for i in 0..<n {
            let asa = signed(i) - sumA
            let xsx = x[i] / range - sumX
            ssa += asa * asa
            ssx += xsx * xsx
            sax += asa * xsx
        }
        let root = (ssa * ssx).squareRoot()
        let w1 = (root - sax) * (root + sax) / (ssa * ssx)
        return (1 - w1, w1)
    }

    // MARK: p-value

    static func pValue(w: Double, oneMinusW: Double, n: Int) -> Double {
        if n == 3 {
            // Exact for n = 3: p = 1 - (6 / pi) acos(sqrt(W)); W >= 3/4 in theory, and scipy
            // returns p = 0 when rounding pushes it below (gh-18322).
            return w < 0.75 ? 0 : 1 - 6 / Double.pi * acos(w.squareRoot())
        }
        let an = Double(n)
        var y = log(oneMinusW)
        let m: Double, s: Double
        if n <= 11 {
            let gamma = poly(g, an)
            if y >= gamma { return 1e-19 } // AS R94's "SMALL": beyond the fitted range
            y = -log(gamma - y)
            m = poly(c3, an)
            s = exp(poly(c4, an))
        } else {
            let logN = log(an)
            m = poly(c5, logN)
            s = exp(poly(c6, logN))
        }
        return alnormUpper((y - m) / s)
    }

    // MARK: AS R94 constants

    static let c1 = [0.0, 0.221157, -0.147981, -0.207119e1, 0.4434685e1, -0.2706056e1]
    static let c2 = [0.0, 0.42981e-1, -0.293762, -0.1752461e1, 0.5682633e1, -0.3582633e1]
    static let c3 = [0.5440, -0.39978, 0.25054e-1, -0.6714e-3]
    static let c4 = [0.13822e1, -0.77857, 0.62767e-1, -0.20322e-2]
    static let c5 = [-0.15861e1, -0.31082, -0.83751e-1, 0.38915e-2]
    static let c6 = [-0.4803, -0.82676e-1, 0.30302e-2]
    static let g = [-0.2273e1, 0.459]

    /// c[0] + c[1] x + c[2] x^2 + ..., evaluated in AS R94's order (Horner from the top).
    static func poly(_ c: [Double], _ x: Double) -> Double {
        if c.count == 1 { return c[0] }
        var p = x * c[c.count - 1]
        if c.count == 2 { return c[0] + p }
        for i in stride(from: c.count - 2, through: 1, by: -1) { p = (p + c[i]) * x }
        return c[0] + p
    }
}
