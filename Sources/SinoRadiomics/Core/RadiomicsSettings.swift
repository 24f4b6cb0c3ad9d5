/// Every setting PyRadiomics 3.0.1 documents, with its default (the extractor's defaults, not
/// the parameter-file schema's). Names follow PyRadiomics' keys in Swift's spelling
/// (`gldm_a` is `gldmA`, `start_level` is `startLevel`).
public struct RadiomicsSettings: Sendable, Equatable {
    // MARK: Mask checks and geometry
    public var minimumROIDimensions = 2
    public var minimumROISize: Int? = nil
    public var geometryTolerance: Double? = nil
    public var correctMask = false
    public var additionalInfo = true
    public var label = 1
    public var labelChannel = 0

    // MARK: Discretisation
    public var binWidth = 25.0
    public var binCount: Int? = nil

    // MARK: Normalisation, resampling, cropping
    public var normalize = false
    public var normalizeScale = 1.0
    public var removeOutliers: Double? = nil
    public var resampledPixelSpacing: [Double]? = nil
    public var interpolator: Interpolator? = .bSpline
    public var padDistance = 5
    public var preCrop = false

    // MARK: Resegmentation
    public var resegmentRange: [Double]? = nil
    public var resegmentMode: ResegmentMode = .absolute
    public var resegmentShape = false

    // MARK: 2-D
    public var force2D = false
    public var force2Ddimension = 0

    // MARK: Filters
    /// LoG sigmas in mm, each with the spelling its name uses (`3.0` gives `3-0`, `3` gives `3`).
    public var sigma: [SigmaValue] = []
    public var startLevel = 0
    public var level = 1
    public var wavelet = "coif1"
    public var gradientUseSpacing = true
    public var lbp2DRadius = 1.0
    public var lbp2DSamples = 8
    public var lbp2DMethod: LBP2DMethod = .uniform
    public var lbp3DLevels = 2
    public var lbp3DIcosphereRadius = 1.0
    public var lbp3DIcosphereSubdivision = 1

    // MARK: Feature classes
    public var voxelArrayShift = 0.0
    public var distances = [1]
    public var symmetricalGLCM = true
    public var weightingNorm: WeightingNorm? = nil
    public var gldmA = 0.0

    // MARK: Voxel-based
    public var kernelRadius = 1
    public var maskedKernel = true
    public var initValue = 0.0
    public var voxelBatch = -1

    public init() {}
}

/// A LoG sigma (mm) and its spelling in feature names: Python's `str()` of the value as the
/// parameter file wrote it, `.` replaced by `-` (`3.0` gives `log-sigma-3-0-mm-3D`).
public struct SigmaValue: Sendable, Equatable {
    public var value: Double
    public var text: String

    public init(_ value: Double, text: String? = nil) {
        self.value = value
        self.text = text ?? "\(value)"
    }

    /// The image-type prefix, e.g. `log-sigma-3-0-mm-3D`.
    public var prefix: String { "log-sigma-\(text.replacingOccurrences(of: ".", with: "-"))-mm-3D" }
}

/// SimpleITK's interpolators, by the names PyRadiomics' parameter files use.
public enum Interpolator: String, Sendable, CaseIterable, Codable {
    case nearestNeighbor = "sitkNearestNeighbor"
    case linear = "sitkLinear"
    case bSpline = "sitkBSpline"
    case gaussian = "sitkGaussian"
    case labelGaussian = "sitkLabelGaussian"
    case hammingWindowedSinc = "sitkHammingWindowedSinc"
    case cosineWindowedSinc = "sitkCosineWindowedSinc"
    case welchWindowedSinc = "sitkWelchWindowedSinc"
    case lanczosWindowedSinc = "sitkLanczosWindowedSinc"
    case blackmanWindowedSinc = "sitkBlackmanWindowedSinc"

    /// SimpleITK 2's enum value (what an integer `interpolator` setting means).
    public var code: Int {
        switch self {
        case .nearestNeighbor: return 1
        case .linear: return 2
        case .bSpline: return 23 // sitkBSpline = sitkBSpline3
        case .gaussian: return 4
        case .labelGaussian: return 5
        case .hammingWindowedSinc: return 6
        case .cosineWindowedSinc: return 7
        case .welchWindowedSinc: return 8
        case .lanczosWindowedSinc: return 9
        case .blackmanWindowedSinc: return 10
        }
    }
}

public enum ResegmentMode: String, Sendable, CaseIterable, Codable {
    case absolute, relative, sigma
}

public enum WeightingNorm: String, Sendable, CaseIterable, Codable {
    case infinity, euclidean, manhattan
    case noWeighting = "no_weighting"
}

public enum LBP2DMethod: String, Sendable, CaseIterable, Codable {
    case `default`, ror, uniform, `var`
}

/// The image types PyRadiomics 3.0.1 can enable, by their parameter-file names.
public enum ImageTypeKind: String, Sendable, CaseIterable, Codable {
    case original = "Original"
    case log = "LoG"
    case wavelet = "Wavelet"
    case square = "Square"
    case squareRoot = "SquareRoot"
    case logarithm = "Logarithm"
    case exponential = "Exponential"
    case gradient = "Gradient"
    case lbp2D = "LBP2D"
    case lbp3D = "LBP3D"
}

/// The feature classes, by their parameter-file names.
public enum FeatureClassKind: String, Sendable, CaseIterable, Codable {
    case firstorder, shape, shape2D, glcm, glrlm, glszm, gldm, ngtdm
}

/// One enabled image type and the settings its filter and feature classes use (the global
/// settings with the type's own overrides applied).
public struct ImageTypeSetting: Sendable, Equatable {
    public var kind: ImageTypeKind
    public var settings: RadiomicsSettings
    /// The keys the parameter file set for this type (kept for diagnostics).
    public var customKeys: [String]

    public init(kind: ImageTypeKind, settings: RadiomicsSettings, customKeys: [String] = []) {
        self.kind = kind
        self.settings = settings
        self.customKeys = customKeys
    }
}

/// One enabled feature class: `features` nil means every non-deprecated feature.
public struct FeatureClassSetting: Sendable, Equatable {
    public var kind: FeatureClassKind
    public var features: [String]?

    public init(kind: FeatureClassKind, features: [String]? = nil) {
        self.kind = kind
        self.features = features
    }
}

/// A whole parameter set: what a PyRadiomics parameter file (or the extractor's defaults)
/// says.
public struct RadiomicsParameters: Sendable, Equatable {
    public var settings: RadiomicsSettings
    public var imageTypes: [ImageTypeSetting]
    public var featureClasses: [FeatureClassSetting]

    /// PyRadiomics' defaults without a parameter file: Original only, every class but shape2D
    /// in the order firstorder, glcm, gldm, glrlm, glszm, ngtdm (shape first, as it always is).
    public init(
        settings: RadiomicsSettings = RadiomicsSettings(), imageTypes: [ImageTypeSetting]? = nil, featureClasses: [FeatureClassSetting]? = nil
    ) {
        self.settings = settings
        self.imageTypes = imageTypes ?? [ImageTypeSetting(kind: .original, settings: settings)]
        self.featureClasses =
            featureClasses ?? [.firstorder, .shape, .glcm, .gldm, .glrlm, .glszm, .ngtdm].map { FeatureClassSetting(kind: $0) }
    }
}
