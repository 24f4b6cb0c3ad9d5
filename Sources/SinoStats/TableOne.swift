import Foundation
import SinoData

/// Settings of a Table 1 (baseline characteristics by class).
public struct TableOneOptions: Sendable {
    /// Summary style per variable name, overriding the dictionary and the automatic choice.
    public var summaries: [String: SummaryStyle] = [:]
    /// Test per variable name, overriding the dictionary and the automatic choice.
    public var tests: [String: TestChoice] = [:]
    /// A continuous variable counts as normal when Shapiro-Wilk p exceeds this in every class.
    public var normalityAlpha = 0.05
    /// Chi-square needs every expected count at least this; otherwise an exact test is used.
    public var minimumExpected = 5.0
    /// Quartiles: type 7 (tableone, numpy) by default; type 2 as gtsummary.
    public var quantileMethod: QuantileMethod = .type7
    /// Monte Carlo fallback when an exact r x c table is too large: replicates and seed.
    public var monteCarloReplicates = 10_000
    public var seed: UInt64 = 1
    /// The defaults: summaries and tests chosen automatically, Shapiro-Wilk at 0.05, chi-square
    /// when every expected count is at least 5, type-7 quartiles, 10,000 Monte Carlo replicates with
    /// seed 1 when an exact r x c test is too large.
    public init() {}
}

/// Numbers describing one group's values of a continuous variable.
public struct GroupSummary: Codable, Sendable, Equatable {
    public var n: Int
    public var mean: Double?
    public var sd: Double?
    public var median: Double?
    public var q1: Double?
    public var q3: Double?
    public var minimum: Double?
    public var maximum: Double?
}

/// Counts of one level: overall and per class.
public struct LevelCounts: Codable, Sendable, Equatable {
    public var level: String
    public var label: String
    public var overall: Int
    public var byClass: [Int]
}

/// The test that compared the classes for one variable, and why it was chosen.
public struct GroupComparison: Codable, Sendable, Equatable {
    public var test: String
    public var statistic: Double
    public var df: String
    public var pValue: Double
    public var effectSizeName: String
    public var effectSize: Double?
    public var reason: String
}

/// One variable's row block in Table 1.
public struct TableOneVariable: Codable, Sendable {
    public var name: String
    public var label: String
    public var kind: VariableKind
    /// "mean_sd", "median_iqr" or "n_percent".
    public var summary: String
    public var decimals: Int
    public var missingOverall: Int
    public var missingByClass: [Int]
    public var overall: GroupSummary?
    public var byClass: [GroupSummary]?
    public var levels: [LevelCounts]?
    public var comparison: GroupComparison?
    /// Why no test could be run (e.g. a single observed level), when that happens.
    public var untested: String?
}

/// Table 1 for one set of patients (the whole cohort or one split).
public struct TableOneStratum: Codable, Sendable {
    public var name: String?
    public var n: Int
    public var classCounts: [Int]
    public var variables: [TableOneVariable]
}

/// Baseline characteristics by class, optionally within each cohort (train / validation / test).
public struct TableOne: Codable, Sendable {
    public var source: String
    public var classes: [String]
    public var classLabels: [String]
    public var quantileMethod: QuantileMethod
    public var strata: [TableOneStratum]
    public var warnings: [String]

    /// Builds Table 1 for `cohort`, within each split when `byCohort` is set.
    /// - Parameters:
    ///   - cohort: the patients with their classes and variables.
    ///   - byCohort: one stratum per split (train, validation, test) instead of one for all.
    ///   - options: summary styles, test choices and thresholds.
    /// - Returns: per stratum, each variable's summary by class and its test; problems that did
    ///   not stop the table are in `warnings`.
    /// - Throws: `StatsError.invalidInput` when `byCohort` is set and the cohort has no split
    ///   column, or a chosen test does not fit the variable's kind.
    public static func build(_ cohort: Cohort, byCohort: Bool = false, options: TableOneOptions = TableOneOptions()) throws -> TableOne {
        var table = TableOne(
            source: cohort.source, classes: cohort.classes.names,
            classLabels: cohort.classes.names.map { cohort.dictionary.label.classLabels?[$0] ?? $0 },
            quantileMethod: options.quantileMethod, strata: [], warnings: [])
        let groups: [(String?, Cohort)] = byCohort ? try cohort.splitNames.map { ($0, try cohort.split($0)) } : [(nil, cohort)]
        if byCohort && groups.isEmpty {
            throw StatsError.invalidInput("\(cohort.source): --strata needs a cohort column; the file has none")
        }
        for (name, part) in groups {
            var builder = TableOneBuilder(cohort: part, options: options)
            let variables = part.variables.map { builder.variable($0) }
            table.strata.append(TableOneStratum(name: name, n: part.count, classCounts: part.classCounts, variables: variables))
            table.warnings += builder.warnings.map { (name.map { "\($0): " } ?? "") + $0 }
        }
        return table
    }
}

/// Computes one stratum's rows; collects warnings on the way.
struct TableOneBuilder {
    let cohort: Cohort
    let options: TableOneOptions
    var warnings: [String] = []

    init(cohort: Cohort, options: TableOneOptions) {
        self.cohort = cohort
        self.options = options
    }

    var classCount: Int { cohort.classes.count }

    mutating func variable(_ variable: Variable) -> TableOneVariable {
        let column = cohort.columns[variable.name]!
        var missingByClass = Array(repeating: 0, count: classCount)
        for (row, label) in cohort.labels.enumerated() where !column.isPresent(row) { missingByClass[label] += 1 }
        var result = TableOneVariable(
            name: variable.name, label: variable.displayName, kind: variable.kind, summary: "n_percent",
            decimals: 0, missingOverall: missingByClass.reduce(0, +), missingByClass: missingByClass)
        switch column {
        case .continuous(let values): continuous(variable, values, into: &result)
        case .categorical(let codes): categorical(variable, codes, into: &result)
        }
        return result
    }

    // MARK: Continuous

    mutating func continuous(_ variable: Variable, _ values: [Double?], into result: inout TableOneVariable) {
        var groups = Array(repeating: [Double](), count: classCount)
        for (row, label) in cohort.labels.enumerated() { if let v = values[row] { groups[label].append(v) } }
        let all = groups.flatMap { $0 }
        result.decimals = min(3, values.compactMap { $0 }.map(Self.decimalPlaces).max() ?? 0) + 1
        result.overall = summarise(all)
        result.byClass = groups.map(summarise)
        guard !all.isEmpty else {
            result.summary = "median_iqr"
            result.untested = "no values"
            return
        }
        let (normal, normality) = isNormal(groups)
        let style = options.summaries[variable.name] ?? variable.summary ?? .auto
        result.summary = style == .meanSD || (style == .auto && normal) ? "mean_sd" : "median_iqr"
        let choice = options.tests[variable.name] ?? variable.test ?? .auto
        do {
            result.comparison = try compareContinuous(groups, choice: choice, normal: normal, normality: normality)
        } catch {
            result.untested = "\(error)"
            warnings.append("\(variable.name): not tested (\(error))")
        }
    }

    func compareContinuous(_ groups: [[Double]], choice: TestChoice, normal: Bool, normality: String) throws -> GroupComparison {
        let present = groups.filter { !$0.isEmpty }
        let test: TestChoice = choice == .auto ? (normal ? .anova : .kruskal) : choice
        switch test {
        case .anova:
            let r = try OneWayANOVA.test(present)
            return GroupComparison(
                test: "One-way ANOVA", statistic: r.statistic, df: "\(r.dfBetween), \(r.dfWithin)", pValue: r.pValue,
                effectSizeName: "eta²", effectSize: r.etaSquared,
                reason: choice == .auto ? "normal within every class (\(normality))" : "requested")
        case .welch:
            let r = try WelchANOVA.test(present)
            return GroupComparison(
                test: "Welch ANOVA", statistic: r.statistic, df: String(format: "%d, %.2f", Int(r.df1.rounded()), r.df2),
                pValue: r.pValue, effectSizeName: "", effectSize: nil, reason: "requested")
        case .kruskal:
            let r = try KruskalWallis.test(present)
            return GroupComparison(
                test: "Kruskal-Wallis", statistic: r.statistic, df: "\(r.df)", pValue: r.pValue,
                effectSizeName: "epsilon²", effectSize: r.epsilonSquared,
                reason: choice == .auto ? "not normal within every class (\(normality))" : "requested")
        case .chisq, .fisher, .auto:
            throw StatsError.invalidInput("\(choice.rawValue) is a test for categorical variables")
        }
    }

    /// Shapiro-Wilk in every class (3 to 5000 values); fewer than 3 values counts as not normal.
    func isNormal(_ groups: [[Double]]) -> (Bool, String) {
        var smallest = 1.0
        for group in groups where !group.isEmpty {
            guard let r = try? ShapiroWilk.test(group) else { return (false, "Shapiro-Wilk not applicable to a class of \(group.count)") }
            smallest = min(smallest, r.pValue)
        }
        let text = "smallest Shapiro-Wilk p = \(formatP(smallest))"
        return (smallest > options.normalityAlpha, text)
    }

    func summarise(_ values: [Double]) -> GroupSummary {
        guard !values.isEmpty else { return GroupSummary(n: 0) }
        let q = try? Descriptives.quantiles(values, [0.25, 0.5, 0.75], method: options.quantileMethod)
        return GroupSummary(
            n: values.count, mean: try? Descriptives.mean(values),
            sd: values.count > 1 ? try? Descriptives.standardDeviation(values) : nil,
            median: q?[1], q1: q?[0], q3: q?[2], minimum: values.min(), maximum: values.max())
    }

    static func decimalPlaces(_ value: Double) -> Int {
        for places in 0...6 {
            let scaled = value * pow(10, Double(places))
            if abs(scaled - scaled.rounded()) < 1e-6 * max(1, abs(scaled)) { return places }
        }
        return 6
    }

    // MARK: Categorical

    mutating func categorical(_ variable: Variable, _ codes: [Int?], into result: inout TableOneVariable) {
        let levels = variable.levels ?? []
        var counts = Array(repeating: Array(repeating: 0, count: classCount), count: levels.count)
        for (row, label) in cohort.labels.enumerated() { if let code = codes[row] { counts[code][label] += 1 } }
        result.levels = levels.enumerated().map { index, level in
            LevelCounts(level: level, label: variable.levelLabel(level), overall: counts[index].reduce(0, +), byClass: counts[index])
        }
        // Levels nobody has carry no information and make expected counts zero: leave them out of the test.
        let observed = counts.filter { $0.reduce(0, +) > 0 }
        guard observed.count >= 2 else {
            result.untested = observed.isEmpty ? "no values" : "a single observed level"
            return
        }
        let choice = options.tests[variable.name] ?? variable.test ?? .auto
        do {
            result.comparison = try compareCategorical(observed, choice: choice)
        } catch {
            result.untested = "\(error)"
            warnings.append("\(variable.name): not tested (\(error))")
        }
    }

    func compareCategorical(_ table: [[Int]], choice: TestChoice) throws -> GroupComparison {
        let chi = try ChiSquareTest.independence(table)
        let cramer = try? CramersV.of(table)
        let useChi: Bool
        switch choice {
        case .auto: useChi = chi.minimumExpected >= options.minimumExpected
        case .chisq: useChi = true
        case .fisher: useChi = false
        case .anova, .welch, .kruskal: throw StatsError.invalidInput("\(choice.rawValue) is a test for continuous variables")
        }
        let expectedNote = "smallest expected count \(String(format: "%.1f", chi.minimumExpected))"
        if useChi {
            let name = chi.yatesCorrected ? "Chi-square (Yates)" : "Chi-square"
            return GroupComparison(
                test: name, statistic: chi.statistic, df: "\(chi.df)", pValue: chi.pValue,
                effectSizeName: "Cramér's V", effectSize: cramer,
                reason: choice == .auto ? "\(expectedNote) >= \(Int(options.minimumExpected))" : "requested")
        }
        let reason = choice == .auto ? "\(expectedNote) < \(Int(options.minimumExpected))" : "requested"
        let isTwoByTwo = table.count == 2 && table[0].count == 2
        do {
            let fisher = try FisherExactTest.test(table)
            return GroupComparison(
                test: isTwoByTwo ? "Fisher exact" : "Fisher-Freeman-Halton exact", statistic: .nan, df: "",
                pValue: fisher.pValue, effectSizeName: "Cramér's V", effectSize: cramer, reason: reason)
        } catch StatsError.tooLarge(let why) {
            let mc = try FisherExactTest.monteCarlo(table, replicates: options.monteCarloReplicates, seed: options.seed)
            return GroupComparison(
                test: "Fisher-Freeman-Halton (Monte Carlo, B = \(options.monteCarloReplicates))", statistic: .nan, df: "",
                pValue: mc.pValue, effectSizeName: "Cramér's V", effectSize: cramer,
                reason: "\(reason); exact enumeration too large (\(why)); seed \(options.seed)")
        }
    }
}

func formatP(_ p: Double) -> String {
    p < 0.001 ? "<0.001" : String(format: "%.3f", p)
}
