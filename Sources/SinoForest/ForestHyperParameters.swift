/// The split quality measure (sklearn's `criterion`).
public enum SplitCriterion: String, Sendable, Codable {
    /// Gini impurity 1 - sum p_k^2 (sklearn's default).
    case gini
    /// Shannon entropy -sum p_k log2 p_k (sklearn uses base 2).
    case entropy
}

/// How many features each split draws (sklearn's `max_features`).
public enum MaxFeatures: Sendable, Equatable, Codable {
    /// max(1, floor(sqrt(p))): sklearn's classifier default.
    case sqrt
    /// max(1, floor(log2(p))).
    case log2
    /// Exactly this many, 1...p.
    case count(Int)
    /// max(1, floor(fraction * p)), fraction in (0, 1].
    case fraction(Double)
    /// All p features (sklearn's None).
    case all

    /// The number of features drawn per split for `featureCount` features.
    func resolved(featureCount p: Int) throws -> Int {
        switch self {
        case .sqrt: return max(1, Int(Double(p).squareRoot()))
        case .log2: return max(1, Int(Foundation.log2(Double(p))))
        case .all: return p
        case .count(let k):
            guard k >= 1, k <= p else {
                throw ForestError.invalidHyperParameter(name: "maxFeatures", value: "count(\(k))", expected: "1...\(p) (the number of features)")
            }
            return k
        case .fraction(let f):
            guard f > 0, f <= 1 else {
                throw ForestError.invalidHyperParameter(name: "maxFeatures", value: "fraction(\(f))", expected: "a fraction in (0, 1]")
            }
            return max(1, Int(f * Double(p)))
        }
    }
}

/// Per-class weights (sklearn's `class_weight`).
public enum ClassWeight: String, Sendable, Codable {
    /// Every sample weighs 1.
    case none
    /// n / (K * n_k), K = the number of classes present in y (sklearn's
    /// compute_class_weight("balanced"), which only knows the classes it sees). With bootstrap
    /// the weights come from the full y and multiply the bootstrap counts, as in sklearn's
    /// forest `fit` (so "balanced_subsample" is not offered).
    case balanced

    /// The weight of each class given the labels.
    func weights(labels: [Int], classCount: Int) -> [Double] {
        guard self == .balanced else { return Array(repeating: 1, count: classCount) }
        var counts = Array(repeating: 0, count: classCount)
        for label in labels { counts[label] += 1 }
        let present = Double(counts.filter { $0 > 0 }.count)
        return counts.map { $0 == 0 ? 0 : Double(labels.count) / (present * Double($0)) }
    }
}

import Foundation
