import Foundation
import Testing

@testable import SinoData

@Suite("Reader reads CSV and the synthetic readers")
struct ReaderReadsTests {
    let classes = ClassSet(["SCC", "ACC", "ONB"])
    let patients: Set<String> = ["P1", "P2", "P3"]

    func parse(_ text: String) throws -> ReaderReads {
        try ReaderReads.parse(CSVTable.parse(text: text, source: "reads.csv"), classes: classes, patients: patients, patientsSource: "cohort.csv")
    }

    @Test("a valid file: extra columns ignored, yes/no in any case, readers in order of first appearance; CSV round trip")
    func valid() throws {
        let text = """
            reader,patient_id,assisted,call,note
            junior,P1,no,SCC,
            junior,P1,YES,ACC,changed
            senior,P2,No,ONB,
            senior,P2,yes,ONB,
            senior,P1,no,SCC,

            """
        let reads = try parse(text + "senior,P1,yes,SCC,\n")
        #expect(reads.readers == ["junior", "senior"])
        #expect(reads.conditions(of: "senior") == [.unaided, .aided])
        #expect(reads.calls(of: "junior", .aided) == ["P1": 1])
        #expect(reads.reads[1] == ReaderRead(patientId: "P1", reader: "junior", condition: .aided, call: 1))
        let again = try parse(reads.csv())
        #expect(again == reads)
    }

    @Test("every problem at once, with row, line, column, value and what was expected")
    func problems() throws {
        let text = """
            patient_id,reader,assisted,call
            P1,senior,no,SCC
            P9,senior,yes,SCC
            P2,senior,maybe,ACC
            P1,senior,no,ACC
            P2,,no,XYZ
            P3,senior,no,
            P1,senior,yes,ONB

            """
        let error = try #require(throws: ValidationError.self) { try parse(text) }
        let lines = error.problems.map(\.description)
        let expected = [
            "reads.csv, row 2 (line 3), column 'patient_id': unknown patient (found 'P9'); expected a patient id of cohort.csv",
            "reads.csv, row 3 (line 4), column 'assisted': not yes or no (found 'maybe'); expected yes (read with the AI model's output) or no (unaided)",
            "reads.csv, row 4 (line 5), column 'patient_id': duplicate read by reader 'senior', assisted no (first on row 1) (found 'P1'); expected one read per patient, reader and condition",
            "reads.csv, row 5 (line 6), column 'reader': the reader is missing; expected a reader name (e.g. senior, junior)",
            "reads.csv, row 5 (line 6), column 'call': unknown class (found 'XYZ'); expected one of SCC, ACC, ONB",
            "reads.csv, row 6 (line 7), column 'patient_id': reader 'senior' read this patient unaided but has no AI-assisted read of it (found 'P3'); expected both an unaided (assisted no) and an AI-assisted (assisted yes) read of every patient, for a reader who read in both conditions",
            "reads.csv, row 6 (line 7), column 'call': the call is missing (found ''); expected one of SCC, ACC, ONB"
        ]
        #expect(lines == expected, "\(error)")
    }

    @Test("a reader who read in one condition only is accepted; missing columns and an empty file are named")
    func structure() throws {
        let reads = try parse("patient_id,reader,assisted,call\nP1,resident,no,SCC\nP2,resident,no,ACC\n")
        #expect(reads.conditions(of: "resident") == [.unaided])
        let missing = try #require(throws: ValidationError.self) { try parse("patient_id,reader,call\nP1,a,SCC\n") }
        #expect(missing.problems.map(\.column) == ["assisted"])
        let empty = try #require(throws: ValidationError.self) { try parse("patient_id,reader,assisted,call\n") }
        #expect(empty.description.contains("no reads"))
    }

    /// A cohort table with the study's class mix repeated `scale` times.
    func cohortTable(scale: Int) -> CSVTable {
        var rows: [[String]] = []
        for (k, count) in [229, 128, 108].enumerated() {
            for i in 0..<(count * scale) { rows.append(["C\(k)_\(i)", "test", classes.names[k]]) }
        }
        return CSVTable(source: "cohort", header: ["patient_id", "cohort", "pathology"], rows: rows)
    }

    @Test("the synthetic readers: deterministic, and on many patients their accuracies match the documented expectations")
    func simulatedAccuracies() throws {
        let simulator = ReaderSimulator(settings: .init(seed: 7))
        let table = cohortTable(scale: 40)
        let reads = try simulator.reads(for: table)
        #expect(try simulator.reads(for: table) == reads)
        #expect(reads.readers == ["senior", "junior"])
        #expect(reads.reads.count == table.rows.count * 4)
        let truth = Dictionary(uniqueKeysWithValues: table.rows.map { ($0[0], classes.index(of: $0[2])!) })
        func accuracy(_ reader: String, _ condition: ReadingCondition) -> Double {
            let calls = reads.calls(of: reader, condition)
            return Double(calls.filter { truth[$0.key] == $0.value }.count) / Double(calls.count)
        }
        // Expected: sum_k share_k recall_k, then a (1 - abandonCorrect) + (1 - a) correctWrong.
        let expectations: [(String, ReadingCondition, Double)] = [
            ("senior", .unaided, 0.7539), ("senior", .aided, 0.8224), ("junior", .unaided, 0.6006), ("junior", .aided, 0.7503)
        ]
        for (reader, condition, expected) in expectations {
            #expect(abs(accuracy(reader, condition) - expected) < 0.01, "\(reader) \(condition): \(accuracy(reader, condition))")
        }
        // Aided reads keep most unaided calls.
        let unaided = reads.calls(of: "junior", .unaided), aided = reads.calls(of: "junior", .aided)
        let kept = Double(unaided.filter { aided[$0.key] == $0.value }.count) / Double(unaided.count)
        #expect(kept > 0.8)
    }

    @Test("the synthetic readers read only the validation and test patients of a cohort by default")
    func simulatedScope() throws {
        let table = try CohortSimulator(settings: .init()).table()
        let reads = try ReaderSimulator(settings: .init(seed: 20250056)).reads(for: table)
        let split = Dictionary(uniqueKeysWithValues: table.rows.map { ($0[0], $0[1]) })
        #expect(Set(reads.reads.map { split[$0.patientId]! }) == ["validation", "test"])
        #expect(reads.reads.count == (47 + 93) * 4)
    }
}
