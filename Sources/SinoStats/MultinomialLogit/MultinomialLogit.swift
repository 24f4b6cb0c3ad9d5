import Foundation

/// Multinomial logistic regression by maximum likelihood, matching statsmodels 0.15.0
/// `MNLogit(...).fit(method="newton")` to ~1e-10, but with any class as the reference.
///
/// ```swift
/// let fit = try MultinomialLogit.fit(
///     x: rows, y: labels, classCount: 3, reference: 0, featureNames: ["age", "size"])
/// print(fit.equations[0].oddsRatios, fit.llrPValue)
/// ```
///
/// Problems are reported, never papered over: a constant or linearly dependent column throws
/// `StatsError.singular`, separation throws `StatsError.separation` (statsmodels only emits a
/// ConvergenceWarning and returns diverged coefficients), and a fit that does not converge
/// throws `StatsError.notConverged`.
///
/// `method: .firth` fits the bias-reduced (Firth-type) model instead, as R brglm2 0.9
/// `brmultinom(type = "AS_mean")`: it exists under separation, so the separation check is
/// skipped (collinearity still throws). Its nested models are compared with
/// `penalizedLikelihoodRatioTest`.
public enum MultinomialLogit {
    /// Fits the model by Newton-Raphson from zero, stopping when the largest |step| is at
    /// most `tolerance` (statsmodels `_fit_newton`: tol 1e-8, maxiter 35).
    ///
    /// - Parameters:
    ///   - x: n rows of p predictor values (no intercept column).
    ///   - y: class of each row, in 0..<classCount; every class must occur.
    ///   - classCount: K, at least 2.
    ///   - reference: the class the other classes are compared with.
    ///   - featureNames: p distinct names, used in the fit and in error messages.
    ///   - method: maximum likelihood, or bias-reduced (Firth) estimation by Fisher scoring
    ///     on the adjusted score (see `LogitMethod`).
    ///   - addIntercept: prepend a constant column named "Intercept" (default true).
    ///   - maxIterations: default 35 for ML (statsmodels), 1000 for Firth: its scoring step
    ///     converges linearly, slowly under separation (brglm2 took 162 iterations to 1e-11 on
    ///     palmerpenguins with six variables).
    ///   - tolerance: largest |step| at convergence; default 1e-8 for ML (statsmodels), 1e-10
    ///     for Firth, whose scoring step converges linearly (1e-8 would leave ~1e-6 relative
    ///     error on coefficients as small as a per-gram body-mass effect).
    ///   - confidenceLevel: level of the Wald intervals of the coefficients and odds ratios,
    ///     strictly between 0 and 1 (default 0.95; statsmodels `conf_int(alpha = 1 - level)`).
    /// - Returns: the converged fit: one equation per non-reference class with coefficients,
    ///   standard errors, Wald z, two-sided p and intervals at `confidenceLevel`, and the model
    ///   statistics.
    /// - Throws: `StatsError.invalidInput` for inconsistent or non-finite input, an absent
    ///   class, a predictor named "Intercept" with `addIntercept`, or a level outside (0, 1);
    ///   `StatsError.singular` for a constant or collinear column; `StatsError.separation` when
    ///   predictors separate the classes (ML only); `StatsError.notConverged` when the
    ///   iteration limit is reached.
    public static func fit(
        x: [[Double]], y: [Int], classCount: Int, reference: Int = 0, featureNames: [String],
        method: LogitMethod = .ml, addIntercept: Bool = true, maxIterations: Int? = nil,
        tolerance: Double? = nil, confidenceLevel: Double = 0.95
    ) throws -> MultinomialLogitFit {
        let iterations = maxIterations ?? (method == .ml ? 35 : firthMaxIterations)
        let tolerance = tolerance ?? (method == .ml ? 1e-8 : firthTolerance)
        try validate(
            x: x, y: y, classCount: classCount, reference: reference, featureNames: featureNames,
            addIntercept: addIntercept, maxIterations: iterations, tolerance: tolerance,
            confidenceLevel: confidenceLevel)
        let design = makeDesign(
            x: x, y: y, classCount: classCount, reference: reference,
            featureNames: featureNames, addIntercept: addIntercept)
        try checkColumns(design, addIntercept: addIntercept)
        if method == .firth {
            return try firthFit(
                design, reference: reference, addIntercept: addIntercept, maxIterations: iterations,
                tolerance: tolerance, confidenceLevel: confidenceLevel)
        }
        if addIntercept { try checkSingleColumnSeparation(design) }
        let newton = try newtonRaphson(design, maxIterations: iterations, tolerance: tolerance)
        return try summarize(
            design, newton, reference: reference, addIntercept: addIntercept,
            confidenceLevel: confidenceLevel)
    }

    /// Likelihood-ratio test of `full` against `reduced`, a model on a subset of its columns
    /// fitted to the same outcome: 2 (LL_full - LL_reduced) on the difference in parameters.
    /// Maximum-likelihood fits only: bias-reduced fits use `penalizedLikelihoodRatioTest`.
    /// - Parameters:
    ///   - full: the larger maximum-likelihood fit.
    ///   - reduced: a maximum-likelihood fit on a proper subset of `full`'s predictors, same
    ///     observations, classes and reference.
    /// - Returns: the statistic, its degrees of freedom and the upper-tail chi-square p-value.
    /// - Throws: `StatsError.invalidInput` when either fit is a Firth fit, the fits differ in
    ///   observations, classes or reference, or `reduced` is not nested in `full`.
    public static func likelihoodRatioTest(
        full: MultinomialLogitFit, reduced: MultinomialLogitFit
    ) throws -> LikelihoodRatioTest {
        guard full.method == .ml, reduced.method == .ml else {
            throw StatsError.invalidInput(
                "the likelihood-ratio test compares maximum-likelihood fits; for bias-reduced "
                    + "(Firth) fits use the penalised likelihood-ratio test")
        }
        guard full.observations == reduced.observations, full.classCount == reduced.classCount,
            full.reference == reduced.reference
        else {
            throw StatsError.invalidInput(
                "the two fits must share observations, classes and reference class")
        }
        guard Set(reduced.featureNames).isSubset(of: full.featureNames),
            reduced.parameterCount < full.parameterCount
        else {
            throw StatsError.invalidInput(
                "the reduced model's predictors must be a proper subset of the full model's")
        }
        let statistic = 2 * (full.logLikelihood - reduced.logLikelihood)
        let df = full.parameterCount - reduced.parameterCount
        return LikelihoodRatioTest(
            statistic: statistic, degreesOfFreedom: df,
            pValue: Distributions.chiSquareSF(statistic, df: Double(df)))
    }
}

// MARK: - Newton-Raphson

extension MultinomialLogit {
    struct NewtonResult {
        let params: [Double]
        let iterations: Int
        let maxStep: Double
    }

    /// statsmodels base/optimizer.py `_fit_newton`: from zero, params += (-H)⁻¹ score while
    /// any |step| > tol and fewer than maxiter steps were taken. Like statsmodels, the step
    /// solves with a ridge of 1e-10 on the diagonal of the per-observation Hessian
    /// (`ridge_factor`, statsmodels #1847), i.e. n × 1e-10 here; it does not move the optimum.
    static func newtonRaphson(
        _ design: Design, maxIterations: Int, tolerance: Double
    ) throws -> NewtonResult {
        var params = [Double](repeating: 0, count: design.parameterCount)
        var step = params
        var iterations = 0
        var maxStep = Double.infinity
        let ridge = 1e-10 * Double(design.observations)
        while iterations < maxIterations && maxStep > tolerance {
            let state = evaluate(design, params)
            var hessian = negativeHessian(design, state.probabilities)
            for i in 0..<hessian.rows { hessian[i, i] += ridge }
            guard let factor = choleskyFactor(hessian) else {
                throw failure(design, params, step, iterations, .hessianNotPositiveDefinite)
            }
            let next = choleskySolve(factor, state.score)
            guard next.allSatisfy(\.isFinite) else {
                throw failure(design, params, step, iterations, .hessianNotPositiveDefinite)
            }
            step = next
            for i in params.indices { params[i] += step[i] }
            iterations += 1
            maxStep = step.map(abs).max() ?? 0
        }
        guard maxStep <= tolerance else {
            throw failure(design, params, step, iterations, .iterationLimit(tolerance))
        }
        return NewtonResult(params: params, iterations: iterations, maxStep: maxStep)
    }

    /// Standard errors, tests and model statistics at the converged estimate.
    static func summarize(
        _ design: Design, _ newton: NewtonResult, reference: Int, addIntercept: Bool,
        method: LogitMethod = .ml, penalizedLogLikelihood: Double? = nil, confidenceLevel: Double
    ) throws -> MultinomialLogitFit {
        let state = evaluate(design, newton.params)
        // statsmodels: cov_params = inv(-hessian) at the estimate, without the ridge.
        guard let factor = choleskyFactor(negativeHessian(design, state.probabilities)) else {
            throw StatsError.singular(
                "the information matrix is not positive definite at the estimate, so standard "
                    + "errors do not exist; look for nearly collinear predictors")
        }
        let covariance = choleskyInverse(factor)
        let p = design.features, k = design.equations
        let equations = (0..<k).map { e in
            MultinomialLogitEquation(
                classIndex: design.nonReferenceClasses[e],
                coefficients: Array(newton.params[(e * p)..<((e + 1) * p)]),
                standardErrors: (0..<p).map { covariance[e * p + $0, e * p + $0].squareRoot() },
                confidenceLevel: confidenceLevel)
        }
        return modelStatistics(
            design, state: state, equations: equations, confidenceLevel: confidenceLevel,
            covariance: covariance,
            newton: newton, reference: reference, addIntercept: addIntercept, method: method,
            penalizedLogLikelihood: penalizedLogLikelihood)
    }

    private static func modelStatistics(
        _ design: Design, state: LikelihoodState, equations: [MultinomialLogitEquation],
        confidenceLevel: Double, covariance: Matrix, newton: NewtonResult, reference: Int, addIntercept: Bool,
        method: LogitMethod, penalizedLogLikelihood: Double?
    ) -> MultinomialLogitFit {
        let ll = state.logLikelihood
        let llNull = nullLogLikelihood(outcome: design.outcome, classCount: design.classCount)
        let llr = 2 * (ll - llNull)
        // statsmodels df_model = (rank - 1)(J - 1); aic/bic count df_model + J - 1 parameters.
        let llrDF = (design.features - 1) * design.equations
        let k = Double(design.parameterCount)
        return MultinomialLogitFit(
            method: method, featureNames: design.featureNames, addIntercept: addIntercept,
            classCount: design.classCount, reference: reference, equations: equations,
            confidenceLevel: confidenceLevel, covariance: covariance.rowArrays,
            observations: design.observations, logLikelihood: ll, nullLogLikelihood: llNull,
            llr: llr, llrDegreesOfFreedom: llrDF,
            llrPValue: Distributions.chiSquareSF(llr, df: Double(llrDF)),
            mcFaddenR2: 1 - ll / llNull, aic: -2 * ll + 2 * k,
            bic: -2 * ll + log(Double(design.observations)) * k,
            penalizedLogLikelihood: penalizedLogLikelihood,
            iterations: newton.iterations, converged: true,
            warnings: method == .ml ? fitWarnings(design, state, newton) : [])
    }
}
