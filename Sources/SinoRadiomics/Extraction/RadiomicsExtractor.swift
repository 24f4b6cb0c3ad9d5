import SinoData
import SinoImaging

/// PyRadiomics 3.0.1's `RadiomicsFeatureExtractor` for one image and mask: load, normalise,
/// resample or pre-crop, check the mask, resegment, shape, then every enabled image type's
/// feature classes, with PyRadiomics' output names and order.
///
///     let extractor = RadiomicsExtractor(parameters: try ParameterFile.read(path: "params.yaml"))
///     let result = try extractor.execute(imagePath: "ct.nrrd", maskPath: "seg.nrrd")
///     for (key, value) in result.features { print(key, value) }
public struct RadiomicsExtractor: Sendable {
    public var parameters: RadiomicsParameters
    /// The parameter file as PyRadiomics loaded it, for the exact text of
    /// `diagnostics_Configuration_*` (nil: the text is rebuilt from `parameters`).
    public var document: ParameterDocument?
    /// Whether to compute the `diagnostics_*` entries (when the settings' additionalInfo is
    /// true too). Leaving them out saves hashing and scanning the whole image.
    public var diagnostics = true

    public init(parameters: RadiomicsParameters = RadiomicsParameters()) {
        self.parameters = parameters
    }

    /// An extractor for a parameter file as loaded by `ParameterFile.load(path:)`.
    public init(document: ParameterDocument) {
        self.parameters = document.parameters
        self.document = document
    }

    /// `diagnostics_Configuration_Settings` and `_EnabledImageTypes`: Python's `str()` of
    /// the settings dict (with the label used and, in voxel mode, `voxelBased: True`) and of
    /// the image-type dict.
    func configurationText(label: Int, voxelBased: Bool) -> (settings: String, imageTypes: String) {
        guard let document else {
            var text = ParameterFile.describe(parameters)
            if text.hasSuffix("}") && voxelBased { text.removeLast(); text += ", 'voxelBased': True}" }
            return (text, ParameterFile.describeImageTypes(parameters))
        }
        var settings = document.settings
        settings["label"] = .int(label)
        if voxelBased { settings["voxelBased"] = .bool(true) }
        return (settings.repr, document.imageTypesDescription)
    }

    /// The versions reported in `diagnostics_Versions_*`.
    public static let versions: [(String, String)] = [("SinoRad", SinoRadVersion.current), ("PyRadiomics", "v3.0.1 (reproduced)")]

    /// Reads the files (NIfTI or NRRD) and extracts.
    public func execute(imagePath: String, maskPath: String, label: Int? = nil, voxelBased: Bool = false) throws -> RadiomicsResult {
        let image = try RadiomicsImage.read(imagePath)
        let mask = try RadiomicsImage.read(maskPath)
        return try execute(image: image, mask: mask, label: label, voxelBased: voxelBased, imageName: imagePath, maskName: maskPath, readFromFile: true)
    }

    /// Extracts from images in memory. `imageName` and `maskName` appear in error messages.
    public func execute(
        image loaded: RadiomicsImage, mask rawMask: RadiomicsImage, label: Int? = nil, voxelBased: Bool = false, imageName: String = "image",
        maskName: String = "mask"
    ) throws -> RadiomicsResult {
        try execute(image: loaded, mask: rawMask, label: label, voxelBased: voxelBased, imageName: imageName, maskName: maskName, readFromFile: false)
    }

    /// `readFromFile`: the image is `RadiomicsImage.read`'s, whose integer images (a file's
    /// integer voxels, never rescaled: a rescaled one is float) cannot hold NaN or infinity, so
    /// their scan is skipped.
    func execute(
        image loaded: RadiomicsImage, mask rawMask: RadiomicsImage, label: Int?, voxelBased: Bool, imageName: String, maskName: String, readFromFile: Bool
    ) throws -> RadiomicsResult {
        var settings = parameters.settings
        if let label { settings.label = label }
        let label = settings.label
        if !(readFromFile && loaded.pixelType.isInteger) { try Self.checkValues(loaded, name: imageName) }
        var diagnostics = Diagnostics()
        let additionalInfo = settings.additionalInfo && self.diagnostics
        if additionalInfo {
            diagnostics.addVersions(Self.versions)
            let text = configurationText(label: label, voxelBased: voxelBased)
            diagnostics.addConfiguration(settings: text.settings, imageTypes: text.imageTypes)
        }

        // loadImage
        var mask = try MaskChecks.getMask(rawMask, label: label, file: maskName)
        if additionalInfo {
            diagnostics.addImage(loaded, prefix: "original")
            diagnostics.addMask(mask, image: nil, label: label, prefix: "original")
        }
        var image = loaded
        if settings.normalize {
            image = Normalisation.normalize(image, scale: settings.normalizeScale, removeOutliers: settings.removeOutliers)
        }
        if settings.interpolator != nil && settings.resampledPixelSpacing != nil {
            (image, mask) = try Resampling.resample(image: image, mask: mask, settings: settings)
            if additionalInfo {
                diagnostics.addImage(image, prefix: "interpolated")
                diagnostics.addMask(mask, image: image, label: label, prefix: "interpolated")
            }
        } else if settings.preCrop {
            let check = try MaskChecks.checkMask(image: image, mask: mask, settings: settings, file: maskName)
            if let corrected = check.correctedMask { mask = corrected }
            (image, mask) = Resampling.cropToTumorMask(image, mask, check.boundingBox, padDistance: settings.padDistance)
        }

        // checkMask, resegmentation
        var check = try MaskChecks.checkMask(image: image, mask: mask, settings: settings, file: maskName)
        if let corrected = check.correctedMask {
            if additionalInfo { diagnostics.addMask(corrected, image: image, label: label, prefix: "corrected") }
            mask = corrected
        }
        var resegmented: RadiomicsImage?
        if settings.resegmentRange != nil {
            let newMask = try Resegmentation.resegment(image: image, mask: mask, settings: settings)
            check = try MaskChecks.checkMask(image: image, mask: newMask, settings: settings, file: maskName)
            if additionalInfo { diagnostics.addMask(newMask, image: image, label: label, prefix: "resegmented") }
            resegmented = newMask
        }
        var result = RadiomicsResult(entries: diagnostics.entries)
        let boundingBox = check.boundingBox

        // Shape, on the image cropped to the box without padding.
        if settings.resegmentShape, let resegmented { mask = resegmented }
        if !voxelBased {
            result.entries += try shapeFeatures(image: image, mask: mask, boundingBox: boundingBox, settings: settings)
        }
        if let resegmented { mask = resegmented }

        // Image types and their feature classes.
        let kernelRadius = voxelBased ? settings.kernelRadius : 0
        let classes = parameters.featureClasses.filter { $0.kind != .shape && $0.kind != .shape2D }
        // Only the box cropToTumorMask keeps is ever used: the filters compute just that and
        // return their images cropped to it.
        let region = Resampling.paddedBox(boundingBox, size: mask.size, padDistance: kernelRadius)
        let croppedMask = mask.cropped(lower: [region[0], region[2], region[4]], extent: (0..<3).map { region[2 * $0 + 1] - region[2 * $0] + 1 })
        for type in parameters.imageTypes {
            var typeSettings = type.settings
            if !type.customKeys.contains("label") { typeSettings.label = label }
            let setting = ImageTypeSetting(kind: type.kind, settings: typeSettings)
            for (prefix, croppedImage) in try ImageTypeFilters.images(for: setting, image: image, mask: mask, region: region) {
                let box = ROIBox(image: croppedImage, mask: croppedMask, label: label)
                if voxelBased {
                    for (name, values) in try VoxelFeatureMaps.compute(box, classes: classes, settings: typeSettings) {
                        let key = "\(prefix)_\(name)"
                        result.maps.append((key, croppedImage.withValues(values, pixelType: .float64)))
                    }
                } else {
                    // Every class that bins the image bins it alike: once per image.
                    var discretised: DiscretisedROI?
                    for setting in classes {
                        let type = Self.featureClass(setting.kind)
                        let names = setting.features ?? FeatureCatalogue.defaultFeatures(setting.kind)
                        let values: [Double]
                        if type.usesDiscretisation {
                            let levels = try discretised ?? Discretisation.discretise(box, settings: typeSettings)
                            discretised = levels
                            values = try type.compute(box, discretised: levels, settings: typeSettings, names: names)
                        } else {
                            values = try type.compute(box, settings: typeSettings, names: names)
                        }
                        for (name, value) in zip(names, values) { result.entries.append(("\(prefix)_\(setting.kind.rawValue)_\(name)", .number(value))) }
                    }
                }
            }
        }
        return result
    }

    /// PyRadiomics' `computeShape`: shape (3-D images) then shape2D (2-D images, or 3-D with
    /// force2D when the box's ITK-order extent at index force2Ddimension exceeds 1: PyRadiomics
    /// mixes the axis orders here, and so does SinoRad).
    func shapeFeatures(image: RadiomicsImage, mask: RadiomicsImage, boundingBox: [Int], settings: RadiomicsSettings) throws -> [(
        key: String, value: RadiomicsValue
    )] {
        let enabled = parameters.featureClasses
        guard enabled.contains(where: { $0.kind == .shape || $0.kind == .shape2D }) else { return [] }
        let (croppedImage, croppedMask) = Resampling.cropToTumorMask(image, mask, boundingBox, padDistance: 0)
        let box = ROIBox(image: croppedImage, mask: croppedMask, label: settings.label)
        var out: [(key: String, value: RadiomicsValue)] = []
        func compute(_ kind: FeatureClassKind, _ type: any RadiomicsFeatureClass.Type) throws {
            guard let setting = enabled.first(where: { $0.kind == kind }) else { return }
            let names = setting.features ?? FeatureCatalogue.defaultFeatures(setting.kind)
            let values = try type.compute(box, settings: settings, names: names)
            for (name, value) in zip(names, values) { out.append(("original_\(kind.rawValue)_\(name)", .number(value))) }
        }
        if image.dimension == 3 { try compute(.shape, ShapeFeatures.self) }
        if image.dimension == 2 {
            try compute(.shape2D, Shape2DFeatures.self)
        } else if settings.force2D && (0..<3).contains(settings.force2Ddimension)
            && boundingBox[2 * settings.force2Ddimension + 1] - boundingBox[2 * settings.force2Ddimension] + 1 > 1
        {
            try compute(.shape2D, Shape2DFeatures.self)
        }
        return out
    }

    static func featureClass(_ kind: FeatureClassKind) -> any RadiomicsFeatureClass.Type {
        switch kind {
        case .firstorder: return FirstOrderFeatures.self
        case .shape: return ShapeFeatures.self
        case .shape2D: return Shape2DFeatures.self
        case .glcm: return GLCMFeatures.self
        case .glrlm: return GLRLMFeatures.self
        case .glszm: return GLSZMFeatures.self
        case .gldm: return GLDMFeatures.self
        case .ngtdm: return NGTDMFeatures.self
        }
    }

    /// SinoRad refuses NaN or infinite voxels (PyRadiomics would carry them into every
    /// feature); the message names the first one.
    static func checkValues(_ image: RadiomicsImage, name: String) throws {
        guard !image.values.withUnsafeBufferPointer(ValueScan.allFinite), let i = image.values.firstIndex(where: { !$0.isFinite }) else { return }
        let x = i % image.size[0]
        let y = (i / image.size[0]) % image.size[1]
        let z = i / (image.size[0] * image.size[1])
        let bad = image.values.reduce(0) { $0 + ($1.isFinite ? 0 : 1) }
        throw RadiomicsError(
            .unsupportedImage, file: name, "holds \(bad) NaN or infinite voxel(s), the first at index (x \(x), y \(y), z \(z)); radiomics needs finite intensities")
    }
}
