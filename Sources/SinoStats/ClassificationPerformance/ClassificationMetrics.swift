/// Accuracy, one-vs-rest precision (PPV), recall (sensitivity), specificity, NPV and F1 per
/// class, with macro and support-weighted averages, following scikit-learn 1.9
/// `precision_recall_fscore_support`.
///
/// ```swift
/// let metrics = ClassificationMetrics(try ConfusionMatrix(labels: y, predicted: calls, classCount: 3))
/// metrics.perClass[0].recall.value      // sensitivity for class 0
/// metrics.perClass[0].recall.interval   // its 95% Wilson interval
/// metrics.macro.f1                      // sklearn average="macro"
/// ```
///
/// A proportion with a zero denominator (a class never predicted has no PPV) is undefined:
/// nil with a reason. The averages follow sklearn's default `zero_division="warn"`: the
/// undefined value counts as 0.0, and `zeroDivisions` lists each such substitution.
public struct ClassificationMetrics: Codable, Sendable, Equatable {
    public let confusion: ConfusionMatrix
    /// Correct / all patients.
    public let accuracy: ProportionEstimate
    public let perClass: [ClassMetrics]
    /// Unweighted means over classes (sklearn `average="macro"`).
    public let macro: AveragedMetrics
    /// Means weighted by class support (sklearn `average="weighted"`); sklearn defines no
    /// weighted specificity or NPV, so those are nil here.
    public let weighted: AveragedMetrics
    /// One line per undefined value that entered an average as 0.0 (sklearn's warning).
    public let zeroDivisions: [String]

    /// - Parameters:
    ///   - confusion: true classes (rows) against predicted classes (columns).
    ///   - level: confidence level of the Wilson intervals of accuracy and of each class's
    ///     proportions (default 0.95).
    public init(_ confusion: ConfusionMatrix, level: Double = 0.95) {
        self.confusion = confusion
        accuracy = ProportionEstimate(
            count: confusion.correct, total: confusion.total, level: level,
            whenEmpty: "there are no patients")
        let perClass = (0..<confusion.classCount).map {
            ClassMetrics(classIndex: $0, counts: confusion.oneVsRest($0), level: level)
        }
        self.perClass = perClass
        macro = Self.average(perClass, weights: nil)
        weighted = Self.average(perClass, weights: confusion.rowTotals)
        zeroDivisions = perClass.flatMap(\.undefinedReasons)
    }

    /// sklearn `_nanaverage` / `np.average` over classes, undefined values as 0.0.
    static func average(_ classes: [ClassMetrics], weights: [Int]?) -> AveragedMetrics {
        func mean(_ value: (ClassMetrics) -> Double?) -> Double {
            let values = classes.map { value($0) ?? 0 }
            guard let weights else { return values.reduce(0, +) / Double(values.count) }
            let total = Double(weights.reduce(0, +))
            return zip(values, weights).reduce(0) { $0 + $1.0 * Double($1.1) } / total
        }
        return AveragedMetrics(
            precision: mean(\.precision.value), recall: mean(\.recall.value), f1: mean(\.f1),
            specificity: weights == nil ? mean(\.specificity.value) : nil,
            npv: weights == nil ? mean(\.npv.value) : nil)
    }
}

/// One class against the rest.
public struct ClassMetrics: Codable, Sendable, Equatable {
    public let classIndex: Int
    public let counts: OneVsRestCounts
    /// Patients of this class (sklearn's `support`).
    public let support: Int
    /// PPV, TP / (TP + FP).
    public let precision: ProportionEstimate
    /// Sensitivity, TP / (TP + FN).
    public let recall: ProportionEstimate
    /// TN / (TN + FP).
    public let specificity: ProportionEstimate
    /// TN / (TN + FN).
    public let npv: ProportionEstimate
    /// 2 TP / (2 TP + FP + FN), sklearn 1.9's form (defined even when precision is not).
    public let f1: Double?
    public let f1UndefinedReason: String?

    init(classIndex k: Int, counts c: OneVsRestCounts, level: Double) {
        classIndex = k
        self.counts = c
        support = c.truePositives + c.falseNegatives
        precision = ProportionEstimate(
            count: c.truePositives, total: c.truePositives + c.falsePositives, level: level,
            whenEmpty: "precision (PPV) of class \(k): no patient was predicted as class \(k)")
        recall = ProportionEstimate(
            count: c.truePositives, total: support, level: level,
            whenEmpty: "recall (sensitivity) of class \(k): no patient has class \(k)")
        specificity = ProportionEstimate(
            count: c.trueNegatives, total: c.trueNegatives + c.falsePositives, level: level,
            whenEmpty: "specificity of class \(k): every patient has class \(k)")
        npv = ProportionEstimate(
            count: c.trueNegatives, total: c.trueNegatives + c.falseNegatives, level: level,
            whenEmpty: "NPV of class \(k): every patient was predicted as class \(k)")
        let f1Denominator = 2 * c.truePositives + c.falsePositives + c.falseNegatives
        f1 = f1Denominator == 0 ? nil : Double(2 * c.truePositives) / Double(f1Denominator)
        f1UndefinedReason =
            f1Denominator == 0
            ? "F1 of class \(k): no patient has or was predicted as class \(k)" : nil
    }

    /// The reasons of every undefined value, each noting it was averaged as 0.0.
    var undefinedReasons: [String] {
        [
            precision.undefinedReason, recall.undefinedReason, specificity.undefinedReason,
            npv.undefinedReason, f1UndefinedReason
        ]
        .compactMap { $0.map { "\($0); counted as 0.0 in the averages (sklearn zero_division=\"warn\")" } }
    }
}

/// Averages over classes.
public struct AveragedMetrics: Codable, Sendable, Equatable {
    public let precision: Double
    public let recall: Double
    public let f1: Double
    public let specificity: Double?
    public let npv: Double?
}
