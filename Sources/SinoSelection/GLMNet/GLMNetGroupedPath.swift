import Foundation

extension GLMNetProblem {
    /// The K-class path, type.multinomial "grouped": glmnet 4.1's `multlognetn`
    /// (inst/mortran/glmnet5dpclean.m). One bound Hessian t = 2 max p(1 - p) for all classes;
    /// each variable's K coefficients move together under a group-lasso penalty (block soft
    /// threshold); intercepts move once per IRLS iteration. No coefficient limits.
    func groupedPath(y: [Double], classes nc: Int) throws -> GLMNetRawPath {
        let pmin = GLMNetSettings.pmin
        let pUpper = 1 - pmin
        let emin = pmin / pUpper
        let emax = 1 / emin
        let exmx = GLMNetSettings.exmx
        let bta = alpha
        let omb = 1 - bta
        let null = try multinomialNullModel(classes: nc) { i, c in y[i * nc + c] }
        let (dev1, dev0) = (null.dev1, null.dev0)
        var b = [[Double]](repeating: [Double](repeating: 0, count: p + 1), count: nc)
        for ic in 0..<nc { b[ic][0] = null.intercepts[ic] }
        var q = [Double](repeating: 0, count: n * nc)
        var sxp = [Double](repeating: 0, count: n)
        for ic in 0..<nc {
            let e = exp(b[ic][0])
            for i in 0..<n {
                q[i * nc + ic] = e
                sxp[i] += e
            }
        }
        let alf = ratio
        var bs = b
        var ga = [Double](repeating: 0, count: p)
        var strong = [Bool](repeating: false, count: p)
        var entered = [Bool](repeating: false, count: p)
        var active: [Int] = []
        var passes = 0
        let shr = threshold * dev0
        // r[c * n + i]: class c's working residual.
        let r = UnsafeMutablePointer<Double>.allocate(capacity: n * nc)
        defer { r.deallocate() }
        let wp = UnsafeMutablePointer<Double>.allocate(capacity: n)
        defer { wp.deallocate() }
        for i in 0..<n { wp[i] = w[i] }
        /// ga_j = sqrt(sum_c (x_j' w (y_c - p_c))^2) over `columns`.
        func gradients(_ columns: [Int]) {
            for k in columns { ga[k] = 0 }
            for ic in 0..<nc {
                let rc = r + ic * n
                for i in 0..<n { rc[i] = w[i] * (y[i * nc + ic] - q[i * nc + ic] / sxp[i]) }
                for k in columns {
                    let g = dot(k, rc)
                    ga[k] += g * g
                }
            }
            for k in columns { ga[k] = ga[k].squareRoot() }
        }
        gradients((0..<p).filter { usable[$0] })
        var path = GLMNetRawPath()
        path.nullDeviance = dev0
        var al = 0.0
        var lambdaMax = 0.0
        var gk = [Double](repeating: 0, count: nc)
        var del = [Double](repeating: 0, count: nc)
        lambdas: for ilm in 1...lambdaCount {
            var al0 = al
            al = lambda(ilm, previous: al, lambdaMax: &lambdaMax, gradient: ga, ratio: alf)
            if flmin < 1 && ilm == 2 { al0 = lambdaMax }
            let al2 = al * omb
            let al1 = al * bta
            let tlam = bta * (2 * al - al0)
            for k in 0..<p where !strong[k] && usable[k] && ga[k] > tlam * penalty[k] { strong[k] = true }
            var overflow = false
            irls: while true {
                var moved = false
                var t = 0.0
                for ic in 0..<nc {
                    for i in 0..<n {
                        let qi = q[i * nc + ic]
                        t = max(t, qi * (1 - qi / sxp[i]) / sxp[i])
                    }
                }
                if t < GLMNetSettings.eps {
                    path.errorCode = -20000 - ilm
                    break lambdas
                }
                t *= 2
                let alt = al1 / t
                let al2t = al2 / t
                for ic in 0..<nc {
                    bs[ic][0] = b[ic][0]
                    for k in active { bs[ic][k + 1] = b[ic][k + 1] }
                    let rc = r + ic * n
                    for i in 0..<n { rc[i] = w[i] * (y[i * nc + ic] - q[i * nc + ic] / sxp[i]) / t }
                    var d = 0.0
                    if intercept { for i in 0..<n { d += rc[i] } }
                    if d != 0 {
                        b[ic][0] += d
                        for i in 0..<n { rc[i] -= d * w[i] }
                    }
                }
                func pass(_ columns: [Int], entering: Bool) -> Double {
                    var dlx = 0.0
                    for k in columns {
                        var gkn = 0.0
                        for ic in 0..<nc {
                            gk[ic] = dot(k, r + ic * n) + b[ic][k + 1] * columnVariance[k]
                            gkn += gk[ic] * gk[ic]
                        }
                        gkn = gkn.squareRoot()
                        let u = 1 - alt * penalty[k] / gkn
                        for ic in 0..<nc { del[ic] = b[ic][k + 1] }
                        if u <= 0 {
                            for ic in 0..<nc { b[ic][k + 1] = 0 }
                        } else {
                            let scale = u / (columnVariance[k] + penalty[k] * al2t)
                            for ic in 0..<nc { b[ic][k + 1] = gk[ic] * scale }
                        }
                        var largest = 0.0
                        for ic in 0..<nc {
                            del[ic] = b[ic][k + 1] - del[ic]
                            largest = max(largest, abs(del[ic]))
                        }
                        if largest <= 0 { continue }
                        for ic in 0..<nc {
                            dlx = max(dlx, columnVariance[k] * del[ic] * del[ic])
                            subtract(del[ic], column: k, times: wp, from: r + ic * n)
                        }
                        if entering && !entered[k] {
                            if active.count >= pmax {
                                overflow = true
                                return dlx
                            }
                            entered[k] = true
                            active.append(k)
                        }
                    }
                    return dlx
                }
                let strongColumns = (0..<p).filter { strong[$0] }
                coordinate: while true {
                    passes += nc
                    let dlx = pass(strongColumns, entering: true)
                    if overflow || dlx < shr { break coordinate }
                    if passes > maxPasses {
                        path.errorCode = -ilm
                        break lambdas
                    }
                    while true {
                        passes += nc
                        if pass(active, entering: false) < shr { break }
                        if passes > maxPasses {
                            path.errorCode = -ilm
                            break lambdas
                        }
                    }
                }
                if overflow { break irls }
                for ic in 0..<nc {
                    if (b[ic][0] - bs[ic][0]) * (b[ic][0] - bs[ic][0]) > shr { moved = true }
                    if !moved {
                        for k in active where columnVariance[k] * (b[ic][k + 1] - bs[ic][k + 1]) * (b[ic][k + 1] - bs[ic][k + 1]) > shr {
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
                let s = -b.reduce(0) { $0 + $1[0] } / Double(nc)
                for ic in 0..<nc { b[ic][0] += s }
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
            // multlognetn counts the nonzero coefficients of class 1 (all classes share them).
            if pathStops(after: ilm, nonzero: (0..<p).filter { b[0][$0 + 1] != 0 }.count, devianceRatio: path.devianceRatio) { break }
        }
        path.passes = passes
        return path
    }
}
