import Foundation

/// A failure of a study or one of its analyses, as the sentence a user reads.
public struct StudyError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The sentence a user sees for an error: SinoRad's own errors say what they are; a file error
/// from Foundation ("Error Domain=NSCocoaErrorDomain Code=260 ...") becomes "cannot read
/// PATH: no such file or directory", and a decoding error names the key and what was wrong.
public func userMessage(_ error: any Error) -> String {
    switch error {
    case let failure as StudyError: return failure.message
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
        case .fileWriteVolumeReadOnly: reason = "the file system is read-only"
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

/// Where a study's progress lines go (standard error unless the caller says otherwise).
public typealias ProgressHandler = @Sendable (String) -> Void

/// Writes a progress line to standard error.
public let standardErrorProgress: ProgressHandler = { text in FileHandle.standardError.write(Data((text + "\n").utf8)) }
