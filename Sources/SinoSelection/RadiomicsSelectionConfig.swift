import Foundation
import SinoData

/// The selection steps of a radiomics model and their settings (`sinorad radiomics select
/// --config R.json`, the study config's `radiomics.selection`). Every step is switchable; the
/// defaults are the common methods-section recipe: z-score, near-zero variance, Kruskal-Wallis
/// (or Mann-Whitney) with Benjamini-Hochberg, Spearman redundancy at 0.9, then a 10-fold
/// cross-validated LASSO at lambda.1se. mRMR is off unless asked for.
public struct RadiomicsSelectionConfig: Codable, Sendable, Equatable {
    public struct Variance: Codable, Sendable, Equatable {
        public var enabled = true
        /// caret's freqCut (most common / second most common value).
        public var freqCut = 95.0 / 5.0
        /// caret's uniqueCut (percent distinct values).
        public var uniqueCut = 10.0
    }
    public struct Stability: Codable, Sendable, Equatable {
        /// Used when a second segmentation's table is given.
        public var enabled = true
        public var form: IntraclassCorrelation.Form = .icc3
        public var threshold = 0.75
    }
    public struct Univariate: Codable, Sendable, Equatable {
        public enum Choice: String, Codable, Sendable, CaseIterable {
            /// Kruskal-Wallis for three or more classes, Mann-Whitney for two.
            case auto
            case kruskalWallis, anova, mannWhitney, welch, student
        }
        public var enabled = true
        public var test: Choice = .auto
        /// Features with Benjamini-Hochberg q below this are kept.
        public var alpha = 0.05
    }
    public struct Redundancy: Codable, Sendable, Equatable {
        public var enabled = true
        public var method: RedundancyFilter.Method = .spearman
        public var threshold = 0.9
    }
    public struct MRMR: Codable, Sendable, Equatable {
        public enum Variant: String, Codable, Sendable, CaseIterable {
            /// mrmr_selection's mrmr_classif: F-statistic relevance, |Pearson r| redundancy.
            case mrmrSelection = "mrmr_selection"
            /// pymrmr MID / MIQ on features discretised at mean ± sd.
            case pymrmrMID = "pymrmr_MID"
            case pymrmrMIQ = "pymrmr_MIQ"
        }
        public var enabled = false
        public var variant: Variant = .mrmrSelection
        public var count = 20
    }
    public struct Lasso: Codable, Sendable, Equatable {
        public enum Rule: String, Codable, Sendable, CaseIterable {
            case min = "lambda.min"
            case oneSE = "lambda.1se"
        }
        public var enabled = true
        /// glmnet's alpha: 1 the lasso, between 0 and 1 the elastic net.
        public var alpha = 1.0
        public var folds = 10
        /// R's set.seed for cv.glmnet's folds.
        public var seed: Int32 = 1
        public var loss: GLMNetLoss = .deviance
        public var rule: Rule = .oneSE
        /// Multinomial only: type.multinomial "grouped" (a feature is in or out for every class);
        /// false is glmnet's default, "ungrouped".
        public var grouped = false
    }

    public var impute: FeatureImputation = .none
    public var standardise = true
    public var variance = Variance()
    public var stability = Stability()
    public var univariate = Univariate()
    public var redundancy = Redundancy()
    public var mrmr = MRMR()
    public var lasso = Lasso()

    public init() {}

    /// Reads a JSON config; every unknown key, wrong type or impossible value is listed at once.
    public static func load(path: String) throws -> RadiomicsSelectionConfig {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ValidationError(Problem(file: path, message: "cannot read the file", expected: "a JSON selection config"))
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw ValidationError(Problem(file: path, message: "not a JSON object", expected: "a JSON object of selection steps"))
        }
        return try decode(object, source: path)
    }

    /// The config from an already parsed object (`source` names it in messages).
    public static func decode(_ object: [String: Any], source: String) throws -> RadiomicsSelectionConfig {
        var reader = SettingsReader(source: source)
        var config = RadiomicsSelectionConfig()
        reader.keys(object, allowed: ["impute", "standardise", "variance", "stability", "univariate", "redundancy", "mrmr", "lasso"], at: "")
        reader.choice(object, "impute", at: "", into: &config.impute)
        reader.bool(object, "standardise", at: "", into: &config.standardise)
        if let section = reader.section(object, "variance") {
            reader.keys(section, allowed: ["enabled", "freqCut", "uniqueCut"], at: "variance")
            reader.bool(section, "enabled", at: "variance", into: &config.variance.enabled)
            reader.number(section, "freqCut", at: "variance", range: 1...Double.infinity, into: &config.variance.freqCut)
            reader.number(section, "uniqueCut", at: "variance", range: 0...100, into: &config.variance.uniqueCut)
        }
        if let section = reader.section(object, "stability") {
            reader.keys(section, allowed: ["enabled", "form", "threshold"], at: "stability")
            reader.bool(section, "enabled", at: "stability", into: &config.stability.enabled)
            reader.choice(section, "form", at: "stability", into: &config.stability.form)
            reader.number(section, "threshold", at: "stability", range: -1...1, into: &config.stability.threshold)
        }
        if let section = reader.section(object, "univariate") {
            reader.keys(section, allowed: ["enabled", "test", "alpha"], at: "univariate")
            reader.bool(section, "enabled", at: "univariate", into: &config.univariate.enabled)
            reader.choice(section, "test", at: "univariate", into: &config.univariate.test)
            reader.number(section, "alpha", at: "univariate", range: 0...1, open: true, into: &config.univariate.alpha)
        }
        if let section = reader.section(object, "redundancy") {
            reader.keys(section, allowed: ["enabled", "method", "threshold"], at: "redundancy")
            reader.bool(section, "enabled", at: "redundancy", into: &config.redundancy.enabled)
            reader.choice(section, "method", at: "redundancy", into: &config.redundancy.method)
            reader.number(section, "threshold", at: "redundancy", range: 0...1, into: &config.redundancy.threshold)
        }
        if let section = reader.section(object, "mrmr") {
            reader.keys(section, allowed: ["enabled", "variant", "count"], at: "mrmr")
            reader.bool(section, "enabled", at: "mrmr", into: &config.mrmr.enabled)
            reader.choice(section, "variant", at: "mrmr", into: &config.mrmr.variant)
            reader.integer(section, "count", at: "mrmr", range: 1...100_000, into: &config.mrmr.count)
        }
        if let section = reader.section(object, "lasso") {
            reader.keys(section, allowed: ["enabled", "alpha", "folds", "seed", "loss", "rule", "grouped"], at: "lasso")
            reader.bool(section, "enabled", at: "lasso", into: &config.lasso.enabled)
            reader.number(section, "alpha", at: "lasso", range: 0...1, into: &config.lasso.alpha)
            reader.integer(section, "folds", at: "lasso", range: 3...1000, into: &config.lasso.folds)
            var seed = Int(config.lasso.seed)
            reader.integer(section, "seed", at: "lasso", range: Int(Int32.min)...Int(Int32.max), into: &seed)
            config.lasso.seed = Int32(seed)
            reader.choice(section, "loss", at: "lasso", into: &config.lasso.loss)
            reader.choice(section, "rule", at: "lasso", into: &config.lasso.rule)
            reader.bool(section, "grouped", at: "lasso", into: &config.lasso.grouped)
        }
        if !reader.problems.isEmpty { throw ValidationError(reader.problems) }
        return config
    }
}

/// Reads typed settings from a parsed JSON object, collecting a `Problem` per bad key.
struct SettingsReader {
    let source: String
    var problems: [Problem] = []

    init(source: String) { self.source = source }

    private func name(_ key: String, _ path: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    mutating func keys(_ object: [String: Any], allowed: [String], at path: String) {
        for key in object.keys.sorted() where !allowed.contains(key) {
            let close = allowed.first { $0.lowercased() == key.lowercased() }
            problems.append(
                Problem(
                    file: source, column: name(key, path), message: "unknown setting",
                    expected: close.map { "'\($0)'" } ?? "one of \(allowed.joined(separator: ", "))"))
        }
    }

    mutating func section(_ object: [String: Any], _ key: String) -> [String: Any]? {
        guard let value = object[key] else { return nil }
        guard let section = value as? [String: Any] else {
            problems.append(Problem(file: source, column: key, value: "\(value)", message: "not an object", expected: "an object of settings"))
            return nil
        }
        return section
    }

    mutating func bool(_ object: [String: Any], _ key: String, at path: String, into target: inout Bool) {
        guard let value = object[key] else { return }
        guard isBool(value), let number = value as? NSNumber else {
            problems.append(Problem(file: source, column: name(key, path), value: "\(value)", message: "wrong type", expected: "true or false"))
            return
        }
        target = number.boolValue
    }

    mutating func number(
        _ object: [String: Any], _ key: String, at path: String, range: ClosedRange<Double>, open: Bool = false, into target: inout Double
    ) {
        guard let value = object[key] else { return }
        guard let number = value as? NSNumber, !isBool(value) else {
            problems.append(Problem(file: source, column: name(key, path), value: "\(value)", message: "wrong type", expected: "a number"))
            return
        }
        let x = number.doubleValue
        let inside = open ? (x > range.lowerBound && x < range.upperBound) : range.contains(x)
        guard inside else {
            let bounds = open ? "strictly between \(range.lowerBound) and \(range.upperBound)" : "in \(range.lowerBound)...\(range.upperBound)"
            problems.append(Problem(file: source, column: name(key, path), value: "\(x)", message: "out of range", expected: "a number \(bounds)"))
            return
        }
        target = x
    }

    mutating func integer(_ object: [String: Any], _ key: String, at path: String, range: ClosedRange<Int>, into target: inout Int) {
        guard let value = object[key] else { return }
        guard let number = value as? NSNumber, !isBool(value), number.doubleValue == number.doubleValue.rounded(),
            let x = Int(exactly: number.doubleValue)
        else {
            problems.append(Problem(file: source, column: name(key, path), value: "\(value)", message: "wrong type", expected: "a whole number"))
            return
        }
        guard range.contains(x) else {
            problems.append(Problem(file: source, column: name(key, path), value: "\(x)", message: "out of range", expected: "\(range.lowerBound)...\(range.upperBound)"))
            return
        }
        target = x
    }

    mutating func choice<T: RawRepresentable & CaseIterable>(_ object: [String: Any], _ key: String, at path: String, into target: inout T)
    where T.RawValue == String {
        guard let value = object[key] else { return }
        guard let text = value as? String, let choice = T(rawValue: text) else {
            problems.append(
                Problem(
                    file: source, column: name(key, path), value: "\(value)", message: "not a known choice",
                    expected: "one of " + T.allCases.map(\.rawValue).joined(separator: ", ")))
            return
        }
        target = choice
    }

    /// JSONSerialization gives true/false as NSNumbers of type "c" (numbers 0 and 1 would
    /// otherwise pass as Bool).
    private func isBool(_ value: Any) -> Bool {
        guard let number = value as? NSNumber else { return false }
        return String(cString: number.objCType) == "c"
    }
}
