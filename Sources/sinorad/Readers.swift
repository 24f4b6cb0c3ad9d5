import ArgumentParser
import Foundation
import SinoData
import SinoReport
import SinoStats
import SinoStudy

struct Readers: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Analyse a reader study: each radiologist's performance unaided and AI-assisted, McNemar, Cohen's kappa.",
        discussion: """
            Reads the reads CSV (patient_id, reader, assisted, call; see \
            data-schema/READS.md and data-schema/reads.schema.json) and the truth from \
            the cohort CSV. Every problem in the reads (unknown patient or class, a \
            duplicate read, assisted not yes/no, a reader with an unaided read but no \
            AI-assisted read of a patient or the reverse) is reported at once, with its \
            row and line.

            Per reader and condition (unaided, AI-assisted): accuracy with Wilson 95% \
            CI, recall, precision and F1 per class and macro-averaged, the confusion \
            matrix and Cohen's kappa against the truth. Per reader: the exact McNemar \
            test of unaided against AI-assisted correctness. Per condition: Cohen's \
            kappa between each pair of readers. Metrics as scikit-learn, kappa SE and \
            McNemar as statsmodels.

            Examples:
              sinorad simulate --out data
              sinorad readers data/reads.csv --truth data/cohort.csv --cohort test
              sinorad readers data/reads.csv --truth data/cohort.csv --format json
              sinorad readers reads.csv --truth cohort.csv --figures out/readers
            """)

    @Argument(help: "Reads CSV: patient_id, reader, assisted (yes/no), call.")
    var reads: String

    @Option(help: "The cohort CSV with the true classes.")
    var truth: String

    @Option(help: "Analyse only the patients of this cohort (train, validation, test).")
    var cohort: String?

    @Option(help: "Write one confusion-matrix figure per reader and condition into this folder.")
    var figures: String?

    @OptionGroup var truthOptions: TruthOptions

    @Option(help: "Class order, comma-separated (e.g. SCC,ACC,ONB); default: the dictionary's, or first appearance in the truth CSV.")
    var classes: String?

    @OptionGroup var output: OutputOptions

    func run() throws {
        let formats = try parseFigureFormats(truthOptions.figureFormats)
        let order = classes.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        let truthCohort = try CohortLoader.read(
            path: truth, dictionary: truthOptions.dictionary, labelColumn: truthOptions.label,
            classOrder: order, outcomeOnly: true
        ).cohort
        let study = try ReaderStudy.run(readsAt: reads, truth: truthCohort, truthSource: truth, cohort: cohort)
        note(
            "reader study: \(study.readers.count) reader(s) (\(study.readers.joined(separator: ", "))) on \(study.patients) patients"
                + (cohort.map { " of the \($0) cohort" } ?? ""))
        for reader in study.readers where !study.assistance.contains(where: { $0.reader == reader }) {
            note("note: \(reader) read in one condition only: no McNemar test of AI assistance")
        }
        for p in study.performance where p.kappaWithTruth == nil {
            note("warning: \(p.reader), \(p.condition.rawValue): kappa with the truth undefined (\(p.kappaUndefinedReason ?? ""))")
        }
        let prefix = syntheticPrefix
        if let figures {
            let names = try study.writeFigures(to: figures, formats: formats, titlePrefix: prefix)
            note("wrote \(names.count) figure(s) to \(figures)")
        }
        try output.emit(tables: study.layout(titlePrefix: prefix), result: study, title: prefix + "Reader study")
    }

    /// "SYNTHETIC reads: " when the reads sit beside a metadata.json written by `sinorad simulate`.
    var syntheticPrefix: String { isSyntheticData(beside: reads) ? "SYNTHETIC reads: " : "" }
}
