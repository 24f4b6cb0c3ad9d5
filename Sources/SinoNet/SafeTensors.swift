import Foundation

/// A problem found in a safetensors file, naming the file and, where there is one, the
/// offending tensor key.
public struct SafeTensorsError: Error, CustomStringConvertible, Equatable {
    public enum Problem: Equatable, Sendable {
        /// Fewer than 8 bytes, or the header or a tensor's data runs past the end of the file.
        case truncated(String)
        /// The header length N exceeds the 100,000,000-byte bound of the format.
        case headerTooLong(UInt64)
        /// Not UTF-8 JSON, does not start with '{', or an entry lacks dtype/shape/data_offsets.
        case malformedHeader(String)
        case duplicateKey
        case unsupportedDType(String)
        /// end - begin differs from numel * dtype size.
        case wrongByteCount(expected: Int, found: Int)
        /// A tensor's data starts after the previous one ends (unused bytes in between).
        case hole(expectedBegin: Int, found: Int)
        /// A tensor's data starts before the previous one ends.
        case overlap(expectedBegin: Int, found: Int)
        /// 8 + N + buffer end differs from the file size.
        case sizeMismatch(expected: Int, fileSize: Int)
        /// A requested key is absent, or has another dtype than asked for.
        case missingTensor
        case wrongDType(expected: String, found: String)
    }

    public let file: String
    public let tensor: String?
    public let problem: Problem

    public init(file: String, tensor: String? = nil, _ problem: Problem) {
        self.file = file
        self.tensor = tensor
        self.problem = problem
    }

    public var description: String {
        let subject = tensor.map { "safetensors file \(file), tensor '\($0)'" } ?? "safetensors file \(file)"
        switch problem {
        case .truncated(let what): return "\(subject): truncated (\(what))"
        case .headerTooLong(let n): return "\(subject): header length \(n) exceeds the 100000000-byte limit"
        case .malformedHeader(let what): return "\(subject): malformed header: \(what)"
        case .duplicateKey: return "\(subject): the key appears twice in the header"
        case .unsupportedDType(let d): return "\(subject): unsupported dtype \(d) (SinoNet reads F32 and I64)"
        case .wrongByteCount(let e, let f): return "\(subject): data_offsets span \(f) bytes, shape and dtype need \(e)"
        case .hole(let e, let f): return "\(subject): data begins at byte \(f), leaving a hole after the previous tensor ending at \(e)"
        case .overlap(let e, let f): return "\(subject): data begins at byte \(f), overlapping the previous tensor ending at \(e)"
        case .sizeMismatch(let e, let f): return "\(subject): header and data need \(e) bytes but the file has \(f)"
        case .missingTensor: return "\(subject): no such tensor"
        case .wrongDType(let e, let f): return "\(subject): dtype \(f), expected \(e)"
        }
    }
}

/// The safetensors format (huggingface/safetensors): an 8-byte little-endian u64 N, N bytes of
/// UTF-8 JSON describing each tensor (`{"name": {"dtype": "F32", "shape": [..],
/// "data_offsets": [begin, end]}, "__metadata__": {..}}`), then the little-endian C-order data.
///
/// Reading checks what the format's specification (huggingface/safetensors README, "Format") requires: N <= 100,000,000; the header is UTF-8 JSON
/// starting with '{'; no key appears twice; every dtype is known; end - begin = numel * dtype
/// size; the data ranges, in order of `begin`, tile the buffer from 0 with no hole or overlap;
/// and 8 + N + buffer end equals the file size.
///
///     let file = try SafeTensors(contentsOf: url)
///     let w = try file.floatTensor("conv1.weight")     // F32 -> Tensor
///     var out = SafeTensors.Writer()
///     out.add("conv1.weight", w); out.addInt64("bn1.num_batches_tracked", [0], shape: [])
///     try out.write(to: url)
public struct SafeTensors: Sendable {
    public enum DType: String, Sendable {
        case f32 = "F32", i64 = "I64"
        public var size: Int { self == .f32 ? 4 : 8 }
    }

    public struct Entry: Sendable, Equatable {
        public let name: String
        public let dtype: DType
        public let shape: [Int]
        /// Byte range within the data buffer (after the header).
        public let begin: Int
        public let end: Int
    }

    /// The 100,000,000-byte header bound (safetensors' MAX_HEADER_SIZE).
    public static let maximumHeaderLength: UInt64 = 100_000_000

    /// Where the bytes came from, for error messages.
    public let source: String
    /// The tensors in header order.
    public let entries: [Entry]
    public let metadata: [String: String]
    private let bytes: Data
    private let dataStart: Int
    private let index: [String: Int]

    public init(contentsOf url: URL) throws {
        try self.init(data: try Data(contentsOf: url), source: url.lastPathComponent)
    }

    public init(data: Data, source: String = "<memory>") throws {
        self.source = source
        let data = Data(data) // re-based so indices start at 0
        func fail(_ tensor: String?, _ problem: SafeTensorsError.Problem) -> SafeTensorsError {
            SafeTensorsError(file: source, tensor: tensor, problem)
        }
        guard data.count >= 8 else { throw fail(nil, .truncated("\(data.count) bytes, the header length alone needs 8")) }
        var n: UInt64 = 0
        for i in 0..<8 { n |= UInt64(data[i]) << (8 * UInt64(i)) }
        guard n <= Self.maximumHeaderLength else { throw fail(nil, .headerTooLong(n)) }
        guard 8 + Int(n) <= data.count else {
            throw fail(nil, .truncated("header of \(n) bytes but only \(data.count - 8) follow the length"))
        }
        guard let text = String(data: data[8..<(8 + Int(n))], encoding: .utf8) else {
            throw fail(nil, .malformedHeader("not UTF-8"))
        }
        guard text.first == "{" else { throw fail(nil, .malformedHeader("does not start with '{'")) }
        let members: [(String, JSONValue)]
        do {
            var parser = JSONParser(text)
            guard case .object(let m) = try parser.parseDocument() else { throw JSONParser.Failure("not an object") }
            members = m
        } catch let failure as JSONParser.Failure {
            throw fail(nil, .malformedHeader(failure.message))
        }

        var entries: [Entry] = [], seen = Set<String>(), metadata: [String: String] = [:]
        for (key, value) in members {
            guard seen.insert(key).inserted else { throw fail(key, .duplicateKey) }
            if key == "__metadata__" {
                guard case .object(let pairs) = value else { throw fail(key, .malformedHeader("__metadata__ is not an object")) }
                for (k, v) in pairs {
                    guard case .string(let s) = v else { throw fail(key, .malformedHeader("metadata value of \(k) is not a string")) }
                    metadata[k] = s
                }
                continue
            }
            entries.append(try Self.entry(key, value, fail))
        }
        // The data ranges sorted by begin must tile [0, end) exactly.
        var position = 0
        for e in entries.sorted(by: { ($0.begin, $0.end) < ($1.begin, $1.end) }) {
            if e.begin > position { throw fail(e.name, .hole(expectedBegin: position, found: e.begin)) }
            if e.begin < position { throw fail(e.name, .overlap(expectedBegin: position, found: e.begin)) }
            position = e.end
        }
        let expected = 8 + Int(n) + position
        guard expected == data.count else {
            if expected > data.count { throw fail(nil, .truncated("data buffer needs \(expected) bytes, the file has \(data.count)")) }
            throw fail(nil, .sizeMismatch(expected: expected, fileSize: data.count))
        }
        self.entries = entries
        self.metadata = metadata
        self.bytes = data
        dataStart = 8 + Int(n)
        index = Dictionary(uniqueKeysWithValues: entries.enumerated().map { ($1.name, $0) })
    }

    private static func entry(
        _ key: String, _ value: JSONValue,
        _ fail: (String?, SafeTensorsError.Problem) -> SafeTensorsError
    ) throws -> Entry {
        guard case .object(let fields) = value else { throw fail(key, .malformedHeader("entry is not an object")) }
        let f = Dictionary(fields, uniquingKeysWith: { a, _ in a })
        guard case .string(let dtypeName)? = f["dtype"] else { throw fail(key, .malformedHeader("no dtype string")) }
        guard let dtype = DType(rawValue: dtypeName) else { throw fail(key, .unsupportedDType(dtypeName)) }
        guard case .array(let dims)? = f["shape"], case let shape = dims.compactMap(\.nonNegativeInt),
            shape.count == dims.count
        else {
            throw fail(key, .malformedHeader("shape is not an array of non-negative integers"))
        }
        guard case .array(let offsets)? = f["data_offsets"], offsets.count == 2,
            let begin = offsets[0].nonNegativeInt, let end = offsets[1].nonNegativeInt, begin <= end
        else {
            throw fail(key, .malformedHeader("data_offsets is not [begin, end] with 0 <= begin <= end"))
        }
        var needed = dtype.size
        for size in shape {
            let (product, overflow) = needed.multipliedReportingOverflow(by: size)
            guard !overflow else { throw fail(key, .malformedHeader("shape \(shape) holds more bytes than a file can")) }
            needed = product
        }
        guard end - begin == needed else { throw fail(key, .wrongByteCount(expected: needed, found: end - begin)) }
        return Entry(name: key, dtype: dtype, shape: shape, begin: begin, end: end)
    }

    public var names: [String] { entries.map(\.name) }

    public func entry(_ name: String) -> Entry? { index[name].map { entries[$0] } }

    /// An F32 tensor as a SinoNet `Tensor` (a copy).
    public func floatTensor(_ name: String) throws -> Tensor {
        let e = try checkedEntry(name, .f32)
        let tensor = Tensor(Shape(e.shape))
        bytes.withUnsafeBytes { raw in
            for i in 0..<tensor.count {
                tensor[i] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: dataStart + e.begin + 4 * i, as: UInt32.self)))
            }
        }
        return tensor
    }

    /// An I64 tensor's values in C order.
    public func int64Values(_ name: String) throws -> [Int64] {
        let e = try checkedEntry(name, .i64)
        return bytes.withUnsafeBytes { raw in
            (0..<(e.shape.reduce(1, *))).map {
                Int64(littleEndian: raw.loadUnaligned(fromByteOffset: dataStart + e.begin + 8 * $0, as: Int64.self))
            }
        }
    }

    private func checkedEntry(_ name: String, _ dtype: DType) throws -> Entry {
        guard let e = entry(name) else { throw SafeTensorsError(file: source, tensor: name, .missingTensor) }
        guard e.dtype == dtype else {
            throw SafeTensorsError(file: source, tensor: name, .wrongDType(expected: dtype.rawValue, found: e.dtype.rawValue))
        }
        return e
    }

    /// Builds a safetensors file: tensors are laid out in the order added, the header is
    /// padded with spaces to a multiple of 8 bytes (as the Python package does).
    public struct Writer {
        private var header: [(String, DType, [Int], Int, Int)] = []
        private var payload = Data()
        private var names = Set<String>()
        public var metadata: [String: String] = [:]

        public init() {}

        public mutating func add(_ name: String, _ tensor: Tensor) {
            precondition(names.insert(name).inserted && name != "__metadata__", "safetensors writer: duplicate or reserved key \(name)")
            let begin = payload.count
            #if _endian(little)
                // The file's little-endian float32 bytes are the tensor's own.
                payload.append(UnsafeBufferPointer(start: tensor.data, count: tensor.count))
            #else
                for i in 0..<tensor.count { withUnsafeBytes(of: tensor[i].bitPattern.littleEndian) { payload.append(contentsOf: $0) } }
            #endif
            header.append((name, .f32, tensor.shape.dimensions, begin, payload.count))
        }

        public mutating func addInt64(_ name: String, _ values: [Int64], shape: [Int]) {
            precondition(names.insert(name).inserted && name != "__metadata__", "safetensors writer: duplicate or reserved key \(name)")
            precondition(values.count == shape.reduce(1, *), "\(values.count) values for shape \(shape)")
            let begin = payload.count
            #if _endian(little)
                values.withUnsafeBufferPointer { payload.append($0) }
            #else
                for v in values { withUnsafeBytes(of: v.littleEndian) { payload.append(contentsOf: $0) } }
            #endif
            header.append((name, .i64, shape, begin, payload.count))
        }

        /// The complete file.
        public func data() -> Data {
            var parts: [String] = []
            if !metadata.isEmpty {
                let pairs = metadata.sorted { $0.key < $1.key }.map { "\(jsonString($0.key)):\(jsonString($0.value))" }
                parts.append("\"__metadata__\":{\(pairs.joined(separator: ","))}")
            }
            for (name, dtype, shape, begin, end) in header {
                let dims = shape.map(String.init).joined(separator: ",")
                parts.append("\(jsonString(name)):{\"dtype\":\"\(dtype.rawValue)\",\"shape\":[\(dims)],\"data_offsets\":[\(begin),\(end)]}")
            }
            var json = Data(("{" + parts.joined(separator: ",") + "}").utf8)
            while json.count % 8 != 0 { json.append(0x20) }
            var file = Data()
            withUnsafeBytes(of: UInt64(json.count).littleEndian) { file.append(contentsOf: $0) }
            file.append(json)
            file.append(payload)
            return file
        }

        public func write(to url: URL) throws { try data().write(to: url) }

        private func jsonString(_ s: String) -> String {
            var out = "\""
            for scalar in s.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
                default: out.unicodeScalars.append(scalar)
                }
            }
            return out + "\""
        }
    }
}

// MARK: - A small JSON parser that keeps key order and duplicate keys

/// Foundation's JSONSerialization silently keeps one of two equal keys; the safetensors
/// checks need to see both, so the header is parsed here (RFC 8259, numbers as integers
/// where they are integral).
enum JSONValue {
    case object([(String, JSONValue)])
    case array([JSONValue])
    case string(String)
    case number(Double, integer: Int?)
    case bool(Bool)
    case null

    var nonNegativeInt: Int? {
        if case .number(_, let i?) = self, i >= 0 { return i }
        return nil
    }
}

struct JSONParser {
    struct Failure: Error { let message: String; init(_ m: String) { message = m } }

    private let s: [UInt8]
    private var i = 0
    private var depth = 0
    /// Arrays and objects nest at most this deep (as Foundation's JSON parser): deeper input
    /// is an error, not a stack overflow.
    static let maximumDepth = 512

    init(_ text: String) { s = Array(text.utf8) }

    mutating func parseDocument() throws -> JSONValue {
        let v = try value()
        skipSpace()
        guard i == s.count else { throw Failure("unexpected text after the JSON object at byte \(i)") }
        return v
    }

    private mutating func skipSpace() {
        while i < s.count, s[i] == 0x20 || s[i] == 0x0A || s[i] == 0x0D || s[i] == 0x09 { i += 1 }
    }

    private mutating func expect(_ c: UInt8) throws {
        skipSpace()
        guard i < s.count, s[i] == c else { throw Failure("expected '\(Character(UnicodeScalar(c)))' at byte \(i)") }
        i += 1
    }

    private mutating func value() throws -> JSONValue {
        skipSpace()
        guard i < s.count else { throw Failure("unexpected end of JSON") }
        if s[i] == UInt8(ascii: "{") || s[i] == UInt8(ascii: "[") {
            guard depth < Self.maximumDepth else { throw Failure("arrays and objects nested more than \(Self.maximumDepth) deep at byte \(i)") }
            depth += 1
        }
        switch s[i] {
        case UInt8(ascii: "{"):
            i += 1
            var members: [(String, JSONValue)] = []
            defer { depth -= 1 }
            skipSpace()
            if i < s.count, s[i] == UInt8(ascii: "}") { i += 1; return .object(members) }
            while true {
                skipSpace()
                let key = try string()
                try expect(UInt8(ascii: ":"))
                members.append((key, try value()))
                skipSpace()
                guard i < s.count else { throw Failure("unterminated object") }
                if s[i] == UInt8(ascii: ",") { i += 1; continue }
                if s[i] == UInt8(ascii: "}") { i += 1; return .object(members) }
                throw Failure("expected ',' or '}' at byte \(i)")
            }
        case UInt8(ascii: "["):
            i += 1
            var items: [JSONValue] = []
            defer { depth -= 1 }
            skipSpace()
            if i < s.count, s[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
            while true {
                items.append(try value())
                skipSpace()
                guard i < s.count else { throw Failure("unterminated array") }
                if s[i] == UInt8(ascii: ",") { i += 1; continue }
                if s[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
                throw Failure("expected ',' or ']' at byte \(i)")
            }
        case UInt8(ascii: "\""):
            return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        default:
            return try number()
        }
    }

    private mutating func literal(_ word: String) throws {
        let w = Array(word.utf8)
        guard i + w.count <= s.count, Array(s[i..<(i + w.count)]) == w else { throw Failure("bad literal at byte \(i)") }
        i += w.count
    }

    private mutating func number() throws -> JSONValue {
        let start = i
        while i < s.count, "+-0123456789.eE".utf8.contains(s[i]) { i += 1 }
        guard let text = String(bytes: s[start..<i], encoding: .utf8), let d = Double(text) else {
            throw Failure("bad number at byte \(start)")
        }
        return .number(d, integer: Int(text))
    }

    private mutating func string() throws -> String {
        guard i < s.count, s[i] == UInt8(ascii: "\"") else { throw Failure("expected a string at byte \(i)") }
        i += 1
        var bytes: [UInt8] = []
        while i < s.count {
            let c = s[i]
            i += 1
            if c == UInt8(ascii: "\"") {
                guard let str = String(bytes: bytes, encoding: .utf8) else { throw Failure("string is not UTF-8") }
                return str
            }
            guard c == UInt8(ascii: "\\") else { bytes.append(c); continue }
            guard i < s.count else { break }
            let e = s[i]
            i += 1
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): bytes.append(e)
            case UInt8(ascii: "n"): bytes.append(0x0A)
            case UInt8(ascii: "t"): bytes.append(0x09)
            case UInt8(ascii: "r"): bytes.append(0x0D)
            case UInt8(ascii: "b"): bytes.append(0x08)
            case UInt8(ascii: "f"): bytes.append(0x0C)
            case UInt8(ascii: "u"):
                guard i + 4 <= s.count, let hex = String(bytes: s[i..<(i + 4)], encoding: .utf8),
                    let code = UInt32(hex, radix: 16)
                else { throw Failure("bad \\u escape at byte \(i)") }
                i += 4
                var scalarCode = code
                if (0xD800..<0xDC00).contains(code), i + 6 <= s.count, s[i] == UInt8(ascii: "\\"), s[i + 1] == UInt8(ascii: "u"),
                    let lowHex = String(bytes: s[(i + 2)..<(i + 6)], encoding: .utf8), let low = UInt32(lowHex, radix: 16),
                    (0xDC00..<0xE000).contains(low)
                {
                    scalarCode = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    i += 6
                }
                guard let scalar = UnicodeScalar(scalarCode) else { throw Failure("bad \\u escape") }
                bytes.append(contentsOf: Array(String(Character(scalar)).utf8))
            default: throw Failure("bad escape at byte \(i - 1)")
            }
        }
        throw Failure("unterminated string")
    }
}
