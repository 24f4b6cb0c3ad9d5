/// PyRadiomics 3.0.1's feature names per class, image types and wavelet names: what a parameter
/// file may name. Taken from the reference install (`getFeatureNames()` of each class,
/// `getImageTypes()`, `pywt.wavelist()`) by scripts/peers/radiomics_params.py; the
/// `ParameterFileTests` check every list against that fixture.
public enum FeatureCatalogue {
    /// Every feature of `kind`, deprecated ones included, in PyRadiomics' order (the order of
    /// `getFeatureNames()`, i.e. of the `get<Name>FeatureValue` methods sorted by name), which is
    /// the order PyRadiomics computes them in when a class is enabled without a list.
    public static func names(_ kind: FeatureClassKind) -> [String] {
        switch kind {
        case .firstorder:
            return [
                "10Percentile", "90Percentile", "Energy", "Entropy", "InterquartileRange", "Kurtosis", "Maximum", "MeanAbsoluteDeviation", "Mean",
                "Median", "Minimum", "Range", "RobustMeanAbsoluteDeviation", "RootMeanSquared", "Skewness", "StandardDeviation", "TotalEnergy",
                "Uniformity", "Variance"
            ]
        case .shape:
            return [
                "Compactness1", "Compactness2", "Elongation", "Flatness", "LeastAxisLength", "MajorAxisLength", "Maximum2DDiameterColumn",
                "Maximum2DDiameterRow", "Maximum2DDiameterSlice", "Maximum3DDiameter", "MeshVolume", "MinorAxisLength", "SphericalDisproportion",
                "Sphericity", "SurfaceArea", "SurfaceVolumeRatio", "VoxelVolume"
            ]
        case .shape2D:
            return [
                "Elongation", "MajorAxisLength", "MaximumDiameter", "MeshSurface", "MinorAxisLength", "Perimeter", "PerimeterSurfaceRatio",
                "PixelSurface", "SphericalDisproportion", "Sphericity"
            ]
        case .glcm:
            return [
                "Autocorrelation", "ClusterProminence", "ClusterShade", "ClusterTendency", "Contrast", "Correlation", "DifferenceAverage",
                "DifferenceEntropy", "DifferenceVariance", "Dissimilarity", "Homogeneity1", "Homogeneity2", "Id", "Idm", "Idmn", "Idn", "Imc1",
                "Imc2", "InverseVariance", "JointAverage", "JointEnergy", "JointEntropy", "MCC", "MaximumProbability", "SumAverage", "SumEntropy",
                "SumSquares", "SumVariance"
            ]
        case .glrlm:
            return [
                "GrayLevelNonUniformity", "GrayLevelNonUniformityNormalized", "GrayLevelVariance", "HighGrayLevelRunEmphasis", "LongRunEmphasis",
                "LongRunHighGrayLevelEmphasis", "LongRunLowGrayLevelEmphasis", "LowGrayLevelRunEmphasis", "RunEntropy", "RunLengthNonUniformity",
                "RunLengthNonUniformityNormalized", "RunPercentage", "RunVariance", "ShortRunEmphasis", "ShortRunHighGrayLevelEmphasis",
                "ShortRunLowGrayLevelEmphasis"
            ]
        case .glszm:
            return [
                "GrayLevelNonUniformity", "GrayLevelNonUniformityNormalized", "GrayLevelVariance", "HighGrayLevelZoneEmphasis", "LargeAreaEmphasis",
                "LargeAreaHighGrayLevelEmphasis", "LargeAreaLowGrayLevelEmphasis", "LowGrayLevelZoneEmphasis", "SizeZoneNonUniformity",
                "SizeZoneNonUniformityNormalized", "SmallAreaEmphasis", "SmallAreaHighGrayLevelEmphasis", "SmallAreaLowGrayLevelEmphasis",
                "ZoneEntropy", "ZonePercentage", "ZoneVariance"
            ]
        case .gldm:
            return [
                "DependenceEntropy", "DependenceNonUniformity", "DependenceNonUniformityNormalized", "DependencePercentage", "DependenceVariance",
                "GrayLevelNonUniformity", "GrayLevelNonUniformityNormalized", "GrayLevelVariance", "HighGrayLevelEmphasis",
                "LargeDependenceEmphasis", "LargeDependenceHighGrayLevelEmphasis", "LargeDependenceLowGrayLevelEmphasis", "LowGrayLevelEmphasis",
                "SmallDependenceEmphasis", "SmallDependenceHighGrayLevelEmphasis", "SmallDependenceLowGrayLevelEmphasis"
            ]
        case .ngtdm:
            return [
                "Busyness", "Coarseness", "Complexity", "Contrast", "Strength"
            ]
        }
    }

    /// The deprecated features of `kind` (`@deprecated` in PyRadiomics): enabled only when a
    /// parameter file names them.
    public static func deprecated(_ kind: FeatureClassKind) -> [String] {
        switch kind {
        case .firstorder: return ["StandardDeviation"]
        case .shape: return ["Compactness1", "Compactness2", "SphericalDisproportion"]
        case .shape2D: return ["SphericalDisproportion"]
        case .glcm: return ["Dissimilarity", "Homogeneity1", "Homogeneity2", "SumVariance"]
        case .glrlm: return []
        case .glszm: return []
        case .gldm: return ["DependencePercentage", "GrayLevelNonUniformityNormalized"]
        case .ngtdm: return []
        }
    }

    /// The deprecated features whose PyRadiomics method raises `DeprecationWarning`: named in a
    /// parameter file they are accepted but give no value (GLCM's and GLDM's). The other
    /// deprecated features (firstorder StandardDeviation, shape Compactness1/2 and
    /// SphericalDisproportion, shape2D SphericalDisproportion) are computed when named.
    public static func yieldsNothing(_ kind: FeatureClassKind) -> [String] {
        kind == .glcm || kind == .gldm ? deprecated(kind) : []
    }

    /// The features a class computes when enabled without a list (null or `[]`): every
    /// non-deprecated one, in `names(_:)` order.
    public static func defaultFeatures(_ kind: FeatureClassKind) -> [String] {
        let old = Set(deprecated(kind))
        return names(kind).filter { !old.contains($0) }
    }

    /// The feature classes in PyRadiomics' order (`getFeatureClasses()`: module names sorted),
    /// the order of `enabledFeatures` when a parameter file has no `featureClass`.
    public static let classOrder: [FeatureClassKind] = [.firstorder, .glcm, .gldm, .glrlm, .glszm, .ngtdm, .shape, .shape2D]

    /// The image types in PyRadiomics' order (`getImageTypes()`: the `get<Type>Image` functions
    /// sorted by name).
    public static let imageTypeOrder: [ImageTypeKind] = [
        .exponential, .gradient, .lbp2D, .lbp3D, .log, .logarithm, .original, .square, .squareRoot, .wavelet
    ]

    /// `pywt.wavelist(kind='discrete')` of PyWavelets as installed with the reference: the names the
    /// Wavelet filter (`pywt.swtn`) accepts.
    public static let discreteWavelets: [String] = [
        "bior1.1", "bior1.3", "bior1.5", "bior2.2", "bior2.4", "bior2.6", "bior2.8", "bior3.1", "bior3.3", "bior3.5", "bior3.7", "bior3.9",
        "bior4.4", "bior5.5", "bior6.8", "coif1", "coif2", "coif3", "coif4", "coif5", "coif6", "coif7", "coif8", "coif9", "coif10", "coif11",
        "coif12", "coif13", "coif14", "coif15", "coif16", "coif17", "db1", "db2", "db3", "db4", "db5", "db6", "db7", "db8", "db9", "db10", "db11",
        "db12", "db13", "db14", "db15", "db16", "db17", "db18", "db19", "db20", "db21", "db22", "db23", "db24", "db25", "db26", "db27", "db28",
        "db29", "db30", "db31", "db32", "db33", "db34", "db35", "db36", "db37", "db38", "dmey", "haar", "rbio1.1", "rbio1.3", "rbio1.5", "rbio2.2",
        "rbio2.4", "rbio2.6", "rbio2.8", "rbio3.1", "rbio3.3", "rbio3.5", "rbio3.7", "rbio3.9", "rbio4.4", "rbio5.5", "rbio6.8", "sym2", "sym3",
        "sym4", "sym5", "sym6", "sym7", "sym8", "sym9", "sym10", "sym11", "sym12", "sym13", "sym14", "sym15", "sym16", "sym17", "sym18", "sym19",
        "sym20"
    ]

    /// The continuous wavelets `pywt.wavelist()` also lists: PyRadiomics' parameter check accepts
    /// them, but its Wavelet filter fails on them (`pywt.Wavelet` is for discrete wavelets only).
    public static let continuousWavelets: [String] = [
        "cgau1", "cgau2", "cgau3", "cgau4", "cgau5", "cgau6", "cgau7", "cgau8", "cmor", "fbsp", "gaus1", "gaus2", "gaus3", "gaus4", "gaus5", "gaus6",
        "gaus7", "gaus8", "mexh", "morl", "shan"
    ]
}
