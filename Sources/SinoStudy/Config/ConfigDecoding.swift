import Foundation
import SinoData
import SinoImaging
import SinoReport
import SinoStats

// Decoding a config that lists every problem at once. `JSONDecoder` stops at the first error;
// here each object is read through `ConfigObject`, which decodes one key at a time, records
// what is wrong with it ("cnn.size: 8 is out of range (expected 16 to 1024)", "seeed: unknown
// key (did you mean 'seed'?)") in the decoder's `ConfigProblems`, keeps the default and goes
// on. The types stay plain `Decodable` structs with their defaults written once.

/// The problems found while decoding one config, in the order they were found.
public final class ConfigProblems: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []

    public init() {}

    public var items: [String] { lock.lock(); defer { lock.unlock() }; return list }

    public func add(_ path: String, _ text: String) {
        lock.lock(); defer { lock.unlock() }
        list.append(path.isEmpty ? text : "\(path): \(text)")
    }
}

extension CodingUserInfoKey {
    /// Where `ConfigObject` records problems (a `ConfigProblems`).
    public static let configProblems = CodingUserInfoKey(rawValue: "sinorad.config.problems")!
}

/// Thrown by a nested value after its own problems were recorded, so that the enclosing
/// object records nothing more for it.
struct ConfigProblemRecorded: Error {}

/// A value that is wrong in a way its type knows how to say ("'vgg16' is not one of ...").
public struct ConfigValueError: Error, CustomStringConvertible {
    public var codingPath: [any CodingKey]
    public var message: String
    public var description: String { codingPath.isEmpty ? message : "\(configPath(codingPath)): \(message)" }
}

/// A key of any name (to see the keys a config object has).
struct AnyCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { self.stringValue = "\(intValue)"; self.intValue = intValue }
}

/// "cnn.architectures[1]" from a coding path.
func configPath(_ path: [any CodingKey]) -> String {
    var text = ""
    for key in path {
        if let index = key.intValue { text += "[\(index)]" } else { text += text.isEmpty ? key.stringValue : ".\(key.stringValue)" }
    }
    return text
}

/// A value type of a config, with what a wrong value should have been, in words.
public protocol ConfigValue: Decodable {
    static var expectation: String { get }
}

extension Int: ConfigValue { public static var expectation: String { "expected an integer" } }
extension UInt64: ConfigValue { public static var expectation: String { "expected an integer of 0 or more" } }
extension Double: ConfigValue { public static var expectation: String { "expected a number" } }
extension Bool: ConfigValue { public static var expectation: String { "expected true or false" } }
extension String: ConfigValue { public static var expectation: String { "expected a string" } }
extension Array: ConfigValue where Element: ConfigValue {
    public static var expectation: String { "expected a list (\(Element.expectation.replacingOccurrences(of: "expected ", with: "each ")))" }
}
extension Optional: ConfigValue where Wrapped: ConfigValue {
    public static var expectation: String { Wrapped.expectation + " or null" }
}
extension Dictionary: ConfigValue where Key == String, Value: ConfigValue {
    public static var expectation: String { "expected an object (\(Value.expectation.replacingOccurrences(of: "expected ", with: "each value ")))" }
}

/// A closed set of names in a config: decoding anything else says which names are allowed.
public protocol ConfigEnum: ConfigValue, RawRepresentable, CaseIterable where RawValue == String {}

extension ConfigEnum {
    public static var expectation: String { "expected one of \(allCases.map(\.rawValue).joined(separator: ", "))" }

    /// Decodes the name, or throws a `ConfigValueError` naming the allowed ones (the decoding
    /// of the types declared as `ConfigEnum`).
    public init(from decoder: any Decoder) throws { self = try Self.decodeName(from: decoder) }

    /// Decodes the name, or throws a `ConfigValueError` naming the allowed ones.
    public static func decodeName(from decoder: any Decoder) throws -> Self {
        let container = try decoder.singleValueContainer()
        guard let text = try? container.decode(String.self) else {
            throw ConfigValueError(codingPath: decoder.codingPath, message: expectation)
        }
        guard let value = Self(rawValue: text) else {
            let names = allCases.map(\.rawValue)
            let near = nearest(text, in: names).map { " (did you mean '\($0)'?)" } ?? ""
            throw ConfigValueError(codingPath: decoder.codingPath, message: "'\(text)' is not one of \(names.joined(separator: ", "))\(near)")
        }
        return value
    }
}

/// The name of `names` closest to `key` when it is close enough to be a typo.
func nearest(_ key: String, in names: [String]) -> String? {
    guard let near = names.min(by: { levenshtein(key, $0) < levenshtein(key, $1) }) else { return nil }
    return levenshtein(key, near) <= max(2, key.count / 3) ? near : nil
}

/// Levenshtein distance, for "did you mean".
func levenshtein(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    guard !a.isEmpty else { return b.count }
    guard !b.isEmpty else { return a.count }
    var row = Array(0...b.count)
    for i in 1...a.count {
        var previous = row[0]
        row[0] = i
        for j in 1...b.count {
            let current = row[j]
            row[j] = Swift.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
            previous = current
        }
    }
    return row[b.count]
}

/// One JSON object of a config, read key by key. Unknown keys are problems (with the nearest
/// known key); a wrong value is a problem and its default is kept; `null` is a problem unless
/// the type is optional.
struct ConfigObject<Key: CodingKey & CaseIterable> {
    let container: KeyedDecodingContainer<AnyCodingKey>
    let problems: ConfigProblems
    let path: [any CodingKey]

    init(_ decoder: any Decoder, extraKeys: [String] = []) throws {
        problems = decoder.userInfo[.configProblems] as? ConfigProblems ?? ConfigProblems()
        path = decoder.codingPath
        guard let container = try? decoder.container(keyedBy: AnyCodingKey.self) else {
            problems.add(configPath(path), "expected an object")
            throw ConfigProblemRecorded()
        }
        self.container = container
        let known = Key.allCases.map(\.stringValue) + extraKeys
        for key in container.allKeys.map(\.stringValue).sorted() where !known.contains(key) {
            let hint = nearest(key, in: known).map { " (did you mean '\($0)'?)" } ?? ""
            problems.add(configPath(path + [AnyCodingKey(stringValue: key)]), "unknown key\(hint); known keys: \(known.joined(separator: ", "))")
        }
    }

    func has(_ key: Key) -> Bool { container.contains(AnyCodingKey(stringValue: key.stringValue)) }

    func problem(_ key: Key, _ text: String) { problems.add(configPath(path + [AnyCodingKey(stringValue: key.stringValue)]), text) }

    /// The value of `key` when present and valid (`check` returns a problem or nil), else nil.
    func optional<T: ConfigValue>(_ key: Key, _ type: T.Type = T.self, check: ((T) -> String?)? = nil) -> T? {
        let codingKey = AnyCodingKey(stringValue: key.stringValue)
        guard container.contains(codingKey) else { return nil }
        do {
            if try container.decodeNil(forKey: codingKey), !(T.self is any ExpressibleByNilLiteral.Type) {
                problem(key, "\(T.expectation), not null")
                return nil
            }
            let value = try container.decode(T.self, forKey: codingKey)
            if let check, let text = check(value) { problem(key, text); return nil }
            return value
        } catch is ConfigProblemRecorded {
        } catch let error as ConfigValueError {
            problems.add(configPath(error.codingPath), error.message)
        } catch let error as DecodingError {
            record(error, key: key, expectation: T.expectation)
        } catch {
            problem(key, "\(error)")
        }
        return nil
    }

    /// The value of `key`, or `fallback` when it is absent or wrong.
    func value<T: ConfigValue>(_ key: Key, _ fallback: T, check: ((T) -> String?)? = nil) -> T {
        optional(key, T.self, check: check) ?? fallback
    }

    /// A decoding error inside `key`: at the key itself, its type's expectation; deeper (an
    /// entry of a list), the entry's path.
    private func record(_ error: DecodingError, key: Key, expectation: String) {
        let keyPath = path + [AnyCodingKey(stringValue: key.stringValue)]
        var at: [any CodingKey] = keyPath, detail = ""
        switch error {
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .keyNotFound(_, let c): at = c.codingPath
        case .dataCorrupted(let c): at = c.codingPath; detail = c.debugDescription
        @unknown default: break
        }
        // An entry of a list: its own path, and what each entry should be.
        var expected = expectation, where_ = keyPath
        if at.count > keyPath.count, at[keyPath.count].intValue != nil {
            where_ = Array(at.prefix(keyPath.count + 1))
            expected = expectation.range(of: "(each ").map { "expected " + expectation[$0.upperBound...].dropLast() } ?? "expected a valid value"
        }
        // A name outside a closed set (the synthesised decoding of a String enum says "from
        // invalid String value X"): which name, and which are allowed.
        if let range = detail.range(of: "from invalid String value "), expected.hasPrefix("expected one of ") {
            let name = String(detail[range.upperBound...])
            problems.add(configPath(where_), "'\(name)' is not one of \(expected.dropFirst("expected one of ".count))")
            return
        }
        problems.add(configPath(where_), expected)
    }
}

// MARK: - Checks shared by the config types

/// "n is out of range (expected a to b)" unless `range` holds `n`.
func within(_ range: ClosedRange<Int>) -> (Int) -> String? {
    { n in
        range.contains(n)
            ? nil
            : "\(n) is out of range (expected \(range.lowerBound)\(range.upperBound == Int.max ? " or more" : " to \(range.upperBound)"))"
    }
}

/// The same for a number strictly inside an interval.
func strictlyWithin(_ low: Double, _ high: Double) -> (Double) -> String? {
    { x in x > low && x < high ? nil : "\(x) is out of range (expected between \(low) and \(high), exclusive)" }
}

/// A list with at least one entry (when `nonEmpty`), none repeated.
func distinctEntries<T: Hashable>(nonEmpty: Bool = true) -> ([T]) -> String? {
    { list in
        if nonEmpty && list.isEmpty { return "expected at least one entry" }
        return Set(list).count == list.count ? nil : "repeats an entry"
    }
}

// The closed sets of other modules that a config names.
extension LogitMethod: ConfigEnum {}
extension PredictionFusion.Method: ConfigEnum {}
extension PreprocessSettings.Normalisation: ConfigEnum {}
extension PreprocessSettings.OutsideROI: ConfigEnum {}
extension FigureFormat: ConfigEnum {}
