import SinoData

/// L2-penalised (ridge) logistic regression with scikit-learn's parametrisation:
/// `LogisticRegression(C=c)` minimises 1/2 ||w||^2 + C sum_i loss_i over one coefficient vector
/// (two classes) or one per class (multinomial, symmetric softmax), the intercept unpenalised.
/// Dividing by C n gives glmnet's objective with alpha 0 and lambda = 1 / (C n) on the
/// unstandardised features, so the fit is glmnet's ridge at that single lambda, solved to a
/// tight threshold (1e-12).
public struct L2LogisticClassifier: Classifier {
    /// scikit-learn's C: the inverse penalty strength.
    public var c: Double
    public private(set) var fit: GLMNetFit?

    public init(c: Double = 1) { self.c = c }

    public mutating func fit(x: [[Double]], y: [Int], classCount: Int) throws {
        guard c > 0 && c.isFinite else { throw SelectionError.invalidInput("L2 logistic regression: C must be positive, not \(c)") }
        var settings = GLMNetSettings()
        settings.alpha = 0
        settings.lambda = [1 / (c * Double(x.count))]
        settings.standardize = false
        settings.threshold = 1e-14
        fit = try GLMNet.fit(x: x, y: y, classCount: classCount, family: classCount == 2 ? .binomial : .multinomial(grouped: false), settings: settings)
    }

    public func predictProbabilities(x: [[Double]]) throws -> [[Double]] {
        guard let fit else { throw SelectionError.invalidInput("L2 logistic regression: predict before fit") }
        return fit.probabilities(x: x, at: fit.lambda[0])
    }
}
