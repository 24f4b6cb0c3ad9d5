import ArgumentParser
import Foundation
import SinoData
import SinoReport
import SinoStats
import SinoStudy

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the study on the built-in SYNTHETIC cohort and write the report.",
        discussion: """
        Simulates the default synthetic cohort (465 patients), then writes Table 1
        (overall and within each cohort), the predictor selection (univariate
        screening, multinomial logistic regression with backward elimination), the
        conventional model (ExtraTrees on the independent predictors, cross-validated
        on the training cohort, with the multinomial logistic model beside it) and
        their comparison on the validation and external test cohorts: tables in
        Markdown, CSV, LaTeX and HTML, figures in PNG, SVG and PDF.

        Example:
          sinorad demo                      # writes reports/demo/
          sinorad demo --out /tmp/demo --seed 7
        """)

    @Option(help: "Output folder.")
    var out: String = "reports/demo"

    @Option(help: "Seed of the synthetic cohort (the models and bootstrap use seed 1).")
    var seed: UInt64 = 20250056

    func run() throws {
        try SinoRad.guarded {
            let started = Date()
            let folder = URL(fileURLWithPath: out)
            func path(_ parts: String...) -> String { parts.reduce(folder) { $0.appendingPathComponent($1) }.path }
            let prefix = "SYNTHETIC cohort: "

            note("[1/6] simulating the SYNTHETIC cohort (seed \(seed))")
            let settings = try CohortSimulator.Settings.scaled(to: 465, seed: seed)
            var csv = try writeSyntheticCohort(settings, to: folder.appendingPathComponent("data"))
            csv.source = "SYNTHETIC cohort (seed \(seed))"
            let cohort = try CohortLoader.load(table: csv, dictionary: .sinonasal()).cohort

            note("[2/6] Table 1 by class, and within each cohort")
            let overall = try TableOne.build(cohort), byCohort = try TableOne.build(cohort, byCohort: true)
            let table1 = overall.layout(title: prefix + "Baseline characteristics by pathology")
            let table1ByCohort = byCohort.layout(title: prefix + "Baseline characteristics by pathology within each cohort")
            try write(table1, json: overall, base: path("tables", "table1"))
            try write(table1ByCohort, json: byCohort, base: path("tables", "table1_by_cohort"))

            note("[3/6] predictor selection on the training cohort")
            let selection = try PredictorSelection.run(cohort, split: "train")
            let selectionTables = selection.layout(titlePrefix: prefix)
            for (table, name) in zip(selectionTables, ["univariate", "multivariable", "elimination"]) {
                try write(table, json: nil, base: path("tables", name))
            }
            try AtomicFile.write(JSONEncoder.sinorad.encode(selection), to: path("select.json"))

            note("[4/6] conventional models on \(selection.predictors.joined(separator: ", ")): ExtraTrees (cross-validated grid) and multinomial logistic")
            var conventional = ConventionalSettings()
            conventional.predictors = selection.predictors
            var predictions: [Predictions] = []
            var modelTables: [Table] = []
            for classifier in [ConventionalClassifier.extraTrees, .logistic] {
                conventional.classifier = classifier
                let (result, p, model) = try ConventionalModel.train(cohort, settings: conventional)
                try ConventionalModel.save(result, model: model, to: folder.appendingPathComponent("models").appendingPathComponent(classifier.rawValue))
                if classifier != .logistic {
                    let table = result.layout(titlePrefix: prefix)
                    modelTables.append(table)
                    try write(table, json: result, base: path("tables", "cv_\(classifier.rawValue)"))
                }
                predictions.append(p)
            }
            try AtomicFile.write(Predictions.csv(predictions), to: path("predictions", "conventional.csv"))

            note("[5/6] comparison on the validation and external test cohorts (bootstrap 2000)")
            var comparisonTables: [Table] = [], figureSections: [(String, [String])] = []
            for split in ["validation", "test"] {
                let aligned = try AlignedPredictions.align(predictions, truth: cohort, cohort: split,
                                                           sources: Array(repeating: path("predictions", "conventional.csv"), count: predictions.count))
                let comparison = try ModelComparison.run(aligned)
                let tables = comparison.layout(titlePrefix: prefix)
                for (table, name) in zip(tables, ["performance", "per_class", "paired"]) {
                    try write(table, json: nil, base: path("tables", "\(name)_\(split)"))
                }
                try AtomicFile.write(JSONEncoder.sinorad.encode(comparison), to: path("tables", "comparison_\(split).json"))
                comparisonTables += tables
                let names = try comparison.writeFigures(to: path("figures", split), titlePrefix: split == "test" ? "Test: " : "Validation: ")
                figureSections.append((split, names))
            }

            note("[6/6] report")
            let allTables = [table1, table1ByCohort] + selectionTables + modelTables + comparisonTables
            let summary = "Independent predictors: \(selection.predictors.joined(separator: ", ")). Conventional models: ExtraTrees and multinomial logistic regression on them."
            try writeReport(tables: allTables, figures: figureSections, summary: summary, folder: folder)
            note("independent predictors: \(selection.predictors.joined(separator: ", "))")
            note(String(format: "done in %.1f s: %@/index.html, report.md, tables/, figures/", Date().timeIntervalSince(started), folder.path))
        }
    }

    /// Writes one table as .md, .csv, .tex and .html (and a structured result as .json).
    func write(_ table: Table, json: (any Encodable)?, base: String) throws {
        for format in [OutputFormat.md, .csv, .tex] { try AtomicFile.write(table.rendered(format), to: "\(base).\(format.rawValue)") }
        try AtomicFile.write(Table.htmlPage(title: table.title, tables: [table]), to: "\(base).html")
        if let json { try AtomicFile.write(JSONEncoder.sinorad.encode(json), to: "\(base).json") }
    }

    /// index.html (self-contained: figures inlined as PNG data) and report.md (linking figures/).
    func writeReport(tables: [Table], figures: [(String, [String])], summary: String, folder: URL) throws {
        let intro = "SYNTHETIC data generated by sinorad simulate (seed \(seed)); not patient data."
        var html = "<h1>SinoRad demo — SYNTHETIC cohort</h1>\n<p>\(Table.htmlEscape(intro))</p>\n<p>\(Table.htmlEscape(summary))</p>\n"
        html += tables.map { $0.html() }.joined(separator: "\n")
        var markdown = "# SinoRad demo — SYNTHETIC cohort\n\n\(intro)\n\n\(summary)\n\n" + tables.map { $0.markdown() }.joined(separator: "\n")
        for (split, names) in figures {
            html += "<h2>Figures: \(split) cohort</h2>\n<div class=\"figures\">\n"
            markdown += "\n## Figures: \(split) cohort\n\n"
            for name in names {
                let png = folder.appendingPathComponent("figures/\(split)/\(name).png")
                let data = try Data(contentsOf: png)
                html += "<figure><img alt=\"\(name)\" width=\"420\" src=\"data:image/png;base64,\(data.base64EncodedString())\"><figcaption>\(name)</figcaption></figure>\n"
                markdown += "![\(name)](figures/\(split)/\(name).png)\n"
            }
            html += "</div>\n"
        }
        try AtomicFile.write(Table.htmlPage(title: "SinoRad demo (SYNTHETIC cohort)", body: html), to: folder.appendingPathComponent("index.html").path)
        try AtomicFile.write(markdown, to: folder.appendingPathComponent("report.md").path)
    }
}
