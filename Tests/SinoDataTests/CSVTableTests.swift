import Foundation
import Testing

@testable import SinoData

@Suite("CSV reading (RFC 4180)")
struct CSVTableTests {
    @Test("size caps: bytes, records and fields, each named with the line where it was passed; the standard caps as documented")
    func limits() throws {
        #expect(CSVTable.Limits.standard == CSVTable.Limits(bytes: 1 << 31, rows: 5_000_000, cells: 50_000_000))
        let small = CSVTable.Limits(bytes: 60, rows: 3, cells: 8)
        // At the caps: header + 2 rows, 6 fields, 20 bytes.
        #expect(try CSVTable.parse(data: Data("a,b\n1,2\n\n3,4\n".utf8), source: "ok.csv", limits: small).rows.count == 2)
        #expect {
            try CSVTable.parse(data: Data("a\n1\n2\n\n3\n".utf8), source: "rows.csv", limits: small)
        } throws: { error in
            "\(error)" == "rows.csv: line 5 starts record 4, more than a CSV table may hold; expected at most 3 records (the header included)"
        }
        // A single line of fields is refused as it grows, not after.
        #expect {
            try CSVTable.parse(data: Data("a,b,c\n1,2,3,4,5,6,7\n".utf8), source: "cells.csv", limits: small)
        } throws: { error in
            "\(error)" == "cells.csv: line 2 brings the fields to more than a CSV table may hold; expected at most 8 fields in all"
        }
        #expect {
            try CSVTable.parse(data: Data(repeating: UInt8(ascii: ","), count: 61), source: "big.csv", limits: small)
        } throws: { error in
            "\(error)" == "big.csv: the file has 61 bytes, more than a CSV table may hold; expected at most 60 bytes"
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sinorad-csv-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("t.csv").path
        try Data(repeating: UInt8(ascii: "x"), count: 61).write(to: URL(fileURLWithPath: path))
        #expect {
            try CSVTable.read(path: path, limits: small)
        } throws: { error in
            "\(error)".contains("the file has 61 bytes, more than a CSV table may hold")
        }
    }

    @Test("a folder, a device and a missing path are refused with what they are, never read")
    func notRegularFiles() throws {
        let cases = [
            ("/tmp", "cannot read the file: it is a folder"), ("/dev/zero", "cannot read the file: it is not a regular file (a device, pipe or socket)"),
            ("/nonexistent/cohort.csv", "cannot read the file: it does not exist")
        ]
        for (path, message) in cases {
            #expect {
                try CSVTable.read(path: path)
            } throws: { error in
                "\(error)".hasPrefix("\(path): \(message)")
            }
        }
    }

    @Test("quoted fields, escaped quotes, embedded commas and line breaks, CRLF")
    func quoting() throws {
        let text = "id,name,note\r\n1,\"Smith, J\",\"said \"\"hi\"\"\"\r\n2,Lee,\"two\nlines\"\r\n"
        let table = try CSVTable.parse(text: text)
        #expect(table.header == ["id", "name", "note"])
        #expect(table.rows == [["1", "Smith, J", "said \"hi\""], ["2", "Lee", "two\nlines"]])
        #expect(table.lineNumbers == [2, 3])
    }

    @Test("a UTF-8 byte-order mark is skipped; a missing final newline is fine")
    func bom() throws {
        let data = Data([0xEF, 0xBB, 0xBF]) + Data("patient_id,age\nA,50".utf8)
        let table = try CSVTable.parse(data: data, source: "bom.csv")
        #expect(table.header == ["patient_id", "age"])
        #expect(table.rows == [["A", "50"]])
    }

    @Test("blank lines are skipped, empty fields kept")
    func blankLines() throws {
        let table = try CSVTable.parse(text: "a,b\n\n1,\n\n,2\n")
        #expect(table.rows == [["1", ""], ["", "2"]])
    }

    @Test("an unterminated quote names the line where it opened")
    func unterminatedQuote() {
        #expect(throws: ValidationError.self) { try CSVTable.parse(text: "a,b\n1,2\n3,\"open\n", source: "q.csv") }
        do { _ = try CSVTable.parse(text: "a,b\n1,2\n3,\"open\n", source: "q.csv") } catch let error as ValidationError {
            #expect(error.description.contains("q.csv"))
            #expect(error.description.contains("line 3"))
        } catch { Issue.record("unexpected \(error)") }
    }

    @Test("a stray quote inside an unquoted field is an error with its line")
    func strayQuote() throws {
        let error = try #require(throws: ValidationError.self) { try CSVTable.parse(text: "a,b\n1,ab\"c\n", source: "s.csv") }
        #expect(error.description.contains("line 2"))
    }

    @Test("rows with the wrong number of fields are all listed")
    func raggedRows() throws {
        let error = try #require(throws: ValidationError.self) { try CSVTable.parse(text: "a,b,c\n1,2,3\n1,2\n1,2,3,4\n", source: "r.csv") }
        #expect(error.problems.count == 2)
        #expect(error.problems[0].row == 2)
        #expect(error.problems[1].row == 3)
        #expect(error.problems[0].description.contains("3 fields"))
    }

    @Test("a semicolon-separated file is recognised and the fix suggested")
    func wrongDelimiter() throws {
        let error = try #require(throws: ValidationError.self) { try CSVTable.parse(text: "patient_id;age;sex\nA;50;male\n", source: "semi.csv") }
        #expect(error.description.contains("';'"))
        #expect(error.description.contains("semi.csv"))
    }

    @Test("duplicate and empty header names are errors")
    func badHeader() throws {
        let error = try #require(throws: ValidationError.self) { try CSVTable.parse(text: "a,a,\n1,2,3\n") }
        #expect(error.problems.count == 2)
    }

    @Test("the field escaper quotes a comma, quote, CR, LF or CRLF (RFC 4180) and nothing else")
    func fieldEscaper() throws {
        #expect(CSVWriter.field("plain") == "plain")
        #expect(CSVWriter.field(" padded ") == " padded ")
        #expect(CSVWriter.field("") == "")
        #expect(CSVWriter.field("a,b") == "\"a,b\"")
        #expect(CSVWriter.field("say \"x\"") == "\"say \"\"x\"\"\"")
        #expect(CSVWriter.field("a\nb") == "\"a\nb\"")
        #expect(CSVWriter.field("a\rb") == "\"a\rb\"")
        #expect(CSVWriter.field("a\r\nb") == "\"a\r\nb\"")
        #expect(CSVWriter.line(["x", "y,z", "é"]) == "x,\"y,z\",é")
        let fields = ["1", "a\r\nb", "q\"", " s "]
        #expect(try CSVTable.parse(text: "a,b,c,d\n" + CSVWriter.line(fields) + "\n").rows == [fields])
    }

    @Test("CSV writing quotes only what needs quoting and round-trips")
    func writeRoundTrip() throws {
        let rows = [["1", "a,b", "say \"x\""], ["2", "plain", "line\nbreak"]]
        let text = CSVWriter.text(header: ["id", "x", "y"], rows: rows)
        #expect(text.hasPrefix("id,x,y\n1,\"a,b\",\"say \"\"x\"\"\"\n"))
        #expect(try CSVTable.parse(text: text).rows == rows)
    }
}
