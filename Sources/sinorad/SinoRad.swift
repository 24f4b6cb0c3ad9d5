import ArgumentParser
import Foundation
import SinoData
import SinoStudy

@main
struct SinoRad: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sinorad",
        abstract: "Run an MRI study end to end: cohort, Table 1, predictor selection, models, CNNs, comparison, reader study.",
        discussion: """
            Start with `sinorad demo`: it simulates the built-in SYNTHETIC sinonasal cohort with MRI \
            phantoms and runs the whole study (Table 1, predictor selection, conventional models, a \
            CNN per sequence with fusion, model comparison, the reader study) into a report in \
            reports/demo/. `sinorad study CONFIG` runs the same on your own cohort CSV, variable \
            dictionary and images (docs/STUDY.md, data-schema/); each step is also a command of its own.

            Exit status: 0 when the command did its work, 1 when the input or a file was wrong (one \
            message on stderr naming the file, row and column; no partial output), 2 for a usage \
            error (an unknown option, a missing or malformed argument).
            """,
        version: SinoRadVersion.current,
        subcommands: [
            Demo.self, Study.self, Simulate.self, Validate.self, Table1.self, Select.self, Conventional.self, Compare.self, Readers.self, Fuse.self, Stat.self, CNN.self, Image.self, Radiomics.self
        ])

    /// Parses and runs the command. argument-parser reports its own outcomes (help, version,
    /// usage errors) through its own path, with usage errors as status 2; any other error is
    /// SinoRad's or a file's, printed as one sentence (`userMessage`) with status 1. Outputs are
    /// written atomically, so nothing half-written remains.
    static func main() {
        OpenBLASKernels.ensureNativeKernels()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            if String(reflecting: type(of: error)).hasPrefix("ArgumentParser.") {
                guard exitCode(for: error) == .validationFailure else { exit(withError: error) }
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            FileHandle.standardError.write(Data("error: \(userMessage(error))\n".utf8))
            Foundation.exit(1)
        }
    }
}

/// A failure the CLI reports in one line.
typealias CommandFailure = StudyError

extension StudyError {
    init(message: String) { self.init(message) }
}

func note(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
