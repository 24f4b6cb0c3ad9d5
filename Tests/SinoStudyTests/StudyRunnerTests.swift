import Foundation
import SinoData
import SinoStats
import TestSupport
import Testing

@testable import SinoStudy

/// The study as a library: the stage graph, the cache's keys and invalidation, and a whole
/// small study run from Swift, without the binary.
@Suite("Study runner", .serialized)
struct StudyRunnerTests {
    /// A SYNTHETIC study without images: data, Table 1, selection, one small forest, the
    /// comparison on the test cohort and the reader study.
    static func smallConfig() -> StudyConfig {
        var config = StudyConfig()
        config.study = "small"
        config.inputs = .init(synthetic: .init(patients: 200, seed: 5, images: false))
        config.cnn.enabled = false
        config.conventional.classifiers = [.extraTrees]
        config.conventional.trees = 20
        config.conventional.folds = 3
        config.conventional.grid.maxDepth = [3]
        config.conventional.grid.minSamplesLeaf = [5]
        config.conventional.grid.maxFeatures = [.sqrt]
        config.evaluation.cohorts = ["test"]
        config.evaluation.bootstrap = 100
        config.figureFormats = [.png]
        return config
    }

    func runner(_ config: StudyConfig, _ folder: URL, force: Bool = false) -> StudyRunner {
        let runner = StudyRunner(config: config, base: folder, out: folder, force: force)
        runner.progress = { _ in }
        return runner
    }

    @Test("the stage graph follows the config: CNN, fusion, comparison and readers stages come and go")
    func stageGraph() {
        var config = StudyConfig(profile: .quick)
        #expect(
            StudyRunner(config: config, base: URL(fileURLWithPath: "/")).stageNames
                == [
                    "data", "table1", "selection", "conventional", "cnn-resnet18-T2WI", "cnn-resnet18-CE-T1WI", "cnn-resnet18-ADC",
                    "fusion-resnet18-mean", "comparison-validation", "comparison-test", "readers"
                ])
        config.cnn.sequences = ["ADC"]
        config.readers = false
        config.evaluation.cohorts = ["test"]
        #expect(
            StudyRunner(config: config, base: URL(fileURLWithPath: "/")).stageNames
                == ["data", "table1", "selection", "conventional", "cnn-resnet18-ADC", "comparison-test"])
        config.inputs = .init(synthetic: nil, cohort: "c.csv", reads: nil)
        config.cnn.enabled = false
        #expect(StudyRunner(config: config, base: URL(fileURLWithPath: "/")).stageNames == ["table1", "selection", "conventional", "comparison-test"])
        config.radiomics.enabled = true
        config.radiomics.sequences = ["T2WI", "ADC"]
        config.radiomics.classifiers = [.svm, .xgboost]
        #expect(
            StudyRunner(config: config, base: URL(fileURLWithPath: "/")).stageNames == [
                "table1", "selection", "conventional", "radiomics-extract-T2WI", "radiomics-extract-ADC", "radiomics-model-radiomics-T2WI-svm",
                "radiomics-model-radiomics-ADC-svm", "radiomics-model-radiomics-svm", "radiomics-model-radiomics-T2WI-xgboost",
                "radiomics-model-radiomics-ADC-xgboost", "radiomics-model-radiomics-xgboost", "radiomics-model-combined-logistic", "comparison-test"
            ])
    }

    @Test("a stage key changes with its settings and with any upstream key, never with how the settings are spelled")
    func keys() {
        let a = SelectionStage.Settings(
            outcome: .init(label: "pathology", classes: ["A", "B"]), screeningAlpha: 0.05,
            eliminationAlpha: 0.05, reference: nil, method: .ml)
        var b = a
        b.method = .firth
        #expect(StageCache.key("selection", settings: a) == StageCache.key("selection", settings: a))
        #expect(StageCache.key("selection", settings: a) != StageCache.key("selection", settings: b))
        #expect(StageCache.key("selection", settings: a, upstream: ["x"]) != StageCache.key("selection", settings: a, upstream: ["y"]))
        #expect(StageCache.key("selection", settings: a) != StageCache.key("table1", settings: a))
    }

    @Test("the cache: fresh after a run, stale when an output changes or disappears, redone under force")
    func cacheInvalidation() throws {
        let folder = try SinoRadCommand.temporaryFolder()
        let cache = StageCache(folder: folder, force: false)
        var runs = 0
        func stage() throws {
            try cache.run("s", key: "k1", outputs: ["out.txt"]) {
                runs += 1; try AtomicFile.write("a", to: folder.appendingPathComponent("out.txt").path)
            }
        }
        try stage()
        #expect(runs == 1 && cache.isFresh("s", key: "k1") && !cache.isFresh("s", key: "k2"))
        try stage()
        #expect(runs == 1)
        let again = StageCache(folder: folder, force: false)
        #expect(again.isFresh("s", key: "k1"))
        Thread.sleep(forTimeInterval: 0.01)
        try AtomicFile.write("b", to: folder.appendingPathComponent("out.txt").path)
        #expect(!StageCache(folder: folder, force: false).isFresh("s", key: "k1"), "an output rewritten by hand")
        let redo = StageCache(folder: folder, force: false)
        try redo.run("s", key: "k1", outputs: ["out.txt"]) {
            runs += 1; try AtomicFile.write("a", to: folder.appendingPathComponent("out.txt").path)
        }
        #expect(runs == 2)
        try FileManager.default.removeItem(at: folder.appendingPathComponent("out.txt"))
        #expect(!StageCache(folder: folder, force: false).isFresh("s", key: "k1"), "an output removed")
        #expect(!StageCache(folder: folder, force: true).isFresh("s", key: "k1"))
    }

    @Test("a whole small study from Swift: a rerun is all cached; another bootstrap count redoes only the comparison; results equal")
    func smallStudy() throws {
        let folder = try SinoRadCommand.temporaryFolder()
        let config = Self.smallConfig()
        let first = try runner(config, folder).run()
        #expect(first.ran == ["data", "table1", "selection", "conventional", "comparison-test", "readers"] && first.cached.isEmpty)
        #expect(first.models == ["conventional-extratrees"])
        for file in ["index.html", "report.md", "methods.md", "provenance.json", "tables/performance_test.csv", "predictions/conventional.csv"] {
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(file).path), "\(file)")
        }
        let table = try Data(contentsOf: folder.appendingPathComponent("tables/performance_test.csv"))
        let second = try runner(config, folder).run()
        #expect(second.ran.isEmpty && second.cached.count == 6)
        var changed = config
        changed.evaluation.bootstrap = 200
        let third = try runner(changed, folder).run()
        #expect(third.ran == ["comparison-test"], "\(third.ran)")
        let forced = try runner(config, folder, force: true).run()
        #expect(forced.ran.count == 6)
        #expect(try Data(contentsOf: folder.appendingPathComponent("tables/performance_test.csv")) == table)
    }

    @Test("a second run on a locked folder refuses, naming the first, and writes nothing; once released the run goes ahead")
    func locked() throws {
        let folder = try SinoRadCommand.temporaryFolder()
        let first = try StudyLock.acquire(folder: folder, command: "sinorad study first.yaml")
        let holder = try String(contentsOfFile: first.path, encoding: .utf8)
        #expect(holder.hasPrefix("pid \(getpid()) on ") && holder.contains("sinorad study first.yaml"), "\(holder)")
        do {
            _ = try runner(Self.smallConfig(), folder).run()
            Issue.record("the second run went ahead")
        } catch let error as StudyError {
            #expect(error.message.contains("another SinoRad run is using \(folder.path)") && error.message.contains("sinorad study first.yaml"), "\(error)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == [".sinorad.lock"])
        first.release()
        let result = try runner(Self.smallConfig(), folder).run()
        #expect(result.ran.count == 6)
    }

    /// Every file under `folder` (but the lock file, whose start time changes) with its bytes.
    static func snapshot(_ folder: URL) -> [String: Data] {
        var files: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: folder.path)
        while let item = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            let path = folder.appendingPathComponent(item).path
            if item != ".sinorad.lock", FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                files[item] = FileManager.default.contents(atPath: path)
            }
        }
        return files
    }

    @Test("the disk fills during a rerun: a clear error, no partial file, the previous report and cache whole (root: a tmpfs)")
    func fullDisk() throws {
        guard getuid() == 0 else {
            print("skipped: mounting a small tmpfs needs root (CI runs as root)")
            return
        }
        let mountPoint = try SinoRadCommand.temporaryFolder()
        guard mount("tmpfs", mountPoint.path, "tmpfs", 0, "size=64m") == 0 else {
            print("skipped: cannot mount a tmpfs (\(String(cString: strerror(errno))))")
            return
        }
        defer { umount2(mountPoint.path, Int32(MNT_DETACH)) }
        let out = mountPoint.appendingPathComponent("study")
        let config = Self.smallConfig()
        _ = try runner(config, out).run()
        let before = Self.snapshot(out)
        #expect(before["index.html"] != nil && before["tables/performance_test.csv"] != nil)
        // Fill the file system to the last byte.
        let filler = mountPoint.appendingPathComponent("filler").path
        let fd = open(filler, O_WRONLY | O_CREAT, 0o644)
        let chunk = [UInt8](repeating: 1, count: 1 << 16)
        while write(fd, chunk, chunk.count) > 0 {}
        while write(fd, chunk, 1) > 0 {}
        close(fd)
        // Every stage reruns (force) and the first write fails.
        do {
            _ = try runner(config, out, force: true).run()
            Issue.record("the study ran on a full disk")
        } catch {
            let message = userMessage(error).lowercased()
            #expect(message.contains("no space left"), "\(message)")
        }
        unlink(filler)
        let after = Self.snapshot(out)
        #expect(Set(after.keys) == Set(before.keys), "files added: \(Set(after.keys).subtracting(before.keys)), lost: \(Set(before.keys).subtracting(after.keys))")
        #expect(after == before, "a file of the previous run changed")
        // The cache still knows the previous run's stages: a rerun with room is all cached.
        let again = try runner(config, out).run()
        #expect(again.ran.isEmpty && again.cached.count == 6, "\(again.ran)")
    }

    @Test("radiomics: per-sequence, all-sequences and combined models beside the conventional one; a selection change redoes only the models")
    func radiomicsStudy() throws {
        let folder = try SinoRadCommand.temporaryFolder()
        var config = Self.smallConfig()
        config.inputs = .init(synthetic: .init(patients: 120, seed: 4, images: true, imageGrid: .reduced))
        config.readers = false
        config.radiomics.enabled = true
        config.radiomics.sequences = ["T2WI", "ADC"]
        config.radiomics.classifiers = [.knn]
        config.radiomics.selection.impute = .median // two tiny ROIs of the reduced grid cannot be extracted
        config.radiomics.selection.univariate.alpha = 0.25
        config.radiomics.selection.lasso.rule = .min
        let names = ["radiomics-T2WI-knn", "radiomics-ADC-knn", "radiomics-knn", "combined-logistic"]
        let first = try runner(config, folder).run()
        #expect(
            first.ran
                == ["data", "table1", "selection", "conventional", "radiomics-extract-T2WI", "radiomics-extract-ADC"]
                + names.map { "radiomics-model-\($0)" } + ["comparison-test"])
        #expect(first.models == ["conventional-extratrees"] + names)
        let performance = try String(contentsOf: folder.appendingPathComponent("tables/performance_test.csv"), encoding: .utf8)
        for name in names { #expect(performance.contains(name), "\(name) in the comparison") }
        for file in [
            "features/radiomics_T2WI.csv", "predictions/radiomics-knn.csv", "tables/radiomics_radiomics_knn_selection.md",
            "figures/radiomics/radiomics-knn/lasso_cv.png", "figures/radiomics/combined-logistic/correlation.png"
        ] {
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(file).path), "\(file)")
        }
        let methods = try String(contentsOf: folder.appendingPathComponent("methods.md"), encoding: .utf8)
        #expect(methods.contains("Radiomics features were extracted") && methods.contains("rad-score"))
        var changed = config
        changed.radiomics.selection.redundancy.threshold = 0.8
        let second = try runner(changed, folder).run()
        #expect(second.ran == names.map { "radiomics-model-\($0)" } + ["comparison-test"], "\(second.ran)")
    }

    @Test("own images: a changed image redoes the extraction; one deleted during the run stops it naming the file, and the cache stays whole")
    func ownImagesChangedAndDeleted() throws {
        let folder = try SinoRadCommand.temporaryFolder()
        try SyntheticDataStage(settings: .init(patients: 120, seed: 4, images: true, imageGrid: .reduced)).run(in: StudyFolder(folder))
        var config = Self.smallConfig()
        config.inputs = .init(synthetic: nil, cohort: "data/cohort.csv", dictionary: "data/dictionary.json", images: "data/images")
        config.readers = false
        config.radiomics.enabled = true
        config.radiomics.sequences = ["T2WI"]
        config.radiomics.classifiers = [.knn]
        config.radiomics.selection.impute = .median
        config.radiomics.selection.univariate.alpha = 0.25
        config.radiomics.selection.lasso.rule = .min
        let out = folder.appendingPathComponent("report")
        func runner(force: Bool = false, progress: @escaping @Sendable (String) -> Void = { _ in }) -> StudyRunner {
            let runner = StudyRunner(config: config, base: folder, out: out, force: force)
            runner.progress = progress
            return runner
        }
        let first = try runner().run()
        #expect(first.ran.contains("radiomics-extract-T2WI"))
        let features = try Data(contentsOf: out.appendingPathComponent("features/radiomics_T2WI.csv"))
        let patients = try FileManager.default.contentsOfDirectory(atPath: folder.path + "/data/images").sorted()
        let victim = "\(folder.path)/data/images/\(patients[0])/T2WI.nii.gz"

        // Without CNNs the images were once left out of the inputs' key: a changed image kept
        // the old features.
        let original = try Data(contentsOf: URL(fileURLWithPath: victim))
        try FileManager.default.removeItem(atPath: victim)
        try FileManager.default.copyItem(atPath: "\(folder.path)/data/images/\(patients[1])/T2WI.nii.gz", toPath: victim)
        let changed = try runner().run()
        #expect(changed.ran.contains("radiomics-extract-T2WI"), "\(changed.ran)")
        #expect(try Data(contentsOf: out.appendingPathComponent("features/radiomics_T2WI.csv")) != features)
        try original.write(to: URL(fileURLWithPath: victim))
        let restored = try runner().run()
        #expect(try Data(contentsOf: out.appendingPathComponent("features/radiomics_T2WI.csv")) == features)
        #expect(restored.ran.contains("radiomics-extract-T2WI"))

        // Deleted (here: moved away) once the run has started, before the extraction reads it.
        let before = Self.snapshot(out)
        let aside = folder.appendingPathComponent("aside.nii.gz").path
        #expect {
            try runner(force: true) { line in
                if line.contains("radiomics-extract-T2WI running") { try? FileManager.default.moveItem(atPath: victim, toPath: aside) }
            }.run()
        } throws: { error in
            userMessage(error).contains("radiomics: 1 image(s) missing") && userMessage(error).contains("\(patients[0])")
        }
        #expect(!FileManager.default.fileExists(atPath: victim))
        // The stage's previous outputs and record came back; put the image back and nothing reruns
        // but the stages the forced run had already redone.
        try FileManager.default.moveItem(atPath: aside, toPath: victim)
        #expect(try Data(contentsOf: out.appendingPathComponent("features/radiomics_T2WI.csv")) == features)
        let again = try runner().run()
        #expect(!again.ran.contains("radiomics-extract-T2WI"), "\(again.ran)")
        let after = Self.snapshot(out)
        for file in ["features/radiomics_T2WI.csv", "predictions/radiomics-T2WI-knn.csv", "tables/performance_test.csv"] {
            #expect(after[file] == before[file], "\(file) changed")
        }
    }

    @Test("a selection that keeps nothing without CNNs stops with a sentence saying what to change")
    func nothingSelected() throws {
        let folder = try SinoRadCommand.temporaryFolder()
        var config = Self.smallConfig()
        config.selection.screeningAlpha = 1e-12
        #expect {
            try runner(config, folder).run()
        } throws: { error in
            userMessage(error).contains("the study has no model to evaluate") && userMessage(error).contains("selection.screening_alpha")
        }
    }
}
