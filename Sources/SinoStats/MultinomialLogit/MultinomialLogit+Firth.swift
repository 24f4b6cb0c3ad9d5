import Foundation

/// How a multinomial logit is estimated.
public enum LogitMethod: String, Codable, Sendable, CaseIterable {
    /// Maximum likelihood (statsmodels MNLogit); does not exist under separation.
    case ml
    /// Bias-reduced (Firth-type) estimation, as R brglm2's `brmultinom(type = "AS_mean")`:
    /// maximises the penalised log-likelihood l(β) + ½ log det I(β). Finite under separation.
    case firth
}

// Firth's bias-reduced multinomial logit (Firth 1993, Biometrika 80:27). For the canonical
// multinomial logit the mean bias-reducing adjusted score of Kosmidis & Firth (2011,
// Biometrika 98:755), which brglm2 0.9 `brmultinom(type = "AS_mean")` solves through the
// Poisson log-linear model with fixed totals, is the gradient of
//   l*(β) = l(β) + ½ log det I(β),
// I(β) = Σ_i (W_i ⊗ x_i x_iᵀ) with W_i = diag(π_i) - π_i π_iᵀ over the non-reference classes.
// Its derivative, with H_ab(i) = x_iᵀ [I⁻¹]_ab x_i and g_a = H_aa - 2 Σ_b H_ab π_b, is
//   ∂l*/∂β_(e,f) = Σ_i x_if [y_ie - π_ie + ½ π_ie (g_ie - Σ_a π_ia g_ia)].

extension MultinomialLogit {
    /// Default convergence tolerance (largest |step|) of the bias-reduced fits.
    static let firthTolerance = 1e-10
    /// Default iteration limit of the bias-reduced fits.
    static let firthMaxIterations = 1000

    /// What the Firth iteration returns: the estimate, l* there and the iterations taken.
    struct FirthResult {
        let params: [Double]
        let penalizedLogLikelihood: Double
        let iterations: Int
        let maxStep: Double
    }

    /// l* and its gradient at `params`, plus the state and information used for them.
    struct PenalizedState {
        let likelihood: LikelihoodState
        let information: Matrix
        let factor: Matrix
        let penalizedLogLikelihood: Double
        let adjustedScore: [Double]
    }

    /// Evaluates l* and the adjusted score; nil when I(β) is not positive definite.
    static func penalizedState(_ design: Design, _ params: [Double]) -> PenalizedState? {
        let state = evaluate(design, params)
        let information = negativeHessian(design, state.probabilities)
        guard let factor = choleskyFactor(information) else { return nil }
        var halfLogDet = 0.0
        for i in 0..<factor.rows { halfLogDet += log(factor[i, i]) } // ½ log det = Σ log L_ii
        let adjustment = firthAdjustment(design, state.probabilities, choleskyInverse(factor))
        let score = zip(state.score, adjustment).map { $0 + $1 }
        return PenalizedState(
            likelihood: state, information: information, factor: factor,
            penalizedLogLikelihood: state.logLikelihood + halfLogDet, adjustedScore: score)
    }

    /// ½ ∂ log det I / ∂β (equation-major), from I⁻¹ (`covariance`) and the probabilities.
    static func firthAdjustment(_ design: Design, _ probabilities: Matrix, _ covariance: Matrix) -> [Double] {
        let n = design.observations, p = design.features, j = design.equations
        // H[a][b][i] = x_iᵀ C_ab x_i, from X C_ab (one dgemm per pair a <= b).
        var h = [[[Double]]](repeating: [[Double]](repeating: [], count: j), count: j)
        for a in 0..<j {
            for b in a..<j {
                var block = Matrix(rows: p, columns: p)
                for r in 0..<p { for c in 0..<p { block[r, c] = covariance[a * p + r, b * p + c] } }
                let xc = multiply(design.x, block)
                h[a][b] = (0..<n).map { i in
                    var sum = 0.0
                    for f in 0..<p { sum += xc[i, f] * design.x[i, f] }
                    return sum
                }
                h[b][a] = h[a][b]
            }
        }
        var weights = Matrix(rows: n, columns: j) // ½ π_ie (g_ie - Σ_a π_ia g_ia)
        var pi = [Double](repeating: 0, count: j), g = pi
        for i in 0..<n {
            for a in 0..<j { pi[a] = probabilities[i, a + 1] }
            var mean = 0.0
            for a in 0..<j {
                var cross = 0.0
                for b in 0..<j { cross += h[a][b][i] * pi[b] }
                g[a] = h[a][a][i] - 2 * cross
                mean += pi[a] * g[a]
            }
            for e in 0..<j { weights[i, e] = 0.5 * pi[e] * (g[e] - mean) }
        }
        return equationMajor(multiply(design.x, transposeA: true, weights))
    }

    /// Maximises l* by Fisher scoring on the adjusted score (brglm2's iteration: step
    /// I⁻¹ U*), from zero, with the parameters in `fixed` held at 0. A step that does not raise
    /// l* is halved (up to 30 times), and no coordinate moves more than 5 per iteration
    /// (logistf's maxstep), which keeps the first steps sane under separation. Converged when
    /// the largest |step| is at most `tolerance`.
    static func firthScoring(
        _ design: Design, fixed: Set<Int> = [], maxIterations: Int, tolerance: Double
    ) throws -> FirthResult {
        let free = (0..<design.parameterCount).filter { !fixed.contains($0) }
        var params = [Double](repeating: 0, count: design.parameterCount)
        guard var current = penalizedState(design, params) else { throw firthSingular(0) }
        var iterations = 0
        var maxStep = Double.infinity
        while iterations < maxIterations && maxStep > tolerance {
            var step = try firthStep(current, free: free, iterations)
            let largest = step.map(abs).max() ?? 0
            if largest > 5 { step = step.map { $0 * 5 / largest } }
            var accepted: PenalizedState?
            for _ in 0..<30 {
                let trial = zip(params, step).map { $0 + $1 }
                if let state = penalizedState(design, trial),
                    state.penalizedLogLikelihood >= current.penalizedLogLikelihood - 1e-12 * abs(current.penalizedLogLikelihood)
                {
                    accepted = state
                    params = trial
                    break
                }
                step = step.map { $0 / 2 }
            }
            iterations += 1
            maxStep = step.map(abs).max() ?? 0
            guard let accepted else { break }
            current = accepted
        }
        guard maxStep <= tolerance else {
            throw StatsError.notConverged(
                "the bias-reduced (Firth) fit did not converge in \(iterations) iterations: the last "
                    + "step changed a coefficient by \(maxStep) (max |step|; tolerance \(tolerance)). "
                    + "Raise maxIterations or rescale the predictors.")
        }
        return FirthResult(
            params: params, penalizedLogLikelihood: current.penalizedLogLikelihood,
            iterations: iterations, maxStep: maxStep)
    }

    /// The scoring step on the free parameters, I_ff⁻¹ U*_f, zero on the fixed ones.
    private static func firthStep(_ state: PenalizedState, free: [Int], _ iterations: Int) throws -> [Double] {
        var sub = Matrix(rows: free.count, columns: free.count)
        for (r, a) in free.enumerated() { for (c, b) in free.enumerated() { sub[r, c] = state.information[a, b] } }
        guard let factor = choleskyFactor(sub) else { throw firthSingular(iterations) }
        let solved = choleskySolve(factor, free.map { state.adjustedScore[$0] })
        guard solved.allSatisfy(\.isFinite) else { throw firthSingular(iterations) }
        var step = [Double](repeating: 0, count: state.adjustedScore.count)
        for (r, a) in free.enumerated() { step[a] = solved[r] }
        return step
    }

    private static func firthSingular(_ iterations: Int) -> StatsError {
        .singular(
            "the information matrix is not positive definite after \(iterations) bias-reduced "
                + "(Firth) iterations, so the step is undefined; look for nearly collinear predictors")
    }

    /// The bias-reduced fit of a validated design (no separation check: the estimate exists).
    static func firthFit(
        _ design: Design, reference: Int, addIntercept: Bool, maxIterations: Int, tolerance: Double,
        confidenceLevel: Double
    ) throws -> MultinomialLogitFit {
        let result = try firthScoring(design, maxIterations: maxIterations, tolerance: tolerance)
        let newton = NewtonResult(params: result.params, iterations: result.iterations, maxStep: result.maxStep)
        return try summarize(
            design, newton, reference: reference, addIntercept: addIntercept, method: .firth,
            penalizedLogLikelihood: result.penalizedLogLikelihood, confidenceLevel: confidenceLevel)
    }
}

// MARK: - Penalised likelihood-ratio test

extension MultinomialLogit {
    /// Penalised likelihood-ratio test that the coefficients of `dropping` (columns of
    /// `featureNames`, in every equation) are zero in the bias-reduced model: Heinze &
    /// Schemper (2002, Stat Med 21:2409), logistf's `anova(method = "nested")`.
    ///
    /// Statistic 2 [l*(β̂) - l*(β̃₀)] on (K - 1) × |dropping| degrees of freedom, where l* is the
    /// full model's penalised log-likelihood and β̃₀ maximises it with those coefficients fixed
    /// at 0. The penalty keeps the full model's information matrix in both terms, so the two
    /// maxima are of one function and the statistic is never negative. Comparing separately
    /// fitted Firth models instead (each with its own penalty, logistf's "PLR") or their
    /// unpenalised log-likelihoods compares different objective functions; logistf's authors
    /// find its chi-square approximation less accurate, and it can be negative.
    /// - Parameters:
    ///   - x: n rows of predictor values (no intercept column).
    ///   - y: class of each row, in 0..<classCount.
    ///   - classCount: K, at least 2.
    ///   - reference: the class the other classes are compared with.
    ///   - featureNames: one distinct name per column of `x`.
    ///   - dropping: names (from `featureNames`) of the predictors whose coefficients are fixed at 0.
    ///   - addIntercept: prepend a constant column.
    ///   - maxIterations: Fisher-scoring iterations per fit (nil: 1000).
    ///   - tolerance: largest |step| at convergence (nil: 1e-10).
    /// - Returns: the statistic, its degrees of freedom and the upper-tail chi-square p-value.
    /// - Throws: `StatsError` from fitting the full model (invalid input, collinearity, not
    ///   converged), or `StatsError.invalidInput` when `dropping` names no predictor, a name twice
    ///   or an unknown one.
    public static func penalizedLikelihoodRatioTest(
        x: [[Double]], y: [Int], classCount: Int, reference: Int = 0, featureNames: [String],
        dropping: [String], addIntercept: Bool = true, maxIterations: Int? = nil,
        tolerance: Double? = nil
    ) throws -> LikelihoodRatioTest {
        let full = try fit(
            x: x, y: y, classCount: classCount, reference: reference, featureNames: featureNames,
            method: .firth, addIntercept: addIntercept, maxIterations: maxIterations, tolerance: tolerance)
        return try penalizedLikelihoodRatioTest(
            full: full, x: x, y: y, dropping: dropping, maxIterations: maxIterations, tolerance: tolerance)
    }

    /// The same test given the fitted full model (`x`, `y` must be the data it was fitted to).
    /// - Parameters:
    ///   - full: a bias-reduced (`method == .firth`) fit.
    ///   - x: the rows `full` was fitted to.
    ///   - y: the classes `full` was fitted to.
    ///   - dropping: names of the predictors whose coefficients are fixed at 0.
    ///   - maxIterations: Fisher-scoring iterations of the restricted fit (nil: 1000).
    ///   - tolerance: largest |step| at convergence (nil: 1e-10).
    /// - Returns: the statistic, its degrees of freedom and the upper-tail chi-square p-value.
    /// - Throws: `StatsError.invalidInput` when `full` is not a Firth fit, `dropping` is empty,
    ///   repeats or names an unknown predictor, or `x` has a different number of rows;
    ///   `StatsError` when the restricted fit fails.
    public static func penalizedLikelihoodRatioTest(
        full: MultinomialLogitFit, x: [[Double]], y: [Int], dropping: [String],
        maxIterations: Int? = nil, tolerance: Double? = nil
    ) throws -> LikelihoodRatioTest {
        guard full.method == .firth, let plFull = full.penalizedLogLikelihood else {
            throw StatsError.invalidInput("the penalised likelihood-ratio test needs a bias-reduced (Firth) fit")
        }
        let predictors = Array(full.featureNames.dropFirst(full.addIntercept ? 1 : 0))
        let columns = try dropping.map { name in
            guard let index = predictors.firstIndex(of: name) else {
                throw StatsError.invalidInput("'\(name)' is not a predictor of the model (\(predictors))")
            }
            return index + (full.addIntercept ? 1 : 0)
        }
        guard !columns.isEmpty, Set(columns).count == columns.count else {
            throw StatsError.invalidInput("name one or more distinct predictors to drop")
        }
        let design = makeDesign(
            x: x, y: y, classCount: full.classCount, reference: full.reference,
            featureNames: predictors, addIntercept: full.addIntercept)
        guard design.observations == full.observations else {
            throw StatsError.invalidInput("x has \(x.count) rows; the model was fitted to \(full.observations)")
        }
        let p = design.features
        let fixed = Set(columns.flatMap { c in (0..<design.equations).map { $0 * p + c } })
        let restricted = try firthScoring(
            design, fixed: fixed, maxIterations: maxIterations ?? firthMaxIterations,
            tolerance: tolerance ?? firthTolerance)
        let statistic = max(0, 2 * (plFull - restricted.penalizedLogLikelihood))
        let df = fixed.count
        return LikelihoodRatioTest(
            statistic: statistic, degreesOfFreedom: df,
            pValue: Distributions.chiSquareSF(statistic, df: Double(df)))
    }
}
