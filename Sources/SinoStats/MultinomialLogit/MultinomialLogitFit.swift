import Foundation

/// A fitted multinomial logistic regression: one equation per non-reference class, each
/// giving the log relative risk of that class against the reference class.
///
/// Every number follows statsmodels 0.15.0 `MNLogitResults`: `standardErrors` are
/// sqrt(diag((-H)⁻¹)) at the estimate, z and p are Wald statistics against the standard
/// normal, and intervals are normal at `confidenceLevel` (`conf_int(alpha=1 - confidenceLevel)`,
/// by default `conf_int(alpha=0.05)`).
///
/// A bias-reduced fit (`method == .firth`) follows R brglm2 0.9 `brmultinom`: standard errors
/// from the inverse expected information at the bias-reduced estimate (brglm2's `vcov`),
/// Wald z, p and intervals from them, `logLikelihood` the ordinary log-likelihood at the
/// estimate (brglm2's `logLik`, -deviance/2), aic/bic from it (brglm2's `AIC`), and
/// `penalizedLogLikelihood` = LL + ½ log det I, the function the estimate maximises. llr,
/// its p-value and McFadden's R² still compare LL with the maximum-likelihood null model.
public struct MultinomialLogitFit: Codable, Sendable, Equatable {
    /// How the coefficients were estimated ("ml" or "firth"; absent in files written before
    /// the choice existed, read as "ml").
    public let method: LogitMethod
    /// Predictor names in coefficient order, "Intercept" first when one was added.
    public let featureNames: [String]
    /// Whether `predictProbabilities(x:)` prepends a column of ones to its rows.
    public let addIntercept: Bool
    public let classCount: Int
    /// The class every equation is compared with (statsmodels always uses class 0).
    public let reference: Int
    /// One per non-reference class, in ascending class order.
    public let equations: [MultinomialLogitEquation]
    /// Level of the equations' Wald intervals (`lower`/`upper`, `oddsRatioLower`/`Upper`),
    /// e.g. 0.95; absent in files written before the level was a choice, read as 0.95.
    public let confidenceLevel: Double
    /// Covariance of the estimates, (-H)⁻¹, over parameters ordered equation by equation
    /// (equation e, feature f at index e * featureNames.count + f).
    public let covariance: [[Double]]
    public let observations: Int
    public let logLikelihood: Double
    /// Intercept-only log-likelihood, Σ_j n_j log(n_j / n).
    public let nullLogLikelihood: Double
    /// Likelihood-ratio statistic against the null model, 2 (LL - LL₀).
    public let llr: Double
    /// Degrees of freedom of `llr`: (K - 1) (columns - 1), statsmodels `df_model` (which
    /// assumes the design has a constant).
    public let llrDegreesOfFreedom: Int
    public let llrPValue: Double
    /// McFadden's pseudo R², 1 - LL / LL₀ (statsmodels `prsquared`).
    public let mcFaddenR2: Double
    /// -2 LL + 2 k with k = (K - 1) × columns parameters (statsmodels `MNLogitResults.aic`).
    public let aic: Double
    /// -2 LL + log(n) k (statsmodels `MNLogitResults.bic`).
    public let bic: Double
    /// Firth fits: LL + ½ log det I(β) at the estimate (nil for maximum likelihood).
    public let penalizedLogLikelihood: Double?
    /// Newton-Raphson (ML) or Fisher-scoring (Firth) iterations taken.
    public let iterations: Int
    /// Always true for a returned fit: `MultinomialLogit.fit` throws when it does not converge.
    public let converged: Bool
    /// Conditions worth reporting that did not stop the fit.
    public let warnings: [String]

    /// Number of estimated parameters, (K - 1) × columns.
    public var parameterCount: Int { equations.count * featureNames.count }

    /// Fitted class probabilities for new rows (predictors only, no intercept column), one
    /// row of `classCount` probabilities per input row, in class order.
    /// - Parameter x: rows of predictor values in `featureNames` order, without the intercept.
    /// - Returns: one row of `classCount` probabilities (summing to 1) per input row.
    /// - Throws: `StatsError.invalidInput` when a row has the wrong number of values.
    public func predictProbabilities(x: [[Double]]) throws -> [[Double]] {
        let predictors = featureNames.count - (addIntercept ? 1 : 0)
        for (i, row) in x.enumerated() where row.count != predictors {
            throw StatsError.invalidInput(
                "row \(i) has \(row.count) values; the model has \(predictors) predictors")
        }
        return x.map(probabilities(ofRow:))
    }

    private func probabilities(ofRow row: [Double]) -> [Double] {
        let values = addIntercept ? [1] + row : row
        let etas = equations.map { eq in zip(eq.coefficients, values).reduce(0) { $0 + $1.0 * $1.1 } }
        let largest = max(0, etas.max() ?? 0)
        var probabilities = [Double](repeating: 0, count: classCount)
        probabilities[reference] = exp(-largest)
        for (eq, eta) in zip(equations, etas) { probabilities[eq.classIndex] = exp(eta - largest) }
        let total = probabilities.reduce(0, +)
        return probabilities.map { $0 / total }
    }
}

extension MultinomialLogitFit {
    /// Decodes `method` as "ml" when absent (model files written before Firth fits existed),
    /// and `confidenceLevel` as 0.95 (files written before the level was a choice).
    ///
    /// - Parameter decoder: the decoder to read from.
    /// - Throws: `DecodingError` when a required key is missing or has the wrong type.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        method = try c.decodeIfPresent(LogitMethod.self, forKey: .method) ?? .ml
        featureNames = try c.decode([String].self, forKey: .featureNames)
        addIntercept = try c.decode(Bool.self, forKey: .addIntercept)
        classCount = try c.decode(Int.self, forKey: .classCount)
        reference = try c.decode(Int.self, forKey: .reference)
        equations = try c.decode([MultinomialLogitEquation].self, forKey: .equations)
        confidenceLevel = try c.decodeIfPresent(Double.self, forKey: .confidenceLevel) ?? 0.95
        covariance = try c.decode([[Double]].self, forKey: .covariance)
        observations = try c.decode(Int.self, forKey: .observations)
        logLikelihood = try c.decode(Double.self, forKey: .logLikelihood)
        nullLogLikelihood = try c.decode(Double.self, forKey: .nullLogLikelihood)
        llr = try c.decode(Double.self, forKey: .llr)
        llrDegreesOfFreedom = try c.decode(Int.self, forKey: .llrDegreesOfFreedom)
        llrPValue = try c.decode(Double.self, forKey: .llrPValue)
        mcFaddenR2 = try c.decode(Double.self, forKey: .mcFaddenR2)
        aic = try c.decode(Double.self, forKey: .aic)
        bic = try c.decode(Double.self, forKey: .bic)
        penalizedLogLikelihood = try c.decodeIfPresent(Double.self, forKey: .penalizedLogLikelihood)
        iterations = try c.decode(Int.self, forKey: .iterations)
        converged = try c.decode(Bool.self, forKey: .converged)
        warnings = try c.decode([String].self, forKey: .warnings)
    }
}

/// The coefficients of one non-reference class against the reference class.
///
/// `oddsRatios` are exp(coef): strictly relative-risk ratios, reported as odds ratios in
/// most medical papers; their interval is exp of the coefficient interval.
public struct MultinomialLogitEquation: Codable, Sendable, Equatable {
    /// The class this equation models (original label).
    public let classIndex: Int
    public let coefficients: [Double]
    public let standardErrors: [Double]
    public let z: [Double]
    /// Two-sided normal p-values of `z`.
    public let pValues: [Double]
    /// Lower bound of the normal (Wald) interval of the coefficients at the fit's
    /// `confidenceLevel`: coef - Φ⁻¹(1 - α/2) se with α = 1 - level (1.959964 at 95%).
    public let lower: [Double]
    /// Upper bound of the same interval: coef + Φ⁻¹(1 - α/2) se.
    public let upper: [Double]
    public let oddsRatios: [Double]
    /// exp(lower).
    public let oddsRatioLower: [Double]
    /// exp(upper).
    public let oddsRatioUpper: [Double]

    init(classIndex: Int, coefficients: [Double], standardErrors: [Double], confidenceLevel: Double) {
        // statsmodels conf_int(alpha): coef ± Φ⁻¹(1 - alpha/2) se.
        let q = Distributions.normalQuantile(1 - (1 - confidenceLevel) / 2)
        self.classIndex = classIndex
        self.coefficients = coefficients
        self.standardErrors = standardErrors
        z = zip(coefficients, standardErrors).map { $0 / $1 }
        pValues = z.map(Distributions.normalTwoSidedP)
        lower = zip(coefficients, standardErrors).map { $0 - q * $1 }
        upper = zip(coefficients, standardErrors).map { $0 + q * $1 }
        oddsRatios = coefficients.map { exp($0) }
        oddsRatioLower = lower.map { exp($0) }
        oddsRatioUpper = upper.map { exp($0) }
    }
}

/// A likelihood-ratio test of a model against a nested reduced model.
public struct LikelihoodRatioTest: Codable, Sendable, Equatable {
    /// 2 (LL_full - LL_reduced).
    public let statistic: Double
    /// Difference in the number of parameters.
    public let degreesOfFreedom: Int
    /// Upper chi-square tail of `statistic`.
    public let pValue: Double
}
