/// How reliability bins are drawn (sklearn.calibration.calibration_curve `strategy`).
public enum CalibrationStrategy: String, Codable, Sendable {
    /// Equal-width bins on [0, 1].
    case uniform
    /// Edges at the predicted probabilities' quantiles (numpy `percentile`, linear method).
    case quantile
}

/// One non-empty reliability bin (lower, upper]; the first bin also holds its lower edge.
public struct ReliabilityBin: Codable, Sendable, Equatable {
    /// Position among all bins, empty ones included (0..<binCount).
    public let index: Int
    public let lower: Double
    public let upper: Double
    public let count: Int
    public let positives: Int
    /// Mean predicted probability in the bin (sklearn's `prob_pred`).
    public let meanPredicted: Double
    /// Fraction of positives in the bin (sklearn's `prob_true`).
    public let observedFraction: Double
}

/// A binary reliability diagram with the semantics of scikit-learn 1.9
/// `calibration_curve(y_true, y_prob, n_bins, strategy)`: a probability p goes to the bin whose
/// index counts the inner edges strictly below p (`np.searchsorted(bins[1:-1], p)`), so a p on
/// an edge falls in the lower bin, 0 in the first and 1.0 in the last; empty bins are dropped.
///
/// ```swift
/// let curve = try CalibrationCurve(outcomes: isSCC, probabilities: pSCC)
/// curve.bins.map(\.observedFraction)   // against curve.bins.map(\.meanPredicted)
/// curve.brierScore
/// ```
public struct CalibrationCurve: Codable, Sendable, Equatable {
    public let strategy: CalibrationStrategy
    /// All binCount + 1 edges, 0 and 1 included for `uniform`.
    public let edges: [Double]
    /// The non-empty bins, in order.
    public let bins: [ReliabilityBin]
    /// sklearn `brier_score_loss(y_true, y_prob)`: mean (p - y)^2.
    public let brierScore: Double

    /// Bins the predicted probabilities and compares each bin's mean prediction with its observed
    /// event rate, as sklearn `calibration_curve`.
    ///
    /// - Parameters:
    ///   - outcomes: true when the patient has the outcome.
    ///   - probabilities: the predicted probability of the outcome, in [0, 1], one per outcome.
    ///   - binCount: number of bins, at least 1 (sklearn `n_bins`, default 10).
    ///   - strategy: `.uniform` (equal-width bins on [0, 1]) or quantile bins.
    /// - Throws: `StatsError.invalidInput` for empty or mismatched lists, a probability outside
    ///   [0, 1], or `binCount` < 1.
    public init(
        outcomes: [Bool], probabilities: [Double], binCount: Int = 10,
        strategy: CalibrationStrategy = .uniform
    ) throws {
        try BrierScore.validate(outcomes: outcomes, probabilities: probabilities)
        guard binCount >= 1 else { throw StatsError.invalidInput("need at least one bin; got \(binCount)") }
        self.strategy = strategy
        edges =
            strategy == .uniform
            ? Self.uniformEdges(binCount) : Self.quantileEdges(probabilities, binCount: binCount)
        bins = Self.fill(edges: edges, outcomes: outcomes, probabilities: probabilities)
        brierScore = try BrierScore.binary(outcomes: outcomes, probabilities: probabilities)
    }

    /// `np.linspace(0, 1, n + 1)`: i * (1 / n), the last edge exactly 1.
    static func uniformEdges(_ n: Int) -> [Double] {
        let step = 1.0 / Double(n)
        return (0...n).map { $0 == n ? 1.0 : Double($0) * step }
    }

    /// `np.percentile(p, np.linspace(0, 1, n + 1) * 100)`: numpy divides the percentages back
    /// by 100 and interpolates linearly (Hyndman & Fan type 7) with numpy's `_lerp`.
    static func quantileEdges(_ probabilities: [Double], binCount n: Int) -> [Double] {
        let sorted = probabilities.sorted()
        return uniformEdges(n).map { Self.numpyQuantile(sorted, ($0 * 100) / 100) }
    }

    /// numpy 2.x `_quantile(method="linear")` on sorted values.
    static func numpyQuantile(_ sorted: [Double], _ q: Double) -> Double {
        let last = sorted.count - 1
        let virtualIndex = Double(last) * q
        if virtualIndex >= Double(last) { return sorted[last] }
        let below = Int(virtualIndex.rounded(.down))
        let (a, b) = (sorted[below], sorted[below + 1])
        let t = virtualIndex - Double(below)
        let difference = b - a
        // numpy _lerp: from the nearer end, so t = 1 gives b exactly.
        return t >= 0.5 ? b - difference * (1 - t) : a + difference * t
    }

    /// Bins each probability, summing in patient order as `np.bincount(weights=)` does.
    static func fill(edges: [Double], outcomes: [Bool], probabilities: [Double]) -> [ReliabilityBin] {
        let inner = edges.dropFirst().dropLast()
        let binCount = edges.count - 1
        var counts = Array(repeating: 0, count: binCount), positives = counts
        var sums = Array(repeating: 0.0, count: binCount)
        for (outcome, p) in zip(outcomes, probabilities) {
            let bin = inner.reduce(0) { $1 < p ? $0 + 1 : $0 }
            counts[bin] += 1
            positives[bin] += outcome ? 1 : 0
            sums[bin] += p
        }
        return (0..<binCount).filter { counts[$0] > 0 }.map { i in
            ReliabilityBin(
                index: i, lower: edges[i], upper: edges[i + 1], count: counts[i],
                positives: positives[i], meanPredicted: sums[i] / Double(counts[i]),
                observedFraction: Double(positives[i]) / Double(counts[i]))
        }
    }
}

/// One-vs-rest calibration of a K-class model: a reliability curve and Brier score per class,
/// and the multiclass Brier score.
public struct MulticlassCalibration: Codable, Sendable, Equatable {
    /// Class k (positive) against the rest, on column k of the probabilities.
    public let classes: [CalibrationCurve]
    /// `BrierScore.multiclass`: mean over patients of sum over classes of (p_k - y_k)^2.
    public let multiclassBrierScore: Double

    /// - Parameters:
    ///   - labels: true classes, coded 0..<K.
    ///   - probabilities: one row per patient, K columns.
    ///   - binCount: number of bins per class curve, at least 1.
    ///   - strategy: `.uniform` (equal-width bins) or quantile bins.
    /// - Throws: `StatsError.invalidInput` for a ragged or empty matrix, a probability outside
    ///   [0, 1], a label outside 0..<K, or `binCount` < 1.
    public init(
        labels: [Int], probabilities: [[Double]], binCount: Int = 10,
        strategy: CalibrationStrategy = .uniform
    ) throws {
        let classCount = try ClassLabels.validateProbabilities(probabilities, patients: labels.count)
        try ClassLabels.validate(labels, classCount: classCount, what: "labels")
        classes = try (0..<classCount).map { k in
            try CalibrationCurve(
                outcomes: labels.map { $0 == k }, probabilities: probabilities.map { $0[k] },
                binCount: binCount, strategy: strategy)
        }
        multiclassBrierScore = try BrierScore.multiclass(labels: labels, probabilities: probabilities)
    }
}
