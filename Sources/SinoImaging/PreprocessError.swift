/// A patient's images cannot be preprocessed. Each case names the patient and, where it
/// applies, the sequence; the caller, which knows the files, adds their names.
public enum PreprocessError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A sequence named in the settings is not among the patient's volumes (`available`, sorted).
    case missingSequence(patient: String, sequence: String, available: [String])
    /// The ROI mask has no voxel > 0.
    case emptyMask(patient: String)
    /// A sequence's grid (shape of the first three axes or affine) differs from the mask's.
    case gridMismatch(patient: String, sequence: String, shape: [Int], maskShape: [Int])
    /// NaN or infinite voxels in a sequence (or in the mask, sequence "mask").
    case nonFiniteVoxels(patient: String, sequence: String, count: Int, firstIndex: Int)
    /// The normalisation statistics are degenerate (SD 0, or equal percentiles).
    case constantIntensity(patient: String, sequence: String, value: Double)
    /// The settings are out of range.
    case invalidSettings(String)

    public var description: String {
        switch self {
        case .missingSequence(let patient, let sequence, let available):
            return "patient \(patient): no \(sequence) volume (has \(available.joined(separator: ", ")))"
        case .emptyMask(let patient):
            return "patient \(patient): the ROI mask is empty (no voxel > 0); expected the tumour outlined"
        case .gridMismatch(let patient, let sequence, let shape, let maskShape):
            return "patient \(patient), \(sequence): the volume's grid (shape \(shape)) differs from the mask's "
                + "(shape \(maskShape)); expected the same shape and affine (within 1e-4 mm)"
        case .nonFiniteVoxels(let patient, let sequence, let count, let firstIndex):
            return "patient \(patient), \(sequence): \(count) NaN or infinite voxel(s), the first at linear index "
                + "\(firstIndex); expected finite values"
        case .constantIntensity(let patient, let sequence, let value):
            return "patient \(patient), \(sequence): the normalisation region has a constant intensity (\(value)); "
                + "expected some contrast inside the ROI"
        case .invalidSettings(let message):
            return "preprocessing settings: \(message)"
        }
    }
}
