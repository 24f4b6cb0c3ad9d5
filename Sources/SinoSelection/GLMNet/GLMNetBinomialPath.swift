import Foundation

extension GLMNetProblem {
    /// The two-class path: glmnet 4.1's `lognet2n` (inst/mortran/glmnet5dpclean.m), Newton
    /// steps (type.logistic "Newton", kopt 0) with the strong rule, active-set passes and the
    /// KKT check, without offsets. `y` holds 1 for the modelled class.
    func binomialPath(y: [Double]) throws -> GLMNetRawPath {
        let pmin = GLMNetSettings.pmin
        let fmax = log(1 / pmin - 1)
        let fmin = -fmax
        let vmin = (1 + pmin) * pmin * (1 - pmin)
        let bta = alpha
        let omb = 1 - bta
        var q0 = 0.0
        for i in 0..<n { q0 += w[i] * y[i] }
        if q0 <= pmin { throw GLMNetFatal(code: 8001) }
        if q0 >= 1 - pmin { throw GLMNetFatal(code: 9001) }
        if !intercept { q0 = 0.5 }
        let bz = intercept ? log(q0 / (1 - q0)) : 0
        let r = UnsafeMutablePointer<Double>.allocate(capacity: n)
        let v = UnsafeMutablePointer<Double>.allocate(capacity: n)
        let q = UnsafeMutablePointer<Double>.allocate(capacity: n)
        let joined = UnsafeMutablePointer<Int>.allocate(capacity: p)
        defer {
            r.deallocate()
            v.deallocate()
            q.deallocate()
            joined.deallocate()
        }
        let vi = q0 * (1 - q0)
        var b0 = bz
        for i in 0..<n {
            v[i] = vi * w[i]
            r[i] = w[i] * (y[i] - q0)
            q[i] = q0
        }
        var xmz = vi
        let dev1 = -(bz * q0 + log(1 - q0))
        var dev0 = dev1
        for i in 0..<n {
            if y[i] > 0 { dev0 += w[i] * y[i] * log(y[i]) }
            if y[i] < 1 { dev0 += w[i] * (1 - y[i]) * log(1 - y[i]) }
        }
        let alf = ratio
        var b = [Double](repeating: 0, count: p)
        var bs = [Double](repeating: 0, count: p)
        var bs0 = 0.0
        var xv = [Double](repeating: 0, count: p)
        var ga = [Double](repeating: 0, count: p)
        var strong = [Bool](repeating: false, count: p)
        var entered = [Bool](repeating: false, count: p)
        var active: [Int] = []
        var passes = 0
        let shr = threshold * dev0
        for j in 0..<p where usable[j] { ga[j] = abs(dot(j, r)) }
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
            irls: while true {
                bs0 = b0
                for k in active { bs[k] = b[k] }
                for j in 0..<p where strong[j] { xv[j] = weightedSquares(j, v) }
                // One pass over `columns` (and the intercept); returns the largest weighted change.
                func pass(_ columns: [Int], entering: Bool) -> Double {
                    var dlx = x.withUnsafeBufferPointer { xs in
                        b.withUnsafeMutableBufferPointer { beta in
                            entered.withUnsafeMutableBufferPointer { e in
                                GLMNetKernels.pass(
                                    xs.baseAddress!, n: n, columns: columns, r: r, v: v, beta: beta.baseAddress!, xv: &xv, penalty: penalty,
                                    al1: al1, al2: al2, entered: entering ? e.baseAddress : nil, active: &active, pmax: pmax, joined: joined,
                                    overflow: &overflow)
                            }
                        }
                    }
                    if overflow { return dlx }
                    var d = 0.0
                    if intercept {
                        var sum = 0.0
                        for i in 0..<n { sum += r[i] }
                        d = sum / xmz
                    }
                    if d != 0 {
                        b0 += d
                        dlx = max(dlx, xmz * d * d)
                        for i in 0..<n { r[i] -= d * v[i] }
                    }
                    return dlx
                }
                let strongColumns = (0..<p).filter { strong[$0] }
                coordinate: while true {
                    passes += 1
                    let dlx = pass(strongColumns, entering: true)
                    if overflow { break irls }
                    if dlx < shr { break coordinate }
                    if passes > maxPasses {
                        path.errorCode = -ilm
                        break lambdas
                    }
                    while true {
                        passes += 1
                        let dlxActive = pass(active, entering: false)
                        if dlxActive < shr { break }
                        if passes > maxPasses {
                            path.errorCode = -ilm
                            break lambdas
                        }
                    }
                }
                for i in 0..<n {
                    var fi = b0
                    for k in active { fi += b[k] * x[k * n + i] }
                    q[i] = fi < fmin ? 0 : (fi > fmax ? 1 : 1 / (1 + exp(-fi)))
                }
                xmz = 0
                for i in 0..<n {
                    v[i] = w[i] * q[i] * (1 - q[i])
                    xmz += v[i]
                }
                if xmz <= vmin { break irls }
                for i in 0..<n { r[i] = w[i] * (y[i] - q[i]) }
                if xmz * (b0 - bs0) * (b0 - bs0) < shr {
                    var moved = false
                    for k in active where xv[k] * (b[k] - bs[k]) * (b[k] - bs[k]) >= shr {
                        moved = true
                        break
                    }
                    if !moved {
                        var added = false
                        for k in 0..<p where !strong[k] && usable[k] {
                            ga[k] = abs(dot(k, r))
                            if ga[k] > al1 * penalty[k] {
                                strong[k] = true
                                added = true
                            }
                        }
                        if !added { break irls }
                    }
                }
            }
            if overflow {
                path.errorCode = -10000 - ilm
                break lambdas
            }
            path.intercepts.append([b0])
            path.coefficients.append([b])
            path.lambda.append(al)
            var devi = 0.0
            for i in 0..<n {
                let pi = min(max(pmin, q[i]), 1 - pmin)
                devi -= w[i] * (y[i] * log(pi) + (1 - y[i]) * log(1 - pi))
            }
            path.devianceRatio.append((dev1 - devi) / dev0)
            if xmz <= vmin { break }
            if pathStops(after: ilm, nonzero: b.filter { $0 != 0 }.count, devianceRatio: path.devianceRatio) { break }
        }
        path.passes = passes
        return path
    }
}
