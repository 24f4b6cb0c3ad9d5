import Foundation

/// An NRRD header (NRRD format definition, teem 1.11: https://teem.sourceforge.net/nrrd/format.html),
/// parsed and checked: every field SinoImaging needs, typed, and every field as written.
///
/// Field names are matched as teem matches them (case and spaces ignored: `data file`,
/// `datafile`); `#` lines are comments; `key:=value` lines are kept in `keyValues`. A field
/// teem does not know, a repeated field, and any value that does not parse or contradicts
/// another field (sizes, space directions or kinds not one per axis, vectors not of the
/// space's dimension) is an error naming the file and the field.
public struct NRRDHeader: Sendable, Equatable {
    public enum Encoding: String, Sendable, Codable {
        case raw, gzip, ascii
    }

    public enum Endian: String, Sendable, Codable {
        case little, big
    }

    /// The named spaces SinoImaging reads, and how ITK (NrrdImageIO, SimpleITK 2.5) maps each
    /// to its LPS world: RAS flips the first two components, LAS the second; LPS,
    /// scanner-xyz, 3D-right-handed and 3D-left-handed are taken as they are.
    public enum Space: String, Sendable, Codable, CaseIterable {
        case rightAnteriorSuperior = "right-anterior-superior"
        case leftAnteriorSuperior = "left-anterior-superior"
        case leftPosteriorSuperior = "left-posterior-superior"
        case scannerXYZ = "scanner-xyz"
        case rightHanded3D = "3D-right-handed"
        case leftHanded3D = "3D-left-handed"

        init?(spelling: String) {
            let short = ["ras": Space.rightAnteriorSuperior, "las": .leftAnteriorSuperior, "lps": .leftPosteriorSuperior]
            let lowered = spelling.lowercased()
            guard let space = short[lowered] ?? Self.allCases.first(where: { $0.rawValue.lowercased() == lowered }) else { return nil }
            self = space
        }

        /// The sign taking each component of a vector in this space to ITK's LPS.
        public var toLPS: [Double] {
            switch self {
            case .rightAnteriorSuperior: return [-1, -1, 1]
            case .leftAnteriorSuperior: return [1, -1, 1]
            default: return [1, 1, 1]
            }
        }
    }

    /// One `key:=value` line.
    public struct KeyValue: Sendable, Equatable, Codable {
        public var key: String
        public var value: String
    }

    /// The magic line ("NRRD0004").
    public var magic: String
    public var type: NRRDScalarType
    /// 2 or 3 (others are refused).
    public var dimension: Int
    /// Samples per axis, the first axis fastest.
    public var sizes: [Int]
    public var encoding: Encoding
    /// The encoding as written ("gz", "txt").
    public var encodingName: String
    /// Absent when the byte order does not matter (one-byte types, ascii).
    public var endian: Endian?
    public var space: Space?
    /// 3 with a named space; the `space dimension` field otherwise; nil without either.
    public var spaceDimension: Int?
    /// One per axis (nil for `none`), in the header's space; nil when the field is absent.
    public var spaceDirections: [[Double]?]?
    public var spaceOrigin: [Double]?
    /// Used (as ITK does) only when there are no space directions.
    public var spacings: [Double]?
    public var kinds: [String]?
    /// -1: the data are the last bytes of the data file (raw only).
    public var byteSkip: Int
    public var lineSkip: Int
    /// The detached data file as written (relative to the header's folder unless absolute).
    public var dataFile: String?
    /// Every field as written, under its lower-cased name without spaces ("spacedirections").
    public var fields: [String: String]
    public var keyValues: [KeyValue]
    /// Where the data start in the header's file (after the blank line); nil when the
    /// header ends without one (a detached header).
    public var dataOffset: Int?

    public var count: Int { sizes.reduce(1, *) }

    /// Every field name teem's `nrrdField` knows, spaces removed.
    static let knownFields: Set<String> = [
        "content", "number", "type", "blocksize", "dimension", "space", "spacedimension", "sizes", "spacings",
        "thicknesses", "axismins", "axismaxs", "centers", "centerings", "kinds", "labels", "units", "min", "max",
        "oldmin", "oldmax", "endian", "encoding", "lineskip", "byteskip", "sampleunits", "spaceunits",
        "spaceorigin", "spacedirections", "measurementframe", "datafile"
    ]

    /// Kinds of an axis that is a spatial (domain) axis; any other kind (vector, RGB-color,
    /// list, ...) makes a vector image, which SinoImaging refuses.
    static let domainKinds: Set<String> = ["domain", "space", "???", "none"]

    /// Parses the header at the start of `bytes` (the whole header file).
    static func parse(_ bytes: [UInt8], file: String) throws -> NRRDHeader {
        let (lines, dataOffset) = try headerLines(bytes, file: file)
        var fields: [String: String] = [:]
        var keyValues: [KeyValue] = []
        for line in lines.dropFirst() where !line.hasPrefix("#") && !line.trimmingCharacters(in: .whitespaces).isEmpty {
            let kv = line.range(of: ":="), sep = line.range(of: ": ")
            if let kv, sep == nil || kv.lowerBound < sep!.lowerBound {
                keyValues.append(KeyValue(key: String(line[..<kv.lowerBound]), value: String(line[kv.upperBound...])))
                continue
            }
            guard let sep else {
                throw NRRDError(.invalidHeader, file: file, "the line '\(line)' is neither a field nor a key/value pair", expected: "'<field>: <value>', 'key:=value' or a '#' comment")
            }
            let name = line[..<sep.lowerBound].lowercased().filter { $0 != " " }
            guard knownFields.contains(name) else {
                throw NRRDError(.invalidHeader, file: file, field: String(line[..<sep.lowerBound]), "unknown field", expected: "a field of the NRRD format (key/value pairs are written 'key:=value')")
            }
            guard fields[name] == nil else {
                throw NRRDError(.invalidHeader, file: file, field: String(line[..<sep.lowerBound]), "the field is given twice", expected: "each field once")
            }
            fields[name] = line[sep.upperBound...].trimmingCharacters(in: .whitespaces)
        }
        let reader = FieldReader(fields: fields, file: file)
        return try reader.header(magic: lines[0], keyValues: keyValues, dataOffset: dataOffset)
    }

    /// The header's lines (magic first) and the offset of the data after the blank line.
    /// Only the header is turned into text; a file without the NRRD magic is refused first.
    static func headerLines(_ bytes: [UInt8], file: String) throws -> (lines: [String], dataOffset: Int?) {
        let magicOK = bytes.count >= 8 && bytes.starts(with: Array("NRRD000".utf8)) && (UInt8(ascii: "1")...UInt8(ascii: "5")).contains(bytes[7])
        guard magicOK else {
            let start = String(decoding: bytes.prefix(8), as: UTF8.self)
            throw NRRDError(
                .notNRRD, file: file, field: "magic", "the file does not start with an NRRD magic (found '\(start.filter { $0.isASCII && !$0.isNewline })')", expected: "NRRD0001 to NRRD0005")
        }
        var lines: [String] = []
        var start = 0
        while start < bytes.count {
            let end = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
            var line = bytes[start..<end]
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            let next = end + 1
            if line.isEmpty && !lines.isEmpty { return (lines, min(next, bytes.count)) }
            lines.append(String(decoding: line, as: UTF8.self))
            start = next
        }
        return (lines, nil)
    }
}

/// Reads typed values out of the header's fields, each error naming its field.
private struct FieldReader {
    let fields: [String: String]
    let file: String

    func error(_ field: String, _ message: String, expected: String? = nil, _ kind: NRRDError.Kind = .invalidHeader) -> NRRDError {
        NRRDError(kind, file: file, field: field, message, expected: expected)
    }

    func value(_ field: String) -> String? { fields[field.filter { $0 != " " }] }

    func required(_ field: String, expected: String) throws -> String {
        guard let text = value(field) else { throw error(field, "the field is missing", expected: expected, .missingField) }
        return text
    }

    func integer(_ field: String, _ text: String) throws -> Int {
        guard let n = Int(text) else { throw error(field, "'\(text)' is not a whole number") }
        return n
    }

    func number(_ field: String, _ text: String) throws -> Double {
        guard let x = Double(text), x.isFinite else { throw error(field, "'\(text)' is not a finite number") }
        return x
    }

    /// Whitespace-separated words, a parenthesised vector counting as one word.
    func words(_ text: String) -> [String] {
        var out: [String] = [], current = "", depth = 0
        for ch in text {
            if ch == "(" { depth += 1 } else if ch == ")" { depth -= 1 }
            if ch.isWhitespace && depth == 0 {
                if !current.isEmpty { out.append(current); current = "" }
            } else if !ch.isWhitespace {
                current.append(ch)
            }
        }
        if !current.isEmpty { out.append(current) }
        return out
    }

    func vector(_ field: String, _ word: String, length: Int) throws -> [Double] {
        guard word.hasPrefix("("), word.hasSuffix(")") else { throw error(field, "'\(word)' is not a vector", expected: "(x,y,z)") }
        let parts = word.dropFirst().dropLast().split(separator: ",", omittingEmptySubsequences: false)
        let values = try parts.map { try number(field, String($0)) }
        guard values.count == length else {
            throw error(field, "the vector \(word) has \(values.count) components", expected: "\(length) (the space dimension)")
        }
        return values
    }

    /// One word per axis.
    func perAxis(_ field: String, dimension: Int) throws -> [String]? {
        guard let text = value(field) else { return nil }
        let list = words(text)
        guard list.count == dimension else {
            throw error(field, "\(list.count) entries for \(dimension) axes", expected: "one entry per axis (dimension: \(dimension))")
        }
        return list
    }

    func header(magic: String, keyValues: [NRRDHeader.KeyValue], dataOffset: Int?) throws -> NRRDHeader {
        let typeText = try required("type", expected: "a scalar type (uchar, short, float, ...)")
        guard let type = NRRDScalarType(spelling: typeText) else {
            let isBlock = typeText.lowercased() == "block"
            throw error(
                "type", isBlock ? "block data (not numbers) are not images SinoImaging reads" : "unknown type '\(typeText)'",
                expected: "signed/unsigned char, short, int, long long (int8 ... uint64), float or double", isBlock ? .unsupported : .invalidHeader)
        }
        let dimension = try integer("dimension", required("dimension", expected: "2 or 3"))
        guard dimension == 2 || dimension == 3 else {
            throw error("dimension", "a \(dimension)-D image", expected: "a 2-D or 3-D scalar image (4-D series and vector images are not read)", dimension >= 1 ? .unsupported : .invalidHeader)
        }
        let sizes = try words(required("sizes", expected: "\(dimension) sizes")).map { try integer("sizes", $0) }
        guard sizes.count == dimension else {
            throw error("sizes", "\(sizes.count) sizes for dimension \(dimension)", expected: "one size per axis")
        }
        guard sizes.allSatisfy({ $0 >= 1 }) else { throw error("sizes", "sizes \(sizes) include one below 1", expected: "sizes of at least 1") }
        var count = 1
        for s in sizes {
            let (product, overflow) = count.multipliedReportingOverflow(by: s)
            guard !overflow else { throw error("sizes", "sizes \(sizes) overflow", expected: "an image that fits in memory", .dataMismatch) }
            count = product
        }
        let (encoding, encodingName) = try encodingField()
        var endian: NRRDHeader.Endian?
        if type.bytesPerValue > 1 && encoding != .ascii {
            let text = try required("endian", expected: "little or big")
            guard let e = NRRDHeader.Endian(rawValue: text.lowercased()) else { throw error("endian", "unknown endian '\(text)'", expected: "little or big") }
            endian = e
        }
        let (space, spaceDimension) = try spaceFields()
        // ITK's NrrdImageIO refuses a grid whose axes do not span its space (2 axes in 3-D).
        if let spaceDimension, spaceDimension != dimension {
            throw error(
                value("space directions") != nil ? "space directions" : "space", "\(dimension) axes in a \(spaceDimension)-D space",
                expected: "as many axes as the space has dimensions (ITK refuses this too)", .unsupported)
        }
        let kinds = try perAxis("kinds", dimension: dimension)
        if let kinds, let odd = kinds.firstIndex(where: { !NRRDHeader.domainKinds.contains($0.lowercased()) }) {
            throw error("kinds", "axis \(odd) has kind '\(kinds[odd])': a vector or multi-component image", expected: "a scalar image (kinds domain or space)", .unsupported)
        }
        let directions = try directionsField(dimension: dimension, spaceDimension: spaceDimension)
        var origin: [Double]?
        if let text = value("space origin") {
            guard let spaceDimension else { throw error("space origin", "a space origin without a space", expected: "a 'space' or 'space dimension' field") }
            origin = try vector("space origin", text, length: spaceDimension)
        }
        let spacings = try perAxis("spacings", dimension: dimension)?.map { word -> Double in
            if word.lowercased() == "nan" { return .nan }
            return try number("spacings", word)
        }
        let byteSkip = try value("byte skip").map { try integer("byte skip", $0) } ?? 0
        guard byteSkip >= -1, byteSkip != -1 || encoding == .raw else {
            throw error("byte skip", "byte skip \(byteSkip)\(byteSkip == -1 ? " with \(encodingName) encoding" : "")", expected: "a byte count >= 0, or -1 (data at the end) with raw encoding")
        }
        let lineSkip = try value("line skip").map { try integer("line skip", $0) } ?? 0
        guard lineSkip >= 0 else { throw error("line skip", "line skip \(lineSkip)", expected: "a line count >= 0") }
        let dataFile = try dataFileField()
        return NRRDHeader(
            magic: magic, type: type, dimension: dimension, sizes: sizes, encoding: encoding, encodingName: encodingName,
            endian: endian, space: space, spaceDimension: spaceDimension, spaceDirections: directions, spaceOrigin: origin,
            spacings: spacings, kinds: kinds, byteSkip: byteSkip, lineSkip: lineSkip, dataFile: dataFile, fields: fields,
            keyValues: keyValues, dataOffset: dataOffset)
    }

    func encodingField() throws -> (NRRDHeader.Encoding, String) {
        let text = try required("encoding", expected: "raw, gzip or ascii")
        let names: [String: NRRDHeader.Encoding] = ["raw": .raw, "gzip": .gzip, "gz": .gzip, "ascii": .ascii, "text": .ascii, "txt": .ascii]
        if let encoding = names[text.lowercased()] { return (encoding, text) }
        let known = ["hex", "bzip2", "bz2", "zrl"].contains(text.lowercased())
        throw error(
            "encoding", known ? "the \(text) encoding is not read by SinoImaging" : "unknown encoding '\(text)'",
            expected: "raw, gzip (gz) or ascii (text, txt)", known ? .unsupported : .invalidHeader)
    }

    func spaceFields() throws -> (NRRDHeader.Space?, Int?) {
        var space: NRRDHeader.Space?
        if let text = value("space") {
            guard let named = NRRDHeader.Space(spelling: text) else {
                let timed = text.lowercased().hasSuffix("time") || ["rast", "last", "lpst"].contains(text.lowercased())
                throw error(
                    "space", timed ? "a space with time ('\(text)') belongs to a 4-D series" : "unknown space '\(text)'",
                    expected: "RAS, LAS, LPS (or right-anterior-superior, ...), scanner-xyz, 3D-right-handed or 3D-left-handed",
                    timed ? .unsupported : .invalidHeader)
            }
            space = named
        }
        let given = try value("space dimension").map { try integer("space dimension", $0) }
        if space != nil, given != nil {
            throw error("space dimension", "both 'space' and 'space dimension' are given", expected: "one of them (a named space is 3-D)")
        }
        if let given, !(2...3).contains(given) {
            throw error("space dimension", "space dimension \(given)", expected: "2 or 3", .unsupported)
        }
        return (space, space != nil ? 3 : given)
    }

    func directionsField(dimension: Int, spaceDimension: Int?) throws -> [[Double]?]? {
        guard let list = try perAxis("space directions", dimension: dimension) else { return nil }
        guard let spaceDimension else {
            throw error("space directions", "space directions without a space", expected: "a 'space' or 'space dimension' field")
        }
        let directions = try list.map { word -> [Double]? in
            if word.lowercased() == "none" { return nil }
            return try vector("space directions", word, length: spaceDimension)
        }
        if let axis = directions.firstIndex(where: { $0 == nil }) {
            throw error("space directions", "axis \(axis) has no space direction ('none'): a vector or multi-component image", expected: "a scalar image with a direction for every axis", .unsupported)
        }
        if let axis = directions.firstIndex(where: { $0!.allSatisfy { $0 == 0 } }) {
            throw error("space directions", "axis \(axis) has a zero space direction", expected: "a non-zero vector per axis")
        }
        return directions
    }

    func dataFileField() throws -> String? {
        guard let text = value("data file") else { return nil }
        let parts = words(text)
        guard parts.count == 1, parts[0].uppercased() != "LIST" else {
            throw error("data file", "multi-file data ('\(text)')", expected: "one data file", .unsupported)
        }
        return parts[0]
    }
}
