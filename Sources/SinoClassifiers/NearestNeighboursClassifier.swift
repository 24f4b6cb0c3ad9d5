import SinoData

/// k-nearest neighbours as scikit-learn's `KNeighborsClassifier` (weights "uniform", Euclidean
/// distance): a row's class probabilities are the class shares among its k nearest training
/// rows. Equal distances are taken in training-row order (scikit-learn leaves that order to
/// its partition algorithm).
public struct NearestNeighboursClassifier: Classifier {
    /// scikit-learn's n_neighbors (default 5).
    public var neighbours: Int
    private var training: [[Double]] = []
    private var labels: [Int] = []
    private var classCount = 0

    public init(neighbours: Int = 5) { self.neighbours = neighbours }

    public mutating func fit(x: [[Double]], y: [Int], classCount: Int) throws {
        guard neighbours >= 1 else {
            throw ClassifierError.invalidHyperParameter(name: "n_neighbors", value: "\(neighbours)", expected: "at least 1")
        }
        _ = try TrainingInput.validate(x: x, y: y, classCount: classCount, allowMissing: false)
        guard x.count >= neighbours else {
            throw ClassifierError.invalidHyperParameter(
                name: "n_neighbors", value: "\(neighbours)", expected: "at most the \(x.count) training rows")
        }
        training = x
        labels = y
        self.classCount = classCount
    }

    public func predictProbabilities(x: [[Double]]) throws -> [[Double]] {
        guard !training.isEmpty else { throw ClassifierError.notFitted("k-nearest neighbours") }
        try TrainingInput.validatePrediction(x: x, featureCount: training[0].count, allowMissing: false)
        return x.map { row in
            let distances = training.map { t in zip(t, row).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } }
            let nearest = distances.indices.sorted { distances[$0] != distances[$1] ? distances[$0] < distances[$1] : $0 < $1 }.prefix(neighbours)
            // Votes counted, then divided by k (as scikit-learn: 5 / 5 is exactly 1).
            var votes = [Int](repeating: 0, count: classCount)
            for i in nearest { votes[labels[i]] += 1 }
            return votes.map { Double($0) / Double(neighbours) }
        }
    }
}
