import Foundation
import SinoData
import SinoRandom
import TestSupport
import Testing

@testable import SinoSelection

/// `FeatureTable.read` has a fast route for plain numeric tables (straight from the bytes) and
/// the general route through `CSVTable` for everything else: both must give the same table, and
/// every problem must still be reported by the general route with its row and column.
@Suite("Feature table reading")
struct FeatureTableTests {
    /// Each file in a folder of its own: `TestScratch.folder` empties the folder it returns, and
    /// the suite's tests run side by side (one shared folder lost another test's file on CI).
    static func write(_ text: String, _ name: String) throws -> String {
        let url = try TestScratch.folder("featuretable-" + name).appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    static func general(_ text: String) throws -> FeatureTable {
        try FeatureTable.parse(CSVTable.parse(text: text, source: "t.csv"))
    }

    static func same(_ a: FeatureTable, _ b: FeatureTable) -> Bool {
        a.ids == b.ids && a.names == b.names && a.skipped.map(\.column) == b.skipped.map(\.column)
            && a.skipped.map(\.reason) == b.skipped.map(\.reason)
            && zip(a.values, b.values).allSatisfy { x, y in
                x.count == y.count && zip(x, y).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) }
            } && a.values.count == b.values.count
    }

    @Test("plain tables take the fast route and equal the general one, cell for cell")
    func plainTables() throws {
        let texts = [
            "patient_id,a,b,diagnostics_Versions_PyRadiomics,Image\nP1,1.5,-2e-3,v3.0.1,/x/1.nii\nP2,0.1234567890123456789,3,v3.0.1,/x/2.nii\n",
            "patient_id,a,b\r\nP1,,NA\r\nP2,nan,NaN\r\n\r\nP3,1e308,-0.0\r\n",
            "patient_id,a\nP1,4.9406564584124654e-324\nP2,0x1p-3\nP3,+7", // no final line end
            "x,patient_id,cohort\n1.25,P9,train\n2.5,P8,test\n"
        ]
        for (k, text) in texts.enumerated() {
            let data = Data(text.utf8)
            let fast = try #require(FeatureTable.plainNumeric(data, source: "t.csv", idColumn: "patient_id"), "table \(k) took the general route")
            #expect(Self.same(fast, try Self.general(text)), "table \(k)")
            #expect(Self.same(try FeatureTable.read(path: Self.write(text, "t\(k).csv")), try Self.general(text)))
        }
    }

    @Test("numbers read by fast_float equal the general route's, bit for bit: 17 digits, halfway cases, extremes")
    func numbers() throws {
        var random = SplitMix64(seed: 3)
        var cells: [String] = [
            "2.2250738585072011e-308", "2.2250738585072014e-308", "1.7976931348623157e308", "5e-324", "1e-400",
            "9007199254740993", "0.1", "-0", "1.0000000000000002", "1.00000000000000011102230246251565404236316680908203125",
            "7.3177701707893310e+15", "123456789012345678901234567890", "1e22", "1e23", ".5", "5.", "-.25e-3", "3E+2"
        ]
        for _ in 0..<3000 {
            let value = Double(bitPattern: random.next() & 0x7FEF_FFFF_FFFF_FFFF) * (random.next() % 2 == 0 ? 1 : -1)
            cells.append(String(format: random.next() % 2 == 0 ? "%.17g" : "%.16e", value))
            cells.append("\(Double.random(in: -1e4...1e4, using: &random))")
        }
        var text = "patient_id," + cells.indices.map { "f\($0)" }.joined(separator: ",") + "\n"
        text += "P1," + cells.joined(separator: ",") + "\n"
        let fast = try #require(FeatureTable.plainNumeric(Data(text.utf8), source: "t.csv", idColumn: "patient_id"))
        #expect(Self.same(fast, try Self.general(text)))
        #expect(fast.values[0][1].bitPattern == 0x0010_0000_0000_0000)
    }

    @Test("a large table parsed in blocks of lines on several threads equals the one-thread and general reads")
    func blocks() throws {
        var text = "patient_id," + (0..<60).map { "f\($0)" }.joined(separator: ",") + "\n"
        for i in 0..<3000 {
            text += "P\(i)," + (0..<60).map { j in j == 7 && i % 11 == 0 ? "" : "\(Double(i * 61 + j).squareRoot() / 7.3)" }.joined(separator: ",")
            text += i % 3 == 0 ? "\r\n" : "\n"
        }
        let data = Data(text.utf8)
        #expect(data.count > 2 << 20, "the table should span several 1 MiB blocks")
        let one = try #require(FeatureTable.plainNumeric(data, source: "t.csv", idColumn: "patient_id", threads: 1))
        let four = try #require(FeatureTable.plainNumeric(data, source: "t.csv", idColumn: "patient_id", threads: 4))
        #expect(Self.same(one, four))
        #expect(Self.same(one, try Self.general(text)))
        #expect(one.ids.count == 3000 && one.values[0].count == 60)
        // A duplicate id across two blocks still sends the table to the general route.
        let duplicated = Data((text + "P5," + [String](repeating: "1", count: 60).joined(separator: ",") + "\n").utf8)
        #expect(FeatureTable.plainNumeric(duplicated, source: "t.csv", idColumn: "patient_id", threads: 4) == nil)
    }

    @Test("anything not plain is left to the general route, which gives the same table or names the problem")
    func otherTables() throws {
        let general = [
            "patient_id,a\n\"P1\",1\n", // quotes
            "\u{FEFF}patient_id,a\nP1,1\n", // byte-order mark
            "patient_id,a\n P1 ,  2.5 \n", // spaces around cells
            "patient_id,a\rP1,1\r", // CR line ends
            "patient_id,a\nP1,NAN\n" // a NaN spelling the general route refuses
        ]
        for (k, text) in general.enumerated() {
            #expect(FeatureTable.plainNumeric(Data(text.utf8), source: "t.csv", idColumn: "patient_id") == nil, "table \(k)")
            if let expected = try? Self.general(text) {
                #expect(Self.same(try FeatureTable.read(path: Self.write(text, "g\(k).csv")), expected), "table \(k)")
            }
        }
        let bad: [(String, String)] = [
            ("patient_id,a\nP1,1\nP1,2\n", "row 2, column 'patient_id': duplicate id (also row 1)"),
            ("patient_id,a\nP1,1\nP2,high\n", "row 2, column 'a': not a number (found 'high')"),
            ("patient_id,a\nP1,1\nP2,inf\n", "row 2, column 'a': not a number (found 'inf')"),
            ("patient_id,a\nP1,1,3\n", "line 2 has 3 fields"),
            ("id,a\nP1,1\n", "no 'patient_id' column")
        ]
        for (k, (text, message)) in bad.enumerated() {
            #expect(FeatureTable.plainNumeric(Data(text.utf8), source: "t.csv", idColumn: "patient_id") == nil)
            do {
                _ = try FeatureTable.read(path: Self.write(text, "b\(k).csv"))
                Issue.record("table \(k) was accepted")
            } catch let error as ValidationError {
                #expect("\(error)".contains(message), "\(error)")
            }
        }
    }

    @Test("the correlation matrix of one BLAS product equals the pairwise Pearson r")
    func correlationMatrix() {
        let columns: [[Double]] = (0..<7).map { j in
            (0..<40).map { i -> Double in
                let phase = Double(i * (j + 1)) * 0.37
                return sin(phase) + Double(j) * 0.01 * Double(i)
            }
        }
        let matrix = Correlation.pearsonMatrix(columns)
        for i in 0..<7 {
            for j in 0..<7 {
                #expect(abs(matrix[i * 7 + j] - Correlation.pearson(columns[i], columns[j])) < 1e-13)
            }
        }
        #expect(Correlation.pearsonMatrix([[1, 1, 1], [1, 2, 3]])[0].isNaN)
    }

    @Test("the pairs above a threshold, block by block, are the matrix's, in order, on any thread count")
    func correlationPairs() {
        var random = SplitMix64(seed: 3)
        // 150 columns (three blocks of rows), some near copies of others.
        var columns: [[Double]] = (0..<150).map { _ in (0..<30).map { _ in Double.random(in: -1...1, using: &random) } }
        for j in stride(from: 1, to: 150, by: 7) { columns[j] = columns[j - 1].map { $0 + Double.random(in: -0.2...0.2, using: &random) } }
        let matrix = Correlation.pearsonMatrix(columns)
        for threshold in [0.3, 0.8] {
            var expected: [(Int, Int)] = []
            for i in 0..<150 { for j in (i + 1)..<150 where abs(matrix[i * 150 + j]) > threshold { expected.append((i, j)) } }
            for threads in [1, 3] {
                let pairs = Correlation.pairs(above: threshold, columns, threads: threads)
                #expect(pairs.map { [$0.i, $0.j] } == expected.map { [$0.0, $0.1] }, "threshold \(threshold), threads \(threads)")
                #expect(pairs.allSatisfy { abs($0.r - abs(matrix[$0.i * 150 + $0.j])) <= 1e-14 })
            }
        }
    }

    @Test("lines read in one call and lines left to the field-by-field route give the general route's table")
    func mixedLines() throws {
        // The id not first, a path column passed over, NA and empty cells, CRLF, a '+', a hex and
        // a nan spelling (the field-by-field route), and no line end at the end.
        let text =
            "Image,f1,patient_id,f2,f3\n/data/a b.nii.gz,1.5,P1,NA,-2e-3\r\n/x.nrrd,,P2,+4,0x10\n"
            + "y,7,P3,nan,3\nz,1e308,P4,-0,.5"
        let fast = try #require(FeatureTable.plainNumeric(Data(text.utf8), source: "t.csv", idColumn: "patient_id"))
        #expect(Self.same(fast, try Self.general(text)))
        #expect(fast.ids == ["P1", "P2", "P3", "P4"] && fast.names == ["f1", "f2", "f3"])
        #expect(fast.values[1][1] == 4 && fast.values[1][2] == 16 && fast.values[0][1].isNaN && fast.values[1][0].isNaN)
        #expect(Self.same(try FeatureTable.read(path: Self.write(text, "mixed.csv")), fast))
        #expect(FeatureTable.plainNumeric(Data(), source: "t.csv", idColumn: "patient_id") == nil)
    }
}
