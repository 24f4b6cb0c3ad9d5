import Foundation
import TestSupport
import XCTest

@testable import SinoRadiomics

/// Parameter files against PyRadiomics 3.0.1 (scripts/peers/radiomics_params.py): the same
/// verdict on every file, the same settings, image types and features for the valid ones, and
/// a message naming the offending entry for the others.
final class ParameterFileTests: XCTestCase {
    static let fixtureName = "radiomics/params/params.json"
    nonisolated(unsafe) static var cached: [String: Any]?

    func fixture() throws -> [String: Any] {
        if let f = Self.cached { return f }
        let f = try Fixtures.json(Self.fixtureName)
        Self.cached = f
        return f
    }

    func files() throws -> [(name: String, entry: [String: Any])] {
        let files = try XCTUnwrap(fixture()["files"] as? [String: Any])
        return files.keys.sorted().map { ($0, files[$0] as! [String: Any]) }
    }

    func path(_ name: String) -> String { Fixtures.url("radiomics/params/\(name)").path }

    /// Files PyRadiomics loads and extracts with that SinoRad refuses on purpose.
    static let refusedOnPurpose: [String: String] = [
        "unusable_interpolator_bool.yaml": "PyRadiomics takes `interpolator: true` for code 1 (sitkNearestNeighbor); SinoRad asks for the name"
    ]

    /// Whether SinoRad must accept the file: PyRadiomics loads it and extracts with it (no
    /// exception, no feature NaN), unless the failure comes from the test case, not the file.
    func shouldAccept(_ name: String, _ entry: [String: Any]) -> Bool {
        guard entry["loads"] as? Bool == true, Self.refusedOnPurpose[name] == nil else { return false }
        if entry["dataDependent"] != nil { return true }
        for run in ["execute", "executeVoxel"] {
            guard let r = entry[run] as? [String: Any] else { continue }
            if r["ok"] as? Bool != true || (r["nanFeatures"] as? Int ?? 0) != 0 { return false }
        }
        return true
    }

    // MARK: Verdicts and messages

    func testVerdictOnEveryFile() throws {
        var accepted = 0
        var refused = 0
        var mismatches: [String] = []
        for (name, entry) in try files() {
            let expectValid = shouldAccept(name, entry)
            do {
                _ = try ParameterFile.read(path: path(name))
                accepted += 1
                if !expectValid { mismatches.append("\(name): accepted, PyRadiomics: \(entry["error"] ?? (entry["execute"] ?? ""))") }
            } catch let error as RadiomicsError {
                refused += 1
                XCTAssertEqual(error.kind, .parameters, name)
                if ProcessInfo.processInfo.environment["SINORAD_PRINT_MESSAGES"] != nil { print("== \(error)") }
                if expectValid {
                    mismatches.append("\(name): refused (\(error.message)), PyRadiomics accepts it")
                    continue
                }
                let key = try XCTUnwrap(entry["key"] as? String, "\(name) has no offending key recorded")
                if key != "(file)" {
                    XCTAssertTrue(error.message.contains(key), "\(name): the message does not name \(key):\n\(error.message)")
                }
                if entry["loads"] as? Bool == true, Self.refusedOnPurpose[name] == nil {
                    XCTAssertTrue(error.message.contains("PyRadiomics 3.0.1 loads this file"), "\(name): \(error.message)")
                }
            }
        }
        XCTAssertEqual(mismatches, [])
        print("parameter files: \(accepted) accepted, \(refused) refused (\(Self.refusedOnPurpose.count) of them on purpose)")
        reportComparison("parameter-file verdicts (\(accepted + refused) files)", tool: "PyRadiomics 3.0.1", maxRelDiff: Double(mismatches.count))
    }

    func testDeepNestingIsAnErrorNotACrash() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        for (source, text) in [("deep.json", "{\"setting\": \(deep)}"), ("deep.yaml", "setting: \(deep)\n")] {
            XCTAssertThrowsError(try ParameterFile.parse(text: text, source: source), source) { error in
                let message = (error as? RadiomicsError)?.message ?? "\(error)"
                XCTAssertTrue(message.contains("nested more than 512 deep") || message.contains("Maximum nesting level"), "\(source): \(message)")
            }
        }
    }

    func testMessagesListEveryProblem() throws {
        func message(_ name: String) -> String {
            do {
                _ = try ParameterFile.read(path: path(name))
                return ""
            } catch {
                return (error as? RadiomicsError)?.message ?? "\(error)"
            }
        }
        let many = message("bad_many.yaml")
        let lines = many.split(separator: "\n")
        for key in [
            "setting.binWidth", "setting.labl", "setting.interpolator", "imageType.Orginal", "imageType.LoG.sigma[0]", "featureClass.glcm",
            "featureClass.shape3D", "voxelSetting.kernelRadius"
        ] {
            XCTAssertEqual(lines.filter { $0.hasPrefix(key + ":") }.count, 1, "\(key) in\n\(many)")
        }
        XCTAssertEqual(lines.count, 8, many)
        XCTAssertTrue(many.contains("setting.labl: not a setting PyRadiomics knows; did you mean 'label'?"), many)
        XCTAssertTrue(many.contains("imageType.Orginal: not an image type PyRadiomics knows; did you mean 'Original'?"), many)
        XCTAssertEqual(message("bad_binwidth_negative.yaml"), "setting.binWidth: expected a number > 0, got -5")
        XCTAssertEqual(message("bad_feature_typo.yaml"), "featureClass.glcm: 'Contrst' is not a GLCM feature; did you mean 'Contrast'?")
        XCTAssertEqual(message("bad_feature_wrong_class.yaml"), "featureClass.glrlm: 'Contrast' is not a GLRLM feature (it is one of glcm and ngtdm)")
        XCTAssertTrue(message("pyradiomics_MR_2D_extraction.yaml").contains("did you mean 'force2Ddimension'?"))
        XCTAssertTrue(message("pyradiomics_exampleCT_2x.yaml").contains("inputImage: not a section"))
        XCTAssertTrue(message("bad_voxel_key_in_setting.yaml").contains("kernelRadius belongs under voxelSetting"))
        XCTAssertTrue(message("bad_interpolator_code_23.yaml").contains("write 'sitkBSpline'"))
        XCTAssertTrue(message("unusable_wavelet_continuous.yaml").contains("'mexh' is a continuous wavelet"))
        XCTAssertTrue(message("bad_extension.txt").contains(".yaml, .yml or .json"))
        XCTAssertThrowsError(try ParameterFile.read(path: path("no_such_file.yaml")))
    }

    // MARK: What valid files mean

    func testSettingsImageTypesAndFeaturesOfValidFiles() throws {
        var compared = 0
        var maxDiff = 0.0
        for (name, entry) in try files() where shouldAccept(name, entry) {
            let document = try ParameterFile.load(path: path(name))
            let p = document.parameters
            XCTAssertEqual(document.settingsDescription, entry["settingsStr"] as? String, name)
            XCTAssertEqual(document.imageTypesDescription, entry["imageTypesStr"] as? String, name)

            // Global settings, key by key.
            let settings = try XCTUnwrap(entry["settings"] as? [String: Any])
            for (key, expected) in settings {
                maxDiff = max(maxDiff, try compareSetting(key, expected, p.settings, name))
            }

            // Image types: order, custom keys, global + custom settings.
            let types = try XCTUnwrap(entry["enabledImagetypes"] as? [String: Any])
            XCTAssertEqual(Set(p.imageTypes.map(\.kind.rawValue)), Set(types.keys), name)
            for type in p.imageTypes {
                let custom = try XCTUnwrap(types[type.kind.rawValue] as? [String: Any], name)
                XCTAssertEqual(Set(type.customKeys), Set(custom.keys), name)
                for key in ParameterSchema.settingKeys + ParameterSchema.voxelKeys {
                    if let value = custom[key] {
                        maxDiff = max(maxDiff, try compareSetting(key, value, type.settings, "\(name) \(type.kind)"))
                    } else {
                        XCTAssertEqual(ParameterFile.pythonValue(key, type.settings).repr, ParameterFile.pythonValue(key, p.settings).repr, "\(name) \(key)")
                    }
                }
            }

            // Feature classes: order and features.
            let order = try XCTUnwrap(entry["featureClassOrder"] as? [String])
            XCTAssertEqual(p.featureClasses.map(\.kind.rawValue), order, name)
            let features = try XCTUnwrap(entry["enabledFeatures"] as? [String: Any])
            for c in p.featureClasses {
                let list = (features[c.kind.rawValue] as? [String]) ?? []
                var unique: [String] = []
                for f in list where !unique.contains(f) { unique.append(f) }
                XCTAssertEqual(c.features, unique.isEmpty ? nil : unique, "\(name) \(c.kind)")
            }

            // What PyRadiomics computed on the test case: the features per class and LoG names.
            if let run = entry["execute"] as? [String: Any], run["ok"] as? Bool == true {
                let computed = try XCTUnwrap(run["features"] as? [String: [String]])
                for (cls, names) in computed {
                    let c = try XCTUnwrap(p.featureClasses.first { $0.kind.rawValue == cls }, "\(name) \(cls)")
                    let silent = Set(FeatureCatalogue.yieldsNothing(c.kind))
                    XCTAssertEqual((c.features ?? FeatureCatalogue.defaultFeatures(c.kind)).filter { !silent.contains($0) }, names, "\(name) \(cls)")
                }
                let prefixes = try XCTUnwrap(run["prefixes"] as? [String])
                let logNames = p.imageTypes.filter { $0.kind == .log }.flatMap { $0.settings.sigma.map(\.prefix) }
                XCTAssertEqual(prefixes.filter { $0.hasPrefix("log-") }, logNames, name)
            }
            if let same = entry["sameValuesAs"] as? [String: Any], same["equal"] as? Bool == true, let other = same["file"] as? String {
                // Null flags act as false: the two files must mean the same settings.
                var a = try ParameterFile.read(path: path(other)).settings
                a.additionalInfo = p.settings.additionalInfo
                XCTAssertEqual(a, p.settings, "\(name) vs \(other)")
            }
            compared += 1
        }
        XCTAssertGreaterThanOrEqual(compared, 60)
        reportComparison("parameter-file settings, image types, features (\(compared) files)", tool: "PyRadiomics 3.0.1", maxRelDiff: maxDiff)
    }

    /// Compares one setting of `s` with PyRadiomics' value; returns the relative difference.
    func compareSetting(_ key: String, _ expected: Any, _ s: RadiomicsSettings, _ what: String) throws -> Double {
        let nullAsFalse = ["correctMask", "additionalInfo", "normalize", "preCrop", "resegmentShape", "symmetricalGLCM", "maskedKernel"]
        let actual = ParameterFile.pythonValue(key, s)
        if key == "interpolator", let code = expected as? Int, type(of: expected) != Bool.self {
            XCTAssertEqual(s.interpolator?.code, code, "\(what) \(key)")
            return 0
        }
        switch expected {
        case is NSNull:
            XCTAssertEqual(actual, nullAsFalse.contains(key) ? .bool(false) : PythonValue.none, "\(what) \(key)")
        case let b as Bool where type(of: expected) == Bool.self:
            XCTAssertEqual(actual, .bool(b), "\(what) \(key)")
        case let n as NSNumber:
            return difference(actual, n.doubleValue, "\(what) \(key)")
        case let text as String:
            if key == "initValue", let x = Double(text) { return difference(actual, x, "\(what) \(key)") }
            XCTAssertEqual(actual, .string(text), "\(what) \(key)")
        case let list as [Any]:
            guard case .list(let items) = actual, items.count == list.count else {
                XCTFail("\(what) \(key): \(actual.repr) vs \(list)")
                return 0
            }
            var d = 0.0
            for (item, e) in zip(items, list) { d = max(d, difference(item, (e as! NSNumber).doubleValue, "\(what) \(key)")) }
            return d
        case let dict as [String: Any]:
            // A non-finite float, written as {"float": "nan"}.
            let x = Double(dict["float"] as? String ?? "") ?? .nan
            return difference(actual, x, "\(what) \(key)")
        default:
            XCTFail("\(what) \(key): unexpected \(expected)")
        }
        return 0
    }

    func difference(_ actual: PythonValue, _ expected: Double, _ what: String) -> Double {
        guard let x = actual.number else {
            XCTFail("\(what): \(actual.repr) is not a number (expected \(expected))")
            return 0
        }
        XCTAssertTrue(isClose(x, expected, rel: 0, abs: 0), "\(what): \(x) vs \(expected)")
        return x == expected || (x.isNaN && expected.isNaN) ? 0 : abs(x - expected) / max(abs(expected), 1e-300)
    }

    // MARK: Defaults and descriptions

    func testDefaultsWithoutAFile() throws {
        let defaults = try XCTUnwrap(fixture()["defaults"] as? [String: Any])
        XCTAssertEqual(ParameterDocument.defaults.settingsDescription, defaults["settingsStr"] as? String)
        XCTAssertEqual(ParameterDocument.defaults.imageTypesDescription, defaults["imageTypesStr"] as? String)
        XCTAssertEqual(ParameterFile.describe(RadiomicsParameters()), defaults["settingsStr"] as? String)
        XCTAssertEqual(ParameterFile.describeImageTypes(RadiomicsParameters()), defaults["imageTypesStr"] as? String)
        XCTAssertEqual(ParameterDocument.defaults.featureClasses.keys.map(\.repr), (defaults["featureClassOrder"] as! [String]).map { "'\($0)'" })
        XCTAssertEqual(Set(RadiomicsParameters().featureClasses.map(\.kind.rawValue)), Set(defaults["featureClassOrder"] as! [String]))
        // A file without featureClass enables shape2D too.
        let empty = try ParameterFile.parse(text: "{}\n", source: "empty.yaml")
        XCTAssertEqual(empty.featureClasses.map(\.kind), FeatureCatalogue.classOrder)
        XCTAssertEqual(empty.imageTypes.map(\.kind), [.original])
        XCTAssertEqual(empty.settings, RadiomicsSettings())
    }

    /// `describe` rebuilds the printed settings from RadiomicsParameters alone: exact when the
    /// file sets no key to its default and spells whole numbers as ints (see its doc).
    func testDescribeFromParameters() throws {
        var exact: [String] = []
        var exactTypes = 0
        var total = 0
        for (name, entry) in try files() where shouldAccept(name, entry) {
            let p = try ParameterFile.read(path: path(name))
            total += 1
            if ParameterFile.describe(p) == entry["settingsStr"] as? String { exact.append(name) }
            if ParameterFile.describeImageTypes(p) == entry["imageTypesStr"] as? String { exactTypes += 1 }
        }
        for name in ["pyradiomics_exampleMR_3mm.yaml", "pyradiomics_exampleMR_NoResampling.yaml", "pyradiomics_exampleMR_5mm.yaml", "custom_per_type.yaml", "log_int_sigma.yaml"] {
            XCTAssertTrue(exact.contains(name), name)
        }
        print("describe(parameters) gives str(extractor.settings) for \(exact.count) of \(total) valid files, image types for \(exactTypes)")
    }

    func testPythonFloatRepr() throws {
        let cases = try XCTUnwrap(fixture()["floatReprs"] as? [[Any]])
        var wrong: [String] = []
        for c in cases {
            let text = c[1] as! String
            // (The fixture reader turns -0.0 into the integer 0.)
            let x = text == "-0.0" ? -0.0 : (c[0] as! NSNumber).doubleValue
            if PythonFormat.floatRepr(x) != text { wrong.append("\(text) -> \(PythonFormat.floatRepr(x))") }
        }
        XCTAssertEqual(wrong, [])
        XCTAssertGreaterThan(cases.count, 150)
        XCTAssertEqual(PythonFormat.stringRepr("it's"), "\"it's\"")
        XCTAssertEqual(PythonFormat.stringRepr("a'b\"c\n"), "'a\\'b\"c\\n'")
        reportComparison("Python float repr (\(cases.count) values)", tool: "CPython \(Fixtures.versions(try fixture()))", maxRelDiff: Double(wrong.count))
    }

    // MARK: Tables

    func testCatalogueMatchesPyRadiomics() throws {
        let f = try fixture()
        let names = try XCTUnwrap(f["featureNames"] as? [String: [String: Bool]])
        let raw = try String(contentsOf: Fixtures.url(Self.fixtureName), encoding: .utf8)
        for kind in FeatureClassKind.allCases {
            let expected = try XCTUnwrap(names[kind.rawValue], kind.rawValue)
            XCTAssertEqual(Set(FeatureCatalogue.names(kind)), Set(expected.keys), kind.rawValue)
            XCTAssertEqual(Set(FeatureCatalogue.deprecated(kind)), Set(expected.filter { $0.value }.keys), kind.rawValue)
            // Order as getFeatureNames() gives it (the fixture text keeps it).
            let table = try XCTUnwrap(raw.range(of: "\"featureNames\""))
            let start = try XCTUnwrap(raw.range(of: "\"\(kind.rawValue)\":", range: table.upperBound..<raw.endIndex))
            let order = try FeatureCatalogue.names(kind).map {
                try XCTUnwrap(raw.range(of: "\"\($0)\":", range: start.upperBound..<raw.endIndex), $0).lowerBound
            }
            XCTAssertEqual(order, order.sorted(), kind.rawValue)
        }
        XCTAssertEqual(FeatureCatalogue.defaultFeatures(.firstorder).count, 18)
        XCTAssertEqual(FeatureCatalogue.defaultFeatures(.glcm).count, 24)
        XCTAssertEqual(FeatureCatalogue.imageTypeOrder.map(\.rawValue), f["imageTypes"] as? [String])
        XCTAssertEqual(Set(ImageTypeKind.allCases.map(\.rawValue)), Set(f["imageTypes"] as! [String]))
        let all = try XCTUnwrap(f["wavelets"] as? [String])
        let discrete = try XCTUnwrap(f["discreteWavelets"] as? [String])
        XCTAssertEqual(FeatureCatalogue.discreteWavelets, discrete)
        XCTAssertEqual(FeatureCatalogue.continuousWavelets, all.filter { !discrete.contains($0) })
        let codes = try XCTUnwrap(f["interpolatorCodes"] as? [String: Int])
        for i in Interpolator.allCases { XCTAssertEqual(i.code, codes[i.rawValue], i.rawValue) }
    }

    func testSyntaxDetails() throws {
        // YAML 1.2 (ruamel) resolution: yes is text, 0x10 an int, 1e3 a float, 017 decimal.
        XCTAssertEqual(try ParameterSyntax.plain("yes", path: ""), .string("yes"))
        XCTAssertEqual(try ParameterSyntax.plain("0x10", path: ""), .int(16))
        XCTAssertEqual(try ParameterSyntax.plain("017", path: ""), .int(17))
        XCTAssertEqual(try ParameterSyntax.plain("1e3", path: ""), .float(1000))
        XCTAssertEqual(try ParameterSyntax.plain(".5e3", path: ""), .string(".5e3"))
        XCTAssertEqual(try ParameterSyntax.plain("1_0.5", path: ""), .float(10.5))
        XCTAssertEqual(try ParameterSyntax.plain("~", path: ""), .none)
        // JSON keeps 1 and 1.0 apart, and a repeated key keeps its place with the last value.
        let json = try ParameterSyntax.json(#"{"a": 1, "b": 1.0, "a": 2e0, "c": [-0, NaN]}"#)
        XCTAssertEqual(json.repr, "{'a': 2.0, 'b': 1.0, 'c': [0, nan]}")
        XCTAssertThrowsError(try ParameterSyntax.json(#"{"a": 1,}"#))
        let p = try ParameterFile.parse(text: "imageType: {LoG: {sigma: [1, 2.50]}}", source: "inline")
        XCTAssertEqual(p.imageTypes[0].settings.sigma.map(\.prefix), ["log-sigma-1-mm-3D", "log-sigma-2-5-mm-3D"])
    }
}
