import Foundation
import SinoData

/// A radiomics feature table: one row per patient (or case), one numeric column per feature,
/// as `sinorad radiomics extract` (or PyRadiomics' batch mode) writes it.
///
/// Reading skips PyRadiomics' `diagnostics_*` columns and the batch mode's path columns
/// (Image, Mask) and says so; every other column must be numeric. Every problem (duplicate
/// ids, text in a numeric column, a missing id) is collected and reported at once with its
/// file, row and column. Empty cells become NaN, which selection refuses unless imputation is
/// asked for (`imputed(using:rows:)`).
public struct FeatureTable: Sendable {
    public var source: String
    public var ids: [String]
    public var names: [String]
    /// values[row][feature]; NaN where the cell was empty.
    public var values: [[Double]]
    /// Columns that were not features and were left out, with why.
    public var skipped: [(column: String, reason: String)]

    public init(source: String, ids: [String], names: [String], values: [[Double]]) {
        self.source = source
        self.ids = ids
        self.names = names
        self.values = values
        skipped = []
    }

    /// Reads a CSV whose `idColumn` names the patient (or case).
    public static func read(path: String, idColumn: String = "patient_id") throws -> FeatureTable {
        let table = try CSVTable.read(path: path)
        return try parse(table, idColumn: idColumn)
    }

    public static func parse(_ table: CSVTable, idColumn: String = "patient_id") throws -> FeatureTable {
        guard let idIndex = table.columnIndex(idColumn) else {
            throw ValidationError(
                Problem(
                    file: table.source, message: "no '\(idColumn)' column",
                    expected: "a column naming the patient of each row (the header has \(table.header.prefix(5).joined(separator: ", "))\(table.header.count > 5 ? ", ..." : ""))"))
        }
        var problems: [Problem] = []
        var skipped: [(String, String)] = []
        var featureColumns: [Int] = []
        for (j, name) in table.header.enumerated() where j != idIndex {
            if name.hasPrefix("diagnostics_") {
                skipped.append((name, "PyRadiomics diagnostics"))
            } else if ["Image", "Mask", "cohort"].contains(name) {
                skipped.append((name, "not a feature (a path or the cohort split)"))
            } else {
                featureColumns.append(j)
            }
        }
        if featureColumns.isEmpty {
            problems.append(Problem(file: table.source, message: "no feature columns", expected: "numeric feature columns beside '\(idColumn)'"))
        }
        var seen: [String: Int] = [:]
        var values: [[Double]] = []
        var ids: [String] = []
        for (r, row) in table.rows.enumerated() {
            let id = row[idIndex].trimmingCharacters(in: .whitespaces)
            if id.isEmpty {
                problems.append(Problem(file: table.source, row: r + 1, column: idColumn, message: "empty id", expected: "a patient id"))
            } else if let first = seen[id] {
                problems.append(
                    Problem(file: table.source, row: r + 1, column: idColumn, value: id, message: "duplicate id (also row \(first))", expected: "one row per patient"))
            } else {
                seen[id] = r + 1
            }
            ids.append(id)
            values.append(
                featureColumns.map { j in
                    let text = row[j].trimmingCharacters(in: .whitespaces)
                    if text.isEmpty || text == "NA" || text == "nan" || text == "NaN" { return .nan }
                    guard let value = Double(text), value.isFinite else {
                        if problems.count < 50 {
                            problems.append(
                                Problem(
                                    file: table.source, row: r + 1, column: table.header[j], value: text, message: "not a number",
                                    expected: "a finite number, or an empty cell for a missing value"))
                        }
                        return .nan
                    }
                    return value
                })
        }
        if !problems.isEmpty { throw ValidationError(problems) }
        var result = FeatureTable(source: table.source, ids: ids, names: featureColumns.map { table.header[$0] }, values: values)
        result.skipped = skipped
        return result
    }

    /// The rows of `wanted` ids, in that order; every id missing from the table is one problem.
    public func rows(for wanted: [String], cohortSource: String) throws -> [[Double]] {
        let position = Dictionary(ids.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        let missing = wanted.filter { position[$0] == nil }
        if !missing.isEmpty {
            let shown = missing.prefix(10).joined(separator: ", ") + (missing.count > 10 ? ", ... (\(missing.count) in all)" : "")
            throw ValidationError(
                Problem(
                    file: source, message: "\(missing.count) patient\(missing.count == 1 ? "" : "s") of \(cohortSource) missing: \(shown)",
                    expected: "one row per patient of the cohort"))
        }
        return wanted.map { values[position[$0]!] }
    }

    /// Cells that are NaN, as problems naming row and column (at most `limit`).
    public func missingCells(rows: [Int]? = nil, limit: Int = 20) -> [Problem] {
        var problems: [Problem] = []
        for r in rows ?? Array(values.indices) {
            for (j, value) in values[r].enumerated() where value.isNaN {
                if problems.count == limit { return problems }
                problems.append(
                    Problem(
                        file: source, row: r + 1, column: names[j], message: "missing value",
                        expected: "a number (or ask for imputation: median or mean of the training cohort)"))
            }
        }
        return problems
    }
}

/// How missing feature values are filled, from the training cohort only.
public enum FeatureImputation: String, Codable, Sendable, CaseIterable {
    case none, median, mean

    /// Per-feature fill values computed on `training` rows (NaN skipped); a feature with no
    /// value at all in training cannot be filled.
    public func fillValues(_ training: [[Double]], names: [String]) throws -> [Double] {
        guard let width = training.first?.count else { return [] }
        return try (0..<width).map { j in
            let present = training.map { $0[j] }.filter { !$0.isNaN }.sorted()
            guard !present.isEmpty else {
                throw SelectionError.invalidInput("feature '\(names[j])' has no value in the training cohort: it cannot be imputed")
            }
            switch self {
            case .none: return .nan
            case .mean: return present.reduce(0, +) / Double(present.count)
            case .median:
                let m = present.count
                return m % 2 == 1 ? present[m / 2] : (present[m / 2 - 1] + present[m / 2]) / 2
            }
        }
    }
}
