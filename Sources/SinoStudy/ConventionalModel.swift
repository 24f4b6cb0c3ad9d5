import Foundation
import SinoData
import SinoForest
import SinoStats

/// The classifiers the conventional model can use.
public enum ConventionalClassifier: String, Codable, Sendable, CaseIterable, ConfigEnum {
    case extraTrees = "extratrees"
    case randomForest = "randomforest"
    case logistic
}

/// One point of the forest hyper-parameter grid.
public struct ForestSetting: Codable, Sendable, Equatable, CustomStringConvertible {
    public var maxDepth: Int?
    public var minSamplesLeaf: Int
    /// Features drawn per split: sqrt(p) or all p.
    public var maxFeatures: Features

    /// The features drawn at each split of a forest's trees (sklearn's "sqrt" and None).
    public enum Features: String, CaseIterable, Codable, Sendable, ConfigEnum {
        case sqrt, all
    }

    public init(maxDepth: Int?, minSamplesLeaf: Int, maxFeatures: Features) {
        self.maxDepth = maxDepth
        self.minSamplesLeaf = minSamplesLeaf
        self.maxFeatures = maxFeatures
    }

    public var description: String {
        "max_depth=\(maxDepth.map(String.init) ?? "None"), min_samples_leaf=\(minSamplesLeaf), max_features=\(maxFeatures.rawValue)"
    }

    /// The default grid (`ForestGrid`'s).
    public static var defaultGrid: [ForestSetting] { ForestGrid().settings }
}

/// Settings of `sinorad conventional`.
public struct ConventionalSettings: Sendable {
    public var classifier: ConventionalClassifier = .extraTrees
    /// How the logistic classifier is fitted (maximum likelihood or bias-reduced Firth).
    public var logitMethod: LogitMethod = .ml
    public var predictors: [String] = []
    public var trees = 500
    public var folds = 5
    public var seed: UInt64 = 1
    public var grid: [ForestSetting] = ForestSetting.defaultGrid
    public var trainingSplit = "train"
    public var threads: Int? = nil
    public init() {}
}

/// The trained conventional model and everything reported about it.
public struct ConventionalResult: Codable, Sendable {
    public var classifier: ConventionalClassifier
    public var modelName: String
    public var classes: [String]
    public var predictors: [String]
    public var encoder: FeatureEncoder
    public var trainingPatients: Int
    public var folds: Int
    public var seed: UInt64
    public var trees: Int?
    public var grid: [GridCandidate<ForestSetting>]
    public var chosen: ForestSetting?
    /// Mean cross-validated macro-AUC of the chosen setting on the training cohort.
    public var crossValidatedMacroAUC: Double?
    public var importances: [String: Double]
    public var imputedValues: Int
}

public enum ConventionalModel {
    /// Trains the conventional model on the training split (cross-validated grid search for the
    /// forests, chosen by macro-AUC), refits the chosen setting on the whole training split and
    /// predicts every patient of every split.
    public static func train(_ cohort: Cohort, settings: ConventionalSettings) throws
        -> (result: ConventionalResult, predictions: Predictions, model: any Classifier)
    {
        guard !settings.predictors.isEmpty else {
            throw ValidationError(Problem(message: "no predictors given", expected: "--predictors a,b or --from-selection select.json"))
        }
        let training = try cohort.split(settings.trainingSplit)
        let encoder = try FeatureEncoder.fit(training, variables: settings.predictors)
        let (xTrain, _) = try encoder.transform(training)
        let classCount = cohort.classes.count
        var grid: [GridCandidate<ForestSetting>] = [], chosen: ForestSetting? = nil, cvAUC: Double? = nil
        var model: any Classifier
        switch settings.classifier {
        case .logistic:
            var logistic = MultinomialLogisticClassifier(method: settings.logitMethod)
            try logistic.fit(x: xTrain, y: training.labels, classCount: classCount)
            model = logistic
        case .extraTrees, .randomForest:
            let folds = try StratifiedSplit.folds(labels: training.labels, classCount: classCount, k: settings.folds, seed: settings.seed)
            let search = try GridSearch.run(
                candidates: settings.grid, x: xTrain, y: training.labels, classCount: classCount, folds: folds,
                make: { forest(settings, $0, features: encoder.features.count) },
                score: { labels, p in (try? MulticlassAUC.compute(labels: labels, scores: p, classCount: classCount))?.macro })
            grid = search.results
            chosen = settings.grid[search.best]
            cvAUC = grid[search.best].mean
            model = forest(settings, chosen!, features: encoder.features.count)
            try model.fit(x: xTrain, y: training.labels, classCount: classCount)
        }
        let (xAll, imputed) = try encoder.transform(cohort)
        let probabilities = try model.predictProbabilities(x: xAll)
        let name = "conventional-\(settings.classifier.rawValue)"
        let predictions = Predictions(
            model: name, classes: cohort.classes, patientIds: cohort.ids,
            cohorts: cohort.splits ?? Array(repeating: "all", count: cohort.count), probabilities: probabilities)
        let result = ConventionalResult(
            classifier: settings.classifier, modelName: name, classes: cohort.classes.names,
            predictors: settings.predictors, encoder: encoder, trainingPatients: training.count,
            folds: settings.folds, seed: settings.seed,
            trees: settings.classifier == .logistic ? nil : settings.trees,
            grid: grid, chosen: chosen, crossValidatedMacroAUC: cvAUC,
            importances: importances(model, encoder), imputedValues: imputed)
        return (result, predictions, model)
    }

    static func forest(_ settings: ConventionalSettings, _ point: ForestSetting, features: Int) -> any Classifier {
        let maxFeatures: MaxFeatures = point.maxFeatures == .all ? .all : .sqrt
        return ForestClassifier(
            settings.classifier == .randomForest ? .randomForest : .extraTrees, nEstimators: settings.trees,
            maxFeatures: maxFeatures, maxDepth: point.maxDepth, minSamplesLeaf: point.minSamplesLeaf,
            seed: settings.seed, threads: settings.threads)
    }

    /// MDI importances by feature name (forests only).
    static func importances(_ model: any Classifier, _ encoder: FeatureEncoder) -> [String: Double] {
        let values: [Double]?
        switch model {
        case let m as ForestClassifier: values = try? m.featureImportances()
        default: values = nil
        }
        guard let values else { return [:] }
        return Dictionary(uniqueKeysWithValues: zip(encoder.featureNames, values))
    }

    /// Writes the model: `model.json` (format, version, classes, encoder, settings) and, for the
    /// forests, `model.forest` (SinoForest's binary file).
    public static func save(_ result: ConventionalResult, model: any Classifier, to folder: URL) throws {
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw ValidationError(Problem(file: folder.path, message: "cannot create the model folder"))
        }
        var file = ModelFile(format: fileFormat, version: fileVersion, model: result)
        switch model {
        case let m as ForestClassifier: try m.save(to: folder.appendingPathComponent("model.forest")); file.forestFile = "model.forest"
        case let m as MultinomialLogisticClassifier: file.logistic = m.fit
        default: break
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(file)
        try AtomicFile.write(data, to: folder.appendingPathComponent("model.json").path)
    }
}

extension ConventionalModel {
    public static let fileFormat = "sinorad-conventional"
    public static let fileVersion = 1

    /// model.json: the format and version, the model description, and the forest's binary
    /// file or the logistic coefficients.
    struct ModelFile: Codable {
        var format: String
        var version: Int
        var model: ConventionalResult
        var forestFile: String?
        var logistic: MultinomialLogitFit?

        enum CodingKeys: String, CodingKey {
            case format, version, model, logistic
            case forestFile = "forest_file"
        }
    }

    /// The part of model.json checked before the rest is decoded.
    struct ModelFileHeader: Decodable {
        var format: String?
        var version: Int?
    }

    /// Reads a model written by `save`: checks the format name and version, then restores the
    /// encoder and the classifier (the forest from its binary file next to model.json).
    public static func load(_ path: String) throws -> (result: ConventionalResult, model: any Classifier) {
        func bad(_ message: String, _ expected: String) -> ValidationError {
            ValidationError(Problem(file: path, message: message, expected: expected))
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw bad("cannot read the model file", "a model.json written by sinorad conventional") }
        // JSONDecoder reads every double exactly (JSONSerialization on Linux can be an ulp off,
        // which would change a loaded model's predictions).
        guard let header = try? JSONDecoder().decode(ModelFileHeader.self, from: data) else {
            throw bad("not a JSON model file", "a model.json written by sinorad conventional")
        }
        guard header.format == fileFormat else {
            throw bad("unknown model format '\(header.format ?? "none")'", "format \"\(fileFormat)\"")
        }
        guard header.version == fileVersion else {
            throw bad("model file version \(header.version.map(String.init) ?? "none") is not supported", "version \(fileVersion) (re-train with this SinoRad)")
        }
        guard let file = try? JSONDecoder().decode(ModelFile.self, from: data) else {
            throw bad("the model description is damaged", "the \"model\" object written by sinorad conventional")
        }
        let result = file.model
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        switch result.classifier {
        case .logistic:
            guard let fit = file.logistic else {
                throw bad("the logistic coefficients are missing or damaged", "the \"logistic\" object")
            }
            return (result, MultinomialLogisticClassifier(fit: fit))
        case .extraTrees, .randomForest:
            guard let forestFile = file.forestFile else { throw bad("no forest file named", "\"forest_file\": \"model.forest\"") }
            let url = folder.appendingPathComponent(forestFile)
            return (result, try ForestClassifier.load(from: url, kind: result.classifier == .extraTrees ? .extraTrees : .randomForest))
        }
    }

    /// Predicts every patient of `cohort` with a loaded model.
    public static func predict(_ cohort: Cohort, result: ConventionalResult, model: any Classifier) throws -> Predictions {
        guard cohort.classes.names == result.classes else {
            throw ValidationError(
                Problem(
                    file: cohort.source, column: cohort.dictionary.label.column,
                    message: "the cohort's classes \(cohort.classes.names.joined(separator: ", ")) differ from the model's",
                    expected: result.classes.joined(separator: ", ")))
        }
        let (x, _) = try result.encoder.transform(cohort)
        return Predictions(
            model: result.modelName, classes: cohort.classes, patientIds: cohort.ids,
            cohorts: cohort.splits ?? Array(repeating: "all", count: cohort.count),
            probabilities: try model.predictProbabilities(x: x))
    }
}
