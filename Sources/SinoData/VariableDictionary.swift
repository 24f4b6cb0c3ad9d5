import Foundation

/// The kind of a cohort variable, which decides how it is validated, summarised, tested and encoded.
public enum VariableKind: String, Codable, Sendable, CaseIterable {
    /// A measured number (age, diameter, ADC).
    case continuous
    /// Unordered levels (sex, epicenter); two-level findings (present/absent) are categorical too.
    case categorical
    /// Ordered levels (T2 signal low < intermediate < high; enhancement mild < moderate < marked).
    case ordinal
}

/// How a categorical or ordinal variable enters a regression.
public enum VariableEncoding: String, Codable, Sendable {
    /// One indicator column per non-reference level.
    case onehot
    /// One column holding the level's position (0, 1, 2, ...), for ordinal variables.
    case ordinal
}

/// Per-variable override of the Table 1 summary.
public enum SummaryStyle: String, Codable, Sendable {
    case auto
    case meanSD = "mean_sd"
    case medianIQR = "median_iqr"
}

/// Per-variable override of the group test.
public enum TestChoice: String, Codable, Sendable, CaseIterable {
    case auto, chisq, fisher, anova, welch, kruskal

    /// Whether the test can compare classes on a variable of this kind.
    public func applies(to kind: VariableKind) -> Bool {
        switch self {
        case .auto: return true
        case .chisq, .fisher: return kind != .continuous
        case .anova, .welch, .kruskal: return kind == .continuous
        }
    }
}

/// One variable of the dictionary: a column of the cohort CSV and everything needed to use it.
public struct Variable: Codable, Sendable, Equatable {
    /// Column name in the cohort CSV.
    public var name: String
    /// Text for tables ("Maximum diameter").
    public var label: String?
    public var kind: VariableKind
    /// Levels in order (categorical and ordinal only).
    public var levels: [String]?
    /// Text for each level in tables, by level code.
    public var levelLabels: [String: String]?
    /// Reference level for odds ratios (default: the first level).
    public var reference: String?
    public var unit: String?
    /// Plausible range for continuous values; values outside are errors.
    public var minimum: Double?
    public var maximum: Double?
    public var summary: SummaryStyle?
    public var test: TestChoice?
    public var encoding: VariableEncoding?
    /// Whether the variable enters univariate screening for `select` (default true).
    public var screen: Bool?
    public var description: String?

    enum CodingKeys: String, CodingKey {
        case name, label, kind, levels, reference, unit, minimum, maximum, summary, test, encoding, screen, description
        case levelLabels = "level_labels"
    }

    public init(
        name: String, label: String? = nil, kind: VariableKind, levels: [String]? = nil,
        reference: String? = nil, unit: String? = nil
    ) {
        self.name = name; self.label = label; self.kind = kind
        self.levels = levels; self.reference = reference; self.unit = unit
    }

    public var displayName: String {
        let base = label ?? name
        if let unit, !unit.isEmpty { return "\(base) (\(unit))" }
        return base
    }

    public var isCategorical: Bool { kind != .continuous }
    public var referenceLevel: String? { reference ?? levels?.first }
    public var effectiveEncoding: VariableEncoding { encoding ?? .onehot }
    public var isScreened: Bool { screen ?? true }

    public func levelLabel(_ level: String) -> String { levelLabels?[level] ?? level }
}

/// The outcome column and its classes in the order results are reported.
public struct LabelSpec: Codable, Sendable, Equatable {
    public var column: String
    public var classes: [String]
    public var classLabels: [String: String]?

    enum CodingKeys: String, CodingKey {
        case column, classes
        case classLabels = "class_labels"
    }

    public init(column: String, classes: [String]) {
        self.column = column; self.classes = classes
    }
}

/// A study's variable dictionary: which columns the cohort CSV has and what each one means.
/// The dictionary drives validation, Table 1, encoding and selection: a new variable needs
/// an entry here, not code.
public struct VariableDictionary: Codable, Sendable, Equatable {
    public var name: String
    public var title: String?
    public var version: Int
    public var idColumn: String
    public var cohortColumn: String?
    public var cohorts: [String]?
    public var label: LabelSpec
    /// Cell texts that mean "missing" (compared after trimming spaces).
    public var missing: [String]
    public var variables: [Variable]

    enum CodingKeys: String, CodingKey {
        case name, title, version, label, missing, variables, cohorts
        case idColumn = "id_column"
        case cohortColumn = "cohort_column"
    }

    public init(
        name: String, version: Int = 1, idColumn: String = "patient_id", cohortColumn: String? = "cohort",
        cohorts: [String]? = ["train", "validation", "test"], label: LabelSpec,
        missing: [String] = ["", "NA"], variables: [Variable]
    ) {
        self.name = name; self.version = version; self.idColumn = idColumn
        self.cohortColumn = cohortColumn; self.cohorts = cohorts; self.label = label
        self.missing = missing; self.variables = variables
    }

    public func variable(named name: String) -> Variable? { variables.first { $0.name == name } }

    /// Reads and checks a dictionary file; every problem in it is reported at once.
    public static func load(path: String) throws -> VariableDictionary {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError(Problem(file: path, message: "cannot read the dictionary file"))
        }
        return try decode(data, source: path)
    }

    public static func decode(_ data: Data, source: String) throws -> VariableDictionary {
        let dictionary: VariableDictionary
        do {
            dictionary = try JSONDecoder().decode(VariableDictionary.self, from: data)
        } catch let error as DecodingError {
            throw ValidationError(
                Problem(
                    file: source, message: "not a valid dictionary: \(describe(error))",
                    expected: "JSON following data-schema/dictionary.schema.json"))
        }
        let problems = dictionary.problems(source: source)
        if !problems.isEmpty { throw ValidationError(problems) }
        return dictionary
    }

    /// Consistency checks beyond the JSON shape: unique names, levels present, references valid.
    public func problems(source: String) -> [Problem] {
        var problems: [Problem] = []
        func add(_ column: String?, _ message: String, _ expected: String? = nil) {
            problems.append(Problem(file: source, column: column, message: message, expected: expected))
        }
        if label.classes.count < 2 { add(label.column, "the label lists \(label.classes.count) class(es)", "at least 2 classes") }
        if Set(label.classes).count != label.classes.count { add(label.column, "the label's classes repeat a name", "unique class names") }
        var seen: Set<String> = [idColumn, label.column]
        if let cohortColumn { seen.insert(cohortColumn) }
        for variable in variables {
            if !seen.insert(variable.name).inserted {
                add(variable.name, "the variable is defined twice or clashes with the id/label/cohort column", "unique variable names")
            }
            if let test = variable.test, !test.applies(to: variable.kind) {
                add(
                    variable.name, "test '\(test.rawValue)' cannot compare a \(variable.kind.rawValue) variable",
                    "one of \(TestChoice.allCases.filter { $0.applies(to: variable.kind) }.map(\.rawValue).joined(separator: ", "))")
            }
            switch variable.kind {
            case .continuous:
                if variable.levels != nil { add(variable.name, "a continuous variable has levels", "no levels, or kind categorical/ordinal") }
                if let lo = variable.minimum, let hi = variable.maximum, lo > hi { add(variable.name, "minimum \(lo) is above maximum \(hi)") }
            case .categorical, .ordinal:
                let levels = variable.levels ?? []
                if levels.count < 2 { add(variable.name, "a \(variable.kind.rawValue) variable has \(levels.count) level(s)", "at least 2 levels") }
                if Set(levels).count != levels.count { add(variable.name, "levels repeat a name", "unique levels") }
                if let reference = variable.reference, !levels.contains(reference) {
                    add(variable.name, "reference level '\(reference)' is not among the levels", "one of \(levels.joined(separator: ", "))")
                }
                if variable.encoding == .ordinal && variable.kind != .ordinal {
                    add(variable.name, "ordinal encoding on a \(variable.kind.rawValue) variable", "encoding onehot, or kind ordinal")
                }
            }
        }
        return problems
    }

    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}

func describe(_ error: DecodingError) -> String {
    func path(_ context: DecodingError.Context) -> String {
        let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        return keys.isEmpty ? "at the top level" : "at \(keys)"
    }
    switch error {
    case .keyNotFound(let key, let context): return "missing key '\(key.stringValue)' \(path(context))"
    case .typeMismatch(_, let context): return "\(context.debugDescription) \(path(context))"
    case .valueNotFound(_, let context): return "missing value \(path(context))"
    case .dataCorrupted(let context): return "\(context.debugDescription) \(path(context))"
    @unknown default: return "\(error)"
    }
}

extension VariableDictionary {
    /// The default dictionary of the sinonasal study (data-schema/sinonasal.dictionary.json).
    public static func sinonasal() -> VariableDictionary {
        // The embedded text is checked by a test; failing to decode it is a build defect.
        try! decode(Data(sinonasalJSON.utf8), source: "built-in sinonasal dictionary")
    }

    /// Resolves a `--dictionary` argument: a built-in name ("sinonasal") or a file path.
    public static func named(_ nameOrPath: String) throws -> VariableDictionary {
        nameOrPath == "sinonasal" ? sinonasal() : try load(path: nameOrPath)
    }
}
