import Foundation

/// Decides each column's kind when the user brings no dictionary.
///
/// Rules (printed to the user with the reason for each column):
/// - every non-missing value is a number and there are more than `maxLevels` distinct values:
///   continuous;
/// - numbers with at most `maxLevels` distinct values, or any text: categorical, levels in
///   numeric or alphabetical order, the first level is the reference.
/// Ordinal kinds cannot be inferred (order is domain knowledge): use a dictionary for them.
public enum KindInference {
    public static let maxLevels = 6
    public static let defaultMissing = ["", "NA", "N/A", "NaN", "."]

    public static func dictionary(
        for table: CSVTable, labelColumn: String, classOrder: [String]?,
        idColumn: String = "patient_id", cohortColumn: String = "cohort"
    ) throws -> (VariableDictionary, [InferredVariable]) {
        var problems: [Problem] = []
        for required in [idColumn, labelColumn] where table.columnIndex(required) == nil {
            problems.append(
                Problem(
                    file: table.source, row: 0, column: required, message: "the column is missing",
                    expected: "a column named '\(required)'\(required == labelColumn ? " (or name the label with --label)" : "")"))
        }
        if !problems.isEmpty { throw ValidationError(problems) }
        let missing = Set(defaultMissing)
        func values(_ column: Int) -> [String] {
            table.rows.map { $0[column].trimmingCharacters(in: .whitespaces) }.filter { !missing.contains($0) }
        }
        let labelValues = values(table.columnIndex(labelColumn)!)
        var classes: [String] = []
        for value in labelValues where !classes.contains(value) { classes.append(value) }
        let hasCohort = table.columnIndex(cohortColumn) != nil
        var variables: [Variable] = []
        var inferred: [InferredVariable] = []
        for (index, name) in table.header.enumerated() where ![idColumn, labelColumn, cohortColumn].contains(name) {
            let (variable, reason) = infer(name: name, values: values(index))
            variables.append(variable)
            inferred.append(InferredVariable(name: name, kind: variable.kind, levels: variable.levels, reason: reason))
        }
        var cohorts: [String]? = nil
        if hasCohort {
            var seen: [String] = []
            for value in values(table.columnIndex(cohortColumn)!) where !seen.contains(value) { seen.append(value) }
            let standard = ["train", "validation", "test"]
            cohorts = standard.filter(seen.contains) + seen.filter { !standard.contains($0) }
        }
        let dictionary = VariableDictionary(
            name: "inferred from \(table.source)", idColumn: idColumn,
            cohortColumn: hasCohort ? cohortColumn : nil, cohorts: cohorts,
            label: LabelSpec(column: labelColumn, classes: classOrder ?? classes),
            missing: defaultMissing, variables: variables)
        return (dictionary, inferred)
    }

    static func infer(name: String, values: [String]) -> (Variable, String) {
        let distinct = Array(Set(values))
        let numbers = distinct.compactMap { Double($0) }.filter(\.isFinite)
        if !distinct.isEmpty && numbers.count == distinct.count {
            if distinct.count > maxLevels {
                return (Variable(name: name, kind: .continuous), "numeric with \(distinct.count) distinct values")
            }
            let levels = distinct.sorted { Double($0)! < Double($1)! }
            return (
                Variable(name: name, kind: .categorical, levels: levels),
                "numeric with only \(distinct.count) distinct values (<= \(maxLevels)): treated as categorical"
            )
        }
        let levels = distinct.sorted()
        if distinct.isEmpty {
            return (Variable(name: name, kind: .continuous), "no values: treated as continuous and left out")
        }
        return (Variable(name: name, kind: .categorical, levels: levels), "text with \(distinct.count) distinct values")
    }
}
