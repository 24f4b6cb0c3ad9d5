import ArgumentParser
import Foundation
import SinoData
import SinoStudy

struct Study: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a whole study from one config: tables, models, comparison, reader study and report.",
        discussion: """
            CONFIG is a JSON file (data-schema/study.schema.json, docs/STUDY.md). The stages — \
            data, Table 1, univariate and multivariable selection, conventional models, one CNN \
            per architecture and sequence (train, predict, Grad-CAM), fusion, comparison on each \
            evaluation cohort, reader study — are cached by the hash of their inputs and \
            settings, so a re-run redoes only what changed (--force redoes all). The report goes \
            to the config's output folder (default reports/<study>): index.html, report.md, \
            methods.md, tables/, figures/, predictions/, models/ and provenance.json.

            Every problem of the config (unknown keys, wrong values, missing files, unknown \
            architectures) is listed before any work starts.

            With --executor slurm (or "executor": "slurm" in the config) every stage that is \
            not cached becomes a Slurm job (docs/CLUSTER.md): sbatch dependencies follow the \
            stage graph, a radiomics extraction is a job array by patient, a last job writes \
            the report. The command waits for the jobs and reports each one that fails, with \
            its log (--no-wait returns once they are submitted). Submitting again skips the \
            cached stages and the jobs still queued or running; --status shows each stage's \
            state and --cancel cancels the study's jobs.

            Example:
              sinorad study examples/study.json
              sinorad study examples/study.json --check        # validate only
              sinorad study examples/study.json --force
              sinorad study examples/study.json --executor slurm --partition cpu --time 04:00:00
              sinorad study examples/study.json --status
            """)

    @Argument(help: "Study config (JSON).")
    var config: String

    @Option(help: "Write the report here instead of the config's output folder.")
    var out: String?

    @Flag(help: "Redo every stage, even those whose inputs and settings are unchanged.")
    var force = false

    @Flag(help: "Only check the config (and that its input files exist), then stop.")
    var check = false

    @Option(help: "Where the stages run: local (this process) or slurm (one job each). Default: the config's executor, else local.")
    var executor: StudyExecutor?

    @Option(help: "Slurm partition (slurm.partition).")
    var partition: String?

    @Option(help: "Slurm account (slurm.account).")
    var account: String?

    @Option(help: "Slurm time limit of each job but the CNNs' (slurm.time), e.g. 02:00:00.")
    var time: String?

    @Option(name: .customLong("sbatch-option"), help: "An extra sbatch option for every job, e.g. --sbatch-option=--qos=long (repeatable; added to slurm.sbatch_options).")
    var sbatchOptions: [String] = []

    @Option(help: "Shared folder for the job scripts, logs and radiomics shards (slurm.scratch; default <output>/.sinorad/slurm).")
    var scratch: String?

    @Flag(help: "With slurm: return once the jobs are submitted instead of waiting for them.")
    var noWait = false

    @Flag(help: "With slurm: show each stage's state (cached, its job's state, not submitted) and stop.")
    var status = false

    @Flag(help: "With slurm: cancel the study's queued and running jobs and stop.")
    var cancel = false

    // What a cluster job runs (written into its script by the submitting command).
    @Option(help: .hidden) var jobStage: String?
    @Option(help: .hidden) var jobShard: String?
    @Option(help: .hidden) var mergeShards: Int?
    @Option(help: .hidden) var configSha256: String?
    @Flag(help: .hidden) var forceStage = false

    func validate() throws {
        if let shard = jobShard {
            let parts = shard.split(separator: "/").compactMap { Int($0) }
            guard parts.count == 2, parts[1] >= 1, (0..<parts[1]).contains(parts[0]) else {
                throw ValidationError("--job-shard: expected INDEX/COUNT with 0 <= INDEX < COUNT, got '\(shard)'")
            }
        }
        if let time, let problem = SlurmSettings.timeProblem(time) { throw ValidationError("--time: \(problem)") }
        if let option = sbatchOptions.first(where: { !$0.hasPrefix("-") }) {
            throw ValidationError("--sbatch-option: '\(option)' is not an sbatch option (expected --name=value)")
        }
        if status && cancel { throw ValidationError("--status and --cancel: give one of them") }
    }

    func run() throws {
        var parsed = try StudyConfig.read(path: config)
        if check {
            note("\(config): valid (\(parsed.profile.rawValue) profile)")
            return
        }
        let data = FileManager.default.contents(atPath: config) ?? Data()
        let base = URL(fileURLWithPath: config).deletingLastPathComponent()
        let outURL = out.map { URL(fileURLWithPath: $0) }
        if let partition { parsed.slurm.partition = partition }
        if let account { parsed.slurm.account = account }
        if let time { parsed.slurm.time = time }
        if let scratch { parsed.slurm.scratch = URL(fileURLWithPath: scratch).standardizedFileURL.path }
        parsed.slurm.sbatchOptions += sbatchOptions
        if let stage = jobStage {
            try runJob(stage, config: parsed, data: data, base: base, out: outURL)
            return
        }
        if let expected = configSha256, SHA256.hex(data) != expected {
            throw StudyError("\(config) changed since this job was submitted; cancel the study's jobs (--cancel) and submit it again")
        }
        let cluster = (executor ?? parsed.executor) == .slurm && configSha256 == nil
        if status || cancel || noWait, !cluster {
            throw ValidationError("--status, --cancel and --no-wait are for a study on Slurm (--executor slurm or \"executor\": \"slurm\" in the config)")
        }
        guard cluster else {
            try StudyRunner(config: parsed, configData: data, base: base, out: outURL, force: force).run()
            return
        }
        let slurm = try SlurmExecutor(config: parsed, configPath: config, out: outURL, force: force)
        if status {
            print(try slurm.status(), terminator: "")
        } else if cancel {
            let cancelled = try slurm.cancel()
            note(cancelled.isEmpty ? "no job of the study is queued or running" : "cancelled: \(cancelled.joined(separator: ", "))")
        } else {
            let jobs = try slurm.submit()
            if noWait {
                if !jobs.isEmpty { note("not waiting; follow it with: sinorad study \(config)\(out.map { " --out \($0)" } ?? "") --status") }
            } else {
                try slurm.wait(for: jobs)
            }
        }
    }

    /// One stage (or radiomics shard) of a study on Slurm, as its job script runs it.
    func runJob(_ stage: String, config parsed: StudyConfig, data: Data, base: URL, out: URL?) throws {
        if let expected = configSha256, SHA256.hex(data) != expected {
            throw StudyError("\(config) changed since this job was submitted; cancel the study's jobs (--cancel) and submit it again")
        }
        var parsed = parsed
        // The extraction's threads: the CPUs Slurm gave the job (the features do not depend on them).
        if parsed.radiomics.jobs == nil, let cpus = ProcessInfo.processInfo.environment["SLURM_CPUS_PER_TASK"].flatMap(Int.init) {
            parsed.radiomics.jobs = cpus
        }
        let runner = StudyRunner(config: parsed, configData: data, base: base, out: out, force: false)
        guard runner.stageNames.contains(stage) else {
            throw ValidationError("--job-stage: '\(stage)' is not a stage of this study (\(runner.stageNames.joined(separator: ", ")))")
        }
        if forceStage { runner.cache.forced.insert(stage) }
        let shardFolder = URL(fileURLWithPath: scratch ?? runner.folder.path(".sinorad", "slurm")).appendingPathComponent("shards").appendingPathComponent(stage)
        runner.shardFolder = shardFolder
        if let shard = jobShard {
            let parts = shard.split(separator: "/").compactMap { Int($0) }
            runner.scope = .shard(stage, index: parts[0], count: parts[1])
        } else {
            runner.scope = .stage(stage)
            runner.mergeShards = mergeShards
        }
        let result = try runner.run()
        note("\(stage)\(jobShard.map { " shard \($0)" } ?? ""): \(result.ran.contains(stage) ? "done" : jobShard == nil ? "already cached" : "extracted")")
    }
}

extension StudyExecutor: ExpressibleByArgument {}
