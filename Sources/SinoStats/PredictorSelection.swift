import Foundation
import SinoData

/// Settings of the two-step predictor selection of the study.
public struct SelectionOptions: Sendable {
    /// Univariate screening threshold: variables with p < alpha enter the multivariable model.
    public var screeningAlpha = 0.05
    /// Backward elimination rule: drop the least significant variable while its LRT p > alpha,
    /// or drop the variable whose removal lowers AIC most.
    public var criterion: EliminationCriterion = .likelihoodRatio(alpha: 0.05)
    /// Reference class of the multinomial model (odds ratios are against it).
    public var reference = 0
    /// Maximum likelihood, or bias-reduced (Firth) fits, which exist under separation: with
    /// `.firth` no variable is left out for separation and the elimination uses penalised
    /// likelihood-ratio tests (see `BackwardElimination`).
    public var method: LogitMethod = .ml
    /// Level of the final model's Wald intervals of coefficients and odds ratios, strictly
    /// between 0 and 1 (checked by `run`).
    public var confidenceLevel = 0.95
    /// Settings of the univariate tests (the same automatic choice as Table 1).
    public var tableOne = TableOneOptions()
    /// The defaults: screening at p < 0.05, likelihood-ratio elimination at 0.05, the first class
    /// as reference, maximum likelihood, 95% intervals.
    public init() {}
}

/// One variable's univariate screening outcome.
public struct UnivariateScreen: Codable, Sendable, Equatable {
    public var variable: String
    public var label: String
    public var test: String?
    public var pValue: Double?
    /// Cramér's V (categorical), eta² (ANOVA) or epsilon² (Kruskal-Wallis).
    public var effectSizeName: String?
    public var effectSize: Double?
    public var selected: Bool
    /// Why the variable was or was not carried forward.
    public var reason: String
}

/// Univariate screening, then backward elimination of a multinomial logistic regression:
/// the variables left are the independent predictors.
public struct PredictorSelection: Codable, Sendable {
    public var source: String
    /// The cohort split the selection used ("train"), or nil for all patients.
    public var split: String?
    public var classes: [String]
    public var referenceClass: String
    public var patients: Int
    /// Patients in the multivariable model (complete cases on the screened variables).
    public var analysed: Int
    public var screeningAlpha: Double
    public var criterion: EliminationCriterion
    /// How the multivariable models were fitted ("ml" or "firth"); nil only when read from a
    /// selection written before the choice existed (maximum likelihood).
    public var method: LogitMethod?
    public var univariate: [UnivariateScreen]
    public var screened: [String]
    /// Screened variables left out because a level never occurs in some class (no finite MLE).
    public var separating: [String]
    /// The variables the backward elimination started from.
    public var entered: [String]
    /// Names of the design columns of each variable in the model (one-hot levels).
    public var columns: [String: [String]]
    /// Table text for each variable ("T2WI signal (vs grey matter)") and each design column
    /// ("High vs Intermediate", "per 1 years").
    public var variableLabels: [String: String]
    public var columnLabels: [String: String]
    public var elimination: BackwardEliminationResult?
    /// The independent predictors: the variables left after elimination.
    public var predictors: [String]
    public var warnings: [String]

    /// Screens every dictionary variable with the Table 1 test, leaves out variables that separate
    /// the classes (ML only), then runs backward elimination on the multinomial logit.
    ///
    /// - Parameters:
    ///   - cohort: the patients with their classes and variables.
    ///   - split: analyse only this split (e.g. "train"); nil for every patient.
    ///   - options: thresholds, reference class, fitting method and confidence level.
    /// - Returns: the screening table, the elimination and the independent predictors; without a
    ///   model (no variable screened in) the warnings say why.
    /// - Throws: `StatsError` from Table 1 or the model fit (an unknown split, invalid options, a
    ///   starting model that cannot be fitted), explained in terms of the screened variables.
    public static func run(_ cohort: Cohort, split: String?, options: SelectionOptions = SelectionOptions()) throws -> PredictorSelection {
        let data = try split.map { try cohort.split($0) } ?? cohort
        let table = try TableOne.build(data, options: options.tableOne)
        let univariate = table.strata[0].variables.map { screen($0, dictionary: data.dictionary, alpha: options.screeningAlpha) }
        let screened = univariate.filter(\.selected).map(\.variable)
        var result = PredictorSelection(
            source: cohort.source, split: split, classes: data.classes.names,
            referenceClass: data.classes.names[options.reference], patients: data.count, analysed: 0,
            screeningAlpha: options.screeningAlpha, criterion: options.criterion,
            method: options.method, univariate: univariate, screened: screened, separating: [], entered: [],
            columns: [:], variableLabels: [:], columnLabels: [:], elimination: nil,
            predictors: [], warnings: table.warnings)
        guard !screened.isEmpty else {
            result.warnings.append("no variable reached p < \(options.screeningAlpha) in univariate screening; no multivariable model was fitted")
            return result
        }
        // Bias-reduced estimates exist under separation: nothing is left out for it.
        let separation = options.method == .firth ? [] : try separatingVariables(data, screened)
        result.separating = separation.map(\.variable)
        for item in separation {
            result.warnings.append("\(item.variable) left out of the multivariable model: \(item.reason) (quasi-complete separation: its odds ratio has no finite estimate; --method firth keeps it)")
        }
        result.entered = screened.filter { !result.separating.contains($0) }
        guard !result.entered.isEmpty else {
            result.warnings.append("every screened variable separates the classes; no multivariable model was fitted")
            return result
        }
        let design = try DesignMatrix.build(data, variables: result.entered)
        result.analysed = design.rows.count
        result.warnings += design.warnings.map(\.message)
        if design.droppedIncomplete > 0 {
            result.warnings.append("\(design.droppedIncomplete) patient(s) with a missing value among the screened variables were left out of the multivariable model (complete-case analysis)")
        }
        for group in design.groups {
            let variable = data.dictionary.variable(named: group.variable)!
            result.columns[group.variable] = group.columns.map { design.columnNames[$0] }
            result.variableLabels[group.variable] = variable.label ?? variable.name
            for column in group.columns { result.columnLabels[design.columnNames[column]] = columnLabel(design.columnNames[column], variable) }
        }
        let groups = design.groups.map { PredictorGroup(name: $0.variable, columns: $0.columns) }
        do {
            let elimination = try BackwardElimination.run(
                x: design.x, y: design.labels, classCount: data.classes.count,
                reference: options.reference, featureNames: design.columnNames,
                groups: groups, criterion: options.criterion, method: options.method,
                confidenceLevel: options.confidenceLevel)
            result.elimination = elimination
            result.predictors = elimination.remainingGroups
            result.warnings += elimination.warnings
        } catch let error as StatsError {
            throw explain(error, screened: result.entered)
        }
        return result
    }

    /// Categorical variables with a level that never occurs in some class, among the patients
    /// complete on all screened variables. Such a level's coefficient for that class diverges
    /// (the likelihood keeps rising as it goes to minus infinity), so maximum likelihood has no
    /// answer; statsmodels only warns that it did not converge.
    static func separatingVariables(_ data: Cohort, _ screened: [String]) throws -> [(variable: String, reason: String)] {
        let rows = try DesignMatrix.build(data, variables: screened).rows
        var found: [(String, String)] = []
        for name in screened {
            guard let variable = data.dictionary.variable(named: name), variable.isCategorical,
                case .categorical(let codes)? = data.columns[name]
            else { continue }
            let levels = variable.levels ?? []
            var counts = Array(repeating: Array(repeating: 0, count: data.classes.count), count: levels.count)
            for row in rows { counts[codes[row]!][data.labels[row]] += 1 }
            for (level, byClass) in counts.enumerated() where byClass.reduce(0, +) > 0 {
                if let k = byClass.firstIndex(of: 0) {
                    let classTotal = rows.filter { data.labels[$0] == k }.count
                    found.append((name, "level '\(levels[level])' never occurs in \(data.classes.names[k]) (0 of \(classTotal))"))
                    break
                }
            }
        }
        return found
    }

    /// "High vs Intermediate" for a one-hot column, "per 1 cm" for a continuous one.
    static func columnLabel(_ column: String, _ variable: Variable) -> String {
        if column.hasPrefix(variable.name + "="), let reference = variable.referenceLevel {
            let level = String(column.dropFirst(variable.name.count + 1))
            return "\(variable.levelLabel(level)) vs \(variable.levelLabel(reference))"
        }
        if variable.kind == .ordinal { return "per level (\((variable.levels ?? []).map(variable.levelLabel).joined(separator: " < ")))" }
        return "per 1 \(variable.unit ?? "unit")"
    }

    static func screen(_ row: TableOneVariable, dictionary: VariableDictionary, alpha: Double) -> UnivariateScreen {
        let variable = dictionary.variable(named: row.name)!
        var entry = UnivariateScreen(
            variable: row.name, label: row.label, test: row.comparison?.test,
            pValue: row.comparison?.pValue, effectSizeName: row.comparison?.effectSizeName,
            effectSize: row.comparison?.effectSize, selected: false, reason: "")
        if !variable.isScreened {
            entry.reason = "excluded from screening by the dictionary (screen: false)"
        } else if let p = row.comparison?.pValue {
            entry.selected = p < alpha
            entry.reason = entry.selected ? "p < \(alpha)" : "p >= \(alpha)"
        } else {
            entry.reason = "not tested: \(row.untested ?? "no test")"
        }
        return entry
    }

    /// `text` ending in exactly one full stop, so that messages built from messages never
    /// end a sentence in "..".
    static func sentence(_ text: String) -> String {
        var trimmed = Substring(text)
        while trimmed.last == "." || trimmed.last == " " { trimmed = trimmed.dropLast() }
        return trimmed + "."
    }

    /// Adds what the user can do to a fitting failure of the multivariable model.
    static func explain(_ error: StatsError, screened: [String]) -> StatsError {
        let model = "multivariable model on \(screened.joined(separator: ", "))"
        switch error {
        case .separation(let m):
            return .separation("\(model): \(sentence(m)) Estimates diverge under (quasi-)complete separation; drop the variable (\"screen\": false in the dictionary) or merge its rare levels.")
        case .singular(let m):
            return .singular("\(model): \(sentence(m)) Remove one of the collinear variables or merge levels.")
        case .notConverged(let m):
            return .notConverged("\(model): \(m)")
        default:
            return error
        }
    }
}
