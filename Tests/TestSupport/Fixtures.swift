import Foundation

/// Access to the reference-tool fixtures committed under `Tests/Fixtures/`.
///
/// Every fixture is JSON written by a script in `scripts/peers/`, with a `generator`
/// (the script) and `versions` (the reference tools that produced the numbers).
public enum Fixtures {
    /// The repository root, found from this source file's location.
    public static let root: URL = {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // TestSupport
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()  // repo root
    }()

    public static func url(_ name: String) -> URL {
        root.appendingPathComponent("Tests/Fixtures").appendingPathComponent(name)
    }

    /// Parses `Tests/Fixtures/<name>` as JSON (a dictionary at the top level).
    public static func json(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: url(name))
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw FixtureError.notAnObject(name)
        }
        return object
    }

    /// Decodes `Tests/Fixtures/<name>` into a `Decodable` type.
    public static func decode<T: Decodable>(_ type: T.Type, _ name: String) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(contentsOf: url(name)))
    }

    /// "scipy 1.17.1, statsmodels 0.15.0" from a fixture's `versions` object, for test names
    /// and the suite's record of what was compared to which tool.
    public static func versions(_ fixture: [String: Any]) -> String {
        let versions = fixture["versions"] as? [String: Any] ?? [:]
        return versions.keys.sorted().map { "\($0) \(versions[$0]!)" }.joined(separator: ", ")
    }
}

public enum FixtureError: Error, CustomStringConvertible {
    case notAnObject(String)
    public var description: String {
        switch self {
        case .notAnObject(let name): return "fixture \(name) is not a JSON object"
        }
    }
}

/// Relative-or-absolute closeness: |a - e| <= max(rel * |e|, abs).
public func isClose(_ actual: Double, _ expected: Double, rel: Double, abs absTol: Double = 0) -> Bool {
    if actual.isNaN || expected.isNaN { return actual.isNaN && expected.isNaN }
    if actual == expected { return true }
    return Swift.abs(actual - expected) <= Swift.max(rel * Swift.abs(expected), absTol)
}

/// Records one comparison against a reference tool; the suite prints these lines so a
/// run shows what was compared to which tool.
public func reportComparison(_ what: String, tool: String, maxRelDiff: Double) {
    print("[compare] \(what) vs \(tool): max rel diff \(String(format: "%.3g", maxRelDiff))")
}
