/// Reads fixed-width fields of a header or data block in either byte order.
struct ByteReader {
    let bytes: UnsafeRawBufferPointer
    /// True when the file's byte order is not this machine's (little-endian) one.
    let swapped: Bool

    func int(_ offset: Int, _ width: Int) -> Int {
        switch width {
        case 1: return Int(bytes[offset])
        case 2: return Int(load(Int16.self, offset))
        case 4: return Int(load(Int32.self, offset))
        default: return Int(load(Int64.self, offset))
        }
    }

    func real(_ offset: Int, _ width: Int) -> Double {
        width == 4 ? Double(Float(bitPattern: load(UInt32.self, offset))) : Double(bitPattern: load(UInt64.self, offset))
    }

    /// A NUL-terminated (or full-width) Latin-1 text field.
    func text(_ offset: Int, _ length: Int) -> String {
        let field = bytes[offset..<(offset + length)]
        let end = field.firstIndex(of: 0) ?? field.endIndex
        return String(field[field.startIndex..<end].map { Character(Unicode.Scalar($0)) })
    }

    func load<T: FixedWidthInteger>(_ type: T.Type, _ offset: Int) -> T {
        let value = bytes.loadUnaligned(fromByteOffset: offset, as: T.self)
        return swapped ? value.byteSwapped : value
    }
}

/// Builds a header block in a chosen byte order.
struct ByteWriter {
    var bytes: [UInt8]
    let swapped: Bool

    init(count: Int, swapped: Bool) {
        bytes = [UInt8](repeating: 0, count: count)
        self.swapped = swapped
    }

    mutating func int(_ value: Int, _ offset: Int, _ width: Int) {
        switch width {
        case 1: bytes[offset] = UInt8(truncatingIfNeeded: value)
        case 2: store(Int16(truncatingIfNeeded: value), offset)
        case 4: store(Int32(truncatingIfNeeded: value), offset)
        default: store(Int64(value), offset)
        }
    }

    mutating func real(_ value: Double, _ offset: Int, _ width: Int) {
        if width == 4 { store(Float(value).bitPattern, offset) } else { store(value.bitPattern, offset) }
    }

    mutating func text(_ value: String, _ offset: Int, _ length: Int) {
        let scalars = value.unicodeScalars.map { $0.value < 256 ? UInt8($0.value) : UInt8(ascii: "?") }
        for (i, byte) in scalars.prefix(length).enumerated() { bytes[offset + i] = byte }
    }

    mutating func store<T: FixedWidthInteger>(_ value: T, _ offset: Int) {
        let ordered = swapped ? value.byteSwapped : value
        withUnsafeBytes(of: ordered) { raw in
            for i in 0..<raw.count { bytes[offset + i] = raw[i] }
        }
    }
}
