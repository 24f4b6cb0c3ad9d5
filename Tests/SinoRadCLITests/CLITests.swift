import Foundation
import TestSupport
import Testing

/// The commands end to end, run as a new user would: the README's quickstart, every output
/// format, and the bad inputs of the foundation issue.
@Suite("sinorad command line")
struct CLITests {
    let cohort = Fixtures.url("synthetic_cohort.csv").path

    func json(_ text: String) throws -> [String: Any] {
        try #require(try Fixtures.parseJSON(Data(text.utf8)) as? [String: Any])
    }

    /// Writes `cohort` with `edit` applied to its rows (header first) into `folder/name`.
    func editedCohort(_ folder: URL, _ name: String, _ edit: (inout [[String]]) -> Void) throws -> String {
        var rows = try String(contentsOfFile: cohort, encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        edit(&rows)
        let path = folder.appendingPathComponent(name).path
        try rows.map { $0.joined(separator: ",") }.joined(separator: "\n").appending("\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func column(_ rows: [[String]], _ name: String) -> Int { rows[0].firstIndex(of: name)! }

    @Test("quickstart: simulate, validate, table1, select")
    func quickstart() throws {
        let folder = try SinoRadCommand.temporaryFolder()
        let simulated = try SinoRadCommand.run(["simulate", "--out", folder.path, "--seed", "20250056"])
        #expect(simulated.status == 0, "\(simulated.stderr)")
        let csv = folder.appendingPathComponent("cohort.csv").path
        // The default simulation is the committed fixture, byte for byte.
        #expect(try String(contentsOfFile: csv, encoding: .utf8) == String(contentsOfFile: cohort, encoding: .utf8))
        let metadata = try json(String(contentsOfFile: folder.appendingPathComponent("metadata.json").path, encoding: .utf8))
        #expect(metadata["synthetic"] as? Bool == true)

        let validated = try SinoRadCommand.run(["validate", csv])
        #expect(validated.status == 0)
        #expect(validated.stdout.contains("SYNTHETIC cohort"))
        #expect(validated.stdout.contains("SCC 229, ACC 128, ONB 108"))
        #expect(validated.stdout.contains("train 325, validation 47, test 93"))

        let table1 = try SinoRadCommand.run(["table1", csv, "--label", "pathology", "--strata", "cohort", "--format", "json"])
        #expect(table1.status == 0, "\(table1.stderr)")
        let strata = try json(table1.stdout)["strata"] as? [[String: Any]]
        #expect(strata?.map { $0["name"] as? String } == ["train", "validation", "test"])

        let select = try SinoRadCommand.run(["select", csv, "--reference", "SCC", "--format", "json"])
        #expect(select.status == 0, "\(select.stderr)")
        let predictors = try json(select.stdout)["predictors"] as? [String] ?? []
        #expect(predictors.contains("t2_signal") && predictors.contains("intracranial_invasion"))
        #expect(select.stderr.contains("marginal_cysts left out"))
    }

    @Test("every output format renders, and --out infers the format from the extension")
    func formats() throws {
        let folder = try SinoRadCommand.temporaryFolder()
        let markers: [String: String] = [
            "md": "| Characteristic |", "csv": "Characteristic,Overall", "tex": "\\toprule",
            "html": "<table class=\"sinorad\">", "json": "\"strata\""
        ]
        for (format, marker) in markers {
            let result = try SinoRadCommand.run(["table1", cohort, "--format", format])
            #expect(result.status == 0)
            #expect(result.stdout.contains(marker), "format \(format)")
        }
        let out = folder.appendingPathComponent("t.tex").path
        #expect(try SinoRadCommand.run(["select", cohort, "--out", out]).status == 0)
        #expect(try String(contentsOfFile: out, encoding: .utf8).contains("\\begin{tabular}"))
    }

    @Test("a semicolon-separated file: exit 1, the file and the delimiter named, no output")
    func wrongDelimiter() throws {
        let folder = try SinoRadCommand.temporaryFolder()
        let path = try editedCohort(folder, "semi.csv") { rows in rows = [rows.map { $0.joined(separator: ";") }] + [] }
        let semi = folder.appendingPathComponent("semi2.csv").path
        try String(contentsOfFile: cohort, encoding: .utf8).replacingOccurrences(of: ",", with: ";").write(toFile: semi, atomically: true, encoding: .utf8)
        _ = path
        let out = folder.appendingPathComponent("table1.md").path
        let result = try SinoRadCommand.run(["table1", semi, "--out", out])
        #expect(result.status == 1)
        #expect(result.stderr.contains("semi2.csv") && result.stderr.contains("';'"))
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test("unknown level, non-numeric value, unknown class and duplicate id: all reported at once with row and column")
    func manyProblems() throws {
        let folder = try SinoRadCommand.temporaryFolder()
        let path = try editedCohort(folder, "bad.csv") { rows in
            rows[3][column(rows, "t2_signal")] = "bright"
            rows[5][column(rows, "age")] = "fifty"
            rows[6][column(rows, "pathology")] = "SNUC"
            rows[8][0] = rows[7][0]
        }
        let out = folder.appendingPathComponent("select.json").path
        let result = try SinoRadCommand.run(["select", path, "--out", out])
        #expect(result.status == 1)
        for text in [
            "4 problems", "row 3 (line 4), column 't2_signal'", "'bright'", "one of low, intermediate, high",
            "row 5 (line 6), column 'age'", "'fifty'", "row 6 (line 7), column 'pathology'", "unknown class",
            "row 8 (line 9), column 'patient_id'", "duplicate patient id"
        ] {
            #expect(result.stderr.contains(text), "missing: \(text)")
        }
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test("a missing column with an explicit dictionary is named")
    func missingColumn() throws {
        let folder = try SinoRadCommand.temporaryFolder()
        let path = try editedCohort(folder, "nocol.csv") { rows in
            let index = column(rows, "necrosis")
            rows = rows.map { row in
                var r = row; r.remove(at: index); return r
            }
        }
        let result = try SinoRadCommand.run(["table1", path, "--dictionary", "sinonasal"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("column 'necrosis': the column is missing"))
    }

    @Test("a class with no patients is an error naming it")
    func emptyClass() throws {
        let folder = try SinoRadCommand.temporaryFolder()
        let path = try editedCohort(folder, "noonb.csv") { rows in rows = rows.filter { $0[2] != "ONB" } }
        let result = try SinoRadCommand.run(["table1", path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("class 'ONB' has no patients"))
    }

    @Test("an all-missing variable is a warning and is left out; the run succeeds")
    func allMissing() throws {
        let folder = try SinoRadCommand.temporaryFolder()
        let path = try editedCohort(folder, "nadc.csv") { rows in
            let index = column(rows, "adc_mean")
            for r in rows.indices.dropFirst() { rows[r][index] = "NA" }
        }
        let result = try SinoRadCommand.run(["select", path, "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("'adc_mean' is missing for every patient"))
        let univariate = try json(result.stdout)["univariate"] as? [[String: Any]] ?? []
        #expect(univariate.first { $0["variable"] as? String == "adc_mean" }?["selected"] as? Bool == false)
    }

    @Test("a perfectly separating categorical variable is reported and left out of the model")
    func separatingCategorical() throws {
        let folder = try SinoRadCommand.temporaryFolder()
        let path = try editedCohort(folder, "sep.csv") { rows in
            rows[0].append("olfactory_marker")
            for r in rows.indices.dropFirst() { rows[r].append(rows[r][2] == "ONB" ? "yes" : "no") }
        }
        let result = try SinoRadCommand.run(["select", path, "--infer", "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("olfactory_marker left out of the multivariable model"))
        #expect((try json(result.stdout)["separating"] as? [String])?.contains("olfactory_marker") == true)
    }

    @Test("a perfectly separating continuous variable stops the model with exit 1, naming it")
    func separatingContinuous() throws {
        let folder = try SinoRadCommand.temporaryFolder()
        let path = try editedCohort(folder, "sepc.csv") { rows in
            rows[0].append("marker_level")
            for r in rows.indices.dropFirst() { rows[r].append(rows[r][2] == "ONB" ? "\(10 + r % 7)" : "\(r % 5)") }
        }
        let out = folder.appendingPathComponent("s.md").path
        let result = try SinoRadCommand.run(["select", path, "--infer", "--out", out])
        #expect(result.status == 1)
        #expect(result.stderr.contains("separation") && result.stderr.contains("marker_level"))
        #expect(result.stderr.contains("--method firth"))
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test("with --method firth separating variables stay in the model and the selection completes")
    func separatingFirth() throws {
        let folder = try SinoRadCommand.temporaryFolder()
        let path = try editedCohort(folder, "sepf.csv") { rows in
            rows[0] += ["marker_level", "olfactory_marker"]
            for r in rows.indices.dropFirst() {
                rows[r] += [rows[r][2] == "ONB" ? "\(10 + r % 7)" : "\(r % 5)", rows[r][2] == "ONB" ? "yes" : "no"]
            }
        }
        // A strict screening alpha keeps the model small (four variables): Firth fits under
        // separation take tens of scoring iterations each.
        let result = try SinoRadCommand.run(
            ["select", path, "--infer", "--method", "firth", "--alpha", "1e-12", "--elimination-alpha", "0.05", "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let selection = try json(result.stdout)
        #expect(selection["method"] as? String == "firth")
        #expect((selection["separating"] as? [String])?.isEmpty == true)
        let entered = selection["entered"] as? [String] ?? []
        #expect(entered.contains("marker_level") && entered.contains("olfactory_marker"), "\(entered)")
        let fit = (selection["elimination"] as? [String: Any])?["finalFit"] as? [String: Any]
        #expect(fit?["method"] as? String == "firth" && fit?["penalizedLogLikelihood"] is Double)
        #expect(try SinoRadCommand.run(["select", path, "--method", "exact"]).status != 0)
    }

    @Test("a UTF-16 file and an unknown reference class are clear errors")
    func encodingAndReference() throws {
        let folder = try SinoRadCommand.temporaryFolder()
        let utf16 = folder.appendingPathComponent("u16.csv")
        try String(contentsOfFile: cohort, encoding: .utf8).write(to: utf16, atomically: true, encoding: .utf16)
        let a = try SinoRadCommand.run(["table1", utf16.path])
        #expect(a.status == 1 && a.stderr.contains("UTF-16"))
        let b = try SinoRadCommand.run(["select", cohort, "--reference", "SNUC"])
        #expect(b.status == 1 && b.stderr.contains("classes are SCC, ACC, ONB"))
    }

    @Test("stat calculator: chi-square matches scipy 1.17.1, Kruskal-Wallis on a CSV column runs")
    func statCalculator() throws {
        let fixture = try Fixtures.json("contingency.json")
        let job = try #require((fixture["cases"] as! [[String: Any]]).first { ($0["name"] as! String).contains("Job satisfaction") })
        let table = (job["table"] as! [[Int]]).map { $0.map(String.init).joined(separator: ",") }.joined(separator: ";")
        let chi = try SinoRadCommand.run(["stat", "chisq", "--table", table, "--format", "json"])
        #expect(chi.status == 0, "\(chi.stderr)")
        let p = try json(chi.stdout)["pValue"] as! Double
        #expect(isClose(p, (job["chi2"] as! [String: Any])["pvalue"] as! Double, rel: 1e-9))
        let kw = try SinoRadCommand.run(["stat", "kruskal", "--csv", cohort, "--value", "adc_mean", "--by", "pathology"])
        #expect(kw.status == 0 && kw.stdout.contains("Kruskal-Wallis"))
        let bad = try SinoRadCommand.run(["stat", "chisq", "--table", "3,x;1,2"])
        #expect(bad.status == 1 && bad.stderr.contains("row 1, column 2"))
    }

    /// Saved models are read back exactly: the forest bit for bit, the logistic coefficients
    /// through Codable (JSONSerialization on Linux is an ulp off for most 17-digit numbers, which
    /// changed a loaded logistic model's probabilities).
    @Test(
        "conventional: trains, predicts every patient, and a saved model predicts identically",
        arguments: [["--trees", "50"], ["--classifier", "logistic", "--method", "firth"]])
    func conventional(classifier: [String]) throws {
        let folder = try SinoRadCommand.temporaryFolder("conventional\(classifier.joined())")
        let out = folder.appendingPathComponent("model")
        let trained = try SinoRadCommand.run(
            [
                "conventional", "--cohort", cohort, "--predictors", "t2_signal,intracranial_invasion,age",
                "--out-dir", out.path
            ] + classifier)
        #expect(trained.status == 0, "\(trained.stderr)")
        #expect(trained.stderr.contains("chosen: max_depth=") == !classifier.contains("logistic"))
        let predictions = try CSVTableLines(out.appendingPathComponent("predictions.csv"))
        #expect(predictions.count == 466)
        let again = folder.appendingPathComponent("again")
        let loaded = try SinoRadCommand.run(["conventional", "--cohort", cohort, "--model", out.appendingPathComponent("model.json").path, "--out-dir", again.path])
        #expect(loaded.status == 0, "\(loaded.stderr)")
        #expect(try Data(contentsOf: again.appendingPathComponent("predictions.csv")) == Data(contentsOf: out.appendingPathComponent("predictions.csv")))
    }

    @Test("conventional: an unknown model file, a wrong version and a truncated forest are clear errors")
    func badModelFiles() throws {
        let folder = try SinoRadCommand.temporaryFolder()
        let model = folder.appendingPathComponent("model")
        #expect(try SinoRadCommand.run(["conventional", "--cohort", cohort, "--predictors", "t2_signal", "--trees", "10", "--out-dir", model.path]).status == 0)
        let json = model.appendingPathComponent("model.json")
        let original = try String(contentsOf: json, encoding: .utf8)
        let cases: [(String, String)] = [
            (original.replacingOccurrences(of: "\"version\" : 1", with: "\"version\" : 9"), "version 9 is not supported"),
            (original.replacingOccurrences(of: "sinorad-conventional", with: "keras-h5"), "unknown model format 'keras-h5'"),
            ("not json", "not a JSON model file")
        ]
        for (text, message) in cases {
            try text.write(to: json, atomically: true, encoding: .utf8)
            let result = try SinoRadCommand.run(["conventional", "--cohort", cohort, "--model", json.path, "--out-dir", folder.appendingPathComponent("x").path])
            #expect(result.status == 1 && result.stderr.contains(message), "\(result.stderr)")
        }
        try original.write(to: json, atomically: true, encoding: .utf8)
        let forest = model.appendingPathComponent("model.forest")
        try Data(try Data(contentsOf: forest).prefix(40)).write(to: forest)
        let truncated = try SinoRadCommand.run(["conventional", "--cohort", cohort, "--model", json.path, "--out-dir", folder.appendingPathComponent("y").path])
        #expect(truncated.status == 1 && truncated.stderr.contains("model.forest") && truncated.stderr.contains("truncated"))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("y/predictions.csv").path))
    }

    @Test("compare: bad predictions (sum off, duplicate row, missing patients) are clear errors with no output")
    func compareBadInput() throws {
        let folder = try SinoRadCommand.temporaryFolder()
        let predictions = Fixtures.url("synthetic_predictions.csv").path
        var lines = try String(contentsOfFile: predictions, encoding: .utf8).split(separator: "\n").map(String.init)
        let testRows = lines.indices.filter { lines[$0].contains(",test,logistic-t2,") }
        let out = folder.appendingPathComponent("cmp.md").path

        var sum = lines
        sum[testRows[0]] = sum[testRows[0]].split(separator: ",").prefix(3).joined(separator: ",") + ",0.5,0.5,0.5"
        let sumPath = folder.appendingPathComponent("sum.csv").path
        try sum.joined(separator: "\n").write(toFile: sumPath, atomically: true, encoding: .utf8)
        let a = try SinoRadCommand.run(["compare", sumPath, "--truth", cohort, "--cohort", "test", "--out", out])
        #expect(a.status == 1 && a.stderr.contains("sum to 1.5") && a.stderr.contains("within 0.001"))

        var duplicate = lines
        duplicate.append(lines[testRows[1]])
        let duplicatePath = folder.appendingPathComponent("dup.csv").path
        try duplicate.joined(separator: "\n").write(toFile: duplicatePath, atomically: true, encoding: .utf8)
        let b = try SinoRadCommand.run(["compare", duplicatePath, "--truth", cohort, "--cohort", "test", "--out", out])
        #expect(b.status == 1 && b.stderr.contains("duplicate row"))

        let missingId = lines[testRows[2]].split(separator: ",")[0]
        lines.remove(at: testRows[2])
        let missingPath = folder.appendingPathComponent("missing.csv").path
        try lines.joined(separator: "\n").write(toFile: missingPath, atomically: true, encoding: .utf8)
        let c = try SinoRadCommand.run(["compare", missingPath, "--truth", cohort, "--cohort", "test", "--out", out])
        #expect(c.status == 1 && c.stderr.contains("missing \(missingId)"), "\(c.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test("compare: a class absent from the cohort gets an undefined AUC, reported; the run still succeeds")
    func compareAbsentClass() throws {
        let folder = try SinoRadCommand.temporaryFolder()
        let truthRows = try String(contentsOfFile: cohort, encoding: .utf8).split(separator: "\n").map(String.init)
        let onb = Set(truthRows.filter { $0.contains(",test,ONB,") }.map { String($0.split(separator: ",")[0]) })
        let rows = try String(contentsOf: Fixtures.url("synthetic_predictions.csv"), encoding: .utf8).split(separator: "\n").map(String.init)
        let kept = [rows[0]] + rows.dropFirst().filter { $0.contains(",test,") && !onb.contains(String($0.split(separator: ",")[0])) }
        let path = folder.appendingPathComponent("noonb.csv").path
        try kept.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let result = try SinoRadCommand.run(["compare", path, "--truth", cohort, "--format", "json", "--bootstrap", "200"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("AUC of ONB undefined"))
        let models = try json(result.stdout)["models"] as! [[String: Any]]
        let onbAUC = (models[0]["perClassAUC"] as! [[String: Any]])[2]
        #expect(onbAUC["auc"] == nil && onbAUC["undefinedReason"] != nil)
    }
}

/// Lines of a text file, for counting rows.
func CSVTableLines(_ url: URL) throws -> [Substring] {
    try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
}
