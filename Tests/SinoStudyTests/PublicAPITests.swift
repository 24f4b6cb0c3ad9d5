import Foundation
import SinoData
import SinoReport
import SinoStats
import SinoStudy
import TestSupport
import Testing

/// SinoRad as a Swift package: the README's example, compiled and run here, and the README
/// checked to hold exactly this code.
@Suite("Public API")
struct PublicAPITests {
    /// Runs the README example in `folder`; returns what it computed.
    static func readmeExample(folder: URL) throws -> (TableOne, PredictorSelection, ConventionalResult, StudyRunner.Result) {
        // README example begin
        // A cohort from columns in memory: 150 made-up patients, three classes.
        let n = 150
        let pathology = (0..<n).map { ["SCC", "ACC", "ONB"][$0 % 3] }
        let adc: [Double?] = (0..<n).map { i in
            let shift = Double(i % 3) * 0.4, noise = Double((i * 37) % 11) / 10
            return i % 17 == 0 ? nil : shift + noise
        }
        let invasion = (0..<n).map { i in (i % 3 == 0) != (i % 7 == 0) ? "yes" : "no" }
        let cohort = try Cohort(
            columns: [
                ("patient_id", .text((1...n).map { "P\($0)" })),
                ("cohort", .text((0..<n).map { $0 < 110 ? "train" : "test" })),
                ("pathology", .text(pathology)),
                ("adc", .numbers(adc)),
                ("intracranial_invasion", .text(invasion))
            ], classOrder: ["SCC", "ACC", "ONB"])

        // Table 1, the predictor selection and the conventional model.
        let table1 = try TableOne.build(cohort)
        print(table1.layout(title: "Table 1").rendered(.md))
        let selection = try PredictorSelection.run(cohort, split: "train", options: SelectionOptions())
        var settings = ConventionalSettings()
        settings.predictors = selection.predictors
        settings.trees = 50
        let (model, predictions, _) = try ConventionalModel.train(cohort, settings: settings)
        print(model.chosen?.description ?? "", predictions.count)

        // A whole study: the SYNTHETIC cohort without images, into `folder`.
        var config = StudyConfig(profile: .quick)
        config.inputs = .init(synthetic: .init(patients: 200, images: false))
        config.cnn.enabled = false
        config.conventional.trees = 50
        config.evaluation.bootstrap = 200
        let study = try StudyRunner(config: config, base: folder, out: folder).run()
        print(study.ran, "->", study.folder.path)
        // README example end
        return (table1, selection, model, study)
    }

    @Test("the README's Swift example runs: Table 1, selection, the conventional model and a whole study")
    func readme() throws {
        let folder = try SinoRadCommand.temporaryFolder()
        let (table1, selection, model, study) = try Self.readmeExample(folder: folder)
        #expect(table1.strata.count == 1)
        #expect(selection.predictors.contains("adc"))
        #expect(model.predictors == selection.predictors)
        #expect(study.ran.contains("comparison-test") && FileManager.default.fileExists(atPath: folder.appendingPathComponent("index.html").path))
    }

    @Test("README.md holds exactly the example this suite runs")
    func readmeText() throws {
        let source = try String(contentsOf: URL(fileURLWithPath: #filePath), encoding: .utf8)
        let begin = source.range(of: "        // README example begin\n")!, end = source.range(of: "        // README example end\n")!
        let code = source[begin.upperBound..<end.lowerBound].split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.count >= 8 ? String($0.dropFirst(8)) : String($0) }.joined(separator: "\n")
        let readme = try String(
            contentsOf: Fixtures.root.appendingPathComponent("README.md"),
            encoding: .utf8)
        #expect(readme.contains(code), "README.md lacks the example's code:\n\(code)")
    }

    @Test("a cohort from columns is checked as a CSV is: lengths, repeated names, values against the dictionary")
    func cohortFromColumns() throws {
        #expect(throws: ValidationError.self) {
            try Cohort(columns: [("patient_id", .text(["a", "b"])), ("pathology", .text(["SCC"]))])
        }
        #expect(throws: ValidationError.self) {
            try Cohort(columns: [("patient_id", .text(["a"])), ("patient_id", .text(["b"])), ("pathology", .text(["SCC"]))])
        }
        // Numbers with more than 6 distinct values are continuous (kinds inferred as for a CSV), read back exactly.
        let sizes: [Double?] = [1.5, nil, 0.1, 2.25, 1e-7, 3, 0.30000000000000004, 7.5]
        let cohort = try Cohort(columns: [
            ("patient_id", .text((1...8).map { "p\($0)" })),
            ("pathology", .text(["X", "Y", "X", "Y", "X", "Y", "X", "Y"])), ("size", .numbers(sizes))
        ])
        #expect(cohort.classes.names == ["X", "Y"] && cohort.count == 8)
        guard case .continuous(let values)? = cohort.columns["size"] else { Issue.record("size is not continuous"); return }
        #expect(values == sizes)
    }
}
