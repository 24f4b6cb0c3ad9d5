/// The NIfTI voxel datatypes SinoImaging reads (codes from nifti1.h). Others (binary,
/// complex, RGB, 64-bit integers, float128) are refused with their name.
public enum NIfTIDataType: Int, Sendable, Codable, CaseIterable {
    case uint8 = 2
    case int16 = 4
    case int32 = 8
    case float32 = 16
    case float64 = 64
    case int8 = 256
    case uint16 = 512

    public var bytesPerVoxel: Int {
        switch self {
        case .uint8, .int8: return 1
        case .int16, .uint16: return 2
        case .int32, .float32: return 4
        case .float64: return 8
        }
    }

    public var bitpix: Int { 8 * bytesPerVoxel }

    public var isFloatingPoint: Bool { self == .float32 || self == .float64 }

    /// nibabel's / numpy's name ("int16").
    public var name: String { String(describing: self) }

    /// The name of any nifti1.h datatype code, supported or not, for messages.
    public static func name(ofCode code: Int) -> String {
        if let type = NIfTIDataType(rawValue: code) { return type.name }
        let others = [
            0: "unknown", 1: "binary", 32: "complex64", 128: "RGB24", 511: "float96/all",
            768: "uint32", 1024: "int64", 1280: "uint64", 1536: "float128",
            1792: "complex128", 2048: "complex256", 2304: "RGBA32"
        ]
        return others[code] ?? "unknown code \(code)"
    }

    static var supportedList: String {
        "one of "
            + [NIfTIDataType.uint8, .int8, .int16, .uint16, .int32, .float32, .float64]
            .map { "\($0.name) (\($0.rawValue))" }.joined(separator: ", ")
    }
}
