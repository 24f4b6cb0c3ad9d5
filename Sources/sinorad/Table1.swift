import ArgumentParser
import SinoData
import SinoReport
import SinoStats

extension QuantileMethod: ExpressibleByArgument {}

struct Table1: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "table1",
        abstract: "Baseline characteristics by class (Table 1), with the test and p-value per variable.",
        discussion: """
            Continuous variables are shown as mean (SD) and compared by one-way \
            ANOVA when Shapiro-Wilk p > 0.05 in every class, otherwise as median \
            [Q1, Q3] with Kruskal-Wallis. Categorical variables are shown as n (%) \
            and compared by chi-square when every expected count is >= 5, otherwise \
            by Fisher's exact test (Fisher-Freeman-Halton for r x c). Override per \
            variable in the dictionary ("summary", "test") or here.

            Examples:
              sinorad table1 data/cohort.csv --label pathology
              sinorad table1 data/cohort.csv --strata cohort --format tex --out table1.tex
              sinorad table1 data/cohort.csv --test adc_mean=welch --summary age=mean_sd
            """)

    @OptionGroup var cohort: CohortOptions
    @OptionGroup var output: OutputOptions

    @Option(help: "Also split the table by this column's cohorts (train / validation / test). Only 'cohort' (the dictionary's cohort column) is supported.")
    var strata: String?

    @Option(parsing: .upToNextOption, help: "Per-variable test override, NAME=auto|chisq|fisher|anova|welch|kruskal.")
    var test: [String] = []

    @Option(parsing: .upToNextOption, help: "Per-variable summary override, NAME=auto|mean_sd|median_iqr.")
    var summary: [String] = []

    @Option(help: "Quartile definition: type7 (tableone, numpy) or type2 (gtsummary).")
    var quartiles: QuantileMethod = .type7

    @Option(help: "Seed for the Monte Carlo fallback of very large exact tests.")
    var seed: UInt64 = 1

    func run() throws {
        let data = try cohort.load()
        var options = TableOneOptions()
        options.quantileMethod = quartiles
        options.seed = seed
        options.tests = try parseOverrides(test, data: data, option: "--test")
        options.summaries = try parseOverrides(summary, data: data, option: "--summary")
        if let strata, strata != (data.dictionary.cohortColumn ?? "cohort") {
            throw CommandFailure(message: "--strata \(strata): only the cohort column '\(data.dictionary.cohortColumn ?? "cohort")' can stratify Table 1")
        }
        let table = try TableOne.build(data, byCohort: strata != nil, options: options)
        let title = cohort.syntheticPrefix + "Baseline characteristics by \(data.dictionary.label.column)" + (strata != nil ? " within each cohort" : "")
        try output.emit(tables: [table.layout(title: title)], result: table, title: title)
    }

    func parseOverrides<Value: RawRepresentable>(_ items: [String], data: Cohort, option: String) throws -> [String: Value] where Value.RawValue == String {
        var result: [String: Value] = [:]
        for item in items {
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let value = Value(rawValue: parts[1]) else {
                throw CommandFailure(message: "\(option) \(item): expected NAME=VALUE with a known value")
            }
            guard let variable = data.dictionary.variable(named: parts[0]) else {
                throw CommandFailure(message: "\(option) \(item): no variable '\(parts[0])' in the cohort")
            }
            if let test = value as? TestChoice, !test.applies(to: variable.kind) {
                throw CommandFailure(
                    message:
                        "\(option) \(item): \(test.rawValue) cannot compare a \(variable.kind.rawValue) variable; use \(TestChoice.allCases.filter { $0.applies(to: variable.kind) }.map(\.rawValue).joined(separator: ", "))"
                )
            }
            result[parts[0]] = value
        }
        return result
    }
}
