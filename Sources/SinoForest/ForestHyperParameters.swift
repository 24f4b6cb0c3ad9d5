import Foundation

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

/// Plain JSON as sklearn spells `max_features`: "sqrt", "log2", "all" (sklearn's None), an
/// integer count, or a fraction in (0, 1) (a fraction of 1 is written "all", which draws the
/// same features). Model files written before this encoding (Swift's synthesized
/// `{"count": {"_0": 3}}`) are still read.
extension MaxFeatures {
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .sqrt: try c.encode("sqrt")
        case .log2: try c.encode("log2")
        case .all: try c.encode("all")
        case .count(let k): try c.encode(k)
        case .fraction(let f): f == 1 ? try c.encode("all") : try c.encode(f)
        }
    }

    public init(from decoder: any Decoder) throws {
        if let c = try? decoder.singleValueContainer() {
            if let name = try? c.decode(String.self) {
                switch name {
                case "sqrt": self = .sqrt; return
                case "log2": self = .log2; return
                case "all": self = .all; return
                default: throw DecodingError.dataCorruptedError(in: c, debugDescription: "max_features '\(name)': expected sqrt, log2, all, a count or a fraction")
                }
            }
            if let k = try? c.decode(Int.self) { self = .count(k); return }
            if let f = try? c.decode(Double.self) { self = .fraction(f); return }
        }
        self = try LegacyMaxFeatures(from: decoder).value
    }
}

/// The synthesized coding of `MaxFeatures` used by model files written before plain JSON.
private enum LegacyMaxFeatures: Decodable {
    case sqrt, log2, count(Int), fraction(Double), all

    var value: MaxFeatures {
        switch self {
        case .sqrt: .sqrt
        case .log2: .log2
        case .count(let k): .count(k)
        case .fraction(let f): .fraction(f)
        case .all: .all
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
