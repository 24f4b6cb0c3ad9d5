/// Multiclass AUCs of one model's class scores, with the semantics of scikit-learn 1.9's
/// `roc_auc_score`: one-vs-rest per class (class k = case, every other class = control,
/// score = column k), its macro, prevalence-weighted and micro averages, and the one-vs-one
/// macro average of Hand & Till (2001) (`multi_class="ovo", average="macro"`).
///
///     let result = try MulticlassAUC.compute(labels: [0, 1, 2, 1], scores: probabilities, classCount: 3)
///     result.perClass[2].value   // AUC of class 2 vs the rest, or nil with a reason
///     result.macro               // mean over the defined classes
///
/// Undefined classes: a class with no patient (no cases), or held by every patient (no
/// controls), has an `.undefined` AUC and is left out of the macro and weighted averages,
/// which `averagedOverDefinedClassesOnly` then flags. scikit-learn instead raises
/// ("Number of classes in y_true not equal to the number of columns in 'y_score'") unless
/// `labels=` is given, and then returns NaN for that class and for the OvR averages; its OvO
/// average runs over the pairs of classes present, as here.
///
/// Scores need not sum to 1 per patient (scikit-learn requires it for multiclass AUCs).
public struct MulticlassAUC: Codable, Sendable, Equatable {
    /// One-vs-rest AUC of each class, in class order.
    public let perClass: [AUCOutcome<Double>]
    /// Number of patients of each class (the weights of `weighted`).
    public let prevalence: [Int]
    /// Unweighted mean of the defined per-class AUCs; nil when none is defined.
    public let macro: Double?
    /// Prevalence-weighted mean of the defined per-class AUCs; nil when none is defined.
    public let weighted: Double?
    /// One AUC over the flattened indicator matrix and the flattened score matrix.
    public let micro: AUCOutcome<Double>
    /// Hand & Till's M: mean over the pairs of present classes of (A(a|b) + A(b|a)) / 2.
    public let oneVsOne: AUCOutcome<Double>
    /// True when some class is undefined and the averages cover the other classes only.
    public let averagedOverDefinedClassesOnly: Bool

    /// One-vs-rest AUC per class, their macro (mean) and prevalence-weighted averages, the micro AUC
    /// and Hand & Till's one-vs-one AUC, as sklearn `roc_auc_score`.
    ///
    /// - Parameters:
    ///   - labels: true class of each patient, in 0..<classCount.
    ///   - scores: one row per patient, one score per class (column k scores class k).
    ///   - classCount: K, at least 2.
    /// - Returns: the AUCs; a class without patients (or with only patients) has an undefined AUC
    ///   with the reason, and the averages are over the defined classes.
    /// - Throws: `StatsError.invalidInput` for classCount < 2, no patient, labels and score rows of
    ///   different counts, a label outside 0..<classCount, or a score row of the wrong width or with
    ///   a non-finite value.
    public static func compute(labels: [Int], scores: [[Double]], classCount: Int) throws -> MulticlassAUC {
        try MulticlassInput.validate(labels: labels, scores: scores, classCount: classCount)
        let perClass = try (0..<classCount).map { k in
            try BinaryAUC.compute(scores: scores.map { $0[k] }, isCase: labels.map { $0 == k })
        }
        let prevalence = (0..<classCount).map { k in labels.lazy.filter { $0 == k }.count }
        return MulticlassAUC(
            perClass: perClass, prevalence: prevalence,
            macro: average(perClass, weights: nil), weighted: average(perClass, weights: prevalence),
            micro: try microAUC(labels: labels, scores: scores),
            oneVsOne: try handTill(labels: labels, scores: scores, classCount: classCount),
            averagedOverDefinedClassesOnly: perClass.contains { $0.value == nil })
    }

    /// Mean of the defined AUCs, weighted by `weights` (class prevalence) when given.
    static func average(_ aucs: [AUCOutcome<Double>], weights: [Int]?) -> Double? {
        var sum = 0.0, total = 0.0
        for (k, auc) in aucs.enumerated() {
            guard let value = auc.value else { continue }
            let weight = weights.map { Double($0[k]) } ?? 1
            sum += weight * value
            total += weight
        }
        return total > 0 ? sum / total : nil
    }

    /// sklearn's `average="micro"`: `label_binarize(y)` and the scores raveled, one binary AUC.
    static func microAUC(labels: [Int], scores: [[Double]]) throws -> AUCOutcome<Double> {
        let flatScores = Array(scores.joined())
        let flatIndicator = labels.flatMap { label in scores[0].indices.map { $0 == label } }
        return try BinaryAUC.compute(scores: flatScores, isCase: flatIndicator)
    }

    /// sklearn's `_average_multiclass_ovo_score` with `average="macro"`: for each pair (a, b)
    /// of classes present, the patients of a and b only, A(a|b) from column a and A(b|a) from
    /// column b.
    static func handTill(labels: [Int], scores: [[Double]], classCount: Int) throws -> AUCOutcome<Double> {
        let present = (0..<classCount).filter { labels.contains($0) }
        guard present.count >= 2 else {
            return .undefined(reason: "one-vs-one needs two classes present; got \(present.count)")
        }
        var sum = 0.0, pairs = 0
        for (i, a) in present.enumerated() {
            for b in present[(i + 1)...] {
                let pair = labels.indices.filter { labels[$0] == a || labels[$0] == b }
                let aVsB = try BinaryAUC.compute(scores: pair.map { scores[$0][a] }, isCase: pair.map { labels[$0] == a })
                let bVsA = try BinaryAUC.compute(scores: pair.map { scores[$0][b] }, isCase: pair.map { labels[$0] == b })
                // Both classes are present, so each side has cases and controls: defined.
                sum += (aVsB.value! + bVsA.value!) / 2
                pairs += 1
            }
        }
        return .defined(sum / Double(pairs))
    }
}

// MARK: - JSON

/// Plain JSON for R and pandas: each AUC is a number, or null with a sibling reason
/// (`perClassUndefinedReasons[k]`, `microUndefinedReason`, `oneVsOneUndefinedReason`);
/// `macro` and `weighted` are null when no class is defined.
extension MulticlassAUC {
    enum CodingKeys: String, CodingKey {
        case perClass, perClassUndefinedReasons, prevalence, macro, weighted, micro, microUndefinedReason
        case oneVsOne, oneVsOneUndefinedReason, averagedOverDefinedClassesOnly
    }

    /// Writes each AUC as a number, or null with its reason beside it (`perClassUndefinedReasons`,
    /// `microUndefinedReason`, ...), never Swift's synthesized enum coding.
    ///
    /// - Parameter encoder: the encoder to write to.
    /// - Throws: the encoder's error.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(perClass.map(\.value), forKey: .perClass)
        try c.encode(perClass.map(\.undefinedReason), forKey: .perClassUndefinedReasons)
        try c.encode(prevalence, forKey: .prevalence)
        try c.encode(macro, forKey: .macro)
        try c.encode(weighted, forKey: .weighted)
        try c.encode(micro.value, forKey: .micro)
        try c.encodeIfPresent(micro.undefinedReason, forKey: .microUndefinedReason)
        try c.encode(oneVsOne.value, forKey: .oneVsOne)
        try c.encodeIfPresent(oneVsOne.undefinedReason, forKey: .oneVsOneUndefinedReason)
        try c.encode(averagedOverDefinedClassesOnly, forKey: .averagedOverDefinedClassesOnly)
    }

    /// Reads what `encode(to:)` writes.
    ///
    /// - Parameter decoder: the decoder to read from.
    /// - Throws: `DecodingError` when a null AUC has no reason or the reasons do not match the
    ///   per-class AUCs one to one.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func outcome(_ value: Double?, _ reason: String?, _ key: CodingKeys) throws -> AUCOutcome<Double> {
            if let value { return .defined(value) }
            guard let reason else {
                throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "a null AUC needs its undefined reason")
            }
            return .undefined(reason: reason)
        }
        let values = try c.decode([Double?].self, forKey: .perClass)
        let reasons = try c.decode([String?].self, forKey: .perClassUndefinedReasons)
        guard values.count == reasons.count else {
            throw DecodingError.dataCorruptedError(
                forKey: .perClassUndefinedReasons, in: c,
                debugDescription: "one reason (or null) per class AUC")
        }
        perClass = try zip(values, reasons).map { try outcome($0, $1, .perClass) }
        prevalence = try c.decode([Int].self, forKey: .prevalence)
        macro = try c.decodeIfPresent(Double.self, forKey: .macro)
        weighted = try c.decodeIfPresent(Double.self, forKey: .weighted)
        micro = try outcome(
            c.decodeIfPresent(Double.self, forKey: .micro),
            c.decodeIfPresent(String.self, forKey: .microUndefinedReason), .micro)
        oneVsOne = try outcome(
            c.decodeIfPresent(Double.self, forKey: .oneVsOne),
            c.decodeIfPresent(String.self, forKey: .oneVsOneUndefinedReason), .oneVsOne)
        averagedOverDefinedClassesOnly = try c.decode(Bool.self, forKey: .averagedOverDefinedClassesOnly)
    }
}

/// Validation of a multiclass label vector and score matrix (one row per patient).
enum MulticlassInput {
    static func validate(labels: [Int], scores: [[Double]], classCount: Int) throws {
        guard classCount >= 2 else {
            throw StatsError.invalidInput("classCount must be at least 2, got \(classCount)")
        }
        guard labels.count == scores.count, !labels.isEmpty else {
            throw StatsError.invalidInput(
                "expected one score row per label; got \(labels.count) labels and \(scores.count) rows")
        }
        if let bad = labels.first(where: { !(0..<classCount).contains($0) }) {
            throw StatsError.invalidInput("label \(bad) is outside 0..<\(classCount)")
        }
        if let row = scores.firstIndex(where: { $0.count != classCount }) {
            throw StatsError.invalidInput(
                "score row \(row) has \(scores[row].count) values; expected \(classCount) (one per class)")
        }
        try GroupInput.requireFinite(Array(scores.joined()), "the score matrix")
    }
}
