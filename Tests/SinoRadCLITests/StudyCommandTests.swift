import Foundation
import TestSupport
import Testing

/// `sinorad study` end to end on a tiny SYNTHETIC config (60 patients on the reduced image
/// grid, ResNet-18 at 32 x 32 for one epoch): reproducibility, the stage cache, the report,
/// and config problems listed before any work.
@Suite("sinorad study", .serialized)
struct StudyCommandTests {
    func config(seed: Int = 3, epochs: Int = 1, output: String = "out") -> String {
        """
        {
          "study": "tiny",
          "output": "\(output)",
          "seed": \(seed),
          "inputs": {"synthetic": {"patients": 60, "seed": 11, "images": true, "image_grid": "reduced"}},
          "conventional": {"classifiers": ["extratrees", "logistic"], "trees": 20, "folds": 3,
                           "grid": {"max_depth": [3], "min_samples_leaf": [5], "max_features": ["sqrt"]}},
          "cnn": {"architectures": ["resnet18"], "sequences": ["T2WI", "ADC"], "size": 32, "epochs": \(epochs), "batch": 8, "parallel": 2},
          "evaluation": {"cohorts": ["validation", "test"], "bootstrap": 100},
          "figure_formats": ["png", "svg"]
        }
        """
    }

    func write(_ text: String, _ folder: URL, _ name: String = "study.json") throws -> String {
        let path = folder.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Every file under `folder/sub`, relative paths sorted.
    func files(_ folder: URL, _ sub: String) -> [String] {
        let root = folder.appendingPathComponent(sub)
        let enumerator = FileManager.default.enumerator(atPath: root.path)
        var out: [String] = []
        while let item = enumerator?.nextObject() as? String {
            var dir: ObjCBool = false
            if FileManager.default.fileExists(atPath: root.appendingPathComponent(item).path, isDirectory: &dir), !dir.boolValue { out.append("\(sub)/\(item)") }
        }
        return out.sorted()
    }

    @Test("same config and seed: byte-identical tables and predictions; another seed changes them; one CNN setting redoes only its stages")
    func reproducibleAndCached() throws {
        let folder = try SinoRadCommand.temporaryFolder()
        let path = try write(config(), folder)
        let first = try SinoRadCommand.run(["study", path])
        #expect(first.status == 0, "\(first.stderr)")
        let a = folder.appendingPathComponent("out")
        let b = folder.appendingPathComponent("again")
        let second = try SinoRadCommand.run(["study", path, "--out", b.path])
        #expect(second.status == 0, "\(second.stderr)")

        let compared = files(a, "tables") + files(a, "predictions")
        #expect(compared.count > 60)
        #expect(compared == files(b, "tables") + files(b, "predictions"))
        for file in compared {
            #expect(try Data(contentsOf: a.appendingPathComponent(file)) == Data(contentsOf: b.appendingPathComponent(file)), "\(file) differs")
        }
        for file in [
            "index.html", "report.md", "methods.md", "provenance.json", "models/resnet18-T2WI/model.safetensors",
            "models/conventional/extratrees/model.json", "figures/test/roc_resnet18-mean.svg",
            "figures/gradcam/resnet18-ADC/montage.png", "figures/readers", "tables/table1.tex", "tables/paired_test.md",
            "predictions/resnet18-mean.csv", "tables/readers_assistance.csv"
        ] {
            #expect(FileManager.default.fileExists(atPath: a.appendingPathComponent(file).path), "\(file) missing")
        }
        let html = try String(contentsOf: a.appendingPathComponent("index.html"), encoding: .utf8)
        #expect(html.contains("SYNTHETIC") && html.contains("<h2>Methods</h2>"))
        #expect(html.components(separatedBy: "<table").count - 1 == 2 + 3 + 1 + 6 + 5)
        #expect(html.contains("src=\"data:image/png;base64,") && !html.contains("src=\"figures/"))
        let provenance = try #require(try Fixtures.parseJSON(Data(contentsOf: a.appendingPathComponent("provenance.json"))) as? [String: Any])
        #expect((provenance["stages"] as? [[String: Any]])?.count == 10)
        #expect((provenance["libraries"] as? [String: String])?["gsl"]?.isEmpty == false)
        let methods = try String(contentsOf: a.appendingPathComponent("methods.md"), encoding: .utf8)
        #expect(methods.contains("DeLong") && methods.contains("resnet18") && methods.contains("32 x 32") && methods.contains("100 replicates"))

        // Another seed: the models and their predictions change.
        let reseeded = try write(config(seed: 4, output: "seed4"), folder, "seed4.json")
        let third = try SinoRadCommand.run(["study", reseeded])
        #expect(third.status == 0, "\(third.stderr)")
        let c = folder.appendingPathComponent("seed4")
        // (The tiny cohort's conventional models use one binary predictor, so they do not depend on the seed.)
        for file in ["predictions/resnet18-T2WI.csv", "predictions/resnet18-ADC.csv", "predictions/resnet18-mean.csv", "tables/performance_test.csv"] {
            #expect(try Data(contentsOf: a.appendingPathComponent(file)) != Data(contentsOf: c.appendingPathComponent(file)), "\(file) did not change with the seed")
        }
        #expect(try Data(contentsOf: a.appendingPathComponent("tables/table1.md")) == Data(contentsOf: c.appendingPathComponent("tables/table1.md")))

        // One CNN setting changed: only the CNN stages and what reads them run again.
        _ = try write(config(epochs: 2), folder)
        let rerun = try SinoRadCommand.run(["study", path])
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(
            rerun.stderr.contains("ran: cnn-resnet18-T2WI, cnn-resnet18-ADC, fusion-resnet18-mean, comparison-validation, comparison-test")
                || rerun.stderr.contains("ran: cnn-resnet18-ADC, cnn-resnet18-T2WI, fusion-resnet18-mean, comparison-validation, comparison-test"), "\(rerun.stderr)")
        #expect(rerun.stderr.contains("cached: data, table1, selection, conventional, readers"))
        #expect(rerun.stderr.contains("] table1 cached") && rerun.stderr.contains("] cnn-resnet18-T2WI running"))
        #expect(try Data(contentsOf: a.appendingPathComponent("tables/cv_extratrees.md")) == Data(contentsOf: b.appendingPathComponent("tables/cv_extratrees.md")))
        #expect(try Data(contentsOf: a.appendingPathComponent("predictions/resnet18-T2WI.csv")) != Data(contentsOf: b.appendingPathComponent("predictions/resnet18-T2WI.csv")))
    }

    @Test("without CNNs: a re-run is all cached, --force redoes every stage, own inputs are keyed by their content")
    func forceAndOwnInputs() throws {
        let folder = try SinoRadCommand.temporaryFolder()
        let simulated = try SinoRadCommand.run(["simulate", "--out", folder.appendingPathComponent("mydata").path, "--patients", "120"])
        #expect(simulated.status == 0, "\(simulated.stderr)")
        let text = """
            {"study": "own", "output": "report", "inputs": {"cohort": "mydata/cohort.csv", "reads": "mydata/reads.csv"},
             "conventional": {"trees": 10, "folds": 3, "grid": {"max_depth": [3], "min_samples_leaf": [5], "max_features": ["sqrt"]}},
             "cnn": {"enabled": false}, "evaluation": {"bootstrap": 100}, "figure_formats": ["png"]}
            """
        let path = try write(text, folder)
        let first = try SinoRadCommand.run(["study", path])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("ran: table1, selection, conventional, comparison-validation, comparison-test, readers"), "\(first.stderr)")
        let again = try SinoRadCommand.run(["study", path])
        #expect(again.stderr.contains("ran: none") && again.stderr.contains("cached: table1, selection"), "\(again.stderr)")
        let forced = try SinoRadCommand.run(["study", path, "--force"])
        #expect(forced.status == 0 && forced.stderr.contains("cached: none"), "\(forced.stderr)")
        // Another cohort file content: every stage runs again.
        let cohort = folder.appendingPathComponent("mydata/cohort.csv")
        var rows = try String(contentsOf: cohort, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        rows[1] = rows[1].replacingOccurrences(of: ",male,", with: ",female,")
        try rows.joined(separator: "\n").write(to: cohort, atomically: true, encoding: .utf8)
        let changed = try SinoRadCommand.run(["study", path])
        #expect(changed.status == 0 && changed.stderr.contains("cached: none"), "\(changed.stderr)")
        let table = try String(contentsOf: folder.appendingPathComponent("report/tables/table1.md"), encoding: .utf8)
        #expect(!table.contains("SYNTHETIC cohort:"))
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("report/index.html").path))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("report/figures/gradcam").path))
    }

    @Test("a study killed (SIGKILL) while its CNNs train (in its own threads): nothing of theirs is recorded, and the next run redoes only the unfinished stages, to the same predictions")
    func killedDuringTraining() throws {
        let folder = try SinoRadCommand.temporaryFolder()
        let path = try write(config(epochs: 2), folder)
        let process = Process()
        process.executableURL = SinoRadCommand.executable
        process.arguments = ["study", path]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // Wait for the first epoch line of a CNN training, then kill the study.
        var seen = Data()
        let handle = err.fileHandleForReading
        while !String(decoding: seen, as: UTF8.self).contains("step ") {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            seen.append(chunk)
        }
        #expect(String(decoding: seen, as: UTF8.self).contains("training 2 CNN(s)"))
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let out = folder.appendingPathComponent("out")
        let stages = out.appendingPathComponent(".sinorad/stages")
        // The trainings ran in the study's process: none of their stages is recorded, and nothing writes on.
        Thread.sleep(forTimeInterval: 3)
        let recorded = try FileManager.default.contentsOfDirectory(atPath: stages.path).sorted()
        #expect(recorded == ["conventional.json", "data.json", "selection.json", "table1.json"])
        let files = try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("models").path).sorted()
        Thread.sleep(forTimeInterval: 2)
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("models").path).sorted() == files)

        let rerun = try SinoRadCommand.run(["study", path])
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(rerun.stderr.contains("cached: data, table1, selection, conventional\n"), "\(rerun.stderr)")
        let clean = try SinoRadCommand.run(["study", path, "--out", folder.appendingPathComponent("clean").path])
        #expect(clean.status == 0, "\(clean.stderr)")
        for file in ["predictions/resnet18-T2WI.csv", "predictions/resnet18-ADC.csv", "tables/performance_test.csv"] {
            #expect(try Data(contentsOf: out.appendingPathComponent(file)) == Data(contentsOf: folder.appendingPathComponent("clean").appendingPathComponent(file)), "\(file)")
        }
    }

    @Test("SIGKILL at 20 seeded moments of a small study: every rerun completes, with tables and predictions equal to a clean run's and no stray file")
    func killedAtRandomMoments() throws {
        let folder = try SinoRadCommand.temporaryFolder()
        let text = """
            {"study": "kills", "output": "out", "seed": 4, "inputs": {"synthetic": {"patients": 120, "seed": 9, "images": false}},
             "conventional": {"classifiers": ["extratrees", "logistic"], "trees": 10, "folds": 3,
                              "grid": {"max_depth": [3], "min_samples_leaf": [5], "max_features": ["sqrt"]}},
             "cnn": {"enabled": false}, "evaluation": {"cohorts": ["validation", "test"], "bootstrap": 100}, "figure_formats": ["png"]}
            """
        let path = try write(text, folder)
        let started = Date()
        let clean = try SinoRadCommand.run(["study", path, "--out", folder.appendingPathComponent("clean").path])
        let duration = Date().timeIntervalSince(started)
        #expect(clean.status == 0, "\(clean.stderr)")
        let out = folder.appendingPathComponent("out")
        let compared = ["tables", "predictions", "models"]
        let expected = compared.flatMap { files(folder.appendingPathComponent("clean"), $0) }
        // Kill points spread over a clean run's duration by a seeded SplitMix64.
        var state: UInt64 = 15
        func uniform() -> Double {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
        }
        // The clean run's duration is only an estimate: on a busy machine (other suites run
        // beside this one) it is longer than a later run's. A run that ends before its kill
        // shortens the estimate and the same point is tried again, so every point lands.
        var estimate = duration
        var killedMidway = 0
        for point in 0..<20 {
            let fraction = 0.02 + 0.96 * uniform()
            for _ in 0..<8 {
                let delay = estimate * fraction
                let process = Process()
                process.executableURL = SinoRadCommand.executable
                // Every stage reruns (--force), so each kill lands in real work.
                process.arguments = ["study", path, "--force"]
                process.standardError = FileHandle.nullDevice
                process.standardOutput = FileHandle.nullDevice
                try process.run()
                Thread.sleep(forTimeInterval: delay)
                let landed = process.isRunning
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                if landed {
                    killedMidway += 1
                    break
                }
                estimate *= 0.7
            }
            let rerun = try SinoRadCommand.run(["study", path])
            #expect(rerun.status == 0, "kill point \(point) (\(fraction) of \(estimate) s): \(rerun.stderr)")
            let written = compared.flatMap { files(out, $0) }
            #expect(written == expected, "kill point \(point): files differ: \(Set(written).symmetricDifference(expected))")
            for file in expected where file.hasSuffix(".csv") {
                let a = try Data(contentsOf: out.appendingPathComponent(file)), b = try Data(contentsOf: folder.appendingPathComponent("clean/\(file)"))
                #expect(a == b, "kill point \(point): \(file) differs from the clean run's")
            }
        }
        #expect(killedMidway == 20, "only \(killedMidway) of 20 kills landed while the study ran")
        // A kill inside a write leaves that write's temporary file (CI's slower machine landed one
        // such kill); the next run sweeps it whichever moment the kills above happened to hit.
        let planted = "tables/.table1_by_cohort.json.sinorad-partial-ZghPrY"
        #expect(FileManager.default.createFile(atPath: out.appendingPathComponent(planted).path, contents: Data("{\"half".utf8)))
        let swept = try SinoRadCommand.run(["study", path])
        #expect(swept.status == 0, "\(swept.stderr)")
        #expect(swept.stderr.contains("removed \(planted), left half-written by an interrupted run"), "\(swept.stderr)")
        #expect(compared.flatMap { files(out, $0) } == expected)
    }

    @Test("a read-only output folder (root: a read-only bind mount) fails at once with a sentence; a missing one is created")
    func readOnlyAndMissingOutput() throws {
        let folder = try SinoRadCommand.temporaryFolder()
        let path = try write(
            """
            {"study": "ro", "output": "out", "inputs": {"synthetic": {"patients": 120, "seed": 9, "images": false}},
             "conventional": {"classifiers": ["logistic"]}, "cnn": {"enabled": false}, "readers": false,
             "evaluation": {"cohorts": ["test"], "bootstrap": 100}, "figure_formats": ["png"]}
            """, folder)
        let nested = folder.appendingPathComponent("not/yet/there")
        let created = try SinoRadCommand.run(["study", path, "--out", nested.path])
        #expect(created.status == 0 && FileManager.default.fileExists(atPath: nested.appendingPathComponent("index.html").path), "\(created.stderr)")
        guard getuid() == 0 else {
            print("skipped the read-only case: a read-only bind mount needs root (CI runs as root)")
            return
        }
        let locked = folder.appendingPathComponent("readonly")
        try FileManager.default.createDirectory(at: locked, withIntermediateDirectories: true)
        guard mount(locked.path, locked.path, nil, UInt(MS_BIND), nil) == 0 else {
            print("skipped the read-only case: cannot bind-mount (\(String(cString: strerror(errno))))")
            return
        }
        defer { umount2(locked.path, Int32(MNT_DETACH)) }
        guard mount(locked.path, locked.path, nil, UInt(MS_BIND | MS_REMOUNT | MS_RDONLY), nil) == 0 else {
            print("skipped the read-only case: cannot remount read-only (\(String(cString: strerror(errno))))")
            return
        }
        let result = try SinoRadCommand.run(["study", path, "--out", locked.appendingPathComponent("out").path])
        #expect(result.status == 1)
        #expect(
            result.stderr.contains("cannot create the output folder: cannot write \(locked.path)/out: the file system is read-only"),
            "\(result.stderr)")
        #expect(!result.stderr.contains("NSCocoaErrorDomain") && !result.stderr.contains("could not be completed"))
    }

    @Test("a config with a typo, a missing file and an unknown architecture fails before any work, listing every problem")
    func badConfig() throws {
        let folder = try SinoRadCommand.temporaryFolder()
        let text = """
            {
              "study": "bad",
              "output": "out",
              "seeed": 3,
              "inputs": {"cohort": "missing.csv", "images": "nowhere", "reads": "reads.csv"},
              "cnn": {"architectures": ["resnet18", "vgg16"], "size": 8, "optimiser": "adamw"},
              "evaluation": {"bootstrap": "lots"}
            }
            """
        let path = try write(text, folder)
        let result = try SinoRadCommand.run(["study", path])
        #expect(result.status == 1)
        for expected in [
            "seeed: unknown key (did you mean 'seed'?)", "inputs.cohort: ", "missing.csv does not exist",
            "inputs.images: ", "nowhere does not exist", "inputs.reads: ", "cnn.architectures[1]: 'vgg16' is not one of",
            "cnn.size: 8 is out of range", "cnn.optimiser: unknown key (did you mean 'optimizer'?)",
            "evaluation.bootstrap: expected an integer", "8 problem(s), nothing was run"
        ] {
            #expect(result.stderr.contains(expected), "missing '\(expected)' in \(result.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("out").path))
        let check = try SinoRadCommand.run(["study", path, "--check"])
        #expect(check.status == 1)
        try "{\"study\": 1,".write(toFile: path, atomically: true, encoding: .utf8)
        let broken = try SinoRadCommand.run(["study", path])
        #expect(broken.status == 1 && broken.stderr.contains("not valid JSON"), "\(broken.stderr)")
        try "{\n  \"study\": \"x\",\n  \"seed\": 1,,\n}\n".write(toFile: path, atomically: true, encoding: .utf8)
        let misplaced = try SinoRadCommand.run(["study", path])
        #expect(misplaced.status == 1 && misplaced.stderr.contains("not valid JSON, line 3, column"), "\(misplaced.stderr)")
    }

    @Test("the built-in demo config is a valid study config")
    func demoConfig() throws {
        let folder = try SinoRadCommand.temporaryFolder()
        let printed = try SinoRadCommand.run(["demo", "--print-config"])
        #expect(printed.status == 0)
        let path = try write(printed.stdout, folder)
        let check = try SinoRadCommand.run(["study", path, "--check"])
        #expect(check.status == 0, "\(check.stderr)")
        #expect(printed.stdout.contains("\"profile\": \"quick\""))
    }
}
