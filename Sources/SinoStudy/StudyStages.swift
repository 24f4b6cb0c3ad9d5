import Foundation
import SinoData
import SinoImaging
import SinoReport
import SinoStats

// The stages of a study. Each is a type: its `Settings` (Encodable: what its cache key
// hashes, with the keys of the stages it reads), the files it writes (`outputs`, relative to
// the study folder), `run`, which writes them, and `result`, which reads what it wrote back
// (from this run or a cached one), so that a cached stage gives its dependants exactly what a
// fresh one would.

/// A stage of a study.
public protocol StudyStage {
    associatedtype Settings: Encodable
    associatedtype Output
    /// The stage's name in progress lines and the cache ("table1", "cnn-resnet18-ADC").
    var name: String { get }
    var settings: Settings { get }
    /// Files or folders the stage writes, relative to the study folder ("tables/table1.*").
    var outputs: [String] { get }
    /// Does the work, writing `outputs`.
    func run(in folder: StudyFolder) throws
    /// What the stage left, read back.
    func result(in folder: StudyFolder) throws -> Output
}

extension StudyStage where Output == Void {
    public func result(in folder: StudyFolder) throws {}
}

/// The study folder: where stages write and read.
public struct StudyFolder: Sendable {
    public let url: URL
    public init(_ url: URL) { self.url = url }

    /// The path of `parts` under the folder.
    public func path(_ parts: String...) -> String { parts.reduce(url) { $0.appendingPathComponent($1) }.path }

    /// Writes one table as .md, .csv, .tex and .html (and a structured result as .json), each atomically.
    public func writeTable(_ table: Table, json: (any Encodable)? = nil, name: String) throws {
        let base = path("tables", name)
        for format in [OutputFormat.md, .csv, .tex] { try AtomicFile.write(table.rendered(format), to: "\(base).\(format.rawValue)") }
        try AtomicFile.write(Table.htmlPage(title: table.title, tables: [table]), to: "\(base).html")
        if let json { try AtomicFile.write(JSONEncoder.sinorad.encode(json), to: "\(base).json") }
    }

    /// Those of `names` (under tables/, no extension) that a stage wrote: a table with nothing
    /// to show (paired tests of a single model, say) is not written.
    public func writtenTables(_ names: [String]) -> [String] {
        names.filter { FileManager.default.fileExists(atPath: path("tables", "\($0).md")) }
    }
}

// MARK: - Data

/// Writes the SYNTHETIC cohort, its reads and (optionally) its images under data/.
public struct SyntheticDataStage: StudyStage {
    public var settings: StudyConfig.Synthetic
    public var name: String { "data" }
    public var outputs: [String] { ["data"] }

    public func run(in folder: StudyFolder) throws {
        let s = settings
        let simulation = try CohortSimulator.Settings.scaled(to: s.patients, seed: s.seed)
        let data = folder.url.appendingPathComponent("data")
        let grid = s.imageGrid == .reduced ? PhantomSettings.reduced : PhantomSettings()
        let table = try writeSyntheticCohort(simulation, to: data, images: s.images ? (s.imageGrid.rawValue, grid) : nil)
        try writeSyntheticReads(seed: s.seed, cohort: table, to: data)
        if s.images { try writeSyntheticImages(table, seed: s.seed, settings: grid, to: data.appendingPathComponent("images")) }
    }
}

extension StudyConfig.Synthetic: Encodable {
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(patients, forKey: .patients)
        try container.encode(seed, forKey: .seed)
        try container.encode(images, forKey: .images)
        try container.encode(imageGrid.rawValue, forKey: .imageGrid)
    }
}

/// The label settings every cohort stage shares.
public struct OutcomeSettings: Encodable, Sendable {
    public var label: String
    public var classes: [String]
}

// MARK: - Table 1

/// Table 1 overall and within each cohort.
public struct TableOneStage: StudyStage {
    public var settings: OutcomeSettings
    public var cohort: Cohort
    public var titlePrefix: String
    public var name: String { "table1" }
    public var outputs: [String] { ["tables/table1.*", "tables/table1_by_cohort.*"] }

    public func run(in folder: StudyFolder) throws {
        let overall = try TableOne.build(cohort), byCohort = try TableOne.build(cohort, byCohort: true)
        try folder.writeTable(overall.layout(title: titlePrefix + "Baseline characteristics by \(settings.label)"), json: overall, name: "table1")
        try folder.writeTable(
            byCohort.layout(title: titlePrefix + "Baseline characteristics by \(settings.label) within each cohort"),
            json: byCohort, name: "table1_by_cohort")
    }
}

// MARK: - Selection

/// Univariate screening and backward elimination on the training cohort.
public struct SelectionStage: StudyStage {
    public struct Settings: Encodable, Sendable {
        public var outcome: OutcomeSettings
        public var screeningAlpha: Double
        public var eliminationAlpha: Double
        public var reference: String?
        public var method: LogitMethod
    }

    public var settings: Settings
    public var cohort: Cohort
    public var titlePrefix: String
    public var name: String { "selection" }
    public var outputs: [String] { ["tables/univariate.*", "tables/multivariable.*", "tables/elimination.*", "tables/selection.json"] }

    public init(config: StudyConfig, cohort: Cohort, titlePrefix: String) {
        settings = Settings(
            outcome: OutcomeSettings(label: config.label, classes: config.classes ?? cohort.classes.names),
            screeningAlpha: config.selection.screeningAlpha, eliminationAlpha: config.selection.eliminationAlpha,
            reference: config.selection.reference, method: config.selection.method)
        self.cohort = cohort
        self.titlePrefix = titlePrefix
    }

    public func run(in folder: StudyFolder) throws {
        var options = SelectionOptions()
        options.screeningAlpha = settings.screeningAlpha
        options.criterion = .likelihoodRatio(alpha: settings.eliminationAlpha)
        options.method = settings.method
        if let reference = settings.reference {
            guard let r = cohort.classes.names.firstIndex(of: reference) else {
                throw StudyError("selection.reference: '\(reference)' is not a class (\(cohort.classes.names.joined(separator: ", ")))")
            }
            options.reference = r
        }
        let result = try PredictorSelection.run(cohort, split: "train", options: options)
        for (table, name) in zip(result.layout(titlePrefix: titlePrefix), ["univariate", "multivariable", "elimination"]) {
            try folder.writeTable(table, name: name)
        }
        try AtomicFile.write(JSONEncoder.sinorad.encode(result), to: folder.path("tables", "selection.json"))
    }

    public func result(in folder: StudyFolder) throws -> PredictorSelection {
        try JSONDecoder().decode(PredictorSelection.self, from: Data(contentsOf: URL(fileURLWithPath: folder.path("tables", "selection.json"))))
    }
}

// MARK: - Conventional models

/// The conventional classifiers on the independent predictors: models/conventional/<name>,
/// the cross-validation tables and predictions/conventional.csv.
public struct ConventionalStage: StudyStage {
    public struct Settings: Encodable, Sendable {
        public var classifiers: [ConventionalClassifier]
        public var trees: Int
        public var folds: Int
        public var seed: UInt64
        public var grid: [ForestSetting]
        public var logisticMethod: LogitMethod
    }

    public var settings: Settings
    public var cohort: Cohort
    public var predictors: [String]
    public var titlePrefix: String
    public var name: String { "conventional" }
    public var outputs: [String] { ["models/conventional", "tables/cv_*", "predictions/conventional.csv"] }

    public init(config: StudyConfig, cohort: Cohort, predictors: [String], titlePrefix: String) {
        let c = config.conventional
        settings = Settings(
            classifiers: c.classifiers, trees: c.trees, folds: c.folds, seed: config.seed, grid: c.grid.settings,
            logisticMethod: config.selection.method)
        self.cohort = cohort
        self.predictors = predictors
        self.titlePrefix = titlePrefix
    }

    /// The model names in the comparison: conventional-<classifier>.
    public var modelNames: [String] { settings.classifiers.map { "conventional-\($0.rawValue)" } }

    public func run(in folder: StudyFolder) throws {
        var conventional = ConventionalSettings()
        conventional.predictors = predictors
        conventional.trees = settings.trees
        conventional.folds = settings.folds
        conventional.seed = settings.seed
        conventional.grid = settings.grid
        conventional.logitMethod = settings.logisticMethod
        var predictions: [Predictions] = []
        for classifier in settings.classifiers {
            conventional.classifier = classifier
            let (result, p, model) = try ConventionalModel.train(cohort, settings: conventional)
            try ConventionalModel.save(result, model: model, to: folder.url.appendingPathComponent("models/conventional/\(classifier.rawValue)"))
            if classifier != .logistic {
                try folder.writeTable(result.layout(titlePrefix: titlePrefix), json: result, name: "cv_\(classifier.rawValue)")
            }
            predictions.append(p)
        }
        try AtomicFile.write(Predictions.csv(predictions), to: folder.path("predictions", "conventional.csv"))
    }
}

// MARK: - CNN

/// One CNN (architecture x sequence): trains it, predicts the evaluation cohorts and draws its
/// Grad-CAM figures. `launcher` runs the work (in this process by default).
public struct CNNStage: StudyStage, Sendable {
    public struct Settings: Encodable, Sendable {
        public var training: CNNTrainingSettings
        public var classes: [String]
        /// SHA-256 of the pretrained weights ("" without).
        public var weights: String
        public var cohorts: [String]
        public var tta: Bool
        public var gradcamPerClass: Int
        public var gradcamLayer: String
        public var gradcamMinMap: Int
        public var formats: [FigureFormat]
    }

    public var settings: Settings
    public var data: CNNDataSource
    public var weightsPath: String?
    public var modelName: String
    public var name: String { "cnn-\(modelName)" }
    public var outputs: [String] { ["models/\(modelName)", "predictions/\(modelName).csv", "figures/gradcam/\(modelName)"] }

    /// - Parameter weightsSHA256: the SHA-256 of the architecture's pretrained weights ("" without),
    ///   computed once per architecture by the caller, not once per sequence.
    public init(
        config: StudyConfig, arch: CNNArchitecture, sequence: String, data: CNNDataSource, classes: [String], base: URL,
        weightsSHA256: String
    ) {
        let c = config.cnn
        var pre = PreprocessSettings()
        pre.sequences = [sequence]
        pre.outputSize = c.size
        pre.neighbours = c.slicesAround
        pre.normalisation = c.normalisation
        pre.marginVoxels = c.margin
        pre.outsideROI = c.outsideROI
        var training = CNNTrainingSettings()
        training.arch = arch
        training.preprocess = pre
        training.augment = c.augment
        training.epochs = c.epochs
        training.batchSize = c.batch
        training.learningRate = c.learningRate
        training.optimizer = c.optimizer
        training.seed = config.seed
        training.weightDecay = c.weightDecay
        training.selectFrom = c.selectFrom
        weightsPath = c.weights[arch].map { config.resolve($0, base: base).path }
        training.pretrained = weightsPath.map { URL(fileURLWithPath: $0).lastPathComponent }
        settings = Settings(
            training: training, classes: classes, weights: weightsSHA256,
            cohorts: config.evaluation.cohorts, tta: c.tta, gradcamPerClass: c.gradcamPerClass,
            gradcamLayer: c.gradcamLayer, gradcamMinMap: c.gradcamMinMap, formats: config.figureFormats)
        self.data = data
        modelName = "\(arch.rawValue)-\(sequence)"
    }

    /// Trains, predicts and explains, the networks on `CNNThreads.count` threads.
    public func run(in folder: StudyFolder) throws { try run(in: folder, progress: standardErrorProgress) }

    public func run(in folder: StudyFolder, progress: ProgressHandler?) throws {
        let model = folder.url.appendingPathComponent("models/\(modelName)")
        try CNNPipeline.train(
            settings: settings.training, data: data, classOrder: settings.classes, weights: weightsPath, out: model,
            progressEvery: 1_000_000, progress: progress)
        try CNNPipeline.predict(
            model: model, data: data, cohorts: settings.cohorts, tta: settings.tta,
            out: folder.path("predictions", "\(modelName).csv"), progress: progress)
        let explained = settings.cohorts.contains("test") ? "test" : settings.cohorts.last!
        try CNNPipeline.gradCAM(
            model: model, data: data, cohorts: [explained], layer: settings.gradcamLayer, minMap: settings.gradcamMinMap,
            perClass: settings.gradcamPerClass, formats: settings.formats,
            out: folder.url.appendingPathComponent("figures/gradcam/\(modelName)"), progress: progress)
    }
}

// MARK: - Fusion

/// The mean (or maximum) of one architecture's sequence models.
public struct FusionStage: StudyStage {
    public struct Settings: Encodable, Sendable { public var method: PredictionFusion.Method }
    public var settings: Settings
    public var modelName: String
    /// The predictions files fused, relative to the study folder.
    public var inputs: [String]
    public var classes: ClassSet
    public var name: String { "fusion-\(modelName)" }
    public var outputs: [String] { ["predictions/\(modelName).csv"] }

    public func run(in folder: StudyFolder) throws {
        var fusionInputs: [PredictionFusion.Input] = []
        for file in inputs {
            for p in try Predictions.read(path: folder.path(file), classes: classes) {
                fusionInputs.append(.init(source: folder.path(file), predictions: p))
            }
        }
        let fused = try PredictionFusion.fuse(fusionInputs, method: settings.method, model: modelName)
        try AtomicFile.write(Predictions.csv([fused]), to: folder.path("predictions", "\(modelName).csv"))
    }
}

// MARK: - Comparison

/// Every model on one evaluation cohort: tables and figures.
public struct ComparisonStage: StudyStage {
    public struct Settings: Encodable, Sendable {
        public var cohort: String
        public var bootstrap: Int
        public var seed: UInt64
        public var reference: String
        public var formats: [FigureFormat]
    }

    public var settings: Settings
    public var predictionFiles: [String]
    public var truth: Cohort
    public var titlePrefix: String
    public var name: String { "comparison-\(settings.cohort)" }
    public var split: String { settings.cohort }
    public var outputs: [String] {
        ["tables/performance_\(split).*", "tables/per_class_\(split).*", "tables/paired_\(split).*", "tables/comparison_\(split).json", "figures/\(split)"]
    }

    public func run(in folder: StudyFolder) throws {
        let comparison = try ModelComparison.run(
            files: predictionFiles.map { folder.path($0) }, truth: truth, cohort: split,
            reference: settings.reference, bootstrap: settings.bootstrap, seed: settings.seed)
        let title = split == "test" ? "External test" : split.prefix(1).uppercased() + split.dropFirst()
        for (table, name) in zip(comparison.layout(titlePrefix: "\(titlePrefix)\(title) cohort: "), ["performance", "per_class", "paired"]) {
            try folder.writeTable(table, name: "\(name)_\(split)")
        }
        try AtomicFile.write(JSONEncoder.sinorad.encode(comparison), to: folder.path("tables", "comparison_\(split).json"))
        try comparison.writeFigures(to: folder.path("figures", split), formats: settings.formats, titlePrefix: "\(title): ")
    }
}

extension ModelComparison {
    /// The comparison of every model in `files` (predictions CSVs) on the patients of `cohort`:
    /// what `sinorad compare` and a study's comparison stages compute.
    ///
    /// - Parameters:
    ///   - files: predictions CSV files (each may hold several models; a model name may appear once).
    ///   - truth: the cohort with the true classes.
    ///   - cohort: the cohort compared on (nil: the one the predictions cover).
    ///   - reference: compare every model with this one (nil: every pair).
    ///   - bootstrap: bootstrap replicates.
    ///   - seed: the bootstrap's seed.
    /// - Returns: the comparison.
    /// - Throws: `StudyError` for a model in two files; the files' and the statistics' errors.
    public static func run(files: [String], truth: Cohort, cohort: String?, reference: String?, bootstrap: Int, seed: UInt64) throws -> ModelComparison {
        var models: [Predictions] = [], sources: [String] = []
        for path in files {
            for model in try Predictions.read(path: path, classes: truth.classes) {
                if let clash = models.first(where: { $0.model == model.model }) {
                    throw StudyError("\(path): model '\(clash.model)' appears in more than one file; rename one of them")
                }
                models.append(model); sources.append(path)
            }
        }
        let aligned = try AlignedPredictions.align(models, truth: truth, cohort: cohort, sources: sources)
        var options = EvaluationOptions()
        options.bootstrap = BootstrapOptions(replicates: bootstrap, confidenceLevel: 0.95, seed: seed)
        return try ModelComparison.run(aligned, reference: reference, options: options)
    }
}

// MARK: - Readers

/// The reader study: each reader unaided and AI-assisted.
public struct ReadersStage: StudyStage {
    public struct Settings: Encodable, Sendable {
        public var outcome: OutcomeSettings
        public var formats: [FigureFormat]
    }

    public var settings: Settings
    public var readsPath: String
    public var truth: Cohort
    public var truthSource: String
    public var titlePrefix: String
    public var name: String { "readers" }
    public var outputs: [String] { ["tables/readers_*", "figures/readers"] }

    /// File names of the reader study's tables, in `ReaderStudy.layout` order.
    public static let tableNames = ["performance", "per_class", "confusion", "assistance", "agreement"]

    public func run(in folder: StudyFolder) throws {
        let study = try ReaderStudy.run(readsAt: readsPath, truth: truth, truthSource: truthSource)
        for (i, table) in study.layout(titlePrefix: titlePrefix).enumerated() {
            try folder.writeTable(table, name: "readers_\(i < Self.tableNames.count ? Self.tableNames[i] : "\(i + 1)")")
        }
        try AtomicFile.write(JSONEncoder.sinorad.encode(study), to: folder.path("tables", "readers.json"))
        try study.writeFigures(to: folder.path("figures", "readers"), formats: settings.formats, titlePrefix: titlePrefix)
    }

    /// The tables it wrote, in report order.
    public func result(in folder: StudyFolder) throws -> [String] {
        let written = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path("tables"))) ?? [])
            .filter { $0.hasPrefix("readers_") && $0.hasSuffix(".md") }.map { String($0.dropLast(3)) }
        let known = Self.tableNames.map { "readers_\($0)" }
        return known.filter(written.contains) + written.filter { !known.contains($0) }.sorted()
    }
}

extension ReaderStudy {
    /// The reader study of the reads CSV at `path` against `truth`: what `sinorad readers`
    /// and a study's readers stage compute.
    ///
    /// - Parameters:
    ///   - path: the reads CSV (data-schema/reads.schema.json).
    ///   - truth: the cohort with the true classes.
    ///   - truthSource: how errors name the truth file.
    ///   - cohort: only the patients of this cohort (nil: every patient read).
    /// - Returns: the reader study.
    /// - Throws: `ValidationError` with every problem of the reads; the statistics' errors.
    public static func run(readsAt path: String, truth: Cohort, truthSource: String, cohort: String? = nil) throws -> ReaderStudy {
        let reads = try ReaderReads.read(path: path, classes: truth.classes, patients: Set(truth.ids), patientsSource: truthSource)
        return try ReaderStudy.run(reads, truth: truth, cohort: cohort)
    }
}
