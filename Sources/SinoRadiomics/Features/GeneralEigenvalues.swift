import Foundation

/// Eigenvalues of a general real square matrix, as `numpy.linalg.eigvals` obtains them from
/// LAPACK's `dgeev` (JOBVL = JOBVR = 'N'): balancing (`dgebal`, permutation and scaling),
/// Householder reduction to Hessenberg form (`dgehd2`) and the double-shift QR algorithm
/// (`dlahqr` with `dlanv2` for 2 x 2 blocks). A literal port of the reference LAPACK
/// routines (3.12), used for GLCM's MCC; results agree with NumPy to rounding (OpenBLAS'
/// BLAS kernels sum in another order).
struct GeneralEigenvalues {
    private(set) var capacity: Int
    private var a: UnsafeMutablePointer<Double>
    private var scale: UnsafeMutablePointer<Double>
    private var work: UnsafeMutablePointer<Double>
    /// Real and imaginary parts of the last call's eigenvalues.
    private(set) var wr: UnsafeMutablePointer<Double>
    private(set) var wi: UnsafeMutablePointer<Double>

    static let safeMinimum = Double.leastNormalMagnitude // DLAMCH('S')
    static let epsilon = Double.ulpOfOne / 2 // DLAMCH('E')
    static let precision = Double.ulpOfOne // DLAMCH('P')

    init(capacity: Int) {
        self.capacity = max(capacity, 1)
        a = .allocate(capacity: self.capacity * self.capacity)
        scale = .allocate(capacity: self.capacity)
        work = .allocate(capacity: self.capacity)
        wr = .allocate(capacity: self.capacity)
        wi = .allocate(capacity: self.capacity)
    }

    func deallocate() {
        a.deallocate()
        scale.deallocate()
        work.deallocate()
        wr.deallocate()
        wi.deallocate()
    }

    /// The column-major n x n matrix to fill before `solve(n:)` (A(i, j) at i + j·n).
    var matrix: UnsafeMutablePointer<Double> { a }

    /// Computes the eigenvalues of `matrix` (destroyed) into `wr`/`wi`. Returns false when the
    /// QR iteration does not converge (LAPACK's INFO > 0; NumPy then raises).
    func solve(n: Int) -> Bool {
        precondition(n <= capacity)
        if n == 0 { return true }
        let (ilo, ihi) = balance(n)
        hessenberg(n, ilo, ihi)
        for i in 0..<(ilo - 1) {
            wr[i] = a[i + i * n]
            wi[i] = 0
        }
        if ihi < n {
            for i in ihi..<n {
                wr[i] = a[i + i * n]
                wi[i] = 0
            }
        }
        if ilo == ihi {
            wr[ilo - 1] = a[(ilo - 1) * (n + 1)]
            wi[ilo - 1] = 0
            return true
        }
        return lahqr(n, ilo, ihi)
    }

    @inline(__always) private func at(_ i: Int, _ j: Int, _ n: Int) -> Double { a[(i - 1) + (j - 1) * n] }
    @inline(__always) private func set(_ i: Int, _ j: Int, _ n: Int, _ v: Double) { a[(i - 1) + (j - 1) * n] = v }

    /// `dgebal` with JOB = 'B'; returns (ILO, IHI), 1-based.
    private func balance(_ n: Int) -> (Int, Int) {
        var k = 1
        var l = n
        // Rows isolating an eigenvalue are pushed down.
        var noconv = true
        while noconv {
            noconv = false
            var i = l
            while i >= 1 {
                var canSwap = true
                for j in 1...l where i != j && at(i, j, n) != 0 {
                    canSwap = false
                    break
                }
                if canSwap {
                    scale[l - 1] = Double(i)
                    if i != l {
                        for r in 1...l {
                            let t = at(r, i, n)
                            set(r, i, n, at(r, l, n))
                            set(r, l, n, t)
                        }
                        for c in k...n {
                            let t = at(i, c, n)
                            set(i, c, n, at(l, c, n))
                            set(l, c, n, t)
                        }
                    }
                    noconv = true
                    if l == 1 { return (1, 1) }
                    l -= 1
                }
                i -= 1
            }
        }
        // Columns isolating an eigenvalue are pushed left.
        noconv = true
        while noconv {
            noconv = false
            var j = k
            while j <= l {
                var canSwap = true
                for i in k...l where i != j && at(i, j, n) != 0 {
                    canSwap = false
                    break
                }
                if canSwap {
                    scale[k - 1] = Double(j)
                    if j != k {
                        for r in 1...l {
                            let t = at(r, j, n)
                            set(r, j, n, at(r, k, n))
                            set(r, k, n, t)
                        }
                        for c in k...n {
                            let t = at(j, c, n)
                            set(j, c, n, at(k, c, n))
                            set(k, c, n, t)
                        }
                    }
                    noconv = true
                    k += 1
                }
                j += 1
            }
        }
        for i in k...l { scale[i - 1] = 1 }
        // Iterative scaling by powers of 2 (exact).
        let sclfac = 2.0
        let factor = 0.95
        let sfmin1 = Self.safeMinimum / Self.precision
        let sfmax1 = 1 / sfmin1
        let sfmin2 = sfmin1 * sclfac
        let sfmax2 = 1 / sfmin2
        noconv = true
        while noconv {
            noconv = false
            for i in k...l {
                var c = 0.0
                var r = 0.0
                for t in k...l {
                    c += at(t, i, n) * at(t, i, n)
                    r += at(i, t, n) * at(i, t, n)
                }
                c = c.squareRoot()
                r = r.squareRoot()
                var ca = 0.0
                for t in 1...l { ca = max(ca, abs(at(t, i, n))) }
                var ra = 0.0
                for t in k...n { ra = max(ra, abs(at(i, t, n))) }
                if c == 0 || r == 0 { continue }
                if (c + ca + r + ra).isNaN { return (k, l) }
                var g = r / sclfac
                var f = 1.0
                let s = c + r
                while c < g && max(f, c, ca) < sfmax2 && min(r, g, ra) > sfmin2 {
                    f *= sclfac
                    c *= sclfac
                    ca *= sclfac
                    r /= sclfac
                    g /= sclfac
                    ra /= sclfac
                }
                g = c / sclfac
                while g >= r && max(r, ra) < sfmax2 && min(f, c, g, ca) > sfmin2 {
                    f /= sclfac
                    c /= sclfac
                    g /= sclfac
                    ca /= sclfac
                    r *= sclfac
                    ra *= sclfac
                }
                if c + r >= factor * s { continue }
                if f < 1 && scale[i - 1] < 1 && f * scale[i - 1] <= sfmin1 { continue }
                if f > 1 && scale[i - 1] > 1 && scale[i - 1] >= sfmax1 / f { continue }
                let gi = 1 / f
                scale[i - 1] *= f
                noconv = true
                for t in k...n { set(i, t, n, at(i, t, n) * gi) }
                for t in 1...l { set(t, i, n, at(t, i, n) * f) }
            }
        }
        return (k, l)
    }

    /// `dlapy2`: sqrt(x² + y²) without needless overflow.
    @inline(__always) static func lapy2(_ x: Double, _ y: Double) -> Double {
        let xa = abs(x)
        let ya = abs(y)
        let w = max(xa, ya)
        let z = min(xa, ya)
        if z == 0 || w > Double.greatestFiniteMagnitude { return w }
        return w * (1 + (z / w) * (z / w)).squareRoot()
    }

    /// `dnrm2` of `count` entries from `p` with stride `inc`: the sum of squares in extended
    /// precision, as OpenBLAS' x86-64 kernel (x87) computes it.
    @inline(__always) static func nrm2(_ p: UnsafeMutablePointer<Double>, _ count: Int, _ inc: Int) -> Double {
        var sum: Float80 = 0
        for t in 0..<count {
            let v = Float80(p[t * inc])
            sum += v * v
        }
        return Double(sum.squareRoot())
    }

    /// `dlarfg`: the elementary reflector annihilating x; updates alpha and x, returns tau.
    static func larfg(_ count: Int, _ alpha: inout Double, _ x: UnsafeMutablePointer<Double>, _ inc: Int) -> Double {
        if count <= 1 { return 0 }
        var xnorm = nrm2(x, count - 1, inc)
        if xnorm == 0 { return 0 }
        var beta = -copysign(lapy2(alpha, xnorm), alpha)
        let safmin = safeMinimum / epsilon
        var knt = 0
        if abs(beta) < safmin {
            let rsafmn = 1 / safmin
            repeat {
                knt += 1
                for t in 0..<(count - 1) { x[t * inc] *= rsafmn }
                beta *= rsafmn
                alpha *= rsafmn
            } while abs(beta) < safmin && knt < 20
            xnorm = nrm2(x, count - 1, inc)
            beta = -copysign(lapy2(alpha, xnorm), alpha)
        }
        let tau = (beta - alpha) / beta
        let s = 1 / (alpha - beta)
        for t in 0..<(count - 1) { x[t * inc] *= s }
        for _ in 0..<knt { beta *= safmin }
        alpha = beta
        return tau
    }

    /// `dgehd2`: unblocked reduction of rows/columns ILO..IHI to upper Hessenberg form.
    private func hessenberg(_ n: Int, _ ilo: Int, _ ihi: Int) {
        guard ihi - 1 >= ilo else { return }
        for i in ilo...(ihi - 1) {
            // Reflector H(i) annihilating A(i+2:ihi, i).
            var alpha = at(i + 1, i, n)
            let xRow = min(i + 2, n)
            let tau = Self.larfg(ihi - i, &alpha, a + (xRow - 1) + (i - 1) * n, 1)
            set(i + 1, i, n, 1)
            let v = a + i + (i - 1) * n // v = A(i+1:ihi, i), length ihi - i
            let m = ihi - i
            if tau != 0 {
                // Right: A(1:ihi, i+1:ihi) -= tau * (A v) v^T
                for r in 0..<ihi { work[r] = 0 }
                for jj in 0..<m {
                    let temp = v[jj]
                    let col = a + (i + jj) * n
                    for r in 0..<ihi { work[r] += temp * col[r] }
                }
                for jj in 0..<m {
                    let temp = -tau * v[jj]
                    let col = a + (i + jj) * n
                    for r in 0..<ihi { col[r] = col[r].addingProduct(work[r], temp) }
                }
                // Left: A(i+1:ihi, i+1:n) -= tau * v (v^T A)
                let cols = n - i
                for jj in 0..<cols {
                    let col = a + i + (i + jj) * n
                    var temp = 0.0
                    for r in 0..<m { temp += col[r] * v[r] }
                    work[jj] = temp
                }
                for jj in 0..<cols {
                    let temp = -tau * work[jj]
                    let col = a + i + (i + jj) * n
                    for r in 0..<m { col[r] = col[r].addingProduct(v[r], temp) }
                }
            }
            set(i + 1, i, n, alpha)
        }
    }

    /// `dlahqr` with WANTT = WANTZ = false: eigenvalues of the Hessenberg rows ILO..IHI.
    private func lahqr(_ n: Int, _ ilo: Int, _ ihi: Int) -> Bool {
        let dat1 = 3.0 / 4.0
        let dat2 = -0.4375
        let kexsh = 10
        if ilo == ihi {
            wr[ilo - 1] = at(ilo, ilo, n)
            wi[ilo - 1] = 0
            return true
        }
        if ilo <= ihi - 3 {
            for j in ilo...(ihi - 3) {
                set(j + 2, j, n, 0)
                set(j + 3, j, n, 0)
            }
        }
        if ilo <= ihi - 2 { set(ihi, ihi - 2, n, 0) }
        let nh = ihi - ilo + 1
        let safmin = Self.safeMinimum
        let ulp = Self.precision
        let smlnum = safmin * (Double(nh) / ulp)
        let itmax = 30 * max(10, nh)
        var kdefl = 0
        var i = ihi
        var v = (0.0, 0.0, 0.0)
        while i >= ilo {
            var l = ilo
            var converged = false
            for _ in 0...itmax {
                // Look for a single small subdiagonal element.
                var k = i
                while k >= l + 1 {
                    if abs(at(k, k - 1, n)) <= smlnum { break }
                    var tst = abs(at(k - 1, k - 1, n)) + abs(at(k, k, n))
                    if tst == 0 {
                        if k - 2 >= ilo { tst += abs(at(k - 1, k - 2, n)) }
                        if k + 1 <= ihi { tst += abs(at(k + 1, k, n)) }
                    }
                    if abs(at(k, k - 1, n)) <= ulp * tst {
                        let ab = max(abs(at(k, k - 1, n)), abs(at(k - 1, k, n)))
                        let ba = min(abs(at(k, k - 1, n)), abs(at(k - 1, k, n)))
                        let aa = max(abs(at(k, k, n)), abs(at(k - 1, k - 1, n) - at(k, k, n)))
                        let bb = min(abs(at(k, k, n)), abs(at(k - 1, k - 1, n) - at(k, k, n)))
                        let s = aa + ab
                        if ba * (ab / s) <= max(smlnum, ulp * (bb * (aa / s))) { break }
                    }
                    k -= 1
                }
                l = k
                if l > ilo { set(l, l - 1, n, 0) }
                if l >= i - 1 {
                    converged = true
                    break
                }
                kdefl += 1
                let i1 = l
                let i2 = i
                var h11: Double, h12: Double, h21: Double, h22: Double
                if kdefl % (2 * kexsh) == 0 {
                    let s = abs(at(i, i - 1, n)) + abs(at(i - 1, i - 2, n))
                    h11 = dat1 * s + at(i, i, n)
                    h12 = dat2 * s
                    h21 = s
                    h22 = h11
                } else if kdefl % kexsh == 0 {
                    let s = abs(at(l + 1, l, n)) + abs(at(l + 2, l + 1, n))
                    h11 = dat1 * s + at(l, l, n)
                    h12 = dat2 * s
                    h21 = s
                    h22 = h11
                } else {
                    h11 = at(i - 1, i - 1, n)
                    h21 = at(i, i - 1, n)
                    h12 = at(i - 1, i, n)
                    h22 = at(i, i, n)
                }
                var rt1r = 0.0, rt1i = 0.0, rt2r = 0.0, rt2i = 0.0
                let s0 = abs(h11) + abs(h12) + abs(h21) + abs(h22)
                if s0 != 0 {
                    h11 /= s0
                    h21 /= s0
                    h12 /= s0
                    h22 /= s0
                    let tr = (h11 + h22) / 2
                    let det = (h11 - tr) * (h22 - tr) - h12 * h21
                    let rtdisc = abs(det).squareRoot()
                    if det >= 0 {
                        rt1r = tr * s0
                        rt2r = rt1r
                        rt1i = rtdisc * s0
                        rt2i = -rt1i
                    } else {
                        rt1r = tr + rtdisc
                        rt2r = tr - rtdisc
                        if abs(rt1r - h22) <= abs(rt2r - h22) {
                            rt1r *= s0
                            rt2r = rt1r
                        } else {
                            rt2r *= s0
                            rt1r = rt2r
                        }
                        rt1i = 0
                        rt2i = 0
                    }
                }
                // Look for two consecutive small subdiagonal elements.
                var m = i - 2
                while true {
                    var h21s = at(m + 1, m, n)
                    var s = abs(at(m, m, n) - rt2r) + abs(rt2i) + abs(h21s)
                    h21s = at(m + 1, m, n) / s
                    v.0 = h21s * at(m, m + 1, n) + (at(m, m, n) - rt1r) * ((at(m, m, n) - rt2r) / s) - rt1i * (rt2i / s)
                    v.1 = h21s * (at(m, m, n) + at(m + 1, m + 1, n) - rt1r - rt2r)
                    v.2 = h21s * at(m + 2, m + 1, n)
                    s = abs(v.0) + abs(v.1) + abs(v.2)
                    v.0 /= s
                    v.1 /= s
                    v.2 /= s
                    if m == l { break }
                    let h00 = abs(at(m, m - 1, n)) * (abs(v.1) + abs(v.2))
                    let h01 = abs(v.0) * (abs(at(m - 1, m - 1, n)) + abs(at(m, m, n)) + abs(at(m + 1, m + 1, n)))
                    if h00 <= ulp * h01 { break }
                    m -= 1
                }
                // Double-shift QR step.
                for k in m...(i - 1) {
                    let nr = min(3, i - k + 1)
                    if k > m {
                        v.0 = at(k, k - 1, n)
                        v.1 = at(k + 1, k - 1, n)
                        if nr == 3 { v.2 = at(k + 2, k - 1, n) }
                    }
                    var alpha = v.0
                    var tail = (v.1, v.2)
                    let t1 = withUnsafeMutableBytes(of: &tail) { raw in
                        Self.larfg(nr, &alpha, raw.baseAddress!.assumingMemoryBound(to: Double.self), 1)
                    }
                    v.0 = alpha
                    v.1 = tail.0
                    v.2 = tail.1
                    if k > m {
                        set(k, k - 1, n, v.0)
                        set(k + 1, k - 1, n, 0)
                        if k < i - 1 { set(k + 2, k - 1, n, 0) }
                    } else if m > l {
                        set(k, k - 1, n, at(k, k - 1, n) * (1 - t1))
                    }
                    let v2 = v.1
                    let t2 = t1 * v2
                    if nr == 3 {
                        let v3 = v.2
                        let t3 = t1 * v3
                        for j in k...i2 {
                            let sum = at(k, j, n) + v2 * at(k + 1, j, n) + v3 * at(k + 2, j, n)
                            set(k, j, n, at(k, j, n) - sum * t1)
                            set(k + 1, j, n, at(k + 1, j, n) - sum * t2)
                            set(k + 2, j, n, at(k + 2, j, n) - sum * t3)
                        }
                        for j in i1...min(k + 3, i) {
                            let sum = at(j, k, n) + v2 * at(j, k + 1, n) + v3 * at(j, k + 2, n)
                            set(j, k, n, at(j, k, n) - sum * t1)
                            set(j, k + 1, n, at(j, k + 1, n) - sum * t2)
                            set(j, k + 2, n, at(j, k + 2, n) - sum * t3)
                        }
                    } else if nr == 2 {
                        for j in k...i2 {
                            let sum = at(k, j, n) + v2 * at(k + 1, j, n)
                            set(k, j, n, at(k, j, n) - sum * t1)
                            set(k + 1, j, n, at(k + 1, j, n) - sum * t2)
                        }
                        for j in i1...i {
                            let sum = at(j, k, n) + v2 * at(j, k + 1, n)
                            set(j, k, n, at(j, k, n) - sum * t1)
                            set(j, k + 1, n, at(j, k + 1, n) - sum * t2)
                        }
                    }
                }
            }
            if !converged { return false }
            if l == i {
                wr[i - 1] = at(i, i, n)
                wi[i - 1] = 0
            } else if l == i - 1 {
                var aa = at(i - 1, i - 1, n)
                var bb = at(i - 1, i, n)
                var cc = at(i, i - 1, n)
                var dd = at(i, i, n)
                let (r1r, r1i, r2r, r2i) = Self.lanv2(&aa, &bb, &cc, &dd)
                wr[i - 2] = r1r
                wi[i - 2] = r1i
                wr[i - 1] = r2r
                wi[i - 1] = r2i
            }
            kdefl = 0
            i = l - 1
        }
        return true
    }

    /// `dlanv2`: the Schur factorisation of a real 2 x 2 block; returns its eigenvalues.
    static func lanv2(_ a: inout Double, _ b: inout Double, _ c: inout Double, _ d: inout Double) -> (Double, Double, Double, Double) {
        let multpl = 4.0
        let eps = precision
        let safmn2 = pow(2.0, Double(Int(log(safeMinimum / eps) / log(2.0) / 2)))
        let safmx2 = 1 / safmn2
        if c == 0 {
        } else if b == 0 {
            swap(&a, &d)
            b = -c
            c = 0
        } else if a - d == 0 && (b < 0) != (c < 0) {
        } else {
            var temp = a - d
            var p = 0.5 * temp
            let bcmax = max(abs(b), abs(c))
            let bcmis = min(abs(b), abs(c)) * copysign(1, b) * copysign(1, c)
            var scale = max(abs(p), bcmax)
            var z = (p / scale) * p + (bcmax / scale) * bcmis
            if z >= multpl * eps {
                z = p + copysign(scale.squareRoot() * z.squareRoot(), p)
                a = d + z
                d -= (bcmax / z) * bcmis
                b -= c
                c = 0
            } else {
                var count = 0
                var sigma = b + c
                while true {
                    count += 1
                    scale = max(abs(temp), abs(sigma))
                    if scale >= safmx2 {
                        sigma *= safmn2
                        temp *= safmn2
                        if count <= 20 { continue }
                    }
                    if scale <= safmn2 {
                        sigma *= safmx2
                        temp *= safmx2
                        if count <= 20 { continue }
                    }
                    break
                }
                p = 0.5 * temp
                let tau = lapy2(sigma, temp)
                let cs = (0.5 * (1 + abs(sigma) / tau)).squareRoot()
                let sn = -(p / (tau * cs)) * copysign(1, sigma)
                let aa = a * cs + b * sn
                let bb = -a * sn + b * cs
                let cc = c * cs + d * sn
                let dd = -c * sn + d * cs
                a = aa * cs + cc * sn
                b = bb * cs + dd * sn
                c = -aa * sn + cc * cs
                d = -bb * sn + dd * cs
                temp = 0.5 * (a + d)
                a = temp
                d = temp
                if c != 0 {
                    if b != 0 {
                        if (b < 0) == (c < 0) {
                            let sab = abs(b).squareRoot()
                            let sac = abs(c).squareRoot()
                            p = copysign(sab * sac, c)
                            a = temp + p
                            d = temp - p
                            b -= c
                            c = 0
                        }
                    } else {
                        b = -c
                        c = 0
                    }
                }
            }
        }
        if c == 0 { return (a, 0, d, 0) }
        let im = abs(b).squareRoot() * abs(c).squareRoot()
        return (a, im, d, -im)
    }
}
