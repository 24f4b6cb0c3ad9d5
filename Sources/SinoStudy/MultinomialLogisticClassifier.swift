import SinoData
import SinoForest
import SinoStats

/// The multinomial logistic regression of SinoStats under the shared `Classifier` contract,
/// so it can be cross-validated and compared like the forests.
public struct MultinomialLogisticClassifier: Classifier {
    public var reference: Int
    /// Maximum likelihood, or bias-reduced (Firth) fits, which exist under separation.
    public var method: LogitMethod
    public private(set) var fit: MultinomialLogitFit?

    public init(reference: Int = 0, method: LogitMethod = .ml) {
        self.reference = reference
        self.method = method
    }

    /// A classifier around an existing fit (e.g. read back from a model file).
    public init(fit: MultinomialLogitFit) {
        self.reference = fit.reference
        self.method = fit.method
        self.fit = fit
    }

    public mutating func fit(x: [[Double]], y: [Int], classCount: Int) throws {
        let names = (0..<(x.first?.count ?? 0)).map { "x\($0)" }
        fit = try MultinomialLogit.fit(x: x, y: y, classCount: classCount, reference: reference, featureNames: names, method: method)
    }

    public func predictProbabilities(x: [[Double]]) throws -> [[Double]] {
        guard let fit else { throw StatsError.invalidInput("the logistic model is not fitted") }
        return try fit.predictProbabilities(x: x)
    }
}
