import SinoData

/// A NIfTI file (or a mask, or a folder of images) that SinoImaging cannot use, with the file
/// named and what was expected instead.
public struct NIfTIError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable, Codable {
        /// The file is missing or cannot be opened.
        case unreadable
        /// Not a NIfTI file at all (wrong sizeof_hdr, wrong magic).
        case notNIfTI
        /// A NIfTI header with a value SinoImaging cannot read (dim, vox_offset, ...).
        case invalidHeader
        /// A datatype outside uint8, int8, int16, uint16, int32, float32, float64.
        case unsupportedDatatype
        /// Fewer bytes than the header (or the data it describes) needs.
        case truncated
        /// A gzip stream that does not decompress.
        case corruptCompression
        /// NaN voxel values (refused unless asked for).
        case nanVoxels
        /// A mask on another grid (shape or affine) than its image.
        case gridMismatch
        /// A mask without any voxel > 0.
        case emptyMask
        /// Data a writer cannot store in the chosen datatype, or a failed write.
        case unwritable
    }

    public var kind: Kind
    public var file: String
    /// A second file the problem involves (the image a mask was checked against).
    public var otherFile: String?
    public var message: String
    public var expected: String?

    public init(_ kind: Kind, file: String, otherFile: String? = nil, _ message: String, expected: String? = nil) {
        self.kind = kind; self.file = file; self.otherFile = otherFile
        self.message = message; self.expected = expected
    }

    public var description: String {
        var text = "\(file): \(message)"
        if let expected { text += "; expected \(expected)" }
        return text
    }

    /// The same problem in SinoData's vocabulary, for reports that list many at once.
    public var problem: Problem {
        Problem(file: file, message: message, expected: expected)
    }
}
