/// Training-time augmentation of the preprocessed planes: flips, a small rotation (bilinear
/// for images, nearest for the mask) and an intensity jitter (scale and shift, drawn per
/// channel). Every draw comes from a seed made of the run seed, the epoch, the patient id, the
/// slice and the sequence, so a sample is augmented the same way whatever the thread count or
/// the order in which samples are processed.
public struct AugmentSettings: Codable, Sendable, Equatable {
    /// Probability of a left-right flip.
    public var horizontalFlip = 0.5
    /// Probability of an anterior-posterior (vertical in the plane) flip.
    public var verticalFlip = 0.5
    /// Rotation angle uniform in [-maxRotation, maxRotation] degrees, about the plane centre.
    public var maxRotation = 10.0
    /// Intensity scale uniform in [1 - scaleJitter, 1 + scaleJitter] (normalised units).
    public var scaleJitter = 0.1
    /// Intensity shift uniform in [-shiftJitter, shiftJitter] (normalised units).
    public var shiftJitter = 0.1
    /// Value of image pixels rotated in from outside the plane (normalised units).
    public var fillValue: Float = 0

    public init() {}

    /// No augmentation at all (identity).
    public static var none: AugmentSettings {
        var settings = AugmentSettings()
        settings.horizontalFlip = 0; settings.verticalFlip = 0; settings.maxRotation = 0
        settings.scaleJitter = 0; settings.shiftJitter = 0
        return settings
    }

    enum CodingKeys: String, CodingKey {
        case horizontalFlip = "horizontal_flip", verticalFlip = "vertical_flip", maxRotation = "max_rotation_degrees"
        case scaleJitter = "scale_jitter", shiftJitter = "shift_jitter", fillValue = "fill_value"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        var s = AugmentSettings()
        s.horizontalFlip = try c.decodeIfPresent(Double.self, forKey: .horizontalFlip) ?? s.horizontalFlip
        s.verticalFlip = try c.decodeIfPresent(Double.self, forKey: .verticalFlip) ?? s.verticalFlip
        s.maxRotation = try c.decodeIfPresent(Double.self, forKey: .maxRotation) ?? s.maxRotation
        s.scaleJitter = try c.decodeIfPresent(Double.self, forKey: .scaleJitter) ?? s.scaleJitter
        s.shiftJitter = try c.decodeIfPresent(Double.self, forKey: .shiftJitter) ?? s.shiftJitter
        s.fillValue = try c.decodeIfPresent(Float.self, forKey: .fillValue) ?? s.fillValue
        self = s
    }

    /// Settings out of range, as one message (nil when valid).
    var problems: String? {
        var found: [String] = []
        for (name, p) in [("horizontal_flip", horizontalFlip), ("vertical_flip", verticalFlip)] where !(0...1).contains(p) {
            found.append("augmentation \(name) is \(p) (expected a probability in 0-1)")
        }
        if !(0...180).contains(maxRotation) { found.append("augmentation max_rotation_degrees is \(maxRotation) (expected 0-180)") }
        if !(0..<1).contains(scaleJitter) { found.append("augmentation scale_jitter is \(scaleJitter) (expected 0 <= jitter < 1)") }
        if !(shiftJitter >= 0) { found.append("augmentation shift_jitter is \(shiftJitter) (expected >= 0)") }
        if !fillValue.isFinite { found.append("augmentation fill_value is not finite") }
        return found.isEmpty ? nil : found.joined(separator: "; ")
    }
}
