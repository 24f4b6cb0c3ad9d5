import Foundation

/// A glmnet path on the original scale of the variables, as R's `glmnet` object holds it.
public struct GLMNetFit: Sendable {
    public let family: GLMNetFamily
    public let classCount: Int
    public let variableCount: Int
    /// The lambdas of the path (R's `fit$lambda`: the first one from `fix.lam` when the path
    /// was built from the data).
    public let lambda: [Double]
    /// intercepts[l][c]: one value per class for the multinomial (centred across classes at
    /// every lambda, as R's `coef` shows them), one for the binomial.
    public let intercepts: [[Double]]
    /// coefficients[l][c][j], same layout.
    public let coefficients: [[[Double]]]
    /// R's `dev.ratio`: 1 - deviance / null deviance at each lambda.
    public let devianceRatio: [Double]
    /// R's `nulldev`.
    public let nullDeviance: Double
    /// R's `npasses`.
    public let passes: Int
    /// R's warning when the path ended early on a failure (maxit reached, pmax exceeded),
    /// keeping the lambdas before it; nil otherwise.
    public let warning: String?
    /// Observations fitted.
    public let observationCount: Int

    init(raw: GLMNetRawPath, scaling: GLMNetStandardisation, family: GLMNetFamily, classCount: Int, variableCount p: Int, n: Int, userLambda: Bool) {
        self.family = family
        self.classCount = classCount
        self.variableCount = p
        observationCount = n
        var lambda = raw.lambda
        if !userLambda && lambda.count > 2 {
            lambda[0] = exp(2 * log(lambda[1]) - log(lambda[2])) // R's fix.lam
        }
        self.lambda = lambda
        var intercepts: [[Double]] = []
        var coefficients: [[[Double]]] = []
        for l in raw.lambda.indices {
            var a0 = raw.intercepts[l]
            var beta = raw.coefficients[l]
            for c in beta.indices {
                for j in 0..<p where scaling.standardize { beta[c][j] /= scaling.scale[j] }
                if scaling.intercept {
                    for j in 0..<p { a0[c] -= beta[c][j] * scaling.mean[j] }
                } else {
                    a0[c] = 0
                }
            }
            if a0.count > 1 {
                let mean = a0.reduce(0, +) / Double(a0.count)
                a0 = a0.map { $0 - mean }
            }
            intercepts.append(a0)
            coefficients.append(beta)
        }
        self.intercepts = intercepts
        self.coefficients = coefficients
        devianceRatio = raw.devianceRatio
        nullDeviance = 2 * Double(n) * raw.nullDeviance // R: 2 * sum(weights) * dev0
        passes = raw.passes
        switch raw.errorCode {
        case 0: warning = nil
        case -10000..<0:
            warning = "convergence for lambda \(-raw.errorCode) not reached after maxit passes; solutions for larger lambdas returned"
        case -20000 ..< -10000:
            warning = "the number of variables exceeded pmax at lambda \(-raw.errorCode - 10000); solutions for larger lambdas returned"
        default:
            warning = "the bound Hessian vanished at lambda \(-raw.errorCode - 20000); solutions for larger lambdas returned"
        }
    }

    /// Number of variables with a nonzero coefficient (in any class) at each lambda: R's `df`.
    public var degreesOfFreedom: [Int] {
        coefficients.map { beta in (0..<variableCount).filter { j in beta.contains { $0[j] != 0 } }.count }
    }

    /// Intercepts and coefficients at any lambda `s`: R's `coef(fit, s = s)`, linear
    /// interpolation in lambda between the bracketing path values (`lambda.interp`), the first
    /// path value above the path and the last below it.
    public func coefficients(at s: Double) -> (intercepts: [Double], coefficients: [[Double]]) {
        let (left, right, fraction) = interpolation(s)
        let a0 = zip(intercepts[left], intercepts[right]).map { fraction * $0 + (1 - fraction) * $1 }
        let beta = zip(coefficients[left], coefficients[right]).map { l, r in
            zip(l, r).map { fraction * $0 + (1 - fraction) * $1 }
        }
        return (a0, beta)
    }

    /// The linear predictor of each row at `s` (n x 1 binomial, n x K multinomial): R's
    /// `predict(fit, x, s = s, type = "link")`.
    public func linearPredictors(x: [[Double]], at s: Double) -> [[Double]] {
        let (a0, beta) = coefficients(at: s)
        // The terms of nonzero coefficients only, in the same order: every skipped term is a
        // signed zero (finite rows), which leaves a nonzero sum as it is; a sum that ends at
        // zero (whose sign the zeros could set) and a row with a value that is not finite are
        // summed in full.
        let support = beta.map { b in b.indices.filter { b[$0] != 0 } }
        return x.map { row in
            let finite = row.allSatisfy(\.isFinite)
            return a0.indices.map { c in
                var eta = a0[c]
                if finite {
                    for j in support[c] { eta += beta[c][j] * row[j] }
                    if eta != 0 { return eta }
                    eta = a0[c]
                }
                for j in row.indices { eta += beta[c][j] * row[j] }
                return eta
            }
        }
    }

    /// Class probabilities at `s` (n x K): logistic for the binomial, softmax for the multinomial.
    public func probabilities(x: [[Double]], at s: Double) -> [[Double]] {
        linearPredictors(x: x, at: s).map { eta in
            if family == .binomial {
                let p1 = 1 / (1 + exp(-eta[0]))
                return [1 - p1, p1]
            }
            let top = eta.max()!
            let e = eta.map { exp($0 - top) }
            let total = e.reduce(0, +)
            return e.map { $0 / total }
        }
    }

    /// R's lambda.interp: (left, right, frac) with coef = frac * left + (1 - frac) * right.
    func interpolation(_ s: Double) -> (Int, Int, Double) {
        let k = lambda.count
        if k == 1 { return (0, 0, 1) }
        let first = lambda[0]
        let last = lambda[k - 1]
        let normalised = lambda.map { (first - $0) / (first - last) }
        var u = (first - s) / (first - last)
        u = min(max(u, normalised.min()!), normalised.max()!)
        // approx(normalised, 1..k, u): the position of u among the increasing normalised values.
        var upper = 1
        while upper < k - 1 && normalised[upper] < u { upper += 1 }
        let lower = upper - 1
        let span = normalised[upper] - normalised[lower]
        let coordinate = span > 0 ? Double(lower) + (u - normalised[lower]) / span : Double(lower)
        let left = Int(coordinate.rounded(.down))
        let right = Int(coordinate.rounded(.up))
        if left == right { return (left, right, 1) }
        if abs(normalised[left] - normalised[right]) < Double.ulpOfOne { return (left, right, 1) }
        return (left, right, (u - normalised[right]) / (normalised[left] - normalised[right]))
    }
}
