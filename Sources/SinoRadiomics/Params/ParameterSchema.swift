import Foundation

/// PyRadiomics 3.0.1's parameter schema (radiomics/schemas/paramSchema.yaml with the checks of
/// schemaFuncs.py), applied to a loaded file: every key, type and range it checks, plus the
/// values it loads but cannot extract with (a continuous wavelet, interpolator code 3, a
/// number given as a string, null where None breaks the pipeline, resegmentRange of 0 or
/// 3+ values, ...). Unlike pykwalify, which stops at the first failing custom check, every
/// problem is collected, each prefixed with its path in the file.
struct ParameterSchema {
    /// The problems found so far, one sentence each.
    var problems: [String] = []

    // MARK: Keys

    /// The `setting` keys in the schema's order (also the order `describe` prints the keys a
    /// file did not set).
    static let settingKeys = [
        "minimumROIDimensions", "minimumROISize", "geometryTolerance", "correctMask", "additionalInfo", "label", "label_channel", "binWidth",
        "binCount", "normalize", "normalizeScale", "removeOutliers", "resampledPixelSpacing", "interpolator", "padDistance", "distances",
        "force2D", "force2Ddimension", "resegmentRange", "resegmentMode", "resegmentShape", "preCrop", "sigma", "start_level", "level",
        "wavelet", "gradientUseSpacing", "lbp2DRadius", "lbp2DSamples", "lbp2DMethod", "lbp3DLevels", "lbp3DIcosphereRadius",
        "lbp3DIcosphereSubdivision", "voxelArrayShift", "symmetricalGLCM", "weightingNorm", "gldm_a"
    ]

    /// The `voxelSetting` keys.
    static let voxelKeys = ["kernelRadius", "maskedKernel", "initValue", "voxelBatch"]

    /// The top-level sections.
    static let sections = ["setting", "voxelSetting", "imageType", "featureClass"]

    /// Names PyRadiomics 1.x/2.x parameter files used (its own old example files), with today's name.
    static let renamed: [String: String] = [
        "inputImage": "imageType", "Volume": "VoxelVolume' or 'MeshVolume", "MajorAxis": "MajorAxisLength", "MinorAxis": "MinorAxisLength",
        "LeastAxis": "LeastAxisLength"
    ]

    // MARK: Reading one setting

    /// Reads `value` for setting `key` into `settings`; false when `key` is not a setting of
    /// this section. `voxel` selects the voxelSetting keys, otherwise the setting keys.
    mutating func apply(key: String, value v: PythonValue, path p: String, voxel: Bool, to s: inout RadiomicsSettings) -> Bool {
        if voxel {
            switch key {
            case "kernelRadius": if let x = int(v, p, min: 1) { s.kernelRadius = x }
            case "maskedKernel": if let x = flag(v, p, nullIsFalse: true) { s.maskedKernel = x }
            case "initValue": if let x = number(v, p, stringsAllowed: true) { s.initValue = x }
            case "voxelBatch": if let x = int(v, p, min: 1) { s.voxelBatch = x }
            default: return false
            }
            return true
        }
        switch key {
        case "minimumROIDimensions": if let x = int(v, p, min: 1, max: 3) { s.minimumROIDimensions = x }
        case "minimumROISize": if v == .none { s.minimumROISize = nil } else if let x = int(v, p, min: 1) { s.minimumROISize = x }
        case "geometryTolerance": if v == .none { s.geometryTolerance = nil } else if let x = number(v, p, above: 0) { s.geometryTolerance = x }
        case "correctMask": if let x = flag(v, p, nullIsFalse: true) { s.correctMask = x }
        case "additionalInfo": if let x = flag(v, p, nullIsFalse: true) { s.additionalInfo = x }
        case "label": if let x = int(v, p, min: 1) { s.label = x }
        case "label_channel": if let x = int(v, p, min: 0) { s.labelChannel = x }
        case "binWidth": if let x = number(v, p, above: 0) { s.binWidth = x }
        case "binCount": if v == .none { s.binCount = nil } else if let x = int(v, p, min: 1) { s.binCount = x }
        case "normalize": if let x = flag(v, p, nullIsFalse: true) { s.normalize = x }
        case "normalizeScale": if let x = number(v, p, above: 0) { s.normalizeScale = x }
        case "removeOutliers": if v == .none { s.removeOutliers = nil } else if let x = number(v, p, above: 0) { s.removeOutliers = x }
        case "resampledPixelSpacing":
            if v == .none {
                s.resampledPixelSpacing = nil
            } else if let x = numbers(v, p, atLeast: 0) {
                if x.count == 2 || x.count == 3 {
                    s.resampledPixelSpacing = x.map(\.value)
                } else {
                    unusable(p, "expected 3 spacings (x, y, z; 2 for a 2-D image; 0 keeps an axis' spacing), got \(x.count)")
                }
            }
        case "interpolator": interpolator(v, p, into: &s)
        case "padDistance": if let x = int(v, p, min: 0) { s.padDistance = x }
        case "distances":
            if let x = ints(v, p, min: 1) {
                if x.isEmpty { unusable(p, "expected at least one distance (an empty list leaves GLCM, GLDM and NGTDM without angles)") }
                s.distances = x
            }
        case "force2D": if let x = flag(v, p, nullIsFalse: false) { s.force2D = x }
        case "force2Ddimension": if let x = int(v, p, min: 0, max: 2) { s.force2Ddimension = x }
        case "resegmentRange":
            if v == .none {
                s.resegmentRange = nil
            } else if let x = numbers(v, p) {
                if x.count == 1 || x.count == 2 {
                    s.resegmentRange = x.map(\.value)
                } else {
                    unusable(p, "expected 1 or 2 thresholds, got \(x.count)")
                }
            }
        case "resegmentMode":
            if let x = choice(v, p, ResegmentMode.allCases.map(\.rawValue)) { s.resegmentMode = ResegmentMode(rawValue: x)! }
        case "resegmentShape": if let x = flag(v, p, nullIsFalse: true) { s.resegmentShape = x }
        case "preCrop": if let x = flag(v, p, nullIsFalse: true) { s.preCrop = x }
        case "sigma": if let x = numbers(v, p, above: 0) { s.sigma = x.map { SigmaValue($0.value, text: $0.text) } }
        case "start_level": if let x = int(v, p, min: 0) { s.startLevel = x }
        case "level": if let x = int(v, p, min: 1) { s.level = x }
        case "wavelet": if let x = wavelet(v, p) { s.wavelet = x }
        case "gradientUseSpacing": if let x = flag(v, p, nullIsFalse: false) { s.gradientUseSpacing = x }
        case "lbp2DRadius": if let x = number(v, p, above: 0) { s.lbp2DRadius = x }
        case "lbp2DSamples": if let x = int(v, p, min: 1) { s.lbp2DSamples = x }
        case "lbp2DMethod": if let x = choice(v, p, LBP2DMethod.allCases.map(\.rawValue)) { s.lbp2DMethod = LBP2DMethod(rawValue: x)! }
        case "lbp3DLevels": if let x = int(v, p, min: 1) { s.lbp3DLevels = x }
        case "lbp3DIcosphereRadius": if let x = number(v, p, above: 0) { s.lbp3DIcosphereRadius = x }
        case "lbp3DIcosphereSubdivision": if let x = int(v, p, min: 0) { s.lbp3DIcosphereSubdivision = x }
        case "voxelArrayShift": if let x = int(v, p) { s.voxelArrayShift = Double(x) }
        case "symmetricalGLCM": if let x = flag(v, p, nullIsFalse: true) { s.symmetricalGLCM = x }
        case "weightingNorm":
            if v == .none {
                s.weightingNorm = nil
            } else if let x = choice(v, p, WeightingNorm.allCases.map(\.rawValue)) {
                s.weightingNorm = WeightingNorm(rawValue: x)!
            }
        case "gldm_a": if let x = int(v, p, min: 0) { s.gldmA = Double(x) }
        default: return false
        }
        return true
    }

    // MARK: Value readers

    /// A problem PyRadiomics' schema reports too.
    mutating func problem(_ path: String, _ text: String) {
        problems.append("\(ParameterSyntax.display(path)): \(text)")
    }

    /// A value PyRadiomics' schema lets through but its pipeline cannot use.
    mutating func unusable(_ path: String, _ text: String) {
        problems.append("\(ParameterSyntax.display(path)): \(text) (PyRadiomics 3.0.1 loads this file but cannot extract with it)")
    }

    /// How a value reads in a message: numbers and strings as written in Python, the rest by kind.
    static func shown(_ v: PythonValue) -> String {
        switch v {
        case .none: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int, .float: return v.repr
        case .string(let s): return "the text \(PythonFormat.stringRepr(s))"
        case .list(let items): return items.isEmpty ? "an empty list" : "a list (\(v.repr))"
        case .dict: return "a mapping (\(v.repr))"
        case .other(let t, let r): return "\(r) (a \(t))"
        }
    }

    private static func bounds(integer: Bool, min: Double?, above: Double?, max: Double?, plural: Bool = false) -> String {
        let noun = plural ? (integer ? "integers" : "numbers") : (integer ? "an integer" : "a number")
        func n(_ x: Double) -> String { x == x.rounded() ? String(Int(x)) : "\(x)" }
        if let lo = min, let hi = max { return "\(noun) from \(n(lo)) to \(n(hi))" }
        if let lo = above { return "\(noun) > \(n(lo))" }
        if let lo = min { return "\(noun) >= \(n(lo))" }
        return noun
    }

    /// An int setting (pykwalify `type: int`: bools and floats are not ints).
    mutating func int(_ v: PythonValue, _ p: String, min: Int? = nil, max: Int? = nil) -> Int? {
        let what = Self.bounds(integer: true, min: min.map(Double.init), above: nil, max: max.map(Double.init))
        switch v {
        case .int(let i):
            if let lo = min, i < lo {
                problem(p, "expected \(what), got \(i)")
            } else if let hi = max, i > hi {
                problem(p, "expected \(what), got \(i)")
            } else {
                return i
            }
        case .none: unusable(p, "expected \(what), got null")
        default: problem(p, "expected \(what), got \(Self.shown(v))")
        }
        return nil
    }

    /// A float setting (pykwalify `type: float`: ints count, bools do not; a text that Python's
    /// float() reads passes the schema, which then measures its length against the range).
    mutating func number(_ v: PythonValue, _ p: String, above: Double? = nil, min: Double? = nil, stringsAllowed: Bool = false) -> Double? {
        let what = Self.bounds(integer: false, min: min, above: above, max: nil)
        switch v {
        case .int, .float:
            let x = v.number!
            if x.isNaN && (above != nil || min != nil) {
                unusable(p, "expected \(what), got nan")
            } else if let lo = above, !(x > lo) {
                problem(p, "expected \(what), got \(v.repr)")
            } else if let lo = min, !(x >= lo) {
                problem(p, "expected \(what), got \(v.repr)")
            } else {
                return x
            }
        case .string(let s):
            if let x = Self.pythonFloat(s) {
                // initValue: numpy.full(..., initValue, dtype='float') converts the text.
                if stringsAllowed { return x }
                unusable(p, "expected \(what), got \(Self.shown(v)); write the number without quotes")
            } else {
                problem(p, "expected \(what), got \(Self.shown(v))")
            }
        case .none: unusable(p, "expected \(what), got null")
        default: problem(p, "expected \(what), got \(Self.shown(v))")
        }
        return nil
    }

    /// A bool setting. PyRadiomics tests some flags only for truth (null then acts as false:
    /// correctMask, additionalInfo, normalize, preCrop, resegmentShape, symmetricalGLCM,
    /// maskedKernel); force2D and gradientUseSpacing reach C/SimpleITK, which refuse None.
    mutating func flag(_ v: PythonValue, _ p: String, nullIsFalse: Bool) -> Bool? {
        switch v {
        case .bool(let b): return b
        case .none:
            if nullIsFalse { return false }
            unusable(p, "expected true or false, got null")
        case .string(let s) where ["yes", "no", "on", "off", "y", "n"].contains(s.lowercased()):
            problem(p, "expected true or false, got \(Self.shown(v)) (YAML 1.2, which PyRadiomics reads files with, has only true and false)")
        default: problem(p, "expected true or false, got \(Self.shown(v))")
        }
        return nil
    }

    /// A text setting from a fixed list (pykwalify `enum`).
    mutating func choice(_ v: PythonValue, _ p: String, _ options: [String]) -> String? {
        let list = options.map { "'\($0)'" }.joined(separator: ", ")
        switch v {
        case .string(let s):
            if options.contains(s) { return s }
            problem(p, "'\(s)' is not one of \(list)" + Self.suggestion(s, options))
        case .none: unusable(p, "expected one of \(list), got null")
        default: problem(p, "expected one of \(list), got \(Self.shown(v))")
        }
        return nil
    }

    /// A list of ints (`seq` of `type: int`).
    mutating func ints(_ v: PythonValue, _ p: String, min: Int) -> [Int]? {
        guard case .list(let items) = v else {
            let what = Self.bounds(integer: true, min: Double(min), above: nil, max: nil, plural: true)
            if v == .none { unusable(p, "expected a list of \(what), got null") } else { problem(p, "expected a list of \(what), got \(Self.shown(v))") }
            return nil
        }
        var out: [Int] = []
        var ok = true
        for (i, item) in items.enumerated() {
            if let x = int(item, "\(p)[\(i)]", min: min) { out.append(x) } else { ok = false }
        }
        return ok ? out : nil
    }

    /// A list of floats (`seq` of `type: float`), each with Python's `str()` of it (the
    /// spelling LoG names use: `3` for an int, `3.0` for a float).
    mutating func numbers(_ v: PythonValue, _ p: String, above: Double? = nil, atLeast: Double? = nil) -> [(value: Double, text: String)]? {
        guard case .list(let items) = v else {
            let what = Self.bounds(integer: false, min: atLeast, above: above, max: nil, plural: true)
            if v == .none { unusable(p, "expected a list of \(what), got null") } else { problem(p, "expected a list of \(what), got \(Self.shown(v))") }
            return nil
        }
        var out: [(Double, String)] = []
        var ok = true
        for (i, item) in items.enumerated() {
            if let x = number(item, "\(p)[\(i)]", above: above, min: atLeast) { out.append((x, item.repr)) } else { ok = false }
        }
        return ok ? out : nil
    }

    /// `interpolator`: a SimpleITK name, or an integer code (checkInterpolator allows 1-10; the
    /// code is handed to SimpleITK 2 as is, where 3 names no interpolator), or null (no
    /// resampling).
    mutating func interpolator(_ v: PythonValue, _ p: String, into s: inout RadiomicsSettings) {
        let names = Interpolator.allCases.map(\.rawValue)
        switch v {
        case .none: s.interpolator = nil
        case .string(let name):
            if let i = Interpolator(rawValue: name) {
                s.interpolator = i
            } else {
                problem(p, "'\(name)' is not an interpolator PyRadiomics knows" + Self.suggestion(name, names, listing: true))
            }
        case .int(let code):
            if !(1...10).contains(code) {
                let hint = Interpolator.allCases.first { $0.code == code }.map { " (\(code) is SimpleITK's \($0.rawValue): write '\($0.rawValue)')" } ?? ""
                problem(p, "interpolator codes must be from 1 to 10, got \(code)\(hint)")
            } else if let i = Interpolator.allCases.first(where: { $0.code == code }) {
                s.interpolator = i
            } else {
                unusable(p, "code \(code) is not a SimpleITK 2 interpolator (SimpleITK 1's sitkBSpline was 3; resampling fails); write the name, e.g. 'sitkBSpline'")
            }
        case .bool(let b):
            let hint = b ? " (PyRadiomics 3.0.1 takes true for code 1: write 'sitkNearestNeighbor')" : ""
            problem(p, "expected an interpolator name or code, got \(b)\(hint)")
        default: problem(p, "expected an interpolator name (e.g. 'sitkBSpline') or a code from 1 to 10, got \(Self.shown(v))")
        }
    }

    /// `wavelet`: a discrete PyWavelets name (checkWavelet also lets continuous ones through).
    mutating func wavelet(_ v: PythonValue, _ p: String) -> String? {
        switch v {
        case .string(let name):
            if FeatureCatalogue.discreteWavelets.contains(name) { return name }
            if FeatureCatalogue.continuousWavelets.contains(name) {
                unusable(p, "'\(name)' is a continuous wavelet; the Wavelet filter (pywt.swtn) needs a discrete one such as 'coif1', 'db2', 'haar', 'sym4'")
            } else {
                problem(p, "'\(name)' is not a PyWavelets discrete wavelet" + Self.suggestion(name, FeatureCatalogue.discreteWavelets))
            }
        case .none: unusable(p, "expected a wavelet name, got null")
        default: problem(p, "expected a wavelet name (e.g. 'coif1'), got \(Self.shown(v))")
        }
        return nil
    }

    // MARK: Helpers

    /// Python's `float(text)`: optional sign, decimal digits (underscores between digits),
    /// fraction, exponent, or nan/inf/infinity in any case, surrounding white space ignored.
    static func pythonFloat(_ text: String) -> Double? {
        let t = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let lower = t.lowercased()
        let unsigned = lower.hasPrefix("-") || lower.hasPrefix("+") ? String(lower.dropFirst()) : lower
        let sign: Double = lower.hasPrefix("-") ? -1 : 1
        if unsigned == "nan" { return .nan }
        if unsigned == "inf" || unsigned == "infinity" { return sign * .infinity }
        let pattern = #"^[+-]?(?:[0-9](?:_?[0-9])*(?:\.(?:[0-9](?:_?[0-9])*)?)?|\.[0-9](?:_?[0-9])*)(?:[eE][+-]?[0-9](?:_?[0-9])*)?$"#
        guard t.range(of: pattern, options: .regularExpression) != nil else { return nil }
        return Double(t.replacingOccurrences(of: "_", with: ""))
    }

    /// " Did you mean 'x'?" for the closest candidate (case differences count as nothing, one
    /// or two edits allowed by length), or the whole list when `listing` and nothing is close.
    static func suggestion(_ name: String, _ candidates: [String], listing: Bool = false) -> String {
        if let renamed = renamed[name], candidates.contains(where: { renamed.hasPrefix($0) }) {
            return "; it was renamed to '\(renamed)'"
        }
        let lower = name.lowercased()
        var best: (String, Int)?
        for c in candidates {
            let d = editDistance(lower, c.lowercased())
            if best == nil || d < best!.1 { best = (c, d) }
        }
        if let (c, d) = best, d <= (name.count >= 5 ? 2 : 1) { return "; did you mean '\(c)'?" }
        return listing ? "; expected one of " + candidates.map { "'\($0)'" }.joined(separator: ", ") : ""
    }

    /// Optimal-string-alignment distance (insertions, deletions, substitutions, adjacent swaps).
    static func editDistance(_ a: String, _ b: String) -> Int {
        let x = Array(a)
        let y = Array(b)
        if x.isEmpty || y.isEmpty { return max(x.count, y.count) }
        var d = [[Int]](repeating: [Int](repeating: 0, count: y.count + 1), count: x.count + 1)
        for i in 0...x.count { d[i][0] = i }
        for j in 0...y.count { d[0][j] = j }
        for i in 1...x.count {
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] { d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1) }
            }
        }
        return d[x.count][y.count]
    }
}
