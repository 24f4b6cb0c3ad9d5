import Foundation

// The multinomial-logit likelihood, its gradient and Hessian, following statsmodels 0.15.0
// `MNLogit.loglike`, `.score` and `.hessian` (discrete_model.py).
//
// Internally the reference class is outcome 0 and equation e (0..<K-1) models the e-th
// non-reference class against it. Parameters are stored equation-major: index e * p + f for
// feature f, which is statsmodels' `params.ravel(order="F")`.

extension MultinomialLogit {
    /// The design a fit works on: validated predictors (intercept first when added) and the
    /// outcome recoded so the reference class is 0.
    struct Design: Sendable {
        /// n x p, row-major.
        let x: Matrix
        /// Internal outcome codes: 0 = reference, e + 1 = equation e.
        let outcome: [Int]
        let classCount: Int
        let featureNames: [String]
        /// Original class labels of equations 0..<K-1.
        let nonReferenceClasses: [Int]

        var observations: Int { x.rows }
        var features: Int { x.columns }
        var equations: Int { classCount - 1 }
        var parameterCount: Int { features * equations }
    }

    /// Everything Newton-Raphson needs at one parameter vector.
    struct LikelihoodState {
        let logLikelihood: Double
        /// n x K fitted probabilities in internal class order (column 0 = reference).
        let probabilities: Matrix
        /// Gradient of the log-likelihood, equation-major like the parameters.
        let score: [Double]
    }

    /// Log-likelihood, fitted probabilities and score at `params`.
    static func evaluate(_ design: Design, _ params: [Double]) -> LikelihoodState {
        let n = design.observations, k = design.classCount
        let eta = linearPredictors(design, params)
        var probabilities = Matrix(rows: n, columns: k)
        var residuals = Matrix(rows: n, columns: design.equations) // indicator - probability
        var logLikelihood = 0.0
        eta.values.withUnsafeBufferPointer { eta in
            probabilities.values.withUnsafeMutableBufferPointer { prob in
                residuals.values.withUnsafeMutableBufferPointer { res in
                    for i in 0..<n {
                        logLikelihood += softmaxRow(
                            eta: eta.baseAddress! + i * (k - 1), classCount: k,
                            observed: design.outcome[i], into: prob.baseAddress! + i * k)
                        for e in 0..<(k - 1) {
                            let indicator: Double = design.outcome[i] == e + 1 ? 1 : 0
                            res[i * (k - 1) + e] = indicator - prob[i * k + e + 1]
                        }
                    }
                }
            }
        }
        // score_e = Xᵀ (y_e - p_e): one dgemm for all equations (p x (K-1)).
        let gradient = multiply(design.x, transposeA: true, residuals)
        return LikelihoodState(
            logLikelihood: logLikelihood, probabilities: probabilities,
            score: equationMajor(gradient))
    }

    /// η = X B (n x (K-1)), with B[f][e] = params[e * p + f].
    static func linearPredictors(_ design: Design, _ params: [Double]) -> Matrix {
        let p = design.features, equations = design.equations
        var coefficients = Matrix(rows: p, columns: equations)
        for e in 0..<equations { for f in 0..<p { coefficients[f, e] = params[e * p + f] } }
        return multiply(design.x, coefficients)
    }

    /// Writes the K probabilities of one observation (reference η = 0) and returns the
    /// log-probability of its observed class. Subtracting the largest η keeps exp finite, and
    /// the log-probability is η_y - logsumexp(η) so it stays exact when a probability underflows.
    @inline(__always)
    static func softmaxRow(
        eta: UnsafePointer<Double>, classCount k: Int, observed: Int,
        into probability: UnsafeMutablePointer<Double>
    ) -> Double {
        var largest = 0.0
        for e in 0..<(k - 1) { largest = max(largest, eta[e]) }
        probability[0] = exp(-largest)
        var total = probability[0]
        for e in 0..<(k - 1) {
            probability[e + 1] = exp(eta[e] - largest)
            total += probability[e + 1]
        }
        for c in 0..<k { probability[c] /= total }
        let observedEta = observed == 0 ? 0 : eta[observed - 1]
        return observedEta - largest - log(total)
    }

    /// p x (K-1) gradient matrix to the equation-major parameter layout.
    static func equationMajor(_ gradient: Matrix) -> [Double] {
        var flat = [Double](repeating: 0, count: gradient.rows * gradient.columns)
        for f in 0..<gradient.rows {
            for e in 0..<gradient.columns { flat[e * gradient.rows + f] = gradient[f, e] }
        }
        return flat
    }

    /// The negative Hessian, block (e, l) = Xᵀ diag(p_e (δ_el - p_l)) X (statsmodels
    /// `MNLogit.hessian` with the sign flipped). Diagonal blocks have non-negative weights and
    /// use dsyrk on sqrt(w) X; off-diagonal blocks use dgemm on X and w X.
    static func negativeHessian(_ design: Design, _ probabilities: Matrix) -> Matrix {
        let p = design.features, equations = design.equations
        var hessian = Matrix(rows: design.parameterCount, columns: design.parameterCount)
        var scaled = Matrix(rows: design.observations, columns: p)
        for e in 0..<equations {
            for l in e..<equations {
                scaleRows(design.x, by: hessianWeights(probabilities, e + 1, l + 1), into: &scaled)
                let block = e == l ? gram(scaled) : multiply(design.x, transposeA: true, scaled)
                for a in 0..<p {
                    for b in 0..<p {
                        hessian[e * p + a, l * p + b] = block[a, b]
                        hessian[l * p + b, e * p + a] = block[a, b]
                    }
                }
            }
        }
        return hessian
    }

    /// Per-observation weights of Hessian block (a, b) in internal class columns:
    /// sqrt(p_a (1 - p_a)) on the diagonal (for dsyrk), -p_a p_b off it.
    private static func hessianWeights(_ probabilities: Matrix, _ a: Int, _ b: Int) -> [Double] {
        let k = probabilities.columns
        return probabilities.values.withUnsafeBufferPointer { prob in
            (0..<probabilities.rows).map { i in
                let pa = prob[i * k + a], pb = prob[i * k + b]
                return a == b ? (pa * (1 - pa)).squareRoot() : -pa * pb
            }
        }
    }

    /// Null-model log-likelihood in closed form, Σ_j n_j log(n_j / n) (statsmodels `llnull`
    /// fits an intercept-only model whose MLE gives exactly this).
    static func nullLogLikelihood(outcome: [Int], classCount: Int) -> Double {
        var counts = [Int](repeating: 0, count: classCount)
        for y in outcome { counts[y] += 1 }
        let n = Double(outcome.count)
        return counts.reduce(0.0) { $1 > 0 ? $0 + Double($1) * log(Double($1) / n) : $0 }
    }
}
