/// The ordered set of outcome classes (e.g. SCC, ACC, ONB). Order is the reporting order and
/// the order of probability columns in predictions.
public struct ClassSet: Codable, Sendable, Equatable {
    public var names: [String]
    public init(_ names: [String]) { self.names = names }
    public var count: Int { names.count }
    public func index(of name: String) -> Int? { names.firstIndex(of: name) }
}

/// The values of one variable across patients; `nil` is missing.
public enum ColumnValues: Sendable, Equatable {
    /// Level indices into the variable's `levels`.
    case categorical([Int?])
    case continuous([Double?])

    public var count: Int {
        switch self {
        case .categorical(let v): return v.count
        case .continuous(let v): return v.count
        }
    }

    public var missingCount: Int {
        switch self {
        case .categorical(let v): return v.reduce(0) { $0 + ($1 == nil ? 1 : 0) }
        case .continuous(let v): return v.reduce(0) { $0 + ($1 == nil ? 1 : 0) }
        }
    }

    /// Whether the value at `row` is present (not missing).
    public func isPresent(_ row: Int) -> Bool {
        switch self {
        case .categorical(let v): return v[row] != nil
        case .continuous(let v): return v[row] != nil
        }
    }

    func subset(_ rows: [Int]) -> ColumnValues {
        switch self {
        case .categorical(let v): return .categorical(rows.map { v[$0] })
        case .continuous(let v): return .continuous(rows.map { v[$0] })
        }
    }
}

/// A validated cohort: one row per patient with its class, its split and its variables,
/// typed by the dictionary. Everything downstream talks in cohorts.
public struct Cohort: Sendable {
    public var source: String
    public var dictionary: VariableDictionary
    public var classes: ClassSet
    public var ids: [String]
    /// The split of each patient (train / validation / test), when the CSV has a cohort column.
    public var splits: [String]?
    /// Class index of each patient.
    public var labels: [Int]
    public var columns: [String: ColumnValues]
    /// The CSV data row of each patient (1-based), for messages.
    public var rowNumbers: [Int]

    public var count: Int { ids.count }
    public var variables: [Variable] { dictionary.variables }

    public func values(_ name: String) -> ColumnValues? { columns[name] }

    /// Patients per class, in class order.
    public var classCounts: [Int] {
        var counts = Array(repeating: 0, count: classes.count)
        for label in labels { counts[label] += 1 }
        return counts
    }

    /// The split names present, in the dictionary's order (train, validation, test), then any others.
    public var splitNames: [String] {
        guard let splits else { return [] }
        let declared = dictionary.cohorts ?? []
        let present = Set(splits)
        return declared.filter(present.contains) + present.subtracting(declared).sorted()
    }

    /// The patients at the given row positions, in that order.
    public func subset(rows: [Int]) -> Cohort {
        var copy = self
        copy.ids = rows.map { ids[$0] }
        copy.splits = splits.map { s in rows.map { s[$0] } }
        copy.labels = rows.map { labels[$0] }
        copy.rowNumbers = rows.map { rowNumbers[$0] }
        copy.columns = columns.mapValues { $0.subset(rows) }
        return copy
    }

    /// The patients of one split (e.g. "train"); throws when the cohort has no such split.
    public func split(_ name: String) throws -> Cohort {
        guard let splits else {
            throw ValidationError(
                Problem(
                    file: source, message: "the cohort has no '\(dictionary.cohortColumn ?? "cohort")' column, so it cannot be restricted to '\(name)'",
                    expected: "a cohort column, or no --cohort option"))
        }
        let rows = splits.indices.filter { splits[$0] == name }
        if rows.isEmpty {
            throw ValidationError(
                Problem(
                    file: source, column: dictionary.cohortColumn, message: "no patient belongs to cohort '\(name)'",
                    expected: "one of \(splitNames.joined(separator: ", "))"))
        }
        return subset(rows: rows)
    }
}
