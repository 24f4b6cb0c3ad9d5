import CSinoKernels
import Foundation

/// Eigenvalues of real symmetric matrices: Householder reduction to tridiagonal form, then the
/// implicit QL algorithm with Wilkinson shifts (eigenvalues only). Backward stable: errors are
/// of the order of eps times the matrix norm. Used for the voxel-based MCC fast path.
enum SymmetricEigenvalues {
    /// Reduces the row-major n x n symmetric matrix `a` (lower triangle used, destroyed) to
    /// tridiagonal form: diagonal in `d[0..<n]`, sub-diagonal in `e[0..<n-1]` (e[i] couples
    /// i and i + 1), e[n-1] = 0.
    /// Four lanes per vector, lane r of each dot product summing the products k ≡ r (mod 4), as
    /// four scalars would; in C (`sino_tridiagonalise`), AVX2 where the CPU has it, else plain:
    /// the same bits either way.
    static func tridiagonalise(_ a: UnsafeMutablePointer<Double>, n: Int, d: UnsafeMutablePointer<Double>, e: UnsafeMutablePointer<Double>) {
        sino_tridiagonalise(a, n, d, e, 256)
    }

    /// √(x² + y²): the direct formula when it neither overflows nor underflows, else `hypot`.
    @inline(__always) static func hypotenuse(_ x: Double, _ y: Double) -> Double {
        let s = x * x + y * y
        if s.isFinite && s > 1e-290 { return s.squareRoot() }
        return hypot(x, y)
    }

    /// Implicit QL with Wilkinson shifts on the tridiagonal (d, e) of size n (e[i] couples i
    /// and i + 1); the eigenvalues replace d. False if an eigenvalue needs over 60 iterations.
    static func ql(d: UnsafeMutablePointer<Double>, e: UnsafeMutablePointer<Double>, n: Int) -> Bool {
        if n <= 1 { return true }
        // Off-diagonals below ulp·‖T‖·1e-3 change no eigenvalue by more than that: treat them
        // as zero (otherwise clusters at 0 iterate until underflow).
        var norm = 0.0
        for i in 0..<n { norm = max(norm, abs(d[i]) + abs(e[i])) }
        let floor = Double.ulpOfOne * norm * 1e-3
        for l in 0..<n {
            var iterations = 0
            while true {
                var m = l
                while m < n - 1 {
                    let off = abs(e[m])
                    if off <= Double.ulpOfOne * (abs(d[m]) + abs(d[m + 1])) || off <= floor { break }
                    m += 1
                }
                if m == l { break }
                iterations += 1
                if iterations > 60 { return false }
                var g = (d[l + 1] - d[l]) / (2 * e[l])
                var r = hypotenuse(g, 1)
                g = d[m] - d[l] + e[l] / (g + copysign(r, g))
                var s = 1.0, c = 1.0, p = 0.0
                var i = m - 1
                var underflow = false
                while i >= l {
                    let f = s * e[i]
                    let b = c * e[i]
                    r = hypotenuse(f, g)
                    e[i + 1] = r
                    if r == 0 {
                        d[i + 1] -= p
                        e[m] = 0
                        underflow = true
                        break
                    }
                    s = f / r
                    c = g / r
                    g = d[i + 1] - p
                    r = (d[i] - g) * s + 2 * c * b
                    p = s * r
                    d[i + 1] = g + p
                    g = c * r - b
                    i -= 1
                }
                if underflow { continue }
                d[l] -= p
                e[l] = g
                e[m] = 0
            }
        }
        return true
    }

    /// The smallest and largest eigenvalues of the tridiagonal (d, e) of size n ≥ 1 (e[i]
    /// couples i and i + 1), by bisection on Sturm counts from the Gershgorin interval
    /// (LAPACK `dlaebz`'s count with its pivot guard): O(n) per pass, about 15 passes of 24
    /// points for both, instead of QL's O(n²) for all. Accurate to a few ulps of the matrix norm, as QL is
    /// (bisection stops at 2·eps·‖T‖, `dstebz`'s default tolerance). The minimum is computed
    /// only when `needMin` (else NaN). With `largerSquareOnly` (and `needMin`) only max(min², max²)
    /// is wanted: once one bracket's every value has a smaller magnitude than every value of the
    /// other's, it is no longer narrowed (its end value is then only inside it); the other is
    /// narrowed exactly as without the option, so max(min², max²) has the same bits.
    static func extremes(
        d: UnsafePointer<Double>, e: UnsafePointer<Double>, n: Int, needMin: Bool = true, largerSquareOnly: Bool = false
    ) -> (min: Double, max: Double) {
        if n == 1 { return (d[0], d[0]) }
        var lower = Double.infinity
        var upper = -Double.infinity
        var maxE2 = 0.0
        for i in 0..<n {
            let r = (i > 0 ? abs(e[i - 1]) : 0) + (i < n - 1 ? abs(e[i]) : 0)
            lower = Swift.min(lower, d[i] - r)
            upper = Swift.max(upper, d[i] + r)
            if i < n - 1 { maxE2 = Swift.max(maxE2, e[i] * e[i]) }
        }
        let pivmin = Double.leastNormalMagnitude * Swift.max(1, maxE2)
        let norm = Swift.max(abs(lower), abs(upper))
        let tolerance = 2 * Double.ulpOfOne * norm + pivmin
        // Widen so that the counts at the ends are strict.
        lower -= 2 * Double.ulpOfOne * norm + pivmin
        upper += 2 * Double.ulpOfOne * norm + pivmin
        // Both brackets are cut into 13 parts at once: 12 points each, 24 Sturm chains per pass
        // (`sino_sturm_counts24`: six vectors whose divisions overlap, so a pass costs about what
        // one chain does), each pass shrinking each bracket 13-fold. Each lane's operations are
        // the scalar recurrence's, `d[i] - x - e²/q` with LAPACK's pivot guard. Invariants: fewer
        // than 1 eigenvalue below lowA, at least 1 below lowB; fewer than n below highA, n below
        // highB. A bracket is narrowed alike whether the other is open or not.
        let parts = 13
        var points = [Double](repeating: 0, count: 2 * (parts - 1))
        var counted = [Int64](repeating: 0, count: 2 * (parts - 1))
        var lowA = lower, lowB = upper, highA = lower, highB = upper
        /// The smallest and largest magnitude of the values in [a, b].
        @inline(__always) func magnitudes(_ a: Double, _ b: Double) -> (least: Double, most: Double) {
            (a > 0 ? a : (b < 0 ? -b : 0), Swift.max(abs(a), abs(b)))
        }
        /// The part of [a, b] holding the point where the count first reaches `target`, from the
        /// counts at its inner points (`offset` in `counted`).
        @inline(__always) func narrowed(_ a: Double, _ b: Double, target: Int64, offset: Int) -> (Double, Double) {
            var left = a
            for k in 0..<(parts - 1) {
                if counted[offset + k] >= target { return (left, points[offset + k]) }
                left = points[offset + k]
            }
            return (left, b)
        }
        var lowSettled = false, highSettled = false
        for _ in 0..<100 {
            if largerSquareOnly && needMin && !lowSettled && !highSettled {
                let low = magnitudes(lowA, lowB), high = magnitudes(highA, highB)
                if low.most < high.least { lowSettled = true }
                if high.most < low.least { highSettled = true }
            }
            let lowOpen = needMin && !lowSettled && lowB - lowA > tolerance
            let highOpen = !highSettled && highB - highA > tolerance
            if !lowOpen && !highOpen { break }
            let wl = (lowB - lowA) / Double(parts), wh = (highB - highA) / Double(parts)
            for k in 1..<parts {
                points[k - 1] = lowA + Double(k) * wl
                points[parts - 2 + k] = highA + Double(k) * wh
            }
            points.withUnsafeBufferPointer { x in
                counted.withUnsafeMutableBufferPointer { sino_sturm_counts24(d, e, n, x.baseAddress!, pivmin, $0.baseAddress!, 256) }
            }
            let (la, lb, ha, hb) = (lowA, lowB, highA, highB)
            if lowOpen { (lowA, lowB) = narrowed(lowA, lowB, target: 1, offset: 0) }
            if highOpen { (highA, highB) = narrowed(highA, highB, target: Int64(n), offset: parts - 1) }
            if la == lowA && lb == lowB && ha == highA && hb == highB { break }
        }
        return (needMin ? 0.5 * (lowA + lowB) : .nan, 0.5 * (highA + highB))
    }
}
