import Foundation
import TestSupport
import Testing

/// Typed access to `Tests/Fixtures/group_tests.json` (written by scripts/peers/group_tests.py).
struct GroupTestsFixture {
    let root: [String: Any]

    init() throws { root = try Fixtures.json("group_tests.json") }

    var versions: [String: Any] { root["versions"] as? [String: Any] ?? [:] }
    func version(_ tool: String) -> String { versions[tool] as? String ?? "missing" }
    func records(_ key: String) -> [[String: Any]] { root[key] as? [[String: Any]] ?? [] }
}

/// Reads a JSON number (NSNumber from JSONSerialization) as a Double.
func number(_ object: [String: Any], _ key: String) -> Double {
    (object[key] as? NSNumber)?.doubleValue ?? .nan
}

func numbers(_ value: Any?) -> [Double] {
    (value as? [Any] ?? []).map { ($0 as? NSNumber)?.doubleValue ?? .nan }
}

func groups(_ value: Any?) -> [[Double]] {
    (value as? [Any] ?? []).map { numbers($0) }
}

/// Compares values with a reference tool and keeps the largest relative difference seen,
/// so each test can report it.
struct Agreement {
    let tolerance: Double
    private(set) var maxRelativeDifference = 0.0
    private(set) var count = 0

    init(tolerance: Double = 1e-9) { self.tolerance = tolerance }

    mutating func check(
        _ actual: Double, _ expected: Double, _ what: @autoclosure () -> String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        count += 1
        let difference = actual == expected ? 0 : abs(actual - expected) / max(abs(expected), .leastNormalMagnitude)
        maxRelativeDifference = max(maxRelativeDifference, difference.isNaN ? .infinity : difference)
        #expect(
            isClose(actual, expected, rel: tolerance), "\(what()): \(actual) vs \(expected)",
            sourceLocation: sourceLocation)
    }

    func report(_ what: String, tool: String) {
        #expect(count > 0, "no values compared for \(what)")
        reportComparison("\(what) (\(count) values)", tool: tool, maxRelDiff: maxRelativeDifference)
    }
}
