/// One value of an extraction's output: a feature (a number), a numeric diagnostic (a number
/// or a tuple of numbers) or a textual diagnostic (hash, version, configuration).
public enum RadiomicsValue: Sendable, Equatable {
    case number(Double)
    case numbers([Double])
    case text(String)

    /// The value as a table cell: numbers in Swift's shortest round-tripping form, tuples as
    /// PyRadiomics prints them, "(1.0, 2.5, 3.0)".
    public var cell: String {
        switch self {
        case .number(let v): return RadiomicsValue.format(v)
        case .numbers(let vs): return "(" + vs.map(RadiomicsValue.format).joined(separator: ", ") + ")"
        case .text(let t): return t
        }
    }

    static func format(_ v: Double) -> String {
        if v.isNaN { return "nan" }
        if v.isInfinite { return v > 0 ? "inf" : "-inf" }
        return "\(v)"
    }

    public var number: Double? {
        if case .number(let v) = self { return v }
        return nil
    }
}

/// What one extraction gives: every output key in PyRadiomics' order (diagnostics first, then
/// shape, then each image type's classes), and in voxel-based mode the feature maps.
public struct RadiomicsResult: Sendable {
    /// Keys and values in output order.
    public var entries: [(key: String, value: RadiomicsValue)]
    /// Voxel-based mode: one map per feature (key as in `entries`), on the grid of the image
    /// cropped to the ROI's bounding box padded by kernelRadius.
    public var maps: [(key: String, image: RadiomicsImage)]

    public init(entries: [(key: String, value: RadiomicsValue)] = [], maps: [(key: String, image: RadiomicsImage)] = []) {
        self.entries = entries
        self.maps = maps
    }

    public var keys: [String] { entries.map(\.key) }

    /// The value of `key`, if present.
    public subscript(key: String) -> RadiomicsValue? { entries.first { $0.key == key }?.value }

    /// Only the features (keys not starting with `diagnostics_`).
    public var features: [(key: String, value: Double)] {
        entries.compactMap { $0.key.hasPrefix("diagnostics_") ? nil : ($0.key, $0.value.number ?? .nan) }
    }
}
