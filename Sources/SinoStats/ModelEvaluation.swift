import SinoData

/// Settings of the evaluation of predictions against the truth.
public struct EvaluationOptions: Sendable {
    /// Bootstrap replicates and seed for the macro/micro AUC CIs and the paired macro test.
    public var bootstrap = BootstrapOptions(replicates: 2000, confidenceLevel: 0.95, seed: 1)
    public var calibrationBins = 10
    /// The defaults: 2000 bootstrap replicates at 95% with seed 1, and 10 calibration bins.
    public init() {}
}

/// One class's one-vs-rest AUC with its DeLong CI (pROC ci.auc), or why it is undefined.
public struct ClassAUC: Codable, Sendable, Equatable {
    public var className: String
    public var auc: Double?
    public var delong: DeLongInterval?
    public var undefinedReason: String?
}

/// Everything a paper reports about one model on one cohort.
public struct ModelPerformance: Codable, Sendable {
    public var model: String
    public var cohort: String
    public var patients: Int
    public var classes: [String]
    public var perClassAUC: [ClassAUC]
    public var auc: MulticlassAUC
    /// Stratified bootstrap CIs of the macro and micro AUC (nil when a class is undefined).
    public var aucBootstrap: MulticlassBootstrapInterval?
    public var aucBootstrapUndefinedReason: String?
    public var metrics: ClassificationMetrics
    public var calibration: MulticlassCalibration
    public var decisionCurves: [DecisionCurve]
    /// One-vs-rest ROC curves per class, and the micro-average curve (pooled indicator
    /// matrix against pooled scores), for figures.
    public var rocCurves: [ROCCurve?]
    public var microROC: ROCCurve?
}

/// Predictions of several models on the same patients, lined up with the truth.
public struct AlignedPredictions: Sendable {
    public var cohort: String
    public var patientIds: [String]
    public var labels: [Int]
    public var classes: ClassSet
    public var models: [Predictions]

    /// Restricts every model to `cohort` (nil: the cohort all rows share) and orders their rows
    /// like the first model's, checking that every model has exactly the same patients and that
    /// each is in the truth cohort. Every mismatch is reported at once.
    /// - Parameters:
    ///   - models: each model's predictions (one `Predictions` per file).
    ///   - truth: the cohort with the true classes.
    ///   - cohort: the split to evaluate (e.g. "test"); nil when all predictions share one.
    ///   - sources: the file each model came from, for messages.
    /// - Returns: the models' probability rows in one patient order, with the true labels.
    /// - Throws: `ValidationError` listing every problem: no predictions, several cohorts without
    ///   `cohort`, different patients between models, or a patient missing from the truth.
    public static func align(_ models: [Predictions], truth: Cohort, cohort: String?, sources: [String]) throws -> AlignedPredictions {
        guard !models.isEmpty else { throw ValidationError(Problem(message: "no predictions given", expected: "one or more predictions CSV files")) }
        let names = Set(models.flatMap(\.cohorts))
        let chosen: String
        if let cohort {
            chosen = cohort
        } else if names.count == 1 {
            chosen = names.first!
        } else {
            throw ValidationError(
                Problem(
                    message: "the predictions cover several cohorts (\(names.sorted().joined(separator: ", ")))",
                    expected: "--cohort NAME to choose one"))
        }
        var problems: [Problem] = []
        let restricted = models.map { $0.cohort(chosen) }
        for (model, source) in zip(restricted, sources) where model.count == 0 {
            problems.append(Problem(file: source, message: "model '\(model.model)' has no rows for cohort '\(chosen)'", expected: "predictions for that cohort"))
        }
        if !problems.isEmpty { throw ValidationError(problems) }
        let reference = restricted[0]
        let referenceIds = Set(reference.patientIds)
        for (model, source) in zip(restricted.dropFirst(), sources.dropFirst()) {
            let ids = Set(model.patientIds)
            let missing = referenceIds.subtracting(ids).sorted(), extra = ids.subtracting(referenceIds).sorted()
            if !missing.isEmpty || !extra.isEmpty {
                problems.append(
                    Problem(
                        file: source,
                        message: "model '\(model.model)' does not cover the same \(chosen) patients as '\(reference.model)': "
                            + (missing.isEmpty ? "" : "missing \(list(missing))") + (missing.isEmpty || extra.isEmpty ? "" : "; ")
                            + (extra.isEmpty ? "" : "extra \(list(extra))"),
                        expected: "every model on the same patients"))
            }
        }
        let truthIndex = Dictionary(uniqueKeysWithValues: truth.ids.enumerated().map { ($1, $0) })
        let unknown = reference.patientIds.filter { truthIndex[$0] == nil }
        if !unknown.isEmpty {
            problems.append(
                Problem(
                    file: sources[0], column: "patient_id", message: "patients not in the truth cohort \(truth.source): \(list(unknown))",
                    expected: "patient ids of the cohort CSV"))
        }
        if let splits = truth.splits {
            let mismatched = reference.patientIds.filter { truthIndex[$0].map { splits[$0] != chosen } ?? false }
            if !mismatched.isEmpty {
                problems.append(
                    Problem(
                        file: sources[0], column: "cohort", message: "patients labelled '\(chosen)' here but not in the truth: \(list(mismatched))",
                        expected: "the cohort given in \(truth.source)"))
            }
        }
        if !problems.isEmpty { throw ValidationError(problems) }
        let ordered = restricted.map { model -> Predictions in
            let row = Dictionary(uniqueKeysWithValues: model.patientIds.enumerated().map { ($1, $0) })
            let order = reference.patientIds.map { row[$0]! }
            return Predictions(
                model: model.model, classes: model.classes, patientIds: reference.patientIds,
                cohorts: order.map { model.cohorts[$0] }, probabilities: order.map { model.probabilities[$0] })
        }
        return AlignedPredictions(
            cohort: chosen, patientIds: reference.patientIds,
            labels: reference.patientIds.map { truth.labels[truthIndex[$0]!] },
            classes: truth.classes, models: ordered)
    }

    static func list(_ ids: [String]) -> String {
        ids.count <= 8 ? ids.joined(separator: ", ") : ids.prefix(8).joined(separator: ", ") + " and \(ids.count - 8) more"
    }
}

public enum ModelEvaluation {
    /// AUCs (per class with DeLong CIs, macro/micro with bootstrap CIs), classification metrics
    /// with Wilson CIs, the confusion matrix, calibration and decision curves of one model.
    /// - Parameters:
    ///   - predictions: one model's class probabilities.
    ///   - labels: true class of each row of `predictions`, in its order.
    ///   - cohort: the cohort name recorded with the result.
    ///   - options: bootstrap and calibration settings.
    /// - Returns: AUCs, metrics, confusion matrix, calibration and decision curves of the model.
    /// - Throws: `StatsError.invalidInput` for probabilities or labels that do not fit the classes,
    ///   or bootstrap settings out of range.
    public static func evaluate(
        _ predictions: Predictions, labels: [Int], cohort: String,
        options: EvaluationOptions = EvaluationOptions()
    ) throws -> ModelPerformance {
        let classCount = predictions.classes.count
        let scores = predictions.probabilities
        let auc = try MulticlassAUC.compute(labels: labels, scores: scores, classCount: classCount)
        var perClass: [ClassAUC] = []
        var curves: [ROCCurve?] = []
        for k in 0..<classCount {
            let isCase = labels.map { $0 == k }, column = scores.map { $0[k] }
            var entry = ClassAUC(
                className: predictions.classes.names[k], auc: auc.perClass[k].value, delong: nil,
                undefinedReason: auc.perClass[k].undefinedReason)
            switch try DeLong.confidenceInterval(scores: column, isCase: isCase) {
            case .defined(let interval): entry.delong = interval
            case .undefined(let reason): entry.undefinedReason = entry.undefinedReason ?? reason
            }
            perClass.append(entry)
            curves.append(try? ROCCurve(scores: column, isCase: isCase))
        }
        let bootstrap = try BootstrapAUC.multiclassInterval(labels: labels, scores: scores, classCount: classCount, options: options.bootstrap)
        let confusion = try ConfusionMatrix(labels: labels, probabilities: scores)
        return ModelPerformance(
            model: predictions.model, cohort: cohort, patients: labels.count, classes: predictions.classes.names,
            perClassAUC: perClass, auc: auc, aucBootstrap: bootstrap.value, aucBootstrapUndefinedReason: bootstrap.undefinedReason,
            metrics: ClassificationMetrics(confusion),
            calibration: try MulticlassCalibration(labels: labels, probabilities: scores, binCount: options.calibrationBins),
            decisionCurves: try DecisionCurve.oneVsRest(labels: labels, probabilities: scores),
            rocCurves: curves,
            microROC: try? ROCCurve(scores: scores.flatMap { $0 }, isCase: labels.flatMap { label in (0..<classCount).map { $0 == label } }))
    }
}
