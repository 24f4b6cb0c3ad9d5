/// The vector loops of glmnet's coordinate descent, on raw pointers so they vectorise: four
/// 4-wide accumulators for the sums (the summation order is fixed, so results do not depend on
/// threads or data alignment).
enum GLMNetKernels {
    /// sum_i a_i b_i.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ n: Int) -> Double {
        var s0 = SIMD4<Double>()
        var s1 = SIMD4<Double>()
        var i = 0
        let ra = UnsafeRawPointer(a)
        let rb = UnsafeRawPointer(b)
        while i + 8 <= n {
            s0 += ra.loadUnaligned(fromByteOffset: i * 8, as: SIMD4<Double>.self) * rb.loadUnaligned(fromByteOffset: i * 8, as: SIMD4<Double>.self)
            s1 +=
                ra.loadUnaligned(fromByteOffset: (i + 4) * 8, as: SIMD4<Double>.self)
                * rb.loadUnaligned(fromByteOffset: (i + 4) * 8, as: SIMD4<Double>.self)
            i += 8
        }
        var s = (s0 + s1).sum()
        while i < n {
            s += a[i] * b[i]
            i += 1
        }
        return s
    }

    /// sum_i v_i x_i^2.
    @inline(__always)
    static func weightedSquares(_ v: UnsafePointer<Double>, _ x: UnsafePointer<Double>, _ n: Int) -> Double {
        var s0 = SIMD4<Double>()
        var i = 0
        let rv = UnsafeRawPointer(v)
        let rx = UnsafeRawPointer(x)
        while i + 4 <= n {
            let xi = rx.loadUnaligned(fromByteOffset: i * 8, as: SIMD4<Double>.self)
            s0 += rv.loadUnaligned(fromByteOffset: i * 8, as: SIMD4<Double>.self) * xi * xi
            i += 4
        }
        var s = s0.sum()
        while i < n {
            s += v[i] * x[i] * x[i]
            i += 1
        }
        return s
    }

    /// r_i -= d v_i x_i.
    @inline(__always)
    static func subtractScaledProduct(_ r: UnsafeMutablePointer<Double>, _ d: Double, _ v: UnsafePointer<Double>, _ x: UnsafePointer<Double>, _ n: Int) {
        for i in 0..<n { r[i] -= d * v[i] * x[i] }
    }

    /// r_i -= d x_i.
    @inline(__always)
    static func subtractScaled(_ r: UnsafeMutablePointer<Double>, _ d: Double, _ x: UnsafePointer<Double>, _ n: Int) {
        for i in 0..<n { r[i] -= d * x[i] }
    }

    /// sum_i r_i.
    @inline(__always)
    static func sum(_ r: UnsafePointer<Double>, _ n: Int) -> Double {
        var s = 0.0
        for i in 0..<n { s += r[i] }
        return s
    }
}
