import Foundation

extension CSVTable {
    /// The counts of each (row level, column level) pair of two columns, levels in order of
    /// first appearance; rows where either cell is missing (`KindInference.defaultMissing`)
    /// are left out.
    ///
    /// - Parameters:
    ///   - row: the column whose levels are the table's rows.
    ///   - column: the column whose levels are the table's columns (e.g. the class).
    /// - Returns: the counts, the row levels and the column levels.
    /// - Throws: `ValidationError` naming a column the file does not have.
    public func crossTabulation(row: String, column: String) throws -> (counts: [[Int]], rows: [String], columns: [String]) {
        let indices = try [row, column].map { name -> Int in
            guard let index = columnIndex(name) else {
                throw ValidationError(Problem(file: source, column: name, message: "no such column", expected: "one of \(header.joined(separator: ", "))"))
            }
            return index
        }
        let missing = Set(KindInference.defaultMissing)
        var rowLevels: [String] = [], columnLevels: [String] = [], pairs: [(String, String)] = []
        for values in rows {
            let a = values[indices[0]].trimmingCharacters(in: .whitespaces), b = values[indices[1]].trimmingCharacters(in: .whitespaces)
            if missing.contains(a) || missing.contains(b) { continue }
            if !rowLevels.contains(a) { rowLevels.append(a) }
            if !columnLevels.contains(b) { columnLevels.append(b) }
            pairs.append((a, b))
        }
        var counts = Array(repeating: Array(repeating: 0, count: columnLevels.count), count: rowLevels.count)
        for (a, b) in pairs { counts[rowLevels.firstIndex(of: a)!][columnLevels.firstIndex(of: b)!] += 1 }
        return (counts, rowLevels, columnLevels)
    }

    /// The numbers of column `value` grouped by the levels of column `by`, groups in order of
    /// first appearance; rows where either cell is missing are left out.
    ///
    /// - Parameters:
    ///   - value: the column of numbers.
    ///   - by: the grouping column.
    /// - Returns: each group's values and its name.
    /// - Throws: `ValidationError` naming a missing column, or the row of a cell that is not a finite number.
    public func groups(value: String, by: String) throws -> (values: [[Double]], names: [String]) {
        guard let vi = columnIndex(value), let bi = columnIndex(by) else {
            throw ValidationError(Problem(file: source, message: "needs columns '\(value)' and '\(by)'", expected: "columns among \(header.joined(separator: ", "))"))
        }
        let missing = Set(KindInference.defaultMissing)
        var names: [String] = [], values: [[Double]] = []
        for (r, row) in rows.enumerated() {
            let g = row[bi].trimmingCharacters(in: .whitespaces), text = row[vi].trimmingCharacters(in: .whitespaces)
            if missing.contains(g) || missing.contains(text) { continue }
            guard let v = Double(text), v.isFinite else {
                throw ValidationError(Problem(file: source, row: r + 1, column: value, value: text, message: "not a number", expected: "a number or a missing marker"))
            }
            if !names.contains(g) { names.append(g); values.append([]) }
            values[names.firstIndex(of: g)!].append(v)
        }
        return (values, names)
    }
}
