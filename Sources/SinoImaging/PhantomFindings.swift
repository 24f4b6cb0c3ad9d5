import Foundation
import SinoData

/// The findings of one patient that shape the SYNTHETIC phantom, read from a row of the
/// cohort table (`CohortSimulator.table()` or any CSV with the sinonasal dictionary's columns).
///
///     let findings = try PhantomFindings(row: ["patient_id": "SYN0001", "pathology": "ACC",
///                                              "t2_signal": "high", "max_diameter": "4.2", ...])
///
/// Missing optional findings fall back to the most common level (documented in
/// docs/IMAGING-PHANTOM.md); a missing or unknown class, or an unparsable diameter, throws.
public struct PhantomFindings: Sendable, Equatable, Codable {
    public enum Pathology: String, Sendable, Codable, CaseIterable { case SCC, ACC, ONB }

    public var patientID: String
    public var pathology: Pathology
    /// Class index in the order SCC, ACC, ONB.
    public var label: Int { Pathology.allCases.firstIndex(of: pathology)! }
    /// 0 low, 1 intermediate, 2 high (against grey matter).
    public var t2Signal: Int
    /// 0 mild, 1 moderate, 2 marked (against nasal mucosa).
    public var enhancementDegree: Int
    /// "homogeneous", "heterogeneous" or "sieve_like".
    public var enhancementPattern: String
    public var heterogeneousT2: Bool
    /// Solid-tumour ADC in 10^-3 mm^2/s; nil when the row has none (the generator then draws one).
    public var adcMean: Double?
    public var necrosis: Bool
    /// Largest diameter in cm.
    public var maxDiameter: Double
    /// nasal_cavity, maxillary_sinus, ethmoid_sinus, olfactory_cleft or other.
    public var epicenter: String
    public var intracranial: Bool
    public var orbital: Bool
    /// none, remodeling or destruction.
    public var boneChange: String
    public var marginalCysts: Bool
    public var male: Bool

    public init(
        patientID: String, pathology: Pathology, t2Signal: Int = 1, enhancementDegree: Int = 1,
        enhancementPattern: String = "homogeneous", heterogeneousT2: Bool = false, adcMean: Double? = 1.0,
        necrosis: Bool = false, maxDiameter: Double = 4.0, epicenter: String = "nasal_cavity",
        intracranial: Bool = false, orbital: Bool = false, boneChange: String = "none",
        marginalCysts: Bool = false, male: Bool = true
    ) {
        self.patientID = patientID; self.pathology = pathology; self.t2Signal = t2Signal
        self.enhancementDegree = enhancementDegree; self.enhancementPattern = enhancementPattern
        self.heterogeneousT2 = heterogeneousT2; self.adcMean = adcMean; self.necrosis = necrosis
        self.maxDiameter = maxDiameter; self.epicenter = epicenter; self.intracranial = intracranial
        self.orbital = orbital; self.boneChange = boneChange; self.marginalCysts = marginalCysts; self.male = male
    }

    /// Reads the findings from one row keyed by column name (sinonasal dictionary names).
    public init(row: [String: String], idColumn: String = "patient_id", labelColumn: String = "pathology") throws {
        let id = row[idColumn] ?? "?"
        func value(_ column: String) -> String? {
            guard let raw = row[column]?.trimmingCharacters(in: .whitespaces),
                !["", "NA", "N/A", "."].contains(raw)
            else { return nil }
            return raw
        }
        func problem(_ column: String, _ message: String, _ expected: String) -> ValidationError {
            ValidationError(Problem(column: column, value: row[column], message: "patient \(id): \(message)", expected: expected))
        }
        guard let label = value(labelColumn), let pathology = Pathology(rawValue: label) else {
            throw problem(labelColumn, "no phantom for this class", "one of SCC, ACC, ONB")
        }
        func level(_ column: String, _ levels: [String], default fallback: Int) throws -> Int {
            guard let text = value(column) else { return fallback }
            guard let index = levels.firstIndex(of: text) else {
                throw problem(column, "unknown level", "one of " + levels.joined(separator: ", "))
            }
            return index
        }
        func yes(_ column: String) throws -> Bool { try level(column, ["no", "yes"], default: 0) == 1 }
        guard let diameterText = value("max_diameter"), let diameter = Double(diameterText), diameter > 0 else {
            throw problem("max_diameter", "no usable tumour diameter", "a positive number of cm")
        }
        var adc: Double?
        if let text = value("adc_mean") {
            guard let number = Double(text), number > 0 else { throw problem("adc_mean", "not a positive number", "x10^-3 mm^2/s") }
            adc = number
        }
        let patterns = ["homogeneous", "heterogeneous", "sieve_like"]
        let sites = ["nasal_cavity", "maxillary_sinus", "ethmoid_sinus", "olfactory_cleft", "other"]
        let bone = ["none", "remodeling", "destruction"]
        self.init(
            patientID: id, pathology: pathology,
            t2Signal: try level("t2_signal", ["low", "intermediate", "high"], default: 1),
            enhancementDegree: try level("enhancement_degree", ["mild", "moderate", "marked"], default: 1),
            enhancementPattern: patterns[try level("enhancement_pattern", patterns, default: 0)],
            heterogeneousT2: try level("signal_homogeneity", ["homogeneous", "heterogeneous"], default: 0) == 1,
            adcMean: adc, necrosis: try yes("necrosis"), maxDiameter: diameter,
            epicenter: sites[try level("epicenter", sites, default: 0)],
            intracranial: try yes("intracranial_invasion"), orbital: try yes("orbital_invasion"),
            boneChange: bone[try level("bone_change", bone, default: 0)],
            marginalCysts: try yes("marginal_cysts"),
            male: try level("sex", ["male", "female"], default: 0) == 0)
    }

    /// Every row of a cohort table, in table order.
    public static func rows(
        of table: CSVTable, idColumn: String = "patient_id",
        labelColumn: String = "pathology"
    ) throws -> [PhantomFindings] {
        var problems: [Problem] = []
        var findings: [PhantomFindings] = []
        for (index, fields) in table.rows.enumerated() {
            let row = Dictionary(zip(table.header, fields), uniquingKeysWith: { first, _ in first })
            do {
                findings.append(try PhantomFindings(row: row, idColumn: idColumn, labelColumn: labelColumn))
            } catch let error as ValidationError {
                problems += error.problems.map {
                    var p = $0; p.file = table.source; p.row = index + 1; return p
                }
            }
        }
        if !problems.isEmpty { throw ValidationError(problems) }
        return findings
    }
}
