/// Why a case could not be extracted: the kind, the file or case it concerns and a sentence
/// a user can act on.
public struct RadiomicsError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable, Codable {
        /// The parameter file is invalid (every problem is listed in the message).
        case parameters
        /// The image cannot be used (4-D, NaN or infinite voxels, unreadable).
        case unsupportedImage
        /// The mask cannot be used (empty, label absent, only one value).
        case mask
        /// Image and mask are not on the same grid (beyond geometryTolerance).
        case geometry
        /// The ROI is too small (minimumROIDimensions, minimumROISize, resegmentation).
        case roiTooSmall
        /// A filter or feature class cannot run with these settings.
        case settings
    }

    public var kind: Kind
    /// The file (or case) the problem concerns.
    public var file: String
    public var message: String

    public init(_ kind: Kind, file: String, _ message: String) {
        self.kind = kind
        self.file = file
        self.message = message
    }

    public var description: String { file.isEmpty ? message : "\(file): \(message)" }
}
