import Foundation
import SinoData
import SinoImaging
import SinoStats
import SinoStudy

/// A study configuration (data-schema/study.schema.json): what `sinorad study` reads. Every
/// setting has a default; the profile (`quick` or `paper`) chooses the CNN defaults.
/// Relative paths are relative to the config file's folder.
struct StudyConfig: Equatable {
    enum Profile: String, CaseIterable { case quick, paper }

    struct Synthetic: Equatable {
        var patients = 465
        var seed: UInt64 = 20250056
        var images = true
        var imageGrid = "default"
    }

    struct Inputs: Equatable {
        /// SYNTHETIC data written by the study itself (when `cohort` is not given).
        var synthetic: Synthetic?
        var cohort: String?
        var dictionary: String?
        var images: String?
        var reads: String?
    }

    struct Selection: Equatable {
        var screeningAlpha = 0.05
        var eliminationAlpha = 0.05
        /// Reference class of the multinomial model (default: the first class).
        var reference: String?
        /// How the multinomial logistic models (selection and the conventional logistic
        /// classifier) are fitted: "ml" or "firth" (bias-reduced, exists under separation).
        var method = "ml"
    }

    struct Conventional: Equatable {
        var classifiers: [String] = ["extratrees", "logistic"]
        var trees = 500
        var folds = 5
        var maxDepth: [Int?] = [3, 5, nil]
        var minSamplesLeaf = [10, 5, 1]
        var maxFeatures = ["sqrt", "all"]

        var grid: [ForestSetting] {
            maxDepth.flatMap { depth in
                minSamplesLeaf.flatMap { leaf in maxFeatures.map { ForestSetting(maxDepth: depth, minSamplesLeaf: leaf, maxFeatures: $0) } }
            }
        }
    }

    struct CNN: Equatable {
        var enabled = true
        var architectures: [String]
        var sequences = ["T2WI", "CE-T1WI", "ADC"]
        var fusion = ["mean"]
        var size: Int
        var epochs: Int
        var batch: Int
        var optimizer = "adamw"
        var learningRate = 0.001
        var weightDecay = 1e-4
        /// First epoch that may be kept as the best, as given (nil: the profile's rule).
        var selectFromGiven: Int?
        /// The quick profile keeps the best epoch of the second half of the run.
        var selectFromHalf = false
        /// First epoch that may be kept as the best (nil = every epoch).
        var selectFrom: Int? { selectFromGiven ?? (selectFromHalf ? max(1, (epochs + 1) / 2) : nil) }
        var slicesAround = 1
        var margin: Int
        var outsideROI: String
        var normalisation = "zscore"
        var augment = true
        /// Pretrained torchvision state_dicts (safetensors) by architecture.
        var weights: [String: String] = [:]
        /// Trainings run at once (each one BLAS thread); default: the cores.
        var parallel: Int?
        var gradcamPerClass = 4
        /// Grad-CAM's target layer ("auto": the deepest with a map of at least gradcamMinMap a side).
        var gradcamLayer = "auto"
        var gradcamMinMap = 7
        /// Test-time flips in `cnn predict --tta`.
        var tta: Bool

        init(profile: Profile) {
            switch profile {
            case .quick:
                architectures = ["resnet18"]; size = 64; epochs = 10; batch = 16; margin = 4; outsideROI = "zero"
                slicesAround = 2; selectFromHalf = true; tta = true
            case .paper:
                architectures = ["resnet50", "resnet101", "densenet121"]; size = 224; epochs = 30; batch = 16; margin = 10; outsideROI = "keep"
                tta = false
            }
        }
    }

    struct Evaluation: Equatable {
        var cohorts = ["validation", "test"]
        var bootstrap = 2000
        var reference: String?
    }

    var study = "study"
    var output: String?
    var profile = Profile.quick
    var seed: UInt64 = 1
    var inputs = Inputs(synthetic: Synthetic())
    var label = "pathology"
    var classes: [String]?
    var selection = Selection()
    var conventional = Conventional()
    var cnn = CNN(profile: .quick)
    var evaluation = Evaluation()
    var readers = true
    var figureFormats = ["png", "svg", "pdf"]

    /// The folder the report goes to: `output`, else reports/<study>, relative to `base`.
    func outputFolder(base: URL) -> URL { resolve(output ?? "reports/\(study)", base: base) }

    func resolve(_ path: String, base: URL) -> URL {
        path.hasPrefix("/") ? URL(fileURLWithPath: path) : base.appendingPathComponent(path).standardizedFileURL
    }
}

/// Reads a config and lists every problem in it at once: unknown keys (with the nearest known
/// one), wrong types, values out of range, unknown architectures, sequences or classifiers,
/// and input files that do not exist.
struct StudyConfigReader {
    private(set) var problems: [String] = []
    let source: String

    static let architectures = CNNArchitecture.names
    static let classifiers = ConventionalClassifier.allCases.map(\.rawValue)

    /// Parses `data` (JSON); `base` is the folder relative paths start from.
    static func read(data: Data, source: String, base: URL, checkFiles: Bool = true) throws -> StudyConfig {
        var reader = StudyConfigReader(source: source)
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw CommandFailure(message: "\(source): not valid JSON\(Self.position(of: error, in: data)) (\(Self.jsonErrorText(error)))")
        }
        guard let root = object as? [String: Any] else {
            throw CommandFailure(message: "\(source): expected a JSON object at the top level")
        }
        let config = reader.parse(root, base: base, checkFiles: checkFiles)
        if !reader.problems.isEmpty {
            let list = reader.problems.map { "  - \($0)" }.joined(separator: "\n")
            throw CommandFailure(message: "\(source): \(reader.problems.count) problem(s), nothing was run:\n\(list)")
        }
        return config
    }

    static func read(path: String, checkFiles: Bool = true) throws -> StudyConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CommandFailure(message: "\(path): cannot read the study config (no such file or not readable)")
        }
        let base = URL(fileURLWithPath: path).deletingLastPathComponent()
        return try read(data: data, source: path, base: base, checkFiles: checkFiles)
    }

    /// ", line L, column C" from the byte offset Foundation's message gives ("around character N"),
    /// or "" when it gives none.
    static func position(of error: Error, in data: Data) -> String {
        let text = jsonErrorText(error)
        guard let range = text.range(of: #"character \d+"#, options: .regularExpression),
              let offset = Int(text[range].dropFirst("character ".count)), offset <= data.count else { return "" }
        let before = data.prefix(offset)
        let line = before.filter { $0 == 10 }.count + 1
        let column = offset - (before.lastIndex(of: 10).map { $0 + 1 } ?? 0) + 1
        return ", line \(line), column \(column)"
    }

    static func jsonErrorText(_ error: Error) -> String {
        let ns = error as NSError
        return (ns.userInfo[NSDebugDescriptionErrorKey] as? String) ?? ns.localizedDescription
    }

    // MARK: - Walking the object

    mutating func problem(_ path: String, _ text: String) { problems.append("\(path): \(text)") }

    mutating func keys(_ object: [String: Any], allowed: [String], at path: String) {
        for key in object.keys.sorted() where !allowed.contains(key) {
            let near = allowed.min { Self.distance(key, $0) < Self.distance(key, $1) }
            let hint = near.flatMap { Self.distance(key, $0) <= max(2, key.count / 3) ? " (did you mean '\($0)'?)" : nil } ?? ""
            problem(path.isEmpty ? key : "\(path).\(key)", "unknown key\(hint); known keys: \(allowed.joined(separator: ", "))")
        }
    }

    mutating func object(_ value: Any?, _ path: String) -> [String: Any]? {
        guard let value, !(value is NSNull) else { return nil }
        guard let object = value as? [String: Any] else { problem(path, "expected an object"); return nil }
        return object
    }

    /// true/false in the JSON (Foundation gives them a boolean NSNumber subclass; 0 and 1 are plain NSNumbers).
    static func isBool(_ value: Any) -> Bool {
        if type(of: value) == Bool.self { return true }
        return "\(type(of: value))".lowercased().contains("bool")
    }

    mutating func string(_ value: Any?, _ path: String, allowed: [String]? = nil) -> String? {
        guard let value, !(value is NSNull) else { return nil }
        guard let text = value as? String else { problem(path, "expected a string"); return nil }
        if let allowed, !allowed.contains(text) {
            problem(path, "'\(text)' is not one of \(allowed.joined(separator: ", "))")
            return nil
        }
        return text
    }

    mutating func int(_ value: Any?, _ path: String, min: Int, max: Int = Int.max) -> Int? {
        guard let value, !(value is NSNull) else { return nil }
        guard !Self.isBool(value), let number = value as? NSNumber, number.doubleValue == number.doubleValue.rounded(),
              abs(number.doubleValue) < 1e15 else {
            problem(path, "expected an integer"); return nil
        }
        let n = number.intValue
        guard n >= min && n <= max else {
            problem(path, "\(n) is out of range (expected \(min)\(max == Int.max ? " or more" : " to \(max)"))"); return nil
        }
        return n
    }

    mutating func double(_ value: Any?, _ path: String, openInterval: ClosedRange<Double>) -> Double? {
        guard let value, !(value is NSNull) else { return nil }
        guard !Self.isBool(value), let number = value as? NSNumber else { problem(path, "expected a number"); return nil }
        let x = number.doubleValue
        guard x > openInterval.lowerBound && x < openInterval.upperBound else {
            problem(path, "\(x) is out of range (expected between \(openInterval.lowerBound) and \(openInterval.upperBound), exclusive)"); return nil
        }
        return x
    }

    mutating func bool(_ value: Any?, _ path: String) -> Bool? {
        guard let value, !(value is NSNull) else { return nil }
        guard Self.isBool(value), let b = value as? Bool else { problem(path, "expected true or false"); return nil }
        return b
    }

    mutating func strings(_ value: Any?, _ path: String, allowed: [String]? = nil, nonEmpty: Bool = true) -> [String]? {
        guard let value, !(value is NSNull) else { return nil }
        guard let items = value as? [Any] else { problem(path, "expected a list of strings"); return nil }
        if nonEmpty && items.isEmpty { problem(path, "expected at least one entry"); return nil }
        var out: [String] = []
        for (i, item) in items.enumerated() {
            if let s = string(item, "\(path)[\(i)]", allowed: allowed) { out.append(s) }
        }
        if Set(out).count != out.count { problem(path, "repeats an entry") }
        return out.count == items.count ? out : nil
    }

    mutating func file(_ path: String?, _ at: String, base: URL, directory: Bool = false, checkFiles: Bool) {
        guard checkFiles, let path else { return }
        let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : base.appendingPathComponent(path)
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) {
            problem(at, "\(url.path) does not exist")
        } else if isDirectory.boolValue != directory {
            problem(at, "\(url.path) is \(directory ? "not a folder" : "a folder, expected a file")")
        }
    }

    /// Levenshtein distance, for "did you mean".
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var row = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var previous = row[0]
            row[0] = i
            for j in 1...max(b.count, 1) where !b.isEmpty {
                let current = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = current
            }
        }
        return a.isEmpty ? b.count : row[b.count]
    }

    // MARK: - The config

    static let topKeys = ["$schema", "study", "output", "profile", "seed", "inputs", "label", "classes", "selection",
                          "conventional", "cnn", "evaluation", "readers", "figure_formats"]
    static let inputKeys = ["synthetic", "cohort", "dictionary", "images", "reads"]
    static let syntheticKeys = ["patients", "seed", "images", "image_grid"]
    static let selectionKeys = ["screening_alpha", "elimination_alpha", "reference", "method"]
    static let conventionalKeys = ["classifiers", "trees", "folds", "grid"]
    static let gridKeys = ["max_depth", "min_samples_leaf", "max_features"]
    static let cnnKeys = ["enabled", "architectures", "sequences", "fusion", "size", "epochs", "batch", "optimizer",
                          "learning_rate", "weight_decay", "select_from", "slices_around", "margin", "outside_roi", "normalisation", "augment",
                          "weights", "parallel", "gradcam_per_class", "gradcam_layer", "gradcam_min_map", "tta"]
    static let evaluationKeys = ["cohorts", "bootstrap", "reference"]

    mutating func parse(_ root: [String: Any], base: URL, checkFiles: Bool) -> StudyConfig {
        keys(root, allowed: Self.topKeys, at: "")
        var config = StudyConfig()
        if let name = string(root["study"], "study") {
            if name.isEmpty || name.contains("/") || name.hasPrefix(".") {
                problem("study", "'\(name)' cannot name a folder (no '/', not empty, not starting with '.')")
            } else { config.study = name }
        }
        config.output = string(root["output"], "output")
        if let p = string(root["profile"], "profile", allowed: StudyConfig.Profile.allCases.map(\.rawValue)) {
            config.profile = StudyConfig.Profile(rawValue: p)!
        }
        config.cnn = StudyConfig.CNN(profile: config.profile)
        if let seed = int(root["seed"], "seed", min: 0) { config.seed = UInt64(seed) }
        config.label = string(root["label"], "label") ?? config.label
        config.classes = strings(root["classes"], "classes")
        if let formats = strings(root["figure_formats"], "figure_formats", allowed: ["png", "svg", "pdf"]) {
            if !formats.contains("png") { problem("figure_formats", "must include png (index.html inlines the PNGs)") }
            config.figureFormats = formats
        }
        config.readers = bool(root["readers"], "readers") ?? config.readers

        // Inputs.
        if let inputs = object(root["inputs"], "inputs") {
            keys(inputs, allowed: Self.inputKeys, at: "inputs")
            var parsed = StudyConfig.Inputs(synthetic: nil)
            parsed.cohort = string(inputs["cohort"], "inputs.cohort")
            parsed.dictionary = string(inputs["dictionary"], "inputs.dictionary")
            parsed.images = string(inputs["images"], "inputs.images")
            parsed.reads = string(inputs["reads"], "inputs.reads")
            if let synthetic = object(inputs["synthetic"], "inputs.synthetic") {
                keys(synthetic, allowed: Self.syntheticKeys, at: "inputs.synthetic")
                var s = StudyConfig.Synthetic()
                s.patients = int(synthetic["patients"], "inputs.synthetic.patients", min: 30) ?? s.patients
                if let seed = int(synthetic["seed"], "inputs.synthetic.seed", min: 0) { s.seed = UInt64(seed) }
                s.images = bool(synthetic["images"], "inputs.synthetic.images") ?? s.images
                s.imageGrid = string(synthetic["image_grid"], "inputs.synthetic.image_grid", allowed: ["default", "reduced"]) ?? s.imageGrid
                parsed.synthetic = s
                for key in ["cohort", "images", "reads"] where inputs[key] != nil {
                    problem("inputs.\(key)", "give either inputs.synthetic or your own files, not both")
                }
            } else if parsed.cohort == nil {
                problem("inputs", "expected inputs.cohort (a cohort CSV) or inputs.synthetic")
            }
            file(parsed.cohort, "inputs.cohort", base: base, checkFiles: checkFiles)
            if let d = parsed.dictionary, d != "sinonasal" { file(d, "inputs.dictionary", base: base, checkFiles: checkFiles) }
            file(parsed.images, "inputs.images", base: base, directory: true, checkFiles: checkFiles)
            file(parsed.reads, "inputs.reads", base: base, checkFiles: checkFiles)
            config.inputs = parsed
        }

        if let selection = object(root["selection"], "selection") {
            keys(selection, allowed: Self.selectionKeys, at: "selection")
            config.selection.screeningAlpha = double(selection["screening_alpha"], "selection.screening_alpha", openInterval: 0...1) ?? config.selection.screeningAlpha
            config.selection.eliminationAlpha = double(selection["elimination_alpha"], "selection.elimination_alpha", openInterval: 0...1) ?? config.selection.eliminationAlpha
            config.selection.reference = string(selection["reference"], "selection.reference")
            config.selection.method = string(selection["method"], "selection.method", allowed: LogitMethod.allCases.map(\.rawValue)) ?? config.selection.method
        }

        if let conventional = object(root["conventional"], "conventional") {
            keys(conventional, allowed: Self.conventionalKeys, at: "conventional")
            config.conventional.classifiers = strings(conventional["classifiers"], "conventional.classifiers", allowed: Self.classifiers) ?? config.conventional.classifiers
            config.conventional.trees = int(conventional["trees"], "conventional.trees", min: 1, max: 100_000) ?? config.conventional.trees
            config.conventional.folds = int(conventional["folds"], "conventional.folds", min: 2, max: 20) ?? config.conventional.folds
            if let grid = object(conventional["grid"], "conventional.grid") {
                keys(grid, allowed: Self.gridKeys, at: "conventional.grid")
                if let depths = grid["max_depth"] {
                    if let list = depths as? [Any], !list.isEmpty {
                        var parsed: [Int?] = []
                        for (i, item) in list.enumerated() {
                            if item is NSNull { parsed.append(nil) } else if let d = int(item, "conventional.grid.max_depth[\(i)]", min: 1) { parsed.append(d) }
                        }
                        if parsed.count == list.count { config.conventional.maxDepth = parsed }
                    } else { problem("conventional.grid.max_depth", "expected a non-empty list of integers or null (no limit)") }
                }
                if let leaves = grid["min_samples_leaf"] {
                    if let list = leaves as? [Any], !list.isEmpty {
                        let parsed = list.enumerated().compactMap { int($0.element, "conventional.grid.min_samples_leaf[\($0.offset)]", min: 1) }
                        if parsed.count == list.count { config.conventional.minSamplesLeaf = parsed }
                    } else { problem("conventional.grid.min_samples_leaf", "expected a non-empty list of integers") }
                }
                config.conventional.maxFeatures = strings(grid["max_features"], "conventional.grid.max_features", allowed: ["sqrt", "all"]) ?? config.conventional.maxFeatures
            }
        }

        if let cnn = object(root["cnn"], "cnn") {
            keys(cnn, allowed: Self.cnnKeys, at: "cnn")
            var c = config.cnn
            c.enabled = bool(cnn["enabled"], "cnn.enabled") ?? c.enabled
            c.architectures = strings(cnn["architectures"], "cnn.architectures", allowed: Self.architectures) ?? c.architectures
            c.sequences = strings(cnn["sequences"], "cnn.sequences") ?? c.sequences
            c.fusion = strings(cnn["fusion"], "cnn.fusion", allowed: ["mean", "max"], nonEmpty: false) ?? c.fusion
            c.size = int(cnn["size"], "cnn.size", min: 16, max: 1024) ?? c.size
            c.epochs = int(cnn["epochs"], "cnn.epochs", min: 1, max: 10_000) ?? c.epochs
            c.batch = int(cnn["batch"], "cnn.batch", min: 1, max: 4096) ?? c.batch
            c.optimizer = string(cnn["optimizer"], "cnn.optimizer", allowed: ["sgd", "adamw"]) ?? c.optimizer
            c.learningRate = double(cnn["learning_rate"], "cnn.learning_rate", openInterval: 0...10) ?? c.learningRate
            if let wd = cnn["weight_decay"] {
                if let number = wd as? NSNumber, !Self.isBool(wd), number.doubleValue >= 0, number.doubleValue < 1 { c.weightDecay = number.doubleValue }
                else { problem("cnn.weight_decay", "expected a number from 0 to 1") }
            }
            c.selectFromGiven = int(cnn["select_from"], "cnn.select_from", min: 1, max: 10_000) ?? c.selectFromGiven
            c.slicesAround = int(cnn["slices_around"], "cnn.slices_around", min: 0, max: 100) ?? c.slicesAround
            c.margin = int(cnn["margin"], "cnn.margin", min: 0, max: 1000) ?? c.margin
            c.outsideROI = string(cnn["outside_roi"], "cnn.outside_roi", allowed: ["keep", "zero"]) ?? c.outsideROI
            c.normalisation = string(cnn["normalisation"], "cnn.normalisation", allowed: ["zscore", "percentile"]) ?? c.normalisation
            c.augment = bool(cnn["augment"], "cnn.augment") ?? c.augment
            c.tta = bool(cnn["tta"], "cnn.tta") ?? c.tta
            c.parallel = int(cnn["parallel"], "cnn.parallel", min: 1, max: 256) ?? c.parallel
            c.gradcamPerClass = int(cnn["gradcam_per_class"], "cnn.gradcam_per_class", min: 1, max: 50) ?? c.gradcamPerClass
            c.gradcamLayer = string(cnn["gradcam_layer"], "cnn.gradcam_layer") ?? c.gradcamLayer
            c.gradcamMinMap = int(cnn["gradcam_min_map"], "cnn.gradcam_min_map", min: 1, max: 1024) ?? c.gradcamMinMap
            if let weights = object(cnn["weights"], "cnn.weights") {
                for (arch, value) in weights.sorted(by: { $0.key < $1.key }) {
                    if !Self.architectures.contains(arch) {
                        problem("cnn.weights.\(arch)", "unknown architecture; known: \(Self.architectures.joined(separator: ", "))")
                    } else if let path = string(value, "cnn.weights.\(arch)") {
                        file(path, "cnn.weights.\(arch)", base: base, checkFiles: checkFiles)
                        c.weights[arch] = path
                    }
                }
            }
            config.cnn = c
        }
        if let first = config.cnn.selectFromGiven, first > config.cnn.epochs {
            problem("cnn.select_from", "\(first) is after the last epoch (\(config.cnn.epochs))")
        }
        if config.cnn.enabled {
            if config.inputs.synthetic.map({ !$0.images }) ?? (config.inputs.images == nil) {
                problem("cnn.enabled", "the CNN stages need images: set inputs.images (or inputs.synthetic.images to true), or cnn.enabled to false")
            }
            if let synthetic = config.inputs.synthetic, synthetic.images {
                let unknown = config.cnn.sequences.filter { !PhantomGenerator.sequences.contains($0) }
                if !unknown.isEmpty {
                    problem("cnn.sequences", "the SYNTHETIC images hold \(PhantomGenerator.sequences.joined(separator: ", ")), not \(unknown.joined(separator: ", "))")
                }
            }
        }

        if let evaluation = object(root["evaluation"], "evaluation") {
            keys(evaluation, allowed: Self.evaluationKeys, at: "evaluation")
            config.evaluation.cohorts = strings(evaluation["cohorts"], "evaluation.cohorts") ?? config.evaluation.cohorts
            config.evaluation.bootstrap = int(evaluation["bootstrap"], "evaluation.bootstrap", min: 100, max: 1_000_000) ?? config.evaluation.bootstrap
            config.evaluation.reference = string(evaluation["reference"], "evaluation.reference")
        }
        if config.readers && config.inputs.synthetic == nil && config.inputs.reads == nil {
            problem("readers", "the reader study needs inputs.reads (or set readers to false)")
        }
        return config
    }
}
