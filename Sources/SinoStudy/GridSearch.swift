import Foundation
import SinoData
import SinoForest

/// One hyper-parameter setting and its cross-validated scores.
public struct GridCandidate<Parameters: Codable & Sendable & Equatable>: Codable, Sendable, Equatable {
    public var parameters: Parameters
    /// The score on each held-out fold (nil where the score is undefined, e.g. a class absent).
    public var foldScores: [Double?]
    public var mean: Double?
    public var sd: Double?
}

/// Model selection by stratified k-fold cross-validation on the training cohort: every
/// candidate is trained on k-1 folds and scored on the held-out fold; the best mean score wins,
/// ties going to the earlier candidate (grids list simpler models first).
public enum GridSearch {
    public static func run<Parameters: Codable & Sendable & Equatable>(
        candidates: [Parameters], x: [[Double]], y: [Int], classCount: Int, folds: [Int], threads: Int = 1,
        make: (Parameters) -> any Classifier, score: ([Int], [[Double]]) -> Double?
    ) throws -> (best: Int, results: [GridCandidate<Parameters>]) {
        let k = (folds.max() ?? 0) + 1
        // Every (candidate, fold) fit is independent: they share `threads` threads, each
        // score landing in its own slot, so the result does not depend on the thread count.
        let scores = try ParallelLoop.map(count: candidates.count * k, threads: threads) { task -> Double? in
            let parameters = candidates[task / k], fold = task % k
            let train = folds.indices.filter { folds[$0] != fold }, held = folds.indices.filter { folds[$0] == fold }
            var model = make(parameters)
            try model.fit(x: train.map { x[$0] }, y: train.map { y[$0] }, classCount: classCount)
            let probabilities = try model.predictProbabilities(x: held.map { x[$0] })
            return score(held.map { y[$0] }, probabilities)
        }
        var results: [GridCandidate<Parameters>] = []
        for (c, parameters) in candidates.enumerated() {
            let scores = Array(scores[(c * k)..<((c + 1) * k)])
            let defined = scores.compactMap { $0 }
            let mean = defined.isEmpty ? nil : defined.reduce(0, +) / Double(defined.count)
            let sd = defined.count < 2 ? nil : (defined.map { ($0 - mean!) * ($0 - mean!) }.reduce(0, +) / Double(defined.count - 1)).squareRoot()
            results.append(GridCandidate(parameters: parameters, foldScores: scores, mean: mean, sd: sd))
        }
        var best = 0
        for (i, r) in results.enumerated() where (r.mean ?? -.infinity) > (results[best].mean ?? -.infinity) { best = i }
        return (best, results)
    }
}
