/// A value as Python holds it once PyRadiomics has loaded a parameter file (ruamel.yaml's or
/// `json`'s objects): what the file says before any checking, with Python's int/float
/// distinction kept (`3` and `3.0` differ: LoG names and printed settings depend on it).
public indirect enum PythonValue: Sendable, Equatable {
    case none
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)
    case list([PythonValue])
    case dict(PythonDict)
    /// A value of another Python type, e.g. a YAML timestamp (`datetime.date`), with its
    /// type name and `repr()`.
    case other(type: String, repr: String)

    /// Python's `repr()` of the value (what `str()` of a dict or list prints for it).
    public var repr: String {
        switch self {
        case .none: return "None"
        case .bool(let b): return b ? "True" : "False"
        case .int(let i): return String(i)
        case .float(let x): return PythonFormat.floatRepr(x)
        case .string(let s): return PythonFormat.stringRepr(s)
        case .list(let items): return "[" + items.map(\.repr).joined(separator: ", ") + "]"
        case .dict(let d): return d.repr
        case .other(_, let r): return r
        }
    }

    /// Python's type name (`int`, `float`, `str`, `NoneType`, ...), for messages.
    public var typeName: String {
        switch self {
        case .none: return "NoneType"
        case .bool: return "bool"
        case .int: return "int"
        case .float: return "float"
        case .string: return "str"
        case .list: return "list"
        case .dict: return "dict"
        case .other(let t, _): return t
        }
    }

    /// The value as a number if it is an int or a float (not a bool: PyRadiomics' schema
    /// checker, pykwalify, does not count True/False as numbers).
    var number: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .float(let x): return x
        default: return nil
        }
    }
}

/// A Python dict: keys in insertion order, assignment to an existing key keeps its place
/// (`dict.update` semantics).
public struct PythonDict: Sendable, Equatable {
    /// The keys in insertion order.
    public private(set) var keys: [PythonValue] = []
    /// The values, in the keys' order.
    public private(set) var values: [PythonValue] = []

    /// An empty dict.
    public init() {}

    /// A dict with string keys, in the order given (a repeated key keeps its first place).
    public init(_ pairs: [(String, PythonValue)]) {
        for (k, v) in pairs { self[k] = v }
    }

    /// The entries in order.
    public var entries: [(key: PythonValue, value: PythonValue)] { Array(zip(keys, values)).map { (key: $0.0, value: $0.1) } }

    /// Whether the dict has no entries (`len(d) == 0`).
    public var isEmpty: Bool { keys.isEmpty }
    /// The number of entries.
    public var count: Int { keys.count }

    /// The value under a string key.
    public subscript(key: String) -> PythonValue? {
        get { self[.string(key)] }
        set { self[.string(key)] = newValue }
    }

    /// The value under any key (Python equality: `1 == 1.0 == True`, which parameter files
    /// never rely on; here keys compare as values of the same type).
    public subscript(key: PythonValue) -> PythonValue? {
        get { keys.firstIndex(of: key).map { values[$0] } }
        set {
            if let i = keys.firstIndex(of: key) {
                if let v = newValue {
                    values[i] = v
                } else {
                    keys.remove(at: i)
                    values.remove(at: i)
                }
            } else if let v = newValue {
                keys.append(key)
                values.append(v)
            }
        }
    }

    /// Python's `str()` of the dict, e.g. `{'binWidth': 25, 'sigma': [1.0, 2.0]}`.
    public var repr: String {
        "{" + zip(keys, values).map { "\($0.repr): \($1.repr)" }.joined(separator: ", ") + "}"
    }
}

/// Python's `repr()` of floats and strings.
public enum PythonFormat {
    /// Python's `repr(float)`: the shortest digits that read back to the same double (Swift's
    /// `description` finds the same digits), laid out as Python does: positional when the
    /// decimal exponent is in [-4, 16), with `.0` for integral values, else `d.ddde±XX`
    /// (at least two exponent digits); `inf`, `-inf`, `nan`.
    public static func floatRepr(_ x: Double) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x < 0 ? "-inf" : "inf" }
        if x == 0 { return x.sign == .minus ? "-0.0" : "0.0" }
        // Digits and decimal point position from Swift's shortest round-trip text.
        var text = "\(x.magnitude)"
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(text[text.index(after: e)...])!
            text = String(text[..<e])
        }
        var digits = ""
        var pointAt = text.count
        for (i, c) in text.enumerated() {
            if c == "." { pointAt = i } else { digits.append(c) }
        }
        // value = 0.DIGITS x 10^decpt after stripping leading zeros.
        var decpt = pointAt + exponent
        while digits.first == "0" {
            digits.removeFirst()
            decpt -= 1
        }
        while digits.count > 1 && digits.last == "0" { digits.removeLast() }
        let sign = x < 0 ? "-" : ""
        let n = digits.count
        if decpt > -4 && decpt <= 16 {
            if decpt <= 0 { return sign + "0." + String(repeating: "0", count: -decpt) + digits }
            if decpt < n {
                let i = digits.index(digits.startIndex, offsetBy: decpt)
                return sign + digits[..<i] + "." + digits[i...]
            }
            return sign + digits + String(repeating: "0", count: decpt - n) + ".0"
        }
        let e = decpt - 1
        let mantissa = n == 1 ? digits : String(digits.first!) + "." + digits.dropFirst()
        let expText = String(abs(e))
        return sign + mantissa + "e" + (e < 0 ? "-" : "+") + (expText.count < 2 ? "0" + expText : expText)
    }

    /// Python's `repr(str)`: single quotes unless the text has a `'` and no `"`; backslash,
    /// the quote, `\t`, `\n`, `\r` escaped; other control characters (C0, DEL, C1) as `\xhh`;
    /// everything else as is (Python also escapes a few rarer non-printable code points).
    public static func stringRepr(_ s: String) -> String {
        let quote: Character = s.contains("'") && !s.contains("\"") ? "\"" : "'"
        var out = String(quote)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\t": out += "\\t"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            default:
                if Character(scalar) == quote {
                    out += "\\" + String(quote)
                } else if scalar.value < 0x20 || (0x7f...0xa0).contains(scalar.value) || scalar.value == 0xad {
                    out += "\\x" + (scalar.value < 16 ? "0" : "") + String(scalar.value, radix: 16)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out.append(quote)
        return out
    }
}
