import Foundation
import SinoData

#if canImport(Glibc)
    import Glibc
#endif

/// Runs a study on a Slurm cluster (docs/CLUSTER.md): every stage that is not cached becomes
/// one `sbatch` job running `sinorad study CONFIG --job-stage NAME` on the shared output
/// folder, with `--dependency=afterok:` on the jobs of the stages it reads and
/// `--kill-on-invalid-dep=yes`, so that a failed job cancels its dependants. A radiomics
/// extraction becomes a job array (its patients in `radiomics_shards` blocks) and a job that
/// merges the shards; a last job writes the report. Each stage is the same code on the same
/// inputs as a local run, so the tables and predictions are the same files.
///
/// The jobs are recorded in `<output>/.sinorad/slurm/jobs.json`; submitting again skips the
/// cached stages and the stages whose job is still pending or running, and `status()` and
/// `cancel()` read the same record.
///
///     let executor = try SlurmExecutor(config: config, configPath: "study.json", out: nil, force: false)
///     let jobs = try executor.submit()
///     try executor.wait(for: jobs)
public final class SlurmExecutor: @unchecked Sendable {
    public let config: StudyConfig
    public let configPath: String
    public let configData: Data
    public let base: URL
    public let out: URL
    public let force: Bool
    public let settings: SlurmSettings
    /// Where progress lines go (standard error by default).
    public var progress: ProgressHandler = standardErrorProgress

    /// One submitted job: the stage it runs ("report" for the last), its id, what kind of job
    /// it is and where its log goes (an array's: `<stage>-<id>_<task>.out`).
    public struct Job: Codable, Sendable, Equatable {
        public var stage: String
        public var id: String
        public var kind: Kind
        public var log: String
        /// Array tasks (radiomics shards); nil for a single job.
        public var tasks: Int?
        public enum Kind: String, Codable, Sendable { case stage, shards, merge, report }
    }

    struct Ledger: Codable {
        var submitted: String
        var configSHA256: String
        var scratch: String
        var jobs: [Job]
        enum CodingKeys: String, CodingKey { case submitted, configSHA256 = "config_sha256", scratch, jobs }
    }

    /// - Parameters:
    ///   - config: the study, its `slurm` section already merged with the command line's.
    ///   - configPath: the config file, which every job reads again (its SHA-256 is checked).
    ///   - out: the study folder (default: the config's output folder).
    ///   - force: redo every stage.
    public init(config: StudyConfig, configPath: String, out: URL?, force: Bool) throws {
        self.config = config
        let absolute = URL(fileURLWithPath: configPath).standardizedFileURL
        self.configPath = absolute.path
        guard let data = FileManager.default.contents(atPath: absolute.path) else {
            throw StudyError("\(configPath): cannot read the study config")
        }
        configData = data
        base = absolute.deletingLastPathComponent()
        self.out = (out ?? config.outputFolder(base: base)).standardizedFileURL
        self.force = force
        settings = config.slurm
    }

    var configSHA256: String { SHA256.hex(configData) }
    var state: URL { out.appendingPathComponent(".sinorad/slurm") }
    var ledgerURL: URL { state.appendingPathComponent("jobs.json") }
    public var scratch: URL {
        settings.scratch.map { config.resolve($0, base: base) } ?? state
    }

    // MARK: - Submitting

    /// Checks the cluster (sbatch on PATH, the partition, that the compute nodes see the
    /// output and scratch folders), then submits a job for every stage that is neither cached
    /// nor already pending or running, and one that writes the report. With every stage
    /// cached, nothing is submitted and the report is written here.
    ///
    /// - Returns: the jobs of this study now in the queue (submitted now or before).
    @discardableResult
    public func submit() throws -> [Job] {
        let sbatch = try Self.tool("sbatch")
        try checkPartition()
        let runner = StudyRunner(config: config, configData: configData, base: base, out: out, force: force)
        runner.progress = { _ in }
        try runner.preflight()
        // One submission at a time per folder, never beside a local run of the whole study.
        let submitLock = try StudyLock.acquire(folder: state, command: ProcessInfo.processInfo.arguments.joined(separator: " "))
        defer { submitLock.release() }
        let probe = try StudyLock.acquire(folder: out, command: "", shared: true)
        probe.release()

        // The queue first, then the cache: a job that ends between the two has written its
        // stage's record before it ended, so it is either still seen as queued or running
        // (and kept) or seen as cached, never as neither.
        let previous = readLedger()
        let states = previous.map { queueStates(of: $0.jobs) } ?? [:]
        var live: [String: [Job]] = [:]
        for job in previous?.jobs ?? [] where !(states[job.id].map(Self.isTerminal) ?? true) { live[job.stage, default: []].append(job) }

        // Which stages must run: a probe of each (its settings' key against the cache).
        let names = runner.stageNames
        var pending: [String] = []
        for name in names {
            let probe = StudyRunner(config: config, configData: configData, base: base, out: out, force: force)
            probe.progress = { _ in }
            probe.scope = .probe(name)
            // A stage whose job is still queued or running is waited for, even if an earlier
            // run left it cached (a forced resubmission's job redoes it).
            if try live[name] != nil || !probe.probe() { pending.append(name) }
        }
        guard !pending.isEmpty else {
            progress("every stage is cached: nothing to submit; writing the report here")
            let local = StudyRunner(config: config, configData: configData, base: base, out: out, force: false)
            local.progress = progress
            try local.run()
            return []
        }

        if settings.checkShared { try checkShared() }

        let graph = runner.stageDependencies
        var jobs: [Job] = []
        var jobOf: [String: String] = [:]
        try FileManager.default.createDirectory(at: scratch.appendingPathComponent("logs"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: scratch.appendingPathComponent("state"), withIntermediateDirectories: true)
        for name in pending where name != "report" {
            // Jobs of an earlier submission that were still queued or running are kept.
            if let kept = live[name], let last = kept.last {
                jobs += kept
                jobOf[name] = last.id
                progress("\(name): job \(last.id) is still \(states[last.id] ?? "queued"); not submitted again")
                continue
            }
            let after = (graph[name] ?? []).compactMap { jobOf[$0] }
            if name.hasPrefix("radiomics-extract-") {
                let patients = try runner.patientCount()
                let shards = max(1, min(settings.radiomicsShards, patients))
                let array = try submitJob(sbatch, stage: name, kind: .shards, after: after, tasks: shards)
                let merge = try submitJob(sbatch, stage: name, kind: .merge, after: after + [array.id], tasks: nil, shards: shards)
                jobs += [array, merge]
                jobOf[name] = merge.id
            } else {
                let job = try submitJob(sbatch, stage: name, kind: .stage, after: after, tasks: nil)
                jobs.append(job)
                jobOf[name] = job.id
            }
        }
        // The report: after every job of the study; an older report job still queued goes.
        for old in live["report"] ?? [] { _ = try? Self.run(Self.tool("scancel"), [old.id]) }
        let report = try submitJob(sbatch, stage: "report", kind: .report, after: jobs.map(\.id), tasks: nil)
        jobs.append(report)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let ledger = Ledger(submitted: ISO8601DateFormatter().string(from: Date()), configSHA256: configSHA256, scratch: scratch.path, jobs: jobs)
        try AtomicFile.write(encoder.encode(ledger), to: ledgerURL.path)
        let cached = names.filter { !pending.contains($0) }
        progress("cached, not submitted: \(cached.isEmpty ? "none" : cached.joined(separator: ", "))")
        progress("submitted \(jobs.count) job(s) for \(pending.count) stage(s) and the report; logs in \(scratch.appendingPathComponent("logs").path)")
        return jobs
    }

    /// Writes the job's script and submits it; returns the job.
    func submitJob(_ sbatch: String, stage: String, kind: Job.Kind, after: [String], tasks: Int?, shards: Int? = nil) throws -> Job {
        let executable = settings.sinorad ?? Self.ownExecutable()
        var command = [executable, "study", configPath, "--out", out.path, "--executor", "local", "--config-sha256", configSHA256, "--scratch", scratch.path]
        switch kind {
        case .stage: command += ["--job-stage", stage]
        case .shards: command += ["--job-stage", stage, "--job-shard", "${SLURM_ARRAY_TASK_ID}/\(tasks ?? 1)"]
        case .merge: command += ["--job-stage", stage, "--merge-shards", "\(shards ?? 1)"]
        case .report: break
        }
        if force && kind != .report { command.append("--force-stage") }
        let cnn = stage.hasPrefix("cnn-")
        var options = ["--job-name=sinorad-\(config.study)-\(stage)", "--kill-on-invalid-dep=yes"]
        let logName = tasks == nil ? "\(stage)-%j.out" : "\(stage)-%A_%a.out"
        options.append("--output=\(scratch.appendingPathComponent("logs").appendingPathComponent(logName).path)")
        if let partition = settings.partition { options.append("--partition=\(partition)") }
        if let account = settings.account { options.append("--account=\(account)") }
        if let time = cnn ? (settings.cnnTime ?? settings.time) : settings.time { options.append("--time=\(time)") }
        options.append("--cpus-per-task=\(cnn ? settings.cnnCPUs : settings.cpus)")
        if let memory = cnn ? (settings.cnnMemory ?? settings.memory) : settings.memory { options.append("--mem=\(memory)") }
        if let tasks { options.append("--array=0-\(tasks - 1)") }
        options += settings.sbatchOptions
        // The job's exit code, kept beside the logs: what says how it ended once squeue has
        // forgotten it (a cluster without accounting).
        let record = scratch.appendingPathComponent("state").path
        let script = """
            #!/bin/bash
            # sinorad study \(config.study): \(kind == .report ? "the report" : "stage \(stage)")\(kind == .shards ? " (one shard of the patients per array task)" : kind == .merge ? " (merges the shards)" : "")
            \(options.map { "#SBATCH \($0)" }.joined(separator: "\n"))
            export OPENBLAS_NUM_THREADS="${SLURM_CPUS_PER_TASK:-1}"
            \(command.map(Self.shellWord).joined(separator: " "))
            code=$?
            echo "$code" > \(Self.shellWord(record))/"${SLURM_ARRAY_JOB_ID:-$SLURM_JOB_ID}${SLURM_ARRAY_TASK_ID:+_$SLURM_ARRAY_TASK_ID}.exit"
            exit $code

            """
        let scriptURL = scratch.appendingPathComponent("jobs").appendingPathComponent("\(stage)\(kind == .shards ? "-shards" : "").sh")
        try AtomicFile.write(script, to: scriptURL.path)
        var arguments = ["--parsable"]
        if !after.isEmpty { arguments.append("--dependency=afterok:" + after.joined(separator: ":")) }
        arguments.append(scriptURL.path)
        let result = try Self.run(sbatch, arguments)
        let id = result.out.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ";").first.map(String.init) ?? ""
        guard result.status == 0, !id.isEmpty, id.allSatisfy(\.isNumber) else {
            throw StudyError("sbatch refused the job of \(stage) (\(scriptURL.path)): \(Self.oneLine(result.err.isEmpty ? result.out : result.err))")
        }
        let log = scratch.appendingPathComponent("logs").appendingPathComponent(tasks == nil ? "\(stage)-\(id).out" : "\(stage)-\(id)_<task>.out").path
        progress("submitted \(stage)\(kind == .shards ? " (\(tasks ?? 1) shards)" : kind == .merge ? " (merge)" : ""): job \(id)\(after.isEmpty ? "" : ", after \(after.joined(separator: ", "))")")
        return Job(stage: stage, id: id, kind: kind, log: log, tasks: tasks)
    }

    // MARK: - Checks before any job

    /// The partition, when one is given, must be one of the cluster's.
    func checkPartition() throws {
        guard let partition = settings.partition else { return }
        let sinfo = try Self.tool("sinfo")
        let result = try Self.run(sinfo, ["-h", "-o", "%R"])
        guard result.status == 0 else { throw StudyError("sinfo could not list the partitions: \(Self.oneLine(result.err))") }
        let known = result.out.split(whereSeparator: \.isNewline).map(String.init)
        guard known.contains(partition) else {
            throw StudyError("slurm.partition: the cluster has no partition '\(partition)' (it has \(known.joined(separator: ", "))); nothing was submitted")
        }
    }

    /// One small job reads a token the submitting host wrote into the output and scratch
    /// folders: a compute node that cannot see them could not run a stage.
    func checkShared() throws {
        let token = UUID().uuidString
        let folders = [state, scratch].reduce(into: [URL]()) { list, url in if !list.contains(url) { list.append(url) } }
        var lines: [String] = []
        for folder in folders {
            let file = folder.appendingPathComponent(".shared-check-\(token)")
            try AtomicFile.write(token, to: file.path)
            lines.append("test \"$(cat \(Self.shellWord(file.path)) 2>/dev/null)\" = \(token) || { echo \(Self.shellWord(folder.path)); exit 3; }")
        }
        defer { for folder in folders { try? FileManager.default.removeItem(at: folder.appendingPathComponent(".shared-check-\(token)")) } }
        var arguments = ["--wait", "--parsable", "--job-name=sinorad-\(config.study)-check", "--output=/dev/null", "--cpus-per-task=1"]
        if let partition = settings.partition { arguments.append("--partition=\(partition)") }
        if let account = settings.account { arguments.append("--account=\(account)") }
        if let time = settings.time { arguments.append("--time=\(time)") }
        arguments += settings.sbatchOptions
        let seen = state.appendingPathComponent(".shared-check-\(token).seen")
        defer { try? FileManager.default.removeItem(at: seen) }
        arguments.append("--wrap=" + lines.joined(separator: "; ") + "; echo ok > \(Self.shellWord(seen.path))")
        progress("checking that the compute nodes see \(folders.map(\.path).joined(separator: " and ")) (one small job)")
        let result = try Self.run(try Self.tool("sbatch"), arguments)
        guard result.status == 0, FileManager.default.fileExists(atPath: seen.path) else {
            throw StudyError(
                "the output folder or slurm.scratch is not shared with the compute nodes: a job could not read \(folders.map(\.path).joined(separator: " or ")) as this host wrote them "
                    + "(put both on a file system every node mounts, e.g. your cluster's project or scratch space; slurm.check_shared: false skips this check); no stage was submitted"
                    + (result.err.isEmpty ? "" : " (sbatch: \(Self.oneLine(result.err)))"))
        }
    }

    // MARK: - Watching

    /// How a job cancelled by Slurm for a failed dependency is shown (it never ran: no log).
    static let dependencyCancelled = "CANCELLED (a job it needs did not complete)"

    /// Slurm's states that do not change any more.
    static func isTerminal(_ state: String) -> Bool {
        !["PENDING", "RUNNING", "CONFIGURING", "COMPLETING", "SUSPENDED", "REQUEUED", "RESIZING", "SIGNALING", "STAGE_OUT", "STOPPED", "REQUEUE_HOLD", "REQUEUE_FED"]
            .contains(state)
    }

    /// Each job's state: squeue's (an array's tasks combined), else the exit code the job
    /// recorded, else sacct's, else "UNKNOWN" (gone from the queue without a record: cancelled
    /// before it started, or its node failed).
    func queueStates(of jobs: [Job]) -> [String: String] {
        var lines: [String: [String]] = [:]
        if let squeue = try? Self.tool("squeue"), !jobs.isEmpty,
            let result = try? Self.run(squeue, ["-h", "-t", "all", "-j", jobs.map(\.id).joined(separator: ","), "-o", "%i|%T|%r"])
        {
            for line in result.out.split(whereSeparator: \.isNewline) {
                let parts = line.split(separator: "|").map(String.init)
                guard parts.count == 3 else { continue }
                let id = String(parts[0].prefix { $0.isNumber })
                // A dependant Slurm cancelled because a job it needed did not complete.
                let state = parts[1] == "CANCELLED" && parts[2].hasPrefix("Dependency") ? Self.dependencyCancelled : parts[1]
                lines[id, default: []].append(state)
            }
        }
        var states: [String: String] = [:]
        for job in jobs {
            let seen = lines[job.id] ?? []
            let records = exitCodes(of: job)
            if let failed = seen.first(where: { Self.isTerminal($0) && $0 != "COMPLETED" }) {
                states[job.id] = failed
            } else if let active = seen.first(where: { !Self.isTerminal($0) }) {
                states[job.id] = active
            } else if !seen.isEmpty && (job.tasks == nil || seen.count >= (job.tasks ?? 1)) {
                states[job.id] = "COMPLETED"
            } else if let code = records.first(where: { $0 != 0 }) {
                states[job.id] = "FAILED (exit \(code))"
            } else if records.count >= (job.tasks ?? 1) {
                states[job.id] = "COMPLETED"
            } else if let accounted = sacctState(job.id) {
                states[job.id] = accounted
            } else {
                states[job.id] = seen.isEmpty ? "UNKNOWN" : "RUNNING"
            }
        }
        return states
    }

    func exitCodes(of job: Job) -> [Int] {
        let folder = URL(fileURLWithPath: readLedger()?.scratch ?? scratch.path).appendingPathComponent("state")
        let names = job.tasks.map { count in (0..<count).map { "\(job.id)_\($0).exit" } } ?? ["\(job.id).exit"]
        return names.compactMap { name in
            (try? String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)).flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }
    }

    func sacctState(_ id: String) -> String? {
        guard let sacct = try? Self.tool("sacct"), let result = try? Self.run(sacct, ["-n", "-P", "-X", "-j", id, "-o", "State"]), result.status == 0 else { return nil }
        return result.out.split(whereSeparator: \.isNewline).first.map { String($0.split(separator: " ").first ?? "") }.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Waits for the study's jobs, printing each change of state, until every one has ended.
    /// Throws, naming each job that did not complete (its stage, id, state and log), when any
    /// did not; the dependants Slurm cancelled because of it are named too.
    public func wait(for jobs: [Job]) throws {
        guard !jobs.isEmpty else { return }
        var last: [String: String] = [:]
        let started = Date()
        while true {
            let states = queueStates(of: jobs)
            for job in jobs where states[job.id] != last[job.id] {
                let state = states[job.id] ?? "UNKNOWN"
                let what = job.kind == .shards ? "\(job.stage) shards" : job.kind == .merge ? "\(job.stage) merge" : job.stage
                let log = Self.isTerminal(state) && state != "COMPLETED" && state != Self.dependencyCancelled ? "; log: \(job.log)" : ""
                progress(String(format: "[slurm %.0f s] %@: %@ (job %@)%@", Date().timeIntervalSince(started), what, state, job.id, log))
            }
            last = states
            if jobs.allSatisfy({ Self.isTerminal(states[$0.id] ?? "UNKNOWN") }) { break }
            Thread.sleep(forTimeInterval: settings.pollSeconds)
        }
        let failed = jobs.filter { last[$0.id] != "COMPLETED" && last[$0.id] != Self.dependencyCancelled }
        let cancelled = jobs.filter { last[$0.id] == Self.dependencyCancelled }
        guard !failed.isEmpty || !cancelled.isEmpty else {
            progress("done: every job completed; \(out.path)/index.html, tables/, predictions/")
            return
        }
        throw StudyError(
            "\(failed.count) job(s) of the study did not complete:\n"
                + failed.map { "  \($0.stage)\($0.kind == .shards ? " shards" : "") (job \($0.id)): \(last[$0.id] ?? "UNKNOWN"); log: \($0.log)" }.joined(separator: "\n")
                + (cancelled.isEmpty ? "" : "\ncancelled by Slurm because of it: " + cancelled.map { "\($0.stage) (job \($0.id))" }.joined(separator: ", "))
                + "\nFix the cause and run the same command again: the stages that finished are cached and not submitted again.")
    }

    // MARK: - Status and cancel

    /// Each stage of the study: cached, or its job and state, or not submitted.
    public func status() throws -> String {
        let runner = StudyRunner(config: config, configData: configData, base: base, out: out, force: false)
        let ledger = readLedger()
        let jobs = ledger?.jobs ?? []
        let states = queueStates(of: jobs)
        var rows: [[String]] = []
        for name in runner.stageNames + ["report"] {
            let own = jobs.filter { $0.stage == name }
            if !own.isEmpty {
                for job in own {
                    let what = job.kind == .shards ? "\(name) (shards)" : job.kind == .merge ? "\(name) (merge)" : name
                    rows.append([what, states[job.id] ?? "UNKNOWN", job.id, job.log])
                }
                continue
            }
            let probe = StudyRunner(config: config, configData: configData, base: base, out: out, force: false)
            probe.progress = { _ in }
            probe.scope = .probe(name)
            let cached = name != "report" && ((try? probe.probe()) ?? false)
            rows.append([name, cached ? "cached" : "not submitted", "", ""])
        }
        let header = ["stage", "state", "job", "log"]
        let widths = (0..<4).map { column in (rows + [header]).map { $0[column].count }.max() ?? 0 }
        let format: ([String]) -> String = { row in
            zip(row, widths).map { $0.0.padding(toLength: $0.1, withPad: " ", startingAt: 0) }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        let submitted = ledger.map { "submitted \($0.submitted)" } ?? "no job submitted yet"
        return "study \(config.study) -> \(out.path) (\(submitted))\n" + ([header] + rows).map(format).joined(separator: "\n") + "\n"
    }

    /// Cancels the study's jobs that are still queued or running; returns their ids.
    @discardableResult
    public func cancel() throws -> [String] {
        guard let ledger = readLedger() else { return [] }
        let states = queueStates(of: ledger.jobs)
        let active = ledger.jobs.filter { !Self.isTerminal(states[$0.id] ?? "UNKNOWN") }
        guard !active.isEmpty else { return [] }
        let result = try Self.run(try Self.tool("scancel"), active.map(\.id))
        guard result.status == 0 else { throw StudyError("scancel failed: \(Self.oneLine(result.err))") }
        return active.map { "\($0.stage) (job \($0.id))" }
    }

    func readLedger() -> Ledger? {
        guard let data = FileManager.default.contents(atPath: ledgerURL.path) else { return nil }
        return try? JSONDecoder().decode(Ledger.self, from: data)
    }

    // MARK: - Processes

    /// The full path of a Slurm command on PATH, or an error saying it is missing.
    static func tool(_ name: String) throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        for folder in path.split(separator: ":") {
            let candidate = "\(folder)/\(name)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        throw StudyError(
            "--executor slurm: \(name) is not on PATH (\(path)); run this on a machine of the cluster with Slurm's commands (a login node, or after `module load slurm`); nothing was submitted")
    }

    static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        do { try process.run() } catch { throw StudyError("cannot run \(executable): \(userMessage(error))") }
        // Read both pipes to the end before waiting (a full pipe would block the child).
        final class Box: @unchecked Sendable { var data = Data() }
        let err = Box()
        let done = DispatchSemaphore(value: 0)
        let reader = Thread {
            err.data = errors.fileHandleForReading.readDataToEndOfFile()
            done.signal()
        }
        reader.start()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        done.wait()
        return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err.data, as: UTF8.self))
    }

    static func ownExecutable() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// A word for bash: as is when safe, else single-quoted; `${...}` is left for the shell.
    static func shellWord(_ text: String) -> String {
        if text.range(of: #"^[A-Za-z0-9_./:=,+@%-]+$"#, options: .regularExpression) != nil { return text }
        if text.hasPrefix("${SLURM_ARRAY_TASK_ID}") { return "\"" + text + "\"" }
        return "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
    }
}
