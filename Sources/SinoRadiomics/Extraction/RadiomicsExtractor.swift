import SinoData
import SinoImaging

/// The slices of a mask's grid that hold one label: their range on the third axis, the mask
/// cut to them after `getMask`, and the label's region in it. What an extraction that reads
/// only the ROI's slices of the image (`RadiomicsExtractor.readsOnlyROISlices`) works on.
struct ROISlices: Sendable {
    let range: Range<Int>
    let mask: RadiomicsImage
    let region: LabelRegion
    /// `getMask`'s cast of the whole mask and the label's region in it: what an image read
    /// whole is checked with.
    let whole: RadiomicsImage
    let wholeRegion: LabelRegion
}

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
        let mask = try RadiomicsImage.read(maskPath)
        return try execute(imagePath: imagePath, mask: mask, maskPath: maskPath, label: label, voxelBased: voxelBased) {
            Self.roiSlices(mask: mask, label: $0)
        }
    }

    /// Reads the image file and extracts with a mask already read from `maskPath`. When the
    /// features need nothing of the image but the ROI (`readsOnlyROISlices`), a .nii.gz image
    /// on the mask's grid is inflated only as far as the last slice holding the label:
    /// `roiSlices(label)` gives those slices (`roiSlices(mask:label:)`, which a batch keeps
    /// with its cached masks). The result is the whole image's, byte for byte.
    func execute(
        imagePath: String, mask: RadiomicsImage, maskPath: String, label: Int?, voxelBased: Bool, roiSlices: (Int) -> ROISlices?
    ) throws -> RadiomicsResult {
        let slices = roiSlices(label ?? parameters.settings.label)
        if readsOnlyROISlices(voxelBased: voxelBased), let slices, let image = try RadiomicsImage.read(imagePath, slices: slices.range, gridOf: mask) {
            return try execute(
                image: image, mask: mask, label: label, voxelBased: voxelBased, imageName: imagePath, maskName: maskPath, readFromFile: true,
                slices: slices)
        }
        let image = try RadiomicsImage.read(imagePath)
        return try execute(
            image: image, mask: mask, label: label, voxelBased: voxelBased, imageName: imagePath, maskName: maskPath, readFromFile: true,
            checkedMask: slices)
    }

    /// Whether the features read no image voxel outside the ROI: segment-based extraction of
    /// the Original image only (with the case's label), without normalisation or resampling
    /// (both read the whole image, and so do the filters). NaN and infinite voxels are then
    /// refused only inside the ROI: PyRadiomics' numbers do not depend on the others.
    func featuresReadOnlyROI(voxelBased: Bool) -> Bool {
        let settings = parameters.settings
        return !voxelBased && !settings.normalize && !(settings.interpolator != nil && settings.resampledPixelSpacing != nil)
            && parameters.imageTypes.allSatisfy { $0.kind == .original && !$0.customKeys.contains("label") }
    }

    /// `featuresReadOnlyROI`, and no diagnostics (they describe the whole image): the image's
    /// slices outside the ROI's need not be read.
    func readsOnlyROISlices(voxelBased: Bool) -> Bool {
        featuresReadOnlyROI(voxelBased: voxelBased) && !(parameters.settings.additionalInfo && diagnostics)
    }

    /// The slices (z, ITK order) holding `label` in `mask` once PyRadiomics' `getMask` has cast
    /// it; nil when none does or the mask is refused (reading the whole image then gives the
    /// error).
    static func roiSlices(mask: RadiomicsImage, label: Int) -> ROISlices? {
        guard let cast = try? MaskChecks.getMask(mask, label: label), let whole = LabelRegion(mask: cast, label: label) else { return nil }
        let range = whole.lower[2]..<(whole.upper[2] + 1)
        let part = cast.cropped(lower: [0, 0, range.lowerBound], extent: [cast.size[0], cast.size[1], range.count])
        guard let region = LabelRegion(mask: part, label: label) else { return nil }
        return ROISlices(range: range, mask: part, region: region, whole: cast, wholeRegion: whole)
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
    /// their scan is skipped. `slices`: the image holds only these slices of the mask's grid
    /// (`readsOnlyROISlices`), and their mask replaces `getMask`'s (it checked the whole mask).
    /// `checkedMask`: the image is whole and `rawMask`'s cast and label region are known (a
    /// batch's cached mask): `getMask` and the region's scan are not redone.
    func execute(
        image loaded: RadiomicsImage, mask rawMask: RadiomicsImage, label: Int?, voxelBased: Bool, imageName: String, maskName: String, readFromFile: Bool,
        slices: ROISlices? = nil, checkedMask: ROISlices? = nil
    ) throws -> RadiomicsResult {
        var settings = parameters.settings
        if let label { settings.label = label }
        let label = settings.label
        var diagnostics = Diagnostics()
        let additionalInfo = settings.additionalInfo && self.diagnostics
        if additionalInfo {
            diagnostics.addVersions(Self.versions)
            let text = configurationText(label: label, voxelBased: voxelBased)
            diagnostics.addConfiguration(settings: text.settings, imageTypes: text.imageTypes)
        }

        // loadImage
        var mask = try slices?.mask ?? checkedMask?.whole ?? MaskChecks.getMask(rawMask, label: label, file: maskName)
        // The label's region in `mask`, while `mask` is the one it was found in.
        var maskRegion = slices?.region ?? checkedMask?.wholeRegion
        if !(readFromFile && loaded.pixelType.isInteger) {
            if featuresReadOnlyROI(voxelBased: voxelBased) && mask.isOnGrid(of: loaded) {
                try Self.checkValues(loaded, roi: mask, label: label, name: imageName, firstSlice: slices?.range.lowerBound ?? 0)
            } else {
                try Self.checkValues(loaded, name: imageName)
            }
        }
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
            maskRegion = nil
            if additionalInfo {
                diagnostics.addImage(image, prefix: "interpolated")
                diagnostics.addMask(mask, image: image, label: label, prefix: "interpolated")
            }
        } else if settings.preCrop {
            let check = try MaskChecks.checkMask(image: image, mask: mask, settings: settings, file: maskName, region: maskRegion)
            if let corrected = check.correctedMask { mask = corrected }
            (image, mask) = Resampling.cropToTumorMask(image, mask, check.boundingBox, padDistance: settings.padDistance)
            maskRegion = nil
        }

        // checkMask, resegmentation
        var check = try MaskChecks.checkMask(image: image, mask: mask, settings: settings, file: maskName, region: maskRegion)
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

    /// SinoRad refuses NaN or infinite voxels where they would reach a feature (PyRadiomics
    /// would carry them into it): anywhere in the image when a filter, normalisation or
    /// resampling reads it whole, else inside the ROI (`checkValues(_:roi:...)`). The message
    /// names the first one.
    static func checkValues(_ image: RadiomicsImage, name: String) throws {
        guard !image.values.withUnsafeBufferPointer(ValueScan.allFinite) else { return }
        try refuse(image, name: name, where: { _ in true }, firstSlice: 0, inROI: nil)
    }

    /// NaN or infinite voxels inside the ROI (`label` in `mask`, on the image's grid) are refused;
    /// the others are let be. `firstSlice`: the image and mask are those slices of the file's
    /// grid (the message gives the file's index).
    static func checkValues(_ image: RadiomicsImage, roi mask: RadiomicsImage, label: Int, name: String, firstSlice: Int) throws {
        guard !image.values.withUnsafeBufferPointer(ValueScan.allFinite) else { return }
        let l = Double(label)
        try refuse(image, name: name, where: { mask.values[$0] == l }, firstSlice: firstSlice, inROI: label)
    }

    private static func refuse(_ image: RadiomicsImage, name: String, where counts: (Int) -> Bool, firstSlice: Int, inROI label: Int?) throws {
        var bad = 0
        var first = -1
        for (i, v) in image.values.enumerated() where !v.isFinite && counts(i) {
            bad += 1
            if first < 0 { first = i }
        }
        guard bad > 0 else { return }
        let x = first % image.size[0]
        let y = (first / image.size[0]) % image.size[1]
        let z = first / (image.size[0] * image.size[1]) + firstSlice
        let place = label.map { ", inside the ROI (label \($0))" } ?? ""
        throw RadiomicsError(
            .unsupportedImage, file: name,
            "holds \(bad) NaN or infinite voxel(s), the first at index (x \(x), y \(y), z \(z))\(place); radiomics needs finite intensities")
    }
}
