import Foundation
import TestSupport
import Testing

/// `sinorad radiomics select` and `radiomics model` run as a user would, on the SYNTHETIC
/// feature table of Tests/Fixtures/selection/pipeline.json (scripts/peers/selection_pipeline.py).
@Suite("sinorad radiomics select / model")
struct RadiomicsModelCommandTests {
    struct Fixture: Decodable {
        var names: [String]
        var train: [[Double]]
        var trainLabels: [Int]
        var test: [[Double]]
        var testLabels: [Int]
        var classes: [String]
    }

    /// features.csv and cohort.csv (patient_id, cohort, pathology) in a fresh folder.
    static func write(_ folder: URL, features: ((inout [[String]]) -> Void)? = nil) throws -> (features: String, cohort: String) {
        let f = try Fixtures.decode(Fixture.self, "selection/pipeline.json")
        let rows = f.train + f.test
        let labels = f.trainLabels + f.testLabels
        var table = rows.enumerated().map { i, row in ["P\(1000 + i)"] + row.map { "\($0)" } }
        features?(&table)
        let featureText = (["patient_id"] + f.names).joined(separator: ",") + "\n" + table.map { $0.joined(separator: ",") }.joined(separator: "\n") + "\n"
        let cohortText =
            "patient_id,cohort,pathology\n"
            + labels.enumerated().map { i, label in "P\(1000 + i),\(i < f.train.count ? "train" : "test"),\(f.classes[label])" }.joined(separator: "\n") + "\n"
        let featurePath = folder.appendingPathComponent("features.csv").path
        let cohortPath = folder.appendingPathComponent("cohort.csv").path
        try featureText.write(toFile: featurePath, atomically: true, encoding: .utf8)
        try cohortText.write(toFile: cohortPath, atomically: true, encoding: .utf8)
        return (featurePath, cohortPath)
    }

    @Test("select prints each step's counts and writes the decisions and the LASSO figures")
    func select() throws {
        let folder = try SinoRadCommand.temporaryFolder()
        let (features, cohort) = try Self.write(folder)
        let out = folder.appendingPathComponent("selection")
        let result = try SinoRadCommand.run([
            "radiomics", "select", features, "--cohort", cohort, "--classes", "SCC,ACC,ONB", "--out-dir", out.path, "--format", "json"
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try Fixtures.parseJSON(Data(result.stdout.utf8)) as? [String: Any])
        let steps = try #require(json["steps"] as? [[String: Any]])
        #expect(steps.map { $0["step"] as? String } == ["variance", "univariate", "redundancy", "lasso"])
        let selected = try #require(json["selected"] as? [String])
        #expect(!selected.isEmpty && selected.count < 40)
        for name in ["selection.csv", "selected.md", "lasso_cv.svg", "lasso_cv.png", "lasso_path_SCC.svg", "lasso_path_ONB.png"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(name).path), "\(name)")
        }
        let decisions = try String(contentsOf: out.appendingPathComponent("selection.csv"), encoding: .utf8)
        #expect(decisions.hasPrefix("step,feature,kept,reason,statistic,partner\n"))
        #expect(decisions.contains("T2WI_original_feature16,no,zeroVariance"))
    }

    @Test("model writes the predictions CSV every model writes, for every patient")
    func model() throws {
        let folder = try SinoRadCommand.temporaryFolder()
        let (features, cohort) = try Self.write(folder)
        let out = folder.appendingPathComponent("knn")
        let result = try SinoRadCommand.run([
            "radiomics", "model", features, "--cohort", cohort, "--classes", "SCC,ACC,ONB", "--classifier", "knn", "--out-dir", out.path
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let predictions = try String(contentsOf: out.appendingPathComponent("predictions.csv"), encoding: .utf8)
        let lines = predictions.split(separator: "\n")
        #expect(lines.first == "patient_id,cohort,model,p_SCC,p_ACC,p_ONB")
        #expect(lines.count == 201)
        #expect(lines[1].hasPrefix("P1000,train,radiomics-knn,"))
        #expect(result.stderr.contains("chosen n_neighbors="))
        let compare = try SinoRadCommand.run([
            "compare", out.appendingPathComponent("predictions.csv").path, "--truth", cohort, "--cohort", "test", "--bootstrap", "100"
        ])
        #expect(compare.status == 0, "\(compare.stderr)")
    }

    @Test("bad feature tables: duplicate ids, text in a feature, a missing patient, missing values")
    func badTables() throws {
        let folder = try SinoRadCommand.temporaryFolder()
        func run(_ edit: @escaping (inout [[String]]) -> Void) throws -> CommandResult {
            let (features, cohort) = try Self.write(folder, features: edit)
            return try SinoRadCommand.run(["radiomics", "select", features, "--cohort", cohort, "--classes", "SCC,ACC,ONB"])
        }
        let duplicate = try run { $0[3][0] = "P1001" }
        #expect(duplicate.status == 1)
        #expect(duplicate.stderr.contains("features.csv, row 4, column 'patient_id': duplicate id (also row 2)"), "\(duplicate.stderr)")
        let text = try run { $0[9][5] = "high" }
        #expect(text.status == 1)
        #expect(text.stderr.contains("row 10, column 'T2WI_original_feature04': not a number (found 'high')"), "\(text.stderr)")
        let missing = try run { $0.remove(at: 0) }
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("1 patient of") && missing.stderr.contains("missing: P1000"), "\(missing.stderr)")
        let gap = try run { $0[2][8] = "" }
        #expect(gap.status == 1)
        #expect(gap.stderr.contains("missing value") && gap.stderr.contains("impute"), "\(gap.stderr)")
        #expect(gap.stdout.isEmpty)
    }
}
