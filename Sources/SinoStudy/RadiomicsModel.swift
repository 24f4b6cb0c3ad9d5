import Foundation
import SinoClassifiers
import SinoData
import SinoForest
import SinoSelection
import SinoStats

/// The classifiers a radiomics model can use: SinoRad's own forests and multinomial logit, an
/// L2 (ridge) logistic regression through glmnet's solver, and the libraries users already
/// trust for the rest (libsvm as scikit-learn's SVC, XGBoost's C API).
public enum RadiomicsClassifier: String, Codable, Sendable, CaseIterable, ConfigEnum {
    case extraTrees = "extratrees"
    case randomForest = "randomforest"
    case logistic
    case l2Logistic = "l2logistic"
    case svm
    case knn
    case xgboost
}

/// One point of a classifier's hyper-parameter grid, named as the library names it.
public struct RadiomicsHyperParameters: Codable, Sendable, Equatable, CustomStringConvertible {
    public var values: [String: Double]
    public init(_ values: [String: Double]) { self.values = values }
    public subscript(_ key: String) -> Double? { values[key] }
    public var description: String {
        values.keys.sorted().map { key in
            let v = values[key]!
            return "\(key)=\(v == v.rounded() && abs(v) < 1e9 ? String(Int(v)) : String(v))"
        }.joined(separator: ", ")
    }

    /// The default grid of each classifier (simpler models first: ties go to the earlier one).
    public static func defaultGrid(_ classifier: RadiomicsClassifier) -> [RadiomicsHyperParameters] {
        switch classifier {
        case .logistic: return [RadiomicsHyperParameters([:])]
        case .extraTrees, .randomForest:
            return ForestSetting.defaultGrid.map {
                RadiomicsHyperParameters([
                    "max_depth": Double($0.maxDepth ?? 0), "min_samples_leaf": Double($0.minSamplesLeaf),
                    "max_features_all": $0.maxFeatures == .all ? 1 : 0
                ])
            }
        case .l2Logistic: return [0.01, 0.1, 1, 10].map { RadiomicsHyperParameters(["C": $0]) }
        case .svm: return [0.1, 1, 10].map { RadiomicsHyperParameters(["C": $0]) }
        case .knn: return [5, 9, 15].map { RadiomicsHyperParameters(["n_neighbors": $0]) }
        case .xgboost:
            return [2, 3, 6].flatMap { depth in
                [0.1, 0.3].map { RadiomicsHyperParameters(["max_depth": depth, "learning_rate": $0, "n_estimators": 100]) }
            }
        }
    }
}

/// Settings of `sinorad radiomics model` and the study's radiomics stages.
public struct RadiomicsModelSettings: Sendable {
    public var classifier: RadiomicsClassifier = .svm
    public var selection = RadiomicsSelectionConfig()
    /// Only the features of these sequences (columns named `<SEQ>_...`); nil: every column.
    public var sequences: [String]?
    /// Clinical predictors for a combined model (clinical variables + rad-score); empty: the
    /// radiomics model alone.
    public var clinicalPredictors: [String] = []
    public var grid: [RadiomicsHyperParameters]?
    public var folds = 5
    public var seed: UInt64 = 1
    public var trees = 500
    public var trainingSplit = "train"
    public var threads: Int?
    /// Model name in the predictions CSV; default radiomics[-SEQ]-<classifier> (combined-... with
    /// clinical predictors).
    public var name: String?
    public init() {}

    public var modelName: String {
        if let name { return name }
        let sequencePart = sequences.map { "-" + $0.joined(separator: "+") } ?? ""
        return (clinicalPredictors.isEmpty ? "radiomics" : "combined") + sequencePart + "-" + classifier.rawValue
    }
}

/// What a trained radiomics model reports.
public struct RadiomicsModelResult: Codable, Sendable {
    public var modelName: String
    public var classifier: RadiomicsClassifier
    public var classes: [String]
    public var inputFeatures: Int
    public var selectedFeatures: [String]
    public var selectionSteps: [SelectionStepRecord]
    public var chosenLambda: Double?
    public var radScoreNames: [String]
    public var clinicalPredictors: [String]
    public var trainingPatients: Int
    public var folds: Int
    public var grid: [GridCandidate<RadiomicsHyperParameters>]
    public var chosen: RadiomicsHyperParameters
    /// Mean cross-validated macro-AUC of the chosen setting on the training cohort.
    public var crossValidatedMacroAUC: Double?
}

public enum RadiomicsModel {
    /// Learns the selection on the training split, builds the classifier's input (the selected
    /// features, or the clinical predictors plus the rad-score for a combined model), picks the
    /// hyper-parameters by stratified cross-validated macro-AUC, refits on the whole training
    /// split and predicts every patient.
    public static func train(
        features table: FeatureTable, cohort: Cohort, settings: RadiomicsModelSettings, secondSegmentation: FeatureTable? = nil
    ) throws -> (result: RadiomicsModelResult, predictions: Predictions, selection: RadiomicsSelection) {
        let columns = try featureColumns(table, sequences: settings.sequences)
        let names = columns.map { table.names[$0] }
        let tableRows = try table.rows(for: cohort.ids, cohortSource: cohort.source)
        let allRows = columns == Array(table.names.indices) ? tableRows : tableRows.map { row in columns.map { row[$0] } }
        let training = try cohort.split(settings.trainingSplit)
        let trainRows = cohort.ids.indices.filter { (cohort.splits?[$0] ?? settings.trainingSplit) == settings.trainingSplit }
        let xTrainRaw = trainRows.map { allRows[$0] }
        let second = try secondSegmentation.map { try $0.rows(for: training.ids, cohortSource: cohort.source).map { row in columns.map { row[$0] } } }
        let selection = try RadiomicsSelection(
            training: xTrainRaw, labels: training.labels, featureNames: names, classNames: cohort.classes.names,
            secondSegmentation: second, config: settings.selection, threads: settings.threads)
        var xAll: [[Double]]
        if settings.clinicalPredictors.isEmpty {
            xAll = try selection.selectedFeatures(allRows)
        } else {
            let encoder = try FeatureEncoder.fit(training, variables: settings.clinicalPredictors)
            let clinical = try encoder.transform(cohort).x
            let scores = try selection.radScores(allRows)
            xAll = zip(clinical, scores).map { $0 + $1 }
        }
        let xTrain = trainRows.map { xAll[$0] }
        let classCount = cohort.classes.count
        let grid = settings.grid ?? RadiomicsHyperParameters.defaultGrid(settings.classifier)
        var candidates: [GridCandidate<RadiomicsHyperParameters>] = []
        var best = 0
        if grid.count > 1 {
            let folds = try StratifiedSplit.folds(labels: training.labels, classCount: classCount, k: settings.folds, seed: settings.seed)
            // Forests and XGBoost spread one fit over the threads themselves; the others are
            // single-threaded fits, run side by side.
            let internallyThreaded: Set<RadiomicsClassifier> = [.extraTrees, .randomForest, .xgboost]
            let search = try GridSearch.run(
                candidates: grid, x: xTrain, y: training.labels, classCount: classCount, folds: folds,
                threads: internallyThreaded.contains(settings.classifier) ? 1 : ParallelLoop.threadCount(settings.threads),
                make: { classifier(settings, $0, features: xTrain[0].count) },
                score: { labels, p in (try? MulticlassAUC.compute(labels: labels, scores: p, classCount: classCount))?.macro })
            candidates = search.results
            best = search.best
        }
        var model = classifier(settings, grid[best], features: xTrain[0].count)
        try model.fit(x: xTrain, y: training.labels, classCount: classCount)
        let probabilities = try model.predictProbabilities(x: xAll)
        let predictions = Predictions(
            model: settings.modelName, classes: cohort.classes, patientIds: cohort.ids,
            cohorts: cohort.splits ?? Array(repeating: "all", count: cohort.count), probabilities: probabilities)
        let result = RadiomicsModelResult(
            modelName: settings.modelName, classifier: settings.classifier, classes: cohort.classes.names, inputFeatures: names.count,
            selectedFeatures: selection.selectedNames, selectionSteps: selection.steps, chosenLambda: selection.chosenLambda,
            radScoreNames: selection.radScoreNames, clinicalPredictors: settings.clinicalPredictors, trainingPatients: training.count,
            folds: settings.folds, grid: candidates, chosen: grid[best], crossValidatedMacroAUC: candidates.isEmpty ? nil : candidates[best].mean)
        return (result, predictions, selection)
    }

    /// The table's columns of the chosen sequences (`<SEQ>_` prefixes), or all.
    public static func featureColumns(_ table: FeatureTable, sequences: [String]?) throws -> [Int] {
        guard let sequences else { return Array(table.names.indices) }
        var problems: [Problem] = []
        var columns: [Int] = []
        for sequence in sequences {
            let mine = table.names.indices.filter { table.names[$0].hasPrefix(sequence + "_") }
            if mine.isEmpty {
                problems.append(Problem(file: table.source, message: "no feature column of sequence \(sequence)", expected: "columns named \(sequence)_<feature>"))
            }
            columns += mine
        }
        if !problems.isEmpty { throw ValidationError(problems) }
        return columns.sorted()
    }

    /// The classifier of `settings` with one grid point's hyper-parameters.
    static func classifier(_ settings: RadiomicsModelSettings, _ point: RadiomicsHyperParameters, features: Int) -> any Classifier {
        let seed = settings.seed
        switch settings.classifier {
        case .logistic:
            return MultinomialLogisticClassifier()
        case .extraTrees, .randomForest:
            let depth = Int(point["max_depth"] ?? 0)
            return ForestClassifier(
                settings.classifier == .randomForest ? .randomForest : .extraTrees, nEstimators: settings.trees,
                maxFeatures: point["max_features_all"] == 1 ? .all : .sqrt, maxDepth: depth == 0 ? nil : depth,
                minSamplesLeaf: Int(point["min_samples_leaf"] ?? 1), seed: seed, threads: settings.threads)
        case .l2Logistic:
            return L2LogisticClassifier(c: point["C"] ?? 1)
        case .svm:
            return SupportVectorClassifier(c: point["C"] ?? 1, probability: true, randomState: Int(seed % UInt64(Int32.max)))
        case .knn:
            return NearestNeighboursClassifier(neighbours: Int(point["n_neighbors"] ?? 5))
        case .xgboost:
            return GradientBoostingClassifier(
                nEstimators: Int(point["n_estimators"] ?? 100), learningRate: point["learning_rate"] ?? 0.3,
                maxDepth: Int(point["max_depth"] ?? 6), seed: Int(seed % UInt64(Int32.max)))
        }
    }
}
