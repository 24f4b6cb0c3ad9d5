import CSinoKernels
import Foundation

extension GLMNetProblem {
    /// The K-class path, type.multinomial "ungrouped": glmnet 4.1's `lognetn`
    /// (inst/mortran/glmnet5dpclean.m). Each IRLS iteration cycles the classes, each with its
    /// own Newton weights, coordinate passes and intercept; then intercepts are centred and each
    /// active variable's K coefficients shifted by `elc` (the median for the lasso). `y` is n x K
    /// one-hot, row-major.
    func multinomialPath(y: [Double], classes nc: Int) throws -> GLMNetRawPath {
        try x.withUnsafeBufferPointer { xs in try multinomialPath(X: xs.baseAddress!, y: y, classes: nc) }
    }

    private func multinomialPath(X: UnsafePointer<Double>, y yRows: [Double], classes nc: Int) throws -> GLMNetRawPath {
        typealias K = GLMNetKernels
        let pmin = GLMNetSettings.pmin
        let pUpper = 1 - pmin
        let emin = pmin / pUpper
        let emax = 1 / emin
        let pfm = (1 + pmin) * pmin
        let pfx = (1 - pmin) * pUpper
        let vmin = pfm * pUpper
        let exmx = GLMNetSettings.exmx
        let bta = alpha
        let omb = 1 - bta
        let stride = p + 1
        // Class-major buffers: y[c * n + i], q[c * n + i]; b[c * (p + 1) + 0] is class c's
        // intercept, b[c * (p + 1) + 1 + j] its coefficient of variable j; xv[c * p + j].
        let y = UnsafeMutablePointer<Double>.allocate(capacity: n * nc)
        let q = UnsafeMutablePointer<Double>.allocate(capacity: n * nc)
        let b = UnsafeMutablePointer<Double>.allocate(capacity: stride * nc)
        let bs = UnsafeMutablePointer<Double>.allocate(capacity: stride * nc)
        let xv = UnsafeMutablePointer<Double>.allocate(capacity: p * nc)
        let sxp = UnsafeMutablePointer<Double>.allocate(capacity: n)
        let di = UnsafeMutablePointer<Double>.allocate(capacity: n)
        let r = UnsafeMutablePointer<Double>.allocate(capacity: n)
        let v = UnsafeMutablePointer<Double>.allocate(capacity: n)
        // g: x_j' r of every column at once.
        let g = UnsafeMutablePointer<Double>.allocate(capacity: p)
        let vp = UnsafeMutablePointer<Double>.allocate(capacity: p)
        let joined = UnsafeMutablePointer<Int>.allocate(capacity: p)
        // The screen of each class (sino_glmnet_screened_pass): |x_k' r| when last computed and
        // the residual's movement then, the residual each class's last pass left, the epoch of
        // each xv_k.
        let xnorm = UnsafeMutablePointer<Double>.allocate(capacity: p)
        let gLast = UnsafeMutablePointer<Double>.allocate(capacity: p * nc)
        let tLast = UnsafeMutablePointer<Double>.allocate(capacity: p * nc)
        let rEnd = UnsafeMutablePointer<Double>.allocate(capacity: n * nc)
        let xvStamp = UnsafeMutablePointer<Int>.allocate(capacity: p * nc)
        let screens = UnsafeMutablePointer<sino_glmnet_screen>.allocate(capacity: nc)
        let scratch = UnsafeMutablePointer<Int>.allocate(capacity: p)
        defer {
            for buffer in [y, q, b, bs, xv, sxp, di, r, v, g, vp, xnorm, gLast, tLast, rEnd] { buffer.deallocate() }
            joined.deallocate()
            xvStamp.deallocate()
            screens.deallocate()
            scratch.deallocate()
        }
        for j in 0..<p { xnorm[j] = K.dot(X + j * n, X + j * n, n).squareRoot() }
        gLast.initialize(repeating: .infinity, count: p * nc)
        tLast.initialize(repeating: 0, count: p * nc)
        xvStamp.initialize(repeating: -1, count: p * nc)
        var epoch = 0
        var rEndValid = [Bool](repeating: false, count: nc)
        for ic in 0..<nc {
            screens[ic] = sino_glmnet_screen(
                xnorm: xnorm, gLast: gLast + ic * p, tLast: tLast + ic * p, drift: 0, vmax: 0, xvStamp: xvStamp + ic * p, epoch: 0, scratch: scratch, skipped: 0,
                computed: 0)
        }
        vp.initialize(from: penalty, count: p)
        for i in 0..<n {
            for c in 0..<nc { y[c * n + i] = yRows[i * nc + c] }
        }
        b.initialize(repeating: 0, count: stride * nc)
        bs.initialize(repeating: 0, count: stride * nc)
        xv.initialize(repeating: 0, count: p * nc)
        let null = try multinomialNullModel(classes: nc) { i, c in y[c * n + i] }
        let (dev1, dev0) = (null.dev1, null.dev0)
        for ic in 0..<nc { b[ic * stride] = null.intercepts[ic] }
        sxp.initialize(repeating: 0, count: n)
        for ic in 0..<nc {
            let e = exp(b[ic * stride])
            for i in 0..<n {
                q[ic * n + i] = e
                sxp[i] += e
            }
        }
        let alf = ratio
        var ga = [Double](repeating: 0, count: p)
        var strong = [Bool](repeating: false, count: p)
        var entered = [Bool](repeating: false, count: p)
        var active: [Int] = []
        var passes = 0
        let shr = threshold * dev0
        /// ga_j = max_c |x_j' w (y_c - p_c)| over `columns`.
        func gradients(_ columns: [Int]) {
            for k in columns { ga[k] = 0 }
            for ic in 0..<nc {
                for i in 0..<n { r[i] = w[i] * (y[ic * n + i] - q[ic * n + i] / sxp[i]) }
                if 4 * columns.count > p {
                    K.columnDots(X, r, n: n, p: p, into: g)
                    for k in columns { ga[k] = max(ga[k], abs(g[k])) }
                } else {
                    for k in columns { ga[k] = max(ga[k], abs(K.dot(r, X + k * n, n))) }
                }
            }
        }
        gradients((0..<p).filter { usable[$0] })
        var path = GLMNetRawPath()
        path.nullDeviance = dev0
        var al = 0.0
        var lambdaMax = 0.0
        lambdas: for ilm in 1...lambdaCount {
            var al0 = al
            al = lambda(ilm, previous: al, lambdaMax: &lambdaMax, gradient: ga, ratio: alf)
            if flmin < 1 && ilm == 2 { al0 = lambdaMax }
            let al2 = al * omb
            let al1 = al * bta
            let tlam = bta * (2 * al - al0)
            for k in 0..<p where !strong[k] && usable[k] && ga[k] > tlam * penalty[k] { strong[k] = true }
            var overflow = false
            var anyClass = false
            irls: while true {
                var moved = false
                anyClass = false
                let strongColumns = (0..<p).filter { strong[$0] }
                for ic in 0..<nc {
                    let bc = b + ic * stride
                    let bsc = bs + ic * stride
                    let xvc = xv + ic * p
                    let qc = q + ic * n
                    let yc = y + ic * n
                    bsc[0] = bc[0]
                    for k in active { bsc[k + 1] = bc[k + 1] }
                    var xmz = 0.0
                    var vmax = 0.0
                    for i in 0..<n {
                        var pic = qc[i] / sxp[i]
                        if pic < pfm {
                            pic = 0
                            v[i] = 0
                        } else if pic > pfx {
                            pic = 1
                            v[i] = 0
                        } else {
                            v[i] = w[i] * pic * (1 - pic)
                            xmz += v[i]
                            if v[i] > vmax { vmax = v[i] }
                        }
                        r[i] = w[i] * (yc[i] - pic)
                    }
                    if xmz <= vmin { continue }
                    anyClass = true
                    // The residual moved from where this class's last pass left it; the weights
                    // changed, so every xv_k is due again (computed where a pass uses it).
                    let screen = screens + ic
                    let rEndC = rEnd + ic * n
                    if rEndValid[ic] {
                        var moved = 0.0
                        for i in 0..<n { moved += (r[i] - rEndC[i]) * (r[i] - rEndC[i]) }
                        screen.pointee.drift += moved.squareRoot() * (1 + 1e-12)
                    }
                    epoch += 1
                    screen.pointee.epoch = epoch
                    let vNorm = K.dot(v, v, n).squareRoot()
                    screen.pointee.vmax = vmax
                    // One coordinate pass over `columns` and the class intercept; returns the
                    // largest weighted squared change.
                    func pass(_ columns: [Int], entering: Bool) -> Double {
                        var dlx = entered.withUnsafeMutableBufferPointer { e in
                            K.pass(
                                X, n: n, columns: columns, r: r, v: v, beta: bc + 1, xv: xvc, screen: screen, penalty: vp, al1: al1, al2: al2,
                                entered: entering ? e.baseAddress : nil, active: &active, pmax: pmax, joined: joined, overflow: &overflow)
                        }
                        if overflow { return dlx }
                        let d = intercept ? K.sum(r, n) / xmz : 0
                        if d != 0 {
                            bc[0] += d
                            dlx = max(dlx, xmz * d * d)
                            K.subtractScaled(r, d, v, n)
                            screen.pointee.drift += abs(d) * vNorm * (1 + 1e-12)
                        }
                        return dlx
                    }
                    coordinate: while true {
                        passes += 1
                        let dlx = pass(strongColumns, entering: true)
                        if overflow || dlx < shr { break coordinate }
                        if passes > maxPasses {
                            path.errorCode = -ilm
                            break lambdas
                        }
                        while true {
                            passes += 1
                            if pass(active, entering: false) < shr { break }
                            if passes > maxPasses {
                                path.errorCode = -ilm
                                break lambdas
                            }
                        }
                    }
                    rEndC.update(from: r, count: n)
                    rEndValid[ic] = true
                    if overflow { break }
                    if xmz * (bc[0] - bsc[0]) * (bc[0] - bsc[0]) > shr { moved = true }
                    if !moved {
                        for k in active where xvc[k] * (bc[k + 1] - bsc[k + 1]) * (bc[k + 1] - bsc[k + 1]) > shr {
                            moved = true
                            break
                        }
                    }
                    for i in 0..<n { di[i] = bc[0] }
                    for k in active { K.subtractScaled(di, -bc[k + 1], X + k * n, n) }
                    for i in 0..<n {
                        let fi = min(max(-exmx, di[i]), exmx)
                        sxp[i] -= qc[i]
                        qc[i] = min(max(emin * sxp[i], exp(fi)), emax * sxp[i])
                        sxp[i] += qc[i]
                    }
                }
                // Centre the intercepts and shift each active variable's coefficients.
                var s = 0.0
                for ic in 0..<nc { s -= b[ic * stride] }
                s /= Double(nc)
                for ic in 0..<nc { b[ic * stride] += s }
                for i in 0..<n { di[i] = s }
                var row = [Double](repeating: 0, count: nc)
                for l in active {
                    for ic in 0..<nc { row[ic] = b[ic * stride + l + 1] }
                    s = penalty[l] <= 0 ? row.reduce(0, +) / Double(nc) : GLMNetProblem.elc(alpha: alpha, row)
                    for ic in 0..<nc { b[ic * stride + l + 1] -= s }
                    K.subtractScaled(di, s, X + l * n, n)
                }
                for i in 0..<n {
                    let e = exp(di[i])
                    sxp[i] *= e
                    for ic in 0..<nc { q[ic * n + i] *= e }
                }
                if overflow || !anyClass { break irls }
                if !moved {
                    gradients((0..<p).filter { !strong[$0] && usable[$0] })
                    var added = false
                    for k in 0..<p where !strong[k] && usable[k] && ga[k] > al1 * penalty[k] {
                        strong[k] = true
                        added = true
                    }
                    if !added { break irls }
                }
            }
            if overflow {
                path.errorCode = -10000 - ilm
                break lambdas
            }
            var devi = 0.0
            for ic in 0..<nc {
                for i in 0..<n where y[ic * n + i] > 0 {
                    devi -= w[i] * y[ic * n + i] * log(q[ic * n + i] / sxp[i])
                }
            }
            path.intercepts.append((0..<nc).map { b[$0 * stride] })
            path.coefficients.append((0..<nc).map { ic in Array(UnsafeBufferPointer(start: b + ic * stride + 1, count: p)) })
            path.lambda.append(al)
            path.devianceRatio.append((dev1 - devi) / dev0)
            if !anyClass { break }
            let nonzero = (0..<p).filter { j in (0..<nc).contains { b[$0 * stride + j + 1] != 0 } }.count
            if pathStops(after: ilm, nonzero: nonzero, devianceRatio: path.devianceRatio) { break }
        }
        path.passes = passes
        return path
    }

    /// glmnet's `elc`: the shift s minimising sum_c [alpha |a_c - s| + (1 - alpha)/2 (a_c - s)^2]
    /// (the mean for alpha 0 or two classes, the median for the lasso); no coefficient limits.
    static func elc(alpha parm: Double, _ a: [Double]) -> Double {
        let n = a.count
        if parm == 1 && n > 2 {
            // The lasso's median, sorted in place (the same values as the general route below).
            return withUnsafeTemporaryAllocation(of: Double.self, capacity: n) { t in
                for k in 0..<n { t[k] = a[k] }
                for k in 1..<n {
                    let value = t[k]
                    var m = k
                    while m > 0 && value < t[m - 1] {
                        t[m] = t[m - 1]
                        m -= 1
                    }
                    t[m] = value
                }
                if t[0] == t[n - 1] { return a[0] }
                return n % 2 == 1 ? t[n / 2] : 0.5 * (t[n / 2] + t[n / 2 - 1])
            }
        }
        let fn = Double(n)
        let am = a.reduce(0, +) / fn
        if parm == 0 || n == 2 { return am }
        let sorted = a.sorted()
        if sorted[0] == sorted[n - 1] { return a[0] }
        // 1-based as the Fortran: sorted value k is sorted[k - 1].
        let ad = n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2] + sorted[n / 2 - 1])
        if parm == 1 { return ad }
        let b1 = min(am, ad)
        let b2 = max(am, ad)
        var k2 = 1
        while !(sorted[k2 - 1] > b1) { k2 += 1 }
        let k1 = k2 - 1
        while !(sorted[k2 - 1] >= b2) { k2 += 1 }
        let r = parm / ((1 - parm) * fn)
        var sm = Double(n - 2 * (k1 - 1))
        if k1 <= k2 - 1 {
            for k in k1...(k2 - 1) {
                sm -= 2
                let s = r * sm + am
                if s > sorted[k - 1] && s <= sorted[k] { return s }
            }
        }
        let r2 = 2 * r
        var s1 = sorted[k1 - 1]
        let am2 = 2 * am
        var cri = r2 * a.reduce(0) { $0 + abs($1 - s1) } + s1 * (s1 - am2)
        var result = s1
        if k1 + 1 <= k2 {
            for k in (k1 + 1)...k2 {
                let s = sorted[k - 1]
                if s == s1 { continue }
                let c = r2 * a.reduce(0) { $0 + abs($1 - s) } + s * (s - am2)
                if c < cri {
                    cri = c
                    result = s
                }
                s1 = s
            }
        }
        return result
    }
}
