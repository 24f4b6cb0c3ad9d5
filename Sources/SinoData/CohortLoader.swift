import Foundation

/// How a column's kind was decided when no dictionary described it.
public struct InferredVariable: Sendable, Codable, Equatable {
    public var name: String
    public var kind: VariableKind
    public var levels: [String]?
    public var reason: String
}

/// The result of loading a cohort: the cohort itself and what the user should be told.
public struct LoadedCohort: Sendable {
    public var cohort: Cohort
    public var warnings: [Warning]
    /// Non-empty when kinds were inferred (no dictionary given).
    public var inferred: [InferredVariable]
    /// True when no dictionary was named and the built-in sinonasal one was chosen because the
    /// CSV has all its columns.
    public var usedBuiltinDictionary = false
}

/// Reads a cohort CSV and checks it against a dictionary, reporting every problem at once.
public enum CohortLoader {
    /// The one way a cohort CSV is read by name, for every command and the study: the
    /// dictionary named (a JSON file, or "sinonasal" for the built-in one); else the built-in
    /// one when the CSV has every one of its variables and its class column is `labelColumn`;
    /// else kinds inferred from the data. `inferKinds` infers even when the built-in dictionary
    /// would fit; `outcomeOnly` keeps only the id, cohort and class columns (the truth of a
    /// comparison or a reader study, whose other columns may be anything).
    ///
    /// - Parameters:
    ///   - path: the cohort CSV.
    ///   - dictionary: a dictionary file or "sinonasal"; nil chooses as described.
    ///   - labelColumn: the class column.
    ///   - classOrder: the class order (default: the dictionary's, or first appearance).
    ///   - inferKinds: infer the kinds even when the built-in dictionary fits.
    ///   - outcomeOnly: read only the id, cohort and class columns.
    /// - Returns: the cohort and what the user should be told about how it was read.
    /// - Throws: `ValidationError` with every problem of the file, or the file error.
    public static func read(
        path: String, dictionary: String?, labelColumn: String = "pathology", classOrder: [String]? = nil,
        inferKinds: Bool = false, outcomeOnly: Bool = false
    ) throws -> LoadedCohort {
        let table = try CSVTable.read(path: path)
        var chosen: VariableDictionary? = nil, builtin = false
        if let dictionary {
            chosen = try VariableDictionary.named(dictionary)
        } else if !inferKinds {
            let sinonasal = VariableDictionary.sinonasal(), columns = Set(table.header)
            if sinonasal.variables.allSatisfy({ columns.contains($0.name) }) && labelColumn == sinonasal.label.column
                && columns.contains(labelColumn)
            {
                chosen = sinonasal
                builtin = true
            }
        }
        if outcomeOnly {
            var outcome = try chosen ?? KindInference.dictionary(for: table, labelColumn: labelColumn, classOrder: classOrder).0
            outcome.variables = []
            chosen = outcome
        }
        var loaded = try load(table: table, dictionary: chosen, labelColumn: labelColumn, classOrder: classOrder)
        loaded.usedBuiltinDictionary = builtin
        return loaded
    }

    /// Loads `path` with `dictionary`; when `dictionary` is nil the kinds are inferred from the
    /// data (`labelColumn` then names the outcome; classes are taken in `classOrder` if given,
    /// else in order of first appearance).
    public static func load(
        path: String, dictionary: VariableDictionary?, labelColumn: String = "pathology",
        classOrder: [String]? = nil
    ) throws -> LoadedCohort {
        let table = try CSVTable.read(path: path)
        return try load(table: table, dictionary: dictionary, labelColumn: labelColumn, classOrder: classOrder)
    }

    public static func load(
        table: CSVTable, dictionary given: VariableDictionary?, labelColumn: String = "pathology",
        classOrder: [String]? = nil
    ) throws -> LoadedCohort {
        var inferred: [InferredVariable] = []
        var dictionary: VariableDictionary
        if let given {
            dictionary = given
            if labelColumn != given.label.column && table.columnIndex(labelColumn) != nil {
                dictionary.label.column = labelColumn
            }
        } else {
            (dictionary, inferred) = try KindInference.dictionary(for: table, labelColumn: labelColumn, classOrder: classOrder)
        }
        if let classOrder { dictionary.label.classes = classOrder }
        let source = table.source
        var problems = missingColumns(table: table, dictionary: dictionary)
        if !problems.isEmpty { throw ValidationError(problems) }

        let missing = Set(dictionary.missing)
        func cell(_ row: Int, _ column: Int) -> String? {
            let text = table.rows[row][column].trimmingCharacters(in: .whitespaces)
            return missing.contains(text) ? nil : text
        }
        let idColumn = table.columnIndex(dictionary.idColumn)!
        let labelIndex = table.columnIndex(dictionary.label.column)!
        let classes = ClassSet(dictionary.label.classes)
        var ids: [String] = [], labels: [Int] = [], firstRowOfId: [String: Int] = [:]
        for row in table.rows.indices {
            let rowNumber = row + 1
            let id = cell(row, idColumn) ?? ""
            if id.isEmpty {
                problems.append(Problem(file: source, row: rowNumber, column: dictionary.idColumn, message: "the patient id is missing", expected: "a unique patient id"))
            } else if let first = firstRowOfId[id] {
                problems.append(
                    Problem(
                        file: source, row: rowNumber, column: dictionary.idColumn, value: id,
                        message: "duplicate patient id (first seen on row \(first))", expected: "one row per patient"))
            } else {
                firstRowOfId[id] = rowNumber
            }
            ids.append(id)
            let text = cell(row, labelIndex)
            if let text, let index = classes.index(of: text) {
                labels.append(index)
            } else {
                labels.append(0)
                problems.append(
                    Problem(
                        file: source, row: rowNumber, column: dictionary.label.column, value: text ?? "",
                        message: text == nil ? "the class is missing" : "unknown class",
                        expected: "one of \(classes.names.joined(separator: ", "))"))
            }
        }
        var splits: [String]? = nil
        if let cohortColumn = dictionary.cohortColumn, let index = table.columnIndex(cohortColumn) {
            splits = table.rows.indices.map { cell($0, index) ?? "" }
            let allowed = dictionary.cohorts
            for (row, split) in splits!.enumerated() where split.isEmpty || (allowed != nil && !allowed!.contains(split)) {
                problems.append(
                    Problem(
                        file: source, row: row + 1, column: cohortColumn, value: split,
                        message: split.isEmpty ? "the cohort is missing" : "unknown cohort",
                        expected: "one of \((allowed ?? []).joined(separator: ", "))"))
            }
        }
        var columns: [String: ColumnValues] = [:]
        for variable in dictionary.variables {
            let index = table.columnIndex(variable.name)!
            let (values, columnProblems) = parseColumn(variable, rows: table.rows.indices.map { cell($0, index) }, source: source)
            columns[variable.name] = values
            problems += columnProblems
        }
        if !problems.isEmpty { throw ValidationError(sortedByPosition(withLines(problems, table), header: table.header)) }

        let cohort = Cohort(
            source: source, dictionary: dictionary, classes: classes, ids: ids, splits: splits,
            labels: labels, columns: columns, rowNumbers: table.rows.indices.map { $0 + 1 })
        try checkClasses(cohort)
        return LoadedCohort(cohort: cohort, warnings: warnings(for: cohort, table: table), inferred: inferred)
    }

    /// Adds the physical line of each row problem, so a user can jump to it in an editor.
    static func withLines(_ problems: [Problem], _ table: CSVTable) -> [Problem] {
        problems.map { problem in
            var copy = problem
            if let row = problem.row, row >= 1, row <= table.lineNumbers.count { copy.line = table.lineNumbers[row - 1] }
            return copy
        }
    }

    /// Problems in file order: by row, then by column position in the header.
    static func sortedByPosition(_ problems: [Problem], header: [String]) -> [Problem] {
        let position = Dictionary(header.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        return problems.enumerated().sorted { a, b in
            let ka = (a.element.row ?? 0, a.element.column.flatMap { position[$0] } ?? -1, a.offset)
            let kb = (b.element.row ?? 0, b.element.column.flatMap { position[$0] } ?? -1, b.offset)
            return ka < kb
        }.map(\.element)
    }

    static func missingColumns(table: CSVTable, dictionary: VariableDictionary) -> [Problem] {
        var required = [dictionary.idColumn, dictionary.label.column] + dictionary.variables.map(\.name)
        if table.rows.isEmpty {
            return [Problem(file: table.source, message: "the file has a header but no data rows", expected: "one row per patient")]
        }
        required = required.filter { table.columnIndex($0) == nil }
        return required.map {
            Problem(
                file: table.source, row: 0, column: $0, message: "the column is missing",
                expected: "a column named '\($0)' (the dictionary '\(dictionary.name)' lists it)")
        }
    }

    static func parseColumn(_ variable: Variable, rows: [String?], source: String) -> (ColumnValues, [Problem]) {
        var problems: [Problem] = []
        switch variable.kind {
        case .continuous:
            var values: [Double?] = []
            for (row, text) in rows.enumerated() {
                guard let text else { values.append(nil); continue }
                guard let value = Double(text), value.isFinite else {
                    problems.append(
                        Problem(
                            file: source, row: row + 1, column: variable.name, value: text,
                            message: "not a number", expected: "a number\(variable.unit.map { " in \($0)" } ?? "") or a missing marker"))
                    values.append(nil); continue
                }
                if let lo = variable.minimum, value < lo {
                    problems.append(
                        Problem(
                            file: source, row: row + 1, column: variable.name, value: text,
                            message: "below the plausible range", expected: "a value >= \(lo)"))
                } else if let hi = variable.maximum, value > hi {
                    problems.append(
                        Problem(
                            file: source, row: row + 1, column: variable.name, value: text,
                            message: "above the plausible range", expected: "a value <= \(hi)"))
                }
                values.append(value)
            }
            return (.continuous(values), problems)
        case .categorical, .ordinal:
            let levels = variable.levels ?? []
            var codes: [Int?] = []
            for (row, text) in rows.enumerated() {
                guard let text else { codes.append(nil); continue }
                if let code = levels.firstIndex(of: text) {
                    codes.append(code)
                } else {
                    problems.append(
                        Problem(
                            file: source, row: row + 1, column: variable.name, value: text,
                            message: "unknown level", expected: "one of \(levels.joined(separator: ", ")) or a missing marker"))
                    codes.append(nil)
                }
            }
            return (.categorical(codes), problems)
        }
    }

    static func checkClasses(_ cohort: Cohort) throws {
        let empty = zip(cohort.classes.names, cohort.classCounts).filter { $0.1 == 0 }.map(\.0)
        if !empty.isEmpty {
            throw ValidationError(
                empty.map {
                    Problem(
                        file: cohort.source, column: cohort.dictionary.label.column, value: $0,
                        message: "class '\($0)' has no patients", expected: "at least one patient per class (or remove the class from the class list)")
                })
        }
    }

    static func warnings(for cohort: Cohort, table: CSVTable) -> [Warning] {
        var warnings: [Warning] = []
        let known = Set([cohort.dictionary.idColumn, cohort.dictionary.label.column, cohort.dictionary.cohortColumn ?? ""] + cohort.variables.map(\.name))
        let extra = table.header.filter { !known.contains($0) }
        if !extra.isEmpty {
            warnings.append(Warning("\(table.source): column(s) \(extra.joined(separator: ", ")) are not in the dictionary and are ignored"))
        }
        for variable in cohort.variables {
            guard let column = cohort.columns[variable.name] else { continue }
            if column.missingCount == cohort.count {
                warnings.append(Warning("\(table.source): column '\(variable.name)' is missing for every patient; it is left out of the analysis"))
            }
        }
        return warnings
    }
}
