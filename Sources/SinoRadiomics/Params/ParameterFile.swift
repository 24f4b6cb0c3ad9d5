import Foundation

/// A parameter file as PyRadiomics 3.0.1 holds it after `RadiomicsFeatureExtractor(path)`: the
/// parameters SinoRadiomics extracts with, and the extractor's own dicts with every value as
/// the file wrote it (for diagnostics printed exactly as PyRadiomics prints them).
public struct ParameterDocument: Sendable, Equatable {
    /// What the file asks for.
    public var parameters: RadiomicsParameters
    /// `extractor.settings`: the extractor defaults (`_getDefaultSettings()`), updated with the
    /// file's `setting`, then its `voxelSetting`, keys in that order.
    public var settings: PythonDict
    /// `extractor.enabledImagetypes`: the file's `imageType` map, or `{'Original': {}}`.
    public var imageTypes: PythonDict
    /// `extractor.enabledFeatures`: the file's `featureClass` map (None or a list per class),
    /// or every class with `[]`.
    public var featureClasses: PythonDict

    /// A document from its parts (`ParameterFile.load` builds them from a file).
    public init(parameters: RadiomicsParameters, settings: PythonDict, imageTypes: PythonDict, featureClasses: PythonDict) {
        self.parameters = parameters
        self.settings = settings
        self.imageTypes = imageTypes
        self.featureClasses = featureClasses
    }

    /// `str(extractor.settings)`: what diagnostics_Configuration_Settings shows (before
    /// `execute` adds its `label`/`voxelBased` overrides).
    public var settingsDescription: String { settings.repr }

    /// `str(extractor.enabledImagetypes)`: what diagnostics_Configuration_EnabledImageTypes shows.
    public var imageTypesDescription: String { imageTypes.repr }

    /// The extractor without a parameter file (`RadiomicsFeatureExtractor()`): default settings,
    /// Original only, every class but shape2D.
    public static var defaults: ParameterDocument {
        ParameterDocument(
            parameters: RadiomicsParameters(), settings: ParameterFile.extractorDefaults, imageTypes: PythonDict([("Original", .dict(PythonDict()))]),
            featureClasses: PythonDict(FeatureCatalogue.classOrder.filter { $0 != .shape2D }.map { ($0.rawValue, PythonValue.list([])) }))
    }
}

/// Reads PyRadiomics 3.0.1 parameter files (YAML or JSON; sections `setting`, `voxelSetting`,
/// `imageType`, `featureClass`) into `RadiomicsParameters`, checking them as PyRadiomics does
/// (`featureextractor.RadiomicsFeatureExtractor._applyParams`: pykwalify with
/// radiomics/schemas/paramSchema.yaml and schemaFuncs.py) and also refusing values PyRadiomics
/// loads but cannot extract with. Every problem is reported at once, one per line, each with
/// its path in the file (`setting.binWidth: expected a number > 0, got -5`); nothing is
/// returned when there is any.
///
/// Semantics (PyRadiomics' `_applyParams`): the settings start from the extractor defaults,
/// then `setting` and `voxelSetting` apply; each image type's custom settings (any `setting`
/// key) apply over the global ones for that type only; no or an empty `imageType` enables
/// Original alone; no or an empty `featureClass` enables every class, shape2D included; a
/// class given null or `[]` computes its non-deprecated features.
public enum ParameterFile {
    /// The file name endings pykwalify reads (anything else is refused).
    public static let extensions = [".yaml", ".yml", ".json"]

    /// Reads and checks the parameter file at `path` (mirrors `RadiomicsFeatureExtractor(path)`).
    /// Throws `RadiomicsError(.parameters, ...)` listing every problem.
    public static func read(path: String) throws -> RadiomicsParameters {
        try load(path: path).parameters
    }

    /// Checks parameter-file `text`; `source` names it in errors and chooses the syntax (JSON for
    /// a name ending in `.json`, YAML otherwise).
    public static func parse(text: String, source: String) throws -> RadiomicsParameters {
        try document(text: text, source: source).parameters
    }

    /// `read(path:)` with PyRadiomics' dicts kept (see `ParameterDocument`).
    public static func load(path: String) throws -> ParameterDocument {
        guard extensions.contains(where: { path.hasSuffix($0) }) else {
            throw RadiomicsError(
                .parameters, file: path,
                "the file name must end in .yaml, .yml or .json (pykwalify, which PyRadiomics reads parameter files with, "
                    + "picks the format by that ending)")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RadiomicsError(.parameters, file: path, "the parameter file does not exist or cannot be read")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw RadiomicsError(.parameters, file: path, "the parameter file is not UTF-8 text")
        }
        return try document(text: text, source: path)
    }

    /// `parse(text:source:)` with PyRadiomics' dicts kept (see `ParameterDocument`).
    public static func document(text: String, source: String) throws -> ParameterDocument {
        let root: PythonValue?
        do {
            root = source.hasSuffix(".json") ? try ParameterSyntax.json(text) : try ParameterSyntax.yaml(text)
        } catch {
            throw RadiomicsError(.parameters, file: source, "the file \(error.message)")
        }
        var reader = DocumentReader()
        let document = reader.read(root)
        guard reader.schema.problems.isEmpty, let document else {
            throw RadiomicsError(.parameters, file: source, reader.schema.problems.joined(separator: "\n"))
        }
        return document
    }

    // MARK: Describing parameters as PyRadiomics prints them

    /// `extractor.settings` without a parameter file (`_getDefaultSettings()`), in its order.
    public static let extractorDefaults = PythonDict([
        ("minimumROIDimensions", .int(2)), ("minimumROISize", .none), ("normalize", .bool(false)), ("normalizeScale", .int(1)),
        ("removeOutliers", .none), ("resampledPixelSpacing", .none), ("interpolator", .string("sitkBSpline")), ("preCrop", .bool(false)),
        ("padDistance", .int(5)), ("distances", .list([.int(1)])), ("force2D", .bool(false)), ("force2Ddimension", .int(0)),
        ("resegmentRange", .none), ("label", .int(1)), ("additionalInfo", .bool(true))
    ])

    /// The settings as PyRadiomics' diagnostics_Configuration_Settings prints them (`str()` of the
    /// settings dict), rebuilt from `p.settings`: the extractor defaults' keys in their order,
    /// then every other setting whose value is not the default, in the schema's order. Exact
    /// for parameters without a file; for a file, `ParameterDocument.settingsDescription` is
    /// exact (PyRadiomics also prints keys a file sets to their default, in the file's order,
    /// and a whole number as the file spelled it, `25` or `25.0`; here whole numbers print as
    /// ints, LoG sigmas as written).
    public static func describe(_ p: RadiomicsParameters) -> String {
        pythonSettings(p.settings).repr
    }

    /// The enabled image types as diagnostics_Configuration_EnabledImageTypes prints them:
    /// `{'Original': {}, 'LoG': {'sigma': [1.0, 2.0]}}`, each type with its custom keys.
    public static func describeImageTypes(_ p: RadiomicsParameters) -> String {
        var dict = PythonDict()
        for type in p.imageTypes {
            dict[type.kind.rawValue] = .dict(PythonDict(type.customKeys.map { ($0, pythonValue($0, type.settings)) }))
        }
        return dict.repr
    }

    /// The settings dict PyRadiomics would hold for `s` (see `describe`).
    static func pythonSettings(_ s: RadiomicsSettings) -> PythonDict {
        var dict = PythonDict()
        for key in extractorDefaults.keys {
            guard case .string(let k) = key else { continue }
            dict[k] = pythonValue(k, s)
        }
        let defaults = RadiomicsSettings()
        for k in ParameterSchema.settingKeys + ParameterSchema.voxelKeys where dict[k] == nil {
            let v = pythonValue(k, s)
            if v != pythonValue(k, defaults) { dict[k] = v }
        }
        return dict
    }

    /// One setting of `s` as a Python value, under its parameter-file key.
    static func pythonValue(_ key: String, _ s: RadiomicsSettings) -> PythonValue {
        func num(_ x: Double) -> PythonValue { x.isFinite && x == x.rounded() && abs(x) < 1e15 ? .int(Int(x)) : .float(x) }
        func opt<T>(_ x: T?, _ f: (T) -> PythonValue) -> PythonValue { x.map(f) ?? .none }
        switch key {
        case "minimumROIDimensions": return .int(s.minimumROIDimensions)
        case "minimumROISize": return opt(s.minimumROISize) { .int($0) }
        case "geometryTolerance": return opt(s.geometryTolerance, num)
        case "correctMask": return .bool(s.correctMask)
        case "additionalInfo": return .bool(s.additionalInfo)
        case "label": return .int(s.label)
        case "label_channel": return .int(s.labelChannel)
        case "binWidth": return num(s.binWidth)
        case "binCount": return opt(s.binCount) { .int($0) }
        case "normalize": return .bool(s.normalize)
        case "normalizeScale": return num(s.normalizeScale)
        case "removeOutliers": return opt(s.removeOutliers, num)
        case "resampledPixelSpacing": return opt(s.resampledPixelSpacing) { .list($0.map(num)) }
        case "interpolator": return opt(s.interpolator) { .string($0.rawValue) }
        case "padDistance": return .int(s.padDistance)
        case "distances": return .list(s.distances.map { .int($0) })
        case "force2D": return .bool(s.force2D)
        case "force2Ddimension": return .int(s.force2Ddimension)
        case "resegmentRange": return opt(s.resegmentRange) { .list($0.map(num)) }
        case "resegmentMode": return .string(s.resegmentMode.rawValue)
        case "resegmentShape": return .bool(s.resegmentShape)
        case "preCrop": return .bool(s.preCrop)
        case "sigma": return .list(s.sigma.map { Int($0.text).map(PythonValue.int) ?? .float($0.value) })
        case "start_level": return .int(s.startLevel)
        case "level": return .int(s.level)
        case "wavelet": return .string(s.wavelet)
        case "gradientUseSpacing": return .bool(s.gradientUseSpacing)
        case "lbp2DRadius": return num(s.lbp2DRadius)
        case "lbp2DSamples": return .int(s.lbp2DSamples)
        case "lbp2DMethod": return .string(s.lbp2DMethod.rawValue)
        case "lbp3DLevels": return .int(s.lbp3DLevels)
        case "lbp3DIcosphereRadius": return num(s.lbp3DIcosphereRadius)
        case "lbp3DIcosphereSubdivision": return .int(s.lbp3DIcosphereSubdivision)
        case "voxelArrayShift": return num(s.voxelArrayShift)
        case "symmetricalGLCM": return .bool(s.symmetricalGLCM)
        case "weightingNorm": return opt(s.weightingNorm) { .string($0.rawValue) }
        case "gldm_a": return num(s.gldmA)
        case "kernelRadius": return .int(s.kernelRadius)
        case "maskedKernel": return .bool(s.maskedKernel)
        case "initValue": return num(s.initValue)
        case "voxelBatch": return .int(s.voxelBatch)
        default: return .none
        }
    }
}

/// Walks a loaded file section by section, collecting problems in `schema`.
private struct DocumentReader {
    var schema = ParameterSchema()

    /// The document, or nil with problems recorded.
    mutating func read(_ root: PythonValue?) -> ParameterDocument? {
        guard let root else {
            schema.problem("", "the file holds no parameters (PyRadiomics: 'No source file/data was loaded'); write {} for the defaults")
            return nil
        }
        guard case .dict(let top) = root else {
            schema.problem("", "expected a mapping with the sections setting, voxelSetting, imageType and featureClass, got \(ParameterSchema.shown(root))")
            return nil
        }
        var sectionValues: [String: PythonDict] = [:]
        for (key, value) in top.entries {
            let name = ParameterSyntax.join("", key)
            guard case .string(let k) = key, ParameterSchema.sections.contains(k) else {
                schema.problem(
                    name,
                    "not a section of a parameter file (setting, voxelSetting, imageType, featureClass)"
                        + ParameterSchema.suggestion(name, ParameterSchema.sections))
                continue
            }
            guard case .dict(let d) = value else {
                let what = k == "imageType" ? "image types" : k == "featureClass" ? "feature classes" : "settings"
                schema.problem(k, "expected a mapping of \(what), got \(ParameterSchema.shown(value)) (write {} or leave the section out)")
                continue
            }
            sectionValues[k] = d
        }

        // Global settings: extractor defaults, then `setting`, then `voxelSetting`.
        var settings = RadiomicsSettings()
        var settingsDict = ParameterFile.extractorDefaults
        for (section, voxel) in [("setting", false), ("voxelSetting", true)] {
            for (key, value) in (sectionValues[section] ?? PythonDict()).entries {
                readSetting(key, value, section: section, voxel: voxel, into: &settings)
                settingsDict[key] = value
            }
        }

        // Image types, each with the global settings and its own over them.
        var imageTypes: [ImageTypeSetting] = []
        let imageTypeDict = sectionValues["imageType"] ?? PythonDict()
        for (key, value) in imageTypeDict.entries {
            let path = ParameterSyntax.join("imageType", key)
            let name = ParameterSyntax.join("", key)
            guard case .string(let k) = key, let kind = ImageTypeKind(rawValue: k) else {
                schema.problem(
                    path, "not an image type PyRadiomics knows" + ParameterSchema.suggestion(name, ImageTypeKind.allCases.map(\.rawValue), listing: true))
                continue
            }
            guard case .dict(let custom) = value else {
                schema.problem(path, "expected a mapping of custom settings, got \(ParameterSchema.shown(value)) (write \(k): {} for none)")
                continue
            }
            var typeSettings = settings
            var keys: [String] = []
            for (ck, cv) in custom.entries {
                readSetting(ck, cv, section: path, voxel: false, into: &typeSettings)
                keys.append(ParameterSyntax.join("", ck))
            }
            imageTypes.append(ImageTypeSetting(kind: kind, settings: typeSettings, customKeys: keys))
        }

        // Feature classes.
        var classes: [FeatureClassSetting] = []
        let classDict = sectionValues["featureClass"] ?? PythonDict()
        for (key, value) in classDict.entries {
            if let c = readFeatureClass(key, value) { classes.append(c) }
        }

        guard schema.problems.isEmpty else { return nil }
        let enabledTypes =
            imageTypeDict.isEmpty ? PythonDict([("Original", .dict(PythonDict()))]) : imageTypeDict
        if imageTypes.isEmpty { imageTypes = [ImageTypeSetting(kind: .original, settings: settings)] }
        let enabledFeatures =
            classDict.isEmpty ? PythonDict(FeatureCatalogue.classOrder.map { ($0.rawValue, PythonValue.list([])) }) : classDict
        if classes.isEmpty { classes = FeatureCatalogue.classOrder.map { FeatureClassSetting(kind: $0) } }
        return ParameterDocument(
            parameters: RadiomicsParameters(settings: settings, imageTypes: imageTypes, featureClasses: classes), settings: settingsDict,
            imageTypes: enabledTypes, featureClasses: enabledFeatures)
    }

    /// One key of `setting`, `voxelSetting` or an image type's custom settings.
    mutating func readSetting(_ key: PythonValue, _ value: PythonValue, section: String, voxel: Bool, into settings: inout RadiomicsSettings) {
        let name = ParameterSyntax.join("", key)
        let path = ParameterSyntax.join(section, key)
        if case .string(let k) = key, schema.apply(key: k, value: value, path: path, voxel: voxel, to: &settings) { return }
        let own = voxel ? ParameterSchema.voxelKeys : ParameterSchema.settingKeys
        let other = voxel ? ParameterSchema.settingKeys : ParameterSchema.voxelKeys
        if other.contains(name) {
            let place = voxel ? "setting (or an image type's settings)" : "voxelSetting (it cannot be set per image type)"
            schema.problem(path, "\(name) belongs under \(place)")
        } else {
            let what = voxel ? "voxelSetting" : "setting"
            schema.problem(path, "not a \(what) PyRadiomics knows" + ParameterSchema.suggestion(name, own))
        }
    }

    /// One entry of `featureClass`: null or [] for every non-deprecated feature, else a list of
    /// the class's feature names (deprecated ones allowed; repeats count once).
    mutating func readFeatureClass(_ key: PythonValue, _ value: PythonValue) -> FeatureClassSetting? {
        let path = ParameterSyntax.join("featureClass", key)
        let name = ParameterSyntax.join("", key)
        guard case .string(let k) = key, let kind = FeatureClassKind(rawValue: k) else {
            schema.problem(
                path, "not a feature class PyRadiomics knows" + ParameterSchema.suggestion(name, FeatureCatalogue.classOrder.map(\.rawValue), listing: true))
            return nil
        }
        let title = ["firstorder": "firstorder", "shape": "shape", "shape2D": "shape2D"][k] ?? k.uppercased()
        switch value {
        case .none:
            return FeatureClassSetting(kind: kind)
        case .list(let items):
            if items.isEmpty { return FeatureClassSetting(kind: kind) }
            let known = FeatureCatalogue.names(kind)
            var features: [String] = []
            var ok = true
            for item in items {
                guard case .string(let feature) = item, known.contains(feature) else {
                    ok = false
                    let shown = item.repr
                    var text = "\(shown) is not a \(title) feature"
                    if case .string(let s) = item {
                        let elsewhere = FeatureCatalogue.classOrder.filter { $0 != kind && FeatureCatalogue.names($0).contains(s) }.map(\.rawValue)
                        let hint = ParameterSchema.suggestion(s, known)
                        if hint.isEmpty && !elsewhere.isEmpty {
                            text += " (it is one of \(elsewhere.joined(separator: " and ")))"
                        } else {
                            text += hint
                        }
                    }
                    schema.problem(path, text)
                    continue
                }
                if !features.contains(feature) { features.append(feature) }
            }
            return ok ? FeatureClassSetting(kind: kind, features: features) : nil
        default:
            var text = "expected a list of \(title) feature names, or nothing for all of them, got \(ParameterSchema.shown(value))"
            if case .string(let s) = value { text += " (write [\(s)])" }
            schema.problem(path, text)
            return nil
        }
    }
}
