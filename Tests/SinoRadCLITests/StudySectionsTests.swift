import Foundation
import TestSupport
import Testing

/// `sinorad study` with each combination of enabled sections (readers, CNNs, evaluation
/// cohorts) and of one or several models: every run ends in a report whose tables all exist,
/// whose methods paragraph describes exactly the models that ran, whose JSON is plain, and
/// whose errors are sentences naming the file and the cause.
@Suite("sinorad study: sections and models", .serialized)
struct StudySectionsTests {
    /// A config without CNNs on `cohort` (a folder written by `sinorad simulate`).
    func config(_ classifiers: [String], readers: Bool, cohorts: [String], output: String, method: String = "ml") -> String {
        let list = classifiers.map { "\"\($0)\"" }.joined(separator: ", ")
        let evaluation = cohorts.map { "\"\($0)\"" }.joined(separator: ", ")
        return """
            {"study": "\(output)", "output": "\(output)", "selection": {"method": "\(method)"},
             "inputs": {"cohort": "data/cohort.csv"\(readers ? ", \"reads\": \"data/reads.csv\"" : "")},
             "conventional": {"classifiers": [\(list)], "trees": 10, "folds": 3,
                              "grid": {"max_depth": [3], "min_samples_leaf": [5], "max_features": ["sqrt"]}},
             "cnn": {"enabled": false}, "readers": \(readers),
             "evaluation": {"cohorts": [\(evaluation)], "bootstrap": 100}, "figure_formats": ["png"]}
            """
    }

    /// Checks a finished report folder and returns its methods paragraph.
    func checkReport(_ report: URL, _ result: CommandResult, _ name: String) throws -> String {
        #expect(result.status == 0, "\(name): \(result.stderr)")
        #expect(!result.stderr.contains("Error Domain") && !result.stderr.contains("NSCocoaErrorDomain"), "\(name): \(result.stderr)")
        let markdown = try String(contentsOf: report.appendingPathComponent("report.md"), encoding: .utf8)
        #expect(FileManager.default.fileExists(atPath: report.appendingPathComponent("index.html").path), "\(name): index.html")
        let linked = markdown.components(separatedBy: "](").dropFirst().compactMap { $0.split(separator: ")").first.map(String.init) }
        #expect(!linked.isEmpty)
        for file in linked {
            #expect(FileManager.default.fileExists(atPath: report.appendingPathComponent(file).path), "\(name): report.md links \(file)")
        }
        for file in try jsonFiles(report) { try PlainJSON.check(file) }
        let methods = try String(contentsOf: report.appendingPathComponent("methods.md"), encoding: .utf8)
        try Prose.check(methods, name)
        return methods
    }

    func jsonFiles(_ folder: URL) throws -> [URL] {
        let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)
        var files: [URL] = []
        while let url = enumerator?.nextObject() as? URL {
            if url.pathExtension == "json" && !url.path.contains("/.sinorad/") { files.append(url) }
        }
        return files
    }

    @Test("one or several conventional models, with and without readers and cohorts: a full report, methods that name the models")
    func conventionalCombinations() throws {
        let folder = try SinoRadCommand.temporaryFolder()
        let simulated = try SinoRadCommand.run(["simulate", "--out", folder.appendingPathComponent("data").path, "--patients", "120"])
        #expect(simulated.status == 0, "\(simulated.stderr)")
        let cases: [(classifiers: [String], readers: Bool, cohorts: [String], method: String)] = [
            (["extratrees"], false, ["test"], "ml"),
            (["logistic"], true, ["validation", "test"], "ml"),
            (["extratrees", "logistic"], false, ["validation"], "firth"),
            (["randomforest", "extratrees", "logistic"], true, ["test"], "ml")
        ]
        for (i, c) in cases.enumerated() {
            let name = "run\(i)"
            let path = folder.appendingPathComponent("\(name).json").path
            try config(c.classifiers, readers: c.readers, cohorts: c.cohorts, output: name, method: c.method).write(toFile: path, atomically: true, encoding: .utf8)
            let result = try SinoRadCommand.run(["study", path])
            let methods = try checkReport(folder.appendingPathComponent(name), result, name)
            // The sentences on the conventional models: from "The independent predictors" to the
            // evaluation.
            let start = try #require(methods.range(of: "The independent predictors"), "\(name): \(methods)")
            let end = try #require(methods.range(of: "Models were evaluated"), "\(name): \(methods)")
            let conventional = String(methods[start.lowerBound..<end.lowerBound])
            #expect(conventional.contains("an ExtraTrees classifier") == c.classifiers.contains("extratrees"), "\(name): \(conventional)")
            #expect(conventional.contains("a random forest") == c.classifiers.contains("randomforest"), "\(name): \(conventional)")
            #expect(conventional.contains("multinomial logistic regression") == c.classifiers.contains("logistic"), "\(name): \(conventional)")
            #expect(conventional.contains("trees") == (c.classifiers != ["logistic"]), "\(name): trees only with a forest: \(conventional)")
            #expect(methods.contains("paired DeLong") == (c.classifiers.count > 1), "\(name): comparisons only with several models")
            #expect(methods.contains("reader study") == c.readers, "\(name)")
            #expect(methods.contains("bias-reduced (Firth) multinomial logistic regression (as R brglm2") == (c.method == "firth"), "\(name): \(methods)")
            #expect(conventional.contains("a bias-reduced (Firth) multinomial logistic regression") == (c.method == "firth" && c.classifiers.contains("logistic")))
            let tables = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("\(name)/tables").path)
            for cohort in c.cohorts {
                #expect(tables.contains("paired_\(cohort).md") == (c.classifiers.count > 1), "\(name): paired table of \(cohort)")
            }
        }
    }

    @Test("the selection keeps no variable: with CNNs the study goes on with them alone; without, a sentence saying what to change")
    func noPredictors() throws {
        let folder = try SinoRadCommand.temporaryFolder()
        let text = """
            {"study": "cnnonly", "output": "out", "seed": 3,
             "inputs": {"synthetic": {"patients": 60, "seed": 11, "images": true, "image_grid": "reduced"}},
             "selection": {"screening_alpha": 1e-12},
             "conventional": {"classifiers": ["logistic"]},
             "cnn": {"architectures": ["resnet18"], "sequences": ["T2WI"], "size": 32, "epochs": 1, "batch": 8},
             "readers": false, "evaluation": {"cohorts": ["test"], "bootstrap": 100}, "figure_formats": ["png"]}
            """
        let path = folder.appendingPathComponent("study.json").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let result = try SinoRadCommand.run(["study", path])
        let methods = try checkReport(folder.appendingPathComponent("out"), result, "cnn only")
        #expect(result.stderr.contains("kept no variable"), "\(result.stderr)")
        #expect(!methods.contains("independent predictors (") && !methods.contains("were the inputs of"), "no conventional model: \(methods)")
        // ResNet-18 at 32 x 32: layer1 is 8 x 8, layer2 4 x 4, so the automatic layer is layer1.
        #expect(methods.contains("Grad-CAM maps of layer1 (8 x 8), upsampled to the input"), "\(methods)")
        // gradcam.json has exactly the keys data-schema/gradcam.schema.json describes.
        let record = try #require(try Fixtures.parseJSON(Data(contentsOf: folder.appendingPathComponent("out/figures/gradcam/resnet18-T2WI/gradcam.json"))) as? [String: Any])
        let schema = try #require(try Fixtures.parseJSON(Data(contentsOf: Fixtures.root.appendingPathComponent("data-schema/gradcam.schema.json"))) as? [String: Any])
        #expect(Set(record.keys) == Set((schema["properties"] as? [String: Any] ?? [:]).keys))
        #expect(record["layer"] as? String == "layer1" && record["map_height"] as? Int == 8 && record["input_size"] as? Int == 32)
        let report = try String(contentsOf: folder.appendingPathComponent("out/report.md"), encoding: .utf8)
        #expect(report.contains("**Note:** The predictor selection kept no variable"))

        let noCNN = text.replacingOccurrences(of: "\"cnn\": {\"architectures\"", with: "\"cnn\": {\"enabled\": false, \"architectures\"")
            .replacingOccurrences(of: "\"output\": \"out\"", with: "\"output\": \"out2\"")
        try noCNN.write(toFile: path, atomically: true, encoding: .utf8)
        let failed = try SinoRadCommand.run(["study", path])
        #expect(failed.status == 1)
        #expect(failed.stderr.contains("the study has no model to evaluate") && failed.stderr.contains("screening_alpha"), "\(failed.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("out2/index.html").path))
    }

    @Test("a file error is a sentence naming the file and the cause, never Foundation's error dump")
    func fileErrors() throws {
        let folder = try SinoRadCommand.temporaryFolder()
        try "not a folder".write(to: folder.appendingPathComponent("blocked"), atomically: true, encoding: .utf8)
        let simulated = try SinoRadCommand.run(["simulate", "--out", folder.appendingPathComponent("data").path, "--patients", "120"])
        #expect(simulated.status == 0)
        let path = folder.appendingPathComponent("study.json").path
        try config(["extratrees"], readers: false, cohorts: ["test"], output: "blocked/report").write(toFile: path, atomically: true, encoding: .utf8)
        let result = try SinoRadCommand.run(["study", path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("blocked") && !result.stderr.contains("Error Domain"), "\(result.stderr)")
        #expect(result.stderr.hasPrefix("error: ") || result.stderr.contains("\nerror: "), "\(result.stderr)")
    }
}

/// JSON a statistician reads from R or pandas: no Swift enum encoding (`{"defined": {"_0": x}}`,
/// `{"sqrt": {}}`) anywhere.
enum PlainJSON {
    static func check(_ file: URL) throws {
        let object = try Fixtures.parseJSON(Data(contentsOf: file))
        var problems: [String] = []
        walk(object, "", &problems)
        #expect(problems.isEmpty, "\(file.lastPathComponent): \(problems.prefix(5).joined(separator: "; "))")
    }

    static func walk(_ value: Any, _ path: String, _ problems: inout [String]) {
        if let dictionary = value as? [String: Any] {
            for (key, item) in dictionary {
                if key.hasPrefix("_"), Int(key.dropFirst()) != nil { problems.append("\(path).\(key): an unlabelled associated value") }
                // {"sqrt": {}}: a case without associated values, alone in its object.
                if let inner = item as? [String: Any], inner.isEmpty, dictionary.count == 1 {
                    problems.append("\(path).\(key): an enum case as an empty object")
                }
                walk(item, "\(path).\(key)", &problems)
            }
        } else if let array = value as? [Any] {
            for (i, item) in array.enumerated() { walk(item, "\(path)[\(i)]", &problems) }
        }
    }
}

/// Generated text read as prose: no "..", no doubled spaces, no empty parentheses, no "(s)".
enum Prose {
    static func check(_ text: String, _ name: String) throws {
        let withoutEllipses = text.replacingOccurrences(of: "...", with: "")
        #expect(!withoutEllipses.contains(".."), "\(name): '..' in \(text)")
        #expect(!text.contains("  "), "\(name): doubled space in \(text)")
        #expect(!text.contains("()") && !text.contains("( "), "\(name): empty parentheses in \(text)")
        #expect(!text.contains("(s)"), "\(name): '(s)' instead of a counted plural in \(text)")
    }
}
