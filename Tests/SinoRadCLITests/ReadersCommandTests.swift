import Foundation
import TestSupport
import Testing

/// `sinorad readers` and `sinorad fuse` end to end.
@Suite("sinorad readers and fuse")
struct ReadersCommandTests {
    let reads = Fixtures.url("readers/reads.csv").path
    let truth = Fixtures.url("readers/truth.csv").path

    func json(_ text: String) throws -> [String: Any] {
        try #require(try Fixtures.parseJSON(Data(text.utf8)) as? [String: Any])
    }

    @Test("readers --format json: every reader and condition, McNemar per reader, kappa per pair; --cohort restricts")
    func readersJSON() throws {
        let all = try SinoRadCommand.run(["readers", reads, "--truth", truth, "--format", "json"])
        #expect(all.status == 0, "\(all.stderr)")
        let study = try json(all.stdout)
        #expect(study["patients"] as? Int == 48 && study["cohort"] == nil)
        // Readers in order of first appearance in the file; the resident read unaided only.
        var order: [String] = []
        for line in try String(contentsOfFile: reads, encoding: .utf8).split(separator: "\n").dropFirst() {
            let reader = String(line.split(separator: ",")[1])
            if !order.contains(reader) { order.append(reader) }
        }
        #expect(study["readers"] as? [String] == order)
        #expect((study["performance"] as? [[String: Any]])?.count == 7)
        #expect((study["assistance"] as? [[String: Any]])?.compactMap { $0["reader"] as? String } == order.filter { $0 != "resident" })
        #expect((study["agreement"] as? [[String: Any]])?.count == 9)
        #expect(all.stderr.contains("resident read in one condition only"))

        let test = try SinoRadCommand.run(["readers", reads, "--truth", truth, "--cohort", "test", "--format", "json"])
        #expect(test.status == 0, "\(test.stderr)")
        let restricted = try json(test.stdout)
        #expect(restricted["cohort"] as? String == "test" && restricted["patients"] as? Int == 28)
    }

    @Test("readers on simulate's SYNTHETIC reads: tables titled SYNTHETIC, one confusion figure per reader and condition")
    func readersOnSimulation() throws {
        let folder = try SinoRadCommand.temporaryFolder()
        let simulated = try SinoRadCommand.run(["simulate", "--out", folder.path])
        #expect(simulated.status == 0, "\(simulated.stderr)")
        let readsCSV = folder.appendingPathComponent("reads.csv").path
        let again = try SinoRadCommand.temporaryFolder("simulateAgain")
        #expect(try SinoRadCommand.run(["simulate", "--out", again.path]).status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: readsCSV)) == Data(contentsOf: again.appendingPathComponent("reads.csv")))

        let figures = folder.appendingPathComponent("figures")
        let out = folder.appendingPathComponent("readers.md").path
        let result = try SinoRadCommand.run([
            "readers", readsCSV, "--truth", folder.appendingPathComponent("cohort.csv").path,
            "--cohort", "test", "--out", out, "--figures", figures.path, "--figure-formats", "svg,png"
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let markdown = try String(contentsOfFile: out, encoding: .utf8)
        #expect(markdown.contains("**SYNTHETIC reads: Reader performance (test cohort, n = 93)**"))
        #expect(markdown.contains("Effect of AI assistance") && markdown.contains("senior vs junior"))
        for reader in ["senior", "junior"] {
            for condition in ["unaided", "aided"] {
                for format in ["svg", "png"] {
                    let file = figures.appendingPathComponent("confusion_\(reader)_\(condition).\(format)").path
                    #expect(FileManager.default.fileExists(atPath: file), "\(file)")
                }
            }
        }
    }

    @Test("readers: a bad reads file (unknown class) exits 1 naming the file, row and line, and writes nothing")
    func badReads() throws {
        let folder = try SinoRadCommand.temporaryFolder()
        var lines = try String(contentsOfFile: reads, encoding: .utf8).split(separator: "\n").map(String.init)
        lines[4] = lines[4].split(separator: ",").prefix(3).joined(separator: ",") + ",SNUC"
        let bad = folder.appendingPathComponent("bad_reads.csv").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: bad, atomically: true, encoding: .utf8)
        let out = folder.appendingPathComponent("readers.json").path
        let figures = folder.appendingPathComponent("figures")
        let result = try SinoRadCommand.run(["readers", bad, "--truth", truth, "--classes", "SCC,ACC,ONB", "--out", out, "--figures", figures.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("bad_reads.csv, row 4 (line 5), column 'call': unknown class (found 'SNUC'); expected one of SCC, ACC, ONB"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
        #expect(!FileManager.default.fileExists(atPath: figures.path))
    }

    /// Writes a predictions CSV into `folder`.
    func predictions(_ folder: URL, _ name: String, _ rows: [String]) throws -> String {
        let path = folder.appendingPathComponent(name).path
        try (["patient_id,cohort,model,p_SCC,p_ACC,p_ONB"] + rows).joined(separator: "\n").appending("\n")
            .write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The probabilities of a predictions CSV, by patient.
    func probabilities(_ text: String) -> [String: [Double]] {
        var rows: [String: [Double]] = [:]
        for line in text.split(separator: "\n").dropFirst() {
            let cells = line.split(separator: ",").map(String.init)
            rows[cells[0]] = cells[3...].map { Double($0)! }
        }
        return rows
    }

    @Test("fuse --method mean and max: hand-computed probabilities, the fused model's name, written atomically")
    func fuse() throws {
        let folder = try SinoRadCommand.temporaryFolder()
        let a = try predictions(folder, "a.csv", ["P1,test,t2,0.6,0.3,0.1", "P2,test,t2,0.2,0.5,0.3"])
        let b = try predictions(folder, "b.csv", ["P2,test,adc,0.4,0.4,0.2", "P1,test,adc,0.2,0.2,0.6"])
        let out = folder.appendingPathComponent("fused.csv").path
        let mean = try SinoRadCommand.run(["fuse", "--method", "mean", a, b, "--model", "mean-fusion", "--out", out])
        #expect(mean.status == 0, "\(mean.stderr)")
        let text = try String(contentsOfFile: out, encoding: .utf8)
        #expect(text.hasPrefix("patient_id,cohort,model,p_SCC,p_ACC,p_ONB\nP1,test,mean-fusion,"))
        let fused = probabilities(text)
        for (id, expected) in [("P1", [0.4, 0.25, 0.35]), ("P2", [0.3, 0.45, 0.25])] {
            for (x, y) in zip(fused[id]!, expected) { #expect(abs(x - y) <= 1e-15, "\(id) \(fused[id]!)") }
        }
        let max = try SinoRadCommand.run(["fuse", "--method", "max", a, b, "--model", "max-fusion"])
        #expect(max.status == 0, "\(max.stderr)")
        let maxRows = probabilities(max.stdout)
        for (id, expected) in [("P1", [0.4, 0.2, 0.4]), ("P2", [1.0 / 3, 5.0 / 12, 0.25])] {
            for (x, y) in zip(maxRows[id]!, expected) { #expect(abs(x - y) <= 1e-15, "\(id) \(maxRows[id]!)") }
        }
        // One file with both models; --input-model selects.
        let both = try predictions(folder, "both.csv", ["P1,test,t2,0.6,0.3,0.1", "P1,test,adc,0.2,0.2,0.6", "P1,test,ce,0.1,0.1,0.8"])
        let selected = try SinoRadCommand.run(["fuse", both, "--input-model", "t2", "--input-model", "adc", "--model", "m"])
        #expect(selected.status == 0, "\(selected.stderr)")
        for (x, y) in zip(probabilities(selected.stdout)["P1"]!, [0.4, 0.25, 0.35]) { #expect(abs(x - y) <= 1e-15) }
        let unknown = try SinoRadCommand.run(["fuse", both, "--input-model", "dwi", "--model", "m"])
        #expect(unknown.status == 1 && unknown.stderr.contains("--input-model dwi: no such model") && unknown.stderr.contains("t2, adc, ce"))
    }

    @Test("fuse: patients missing from a file and cohorts that disagree are all listed; nothing is written")
    func fuseMismatch() throws {
        let folder = try SinoRadCommand.temporaryFolder()
        let a = try predictions(folder, "a.csv", ["P1,test,t2,0.6,0.3,0.1", "P2,test,t2,0.2,0.5,0.3", "P3,test,t2,0.2,0.5,0.3"])
        let b = try predictions(folder, "b.csv", ["P1,validation,adc,0.2,0.2,0.6", "P2,test,adc,0.4,0.4,0.2"])
        let out = folder.appendingPathComponent("fused.csv").path
        let result = try SinoRadCommand.run(["fuse", a, b, "--model", "m", "--out", out])
        #expect(result.status == 1)
        #expect(result.stderr.contains("2 problems"), "\(result.stderr)")
        #expect(result.stderr.contains("b.csv, column 'cohort': patient P1 is in cohort 'validation' for model 'adc' but in 'test' in \(a) (model t2)"))
        #expect(result.stderr.contains("b.csv, column 'patient_id': patient missing for model 'adc' (present in \(a) (model t2), cohort test) (found 'P3')"))
        #expect(!FileManager.default.fileExists(atPath: out))
        let classes = try SinoRadCommand.run(["fuse", a, folder.appendingPathComponent("c.csv").path, "--model", "m"])
        #expect(classes.status == 1 && classes.stderr.contains("c.csv"))
    }
}
