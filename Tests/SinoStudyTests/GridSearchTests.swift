import Foundation
import SinoClassifiers
import SinoData
import SinoStats
import Testing

@testable import SinoStudy

/// The (candidate, fold) fits of a grid search run side by side; the scores, the chosen
/// candidate and the error a failing fit raises must not depend on how many threads ran them.
@Suite("Grid search")
struct GridSearchTests {
    static func data() -> (x: [[Double]], y: [Int]) {
        let y = (0..<90).map { $0 % 3 }
        let x = y.enumerated().map { i, c -> [Double] in
            let t = Double(i)
            let first = Double(c) + 0.9 * sin(t * 1.7)
            let second = 0.5 * Double(c) + cos(t * 0.3)
            return [first, second, sin(t * t * 0.01)]
        }
        return (x, y)
    }

    @Test("scores and choice are the same on 1 and 3 threads, and differ between candidates")
    func threadIndependence() throws {
        let (x, y) = Self.data()
        let folds = try StratifiedSplit.folds(labels: y, classCount: 3, k: 5, seed: 7)
        let candidates = [0.01, 1.0, 100.0]
        func run(_ threads: Int) throws -> (best: Int, results: [GridCandidate<Double>]) {
            try GridSearch.run(
                candidates: candidates, x: x, y: y, classCount: 3, folds: folds, threads: threads,
                make: { SupportVectorClassifier(c: $0, probability: true, randomState: 3) },
                score: { labels, p in (try? MulticlassAUC.compute(labels: labels, scores: p, classCount: 3))?.macro })
        }
        let one = try run(1), three = try run(3)
        #expect(one.best == three.best)
        #expect(one.results == three.results)
        #expect(one.results.allSatisfy { $0.foldScores.count == 5 && $0.mean != nil })
        #expect(Set(one.results.map(\.mean)).count > 1, "the candidates should score differently")
    }

    @Test("a failing fit raises the error of the first failing (candidate, fold), whatever the threads")
    func firstError() throws {
        let (x, y) = Self.data()
        let folds = try StratifiedSplit.folds(labels: y, classCount: 3, k: 3, seed: 1)
        var messages: [String] = []
        for threads in [1, 4] {
            do {
                _ = try GridSearch.run(
                    candidates: [1.0, -1.0, -2.0], x: x, y: y, classCount: 3, folds: folds, threads: threads,
                    make: { SupportVectorClassifier(c: $0, probability: true) }, score: { _, _ in 0 })
            } catch {
                messages.append("\(error)")
            }
        }
        #expect(messages.count == 2 && messages[0] == messages[1] && messages[0].contains("-1"), "\(messages)")
    }
}
