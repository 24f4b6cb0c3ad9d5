import ArgumentParser
import Foundation
import SinoData
import SinoReport
import SinoStudy

extension OutputFormat: ExpressibleByArgument {}

/// `--format` and `--out`, shared by every analysis command.
struct OutputOptions: ParsableArguments {
    @Option(help: "Output format: md, csv, tex, html or json (default: from --out's extension, else md).")
    var format: OutputFormat?

    @Option(help: "Write to this file (atomically) instead of standard output.")
    var out: String?

    var resolvedFormat: OutputFormat { format ?? out.flatMap(OutputFormat.from(path:)) ?? .md }

    /// Writes the rendered tables, or the structured result for JSON.
    func emit<Result: Encodable>(tables: [Table], result: Result, title: String) throws {
        let text: String
        switch resolvedFormat {
        case .json:
            text = String(decoding: try JSONEncoder.sinorad.encode(result), as: UTF8.self) + "\n"
        case .html:
            text = Table.htmlPage(title: title, tables: tables)
        case .csv:
            text = tables.map { $0.csv() }.joined(separator: "\n")
        case .md, .tex:
            text = tables.map { $0.rendered(resolvedFormat) }.joined(separator: "\n")
        }
        try write(text)
    }

    func write(_ text: String) throws {
        if let out {
            try AtomicFile.write(text, to: out)
            note("wrote \(out)")
        } else {
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }
}

/// The cohort CSV and how to read it, shared by table1, select and validate.
struct CohortOptions: ParsableArguments {
    @Argument(help: "Cohort CSV: one row per patient (see data-schema/cohort.schema.json).")
    var csv: String

    @Option(help: "Name of the class (outcome) column.")
    var label: String = "pathology"

    @Option(
        help: ArgumentHelp(
            "Variable dictionary: a JSON file, or 'sinonasal' for the built-in one.",
            discussion: "Without it, the built-in sinonasal dictionary is used when the CSV has all its columns; otherwise column kinds are inferred and printed."))
    var dictionary: String?

    @Flag(help: "Infer column kinds from the data even if the CSV matches the built-in dictionary.")
    var infer = false

    @Option(help: "Class order, comma-separated (e.g. SCC,ACC,ONB); default: the dictionary's, or first appearance.")
    var classes: String?

    /// Loads and validates the cohort; prints what the user must know (inference, warnings) to stderr.
    func load() throws -> Cohort {
        let loaded = try CohortLoader.read(
            path: csv, dictionary: dictionary, labelColumn: label, classOrder: classes.map(commaList),
            inferKinds: infer)
        if loaded.usedBuiltinDictionary {
            note("using the built-in sinonasal dictionary (all its columns are present; --infer to infer kinds instead)")
        }
        if !loaded.inferred.isEmpty {
            note("no dictionary: column kinds inferred from the data (pass --dictionary FILE to set them):")
            for item in loaded.inferred {
                let levels = item.levels.map { " [\($0.joined(separator: ", "))]" } ?? ""
                note("  \(item.name): \(item.kind.rawValue)\(levels) — \(item.reason)")
            }
        }
        for warning in loaded.warnings { note("warning: \(warning)") }
        return loaded.cohort
    }

    /// "SYNTHETIC " when the CSV sits beside a metadata.json written by `sinorad simulate`.
    var syntheticPrefix: String { isSyntheticData(beside: csv) ? "SYNTHETIC cohort: " : "" }
}

/// `--figure-formats png,svg,pdf` as formats.
func parseFigureFormats(_ text: String) throws -> [FigureFormat] {
    try text.split(separator: ",").map { item -> FigureFormat in
        guard let format = FigureFormat(rawValue: item.trimmingCharacters(in: .whitespaces).lowercased()) else {
            throw CommandFailure(message: "--figure-formats: '\(item)' is not one of png, svg, pdf")
        }
        return format
    }
}

/// How `compare` and `readers` read the truth CSV, and the formats of their figures.
struct TruthOptions: ParsableArguments {
    @Option(help: "Figure formats, comma-separated: png, svg, pdf.")
    var figureFormats: String = "png,svg,pdf"

    @Option(help: "Name of the class column in the truth CSV.")
    var label: String = "pathology"

    @Option(help: "Variable dictionary of the truth CSV ('sinonasal' or a file); only the id, cohort and class columns are used.")
    var dictionary: String?
}
