import CFastFloat
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

    /// Reads a CSV whose `idColumn` names the patient (or case); `threads` parse a large plain
    /// table side by side (the table does not depend on it).
    ///
    /// A plain numeric table (no quotes, no byte-order mark, every cell a number, empty, `NA`
    /// or `nan`) is read straight from its bytes, without a String per cell; anything else, and
    /// every table with a problem, goes through `CSVTable` and `parse(_:idColumn:)`, which name
    /// each problem. Both routes give the same table.
    public static func read(path: String, idColumn: String = "patient_id", threads: Int = 1) throws -> FeatureTable {
        if let mapped = InputFile.Mapped(path) {
            // The page cache's own pages, read in place.
            if let table = plainNumeric(buffer: mapped.bytes, source: path, idColumn: idColumn, threads: threads) { return table }
        } else if let bytes = InputFile.bytes(path) {
            let table = bytes.withUnsafeBufferPointer { plainNumeric(buffer: $0, source: path, idColumn: idColumn, threads: threads) }
            if let table { return table }
        }
        let table = try CSVTable.read(path: path)
        return try parse(table, idColumn: idColumn)
    }

    /// The fast route of `read(path:idColumn:threads:)`: nil as soon as the table is not plain
    /// (a quote, a CR outside a line end, a ragged row, a cell that is not a finite number, a
    /// duplicate or empty id), so that the general route reports it. The data rows are cut into
    /// blocks of whole lines, parsed side by side on `threads` threads.
    static func plainNumeric(_ data: Data, source: String, idColumn: String, threads: Int = 1) -> FeatureTable? {
        [UInt8](data).withUnsafeBufferPointer { plainNumeric(buffer: $0, source: source, idColumn: idColumn, threads: threads) }
    }

    /// `buffer`: the file's bytes (only read).
    static func plainNumeric(buffer: UnsafeBufferPointer<UInt8>, source: String, idColumn: String, threads: Int = 1) -> FeatureTable? {
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
        if buffer.starts(with: [0xEF, 0xBB, 0xBF]) { return nil }
        let end = buffer.count
        guard let base = buffer.baseAddress, !buffer.isEmpty else { return nil }
        // No quote anywhere, and every CR ends a line (CSVTable splits lines at a lone CR).
        if memchr(base, Int32(quote), end) != nil { return nil }
        var scan = 0
        while scan < end, let found = memchr(base + scan, Int32(cr), end - scan) {
            let k = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            if k + 1 >= end || base[k + 1] != lf { return nil }
            scan = k + 1
        }
        /// The fields of the line at `position` as byte ranges (CR before LF dropped),
        /// moving `position` past its line end; `limit` is the end of the block.
        func line(_ position: inout Int, _ limit: Int) -> [Range<Int>] {
            var fields: [Range<Int>] = []
            var start = position
            while true {
                let byte = position < limit ? base[position] : lf
                if byte == comma || byte == lf {
                    var stop = position
                    if byte == lf && stop > start && base[stop - 1] == cr { stop -= 1 }
                    fields.append(start..<stop)
                    position += 1
                    start = position
                    if byte == lf { return fields }
                } else {
                    position += 1
                }
            }
        }
        func text(_ range: Range<Int>) -> String? {
            String(validating: UnsafeBufferPointer(rebasing: buffer[range]), as: UTF8.self)
        }
        var position = 0
        let headerFields = line(&position, end)
        let header = headerFields.compactMap(text)
        guard header.count == headerFields.count, let idIndex = header.firstIndex(of: idColumn),
            header.allSatisfy({ !$0.isEmpty && $0 == trimmed($0) }), Set(header).count == header.count
        else { return nil }
        let featureColumns = header.indices.filter { j in
            j != idIndex && !header[j].hasPrefix("diagnostics_") && !["Image", "Mask", "cohort"].contains(header[j])
        }
        guard !featureColumns.isEmpty else { return nil }
        // Blocks of whole lines (at least 1 MiB, up to 8 per thread, so that a thread slowed by
        // another process leaves its share to the others): each boundary moved to just after
        // the next line end.
        let blockCount = max(1, min(8 * threads, (end - position) / (1 << 20)))
        var bounds = [position]
        for b in 1..<blockCount {
            var cut = max(bounds[b - 1], position + (end - position) * b / blockCount)
            while cut < end && base[cut - 1] != lf { cut += 1 }
            bounds.append(cut)
        }
        bounds.append(end)
        let raw = RawBytes(base: base)
        let featureSet = Set(featureColumns)
        var skipMask = [UInt8](repeating: 1, count: header.count)
        for j in featureSet { skipMask[j] = 0 }
        let blocks = ParallelLoop.map(count: blockCount, threads: threads) { b -> (ids: [String], values: [[Double]])? in
            let base = raw.base
            var position = bounds[b]
            var ids: [String] = []
            var values: [[Double]] = []
            return skipMask.withUnsafeBufferPointer { skipBuffer -> (ids: [String], values: [[Double]])? in
                let skip = skipBuffer.baseAddress!
                while position < bounds[b + 1] {
                    // The common line: every field read in one call (CFastFloat); anything it
                    // does not take, field by field below.
                    var idStart: UnsafePointer<CChar>?
                    var idEnd: UnsafePointer<CChar>?
                    var next: UnsafePointer<CChar>?
                    let fast = [Double](unsafeUninitializedCapacity: featureColumns.count) { out, count in
                        let first = UnsafeRawPointer(base + position).assumingMemoryBound(to: CChar.self)
                        let limit = UnsafeRawPointer(base + bounds[b + 1]).assumingMemoryBound(to: CChar.self)
                        next = sino_parse_numeric_line(first, limit, header.count, skip, idIndex, out.baseAddress, &idStart, &idEnd)
                        count = next == nil ? 0 : featureColumns.count
                    }
                    if let next, let idStart, let idEnd {
                        let from = UnsafeRawPointer(idStart) - UnsafeRawPointer(base)
                        let to = UnsafeRawPointer(idEnd) - UnsafeRawPointer(base)
                        guard let id = text(from..<to), !id.isEmpty, id == trimmed(id) else { return nil }
                        position = UnsafeRawPointer(next) - UnsafeRawPointer(base)
                        ids.append(id)
                        values.append(fast)
                        continue
                    }
                    let fields = line(&position, bounds[b + 1])
                    if fields.count == 1 && fields[0].isEmpty { continue } // a blank line, as CSVTable
                    guard fields.count == header.count, let id = text(fields[idIndex]), !id.isEmpty, id == trimmed(id) else { return nil }
                    var row: [Double] = []
                    row.reserveCapacity(featureColumns.count)
                    for j in featureColumns {
                        let range = fields[j]
                        let count = range.count
                        if count == 0 || (count == 2 && base[range.lowerBound] == UInt8(ascii: "N") && base[range.lowerBound + 1] == UInt8(ascii: "A")) {
                            row.append(.nan)
                            continue
                        }
                        let first = base[range.lowerBound], last = base[range.upperBound - 1]
                        guard first > 0x20, first < 0x7F, last > 0x20, last < 0x7F else { return nil }
                        let start = UnsafeRawPointer(base + range.lowerBound).assumingMemoryBound(to: CChar.self)
                        var value = 0.0
                        if !sino_parse_finite_double(start, start + count, &value) {
                            // Whatever fast_float leaves (a '+', hexadecimal, nan, inf) is strtod's
                            // to read, from a zero-terminated copy of the cell (the table's bytes
                            // are only read); it must consume the whole cell.
                            let complete = withUnsafeTemporaryAllocation(of: CChar.self, capacity: count + 1) { cell -> Bool in
                                for k in 0..<count { cell[k] = start[k] }
                                cell[count] = 0
                                var stop: UnsafeMutablePointer<CChar>?
                                value = strtod(cell.baseAddress!, &stop)
                                return stop == cell.baseAddress! + count
                            }
                            guard complete else { return nil }
                            if value.isNaN {
                                // strtod takes "nan(...)", "NAN" and others; only the spellings `parse` accepts.
                                guard let cell = text(range), ["nan", "NaN"].contains(cell) else { return nil }
                            } else if !value.isFinite {
                                return nil
                            }
                        }
                        row.append(value)
                    }
                    ids.append(id)
                    values.append(row)
                }
                return (ids, values)
            }
        }
        var ids: [String] = []
        var values: [[Double]] = []
        for block in blocks {
            guard let block else { return nil }
            ids += block.ids
            values += block.values
        }
        guard !ids.isEmpty, Set(ids).count == ids.count else { return nil }
        var result = FeatureTable(source: source, ids: ids, names: featureColumns.map { header[$0] }, values: values)
        result.skipped = header.indices.filter { $0 != idIndex && !featureSet.contains($0) }.map { j in
            (header[j], header[j].hasPrefix("diagnostics_") ? "PyRadiomics diagnostics" : "not a feature (a path or the cohort split)")
        }
        return result
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
                    let text = Self.trimmed(row[j])
                    if text.utf8.count <= 3 && (text.isEmpty || text == "NA" || text == "nan" || text == "NaN") { return .nan }
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

    /// `text` without surrounding whitespace (Foundation's `.whitespaces`); a cell that starts
    /// and ends with a visible ASCII character, as almost every number does, is returned as is
    /// without the Foundation call that would otherwise dominate reading a large table.
    static func trimmed(_ text: String) -> String {
        if let first = text.utf8.first, let last = text.utf8.last, first > 0x20, first < 0x7F, last > 0x20, last < 0x7F {
            return text
        }
        return text.trimmingCharacters(in: .whitespaces)
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

/// The feature table's bytes, shared by the threads that parse disjoint blocks of its lines.
private struct RawBytes: @unchecked Sendable {
    let base: UnsafePointer<UInt8>
}
