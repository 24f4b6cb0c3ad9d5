import Foundation

/// Access to the reference-tool fixtures committed under `Tests/Fixtures/`.
///
/// Every fixture is JSON written by a script in `scripts/peers/`, with a `generator`
/// (the script) and `versions` (the reference tools that produced the numbers).
public enum Fixtures {
    /// The repository root, found from this source file's location.
    public static let root: URL = {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent() // TestSupport
            .deletingLastPathComponent() // Tests
            .deletingLastPathComponent() // repo root
    }()

    public static func url(_ name: String) -> URL {
        root.appendingPathComponent("Tests/Fixtures").appendingPathComponent(name)
    }

    /// Parses `Tests/Fixtures/<name>` as JSON (a dictionary at the top level). Numbers are read
    /// by JSONDecoder, which rounds correctly: JSONSerialization on Linux is an ulp off for
    /// most 17-digit numbers, so a reference value would not be the one the tool wrote.
    /// Numbers come back as NSNumber (an integer when the text is one), so `as! Double` and
    /// `as! Int` work as with JSONSerialization.
    public static func json(_ name: String) throws -> [String: Any] {
        guard let object = try parseJSON(Data(contentsOf: url(name))) as? [String: Any] else {
            throw FixtureError.notAnObject(name)
        }
        return object
    }

    /// Any JSON text as Foundation objects, like `JSONSerialization.jsonObject(with:)` but with
    /// every number read exactly (see `json(_:)`): for SinoRad's own JSON outputs in tests too.
    public static func parseJSON(_ data: Data) throws -> Any {
        try JSONDecoder().decode(JSONValue.self, from: data).object
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

/// Any JSON value, decoded exactly, turned into Foundation objects like JSONSerialization's.
struct JSONValue: Decodable {
    let object: Any

    init(from decoder: any Decoder) throws {
        if var array = try? decoder.unkeyedContainer() {
            var items: [Any] = []
            while !array.isAtEnd { items.append(try array.decode(JSONValue.self).object) }
            object = items
        } else if let keyed = try? decoder.container(keyedBy: AnyKey.self) {
            var dictionary: [String: Any] = [:]
            for key in keyed.allKeys { dictionary[key.stringValue] = try keyed.decode(JSONValue.self, forKey: key).object }
            object = dictionary
        } else {
            let value = try decoder.singleValueContainer()
            if value.decodeNil() {
                object = NSNull()
            } else if let bool = try? value.decode(Bool.self) {
                object = bool
            } else if let int = try? value.decode(Int.self) {
                object = NSNumber(value: int)
            } else if let double = try? value.decode(Double.self) {
                object = NSNumber(value: double)
            } else {
                object = try value.decode(String.self)
            }
        }
    }

    struct AnyKey: CodingKey {
        let stringValue: String
        let intValue: Int? = nil
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
