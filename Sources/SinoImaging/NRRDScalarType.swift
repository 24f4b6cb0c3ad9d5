/// The scalar types NRRD names, with every spelling teem's `nrrdType` accepts (NRRD format
/// definition, section 5: "type"). `block` is refused (not a number).
public enum NRRDScalarType: String, Sendable, Codable, CaseIterable {
    case int8, uint8, int16, uint16, int32, uint32, int64, uint64, float, double

    /// The canonical names and their equivalents, lower-cased.
    static let spellings: [NRRDScalarType: [String]] = [
        .int8: ["signed char", "int8", "int8_t"],
        .uint8: ["uchar", "unsigned char", "uint8", "uint8_t"],
        .int16: ["short", "short int", "signed short", "signed short int", "int16", "int16_t"],
        .uint16: ["ushort", "unsigned short", "unsigned short int", "uint16", "uint16_t"],
        .int32: ["int", "signed int", "int32", "int32_t"],
        .uint32: ["uint", "unsigned int", "uint32", "uint32_t"],
        .int64: ["longlong", "long long", "long long int", "signed long long", "signed long long int", "int64", "int64_t"],
        .uint64: ["ulonglong", "unsigned long long", "unsigned long long int", "uint64", "uint64_t"],
        .float: ["float"],
        .double: ["double"]
    ]

    /// The type a header's `type:` value names (case and repeated spaces ignored), or nil.
    public init?(spelling: String) {
        let normalised = spelling.lowercased().split(separator: " ").joined(separator: " ")
        guard let type = Self.spellings.first(where: { $0.value.contains(normalised) })?.key else { return nil }
        self = type
    }

    public var bytesPerValue: Int {
        switch self {
        case .int8, .uint8: return 1
        case .int16, .uint16: return 2
        case .int32, .uint32, .float: return 4
        case .int64, .uint64, .double: return 8
        }
    }

    public var isFloatingPoint: Bool { self == .float || self == .double }

    /// The name NRRD.write puts in `type:` (teem's canonical spelling).
    var headerName: String { Self.spellings[self]![self == .float || self == .double ? 0 : 1] }

    /// Decodes `count` values from raw bytes in the file's byte order, exactly (64-bit
    /// integers beyond 2^53 round to the nearest Double).
    func decode(_ bytes: UnsafeRawBufferPointer, count: Int, swapped: Bool) -> [Double] {
        func values<T: FixedWidthInteger>(_: T.Type, _ convert: (T) -> Double) -> [Double] {
            [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
                for i in 0..<count {
                    let value = bytes.loadUnaligned(fromByteOffset: i * MemoryLayout<T>.size, as: T.self)
                    buffer[i] = convert(swapped ? value.byteSwapped : value)
                }
                initialized = count
            }
        }
        switch self {
        case .int8: return values(Int8.self) { Double($0) }
        case .uint8: return values(UInt8.self) { Double($0) }
        case .int16: return values(Int16.self) { Double($0) }
        case .uint16: return values(UInt16.self) { Double($0) }
        case .int32: return values(Int32.self) { Double($0) }
        case .uint32: return values(UInt32.self) { Double($0) }
        case .int64: return values(Int64.self) { Double($0) }
        case .uint64: return values(UInt64.self) { Double($0) }
        case .float: return values(UInt32.self) { Double(Float(bitPattern: $0)) }
        case .double: return values(UInt64.self) { Double(bitPattern: $0) }
        }
    }

    /// Whether `value` can be stored in this type without change.
    func holds(_ value: Double) -> Bool {
        switch self {
        case .float: return Double(Float(value)) == value || value.isNaN
        case .double: return true
        case .int8: return Int8(exactly: value) != nil
        case .uint8: return UInt8(exactly: value) != nil
        case .int16: return Int16(exactly: value) != nil
        case .uint16: return UInt16(exactly: value) != nil
        case .int32: return Int32(exactly: value) != nil
        case .uint32: return UInt32(exactly: value) != nil
        case .int64: return Int64(exactly: value) != nil
        case .uint64: return UInt64(exactly: value) != nil
        }
    }

    /// Little-endian bytes of `values` in this type (checked with `holds` first).
    func encode(_ values: [Float]) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(values.count * bytesPerValue)
        func append<T: FixedWidthInteger>(_ value: T) {
            withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
        }
        for v in values {
            switch self {
            case .int8: append(Int8(v))
            case .uint8: append(UInt8(v))
            case .int16: append(Int16(v))
            case .uint16: append(UInt16(v))
            case .int32: append(Int32(v))
            case .uint32: append(UInt32(v))
            case .int64: append(Int64(v))
            case .uint64: append(UInt64(v))
            case .float: append(v.bitPattern)
            case .double: append(Double(v).bitPattern)
            }
        }
        return out
    }
}
