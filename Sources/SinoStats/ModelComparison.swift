import SinoData

/// Two models compared on the same patients.
public struct PairedComparison: Codable, Sendable {
    public struct ClassTest: Codable, Sendable {
        public var className: String
        /// pROC roc.test(method = "delong", paired = TRUE), or why it is undefined.
        public var delong: DeLongPairedTest?
        public var undefinedReason: String?
        /// Holm-adjusted p across every per-class DeLong test of the comparison set.
        public var adjustedPValue: Double?
    }

    public var modelA: String
    public var modelB: String
    public var perClass: [ClassTest]
    /// Paired stratified bootstrap test of macro-AUC(A) - macro-AUC(B).
    public var macroAUC: BootstrapPairedTest?
    public var macroAUCUndefinedReason: String?
    public var macroAdjustedPValue: Double?
    /// McNemar on correctness (A right and B wrong vs A wrong and B right), both methods named.
    public var mcnemarExact: McNemarResult?
    public var mcnemarCorrected: McNemarResult?
    public var mcnemarUndefinedReason: String?
    public var mcnemarAdjustedPValue: Double?
}

/// Models side by side on one cohort: each model's performance and the paired comparisons.
public struct ModelComparison: Codable, Sendable {
    public var cohort: String
    public var patients: Int
    public var classes: [String]
    public var models: [ModelPerformance]
    public var comparisons: [PairedComparison]
    /// How p-values were adjusted, in words (for the table footnote and the methods text).
    public var adjustment: String

    /// Evaluates every model and compares pairs: each model against `reference` when given,
    /// otherwise every pair. Holm's adjustment is applied within each family of tests
    /// (per-class DeLong, macro-AUC bootstrap, exact McNemar) across all comparisons.
    /// - Parameters:
    ///   - aligned: the models' predictions on the same patients (`ModelEvaluation.align`).
    ///   - reference: name of the model every other is compared with; nil compares every pair.
    ///   - options: bootstrap and calibration settings of each evaluation.
    /// - Returns: each model's performance and the paired comparisons with Holm-adjusted p-values.
    /// - Throws: `ValidationError` when `reference` names no model; `StatsError` from an
    ///   evaluation (invalid probabilities, a bootstrap setting out of range).
    public static func run(
        _ aligned: AlignedPredictions, reference: String? = nil,
        options: EvaluationOptions = EvaluationOptions()
    ) throws -> ModelComparison {
        let performances = try aligned.models.map {
            try ModelEvaluation.evaluate($0, labels: aligned.labels, cohort: aligned.cohort, options: options)
        }
        let names = aligned.models.map(\.model)
        var pairs: [(Int, Int)] = []
        if let reference {
            guard let r = names.firstIndex(of: reference) else {
                throw ValidationError(Problem(message: "--reference \(reference): no such model", expected: "one of \(names.joined(separator: ", "))"))
            }
            pairs = names.indices.filter { $0 != r }.map { ($0, r) }
        } else {
            pairs = names.indices.flatMap { a in (a + 1..<names.count).map { (a, $0) } }
        }
        var comparisons = try pairs.map { try compare(aligned, $0.0, $0.1, options) }
        try adjust(&comparisons)
        return ModelComparison(
            cohort: aligned.cohort, patients: aligned.labels.count, classes: aligned.classes.names,
            models: performances, comparisons: comparisons,
            adjustment: "Holm within each family (per-class DeLong, macro-AUC bootstrap, exact McNemar) across \(comparisons.count) comparison(s)")
    }

    static func compare(_ aligned: AlignedPredictions, _ a: Int, _ b: Int, _ options: EvaluationOptions) throws -> PairedComparison {
        let labels = aligned.labels, k = aligned.classes.count
        let scoresA = aligned.models[a].probabilities, scoresB = aligned.models[b].probabilities
        var result = PairedComparison(modelA: aligned.models[a].model, modelB: aligned.models[b].model, perClass: [])
        for c in 0..<k {
            var test = PairedComparison.ClassTest(className: aligned.classes.names[c])
            switch try DeLong.pairedTest(scores1: scoresA.map { $0[c] }, scores2: scoresB.map { $0[c] }, isCase: labels.map { $0 == c }) {
            case .defined(let t): test.delong = t
            case .undefined(let reason): test.undefinedReason = reason
            }
            result.perClass.append(test)
        }
        switch try BootstrapAUC.pairedMacroTest(labels: labels, scores1: scoresA, scores2: scoresB, classCount: k, options: options.bootstrap) {
        case .defined(let t): result.macroAUC = t
        case .undefined(let reason): result.macroAUCUndefinedReason = reason
        }
        let predictedA = scoresA.map { argmax($0) }, predictedB = scoresB.map { argmax($0) }
        result.mcnemarExact = try McNemarTest.test(labels: labels, predictedA: predictedA, predictedB: predictedB, method: .exactBinomial)
        do {
            result.mcnemarCorrected = try McNemarTest.test(labels: labels, predictedA: predictedA, predictedB: predictedB, method: .chiSquareCorrected)
        } catch let error as StatsError {
            result.mcnemarUndefinedReason = error.description
        }
        return result
    }

    /// Holm within each family of p-values, written back into the comparisons.
    static func adjust(_ comparisons: inout [PairedComparison]) throws {
        var delong: [(Int, Int, Double)] = []
        for (i, c) in comparisons.enumerated() {
            for (j, t) in c.perClass.enumerated() { if let p = t.delong?.pValue { delong.append((i, j, p)) } }
        }
        let delongAdjusted = try delong.isEmpty ? [] : PValueAdjustment.adjust(delong.map(\.2), method: .holm)
        for (entry, p) in zip(delong, delongAdjusted) { comparisons[entry.0].perClass[entry.1].adjustedPValue = p }

        let macro = comparisons.indices.compactMap { i in comparisons[i].macroAUC.map { (i, $0.pValue) } }
        for (entry, p) in zip(macro, try macro.isEmpty ? [] : PValueAdjustment.adjust(macro.map(\.1), method: .holm)) {
            comparisons[entry.0].macroAdjustedPValue = p
        }
        let mcnemar = comparisons.indices.compactMap { i in comparisons[i].mcnemarExact.map { (i, $0.pValue) } }
        for (entry, p) in zip(mcnemar, try mcnemar.isEmpty ? [] : PValueAdjustment.adjust(mcnemar.map(\.1), method: .holm)) {
            comparisons[entry.0].mcnemarAdjustedPValue = p
        }
    }
}
