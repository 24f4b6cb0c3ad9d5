import ArgumentParser
import Foundation
import SinoData
import SinoStats

@main
struct SinoRad: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sinorad",
        abstract: "Run a sinonasal-malignancy MRI study end to end: cohort, Table 1, predictor selection, statistics.",
        discussion: """
        Start with `sinorad demo`: it simulates the built-in SYNTHETIC cohort
        and writes Table 1 and the predictor selection to reports/demo/. Bring
        your own cohort as a CSV described by a variable dictionary (see data-
        schema/ and docs/).
        """,
        version: SinoRadVersion.current,
        subcommands: [Demo.self, Study.self, Simulate.self, Validate.self, Table1.self, Select.self, Conventional.self, Compare.self, Readers.self, Fuse.self, Stat.self, CNN.self, Image.self])

    /// Runs a command body, turning every error it raises (bad input, a failed fit, an
    /// unreadable model file, a figure that cannot be written) into one clear message on
    /// stderr and exit status 1. Outputs are written atomically, so nothing half-written remains.
    static func guarded(_ body: () throws -> Void) throws {
        ChildCommand.watchParent()
        do {
            try body()
        } catch let error as ExitCode {
            throw error
        } catch let error as CommandFailure {
            FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
            throw ExitCode(1)
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}

enum SinoRadVersion {
    static let current = "0.1.0"
}

/// A failure the CLI reports in one line (errors from SinoStats, for instance).
struct CommandFailure: Error {
    var message: String
}

func note(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
