import ArgumentParser
import Foundation
import SinoData
import SinoStats

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
        } catch {
            FileHandle.standardError.write(Data("error: \(userMessage(error))\n".utf8))
            throw ExitCode(1)
        }
    }
}

/// The sentence a user sees for an error: SinoRad's own errors say what they are; a file error
/// from Foundation ("Error Domain=NSCocoaErrorDomain Code=260 ...") becomes "cannot read
/// PATH: no such file or directory", and a decoding error names the key and what was wrong.
func userMessage(_ error: any Error) -> String {
    switch error {
    case let failure as CommandFailure: return failure.message
    case let decoding as DecodingError: return decodingMessage(decoding)
    default: break
    }
    let ns = error as NSError
    guard ns.domain == NSCocoaErrorDomain || ns.domain == NSPOSIXErrorDomain else { return "\(error)" }
    let path = ns.userInfo[NSFilePathErrorKey] as? String ?? (ns.userInfo[NSURLErrorKey] as? URL)?.path
    let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError
    let posix = ns.domain == NSPOSIXErrorDomain ? ns.code : underlying?.domain == NSPOSIXErrorDomain ? underlying?.code : nil
    let verb: String
    switch ns.domain == NSCocoaErrorDomain ? ns.code : 0 {
    case 256..<512: verb = "cannot read"
    case 512..<1024: verb = "cannot write"
    default: verb = "file operation failed on"
    }
    let reason: String
    if let posix {
        reason = String(cString: strerror(Int32(posix))).lowercased()
    } else {
        switch CocoaError.Code(rawValue: ns.code) {
        case .fileReadNoSuchFile, .fileNoSuchFile: reason = "no such file or directory"
        case .fileReadNoPermission, .fileWriteNoPermission: reason = "permission denied"
        case .fileWriteOutOfSpace: reason = "no space left on the device"
        case .fileReadInapplicableStringEncoding, .fileReadCorruptFile: reason = "the file is not valid UTF-8 text"
        case .fileWriteFileExists: reason = "a file is already there"
        default: reason = ns.localizedDescription
        }
    }
    return path.map { "\(verb) \($0): \(reason)" } ?? "\(verb) a file: \(reason)"
}

private func decodingMessage(_ error: DecodingError) -> String {
    func at(_ path: [any CodingKey]) -> String {
        path.isEmpty ? "the top level" : path.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingCharacters(in: ["."])
    }
    switch error {
    case .typeMismatch(let type, let context): return "\(at(context.codingPath)): expected \(type) (\(context.debugDescription))"
    case .valueNotFound(let type, let context): return "\(at(context.codingPath)): a \(type) is missing"
    case .keyNotFound(let key, let context): return "\(at(context.codingPath + [key])): the key is missing"
    case .dataCorrupted(let context): return "\(at(context.codingPath)): \(context.debugDescription)"
    @unknown default: return "\(error)"
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
