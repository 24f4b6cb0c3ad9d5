import Foundation

/// A CSV file read strictly by RFC 4180: comma-separated (or another one-byte delimiter),
/// fields optionally in double quotes with `""` for a quote, CRLF or LF line ends, UTF-8 with
/// or without a byte-order mark.
///
/// SinoRad parses CSV itself (rather than through a CSV package) to report *where* a file is
/// malformed: an unterminated quote, a stray quote inside a field or a row with the wrong number
/// of fields is named with its line, which users need to fix files exported from spreadsheets.
public struct CSVTable: Sendable {
    /// Where the table came from (a path, or a label for in-memory text), used in messages.
    public var source: String
    public var header: [String]
    public var rows: [[String]]
    /// The physical line (1-based, header on line 1) where each data row starts.
    public var lineNumbers: [Int]

    public init(source: String, header: [String], rows: [[String]], lineNumbers: [Int]? = nil) {
        self.source = source
        self.header = header
        self.rows = rows
        self.lineNumbers = lineNumbers ?? rows.indices.map { $0 + 2 }
    }

    /// What one table may hold. Fields are slices of the file, but each costs a String (16
    /// bytes) and each row an array (about 100 bytes with its line number), so a file of empty
    /// fields or of one-character lines would take 16 to 70 times its size in memory: the caps
    /// keep a table under about 1.5 GB besides the file's own bytes, whatever the file holds. Cohorts, predictions, reads and
    /// feature tables are far below them (50,000 patients x 40 columns is 2,000,000 cells).
    public struct Limits: Sendable, Equatable {
        /// File size in bytes (2 GiB).
        public var bytes: Int
        /// Records, the header included (5,000,000).
        public var rows: Int
        /// Fields over all records (50,000,000).
        public var cells: Int
        public init(bytes: Int = 1 << 31, rows: Int = 5_000_000, cells: Int = 50_000_000) {
            self.bytes = bytes; self.rows = rows; self.cells = cells
        }
        public static let standard = Limits()
    }

    /// Index of a column by exact header name.
    public func columnIndex(_ name: String) -> Int? { header.firstIndex(of: name) }

    /// Reads a CSV file from disk.
    public static func read(path: String, delimiter: UInt8 = UInt8(ascii: ","), limits: Limits = .standard) throws -> CSVTable {
        if let problem = InputFile.problem(path) {
            throw ValidationError(Problem(file: path, message: "cannot read the file: it \(problem)", expected: "a CSV file"))
        }
        if let size = InputFile.size(path) { try checkSize(size, source: path, limits: limits) }
        guard let bytes = InputFile.bytes(path) else {
            throw ValidationError(Problem(file: path, message: "cannot read the file (unreadable: permissions?)"))
        }
        return try parse(bytes: bytes, source: path, delimiter: delimiter, limits: limits)
    }

    private static func checkSize(_ size: Int, source: String, limits: Limits) throws {
        guard size <= limits.bytes else {
            throw ValidationError(
                Problem(file: source, message: "the file has \(size) bytes, more than a CSV table may hold", expected: "at most \(limits.bytes) bytes"))
        }
    }

    /// Parses CSV text held in memory.
    public static func parse(text: String, source: String = "<text>", delimiter: UInt8 = UInt8(ascii: ",")) throws -> CSVTable {
        try parse(data: Data(text.utf8), source: source, delimiter: delimiter)
    }

    public static func parse(data: Data, source: String, delimiter: UInt8 = UInt8(ascii: ","), limits: Limits = .standard) throws -> CSVTable {
        try parse(bytes: [UInt8](data), source: source, delimiter: delimiter, limits: limits)
    }

    private static func parse(bytes file: [UInt8], source: String, delimiter: UInt8, limits: Limits) throws -> CSVTable {
        try checkSize(file.count, source: source, limits: limits)
        var bytes = file
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            throw ValidationError(Problem(file: source, message: "the file is UTF-16 encoded", expected: "UTF-8 (save as 'CSV UTF-8')"))
        }
        var records = try CSVRecordParser(bytes: bytes, source: source, delimiter: delimiter, limits: limits).parseAll()
        guard !records.isEmpty else {
            throw ValidationError(Problem(file: source, message: "the file is empty", expected: "a header row and data rows"))
        }
        let header = records.removeFirst().fields.map { $0.trimmingCharacters(in: .whitespaces) }
        try checkHeader(header, source: source, delimiter: delimiter)
        var problems: [Problem] = []
        for (index, record) in records.enumerated() where record.fields.count != header.count {
            problems.append(
                Problem(
                    file: source, row: index + 1,
                    message: "line \(record.line) has \(record.fields.count) fields",
                    expected: "\(header.count) fields as in the header"))
        }
        if !problems.isEmpty { throw ValidationError(Array(problems.prefix(50)) + overflowNote(problems, source: source)) }
        return CSVTable(source: source, header: header, rows: records.map(\.fields), lineNumbers: records.map(\.line))
    }

    private static func overflowNote(_ problems: [Problem], source: String) -> [Problem] {
        problems.count > 50 ? [Problem(file: source, message: "… and \(problems.count - 50) more rows with the wrong number of fields")] : []
    }

    private static func checkHeader(_ header: [String], source: String, delimiter: UInt8) throws {
        var problems: [Problem] = []
        if header.count == 1 {
            let only = header[0]
            for other in [";", "\t", "|"] where only.contains(other) && String(UnicodeScalar(delimiter)) != other {
                let name = other == "\t" ? "tab" : "'\(other)'"
                problems.append(
                    Problem(
                        file: source, row: 0, message: "the header has a single column '\(only.prefix(60))' that contains \(name)",
                        expected: "comma-separated columns (the file looks \(name)-separated; re-export as CSV with commas)"))
            }
        }
        var seen: Set<String> = []
        for (index, name) in header.enumerated() {
            if name.isEmpty { problems.append(Problem(file: source, row: 0, message: "header column \(index + 1) is empty", expected: "a column name")) }
            if !seen.insert(name).inserted && !name.isEmpty {
                problems.append(Problem(file: source, row: 0, column: name, message: "the column name appears more than once", expected: "unique column names"))
            }
        }
        if !problems.isEmpty { throw ValidationError(problems) }
    }
}

/// The byte-level RFC 4180 state machine behind `CSVTable`.
struct CSVRecordParser {
    struct Record { var fields: [String]; var line: Int }
    let bytes: [UInt8]
    let source: String
    let delimiter: UInt8
    let limits: CSVTable.Limits
    private static let quote = UInt8(ascii: "\""), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")

    init(bytes: [UInt8], source: String, delimiter: UInt8, limits: CSVTable.Limits = .standard) {
        self.bytes = bytes; self.source = source; self.delimiter = delimiter; self.limits = limits
    }

    func parseAll() throws -> [Record] {
        var records: [Record] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var line = 1, recordLine = 1
        var i = 0
        var inQuotes = false, wasQuoted = false, quoteLine = 0
        var cells = 0
        func endField() throws {
            guard let text = String(validating: field, as: UTF8.self) else {
                throw ValidationError(Problem(file: source, message: "line \(line) is not valid UTF-8", expected: "a UTF-8 encoded file"))
            }
            guard cells + fields.count < limits.cells else {
                throw ValidationError(
                    Problem(
                        file: source, message: "line \(line) brings the fields to more than a CSV table may hold",
                        expected: "at most \(limits.cells) fields in all"))
            }
            fields.append(text); field.removeAll(keepingCapacity: true); wasQuoted = false
        }
        func endRecord() throws {
            // A blank line (one empty unquoted field) is not a record.
            if !(fields.count == 1 && fields[0].isEmpty) {
                guard records.count < limits.rows else {
                    throw ValidationError(
                        Problem(
                            file: source, message: "line \(recordLine) starts record \(records.count + 1), more than a CSV table may hold",
                            expected: "at most \(limits.rows) records (the header included)"))
                }
                cells += fields.count
                records.append(Record(fields: fields, line: recordLine))
            }
            fields.removeAll(keepingCapacity: true)
        }
        while i < bytes.count {
            let byte = bytes[i]
            if inQuotes {
                if byte == Self.quote {
                    if i + 1 < bytes.count && bytes[i + 1] == Self.quote { field.append(Self.quote); i += 2; continue }
                    inQuotes = false
                } else {
                    if byte == Self.lf { line += 1 }
                    field.append(byte)
                }
                i += 1; continue
            }
            switch byte {
            case Self.quote:
                guard field.isEmpty && !wasQuoted else {
                    throw ValidationError(
                        Problem(
                            file: source, message: "line \(line) has a double quote inside an unquoted field",
                            expected: "quotes only around a whole field, with \"\" for a literal quote"))
                }
                inQuotes = true; wasQuoted = true; quoteLine = line
            case delimiter:
                try endField()
            case Self.cr, Self.lf:
                if byte == Self.cr && i + 1 < bytes.count && bytes[i + 1] == Self.lf { i += 1 }
                try endField(); try endRecord()
                line += 1; recordLine = line
            default:
                if wasQuoted {
                    throw ValidationError(
                        Problem(
                            file: source, message: "line \(line) has text after a closing quote",
                            expected: "a delimiter or the end of the line after a quoted field"))
                }
                field.append(byte)
            }
            i += 1
        }
        if inQuotes {
            throw ValidationError(
                Problem(
                    file: source, message: "a quoted field opened on line \(quoteLine) is never closed",
                    expected: "a closing double quote"))
        }
        if !field.isEmpty || !fields.isEmpty || wasQuoted { try endField(); try endRecord() }
        return records
    }
}

/// Writes CSV with RFC 4180 quoting: the one CSV field escaper of SinoRad (predictions, reads,
/// cohorts, training logs and every report table written as CSV).
public enum CSVWriter {
    /// `text` as one CSV field: quoted, with each quote doubled, when it holds a comma, a double
    /// quote, a CR or an LF (RFC 4180 section 2); otherwise as it is (spaces are kept unquoted).
    ///
    ///     CSVWriter.field("a,b")        // "\"a,b\""
    ///     CSVWriter.field("say \"x\"")  // "\"say \"\"x\"\"\""
    public static func field(_ text: String) -> String {
        // Bytes, not Characters: "\r\n" is one Character, equal to neither "\r" nor "\n".
        if text.utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }) {
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return text
    }

    public static func line(_ fields: [String]) -> String { fields.map(field).joined(separator: ",") }

    public static func text(header: [String], rows: [[String]], comments: [String] = []) -> String {
        var out = comments.map { "# \($0)\n" }.joined()
        out += line(header) + "\n"
        for row in rows { out += line(row) + "\n" }
        return out
    }
}
