/// Decision curve analysis (Vickers & Elkin 2006) for one outcome, as dcurves 1.1 `dca` for a
/// binary outcome: a patient is treated when the model's risk >= the threshold pt, and
/// net benefit = TP/n - FP/n * pt / (1 - pt). Treat-all is every patient treated
/// (prevalence - (1 - prevalence) * pt / (1 - pt)); treat-none is 0.
///
/// ```swift
/// let curves = try DecisionCurve.oneVsRest(labels: y, probabilities: p)   // one per class
/// curves[0].points.first { $0.threshold == 0.2 }?.netBenefit
/// ```
public struct DecisionCurve: Codable, Sendable, Equatable {
    /// The class taken as the outcome (one vs rest), or nil for a binary outcome.
    public let classIndex: Int?
    public let patients: Int
    public let events: Int
    public let points: [NetBenefitPoint]

    /// dcurves' default grid without 0: 0.01, 0.02, ..., 0.99 (i / 100).
    public static let defaultThresholds: [Double] = (1...99).map { Double($0) / 100 }

    /// - Parameters:
    ///   - outcomes: true when the patient has the outcome.
    ///   - risks: the model's predicted probability of the outcome, in [0, 1].
    ///   - thresholds: threshold probabilities, each in (0, 1).
    ///   - classIndex: the class this curve is for, when it is one of a one-vs-rest set.
    /// - Throws: `StatsError.invalidInput` for empty or mismatched lists, a risk outside
    ///   [0, 1], or a threshold outside (0, 1).
    public init(
        outcomes: [Bool], risks: [Double], thresholds: [Double] = defaultThresholds,
        classIndex: Int? = nil
    ) throws {
        try BrierScore.validate(outcomes: outcomes, probabilities: risks)
        guard thresholds.allSatisfy({ $0 > 0 && $0 < 1 }) else {
            throw StatsError.invalidInput("decision-curve thresholds must lie strictly between 0 and 1")
        }
        self.classIndex = classIndex
        patients = outcomes.count
        let events = outcomes.filter { $0 }.count
        self.events = events
        points = thresholds.map { Self.point(at: $0, outcomes: outcomes, risks: risks, events: events) }
    }

    /// One curve per class, class k against the rest, on column k of the probabilities.
    /// - Parameters:
    ///   - labels: true class of each patient, coded 0..<K.
    ///   - probabilities: one row per patient, K columns of class probabilities in [0, 1].
    ///   - thresholds: threshold probabilities, each in (0, 1).
    /// - Returns: K curves, class k's curve in position k.
    /// - Throws: `StatsError.invalidInput` for a ragged or empty matrix, a probability outside
    ///   [0, 1], a label outside 0..<K, or a threshold outside (0, 1).
    public static func oneVsRest(
        labels: [Int], probabilities: [[Double]],
        thresholds: [Double] = defaultThresholds
    ) throws -> [DecisionCurve] {
        let classCount = try ClassLabels.validateProbabilities(probabilities, patients: labels.count)
        try ClassLabels.validate(labels, classCount: classCount, what: "labels")
        return try (0..<classCount).map { k in
            try DecisionCurve(
                outcomes: labels.map { $0 == k }, risks: probabilities.map { $0[k] },
                thresholds: thresholds, classIndex: k)
        }
    }

    static func point(at threshold: Double, outcomes: [Bool], risks: [Double], events: Int) -> NetBenefitPoint {
        var truePositives = 0, falsePositives = 0
        for (outcome, risk) in zip(outcomes, risks) where risk >= threshold {
            if outcome { truePositives += 1 } else { falsePositives += 1 }
        }
        let n = Double(outcomes.count), odds = threshold / (1 - threshold)
        func netBenefit(_ tp: Int, _ fp: Int) -> Double { Double(tp) / n - Double(fp) / n * odds }
        return NetBenefitPoint(
            threshold: threshold, truePositives: truePositives, falsePositives: falsePositives,
            netBenefit: netBenefit(truePositives, falsePositives),
            treatAll: netBenefit(events, outcomes.count - events), treatNone: 0)
    }
}

/// Net benefit of the model and of the two default strategies at one threshold.
public struct NetBenefitPoint: Codable, Sendable, Equatable {
    public let threshold: Double
    /// Patients with risk >= threshold who have the outcome.
    public let truePositives: Int
    /// Patients with risk >= threshold who do not.
    public let falsePositives: Int
    public let netBenefit: Double
    /// Treat every patient.
    public let treatAll: Double
    /// Treat no one: always 0.
    public let treatNone: Double
}
