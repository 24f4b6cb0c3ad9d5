import Foundation

/// Platt's sigmoid P(y = 1 | d) = 1 / (1 + exp(A d + B)) fitted to decision values, in the
/// Lin, Lin & Weng (2007) version libsvm uses (`sigmoid_train` in libsvm 3.24 and in
/// scikit-learn's fork): regularised targets, Newton's method on (A, B) with a backtracking line
/// search. The arithmetic follows the C code operation for operation, so the fitted A and B
/// are the fork's to the last bit on the same decision values.
enum PlattScaling {
    /// Fits (A, B) to `decisionValues` with `positive[i]` the class of row i (+1 or not).
    static func fit(decisionValues: [Double], positive: [Bool]) -> (a: Double, b: Double) {
        let l = decisionValues.count
        var prior1 = 0.0
        var prior0 = 0.0
        for isPositive in positive {
            if isPositive { prior1 += 1 } else { prior0 += 1 }
        }
        let maxIterations = 100
        let minStep = 1e-10
        let sigma = 1e-12
        let eps = 1e-5
        let hiTarget = (prior1 + 1.0) / (prior1 + 2.0)
        let loTarget = 1 / (prior0 + 2.0)
        let t = positive.map { $0 ? hiTarget : loTarget }
        var a = 0.0
        var b = log((prior0 + 1.0) / (prior1 + 1.0))
        var fval = objective(decisionValues, t, a, b)
        for _ in 0..<maxIterations {
            // Gradient and Hessian (H' = H + sigma I).
            var h11 = sigma
            var h22 = sigma
            var h21 = 0.0
            var g1 = 0.0
            var g2 = 0.0
            for i in 0..<l {
                let fApB = decisionValues[i] * a + b
                let p: Double
                let q: Double
                if fApB >= 0 {
                    p = exp(-fApB) / (1.0 + exp(-fApB))
                    q = 1.0 / (1.0 + exp(-fApB))
                } else {
                    p = 1.0 / (1.0 + exp(fApB))
                    q = exp(fApB) / (1.0 + exp(fApB))
                }
                let d2 = p * q
                h11 += decisionValues[i] * decisionValues[i] * d2
                h22 += d2
                h21 += decisionValues[i] * d2
                let d1 = t[i] - p
                g1 += decisionValues[i] * d1
                g2 += d1
            }
            if abs(g1) < eps && abs(g2) < eps { break }
            // Newton direction -inv(H') g.
            let det = h11 * h22 - h21 * h21
            let dA = -(h22 * g1 - h21 * g2) / det
            let dB = -(-h21 * g1 + h11 * g2) / det
            let gd = g1 * dA + g2 * dB
            var stepSize = 1.0
            while stepSize >= minStep {
                let newA = a + stepSize * dA
                let newB = b + stepSize * dB
                let newf = objective(decisionValues, t, newA, newB)
                if newf < fval + 0.0001 * stepSize * gd {
                    a = newA
                    b = newB
                    fval = newf
                    break
                }
                stepSize = stepSize / 2.0
            }
            // libsvm: "Line search fails in two-class probability estimates".
            if stepSize < minStep { break }
        }
        return (a, b)
    }

    /// The regularised cross-entropy, log(1 + e^z) taken on its stable side.
    private static func objective(_ decisionValues: [Double], _ t: [Double], _ a: Double, _ b: Double) -> Double {
        var f = 0.0
        for i in 0..<decisionValues.count {
            let fApB = decisionValues[i] * a + b
            if fApB >= 0 {
                f += t[i] * fApB + log(1 + exp(-fApB))
            } else {
                f += (t[i] - 1) * fApB + log(1 + exp(fApB))
            }
        }
        return f
    }
}
