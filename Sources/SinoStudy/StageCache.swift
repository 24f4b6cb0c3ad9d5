import Foundation
import SinoData

/// The stage cache of a study (`StudyRunner`). A stage's key is the SHA-256 of its settings and the
/// keys of the stages it reads (every stage is a deterministic function of them), so a change
/// anywhere upstream changes every key below it. A finished stage leaves a record in
/// `<out>/.sinorad/stages/<name>.json` with its key and a fingerprint (path, size,
/// modification time) of every file it wrote; the next run reuses the stage when the key is
/// the same and its files are still there, unchanged. `--force` redoes every stage.
public final class StageCache: @unchecked Sendable {
    public struct Record: Codable, Sendable {
        public var stage: String
        public var key: String
        public var outputs: [String]
        public var fingerprint: String
        public var seconds: Double
        public var finished: String
    }

    /// What happened to one stage in this run (for the progress lines and provenance.json).
    public struct Outcome: Codable, Sendable {
        public var stage: String
        public var key: String
        public var cached: Bool
        public var seconds: Double
    }

    public let folder: URL
    public let force: Bool
    /// Stages redone even when cached (a cluster job of a forced run redoes its own stage only).
    public var forced: Set<String> = []
    private let lock = NSLock()
    public private(set) var outcomes: [Outcome] = []

    public init(folder: URL, force: Bool) {
        self.folder = folder
        self.force = force
    }

    var recordFolder: URL { folder.appendingPathComponent(".sinorad/stages") }

    /// The key of a stage: SHA-256 of its name, its settings as JSON (sorted keys, the
    /// settings' own `Encodable` form, never a command line), the keys of the stages it
    /// depends on and SinoRad's version.
    public static func key(_ stage: String, settings: some Encodable, upstream: [String] = []) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(StageKeyContent(stage: stage, settings: settings, upstream: upstream, version: SinoRadVersion.current))) ?? Data()
        return SHA256.hex(data)
    }

    public func record(_ stage: String) -> Record? {
        let url = recordFolder.appendingPathComponent("\(stage).json")
        guard let data = try? Data(contentsOf: url) else { return nil }
        return try? JSONDecoder().decode(Record.self, from: data)
    }

    /// Whether the stage can be reused: same key, and its files as they were left. Remembered
    /// until the stage runs, so the progress line and `run` stat its files once.
    public func isFresh(_ stage: String, key: String) -> Bool {
        lock.lock()
        if let known = freshness["\(stage)\n\(key)"] { lock.unlock(); return known }
        lock.unlock()
        var fresh = false
        if !force, !forced.contains(stage), let record = record(stage), record.key == key {
            fresh = (try? Self.fingerprint(record.outputs, in: folder)) == record.fingerprint
        }
        lock.lock(); freshness["\(stage)\n\(key)"] = fresh; lock.unlock()
        return fresh
    }
    private var freshness: [String: Bool] = [:]

    /// Seconds the stage took when it last ran (for the ETA).
    public func lastSeconds(_ stage: String) -> Double? { record(stage)?.seconds }

    /// Runs `body` unless the stage is fresh. Before it runs, the stage's outputs (files or
    /// folders, relative to the study folder) are set aside, so nothing stale is left beside
    /// what it writes; its record is written only once it has finished. If it fails (a full
    /// disk, a bad input), what it wrote is removed and the previous outputs and record come
    /// back, so the previous run's report stays whole.
    @discardableResult
    public func run(_ stage: String, key: String, outputs: [String], body: () throws -> Void) throws -> Outcome {
        if isFresh(stage, key: key) {
            let outcome = Outcome(stage: stage, key: key, cached: true, seconds: 0)
            append(outcome)
            return outcome
        }
        lock.lock(); freshness["\(stage)\n\(key)"] = nil; lock.unlock()
        let fm = FileManager.default
        // The previous run's record and outputs are set aside (renamed, no copy, so a full disk
        // does not stop it) into .sinorad/previous/<stage>; if this run fails, what it wrote is
        // removed and they are put back, so the previous report stays whole and its stages
        // fresh. An output that cannot be set aside is removed, as before.
        let recordURL = recordFolder.appendingPathComponent("\(stage).json")
        let backup = folder.appendingPathComponent(".sinorad/previous/\(stage)")
        let backupRecord = backup.appendingPathComponent(".record.json")
        func move(_ from: URL, _ to: URL) throws {
            try fm.createDirectory(at: to.deletingLastPathComponent(), withIntermediateDirectories: true)
            try fm.moveItem(at: from, to: to)
        }
        try? fm.removeItem(at: backup)
        if (try? move(recordURL, backupRecord)) == nil { try? fm.removeItem(at: recordURL) }
        var setAside: [String] = []
        for output in outputs.flatMap({ Self.expand($0, in: folder) }) where fm.fileExists(atPath: folder.appendingPathComponent(output).path) {
            if (try? move(folder.appendingPathComponent(output), backup.appendingPathComponent(output))) != nil {
                setAside.append(output)
            } else {
                try? fm.removeItem(at: folder.appendingPathComponent(output))
            }
        }
        let start = Date()
        let seconds: Double
        do {
            try body()
            seconds = Date().timeIntervalSince(start)
            let record = Record(
                stage: stage, key: key, outputs: outputs, fingerprint: try Self.fingerprint(outputs, in: folder),
                seconds: seconds, finished: ISO8601DateFormatter().string(from: Date()))
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try AtomicFile.write(encoder.encode(record), to: recordURL.path)
        } catch {
            try? fm.removeItem(at: recordURL)
            for output in outputs.flatMap({ Self.expand($0, in: folder) }) { try? fm.removeItem(at: folder.appendingPathComponent(output)) }
            for output in setAside { try? move(backup.appendingPathComponent(output), folder.appendingPathComponent(output)) }
            try? move(backupRecord, recordURL)
            try? fm.removeItem(at: backup)
            throw error
        }
        try? fm.removeItem(at: backup)
        let outcome = Outcome(stage: stage, key: key, cached: false, seconds: seconds)
        append(outcome)
        return outcome
    }

    private func append(_ outcome: Outcome) {
        lock.lock(); defer { lock.unlock() }
        outcomes.append(outcome)
    }

    /// An output is a file or folder relative to the study folder, or a pattern ending in `*`
    /// ("tables/table1.*"): the files of that folder whose names start with what precedes it.
    static func expand(_ output: String, in folder: URL) -> [String] {
        guard output.hasSuffix("*") else { return [output] }
        let url = folder.appendingPathComponent(output)
        let directory = url.deletingLastPathComponent()
        let prefix = String(url.lastPathComponent.dropLast())
        let parent = (output as NSString).deletingLastPathComponent
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasPrefix(prefix) }.sorted().map { parent.isEmpty ? $0 : "\(parent)/\($0)" }
    }

    /// SHA-256 over (relative path, size, modification time) of every file under `outputs`,
    /// in path order. An output that does not exist gives a different fingerprint than any
    /// that does.
    public static func fingerprint(_ outputs: [String], in folder: URL) throws -> String {
        let fm = FileManager.default
        var lines: [String] = []
        for output in outputs.flatMap({ expand($0, in: folder) }).sorted() {
            let url = folder.appendingPathComponent(output)
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: url.path, isDirectory: &isDirectory) else { lines.append("missing \(output)"); continue }
            var files: [String] = []
            if isDirectory.boolValue {
                let enumerator = fm.enumerator(atPath: url.path)
                while let item = enumerator?.nextObject() as? String {
                    var dir: ObjCBool = false
                    if fm.fileExists(atPath: url.appendingPathComponent(item).path, isDirectory: &dir), !dir.boolValue {
                        files.append("\(output)/\(item)")
                    }
                }
            } else {
                files = [output]
            }
            for file in files.sorted() {
                let attributes = try fm.attributesOfItem(atPath: folder.appendingPathComponent(file).path)
                let size = (attributes[.size] as? NSNumber)?.int64Value ?? -1
                let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
                lines.append("\(file)\t\(size)\t\(String(format: "%.6f", modified))")
            }
        }
        return SHA256.hex(lines.joined(separator: "\n"))
    }
}

/// SHA-256 over (path, size, modification time) of the files under `url` (a file or a
/// folder), for inputs too large to read on every run (image folders).
public func statFingerprint(_ url: URL) throws -> String {
    try StageCache.fingerprint([url.lastPathComponent], in: url.deletingLastPathComponent())
}

/// What a stage key hashes.
private struct StageKeyContent<Settings: Encodable>: Encodable {
    var stage: String
    var settings: Settings
    var upstream: [String]
    var version: String
}
