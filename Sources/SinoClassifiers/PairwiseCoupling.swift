import Foundation

/// Class probabilities from one-vs-one decision values as scikit-learn's libsvm fork computes
/// them (`svm_predict_probability`, `sigmoid_predict`, `multiclass_probability` in
/// `sklearn/svm/src/libsvm/svm.cpp`): each pair's Platt sigmoid, clipped to [1e-7, 1 - 1e-7],
/// then Wu, Lin & Weng's (2004) method 2 coupling, for two classes as well.
///
/// Debian's libsvm 3.24 is not called for this: its `svm_predict_probability` returns
/// [r, 1 - r] for two classes where the fork runs the iterative coupling (stopping at
/// tolerance 0.005 / K), and the two differ by up to ~2e-3. With more classes both run the
/// same code; this port follows it operation for operation.
enum PairwiseCoupling {
    static let minimumProbability = 1e-7

    /// P(first class of the pair) for decision value `d` (`sigmoid_predict`).
    static func sigmoid(_ d: Double, a: Double, b: Double) -> Double {
        let fApB = d * a + b
        // 1 - p is used later: avoid catastrophic cancellation.
        return fApB >= 0 ? exp(-fApB) / (1.0 + exp(-fApB)) : 1.0 / (1 + exp(fApB))
    }

    /// The K class probabilities of one row from its K(K-1)/2 decision values and sigmoids.
    static func probabilities(pairValues: [Double], sigmoids: [(a: Double, b: Double)], classCount k: Int) -> [Double] {
        var r = Array(repeating: Array(repeating: 0.0, count: k), count: k)
        var p = 0
        for i in 0..<k {
            for j in (i + 1)..<k {
                let probability = sigmoid(pairValues[p], a: sigmoids[p].a, b: sigmoids[p].b)
                r[i][j] = min(max(probability, minimumProbability), 1 - minimumProbability)
                r[j][i] = 1 - r[i][j]
                p += 1
            }
        }
        return coupled(r)
    }

    /// Wu, Lin & Weng's method 2 (`multiclass_probability`): minimise p'Qp subject to sum p = 1
    /// by coordinate updates, stopping when max_t |(Qp)_t - p'Qp| < 0.005 / K or after
    /// max(100, K) sweeps.
    static func coupled(_ r: [[Double]]) -> [Double] {
        let k = r.count
        let maxIterations = max(100, k)
        let eps = 0.005 / Double(k)
        var p = Array(repeating: 1.0 / Double(k), count: k)
        var q = Array(repeating: Array(repeating: 0.0, count: k), count: k)
        var qp = Array(repeating: 0.0, count: k)
        for t in 0..<k {
            q[t][t] = 0
            for j in 0..<t {
                q[t][t] += r[j][t] * r[j][t]
                q[t][j] = q[j][t]
            }
            for j in (t + 1)..<k {
                q[t][t] += r[j][t] * r[j][t]
                q[t][j] = -r[j][t] * r[t][j]
            }
        }
        for _ in 0..<maxIterations {
            // Stopping condition; Qp and pQp recomputed for accuracy.
            var pQp = 0.0
            for t in 0..<k {
                qp[t] = 0
                for j in 0..<k { qp[t] += q[t][j] * p[j] }
                pQp += p[t] * qp[t]
            }
            var maxError = 0.0
            for t in 0..<k {
                let error = abs(qp[t] - pQp)
                if error > maxError { maxError = error }
            }
            if maxError < eps { break }
            for t in 0..<k {
                let diff = (-qp[t] + pQp) / q[t][t]
                p[t] += diff
                pQp = (pQp + diff * (diff * q[t][t] + 2 * qp[t])) / (1 + diff) / (1 + diff)
                for j in 0..<k {
                    qp[j] = (qp[j] + diff * q[t][j]) / (1 + diff)
                    p[j] /= (1 + diff)
                }
            }
        }
        return p
    }
}
