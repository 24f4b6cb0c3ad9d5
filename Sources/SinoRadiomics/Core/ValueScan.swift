/// Whole-grid scans of Double values, eight at a time: the mask and value checks every case
/// makes before any feature (a 128 x 128 x 24 grid is 393,216 values, most of them
/// background). Each answers exactly what the scalar loop would.
enum ValueScan {
    /// The first index in `start..<end` whose value equals `target`, or `end`.
    @inline(__always)
    static func firstIndex(of target: Double, in v: UnsafeBufferPointer<Double>, from start: Int, to end: Int) -> Int {
        guard start < end else { return end }
        var i = start
        let wanted = SIMD8<Double>(repeating: target)
        let raw = UnsafeRawPointer(v.baseAddress!)
        while i + 8 <= end {
            let chunk = raw.loadUnaligned(fromByteOffset: i * 8, as: SIMD8<Double>.self)
            if any(chunk .== wanted) { break }
            i += 8
        }
        while i < end && v[i] != target { i += 1 }
        return i
    }

    /// The first index whose value differs from `value`, or `v.count`.
    static func firstIndex(differingFrom value: Double, in v: UnsafeBufferPointer<Double>) -> Int {
        guard !v.isEmpty else { return 0 }
        var i = 0
        let same = SIMD8<Double>(repeating: value)
        let raw = UnsafeRawPointer(v.baseAddress!)
        while i + 8 <= v.count {
            let chunk = raw.loadUnaligned(fromByteOffset: i * 8, as: SIMD8<Double>.self)
            if any(chunk .!= same) { break }
            i += 8
        }
        while i < v.count && v[i] == value { i += 1 }
        return i
    }

    /// Whether every value is finite (neither NaN nor infinite): a value's exponent bits are
    /// all ones exactly when it is not.
    static func allFinite(_ v: UnsafeBufferPointer<Double>) -> Bool {
        guard !v.isEmpty else { return true }
        let exponent = SIMD8<UInt64>(repeating: 0x7FF0_0000_0000_0000)
        let raw = UnsafeRawPointer(v.baseAddress!)
        var i = 0
        var bad = SIMD8<UInt64>()
        while i + 8 <= v.count {
            let bits = raw.loadUnaligned(fromByteOffset: i * 8, as: SIMD8<UInt64>.self) & exponent
            bad |= SIMD8<UInt64>(repeating: 0).replacing(with: 1, where: bits .== exponent)
            i += 8
        }
        if bad != SIMD8<UInt64>() { return false }
        while i < v.count {
            if !v[i].isFinite { return false }
            i += 1
        }
        return true
    }
}
