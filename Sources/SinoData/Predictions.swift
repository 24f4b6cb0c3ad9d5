import Foundation

/// One model's class probabilities for a set of patients: the interchange format between
/// models (SinoRad's own and outside tools'), read and written as the predictions CSV
/// `patient_id, cohort, model, p_<class>...` (data-schema/predictions.schema.json).
public struct Predictions: Sendable, Equatable {
    public var model: String
    public var classes: ClassSet
    public var patientIds: [String]
    /// The cohort (train / validation / test) of each patient.
    public var cohorts: [String]
    /// n x K probabilities in class order, exactly as given: each row sums to 1 within
    /// `sumTolerance`. They are never rescaled, so ties between patients and classes stay
    /// ties for the rank statistics (AUC, DeLong, bootstrap, calibration bins, decision
    /// curves), as in scikit-learn and pROC, which rank the values they are given.
    public var probabilities: [[Double]]

    public init(model: String, classes: ClassSet, patientIds: [String], cohorts: [String], probabilities: [[Double]]) {
        self.model = model; self.classes = classes; self.patientIds = patientIds
        self.cohorts = cohorts; self.probabilities = probabilities
    }

    public var count: Int { patientIds.count }

    /// Rows whose probabilities may be off by this much from summing to 1 are accepted as they
    /// are: outside tools often round to 4-6 decimals. Dividing a row by its sum would move
    /// values by an ulp or more and break ties that exist in the file (scikit-learn's forests
    /// give rows summing to 1 only within ~1e-15).
    public static let sumTolerance = 1e-3

    /// The rows of one cohort, in file order.
    public func cohort(_ name: String) -> Predictions {
        let rows = cohorts.indices.filter { cohorts[$0] == name }
        return Predictions(
            model: model, classes: classes, patientIds: rows.map { patientIds[$0] },
            cohorts: rows.map { cohorts[$0] }, probabilities: rows.map { probabilities[$0] })
    }

    // MARK: CSV

    public static func header(classes: ClassSet) -> [String] {
        ["patient_id", "cohort", "model"] + classes.names.map { "p_\($0)" }
    }

    /// CSV text; probabilities with 17 significant digits so they read back exactly.
    public static func csv(_ predictions: [Predictions]) -> String {
        guard let first = predictions.first else { return "" }
        var rows: [[String]] = []
        for p in predictions {
            for i in 0..<p.count {
                rows.append([p.patientIds[i], p.cohorts[i], p.model] + p.probabilities[i].map { String(format: "%.17g", $0) })
            }
        }
        return CSVWriter.text(header: header(classes: first.classes), rows: rows)
    }

    /// Reads a predictions CSV holding one or more models; every problem is reported at once.
    /// `classes` fixes the expected class columns (from the truth cohort); when nil they are
    /// taken from the `p_<class>` columns in file order.
    public static func read(path: String, classes: ClassSet? = nil) throws -> [Predictions] {
        try parse(CSVTable.read(path: path), classes: classes)
    }

    public static func parse(_ table: CSVTable, classes given: ClassSet? = nil) throws -> [Predictions] {
        let source = table.source
        var problems: [Problem] = []
        for required in ["patient_id", "cohort", "model"] where table.columnIndex(required) == nil {
            problems.append(
                Problem(
                    file: source, row: 0, column: required, message: "the column is missing",
                    expected: "columns patient_id, cohort, model, p_<class>..."))
        }
        let found = table.header.filter { $0.hasPrefix("p_") }.map { String($0.dropFirst(2)) }
        let classes = given ?? ClassSet(found)
        if classes.count < 2 {
            problems.append(Problem(file: source, row: 0, message: "fewer than 2 probability columns", expected: "one p_<class> column per class"))
        }
        for name in classes.names where !found.contains(name) {
            problems.append(
                Problem(
                    file: source, row: 0, column: "p_\(name)", message: "the probability column is missing",
                    expected: "p_\(name) (classes: \(classes.names.joined(separator: ", ")))"))
        }
        for name in found where !classes.names.contains(name) {
            problems.append(
                Problem(
                    file: source, row: 0, column: "p_\(name)", message: "a probability column for an unknown class",
                    expected: "only \(classes.names.map { "p_\($0)" }.joined(separator: ", "))"))
        }
        if !problems.isEmpty { throw ValidationError(problems) }
        return try parseRows(table, classes: classes)
    }

    static func parseRows(_ table: CSVTable, classes: ClassSet) throws -> [Predictions] {
        let source = table.source
        let id = table.columnIndex("patient_id")!, cohort = table.columnIndex("cohort")!, model = table.columnIndex("model")!
        let columns = classes.names.map { table.columnIndex("p_\($0)")! }
        var problems: [Problem] = []
        var byModel: [String: Predictions] = [:], order: [String] = []
        var seen: [String: Int] = [:]
        for (r, row) in table.rows.enumerated() {
            let rowNumber = r + 1, line = table.lineNumbers[r]
            func problem(_ column: String?, _ value: String?, _ message: String, _ expected: String?) {
                var p = Problem(file: source, row: rowNumber, column: column, value: value, message: message, expected: expected)
                p.line = line
                problems.append(p)
            }
            let name = row[model].trimmingCharacters(in: .whitespaces)
            let patient = row[id].trimmingCharacters(in: .whitespaces)
            let split = row[cohort].trimmingCharacters(in: .whitespaces)
            if name.isEmpty { problem("model", nil, "the model name is missing", "a model name") }
            if patient.isEmpty { problem("patient_id", nil, "the patient id is missing", "a patient id") }
            let key = "\(name)\u{1}\(split)\u{1}\(patient)"
            if let first = seen[key] {
                problem("patient_id", patient, "duplicate row for model '\(name)', cohort '\(split)' (first on row \(first))", "one row per patient, cohort and model")
            } else {
                seen[key] = rowNumber
            }
            var values: [Double] = []
            for (k, c) in columns.enumerated() {
                let text = row[c].trimmingCharacters(in: .whitespaces)
                guard let v = Double(text), v.isFinite, v >= 0, v <= 1 else {
                    problem("p_\(classes.names[k])", text, "not a probability", "a number between 0 and 1")
                    continue
                }
                values.append(v)
            }
            guard values.count == columns.count else { continue }
            let sum = values.reduce(0, +)
            guard abs(sum - 1) <= sumTolerance else {
                problem(
                    nil, String(format: "%.6g", sum), "the probabilities sum to \(String(format: "%.6g", sum))",
                    "a sum of 1 within \(sumTolerance)")
                continue
            }
            if byModel[name] == nil {
                byModel[name] = Predictions(model: name, classes: classes, patientIds: [], cohorts: [], probabilities: [])
                order.append(name)
            }
            byModel[name]!.patientIds.append(patient)
            byModel[name]!.cohorts.append(split)
            byModel[name]!.probabilities.append(values)
        }
        if !problems.isEmpty { throw ValidationError(Array(problems.prefix(100))) }
        if order.isEmpty { throw ValidationError(Problem(file: source, message: "no prediction rows", expected: "one row per patient and model")) }
        return order.map { byModel[$0]! }
    }
}
