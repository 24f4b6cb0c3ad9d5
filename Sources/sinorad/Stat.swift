import ArgumentParser
import Foundation
import SinoData
import SinoReport
import SinoStats

struct Stat: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Single tests on inline data or CSV columns: a calculator for quick checks.",
        discussion: """
            Examples:
              sinorad stat chisq --table "12,5,9;3,14,8"
              sinorad stat fisher --table "3,1;1,3"
              sinorad stat fisher --csv cohort.csv --row perineural_spread --by pathology
              sinorad stat anova --group 5.1,4.9,5.0 --group 6.2,5.9,6.4 --group 7.0,6.8,7.3
              sinorad stat kruskal --csv cohort.csv --value adc_mean --by pathology
              sinorad stat mannwhitney --group 1,2,3,4 --group 5,6,7,8,9
              sinorad stat pairwise --csv cohort.csv --value age --by pathology --test welch --adjust holm
            """,
        subcommands: [ChiSquare.self, Fisher.self, ANOVA.self, Welch.self, Kruskal.self, MannWhitney.self, Shapiro.self, Pairwise.self])
}

/// Data for a contingency-table test: inline ("a,b;c,d") or a cross-tab of two CSV columns.
struct TableInput: ParsableArguments {
    @Option(help: "Inline table: rows separated by ';', counts by ','.")
    var table: String?
    @Option(help: "CSV file to cross-tabulate.")
    var csv: String?
    @Option(help: "CSV column for the table rows.")
    var row: String?
    @Option(help: "CSV column for the table columns (e.g. the class).")
    var by: String?

    func counts() throws -> (counts: [[Int]], rows: [String], columns: [String]) {
        if let table {
            let rows = try table.split(separator: ";").enumerated().map { r, line in
                try line.split(separator: ",").enumerated().map { c, cell -> Int in
                    guard let n = Int(cell.trimmingCharacters(in: .whitespaces)), n >= 0 else {
                        throw CommandFailure(message: "--table: row \(r + 1), column \(c + 1) is '\(cell)'; expected a non-negative integer count")
                    }
                    return n
                }
            }
            return (rows, rows.indices.map { "row \($0 + 1)" }, (rows.first ?? []).indices.map { "col \($0 + 1)" })
        }
        guard let csv, let row, let by else {
            throw CommandFailure(message: "give --table \"a,b;c,d\", or --csv FILE --row COLUMN --by COLUMN")
        }
        return try CSVTable.read(path: csv).crossTabulation(row: row, column: by)
    }
}

/// Data for a group test: inline groups or a CSV value column split by a grouping column.
struct GroupInput: ParsableArguments {
    @Option(help: "One group's values, comma-separated; repeat for each group.")
    var group: [String] = []
    @Option(help: "CSV file holding the data.")
    var csv: String?
    @Option(help: "CSV column with the values.")
    var value: String?
    @Option(help: "CSV column with the group of each row.")
    var by: String?

    func groups() throws -> (values: [[Double]], names: [String]) {
        if !group.isEmpty {
            let values = try group.enumerated().map { g, text in
                try text.split(separator: ",").map { cell -> Double in
                    guard let v = Double(cell.trimmingCharacters(in: .whitespaces)), v.isFinite else {
                        throw CommandFailure(message: "--group \(g + 1): '\(cell)' is not a number")
                    }
                    return v
                }
            }
            return (values, values.indices.map { "group \($0 + 1)" })
        }
        guard let csv, let value, let by else {
            throw CommandFailure(message: "give --group v1,v2,... for each group, or --csv FILE --value COLUMN --by COLUMN")
        }
        return try CSVTable.read(path: csv).groups(value: value, by: by)
    }
}

/// The one-row answer every `stat` subcommand prints.
struct StatResult: Codable {
    var test: String
    var statistic: Double?
    var df: String?
    var pValue: Double
    var details: [String: String]

    func table() -> Table {
        var table = Table(title: test, columns: ["Quantity", "Value"])
        if let statistic { table.append(["Statistic", String(format: "%.6g", statistic)]) }
        if let df { table.append(["df", df]) }
        table.append(["p", String(format: "%.6g", pValue)])
        for key in details.keys.sorted() { table.append([key, details[key]!]) }
        return table
    }
}

func emitStat(_ result: StatResult, _ output: OutputOptions) throws {
    try output.emit(tables: [result.table()], result: result, title: result.test)
}

extension Stat {
    struct ChiSquare: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "chisq", abstract: "Chi-square test of independence (Yates only for 2 x 2, as scipy).")
        @OptionGroup var input: TableInput
        @OptionGroup var output: OutputOptions
        @Flag(help: "No Yates continuity correction for 2 x 2 tables.") var noCorrection = false
        func run() throws {
            let (counts, _, _) = try input.counts()
            let r = try ChiSquareTest.independence(counts, correction: !noCorrection)
            let expected = r.expected.map { $0.map { String(format: "%.2f", $0) }.joined(separator: ", ") }.joined(separator: "; ")
            try emitStat(
                StatResult(
                    test: r.yatesCorrected ? "Chi-square test (Yates)" : "Chi-square test", statistic: r.statistic, df: "\(r.df)", pValue: r.pValue,
                    details: [
                        "expected counts": expected, "smallest expected": String(format: "%.3g", r.minimumExpected),
                        "Cramér's V": (try? CramersV.of(counts)).map { String(format: "%.4f", $0) } ?? "—"
                    ]), output)
        }
    }

    struct Fisher: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Fisher's exact test (2 x 2) or Fisher-Freeman-Halton (r x c), as R fisher.test.")
        @OptionGroup var input: TableInput
        @OptionGroup var output: OutputOptions
        @Option(help: "Monte Carlo p-value with this many random tables instead of the exact one.") var simulate: Int?
        @Option(help: "Seed for --simulate.") var seed: UInt64 = 1
        func run() throws {
            let (counts, _, _) = try input.counts()
            let r = try simulate.map { try FisherExactTest.monteCarlo(counts, replicates: $0, seed: seed) } ?? FisherExactTest.test(counts)
            var details = ["method": r.method]
            if let or = r.oddsRatio { details["odds ratio (sample)"] = String(format: "%.4g", or) }
            try emitStat(StatResult(test: "Fisher's exact test", statistic: nil, df: nil, pValue: r.pValue, details: details), output)
        }
    }

    struct ANOVA: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "anova", abstract: "One-way ANOVA (scipy f_oneway).")
        @OptionGroup var input: GroupInput
        @OptionGroup var output: OutputOptions
        func run() throws {
            let r = try OneWayANOVA.test(input.groups().values)
            try emitStat(
                StatResult(
                    test: "One-way ANOVA", statistic: r.statistic, df: "\(r.dfBetween), \(r.dfWithin)", pValue: r.pValue,
                    details: ["eta²": String(format: "%.4f", r.etaSquared)]), output)
        }
    }

    struct Welch: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Welch's ANOVA for unequal variances (statsmodels anova_oneway).")
        @OptionGroup var input: GroupInput
        @OptionGroup var output: OutputOptions
        func run() throws {
            let r = try WelchANOVA.test(input.groups().values)
            try emitStat(StatResult(test: "Welch ANOVA", statistic: r.statistic, df: String(format: "%.4g, %.4g", r.df1, r.df2), pValue: r.pValue, details: [:]), output)
        }
    }

    struct Kruskal: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Kruskal-Wallis H test, tie-corrected (scipy kruskal).")
        @OptionGroup var input: GroupInput
        @OptionGroup var output: OutputOptions
        func run() throws {
            let r = try KruskalWallis.test(input.groups().values)
            try emitStat(
                StatResult(
                    test: "Kruskal-Wallis", statistic: r.statistic, df: "\(r.df)", pValue: r.pValue,
                    details: ["epsilon²": String(format: "%.4f", r.epsilonSquared)]), output)
        }
    }

    struct MannWhitney: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "mannwhitney", abstract: "Mann-Whitney U test of two groups (scipy mannwhitneyu).")
        @OptionGroup var input: GroupInput
        @OptionGroup var output: OutputOptions
        func run() throws {
            let (groups, names) = try input.groups()
            guard groups.count == 2 else { throw CommandFailure(message: "Mann-Whitney compares exactly 2 groups; got \(groups.count) (\(names.joined(separator: ", ")))") }
            let r = try MannWhitneyU.test(groups[0], groups[1])
            try emitStat(
                StatResult(
                    test: "Mann-Whitney U", statistic: r.statistic, df: nil, pValue: r.pValue,
                    details: ["method": r.method.rawValue, "U is for": names[0]]), output)
        }
    }

    struct Shapiro: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Shapiro-Wilk normality test of each group (scipy shapiro).")
        @OptionGroup var input: GroupInput
        @OptionGroup var output: OutputOptions
        func run() throws {
            let (groups, names) = try input.groups()
            guard groups.count == 1 else { throw CommandFailure(message: "give one group (--group) or run per group; got \(groups.count): \(names.joined(separator: ", "))") }
            let r = try ShapiroWilk.test(groups[0])
            try emitStat(StatResult(test: "Shapiro-Wilk", statistic: r.statistic, df: nil, pValue: r.pValue, details: ["n": "\(groups[0].count)"]), output)
        }
    }
}

extension PairwiseComparisons.Test: ExpressibleByArgument {}
extension PValueAdjustment.Method: ExpressibleByArgument {}

extension Stat {
    struct Pairwise: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Post-hoc tests between every pair of groups, with Bonferroni, Holm or Benjamini-Hochberg adjustment.")
        @OptionGroup var input: GroupInput
        @OptionGroup var output: OutputOptions
        @Option(help: "Test per pair: \(PairwiseComparisons.Test.allCases.map(\.rawValue).joined(separator: ", ")).")
        var test: PairwiseComparisons.Test = .mannWhitneyU
        @Option(help: "p-value adjustment: \(PValueAdjustment.Method.allCases.map(\.rawValue).joined(separator: ", ")).")
        var adjust: PValueAdjustment.Method = .holm

        func run() throws {
            let (groups, names) = try input.groups()
            let comparisons = try PairwiseComparisons.compare(groups, names: names, test: test, adjustment: adjust)
            var table = Table(
                title: "Pairwise \(test.rawValue) tests, \(adjust.rawValue) adjustment",
                columns: ["Pair", "Statistic", "p", "Adjusted p"])
            for c in comparisons {
                table.append([
                    "\(c.groupA) vs \(c.groupB)", String(format: "%.6g", c.statistic),
                    String(format: "%.6g", c.pValue), String(format: "%.6g", c.adjustedPValue)
                ])
            }
            try output.emit(tables: [table], result: comparisons, title: table.title)
        }
    }
}
