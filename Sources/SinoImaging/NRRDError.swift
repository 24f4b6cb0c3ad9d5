import SinoData

/// An NRRD file SinoImaging cannot use, naming the file, the header field at fault and what
/// was expected instead.
public struct NRRDError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable, Codable {
        /// The file (or a detached header's data file) is missing or cannot be opened.
        case unreadable
        /// Not an NRRD file (no `NRRD000X` magic).
        case notNRRD
        /// A header field with a value that cannot be parsed or contradicts another field.
        case invalidHeader
        /// A field every image needs (type, dimension, sizes, encoding, endian) is absent.
        case missingField
        /// Valid NRRD that SinoImaging does not read: 4-D and vector images, block type,
        /// bzip2 and hex encodings, multi-file data.
        case unsupported
        /// Fewer data than the header describes, or more (a header that does not describe
        /// the data exactly is refused).
        case dataMismatch
        /// A gzip stream that does not decompress, or ends early.
        case corruptCompression
        /// A volume NRRD.write cannot store, or a failed write.
        case unwritable
    }

    public var kind: Kind
    public var file: String
    /// The header field the problem is about ("sizes", "space directions"), when there is one.
    public var field: String?
    public var message: String
    public var expected: String?

    public init(_ kind: Kind, file: String, field: String? = nil, _ message: String, expected: String? = nil) {
        self.kind = kind; self.file = file; self.field = field
        self.message = message; self.expected = expected
    }

    public var description: String {
        var text = "\(file): "
        if let field { text += "field '\(field)': " }
        text += message
        if let expected { text += "; expected \(expected)" }
        return text
    }

    /// The same problem in SinoData's vocabulary, for reports that list many at once.
    public var problem: Problem {
        Problem(file: file, message: field.map { "field '\($0)': \(message)" } ?? message, expected: expected)
    }
}
