import Foundation
import Yams

/// Reads parameter-file text into Python values the way PyRadiomics 3.0.1 does: pykwalify
/// loads `.yaml`/`.yml` files with ruamel.yaml (`YAML(typ='safe', pure=True)`, YAML 1.2
/// rules) and `.json` files with Python's `json`.
enum ParameterSyntax {
    /// A file PyRadiomics cannot read at all (syntax), with a message for the user.
    struct Failure: Error {
        var message: String
    }

    // MARK: YAML (ruamel.yaml, YAML 1.2 core schema)

    /// The document of `text` (nil when it holds no document: empty or comments only).
    static func yaml(_ text: String) throws(Failure) -> PythonValue? {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw Failure(message: yamlMessage(error))
        } catch {
            throw Failure(message: "cannot be read as YAML: \(error)")
        }
        guard let node else { return nil }
        return try value(of: node, path: "")
    }

    private static func yamlMessage(_ error: YamlError) -> String {
        switch error {
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            return "repeats the key \(keys) in one mapping (near line \(context.mark.line)); ruamel.yaml, which PyRadiomics reads YAML with, refuses that"
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let during = context.map { " (\($0.text) from line \($0.mark.line), column \($0.mark.column))" } ?? ""
            return "is not valid YAML: line \(mark.line), column \(mark.column): \(problem)\(during)"
        default:
            return "is not valid YAML: \(error)"
        }
    }

    private static func value(of node: Node, path: String) throws(Failure) -> PythonValue {
        switch node {
        case .scalar(let scalar):
            return try scalarValue(scalar, path: path)
        case .sequence(let sequence):
            var items: [PythonValue] = []
            for (i, item) in sequence.enumerated() { items.append(try value(of: item, path: "\(path)[\(i)]")) }
            return .list(items)
        case .mapping(let mapping):
            var dict = PythonDict()
            var merged: [PythonDict] = []
            for (k, v) in mapping {
                let key = try keyValue(k, path: path)
                if case .string("<<") = key, case .scalar(let s) = k, s.style == .plain {
                    // YAML merge key: the mapping(s) given fill in keys not set here.
                    switch try value(of: v, path: path) {
                    case .dict(let d): merged.append(d)
                    case .list(let items):
                        for case .dict(let d) in items { merged.append(d) }
                    default: throw Failure(message: "\(display(path)): a merge key (<<) needs a mapping")
                    }
                    continue
                }
                dict[key] = try value(of: v, path: join(path, key))
            }
            for m in merged {
                for (k, v) in m.entries where dict[k] == nil { dict[k] = v }
            }
            return .dict(dict)
        case .alias:
            throw Failure(message: "\(display(path)): unresolved YAML alias")
        }
    }

    /// A mapping key: Yams has resolved (with YAML 1.1 rules) the tags of keys while checking
    /// for duplicates, so plain keys are re-resolved here with ruamel's YAML 1.2 rules.
    private static func keyValue(_ node: Node, path: String) throws(Failure) -> PythonValue {
        guard case .scalar(let scalar) = node else {
            throw Failure(message: "\(display(path)): a mapping key must be a plain value (ruamel.yaml: found unhashable key)")
        }
        if scalar.style == .plain { return try plain(scalar.string, path: path) }
        return .string(scalar.string)
    }

    private static func scalarValue(_ scalar: Node.Scalar, path: String) throws(Failure) -> PythonValue {
        let tag = scalar.tag.rawValue
        let text = scalar.string
        switch tag {
        case "":
            return try plain(text, path: path)
        case "!", Tag.Name.str.rawValue:
            return .string(text)
        case Tag.Name.int.rawValue:
            guard let v = int(text) else { throw Failure(message: "\(display(path)): '\(text)' is not an integer (!!int)") }
            return v
        case Tag.Name.float.rawValue:
            guard let v = float(text) else { throw Failure(message: "\(display(path)): '\(text)' is not a float (!!float)") }
            return .float(v)
        case Tag.Name.bool.rawValue:
            // ruamel's construct_yaml_bool: yes/no, y/n, true/false, on/off in any case.
            switch text.lowercased() {
            case "yes", "y", "true", "on": return .bool(true)
            case "no", "n", "false", "off": return .bool(false)
            default: throw Failure(message: "\(display(path)): '\(text)' is not a boolean (!!bool)")
            }
        case Tag.Name.null.rawValue:
            return .none
        case Tag.Name.timestamp.rawValue:
            return .other(type: "datetime", repr: text)
        default:
            throw Failure(message: "\(display(path)): ruamel.yaml's safe loader has no constructor for the tag \(tag)")
        }
    }

    /// ruamel.yaml's implicit resolution of a plain scalar (YAML 1.2 rules, in ruamel's order:
    /// bool, float, int, null, timestamp; anything else is a string).
    static func plain(_ text: String, path: String) throws(Failure) -> PythonValue {
        if ["true", "True", "TRUE"].contains(text) { return .bool(true) }
        if ["false", "False", "FALSE"].contains(text) { return .bool(false) }
        if matches(text, floatPattern) {
            guard let v = float(text) else { throw Failure(message: "\(display(path)): '\(text)' cannot be read as a float") }
            return .float(v)
        }
        if matches(text, intPattern) {
            guard let v = int(text) else { throw Failure(message: "\(display(path)): '\(text)' cannot be read as an integer") }
            return v
        }
        if ["", "~", "null", "Null", "NULL"].contains(text) { return .none }
        if matches(text, timestampPattern) { return .other(type: text.count == 10 ? "datetime.date" : "datetime.datetime", repr: text) }
        return .string(text)
    }

    private static let floatPattern = try! NSRegularExpression(
        pattern: #"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)"#
            + #"|[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"#)
    private static let intPattern = try! NSRegularExpression(
        pattern: #"^(?:[-+]?0b[0-1_]+|[-+]?0o?[0-7_]+|[-+]?[0-9_]+|[-+]?0x[0-9a-fA-F_]+)$"#)
    private static let timestampPattern = try! NSRegularExpression(
        pattern: #"^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?"#
            + #"(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$"#)

    private static func matches(_ text: String, _ regex: NSRegularExpression) -> Bool {
        regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    /// ruamel's construct_yaml_int (YAML 1.2): underscores dropped, sign, 0b/0x/0o prefixes,
    /// otherwise decimal (a leading 0 is not octal). Nil when the text is not a number or does
    /// not fit in 64 bits.
    static func int(_ text: String) -> PythonValue? {
        var s = text.replacingOccurrences(of: "_", with: "")
        var negative = false
        if let f = s.first, f == "-" || f == "+" {
            negative = f == "-"
            s.removeFirst()
        }
        var radix = 10
        for (prefix, r) in [("0b", 2), ("0x", 16), ("0o", 8)] where s.hasPrefix(prefix) {
            radix = r
            s.removeFirst(2)
        }
        guard !s.isEmpty, let magnitude = Int(s, radix: radix) else { return nil }
        return .int(negative ? -magnitude : magnitude)
    }

    /// ruamel's construct_yaml_float: underscores dropped, case ignored, `.inf`/`.nan`.
    static func float(_ text: String) -> Double? {
        var s = text.replacingOccurrences(of: "_", with: "").lowercased()
        var sign = 1.0
        if let f = s.first, f == "-" || f == "+" {
            if f == "-" { sign = -1 }
            s.removeFirst()
        }
        if s == ".inf" { return sign * .infinity }
        if s == ".nan" { return .nan }
        guard let v = Double(s), s.first != "i", s.first != "n" else { return nil }
        return sign * v
    }

    // MARK: JSON (Python's json module)

    /// Python's `json.load` of `text`: ints and floats as written (a number with a fraction
    /// or exponent is a float), NaN/Infinity/-Infinity accepted, a repeated key keeps its first
    /// place and its last value, control characters inside strings refused.
    static func json(_ text: String) throws(Failure) -> PythonValue {
        var parser = JSONParser(bytes: Array(text.utf8))
        parser.skipSpace()
        let value = try parser.parseValue()
        parser.skipSpace()
        if parser.index < parser.bytes.count { throw parser.failure("Extra data") }
        return value
    }

    private struct JSONParser {
        let bytes: [UInt8]
        var index = 0
        var depth = 0
        /// Arrays and objects nest at most this deep (Python's json stops near its recursion
        /// limit of 1000 too): deeper input is an error, not a stack overflow.
        static let maximumDepth = 512

        init(bytes: [UInt8]) { self.bytes = bytes }

        func failure(_ what: String) -> Failure {
            var line = 1
            var column = 1
            for b in bytes[..<min(index, bytes.count)] {
                if b == UInt8(ascii: "\n") {
                    line += 1
                    column = 1
                } else if b & 0xC0 != 0x80 {
                    column += 1
                }
            }
            return Failure(message: "is not valid JSON: \(what): line \(line) column \(column)")
        }

        mutating func skipSpace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }

        func has(_ literal: String) -> Bool {
            let l = Array(literal.utf8)
            return index + l.count <= bytes.count && Array(bytes[index..<index + l.count]) == l
        }

        mutating func parseValue() throws(Failure) -> PythonValue {
            guard index < bytes.count else { throw failure("Expecting value") }
            switch bytes[index] {
            case UInt8(ascii: "{"): return try parseObject()
            case UInt8(ascii: "["): return try parseArray()
            case UInt8(ascii: "\""): return .string(try parseString())
            default: break
            }
            for (literal, value) in [
                ("true", PythonValue.bool(true)), ("false", .bool(false)), ("null", .none), ("NaN", .float(.nan)),
                ("Infinity", .float(.infinity)), ("-Infinity", .float(-.infinity))
            ] where has(literal) {
                index += literal.utf8.count
                return value
            }
            return try parseNumber()
        }

        mutating func parseNumber() throws(Failure) -> PythonValue {
            let start = index
            func digits() -> Int {
                let s = index
                while index < bytes.count, (0x30...0x39).contains(bytes[index]) { index += 1 }
                return index - s
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, (0x30...0x39).contains(bytes[index]) else {
                index = start
                throw failure("Expecting value")
            }
            if bytes[index] == UInt8(ascii: "0") { index += 1 } else { _ = digits() }
            var isFloat = false
            if index + 1 < bytes.count, bytes[index] == UInt8(ascii: "."), (0x30...0x39).contains(bytes[index + 1]) {
                index += 1
                _ = digits()
                isFloat = true
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                let save = index
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
                if digits() == 0 { index = save } else { isFloat = true }
            }
            let text = String(decoding: bytes[start..<index], as: UTF8.self)
            if isFloat {
                guard let v = Double(text) else { throw failure("Invalid number") }
                return .float(v)
            }
            guard let v = Int(text) else { throw failure("Integer \(text) is too large") }
            return .int(v)
        }

        mutating func parseString() throws(Failure) -> String {
            index += 1
            var out: [UInt8] = []
            while true {
                guard index < bytes.count else { throw failure("Unterminated string starting at") }
                let b = bytes[index]
                if b == UInt8(ascii: "\"") {
                    index += 1
                    return String(decoding: out, as: UTF8.self)
                }
                if b < 0x20 { throw failure("Invalid control character at") }
                if b != UInt8(ascii: "\\") {
                    out.append(b)
                    index += 1
                    continue
                }
                index += 1
                guard index < bytes.count else { throw failure("Unterminated string starting at") }
                let e = bytes[index]
                index += 1
                switch e {
                case UInt8(ascii: "\""): out.append(e)
                case UInt8(ascii: "\\"): out.append(e)
                case UInt8(ascii: "/"): out.append(e)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var code = try hex4()
                    if (0xD800..<0xDC00).contains(code), has("\\u") {
                        let save = index
                        index += 2
                        let low = try hex4()
                        if (0xDC00..<0xE000).contains(low) {
                            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        } else {
                            index = save
                        }
                    }
                    // A lone surrogate cannot be UTF-8: Python keeps it, here it becomes U+FFFD.
                    out.append(contentsOf: Array(String(Character(Unicode.Scalar(code) ?? "\u{FFFD}")).utf8))
                default:
                    index -= 2
                    throw failure("Invalid \\escape")
                }
            }
        }

        mutating func hex4() throws(Failure) -> UInt32 {
            guard index + 4 <= bytes.count, let v = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16) else {
                throw failure("Invalid \\uXXXX escape")
            }
            index += 4
            return v
        }

        mutating func parseArray() throws(Failure) -> PythonValue {
            guard depth < Self.maximumDepth else { throw failure("arrays and objects nested more than \(Self.maximumDepth) deep") }
            depth += 1
            defer { depth -= 1 }
            index += 1
            var items: [PythonValue] = []
            skipSpace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .list(items)
            }
            while true {
                skipSpace()
                items.append(try parseValue())
                skipSpace()
                guard index < bytes.count else { throw failure("Expecting ',' delimiter") }
                if bytes[index] == UInt8(ascii: "]") {
                    index += 1
                    return .list(items)
                }
                guard bytes[index] == UInt8(ascii: ",") else { throw failure("Expecting ',' delimiter") }
                index += 1
            }
        }

        mutating func parseObject() throws(Failure) -> PythonValue {
            guard depth < Self.maximumDepth else { throw failure("arrays and objects nested more than \(Self.maximumDepth) deep") }
            depth += 1
            defer { depth -= 1 }
            index += 1
            var dict = PythonDict()
            skipSpace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                index += 1
                return .dict(dict)
            }
            while true {
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                    throw failure("Expecting property name enclosed in double quotes")
                }
                let key = try parseString()
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw failure("Expecting ':' delimiter") }
                index += 1
                skipSpace()
                dict[key] = try parseValue()
                skipSpace()
                guard index < bytes.count else { throw failure("Expecting ',' delimiter") }
                if bytes[index] == UInt8(ascii: "}") {
                    index += 1
                    return .dict(dict)
                }
                guard bytes[index] == UInt8(ascii: ",") else { throw failure("Expecting ',' delimiter") }
                index += 1
            }
        }
    }

    // MARK: Paths

    /// `setting.binWidth` style paths (a leading dot dropped); "(file)" for the top level.
    static func join(_ path: String, _ key: PythonValue) -> String {
        let k: String
        if case .string(let s) = key { k = s } else { k = key.repr }
        return path.isEmpty ? k : path + "." + k
    }

    static func display(_ path: String) -> String { path.isEmpty ? "(file)" : path }
}
