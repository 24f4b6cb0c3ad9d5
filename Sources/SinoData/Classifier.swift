/// The estimator contract every SinoRad classifier follows (scikit-learn's verbs).
///
/// Rows are samples, columns features; labels are class indices 0..<classCount. Probabilities
/// come back with one column per class, in class-index order, each row summing to 1.
public protocol Classifier: Sendable {
    /// Trains on `x` (n x p) and `y` (n labels in 0..<classCount).
    mutating func fit(x: [[Double]], y: [Int], classCount: Int) throws
    /// Class probabilities, n x classCount.
    func predictProbabilities(x: [[Double]]) throws -> [[Double]]
}

extension Classifier {
    /// The most probable class of each row; ties go to the lowest class index (as sklearn's argmax).
    public func predict(x: [[Double]]) throws -> [Int] {
        try predictProbabilities(x: x).map { argmax($0) }
    }
}
