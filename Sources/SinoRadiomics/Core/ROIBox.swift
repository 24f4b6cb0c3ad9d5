/// The cropped image and ROI a feature class works on, in PyRadiomics' array order:
/// axes (z, y, x), x fastest, so index = x + nx·(y + ny·z), the layout of
/// `sitk.GetArrayFromImage` on the cropped image.
public struct ROIBox: Sendable, Equatable {
    /// Extent per axis, array order (nz, ny, nx).
    public var shape: [Int]
    /// Millimetres per axis, array order (sz, sy, sx).
    public var spacing: [Double]
    /// Intensities of every voxel of the box (not only the ROI's).
    public var values: [Double]
    /// The pixel type the values were computed in (bin edges depend on it).
    public var pixelType: PixelType
    /// True for the ROI's voxels.
    public var mask: [Bool]
    /// 2 when the image was 2-D.
    public var dimension: Int

    public init(shape: [Int], spacing: [Double], values: [Double], pixelType: PixelType, mask: [Bool], dimension: Int = 3) {
        precondition(shape.count == 3 && spacing.count == 3, "array order (z, y, x)")
        precondition(values.count == shape.reduce(1, *) && mask.count == values.count, "values and mask must fill the shape")
        self.shape = shape
        self.spacing = spacing
        self.values = values
        self.pixelType = pixelType
        self.mask = mask
        self.dimension = dimension
    }

    /// The box of a cropped image and its cropped mask (`label` marks the ROI).
    public init(image: RadiomicsImage, mask: RadiomicsImage, label: Int) {
        precondition(image.size == mask.size, "image and mask crops must match")
        let l = Double(label)
        self.init(
            shape: image.size.reversed(), spacing: image.spacing.reversed(), values: image.values, pixelType: image.pixelType,
            mask: mask.values.map { $0 == l }, dimension: image.dimension)
    }

    public var count: Int { values.count }

    /// Number of ROI voxels.
    public var roiCount: Int { mask.reduce(0) { $0 + ($1 ? 1 : 0) } }

    /// The ROI's intensities, in array order.
    public var roiValues: [Double] { zip(values, mask).compactMap { $1 ? $0 : nil } }
}

/// A feature class: its name, its features in PyRadiomics' order and how to compute them on a
/// box. Values are NaN where PyRadiomics' method would raise.
public protocol RadiomicsFeatureClass {
    static var kind: FeatureClassKind { get }
    /// Every non-deprecated feature, in PyRadiomics' "all features" order (Python's sorted
    /// order of the method names).
    static var featureNames: [String] { get }
    /// Deprecated features PyRadiomics computes only when named (empty where its deprecated
    /// methods raise and so never give a value).
    static var deprecatedNames: [String] { get }
    /// The values of `names` (each one of `featureNames` or `deprecatedNames`), in that order.
    static func compute(_ box: ROIBox, settings: RadiomicsSettings, names: [String]) throws -> [Double]
    /// Whether the class works on the discretised box (`Discretisation.discretise(box, settings:)`).
    static var usesDiscretisation: Bool { get }
    /// `compute(_:settings:names:)` from the box's discretisation made beforehand with
    /// `Discretisation.discretise(box, settings: settings)`: an extractor discretises an image
    /// once for every class that needs it. The default ignores it.
    static func compute(_ box: ROIBox, discretised: DiscretisedROI, settings: RadiomicsSettings, names: [String]) throws -> [Double]
}

extension RadiomicsFeatureClass {
    public static var usesDiscretisation: Bool { false }

    public static func compute(_ box: ROIBox, discretised: DiscretisedROI, settings: RadiomicsSettings, names: [String]) throws -> [Double] {
        try compute(box, settings: settings, names: names)
    }
}
