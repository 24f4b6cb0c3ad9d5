import Foundation

/// One column of a cohort held in memory: text cells (as a CSV would hold them) or numbers,
/// nil where the value is missing.
public enum CohortColumn: Sendable {
    case text([String?])
    case numbers([Double?])

    var count: Int {
        switch self {
        case .text(let values): values.count
        case .numbers(let values): values.count
        }
    }

    /// The cell of row `i` as a CSV holds it ("" when missing; numbers in Swift's shortest
    /// round-trip form, so they are read back exactly).
    func cell(_ i: Int) -> String {
        switch self {
        case .text(let values): values[i] ?? ""
        case .numbers(let values): values[i].map { "\($0)" } ?? ""
        }
    }
}

extension Cohort {
    /// A cohort from columns in memory, checked exactly as a cohort CSV is (`CohortLoader`):
    /// the id, cohort and class columns by the dictionary's names, each variable against its
    /// kind and levels, every problem listed at once.
    ///
    /// ```swift
    /// let cohort = try Cohort(columns: [
    ///     ("patient_id", .text(["p1", "p2", "p3", "p4"])),
    ///     ("cohort", .text(["train", "train", "train", "test"])),
    ///     ("pathology", .text(["SCC", "ACC", "SCC", "ACC"])),
    ///     ("age", .numbers([61, 48, nil, 70])),
    /// ])
    /// ```
    ///
    /// - Parameters:
    ///   - columns: name and values of each column, every column as long as the first.
    ///   - dictionary: the variables' kinds and levels; nil infers them from the values.
    ///   - label: the class column.
    ///   - classOrder: the class order (default: the dictionary's, or first appearance).
    ///   - source: how messages name the data.
    /// - Throws: `ValidationError` naming every problem (a column of another length, a
    ///   duplicated name, values the dictionary does not allow).
    public init(
        columns: [(String, CohortColumn)], dictionary: VariableDictionary? = nil, label: String = "pathology",
        classOrder: [String]? = nil, source: String = "in-memory cohort"
    ) throws {
        let rows = columns.first?.1.count ?? 0
        var problems: [Problem] = []
        var seen: Set<String> = []
        for (name, column) in columns {
            if !seen.insert(name).inserted {
                problems.append(Problem(file: source, column: name, message: "the column appears twice", expected: "one column per name"))
            }
            if column.count != rows {
                problems.append(Problem(file: source, column: name, message: "\(column.count) values", expected: "\(rows) values, as many as the first column"))
            }
        }
        if !problems.isEmpty { throw ValidationError(problems) }
        let table = CSVTable(
            source: source, header: columns.map(\.0),
            rows: (0..<rows).map { i in columns.map { $0.1.cell(i) } })
        self = try CohortLoader.load(table: table, dictionary: dictionary, labelColumn: label, classOrder: classOrder).cohort
    }
}
