import Foundation

/// Runs the built `sinorad` binary as a user would, capturing its exit status and output.
public struct CommandResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String

    public init(status: Int32, stdout: String, stderr: String) {
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
    }
}

public enum SinoRadCommand {
    /// The debug binary built next to the test bundle (`swift build --build-tests` builds it).
    public static let executable: URL = {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("sinorad"),
            Fixtures.root.appendingPathComponent(".build/debug/sinorad")
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[1]
    }()

    /// `environment`: variables set for the child on top of this process's (e.g. COLUMNS).
    public static func run(_ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]) throws -> CommandResult {
        try runProgram(executable, arguments, in: directory, environment: environment)
    }

    /// Any program, as `run` runs sinorad (the Slurm tests' `squeue`, `scancel`, scripts).
    public static func runProgram(_ program: URL, _ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]) throws
        -> CommandResult
    {
        let process = Process()
        process.executableURL = program
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes before waiting, so a large output cannot block the child.
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CommandResult(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }

    /// A fresh temporary folder for one test, removed with the test process's scratch folder.
    public static func temporaryFolder(_ name: String = #function) throws -> URL {
        try TestScratch.folder(name)
    }
}
