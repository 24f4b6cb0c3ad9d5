import Foundation

/// What glmnet's Fortran/C++ engine receives: the standardised design (column-major), the
/// normalised observation weights, the variables it may use and their penalty factors, and the
/// path settings (R glmnet 4.1 `lognet` in inst/mortran/glmnet5dpclean.m).
struct GLMNetProblem {
    let n: Int
    let p: Int
    /// x[j * n + i], centred and scaled as `GLMNetStandardisation` left it.
    let x: [Double]
    /// Observation weights summing to 1 (1/n each for unit weights).
    let w: [Double]
    /// ju: false for a constant column (`chkvars`), never entered.
    let usable: [Bool]
    /// vp: penalty factors rescaled to sum to p.
    let penalty: [Double]
    let alpha: Double
    /// flmin: lambda_min / lambda_max, or 1 for a user sequence in `userLambda`.
    let flmin: Double
    let userLambda: [Double]
    let lambdaCount: Int
    let threshold: Double
    let intercept: Bool
    let maxPasses: Int
    /// ne: the path stops when more variables than this are nonzero.
    let dfmax: Int
    /// nx: at most this many variables ever enter.
    let pmax: Int
    /// The grouped multinomial's xv_j = sum_i w_i x_ij^2 (1 when standardised with intercept).
    let columnVariance: [Double]

    /// The k-th lambda of the path (1-based as the engine counts), `previous` the last one used
    /// and `gradient` the current |x_j' r| (only read at k = 2, for lambda_max).
    func lambda(_ k: Int, previous: Double, lambdaMax: inout Double, gradient: [Double], ratio: Double) -> Double {
        if flmin >= 1 { return userLambda[k - 1] }
        if k > 2 { return previous * ratio }
        if k == 1 { return GLMNetSettings.big }
        var maximum = 0.0
        for j in 0..<p where usable[j] && penalty[j] > 0 { maximum = max(maximum, gradient[j] / penalty[j]) }
        lambdaMax = maximum / max(alpha, 1e-3)
        return ratio * lambdaMax
    }

    /// glmnet's early stop after lambda k (1-based): with a data-built path, from the
    /// mnlam-th lambda on, when more than dfmax variables are in, dev.ratio passes 0.999, or it
    /// gained less than 1e-5. The solution that triggers the stop is kept.
    func pathStops(after k: Int, nonzero: Int, devianceRatio ratios: [Double]) -> Bool {
        if k < min(GLMNetSettings.mnlam, lambdaCount) || flmin >= 1 { return false }
        if nonzero > dfmax { return true }
        return ratios[k - 1] > GLMNetSettings.devmax || ratios[k - 1] - ratios[k - 2] < GLMNetSettings.fdev
    }

    /// The multinomial null model of `lognetn` / `multlognetn` (no offsets): each class's
    /// intercept log(weighted share), centred; the null deviance terms dev1 and dev0.
    /// `y(i, c)` is the one-hot response.
    func multinomialNullModel(classes nc: Int, y: (Int, Int) -> Double) throws -> (intercepts: [Double], dev1: Double, dev0: Double) {
        var intercepts = [Double](repeating: 0, count: nc)
        var dev1 = 0.0
        for c in 0..<nc {
            var q0 = 0.0
            for i in 0..<n { q0 += w[i] * y(i, c) }
            if q0 <= GLMNetSettings.pmin { throw GLMNetFatal(code: 8000 + c + 1) }
            if q0 >= 1 - GLMNetSettings.pmin { throw GLMNetFatal(code: 9000 + c + 1) }
            if intercept {
                intercepts[c] = log(q0)
                dev1 -= q0 * intercepts[c]
            }
        }
        if !intercept { dev1 = log(Double(nc)) }
        let mean = intercepts.reduce(0, +) / Double(nc)
        intercepts = intercepts.map { $0 - mean }
        var dev0 = 0.0
        for c in 0..<nc {
            for i in 0..<n where y(i, c) > 0 { dev0 += w[i] * y(i, c) * log(y(i, c)) }
        }
        return (intercepts, dev1, dev0 + dev1)
    }

    /// alf: the ratio between successive lambdas of a data-built path.
    var ratio: Double {
        flmin < 1 ? pow(max(GLMNetSettings.eps, flmin), 1 / Double(lambdaCount - 1)) : 1
    }

    /// x_j' v for column j (GLMNetKernels' loops on the stored column).
    @inline(__always)
    func dot(_ j: Int, _ v: UnsafePointer<Double>) -> Double {
        x.withUnsafeBufferPointer { GLMNetKernels.dot($0.baseAddress! + j * n, v, n) }
    }

    /// sum_i v_i x_ij^2.
    @inline(__always)
    func weightedSquares(_ j: Int, _ v: UnsafePointer<Double>) -> Double {
        x.withUnsafeBufferPointer { GLMNetKernels.weightedSquares(v, $0.baseAddress! + j * n, n) }
    }

    /// r <- r - d * v * x_j.
    @inline(__always)
    func subtract(_ d: Double, column j: Int, times v: UnsafePointer<Double>, from r: UnsafeMutablePointer<Double>) {
        x.withUnsafeBufferPointer { GLMNetKernels.subtractScaledProduct(r, d, v, $0.baseAddress! + j * n, n) }
    }
}

/// The engine's output on the standardised scale, one entry per lambda actually fitted.
struct GLMNetRawPath {
    /// a0[l][c] (one class for binomial).
    var intercepts: [[Double]] = []
    /// beta[l][c][j].
    var coefficients: [[[Double]]] = []
    /// alm.
    var lambda: [Double] = []
    var devianceRatio: [Double] = []
    /// The engine's dev0 (deviance / (2 sum w)); R reports 2 * sum(w) * dev0.
    var nullDeviance = 0.0
    var passes = 0
    /// jerr: 0, or negative as glmnet's (-k: not converged at lambda k; -10000 - k: pmax
    /// reached; -20000 - k: the grouped bound Hessian vanished).
    var errorCode = 0
}

/// Thrown inside the engine for glmnet's fatal jerr values (8000 + c: class c's weight at most
/// pmin; 9000 + c: at least 1 - pmin).
struct GLMNetFatal: Error {
    var code: Int
}
