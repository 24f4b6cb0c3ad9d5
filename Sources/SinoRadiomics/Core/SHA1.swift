import CCrypto

/// SHA-1 of a byte buffer as lowercase hex (libcrypto's EVP interface): what `sitk.Hash`
/// gives for an image's pixel buffer, PyRadiomics' `diagnostics_*_Hash`.
func sha1Hex(_ bytes: [UInt8]) -> String {
    var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
    var length: UInt32 = 0
    let ok = bytes.withUnsafeBytes { EVP_Digest($0.baseAddress, $0.count, &digest, &length, EVP_sha1(), nil) }
    precondition(ok == 1, "libcrypto's EVP_Digest (SHA-1) failed")
    let digits = Array("0123456789abcdef".utf8)
    var text: [UInt8] = []
    for byte in digest.prefix(Int(length)) {
        text.append(digits[Int(byte >> 4)])
        text.append(digits[Int(byte & 0x0F)])
    }
    return String(decoding: text, as: UTF8.self)
}

extension RadiomicsImage {
    /// The pixel buffer as stored in `pixelType`, little-endian, x fastest.
    func rawBytes() -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(values.count * 8)
        func put<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        for v in values {
            switch pixelType {
            case .int8: put(Int8(v))
            case .uint8: put(UInt8(v))
            case .int16: put(Int16(v))
            case .uint16: put(UInt16(v))
            case .int32: put(Int32(v))
            case .uint32: put(UInt32(v))
            case .int64: put(Int64(v))
            case .uint64: put(UInt64(v))
            case .float32: put(Float(v).bitPattern)
            case .float64: put(v.bitPattern)
            }
        }
        return out
    }

    /// `sitk.Hash(image)`: SHA-1 of the pixel buffer.
    public var sha1: String { sha1Hex(rawBytes()) }
}
