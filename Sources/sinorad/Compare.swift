import ArgumentParser
import Foundation
import SinoData
import SinoReport
import SinoStats
import SinoStudy

struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare models side by side on the same patients: AUCs with DeLong and bootstrap CIs, metrics, paired tests, figures.",
        discussion: """
            Reads one or more predictions CSV files (patient_id, cohort, model, p_<class>...; \
            see data-schema/predictions.schema.json), from SinoRad or from any other tool, \
            and the truth from the cohort CSV. Every model must cover the same patients \
            of the chosen cohort.

            For each model: one-vs-rest AUC per class with DeLong 95% CI (as pROC), macro \
            and micro AUC with stratified bootstrap CIs, accuracy, precision, recall, \
            specificity and F1 with Wilson CIs, the confusion matrix, calibration and \
            decision curves. For each pair (or each model against --reference): paired \
            DeLong per class, a paired bootstrap test of the macro-AUC difference, and \
            McNemar (exact and continuity-corrected) on correct calls; Holm adjustment \
            across comparisons.

            Examples:
              sinorad compare out/predictions.csv --truth data/cohort.csv --cohort test
              sinorad compare a.csv b.csv --truth data/cohort.csv --cohort test --figures out/figures
              sinorad compare preds.csv --truth data/cohort.csv --cohort test --reference conventional-extratrees --format json
            """)

    @Argument(help: "Predictions CSV files (each may hold several models).")
    var predictions: [String]

    @Option(help: "The cohort CSV with the true classes.")
    var truth: String

    @Option(help: "Cohort to compare on (train, validation, test); needed when the predictions cover several.")
    var cohort: String?

    @Option(help: "Compare every model against this one instead of every pair.")
    var reference: String?

    @Option(help: "Bootstrap replicates for the macro/micro AUC CIs and the paired macro-AUC test.")
    var bootstrap: Int = 2000

    @Option(help: "Seed of the bootstrap.")
    var seed: UInt64 = 1

    @Option(help: "Write the figures (ROC, confusion matrix, calibration, decision curves) into this folder.")
    var figures: String?

    @OptionGroup var truthOptions: TruthOptions

    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard bootstrap >= 100 else { throw ValidationError("--bootstrap \(bootstrap): use at least 100 replicates") }
    }

    func run() throws {
        let formats = try parseFigureFormats(truthOptions.figureFormats)
        let truthCohort = try loadTruth()
        let result = try ModelComparison.run(
            files: predictions, truth: truthCohort, cohort: cohort, reference: reference,
            bootstrap: bootstrap, seed: seed)
        note("compared \(result.models.count) model(s) on \(result.patients) \(result.cohort) patients (bootstrap \(bootstrap), seed \(seed))")
        for m in result.models {
            for c in m.perClassAUC where c.auc == nil { note("warning: \(m.model): AUC of \(c.className) undefined (\(c.undefinedReason ?? ""))") }
        }
        if let figures {
            let names = try result.writeFigures(to: figures, formats: formats)
            note("wrote \(names.count) figure(s) to \(figures)")
        }
        try output.emit(tables: result.layout(), result: result, title: "Model comparison")
    }

    /// The truth cohort (only the id, cohort and class columns are used).
    func loadTruth() throws -> Cohort {
        try CohortLoader.read(path: truth, dictionary: truthOptions.dictionary, labelColumn: truthOptions.label, outcomeOnly: true).cohort
    }
}
