/// Voxel values as stored in the file (before scl_slope / scl_inter), in this machine's
/// byte order, x fastest.
public enum NIfTIVoxels: Sendable, Equatable {
    case uint8([UInt8])
    case int8([Int8])
    case int16([Int16])
    case uint16([UInt16])
    case int32([Int32])
    case float32([Float])
    case float64([Double])

    public var datatype: NIfTIDataType {
        switch self {
        case .uint8: return .uint8
        case .int8: return .int8
        case .int16: return .int16
        case .uint16: return .uint16
        case .int32: return .int32
        case .float32: return .float32
        case .float64: return .float64
        }
    }

    public var count: Int {
        switch self {
        case .uint8(let v): return v.count
        case .int8(let v): return v.count
        case .int16(let v): return v.count
        case .uint16(let v): return v.count
        case .int32(let v): return v.count
        case .float32(let v): return v.count
        case .float64(let v): return v.count
        }
    }

    /// The stored value at a linear index, exactly, as a Double.
    public func rawValue(at index: Int) -> Double {
        switch self {
        case .uint8(let v): return Double(v[index])
        case .int8(let v): return Double(v[index])
        case .int16(let v): return Double(v[index])
        case .uint16(let v): return Double(v[index])
        case .int32(let v): return Double(v[index])
        case .float32(let v): return Double(v[index])
        case .float64(let v): return v[index]
        }
    }

    /// Every value as a Double, exactly (one pass over the stored array).
    func doubles() -> [Double] {
        func widened<T>(_ v: [T], _ convert: (T) -> Double) -> [Double] {
            [Double](unsafeUninitializedCapacity: v.count) { out, initialized in
                v.withUnsafeBufferPointer { source in
                    for i in 0..<source.count { out[i] = convert(source[i]) }
                }
                initialized = v.count
            }
        }
        switch self {
        case .uint8(let v): return widened(v) { Double($0) }
        case .int8(let v): return widened(v) { Double($0) }
        case .int16(let v): return widened(v) { Double($0) }
        case .uint16(let v): return widened(v) { Double($0) }
        case .int32(let v): return widened(v) { Double($0) }
        case .float32(let v): return widened(v) { Double($0) }
        case .float64(let v): return v
        }
    }

    /// Every value converted by `transform` (one pass, no intermediate array).
    func map<T>(_ transform: (Double) -> T) -> [T] {
        switch self {
        case .uint8(let v): return v.map { transform(Double($0)) }
        case .int8(let v): return v.map { transform(Double($0)) }
        case .int16(let v): return v.map { transform(Double($0)) }
        case .uint16(let v): return v.map { transform(Double($0)) }
        case .int32(let v): return v.map { transform(Double($0)) }
        case .float32(let v): return v.map { transform(Double($0)) }
        case .float64(let v): return v.map(transform)
        }
    }

    /// The values at `order` (a gather: output i takes stored value order[i]), same type.
    func gathered(_ order: [Int]) -> NIfTIVoxels {
        switch self {
        case .uint8(let v): return .uint8(order.map { v[$0] })
        case .int8(let v): return .int8(order.map { v[$0] })
        case .int16(let v): return .int16(order.map { v[$0] })
        case .uint16(let v): return .uint16(order.map { v[$0] })
        case .int32(let v): return .int32(order.map { v[$0] })
        case .float32(let v): return .float32(order.map { v[$0] })
        case .float64(let v): return .float64(order.map { v[$0] })
        }
    }

    /// Decodes `count` values of `type` from raw file bytes in the file's byte order.
    static func decode(_ bytes: UnsafeRawBufferPointer, type: NIfTIDataType, count: Int, swapped: Bool) -> NIfTIVoxels {
        // The file's byte order is the host's: the values in one copy.
        func copied<T>(_: T.Type) -> [T] {
            [T](unsafeUninitializedCapacity: count) { buffer, initialized in
                UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[0..<(count * MemoryLayout<T>.size)]))
                initialized = count
            }
        }
        func integers<T: FixedWidthInteger>(_: T.Type) -> [T] {
            if !swapped { return copied(T.self) }
            return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
                for i in 0..<count {
                    let value = bytes.loadUnaligned(fromByteOffset: i * MemoryLayout<T>.size, as: T.self)
                    buffer[i] = value.byteSwapped
                }
                initialized = count
            }
        }
        switch type {
        case .uint8: return .uint8(integers(UInt8.self))
        case .int8: return .int8(integers(Int8.self))
        case .int16: return .int16(integers(Int16.self))
        case .uint16: return .uint16(integers(UInt16.self))
        case .int32: return .int32(integers(Int32.self))
        case .float32: return .float32(swapped ? integers(UInt32.self).map(Float.init(bitPattern:)) : copied(Float.self))
        case .float64: return .float64(swapped ? integers(UInt64.self).map(Double.init(bitPattern:)) : copied(Double.self))
        }
    }

    /// The values as file bytes in the given byte order.
    func encoded(swapped: Bool) -> [UInt8] {
        func bytes<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
            let size = MemoryLayout<T>.size
            var out = [UInt8](repeating: 0, count: values.count * size)
            out.withUnsafeMutableBytes { raw in
                for (i, value) in values.enumerated() {
                    raw.storeBytes(of: swapped ? value.byteSwapped : value, toByteOffset: i * size, as: T.self)
                }
            }
            return out
        }
        switch self {
        case .uint8(let v): return bytes(v)
        case .int8(let v): return bytes(v)
        case .int16(let v): return bytes(v)
        case .uint16(let v): return bytes(v)
        case .int32(let v): return bytes(v)
        case .float32(let v): return bytes(v.map(\.bitPattern))
        case .float64(let v): return bytes(v.map(\.bitPattern))
        }
    }
}
