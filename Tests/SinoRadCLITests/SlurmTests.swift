import Foundation
import SinoStudy
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `sinorad study --executor slurm`: the config's slurm section, the checks made before any job,
/// and (as root, with Debian's slurm-wlm and munge installed, as in `.ci/run`) a small study run
/// through a one-machine Slurm cluster started by scripts/slurm-local.sh.
@Suite("sinorad study on Slurm")
struct SlurmTests {
    /// 60 SYNTHETIC patients on the reduced grid: the conventional model, PyRadiomics features of
    /// the Original T2WI with a kNN model, ResNet-18 at 32 x 32 for one epoch, the comparison.
    static let studyText = """
        {"study": "cluster", "output": "out", "seed": 3,
         "inputs": {"synthetic": {"patients": 60, "seed": 5, "images": true, "image_grid": "reduced"}},
         "conventional": {"classifiers": ["extratrees"], "trees": 10, "folds": 3,
                          "grid": {"max_depth": [3], "min_samples_leaf": [5], "max_features": ["sqrt"]}},
         "cnn": {"architectures": ["resnet18"], "sequences": ["T2WI"], "size": 32, "epochs": 1, "batch": 16, "tta": false},
         "radiomics": {"sequences": ["T2WI"], "classifiers": ["knn"], "per_sequence": false, "combined": false,
                       "selection": {"impute": "median", "univariate": {"alpha": 0.25}, "lasso": {"rule": "lambda.min"}}},
         "evaluation": {"cohorts": ["test"], "bootstrap": 100}, "readers": false, "figure_formats": ["png"],
         "slurm": {"poll_seconds": 1, "radiomics_shards": 3}}
        """

    func write(_ text: String, _ folder: URL, _ name: String = "study.json") throws -> String {
        let path = folder.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("the slurm section: every wrong key, time, memory and option listed at once, as the JSON Schema would")
    func settings() throws {
        let folder = try SinoRadCommand.temporaryFolder()
        let path = try write(
            """
            {"study": "s", "inputs": {"synthetic": {}}, "executor": "slrum",
             "slurm": {"partiton": "cpu", "time": "two hours", "memory": "4 GB", "cpus": 0, "sbatch_options": ["qos=long"], "radiomics_shards": 0}}
            """, folder)
        let result = try SinoRadCommand.run(["study", path, "--check"])
        #expect(result.status != 0)
        for expected in [
            "executor", "slrum", "slurm.partiton", "partition", "slurm.time: 'two hours' is not a Slurm time", "slurm.memory: '4 GB' is not a Slurm memory size",
            "slurm.cpus", "slurm.sbatch_options: 'qos=long' is not an sbatch option", "slurm.radiomics_shards"
        ] {
            #expect(result.stderr.contains(expected), "\(expected): \(result.stderr)")
        }
        let good = try write(
            """
            {"study": "s", "inputs": {"synthetic": {}}, "executor": "slurm",
             "slurm": {"partition": "cpu", "account": "lab", "time": "1-02:00:00", "memory": "4G", "cnn_memory": "16G", "cnn_cpus": 4,
                       "cnn_time": "720", "sbatch_options": ["--qos=long"], "scratch": "/scratch/me", "check_shared": false}}
            """, folder, "good.json")
        let parsed = try StudyConfig.read(path: good)
        #expect(parsed.executor == .slurm && parsed.slurm.partition == "cpu" && parsed.slurm.cnnCPUs == 4 && parsed.slurm.time == "1-02:00:00")
        #expect(parsed.slurm.sbatchOptions == ["--qos=long"] && !parsed.slurm.checkShared)
    }

    @Test("the stage graph: every stage's upstream, in an order that runs each after what it reads")
    func graph() throws {
        let folder = try SinoRadCommand.temporaryFolder()
        let config = try StudyConfig.read(path: try write(Self.studyText, folder))
        let runner = StudyRunner(config: config, base: folder)
        let graph = runner.stageDependencies
        #expect(Set(graph.keys) == Set(runner.stageNames))
        #expect(graph["conventional"] == ["selection"])
        #expect(graph["radiomics-model-radiomics-knn"] == ["radiomics-extract-T2WI"])
        #expect(graph["comparison-test"] == ["conventional", "radiomics-model-radiomics-knn", "cnn-resnet18-T2WI"])
        for (index, stage) in runner.stageNames.enumerated() {
            for needed in graph[stage] ?? [] { #expect(runner.stageNames.firstIndex(of: needed)! < index, "\(stage) before \(needed)") }
        }
        #expect(runner.upstream(of: "comparison-test").isSuperset(of: ["data", "selection", "radiomics-extract-T2WI", "cnn-resnet18-T2WI"]))
    }

    @Test("sbatch missing from PATH, or --status without Slurm: a sentence before any work")
    func noSlurm() throws {
        let folder = try SinoRadCommand.temporaryFolder()
        let path = try write(Self.studyText, folder)
        let empty = folder.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let missing = try SinoRadCommand.run(["study", path, "--executor", "slurm"], environment: ["PATH": empty.path])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("sbatch is not on PATH (\(empty.path))") && missing.stderr.contains("nothing was submitted"), "\(missing.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("out/.sinorad/stages").path))
        let local = try SinoRadCommand.run(["study", path, "--status"])
        #expect(local.status != 0 && local.stderr.contains("are for a study on Slurm"), "\(local.stderr)")
    }

    // MARK: - On a local cluster

    /// Starts a one-machine cluster (its own folder and ports) for one test; nil, with the
    /// reason printed, where that is not possible (not root, Slurm not installed).
    static func startCluster(_ folder: URL) throws -> [String: String]? {
        guard getuid() == 0 else {
            print("skipped: the local Slurm cluster needs root (munged and slurmd); CI runs as root")
            return nil
        }
        guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/slurmctld"), FileManager.default.isExecutableFile(atPath: "/usr/sbin/munged") else {
            print("skipped: Slurm is not installed (apt-get install slurm-wlm munge; scripts/install-deps.sh does it as root)")
            return nil
        }
        let environment = ["SLURM_LOCAL_DIR": folder.path, "SLURMCTLD_PORT": "6917", "SLURMD_PORT": "6918"]
        let started = try shell(Fixtures.root.appendingPathComponent("scripts/slurm-local.sh").path, ["start"], environment: environment)
        #expect(started.status == 0, "\(started.stderr)")
        guard started.status == 0 else { return nil }
        return ["SLURM_CONF": folder.appendingPathComponent("slurm.conf").path]
    }

    static func stopCluster(_ folder: URL) {
        _ = try? shell(
            Fixtures.root.appendingPathComponent("scripts/slurm-local.sh").path, ["stop"],
            environment: ["SLURM_LOCAL_DIR": folder.path, "SLURMCTLD_PORT": "6917", "SLURMD_PORT": "6918"])
    }

    static func shell(_ executable: String, _ arguments: [String], environment: [String: String]) throws -> CommandResult {
        try SinoRadCommand.runProgram(URL(fileURLWithPath: executable), arguments, environment: environment)
    }

    /// Every file under tables/ and predictions/, with its bytes.
    static func results(_ folder: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for sub in ["tables", "predictions"] {
            let root = folder.appendingPathComponent(sub)
            for name in try FileManager.default.subpathsOfDirectory(atPath: root.path).sorted() {
                var directory: ObjCBool = false
                if FileManager.default.fileExists(atPath: root.appendingPathComponent(name).path, isDirectory: &directory), !directory.boolValue {
                    files["\(sub)/\(name)"] = try Data(contentsOf: root.appendingPathComponent(name))
                }
            }
        }
        return files
    }

    @Test(
        "a small study through a local Slurm: at least 6 jobs, tables and predictions equal to a local run's; a job cancelled mid-study is reported and the resubmission redoes only the rest; bad partition and an unshared scratch refused before any stage"
    )
    func localCluster() throws {
        let folder = try SinoRadCommand.temporaryFolder()
        // The cluster's folder is outside /tmp's test scratch so that the unshared case below can
        // hide a folder from the jobs only.
        let clusterFolder = URL(fileURLWithPath: "/var/tmp/sinorad-slurm-test-\(getpid())")
        guard let environment = try Self.startCluster(clusterFolder) else { return }
        defer {
            Self.stopCluster(clusterFolder)
            try? FileManager.default.removeItem(at: clusterFolder)
        }
        let path = try write(Self.studyText, folder)
        let local = try SinoRadCommand.run(["study", path, "--out", folder.appendingPathComponent("local").path])
        #expect(local.status == 0, "\(local.stderr)")
        let expected = try Self.results(folder.appendingPathComponent("local"))
        #expect(Set(["predictions/resnet18-T2WI.csv", "predictions/radiomics-knn.csv", "predictions/conventional.csv", "tables/performance_test.csv"]).isSubset(of: expected.keys))

        // Bad input first: nothing may be submitted.
        let unknown = try SinoRadCommand.run(["study", path, "--executor", "slurm", "--partition", "gpu"], environment: environment)
        #expect(unknown.status == 1 && unknown.stderr.contains("the cluster has no partition 'gpu' (it has debug); nothing was submitted"), "\(unknown.stderr)")
        let hidden = folder.appendingPathComponent("node-local")
        try FileManager.default.createDirectory(at: hidden, withIntermediateDirectories: true)
        // A scratch folder only the submitting process sees: a tmpfs in its own mount namespace.
        let unshared = try Self.shell(
            "/usr/bin/unshare",
            [
                "-m", "--propagation", "private", "sh", "-c",
                "mount -t tmpfs none \(hidden.path) && exec \(SinoRadCommand.executable.path) study \(path) --executor slurm --scratch \(hidden.path)"
            ], environment: environment)
        #expect(unshared.status == 1 && unshared.stderr.contains("is not shared with the compute nodes") && unshared.stderr.contains("no stage was submitted"), "\(unshared.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("out/.sinorad/slurm/jobs.json").path))

        // The whole study through Slurm.
        let cluster = try SinoRadCommand.run(["study", path, "--executor", "slurm"], environment: environment)
        #expect(cluster.status == 0, "\(cluster.stderr)")
        let count =
            cluster.stderr.components(separatedBy: "\n").first { $0.hasPrefix("submitted ") && $0.contains(" job(s) for ") }
            .flatMap { Int($0.split(separator: " ")[1]) } ?? 0
        #expect(count >= 6, "\(cluster.stderr)")
        #expect(cluster.stderr.contains("radiomics-extract-T2WI (3 shards)"), "\(cluster.stderr)")
        let out = folder.appendingPathComponent("out")
        #expect(try Self.results(out) == expected, "tables/ and predictions/ differ from the local run's")
        let status = try SinoRadCommand.run(["study", path, "--executor", "slurm", "--status"], environment: environment)
        #expect(status.status == 0 && status.stdout.contains("cnn-resnet18-T2WI") && status.stdout.contains("COMPLETED"), "\(status.stdout)\(status.stderr)")

        // Submitted without waiting, then again at once: the queued jobs are not submitted twice;
        // --cancel takes them all back.
        let queued = folder.appendingPathComponent("queued").path
        let first = try SinoRadCommand.run(["study", path, "--executor", "slurm", "--no-wait", "--out", queued], environment: environment)
        #expect(first.status == 0 && first.stderr.contains("not waiting; follow it with: sinorad study \(path) --out \(queued) --status"), "\(first.stderr)")
        let second = try SinoRadCommand.run(["study", path, "--executor", "slurm", "--no-wait", "--out", queued], environment: environment)
        #expect(second.status == 0, "\(second.stderr)")
        // (The first stages may have finished by then, and are cached; these cannot have.)
        for stage in ["cnn-resnet18-T2WI", "comparison-test"] {
            #expect(second.stderr.range(of: "\(stage): job [0-9]+ is still (PENDING|RUNNING); not submitted again", options: .regularExpression) != nil, "\(stage): \(second.stderr)")
        }
        let submittedAgain = second.stderr.split(separator: "\n").filter { $0.hasPrefix("submitted ") && $0.contains(": job ") }
        #expect(submittedAgain.count == 1 && submittedAgain[0].hasPrefix("submitted report: job"), "\(second.stderr)")
        let cancelled = try SinoRadCommand.run(["study", path, "--executor", "slurm", "--cancel", "--out", queued], environment: environment)
        #expect(cancelled.status == 0 && cancelled.stderr.contains("cancelled: ") && cancelled.stderr.contains("cnn-resnet18-T2WI (job"), "\(cancelled.stderr)")
        let none = try SinoRadCommand.run(["study", path, "--executor", "slurm", "--cancel", "--out", queued], environment: environment)
        #expect(none.stderr.contains("no job of the study is queued or running"), "\(none.stderr)")

        // Forced again, with the CNN's job cancelled while it runs.
        let head = Process()
        head.executableURL = SinoRadCommand.executable
        head.arguments = ["study", path, "--executor", "slurm", "--force", "--out", folder.appendingPathComponent("again").path]
        head.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let headErrors = Pipe()
        head.standardError = headErrors
        head.standardOutput = FileHandle.nullDevice
        try head.run()
        let ledger = folder.appendingPathComponent("again/.sinorad/slurm/jobs.json")
        var cnnJob: String?
        let deadline = Date().addingTimeInterval(300)
        while cnnJob == nil && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.2)
            guard let data = FileManager.default.contents(atPath: ledger.path),
                let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let jobs = object["jobs"] as? [[String: Any]],
                let id = jobs.first(where: { ($0["stage"] as? String) == "cnn-resnet18-T2WI" })?["id"] as? String
            else { continue }
            let state = try Self.shell("/usr/bin/squeue", ["-h", "-j", id, "-o", "%T"], environment: environment)
            if state.stdout.contains("RUNNING") { cnnJob = id }
        }
        guard let cnnJob else {
            head.terminate()
            Issue.record("the CNN's job never ran")
            return
        }
        let scancel = try Self.shell("/usr/bin/scancel", [cnnJob], environment: environment)
        #expect(scancel.status == 0, "\(scancel.stderr)")
        let headOutput = String(decoding: headErrors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        head.waitUntilExit()
        #expect(head.terminationStatus == 1, "\(headOutput)")
        #expect(
            headOutput.contains("cnn-resnet18-T2WI (job \(cnnJob)): CANCELLED; log: \(folder.path)/again/.sinorad/slurm/logs/cnn-resnet18-T2WI-\(cnnJob).out"),
            "\(headOutput)")
        #expect(headOutput.contains("cancelled by Slurm because of it: comparison-test"), "\(headOutput)")
        // squeue's RUNNING and the cancellation are not one moment: on a loaded machine the job
        // may have finished its stage (written its record, which is written last and whole) and
        // still be running its last lines when scancel arrives. Then the stage is whole and the
        // resubmission reuses it; otherwise it runs again. Either way only the rest is redone.
        let finishedFirst = FileManager.default.fileExists(atPath: folder.appendingPathComponent("again/.sinorad/stages/cnn-resnet18-T2WI.json").path)
        if finishedFirst { print("the CNN's job had finished its stage when scancel arrived; its stage is reused") }

        let resubmitted = try SinoRadCommand.run(["study", path, "--executor", "slurm", "--out", folder.appendingPathComponent("again").path], environment: environment)
        #expect(resubmitted.status == 0, "\(resubmitted.stderr)")
        let cachedStages = "data, table1, selection, conventional, radiomics-extract-T2WI, radiomics-model-radiomics-knn" + (finishedFirst ? ", cnn-resnet18-T2WI" : "")
        #expect(resubmitted.stderr.contains("cached, not submitted: \(cachedStages)\n"), "\(resubmitted.stderr)")
        #expect(
            resubmitted.stderr.contains(finishedFirst ? "submitted 2 job(s) for 1 stage(s) and the report" : "submitted 3 job(s) for 2 stage(s) and the report"),
            "\(resubmitted.stderr)")
        #expect(try Self.results(folder.appendingPathComponent("again")) == expected, "the resubmitted study's tables or predictions differ")
    }
}
