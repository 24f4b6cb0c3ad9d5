import ArgumentParser
import Foundation
import SinoData
import SinoReport
import SinoStats
import SinoStudy

extension ConventionalClassifier: ExpressibleByArgument {}

struct Conventional: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train the conventional MRI model (ExtraTrees by default) on the independent predictors and predict every patient.",
        discussion: """
            Trains on the training cohort. For the forests, the hyper-parameters are chosen by \
            stratified k-fold cross-validation on the training cohort, by mean macro-AUC, \
            from the default grid: \(ForestGrid()) (500 trees, gini). The chosen setting is refitted on \
            the whole training cohort. Categorical predictors are one-hot encoded against \
            their reference level; missing values are imputed with the training median or \
            most frequent level.

            Writes to --out-dir: predictions.csv (every patient, predictions CSV format), \
            model.json (+ model.forest), cv.{md,csv,json} (the grid and its scores). \
            With --model, a saved model predicts the cohort instead (no training).

            Examples:
              sinorad conventional --cohort data/cohort.csv --predictors t2_signal,intracranial_invasion --out-dir out/conventional
              sinorad select data/cohort.csv --format json --out out/select.json
              sinorad conventional --cohort data/cohort.csv --from-selection out/select.json --out-dir out/conventional
              sinorad conventional --cohort new.csv --model out/conventional/model.json --out-dir out/new
            """)

    @Option(help: "Predict with this saved model.json instead of training.")
    var model: String?

    @Option(help: "The cohort CSV (with a cohort column holding the training split).")
    var cohort: String

    @Option(help: "Predictors, comma-separated.")
    var predictors: String?

    @Option(help: "Take the predictors from a `sinorad select --format json` output.")
    var fromSelection: String?

    @Option(help: "Classifier: extratrees, randomforest or logistic.")
    var classifier: ConventionalClassifier = .extraTrees

    @Option(help: "How the logistic classifier is fitted: ml (maximum likelihood) or firth (bias-reduced, exists under separation).")
    var method: LogitMethod = .ml

    @Option(help: "Trees per forest.")
    var trees: Int = 500

    @Option(help: "Cross-validation folds.")
    var folds: Int = 5

    @Option(help: "Seed of the folds and the forest.")
    var seed: UInt64 = 1

    @Option(help: "Output folder.")
    var outDir: String

    @Option(help: "Name of the class column.")
    var label: String = "pathology"

    @Option(help: "Variable dictionary: a JSON file or 'sinonasal' (default: the built-in one when the CSV matches it).")
    var dictionary: String?

    func validate() throws {
        guard trees >= 1 else { throw ValidationError("--trees \(trees): expected at least 1") }
        guard folds >= 2 else { throw ValidationError("--folds \(folds): expected at least 2") }
    }

    func run() throws {
        var cohortOptions = try CohortOptions.parse([cohort, "--label", label] + (dictionary.map { ["--dictionary", $0] } ?? []))
        cohortOptions.infer = false
        let data = try cohortOptions.load()
        if let model {
            let (result, classifier) = try ConventionalModel.load(model)
            let predictions = try ConventionalModel.predict(data, result: result, model: classifier)
            try AtomicFile.write(Predictions.csv([predictions]), to: URL(fileURLWithPath: outDir).appendingPathComponent("predictions.csv").path)
            note("predicted \(predictions.count) patient(s) with \(model) -> \(outDir)/predictions.csv")
            return
        }
        var settings = ConventionalSettings()
        settings.classifier = classifier
        settings.logitMethod = method
        settings.predictors = try chosenPredictors()
        settings.trees = trees
        settings.folds = folds
        settings.seed = seed
        note(
            "training \(classifier.rawValue) on \(settings.predictors.joined(separator: ", "))"
                + (classifier == .logistic ? "" : " (\(settings.grid.count) settings x \(folds) folds)"))
        let (result, predictions, model) = try ConventionalModel.train(data, settings: settings)
        let folder = URL(fileURLWithPath: outDir)
        try AtomicFile.write(Predictions.csv([predictions]), to: folder.appendingPathComponent("predictions.csv").path)
        try ConventionalModel.save(result, model: model, to: folder)
        let table = result.layout(titlePrefix: cohortOptions.syntheticPrefix)
        for format in [OutputFormat.md, .csv] { try AtomicFile.write(table.rendered(format), to: folder.appendingPathComponent("cv.\(format.rawValue)").path) }
        try AtomicFile.write(JSONEncoder.sinorad.encode(result), to: folder.appendingPathComponent("cv.json").path)
        if let chosen = result.chosen {
            note("chosen: \(chosen) (cross-validated macro-AUC \(NumberFormat.fixed(result.crossValidatedMacroAUC, 3)))")
        }
        if result.imputedValues > 0 { note("imputed \(result.imputedValues) missing value(s) (training median / most frequent level)") }
        note("wrote \(folder.path)/predictions.csv, model.json, cv.md")
    }

    func chosenPredictors() throws -> [String] {
        switch (predictors, fromSelection) {
        case (let list?, nil):
            return list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        case (nil, let path?):
            struct Selected: Decodable { var predictors: [String] }
            guard let data = FileManager.default.contents(atPath: path),
                let list = (try? JSONDecoder().decode(Selected.self, from: data))?.predictors
            else {
                throw CommandFailure(message: "\(path): not a `sinorad select --format json` output (no \"predictors\" list)")
            }
            guard !list.isEmpty else { throw CommandFailure(message: "\(path): the selection found no independent predictors") }
            return list
        default:
            throw CommandFailure(message: "give either --predictors a,b or --from-selection select.json")
        }
    }
}
