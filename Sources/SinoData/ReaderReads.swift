import Foundation

/// Whether a radiologist read a case on their own or with the AI model's output at hand.
public enum ReadingCondition: String, Codable, Sendable, CaseIterable {
    case unaided
    /// AI-assisted: the reader saw the model's predicted class (and probabilities).
    case aided

    /// The `assisted` cell of the reads CSV: "no" or "yes".
    public var assistedCell: String { self == .aided ? "yes" : "no" }

    /// How tables name the condition ("Unaided", "AI-assisted").
    public var label: String { self == .aided ? "AI-assisted" : "Unaided" }

    /// The condition inside a sentence ("unaided", "AI-assisted").
    public var phrase: String { self == .aided ? "AI-assisted" : "unaided" }
}

/// One radiologist's diagnosis of one patient in one condition.
public struct ReaderRead: Sendable, Equatable {
    public var patientId: String
    public var reader: String
    public var condition: ReadingCondition
    /// The class called, an index into the class set.
    public var call: Int

    public init(patientId: String, reader: String, condition: ReadingCondition, call: Int) {
        self.patientId = patientId; self.reader = reader; self.condition = condition; self.call = call
    }
}

/// The reader-study reads: every radiologist's call for every patient they read, unaided and
/// AI-assisted, as the reads CSV `patient_id, reader, assisted, call`
/// (data-schema/reads.schema.json, data-schema/READS.md).
///
/// ```swift
/// let truth = try CohortLoader.load(path: "cohort.csv", dictionary: .sinonasal()).cohort
/// let reads = try ReaderReads.read(path: "reads.csv", classes: truth.classes,
///                                  patients: Set(truth.ids), patientsSource: truth.source)
/// reads.readers                       // ["senior", "junior"], in order of first appearance
/// ```
public struct ReaderReads: Sendable, Equatable {
    public var classes: ClassSet
    /// In file order.
    public var reads: [ReaderRead]

    public init(classes: ClassSet, reads: [ReaderRead]) {
        self.classes = classes; self.reads = reads
    }

    /// The required columns; any other column (a reader group, a comment) is ignored.
    public static let columns = ["patient_id", "reader", "assisted", "call"]

    /// Reader names in order of first appearance.
    public var readers: [String] {
        var seen: Set<String> = [], order: [String] = []
        for read in reads where seen.insert(read.reader).inserted { order.append(read.reader) }
        return order
    }

    /// The conditions a reader has reads in, unaided first.
    public func conditions(of reader: String) -> [ReadingCondition] {
        ReadingCondition.allCases.filter { c in reads.contains { $0.reader == reader && $0.condition == c } }
    }

    /// One reader's calls in one condition, keyed by patient id.
    public func calls(of reader: String, _ condition: ReadingCondition) -> [String: Int] {
        var calls: [String: Int] = [:]
        for read in reads where read.reader == reader && read.condition == condition { calls[read.patientId] = read.call }
        return calls
    }

    /// The reads CSV text (header first, then the reads in order).
    public func csv() -> String {
        CSVWriter.text(
            header: Self.columns,
            rows: reads.map {
                [$0.patientId, $0.reader, $0.condition.assistedCell, classes.names[$0.call]]
            })
    }

    // MARK: Reading

    /// Reads a reads CSV, reporting every problem at once.
    /// - Parameters:
    ///   - classes: the classes a call may name (the truth cohort's).
    ///   - patients: the patient ids a read may name (the truth cohort's); nil accepts any.
    ///   - patientsSource: where `patients` come from, for messages.
    public static func read(
        path: String, classes: ClassSet, patients: Set<String>? = nil,
        patientsSource: String = "the truth cohort"
    ) throws -> ReaderReads {
        try parse(CSVTable.read(path: path), classes: classes, patients: patients, patientsSource: patientsSource)
    }

    public static func parse(
        _ table: CSVTable, classes: ClassSet, patients: Set<String>? = nil,
        patientsSource: String = "the truth cohort"
    ) throws -> ReaderReads {
        var problems = columns.filter { table.columnIndex($0) == nil }.map {
            Problem(
                file: table.source, row: 0, column: $0, message: "the column is missing",
                expected: "columns \(columns.joined(separator: ", "))")
        }
        if problems.isEmpty && table.rows.isEmpty {
            problems.append(
                Problem(
                    file: table.source, message: "the file has a header but no reads",
                    expected: "one row per patient, reader and condition"))
        }
        if !problems.isEmpty { throw ValidationError(problems) }
        var parser = RowParser(table: table, classes: classes, patients: patients, patientsSource: patientsSource)
        let reads = parser.parseRows()
        problems = parser.problems + parser.unpairedReads()
        if !problems.isEmpty {
            let sorted = CohortLoader.sortedByPosition(CohortLoader.withLines(problems, table), header: table.header)
            let note =
                sorted.count > 100
                ? [Problem(file: table.source, message: "… and \(sorted.count - 100) more problems")] : []
            throw ValidationError(Array(sorted.prefix(100)) + note)
        }
        return ReaderReads(classes: classes, reads: reads)
    }

    /// The row-by-row checks behind `parse`.
    private struct RowParser {
        let table: CSVTable
        let classes: ClassSet
        let patients: Set<String>?
        let patientsSource: String
        var problems: [Problem] = []
        /// (patient, reader, condition) -> first data row.
        var firstRow: [Key: Int] = [:]

        struct Key: Hashable { var patient: String, reader: String, condition: ReadingCondition }

        init(table: CSVTable, classes: ClassSet, patients: Set<String>?, patientsSource: String) {
            self.table = table; self.classes = classes; self.patients = patients; self.patientsSource = patientsSource
        }

        mutating func problem(_ row: Int, _ column: String, _ value: String?, _ message: String, _ expected: String) {
            problems.append(Problem(file: table.source, row: row, column: column, value: value, message: message, expected: expected))
        }

        mutating func parseRows() -> [ReaderRead] {
            let index = ReaderReads.columns.map { table.columnIndex($0)! }
            var reads: [ReaderRead] = []
            for (r, cells) in table.rows.enumerated() {
                let row = r + 1
                let text = index.map { cells[$0].trimmingCharacters(in: .whitespaces) }
                let (patient, reader, assisted, call) = (text[0], text[1], text[2], text[3])
                let knownPatient = !patient.isEmpty && patients?.contains(patient) != false
                if patient.isEmpty {
                    problem(row, "patient_id", nil, "the patient id is missing", "a patient id of \(patientsSource)")
                } else if !knownPatient {
                    problem(row, "patient_id", patient, "unknown patient", "a patient id of \(patientsSource)")
                }
                if reader.isEmpty { problem(row, "reader", nil, "the reader is missing", "a reader name (e.g. senior, junior)") }
                let condition: ReadingCondition?
                switch assisted.lowercased() {
                case "yes": condition = .aided
                case "no": condition = .unaided
                default:
                    condition = nil
                    problem(
                        row, "assisted", assisted, assisted.isEmpty ? "the condition is missing" : "not yes or no",
                        "yes (read with the AI model's output) or no (unaided)")
                }
                let classIndex = classes.index(of: call)
                if classIndex == nil {
                    problem(
                        row, "call", call, call.isEmpty ? "the call is missing" : "unknown class",
                        "one of \(classes.names.joined(separator: ", "))")
                }
                // An unknown patient is not checked for duplicates or pairing: one message is enough.
                guard let condition, knownPatient, !reader.isEmpty else { continue }
                let key = Key(patient: patient, reader: reader, condition: condition)
                if let first = firstRow[key] {
                    problem(
                        row, "patient_id", patient,
                        "duplicate read by reader '\(reader)', assisted \(condition.assistedCell) (first on row \(first))",
                        "one read per patient, reader and condition")
                    continue
                }
                firstRow[key] = row
                if let classIndex { reads.append(ReaderRead(patientId: patient, reader: reader, condition: condition, call: classIndex)) }
            }
            return reads
        }

        /// A reader who read in both conditions must have read each of their patients in both:
        /// the AI effect (McNemar) pairs a reader's unaided and aided calls patient by patient.
        func unpairedReads() -> [Problem] {
            let both = Set(firstRow.keys.filter { $0.condition == .aided }.map(\.reader))
                .intersection(firstRow.keys.filter { $0.condition == .unaided }.map(\.reader))
            return firstRow.compactMap { key, row -> Problem? in
                guard both.contains(key.reader) else { return nil }
                let other: ReadingCondition = key.condition == .aided ? .unaided : .aided
                guard firstRow[Key(patient: key.patient, reader: key.reader, condition: other)] == nil else { return nil }
                return Problem(
                    file: table.source, row: row, column: "patient_id", value: key.patient,
                    message: "reader '\(key.reader)' read this patient \(key.condition.phrase) but has no \(other.phrase) read of it",
                    expected: "both an unaided (assisted no) and an AI-assisted (assisted yes) read of every patient, for a reader who read in both conditions")
            }.sorted { ($0.row ?? 0) < ($1.row ?? 0) }
        }
    }
}
