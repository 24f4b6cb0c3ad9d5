import Foundation
import SinoData
import SinoImaging
import SinoReport
import SinoSelection
import SinoStats

/// A study config that cannot be run: every problem, each naming the key.
public struct StudyConfigError: Error, CustomStringConvertible, Sendable {
    public var source: String
    public var problems: [String]

    public var description: String {
        "\(source): \(problems.count) problem(s), nothing was run:\n" + problems.map { "  - \($0)" }.joined(separator: "\n")
    }
}

extension StudyConfig {
    /// Reads a config (JSON) and lists every problem in it at once: unknown keys (with the
    /// nearest known one), wrong types, values out of range, unknown names, and, with
    /// `checkFiles`, what a schema cannot see (input files that do not exist, CNNs without
    /// images, a reader study without reads).
    ///
    /// - Parameters:
    ///   - data: the config file's bytes.
    ///   - source: how errors name the config (its path).
    ///   - base: the folder relative paths start from.
    ///   - checkFiles: also check the files and the settings that depend on each other.
    /// - Returns: the config, with every setting not given at its default.
    /// - Throws: `StudyConfigError` listing every problem; `StudyError` when the file is not JSON.
    public static func read(data: Data, source: String, base: URL, checkFiles: Bool = true) throws -> StudyConfig {
        // Syntax first, with the position of the error (JSONDecoder's message gives none).
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw StudyError("\(source): not valid JSON\(jsonErrorPosition(error, in: data)) (\(jsonErrorText(error)))")
        }
        guard object is [String: Any] else { throw StudyError("\(source): expected a JSON object at the top level") }
        // The profile chooses the CNN defaults, so it is read first.
        struct ProfileProbe: Decodable { var profile: String? }
        let profile = ((try? JSONDecoder().decode(ProfileProbe.self, from: data))?.profile).flatMap(Profile.init(rawValue:)) ?? .quick
        let problems = ConfigProblems()
        let decoder = JSONDecoder()
        decoder.userInfo[.configProblems] = problems
        decoder.userInfo[.configProfile] = profile
        let config = try? decoder.decode(StudyConfig.self, from: data)
        var found = problems.items
        if let config, checkFiles { found += config.problems(base: base) }
        guard let config, found.isEmpty else { throw StudyConfigError(source: source, problems: found) }
        return config
    }

    /// Reads the config file at `path` (relative paths in it start from its folder).
    public static func read(path: String, checkFiles: Bool = true) throws -> StudyConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw StudyError("\(path): cannot read the study config (no such file or not readable)")
        }
        return try read(data: data, source: path, base: URL(fileURLWithPath: path).deletingLastPathComponent(), checkFiles: checkFiles)
    }

    /// What a schema cannot check: input files exist, CNNs have images and known sequences, the
    /// best epoch can be chosen, the reader study has reads. Empty when the config can run.
    public func problems(base: URL) -> [String] {
        var problems: [String] = []
        func file(_ path: String?, _ key: String, directory: Bool = false) {
            guard let path else { return }
            let url = resolve(path, base: base)
            var isDirectory: ObjCBool = false
            if !FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) {
                problems.append("\(key): \(url.path) does not exist")
            } else if isDirectory.boolValue != directory {
                problems.append("\(key): \(url.path) is \(directory ? "not a folder" : "a folder, expected a file")")
            }
        }
        if inputs.synthetic == nil && inputs.cohort == nil { problems.append("inputs: expected inputs.cohort (a cohort CSV) or inputs.synthetic") }
        file(inputs.cohort, "inputs.cohort")
        if let d = inputs.dictionary, d != "sinonasal" { file(d, "inputs.dictionary") }
        file(inputs.images, "inputs.images", directory: true)
        file(inputs.reads, "inputs.reads")
        if radiomics.enabled { file(radiomics.params, "radiomics.params") }
        for (arch, path) in cnn.weights.sorted(by: { $0.key.rawValue < $1.key.rawValue }) { file(path, "cnn.weights.\(arch.rawValue)") }
        if let first = cnn.selectFromGiven, first > cnn.epochs {
            problems.append("cnn.select_from: \(first) is after the last epoch (\(cnn.epochs))")
        }
        if cnn.enabled {
            if inputs.synthetic.map({ !$0.images }) ?? (inputs.images == nil) {
                problems.append("cnn.enabled: the CNN stages need images: set inputs.images (or inputs.synthetic.images to true), or cnn.enabled to false")
            }
            if let synthetic = inputs.synthetic, synthetic.images {
                let unknown = cnn.sequences.filter { !PhantomGenerator.sequences.contains($0) }
                if !unknown.isEmpty {
                    problems.append("cnn.sequences: the SYNTHETIC images hold \(PhantomGenerator.sequences.joined(separator: ", ")), not \(unknown.joined(separator: ", "))")
                }
            }
        }
        if readers && inputs.synthetic == nil && inputs.reads == nil {
            problems.append("readers: the reader study needs inputs.reads (or set readers to false)")
        }
        return problems
    }
}

extension CodingUserInfoKey {
    /// The profile whose CNN defaults a config starts from.
    static let configProfile = CodingUserInfoKey(rawValue: "sinorad.config.profile")!
}

/// ", line L, column C" from the byte offset Foundation's message gives ("around character N"),
/// or "" when it gives none.
func jsonErrorPosition(_ error: any Error, in data: Data) -> String {
    let text = jsonErrorText(error)
    guard let range = text.range(of: #"character \d+"#, options: .regularExpression),
        let offset = Int(text[range].dropFirst("character ".count)), offset <= data.count
    else { return "" }
    let before = data.prefix(offset)
    let line = before.filter { $0 == 10 }.count + 1
    let column = offset - (before.lastIndex(of: 10).map { $0 + 1 } ?? 0) + 1
    return ", line \(line), column \(column)"
}

func jsonErrorText(_ error: any Error) -> String {
    let ns = error as NSError
    return (ns.userInfo[NSDebugDescriptionErrorKey] as? String) ?? ns.localizedDescription
}

// MARK: - The config's types, key by key (the keys are data-schema/study.schema.json's)

extension StudyConfig: Decodable {
    enum Key: String, CodingKey, CaseIterable {
        case schema = "$schema", study, output, profile, seed, inputs, label, classes, selection, conventional, cnn, radiomics, evaluation, readers, executor, slurm
        case figureFormats = "figure_formats"
    }

    public init(from decoder: any Decoder) throws {
        let o = try ConfigObject<Key>(decoder)
        let profile = decoder.userInfo[.configProfile] as? Profile ?? .quick
        self.init(profile: o.value(.profile, profile))
        _ = o.optional(.schema, String.self)
        study = o.value(.study, study) { name in
            name.isEmpty || name.contains("/") || name.hasPrefix(".") ? "'\(name)' cannot name a folder (no '/', not empty, not starting with '.')" : nil
        }
        output = o.optional(.output)
        seed = o.value(.seed, seed)
        label = o.value(.label, label)
        classes = o.optional(.classes, check: distinctEntries())
        figureFormats = o.value(.figureFormats, figureFormats) { formats in
            distinctEntries()(formats) ?? (formats.contains(.png) ? nil : "must include png (index.html inlines the PNGs)")
        }
        readers = o.value(.readers, readers)
        inputs = o.value(.inputs, inputs)
        selection = o.value(.selection, selection)
        conventional = o.value(.conventional, conventional)
        cnn = o.value(.cnn, cnn)
        radiomics = o.value(.radiomics, radiomics)
        evaluation = o.value(.evaluation, evaluation)
        executor = o.value(.executor, executor)
        slurm = o.value(.slurm, slurm)
    }
}

extension StudyConfig: ConfigValue { public static var expectation: String { "expected an object" } }

extension StudyConfig.Inputs: Decodable, ConfigValue {
    public static var expectation: String { "expected an object" }
    enum Key: String, CodingKey, CaseIterable { case synthetic, cohort, dictionary, images, reads }

    public init(from decoder: any Decoder) throws {
        let o = try ConfigObject<Key>(decoder)
        self.init(synthetic: nil)
        cohort = o.optional(.cohort)
        dictionary = o.optional(.dictionary)
        images = o.optional(.images)
        reads = o.optional(.reads)
        if o.has(.synthetic) {
            synthetic = o.optional(.synthetic) ?? StudyConfig.Synthetic()
            for key in [Key.cohort, .images, .reads] where o.has(key) {
                o.problem(key, "give either inputs.synthetic or your own files, not both")
            }
        } else if !o.has(.cohort) {
            o.problems.add(configPath(o.path), "expected inputs.cohort (a cohort CSV) or inputs.synthetic")
        }
    }
}

extension StudyConfig.Synthetic: Decodable, ConfigValue {
    public static var expectation: String { "expected an object" }
    enum Key: String, CodingKey, CaseIterable { case patients, seed, images, imageGrid = "image_grid" }

    public init(from decoder: any Decoder) throws {
        let o = try ConfigObject<Key>(decoder)
        self.init()
        patients = o.value(.patients, patients, check: within(30...Int.max))
        seed = o.value(.seed, seed)
        images = o.value(.images, images)
        imageGrid = o.value(.imageGrid, imageGrid)
    }
}

extension StudyConfig.Selection: Decodable, ConfigValue {
    public static var expectation: String { "expected an object" }
    enum Key: String, CodingKey, CaseIterable {
        case screeningAlpha = "screening_alpha", eliminationAlpha = "elimination_alpha", reference, method
    }

    public init(from decoder: any Decoder) throws {
        let o = try ConfigObject<Key>(decoder)
        self.init()
        screeningAlpha = o.value(.screeningAlpha, screeningAlpha, check: strictlyWithin(0, 1))
        eliminationAlpha = o.value(.eliminationAlpha, eliminationAlpha, check: strictlyWithin(0, 1))
        reference = o.optional(.reference)
        method = o.value(.method, method)
    }
}

extension StudyConfig.Conventional: Decodable, ConfigValue {
    public static var expectation: String { "expected an object" }
    enum Key: String, CodingKey, CaseIterable { case classifiers, trees, folds, grid }

    public init(from decoder: any Decoder) throws {
        let o = try ConfigObject<Key>(decoder)
        self.init()
        classifiers = o.value(.classifiers, classifiers, check: distinctEntries())
        trees = o.value(.trees, trees, check: within(1...100_000))
        folds = o.value(.folds, folds, check: within(2...20))
        grid = o.value(.grid, grid)
    }
}

extension StudyConfig.Radiomics: Decodable, ConfigValue {
    public static var expectation: String { "expected an object" }
    enum Key: String, CodingKey, CaseIterable {
        case enabled, params, sequences, classifiers, folds, selection, jobs
        case perSequence = "per_sequence", combined, combinedClassifier = "combined_classifier"
    }

    public init(from decoder: any Decoder) throws {
        let o = try ConfigObject<Key>(decoder)
        self.init()
        enabled = o.value(.enabled, true)
        params = o.optional(.params) { (path: String) in path.isEmpty ? "expected a parameter file path, not an empty string" : nil }
        sequences = o.value(.sequences, sequences) { (list: [String]) in
            distinctEntries()(list) ?? (list.contains("") ? "a sequence name cannot be empty" : nil)
        }
        classifiers = o.value(.classifiers, classifiers, check: distinctEntries())
        perSequence = o.value(.perSequence, perSequence)
        combined = o.value(.combined, combined)
        combinedClassifier = o.value(.combinedClassifier, combinedClassifier)
        folds = o.value(.folds, folds, check: within(2...20))
        jobs = o.optional(.jobs, check: within(1...1024))
        if let given = o.optional(.selection, SelectionSettings.self) { selection = given.config }
    }
}

/// radiomics.selection: read by RadiomicsSelectionConfig's own reader, its problems reported
/// under the config's path (radiomics.selection.lasso.alpha, ...).
struct SelectionSettings: Decodable, ConfigValue {
    static var expectation: String { "expected an object of selection steps (docs/SELECTION.md)" }
    var config: RadiomicsSelectionConfig

    init(from decoder: any Decoder) throws {
        let node = try JSONNode(from: decoder)
        guard case .object = node, let object = node.foundation as? [String: Any] else {
            throw ConfigValueError(codingPath: decoder.codingPath, message: Self.expectation)
        }
        do {
            config = try RadiomicsSelectionConfig.decode(object, source: "radiomics.selection")
        } catch let error as ValidationError {
            let problems = decoder.userInfo[.configProblems] as? ConfigProblems ?? ConfigProblems()
            for problem in error.problems {
                var text = problem.message
                if let value = problem.value { text += " (found '\(value)')" }
                if let expected = problem.expected { text += "; expected \(expected)" }
                problems.add(configPath(decoder.codingPath) + "." + (problem.column ?? ""), text)
            }
            throw ConfigProblemRecorded()
        }
    }
}

/// Any JSON value, for a sub-object another reader takes as Foundation objects.
indirect enum JSONNode: Decodable {
    case object([String: JSONNode]), array([JSONNode]), number(Double), bool(Bool), string(String), null

    init(from decoder: any Decoder) throws {
        if let keyed = try? decoder.container(keyedBy: AnyCodingKey.self) {
            var members: [String: JSONNode] = [:]
            for key in keyed.allKeys { members[key.stringValue] = try keyed.decode(JSONNode.self, forKey: key) }
            self = .object(members)
        } else if var list = try? decoder.unkeyedContainer() {
            var items: [JSONNode] = []
            while !list.isAtEnd { items.append(try list.decode(JSONNode.self)) }
            self = .array(items)
        } else {
            let value = try decoder.singleValueContainer()
            if value.decodeNil() {
                self = .null
            } else if let flag = try? value.decode(Bool.self) {
                self = .bool(flag)
            } else if let number = try? value.decode(Double.self) {
                self = .number(number)
            } else {
                self = .string(try value.decode(String.self))
            }
        }
    }

    /// As JSONSerialization would give it (numbers and booleans as NSNumber).
    var foundation: Any {
        switch self {
        case .object(let members): return members.mapValues(\.foundation)
        case .array(let items): return items.map(\.foundation)
        case .number(let x): return NSNumber(value: x)
        case .bool(let b): return NSNumber(value: b)
        case .string(let s): return s
        case .null: return NSNull()
        }
    }
}

extension ForestGrid: Decodable, ConfigValue {
    public static var expectation: String { "expected an object" }
    enum Key: String, CodingKey, CaseIterable { case maxDepth = "max_depth", minSamplesLeaf = "min_samples_leaf", maxFeatures = "max_features" }

    public init(from decoder: any Decoder) throws {
        let o = try ConfigObject<Key>(decoder)
        self.init()
        maxDepth = o.value(.maxDepth, maxDepth) { list in
            list.isEmpty
                ? "expected a non-empty list of integers or null (no limit)"
                : list.compactMap { $0 }.first { $0 < 1 }.map { "\($0) is out of range (expected 1 or more, or null for no limit)" }
        }
        minSamplesLeaf = o.value(.minSamplesLeaf, minSamplesLeaf) { list in
            list.isEmpty ? "expected a non-empty list of integers" : list.first { $0 < 1 }.map { "\($0) is out of range (expected 1 or more)" }
        }
        maxFeatures = o.value(.maxFeatures, maxFeatures, check: distinctEntries())
    }
}

extension StudyConfig.CNN: Decodable, ConfigValue {
    public static var expectation: String { "expected an object" }
    enum Key: String, CodingKey, CaseIterable {
        case enabled, architectures, sequences, fusion, size, epochs, batch, optimizer
        case learningRate = "learning_rate", weightDecay = "weight_decay", selectFrom = "select_from", slicesAround = "slices_around"
        case margin, outsideROI = "outside_roi", normalisation, augment, weights, parallel
        case gradcamPerClass = "gradcam_per_class", gradcamLayer = "gradcam_layer", gradcamMinMap = "gradcam_min_map", tta
    }

    public init(from decoder: any Decoder) throws {
        let o = try ConfigObject<Key>(decoder)
        self.init(profile: decoder.userInfo[.configProfile] as? StudyConfig.Profile ?? .quick)
        enabled = o.value(.enabled, enabled)
        architectures = o.value(.architectures, architectures, check: distinctEntries())
        sequences = o.value(.sequences, sequences, check: distinctEntries())
        fusion = o.value(.fusion, fusion, check: distinctEntries(nonEmpty: false))
        size = o.value(.size, size, check: within(16...1024))
        epochs = o.value(.epochs, epochs, check: within(1...10_000))
        batch = o.value(.batch, batch, check: within(1...4096))
        optimizer = o.value(.optimizer, optimizer)
        learningRate = o.value(.learningRate, learningRate, check: strictlyWithin(0, 10))
        weightDecay = o.value(.weightDecay, weightDecay) { $0 >= 0 && $0 < 1 ? nil : "\($0) is out of range (expected a number from 0 to 1)" }
        selectFromGiven = o.optional(.selectFrom, check: within(1...10_000))
        slicesAround = o.value(.slicesAround, slicesAround, check: within(0...100))
        margin = o.value(.margin, margin, check: within(0...1000))
        outsideROI = o.value(.outsideROI, outsideROI)
        normalisation = o.value(.normalisation, normalisation)
        augment = o.value(.augment, augment)
        tta = o.value(.tta, tta)
        parallel = o.optional(.parallel, check: within(1...256))
        gradcamPerClass = o.value(.gradcamPerClass, gradcamPerClass, check: within(1...50))
        gradcamLayer = o.value(.gradcamLayer, gradcamLayer) { $0.isEmpty ? "expected a layer name or auto" : nil }
        gradcamMinMap = o.value(.gradcamMinMap, gradcamMinMap, check: within(1...1024))
        if let given = o.optional(.weights, [String: String].self) {
            for (name, path) in given.sorted(by: { $0.key < $1.key }) {
                if let arch = CNNArchitecture(rawValue: name) {
                    weights[arch] = path
                } else {
                    let hint = nearest(name, in: CNNArchitecture.allCases.map(\.rawValue)).map { " (did you mean '\($0)'?)" } ?? ""
                    o.problems.add("cnn.weights.\(name)", "unknown architecture\(hint); known: \(CNNArchitecture.allCases.map(\.rawValue).joined(separator: ", "))")
                }
            }
        }
    }
}

extension StudyConfig.Evaluation: Decodable, ConfigValue {
    public static var expectation: String { "expected an object" }
    enum Key: String, CodingKey, CaseIterable { case cohorts, bootstrap, reference }

    public init(from decoder: any Decoder) throws {
        let o = try ConfigObject<Key>(decoder)
        self.init()
        cohorts = o.value(.cohorts, cohorts, check: distinctEntries())
        bootstrap = o.value(.bootstrap, bootstrap, check: within(100...1_000_000))
        reference = o.optional(.reference)
    }
}
