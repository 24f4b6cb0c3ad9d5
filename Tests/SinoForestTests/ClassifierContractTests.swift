import SinoData
import Testing

@testable import SinoForest

/// A classifier that returns fixed probabilities, to test the shared `predict`.
private struct FixedClassifier: Classifier {
    var rows: [[Double]]
    mutating func fit(x: [[Double]], y: [Int], classCount: Int) throws {}
    func predictProbabilities(x: [[Double]]) throws -> [[Double]] { rows }
}

@Suite("Classifier contract")
struct ClassifierContractTests {
    @Test("predict is the argmax of the probabilities, ties to the lowest class (as numpy argmax in sklearn)")
    func argmaxTies() throws {
        let model = FixedClassifier(rows: [[0.2, 0.5, 0.3], [0.4, 0.4, 0.2], [0.1, 0.45, 0.45], [0, 0, 1]])
        #expect(try model.predict(x: [[], [], [], []]) == [1, 0, 1, 2])
    }
}
