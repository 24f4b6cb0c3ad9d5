import Foundation
import TestSupport

/// Tests/Fixtures/roc.json, written by scripts/peers/roc.py (scikit-learn) and
/// scripts/peers/roc_proc.R (R pROC); no expected value comes from SinoRad.
enum ROCFixture {
    /// Parsed once; never mutated after that.
    nonisolated(unsafe) static let fixture: [String: Any] = (try? Fixtures.json("roc.json")) ?? [:]
    static var versions: String { Fixtures.versions(fixture) }
    static var sklearn: String { "scikit-learn \(version("scikit-learn"))" }
    static var pROC: String { "pROC \(version("pROC")) (R \(version("R")))" }

    static func version(_ tool: String) -> String {
        (fixture["versions"] as? [String: Any])?[tool] as? String ?? "?"
    }

    static func cases(_ section: String) -> [[String: Any]] {
        fixture[section] as? [[String: Any]] ?? []
    }

    static func section(_ name: String) -> [String: Any] { fixture[name] as? [String: Any] ?? [:] }

    static func isCase(_ c: [String: Any]) -> [Bool] { (c["labels"] as! [Int]).map { $0 == 1 } }

    /// A pROC value; nil where pROC gave NA.
    static func proc(_ c: [String: Any], _ key: String) -> Double? {
        (c["proc"] as! [String: Any])[key] as? Double
    }

    static func absoluteDifference(_ a: Double, _ b: Double) -> Double { a == b ? 0 : abs(a - b) }

    static func relativeDifference(_ a: Double, _ b: Double) -> Double {
        a == b ? 0 : abs(a - b) / max(abs(b), .leastNormalMagnitude)
    }
}
