import Foundation
import SinoRandom

/// A deterministic SYNTHETIC cohort of conventional MRI findings for the sinonasal study.
///
/// The generator follows the literature's class differences (documented with their effect sizes
/// in data-schema/DICTIONARY.md) through a small causal structure, so that the paper's analysis
/// behaves as published: T2 signal and intracranial invasion carry the class information
/// directly, and most other findings follow from them (tumour matrix -> ADC, enhancement
/// pattern; extent -> orbit, bone, diameter, necrosis). Univariate tests therefore flag many
/// findings, while multivariable selection keeps T2 signal and intracranial invasion, and a
/// model on those two reaches a macro-AUC near the paper's 0.79 rather than separating the
/// classes perfectly.
public struct CohortSimulator: Sendable {
    public struct Settings: Sendable {
        /// Patients per class, in the dictionary's class order (SCC, ACC, ONB).
        public var classCounts: [Int] = [229, 128, 108]
        /// Cohort sizes: train, validation, external test.
        public var cohortSizes: [Int] = [325, 47, 93]
        public var seed: UInt64 = 20250056
        /// Fraction of ADC values left missing (the ROI could not be drawn), completely at random.
        public var adcMissingRate: Double = 0.02
        public init() {}

        /// The study's proportions scaled to `patients` (largest remainder, class order kept).
        public static func scaled(to patients: Int, seed: UInt64) throws -> Settings {
            var settings = Settings()
            settings.seed = seed
            if patients != 465 {
                guard patients >= 30 else {
                    throw ValidationError(Problem(message: "--patients \(patients) is too small", expected: "at least 30 patients (10 per class)"))
                }
                settings.classCounts = scale([229, 128, 108], to: patients)
                settings.cohortSizes = scale([325, 47, 93], to: patients)
            }
            return settings
        }

        static func scale(_ parts: [Int], to total: Int) -> [Int] {
            let sum = Double(parts.reduce(0, +))
            let shares = parts.map { Double($0) * Double(total) / sum }
            var counts = shares.map { Int($0.rounded(.down)) }
            let order = shares.indices.sorted { shares[$0] - Double(counts[$0]) > shares[$1] - Double(counts[$1]) }
            for k in order.prefix(total - counts.reduce(0, +)) { counts[k] += 1 }
            return counts
        }
    }

    /// Class-conditional parameters (SCC, ACC, ONB). See DICTIONARY.md for the sources.
    enum Parameters {
        // Direct class effects: the two findings the paper kept as independent predictors.
        static let t2Signal: [[Double]] = [
            [0.26, 0.62, 0.12], // low, intermediate, high
            [0.06, 0.25, 0.69],
            [0.12, 0.58, 0.30]
        ]
        static let intracranial: [Double] = [0.10, 0.20, 0.62]
        // Demographics.
        static let ageMean: [Double] = [55, 54, 52.5], ageSD: [Double] = [12, 13, 15]
        static let male: [Double] = [0.70, 0.54, 0.60]
        // Weak direct effects, too small to survive adjustment at this sample size.
        static let nodes: [Double] = [0.14, 0.10, 0.13]
        static let perineuralACC = 0.03
        static let t1Signal: [[Double]] = [[0.14, 0.76, 0.10], [0.14, 0.75, 0.11], [0.13, 0.77, 0.10]]
        static let enhancementDegree: [[Double]] = [[0.27, 0.50, 0.23], [0.26, 0.49, 0.25], [0.25, 0.49, 0.26]]
    }

    public let settings: Settings
    public let dictionary: VariableDictionary

    public init(settings: Settings, dictionary: VariableDictionary = .sinonasal()) {
        self.settings = settings
        self.dictionary = dictionary
    }

    /// The cohort as CSV rows (header first), patients in random order, ids SYN0001...
    public func table() throws -> CSVTable {
        var generator = SeededGenerator(seed: settings.seed)
        var labels: [Int] = []
        for (k, count) in settings.classCounts.enumerated() { labels += Array(repeating: k, count: count) }
        generator.shuffle(&labels)
        let splits = try StratifiedSplit.assign(
            labels: labels, classCount: settings.classCounts.count,
            cohortNames: dictionary.cohorts ?? ["train", "validation", "test"],
            cohortSizes: settings.cohortSizes, seed: settings.seed &+ 1)
        let classes = dictionary.label.classes
        let header =
            [dictionary.idColumn, dictionary.cohortColumn ?? "cohort", dictionary.label.column]
            + dictionary.variables.map(\.name)
        let width = max(4, String(labels.count).count)
        var rows: [[String]] = []
        for (i, label) in labels.enumerated() {
            let findings = patient(label, &generator)
            let id = "SYN" + String(repeating: "0", count: width - String(i + 1).count) + String(i + 1)
            rows.append([id, splits[i], classes[label]] + dictionary.variables.map { findings[$0.name] ?? "NA" })
        }
        return CSVTable(source: "synthetic (seed \(settings.seed))", header: header, rows: rows)
    }

    /// One patient's findings, keyed by variable name.
    func patient(_ k: Int, _ g: inout SeededGenerator) -> [String: String] {
        typealias P = Parameters
        var f: [String: String] = [:]
        func yesNo(_ p: Double) -> String { g.bernoulli(min(max(p, 0), 1)) ? "yes" : "no" }

        let age = min(max(g.normal(mean: P.ageMean[k], sd: P.ageSD[k]), 12), 92)
        f["age"] = String(Int(age.rounded()))
        f["sex"] = g.bernoulli(P.male[k]) ? "male" : "female"

        // Tumour matrix: T2 signal (mucin/cribriform ACC bright, cellular SCC intermediate).
        let t2 = g.categorical(P.t2Signal[k])
        f["t2_signal"] = ["low", "intermediate", "high"][t2]
        // Extent: intracranial invasion (ONB crosses the cribriform plate early).
        let intracranial = g.bernoulli(P.intracranial[k])
        f["intracranial_invasion"] = intracranial ? "yes" : "no"
        let ic = intracranial ? 1.0 : 0.0, t2High = t2 == 2 ? 1.0 : 0.0, t2Low = t2 == 0 ? 1.0 : 0.0

        // Location follows the extent: intracranial tumours arise high in the nasal cavity.
        f["epicenter"] =
            ["nasal_cavity", "maxillary_sinus", "ethmoid_sinus", "olfactory_cleft", "other"][
                g.categorical(intracranial ? [0.22, 0.14, 0.30, 0.28, 0.06] : [0.38, 0.40, 0.11, 0.05, 0.06])]
        let diameter = min(max(g.normal(mean: 4.2 + 0.9 * ic, sd: 1.2), 0.8), 11)
        f["max_diameter"] = String(format: "%.1f", diameter)
        f["t1_signal"] = ["hypo", "iso", "hyper"][g.categorical(P.t1Signal[k])]
        let necrosis = g.bernoulli(logistic(-1.1 + 0.45 * (diameter - 4.5) + 0.4 * ic))
        f["necrosis"] = necrosis ? "yes" : "no"
        f["signal_homogeneity"] = g.bernoulli(0.30 + 0.25 * t2High + 0.30 * (necrosis ? 1 : 0)) ? "heterogeneous" : "homogeneous"
        f["enhancement_degree"] = ["mild", "moderate", "marked"][g.categorical(P.enhancementDegree[k])]
        let sieve = 0.04 + 0.22 * t2High
        let heterogeneous = necrosis ? 0.55 : 0.25
        f["enhancement_pattern"] =
            ["homogeneous", "heterogeneous", "sieve_like"][
                g.categorical([1 - sieve - heterogeneous, heterogeneous, sieve])]
        // ADC follows the matrix (bright T2 = loose, mucinous stroma = free diffusion).
        if g.bernoulli(settings.adcMissingRate) {
            f["adc_mean"] = "NA"
        } else {
            let adc = min(max(g.normal(mean: 0.92 + 0.30 * t2High - 0.10 * t2Low, sd: 0.20), 0.35), 2.6)
            f["adc_mean"] = String(format: "%.2f", adc)
        }
        f["orbital_invasion"] = yesNo(0.14 + 0.36 * ic)
        f["bone_change"] =
            ["none", "remodeling", "destruction"][
                g.categorical(intracranial ? [0.05, 0.20, 0.75] : [0.35, 0.30, 0.35])]
        f["perineural_spread"] = yesNo(0.05 + 0.10 * ic + (k == 1 ? P.perineuralACC : 0))
        f["marginal_cysts"] = yesNo(intracranial ? (k == 2 ? 0.12 : 0.07) : 0)
        f["cervical_lymph_nodes"] = yesNo(P.nodes[k])
        return f
    }

    func logistic(_ x: Double) -> Double { 1 / (1 + exp(-x)) }
}
