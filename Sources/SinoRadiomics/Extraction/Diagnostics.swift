/// PyRadiomics' `generalinfo.GeneralInfo`: the `diagnostics_*` entries of an extraction.
struct Diagnostics {
    var entries: [(key: String, value: RadiomicsValue)] = []

    private mutating func add(_ key: String, _ value: RadiomicsValue) { entries.append(("diagnostics_" + key, value)) }

    /// The first component(s) of an ITK-order triple: two for a 2-D image.
    private static func axes<T>(_ values: [T], _ image: RadiomicsImage) -> [T] { Array(values.prefix(image.dimension)) }

    mutating func addVersions(_ versions: [(String, String)]) {
        for (name, version) in versions { add("Versions_" + name, .text(version)) }
    }

    mutating func addConfiguration(settings: String, imageTypes: String) {
        add("Configuration_Settings", .text(settings))
        add("Configuration_EnabledImageTypes", .text(imageTypes))
    }

    /// `addImageElements`: hash and dimensionality for the original image, then spacing, size
    /// and the whole image's mean, minimum and maximum.
    mutating func addImage(_ image: RadiomicsImage, prefix: String) {
        if prefix == "original" {
            add("Image-original_Hash", .text(image.sha1))
            add("Image-original_Dimensionality", .text("\(image.dimension)D"))
        }
        add("Image-\(prefix)_Spacing", .numbers(Self.axes(image.spacing, image)))
        add("Image-\(prefix)_Size", .numbers(Self.axes(image.size, image).map(Double.init)))
        let (mean, minimum, maximum) = Self.statistics(image.values)
        add("Image-\(prefix)_Mean", .number(mean))
        add("Image-\(prefix)_Minimum", .number(minimum))
        add("Image-\(prefix)_Maximum", .number(maximum))
    }

    /// `addMaskElements`: hash (original only), spacing, size, bounding box, voxel and component
    /// counts, centre of mass; with an image, the ROI's mean, minimum and maximum.
    mutating func addMask(_ mask: RadiomicsImage, image: RadiomicsImage?, label: Int, prefix: String) {
        if prefix == "original" { add("Mask-original_Hash", .text(mask.sha1)) }
        add("Mask-\(prefix)_Spacing", .numbers(Self.axes(mask.spacing, mask)))
        add("Mask-\(prefix)_Size", .numbers(Self.axes(mask.size, mask).map(Double.init)))
        guard let region = LabelRegion(mask: mask, label: label) else { return }
        let box = Self.axes(region.lower, mask) + Self.axes(region.extent, mask)
        add("Mask-\(prefix)_BoundingBox", .numbers(box.map(Double.init)))
        add("Mask-\(prefix)_VoxelNum", .number(Double(region.count)))
        add("Mask-\(prefix)_VolumeNum", .number(Double(LabelRegion.componentCount(mask: mask, label: label))))
        let centre = Self.axes(region.centre, mask)
        add("Mask-\(prefix)_CenterOfMassIndex", .numbers(centre))
        var full = region.centre
        if mask.dimension == 2 { full[2] = 0 }
        add("Mask-\(prefix)_CenterOfMass", .numbers(Self.axes(mask.physicalPoint(continuousIndex: full), mask)))
        guard let image else { return }
        let l = Double(label)
        let roi = zip(image.values, mask.values).compactMap { $1 == l ? $0 : nil }
        let (mean, minimum, maximum) = Self.statistics(roi)
        add("Mask-\(prefix)_Mean", .number(mean))
        add("Mask-\(prefix)_Minimum", .number(minimum))
        add("Mask-\(prefix)_Maximum", .number(maximum))
    }

    /// numpy's mean (pairwise summation), min and max of float64 values.
    static func statistics(_ values: [Double]) -> (mean: Double, min: Double, max: Double) {
        guard let first = values.first else { return (.nan, .nan, .nan) }
        var lo = first
        var hi = first
        for v in values {
            if v < lo { lo = v }
            if v > hi { hi = v }
        }
        return (values.withUnsafeBufferPointer { NumpyMath.pairwiseSum($0.baseAddress!, $0.count) } / Double(values.count), lo, hi)
    }
}
