import Foundation

extension GLMNetProblem {
    /// The K-class path, type.multinomial "ungrouped": glmnet 4.1's `lognetn`
    /// (inst/mortran/glmnet5dpclean.m). Each IRLS iteration cycles the classes, each with its
    /// own Newton weights, coordinate passes and intercept; then intercepts are centred and each
    /// active variable's K coefficients shifted by `elc` (the median for the lasso). `y` is n x K
    /// one-hot, row-major.
    func multinomialPath(y: [Double], classes nc: Int) throws -> GLMNetRawPath {
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
        var dev1 = 0.0
        var dev0 = 0.0
        // b[c][0] is class c's intercept, b[c][1 + j] its coefficient of variable j.
        var b = [[Double]](repeating: [Double](repeating: 0, count: p + 1), count: nc)
        for ic in 0..<nc {
            var q0 = 0.0
            for i in 0..<n { q0 += w[i] * y[i * nc + ic] }
            if q0 <= pmin { throw GLMNetFatal(code: 8000 + ic + 1) }
            if q0 >= 1 - pmin { throw GLMNetFatal(code: 9000 + ic + 1) }
            if intercept {
                b[ic][0] = log(q0)
                dev1 -= q0 * b[ic][0]
            }
        }
        if !intercept { dev1 = log(Double(nc)) }
        let meanIntercept = b.reduce(0) { $0 + $1[0] } / Double(nc)
        for ic in 0..<nc { b[ic][0] -= meanIntercept }
        // q[i * nc + c] = exp(eta_ic), sxp[i] = sum_c q.
        var q = [Double](repeating: 0, count: n * nc)
        var sxp = [Double](repeating: 0, count: n)
        for ic in 0..<nc {
            let e = exp(b[ic][0])
            for i in 0..<n {
                q[i * nc + ic] = e
                sxp[i] += e
            }
        }
        for ic in 0..<nc {
            for i in 0..<n where y[i * nc + ic] > 0 { dev0 += w[i] * y[i * nc + ic] * log(y[i * nc + ic]) }
        }
        dev0 += dev1
        let alf = ratio
        var bs = b
        var xv = [[Double]](repeating: [Double](repeating: 0, count: p), count: nc)
        var ga = [Double](repeating: 0, count: p)
        var strong = [Bool](repeating: false, count: p)
        var entered = [Bool](repeating: false, count: p)
        var active: [Int] = []
        var passes = 0
        let mnl = min(GLMNetSettings.mnlam, lambdaCount)
        let shr = threshold * dev0
        let r = UnsafeMutablePointer<Double>.allocate(capacity: n)
        let v = UnsafeMutablePointer<Double>.allocate(capacity: n)
        defer {
            r.deallocate()
            v.deallocate()
        }
        /// ga_j = max_c |x_j' w (y_c - p_c)| over `columns`.
        func gradients(_ columns: [Int]) {
            for k in columns { ga[k] = 0 }
            for ic in 0..<nc {
                for i in 0..<n { r[i] = w[i] * (y[i * nc + ic] - q[i * nc + ic] / sxp[i]) }
                for k in columns { ga[k] = max(ga[k], abs(dot(k, r))) }
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
                for ic in 0..<nc {
                    bs[ic][0] = b[ic][0]
                    for k in active { bs[ic][k + 1] = b[ic][k + 1] }
                    var xmz = 0.0
                    for i in 0..<n {
                        var pic = q[i * nc + ic] / sxp[i]
                        if pic < pfm {
                            pic = 0
                            v[i] = 0
                        } else if pic > pfx {
                            pic = 1
                            v[i] = 0
                        } else {
                            v[i] = w[i] * pic * (1 - pic)
                            xmz += v[i]
                        }
                        r[i] = w[i] * (y[i * nc + ic] - pic)
                    }
                    if xmz <= vmin { continue }
                    anyClass = true
                    for j in 0..<p where strong[j] { xv[ic][j] = weightedSquares(j, v) }
                    func pass(_ columns: [Int], entering: Bool) -> Double {
                        var dlx = 0.0
                        for k in columns {
                            let bk = b[ic][k + 1]
                            let gk = dot(k, r)
                            let u = gk + xv[ic][k] * bk
                            let au = abs(u) - penalty[k] * al1
                            let updated = au <= 0 ? 0 : (u < 0 ? -au : au) / (xv[ic][k] + penalty[k] * al2)
                            b[ic][k + 1] = updated
                            let d = updated - bk
                            if abs(d) <= 0 { continue }
                            dlx = max(dlx, xv[ic][k] * d * d)
                            subtract(d, column: k, times: v, from: r)
                            if entering && !entered[k] {
                                if active.count >= pmax {
                                    overflow = true
                                    return dlx
                                }
                                entered[k] = true
                                active.append(k)
                            }
                        }
                        var d = 0.0
                        if intercept {
                            var sum = 0.0
                            for i in 0..<n { sum += r[i] }
                            d = sum / xmz
                        }
                        if d != 0 {
                            b[ic][0] += d
                            dlx = max(dlx, xmz * d * d)
                            for i in 0..<n { r[i] -= d * v[i] }
                        }
                        return dlx
                    }
                    let strongColumns = (0..<p).filter { strong[$0] }
                    coordinate: while true {
                        passes += 1
                        let dlx = pass(strongColumns, entering: true)
                        if overflow { break coordinate }
                        if dlx < shr { break coordinate }
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
                    if overflow { break }
                    if xmz * (b[ic][0] - bs[ic][0]) * (b[ic][0] - bs[ic][0]) > shr { moved = true }
                    if !moved {
                        for k in active where xv[ic][k] * (b[ic][k + 1] - bs[ic][k + 1]) * (b[ic][k + 1] - bs[ic][k + 1]) > shr {
                            moved = true
                            break
                        }
                    }
                    for i in 0..<n {
                        var fi = b[ic][0]
                        for k in active { fi += b[ic][k + 1] * x[k * n + i] }
                        fi = min(max(-exmx, fi), exmx)
                        sxp[i] -= q[i * nc + ic]
                        q[i * nc + ic] = min(max(emin * sxp[i], exp(fi)), emax * sxp[i])
                        sxp[i] += q[i * nc + ic]
                    }
                }
                // Centre the intercepts and shift each active variable's coefficients.
                var s = -b.reduce(0) { $0 + $1[0] } / Double(nc)
                for ic in 0..<nc { b[ic][0] += s }
                var di = [Double](repeating: s, count: n)
                for l in active {
                    let row = (0..<nc).map { b[$0][l + 1] }
                    s = penalty[l] <= 0 ? row.reduce(0, +) / Double(nc) : GLMNetProblem.elc(alpha: alpha, row)
                    for ic in 0..<nc { b[ic][l + 1] -= s }
                    for i in 0..<n { di[i] -= s * x[l * n + i] }
                }
                for i in 0..<n {
                    let e = exp(di[i])
                    sxp[i] *= e
                    for ic in 0..<nc { q[i * nc + ic] *= e }
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
                for i in 0..<n where y[i * nc + ic] > 0 {
                    devi -= w[i] * y[i * nc + ic] * log(q[i * nc + ic] / sxp[i])
                }
            }
            path.intercepts.append(b.map { $0[0] })
            path.coefficients.append(b.map { Array($0[1...]) })
            path.lambda.append(al)
            path.devianceRatio.append((dev1 - devi) / dev0)
            if !anyClass { break }
            if ilm < mnl || flmin >= 1 { continue }
            let nonzero = (0..<p).filter { j in (0..<nc).contains { b[$0][j + 1] != 0 } }.count
            if nonzero > dfmax { break }
            let ratios = path.devianceRatio
            if ratios[ilm - 1] > GLMNetSettings.devmax { break }
            if ratios[ilm - 1] - ratios[ilm - 2] < GLMNetSettings.fdev { break }
        }
        path.passes = passes
        return path
    }

    /// glmnet's `elc`: the shift s minimising sum_c [alpha |a_c - s| + (1 - alpha)/2 (a_c - s)^2]
    /// (the mean for alpha 0 or two classes, the median for the lasso); no coefficient limits.
    static func elc(alpha parm: Double, _ a: [Double]) -> Double {
        let n = a.count
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
