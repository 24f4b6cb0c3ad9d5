/// One problem found in a user's input, located as precisely as the input allows.
///
/// Validation collects every `Problem` before failing, so a user fixes a file in one pass.
public struct Problem: Error, Equatable, Sendable, CustomStringConvertible {
    public var file: String?
    /// 1-based data row (the header is row 0), when the problem is in a row.
    public var row: Int?
    /// The physical line in the file (header = line 1), when it differs from row + 1
    /// because of quoted line breaks or blank lines, or simply to help editors jump there.
    public var line: Int?
    public var column: String?
    public var value: String?
    /// What was expected instead, in words ("a number", "one of SCC, ACC, ONB").
    public var expected: String?
    public var message: String

    public init(
        file: String? = nil, row: Int? = nil, column: String? = nil, value: String? = nil,
        message: String, expected: String? = nil
    ) {
        self.file = file; self.row = row; self.column = column
        self.value = value; self.expected = expected; self.message = message
    }

    public var description: String {
        var location: [String] = []
        if let file { location.append(file) }
        if let row { location.append(line.map { "row \(row) (line \($0))" } ?? "row \(row)") }
        if let column { location.append("column '\(column)'") }
        var text = location.isEmpty ? message : location.joined(separator: ", ") + ": " + message
        if let value { text += " (found '\(value)')" }
        if let expected { text += "; expected \(expected)" }
        return text
    }
}

/// A failure that carries every problem found (one or more).
public struct ValidationError: Error, CustomStringConvertible, Sendable {
    public var problems: [Problem]
    public init(_ problems: [Problem]) { self.problems = problems }
    public init(_ problem: Problem) { self.problems = [problem] }

    public var description: String {
        if problems.count == 1 { return problems[0].description }
        return "\(problems.count) problems:\n" + problems.map { "  - \($0)" }.joined(separator: "\n")
    }
}

/// A warning worth telling the user about that does not stop the run.
public struct Warning: Equatable, Sendable, CustomStringConvertible, Codable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
