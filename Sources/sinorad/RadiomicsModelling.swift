import ArgumentParser
import Foundation
import SinoData
import SinoReport
import SinoSelection
import SinoStudy

extension RadiomicsClassifier: ExpressibleByArgument {}

/// The feature table, the cohort and the selection settings, shared by `radiomics select` and
/// `radiomics model`.
struct RadiomicsTableOptions: ParsableArguments {
    @Argument(help: "Feature table CSV: one row per patient (patient_id) and one column per feature, as `radiomics extract --images` writes it.")
    var features: String

    @Option(help: "The cohort CSV (patient_id, the cohort split, the class column).")
    var cohort: String

    @Option(help: "Name of the class column.")
    var label: String = "pathology"

    @Option(help: "Variable dictionary: a JSON file or 'sinonasal' (default: the built-in one when the CSV matches it).")
    var dictionary: String?

    @Option(help: "Class order, comma-separated (e.g. SCC,ACC,ONB); default: the dictionary's, or first appearance.")
    var classes: String?

    @Option(help: "Selection settings (JSON; docs/SELECTION.md lists the keys); default: the documented recipe.")
    var config: String?

    @Option(help: "Feature table of a second segmentation (same patients and features), for the ICC stability step.")
    var secondSegmentation: String?

    @Option(help: "Only the features of these sequences (columns <SEQ>_...), comma-separated.")
    var sequences: String?

    @Option(help: "Name of the patient id column of the feature table.")
    var idColumn: String = "patient_id"

    @Option(help: "Threads for the cross-validation fits (default: all cores; the result does not depend on it).")
    var threads: Int?

    func load() throws -> (table: FeatureTable, cohort: Cohort, config: RadiomicsSelectionConfig, second: FeatureTable?, cohortOptions: CohortOptions) {
        var cohortOptions = try CohortOptions.parse(
            [cohort, "--label", label] + (dictionary.map { ["--dictionary", $0] } ?? []) + (classes.map { ["--classes", $0] } ?? []))
        cohortOptions.infer = false
        // Selection and modelling call OpenBLAS on one thread (OpenBLASThreads.one): its idle
        // workers would only spin beside the readers.
        OpenBLASKernels.stopIdleThreads()
        // The cohort is read on a thread of its own while the feature table is parsed on every
        // worker (a cohort error is reported first, as before). Not two tasks of one parallel
        // loop: the table's own loop, nested in it, kept to one thread.
        let options = cohortOptions
        let workers = ParallelLoop.threadCount(threads)
        let cohortRead = BackgroundResult { try options.load() }
        let tableRead = Result { try FeatureTable.read(path: features, idColumn: idColumn, threads: workers) }
        let data = try cohortRead.value().get()
        let table = try tableRead.get()
        for (column, reason) in table.skipped.prefix(3) { note("\(features): column \(column) left out (\(reason))") }
        if table.skipped.count > 3 { note("\(features): \(table.skipped.count - 3) more non-feature columns left out") }
        let config = try self.config.map(RadiomicsSelectionConfig.load(path:)) ?? RadiomicsSelectionConfig()
        let second = try secondSegmentation.map { try FeatureTable.read(path: $0, idColumn: idColumn, threads: ParallelLoop.threadCount(threads)) }
        return (table, data, config, second, cohortOptions)
    }

    var sequenceList: [String]? { sequences.map(commaList) }
}

extension Radiomics {
    struct Select: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Select radiomics features on the training cohort: z-score, variance, ICC, univariate + BH, redundancy, mRMR, cross-validated LASSO.",
            discussion: """
                Each step is learned on the training cohort only and can be switched off or \
                tuned in --config (docs/SELECTION.md). The LASSO reproduces R glmnet's \
                cv.glmnet (folds from R's set.seed), lambda.1se by default. Prints a table of \
                what each step kept (--format md|csv|tex|html|json, --out F).

                With --out-dir D also writes: selection.csv (every feature's fate in every \
                step and why), selected.md (the selected features and their coefficients), \
                lasso_cv.{svg,png} and lasso_path*.{svg,png}.

                Examples:
                  sinorad radiomics select features.csv --cohort cohort.csv --out-dir out/selection
                  sinorad radiomics select features.csv --cohort cohort.csv --sequences T2WI --config selection.json
                """)

        @OptionGroup var input: RadiomicsTableOptions
        @OptionGroup var output: OutputOptions

        @Option(help: "Folder for the per-feature decisions, the selected features and the LASSO figures.")
        var outDir: String?

        @Option(help: "Cohort split to select on.")
        var on: String = "train"

        func run() throws {
            let (table, cohort, config, second, cohortOptions) = try input.load()
            let columns = try RadiomicsModel.featureColumns(table, sequences: input.sequenceList)
            let training = try cohort.split(on)
            let rows = try table.rows(for: training.ids, cohortSource: cohort.source).map { row in columns.map { row[$0] } }
            let secondRows = try second.map { try $0.rows(for: training.ids, cohortSource: cohort.source).map { row in columns.map { row[$0] } } }
            note("selecting among \(columns.count) features on \(training.count) \(on) patients")
            let selection = try RadiomicsSelection(
                training: rows, labels: training.labels, featureNames: columns.map { table.names[$0] }, classNames: cohort.classes.names,
                secondSegmentation: secondRows, config: config, threads: input.threads)
            let prefix = cohortOptions.syntheticPrefix
            let summary = selection.summaryTable(title: prefix + "Radiomics feature selection (\(on) cohort)")
            let selected = selection.selectedTable(title: prefix + "Selected radiomics features")
            struct Result: Encodable {
                var steps: [SelectionStepRecord]
                var selected: [String]
                var lambdaMin: Double?
                var lambda1SE: Double?
                var chosenLambda: Double?
            }
            if let outDir {
                let folder = URL(fileURLWithPath: outDir)
                try AtomicFile.write(selection.decisionsCSV, to: folder.appendingPathComponent("selection.csv").path)
                try AtomicFile.write(selected.rendered(OutputFormat.md), to: folder.appendingPathComponent("selected.md").path)
                for (name, figure) in try selection.lassoFigures(titlePrefix: prefix) {
                    for format in ["svg", "png"] { try figure.write(to: folder.appendingPathComponent("\(name).\(format)").path) }
                }
                note("wrote \(outDir)/selection.csv, selected.md and the LASSO figures")
            }
            note("selected \(selection.selected.count) feature(s): \(selection.selectedNames.prefix(8).joined(separator: ", "))\(selection.selected.count > 8 ? ", ..." : "")")
            try output.emit(
                tables: [summary, selected],
                result: Result(
                    steps: selection.steps, selected: selection.selectedNames, lambdaMin: selection.lasso?.lambdaMin,
                    lambda1SE: selection.lasso?.lambda1SE, chosenLambda: selection.chosenLambda),
                title: "Radiomics feature selection")
        }
    }

    struct Model: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train a radiomics (or combined clinical + rad-score) model and predict every patient.",
            discussion: """
                Learns the selection of `radiomics select` on the training cohort, then fits the \
                classifier on the selected features (standardised with the training cohort's \
                means and SDs). With --clinical a,b the model is the combined one: the clinical \
                predictors plus the LASSO rad-score(s). Hyper-parameters are chosen by stratified \
                k-fold cross-validated macro-AUC on the training cohort, from each classifier's \
                default grid. Classifiers: extratrees, randomforest, logistic (SinoRad's own), \
                l2logistic (scikit-learn's LogisticRegression through glmnet's ridge), svm \
                (libsvm as scikit-learn's SVC, probabilities by its Platt scaling), knn, xgboost \
                (XGBoost's C API).

                Writes to --out-dir: predictions.csv (the predictions CSV every model writes, so \
                compare, fuse and report take it), model.json (selection, grid, chosen \
                setting), selection.csv and cv.md.

                Examples:
                  sinorad radiomics model features.csv --cohort cohort.csv --classifier svm --out-dir out/radiomics-svm
                  sinorad radiomics model features.csv --cohort cohort.csv --sequences T2WI --classifier xgboost --out-dir out/t2
                  sinorad radiomics model features.csv --cohort cohort.csv --clinical t2_signal,intracranial_invasion --classifier logistic --out-dir out/combined
                """)

        @OptionGroup var input: RadiomicsTableOptions

        @Option(help: "Classifier: \(RadiomicsClassifier.allCases.map(\.rawValue).joined(separator: ", ")).")
        var classifier: RadiomicsClassifier = .svm

        @Option(help: "Clinical predictors for a combined model (with the rad-score), comma-separated.")
        var clinical: String?

        @Option(help: "Model name in the predictions CSV (default radiomics[-SEQ]-<classifier>, combined-... with --clinical).")
        var name: String?

        @Option(help: "Cross-validation folds of the grid search.")
        var folds: Int = 5

        @Option(help: "Seed of the grid-search folds and the classifier.")
        var seed: UInt64 = 1

        @Option(help: "Trees per forest.")
        var trees: Int = 500

        @Option(help: "Output folder.")
        var outDir: String

        func validate() throws {
            guard folds >= 2 else { throw ValidationError("--folds \(folds): expected at least 2") }
            guard trees >= 1 else { throw ValidationError("--trees \(trees): expected at least 1") }
        }

        func run() throws {
            let (table, cohort, config, second, cohortOptions) = try input.load()
            var settings = RadiomicsModelSettings()
            settings.classifier = classifier
            settings.selection = config
            settings.sequences = input.sequenceList
            settings.clinicalPredictors = clinical.map(commaList) ?? []
            settings.name = name
            settings.folds = folds
            settings.seed = seed
            settings.trees = trees
            settings.threads = input.threads
            note("training \(settings.modelName) on \(table.names.count) feature columns")
            let (result, predictions, selection) = try RadiomicsModel.train(features: table, cohort: cohort, settings: settings, secondSegmentation: second)
            let folder = URL(fileURLWithPath: outDir)
            let prefix = cohortOptions.syntheticPrefix
            // model.json (the longest to encode) beside the other three.
            let writes: [() throws -> Void] = [
                { try AtomicFile.write(JSONEncoder.sinorad.encode(result), to: folder.appendingPathComponent("model.json").path) },
                {
                    try AtomicFile.write(Predictions.csv([predictions]), to: folder.appendingPathComponent("predictions.csv").path)
                    try AtomicFile.write(selection.decisionsCSV, to: folder.appendingPathComponent("selection.csv").path)
                    let tables = [
                        selection.summaryTable(title: prefix + "Radiomics feature selection"),
                        selection.selectedTable(title: prefix + "Selected radiomics features"),
                        result.gridTable(title: prefix + "\(result.modelName): cross-validated grid")
                    ]
                    try AtomicFile.write(tables.map { $0.rendered(OutputFormat.md) }.joined(separator: "\n"), to: folder.appendingPathComponent("cv.md").path)
                }
            ]
            _ = try ParallelLoop.map(count: writes.count, threads: ParallelLoop.threadCount(input.threads)) { try writes[$0]() }
            let choice =
                result.grid.isEmpty
                ? "no hyper-parameters to tune" : "chosen \(result.chosen) (cross-validated macro-AUC \(NumberFormat.fixed(result.crossValidatedMacroAUC, 3)))"
            note("selected \(result.selectedFeatures.count) feature(s); \(choice)")
            note("wrote \(outDir)/predictions.csv, model.json, selection.csv, cv.md")
        }
    }
}

/// A value computed on a thread of its own (a Foundation thread, outside the pool that
/// `ParallelLoop` shares), waited for with `value()`.
final class BackgroundResult<T>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var result: Result<T, Error>?

    private let make: () throws -> T

    init(_ make: @escaping () throws -> T) {
        self.make = make
        let thread = Thread { [self] in
            result = Result { try self.make() }
            done.signal()
        }
        thread.start()
    }

    /// Waits for the value (once).
    func value() -> Result<T, Error> {
        done.wait()
        return result!
    }
}
