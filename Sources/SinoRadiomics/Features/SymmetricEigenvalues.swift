import Foundation

/// Eigenvalues of real symmetric matrices: Householder reduction to tridiagonal form, then the
/// implicit QL algorithm with Wilkinson shifts (eigenvalues only). Backward stable: errors are
/// of the order of eps times the matrix norm. Used for the voxel-based MCC fast path.
enum SymmetricEigenvalues {
    /// Reduces the row-major n x n symmetric matrix `a` (lower triangle used, destroyed) to
    /// tridiagonal form: diagonal in `d[0..<n]`, sub-diagonal in `e[0..<n-1]` (e[i] couples
    /// i and i + 1), e[n-1] = 0.
    static func tridiagonalise(_ a: UnsafeMutablePointer<Double>, n: Int, d: UnsafeMutablePointer<Double>, e: UnsafeMutablePointer<Double>) {
        if n == 0 { return }
        @inline(__always) func at(_ i: Int, _ j: Int) -> Double { a[i * n + j] }
        @inline(__always) func set(_ i: Int, _ j: Int, _ v: Double) { a[i * n + j] = v }
        var i = n - 1
        while i >= 1 {
            let l = i - 1
            var h = 0.0
            if l > 0 {
                var scale = 0.0
                for k in 0...l { scale += abs(at(i, k)) }
                if scale == 0 {
                    e[i] = at(i, l)
                } else {
                    for k in 0...l {
                        let v = at(i, k) / scale
                        set(i, k, v)
                        h += v * v
                    }
                    let f = at(i, l)
                    let g0 = f >= 0 ? -h.squareRoot() : h.squareRoot()
                    e[i] = scale * g0
                    h -= f * g0
                    set(i, l, f - g0)
                    var ff = 0.0
                    for j in 0...l {
                        var g = 0.0
                        for k in 0...j { g += at(j, k) * at(i, k) }
                        if j + 1 <= l {
                            for k in (j + 1)...l { g += at(k, j) * at(i, k) }
                        }
                        e[j] = g / h
                        ff += e[j] * at(i, j)
                    }
                    let hh = ff / (h + h)
                    for j in 0...l {
                        let fj = at(i, j)
                        let g = e[j] - hh * fj
                        e[j] = g
                        for k in 0...j { set(j, k, at(j, k) - (fj * e[k] + g * at(i, k))) }
                    }
                }
            } else {
                e[i] = at(i, l)
            }
            i -= 1
        }
        for k in 0..<n { d[k] = at(k, k) }
        // Shift the sub-diagonal down: e[i] couples i and i + 1.
        for k in 1..<n { e[k - 1] = e[k] }
        e[n - 1] = 0
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
    /// (LAPACK `dlaebz`'s count with its pivot guard): O(n) per step, about 100 steps for both,
    /// instead of QL's O(n²) for all. Accurate to a few ulps of the matrix norm, as QL is.
    static func extremes(d: UnsafePointer<Double>, e: UnsafePointer<Double>, n: Int) -> (min: Double, max: Double) {
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
        // Widen so that the counts at the ends are strict.
        lower -= 2 * Double.ulpOfOne * norm + pivmin
        upper += 2 * Double.ulpOfOne * norm + pivmin
        /// Number of eigenvalues below x.
        @inline(__always) func below(_ x: Double) -> Int {
            var count = 0
            var q = d[0] - x
            if abs(q) < pivmin { q = -pivmin }
            if q < 0 { count += 1 }
            for i in 1..<n {
                let ei = e[i - 1]
                q = d[i] - x - ei * ei / q
                if abs(q) < pivmin { q = -pivmin }
                if q < 0 { count += 1 }
            }
            return count
        }
        /// The eigenvalue of rank k (1-based, ascending): below(a) < k ≤ below(b).
        func bisect(_ k: Int) -> Double {
            var a = lower
            var b = upper
            for _ in 0..<200 {
                let mid = 0.5 * (a + b)
                if b - a <= 2 * Double.ulpOfOne * Swift.max(abs(a), abs(b)) + pivmin || mid <= a || mid >= b { break }
                if below(mid) >= k { b = mid } else { a = mid }
            }
            return 0.5 * (a + b)
        }
        return (bisect(1), bisect(n))
    }
}
