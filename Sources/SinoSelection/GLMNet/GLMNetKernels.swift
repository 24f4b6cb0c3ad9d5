import CBLAS

/// The vector loops of glmnet's coordinate descent, on raw pointers: dot products and scaled
/// additions through OpenBLAS (runtime CPU dispatch: AVX-512 where the CPU has it, which Swift's
/// baseline x86-64 code generation cannot use), the rest as 4-wide Swift loops with a fixed
/// summation order. Nothing depends on the thread count or on data alignment.
enum GLMNetKernels {
    /// sum_i a_i b_i (OpenBLAS `ddot`, which picks the CPU's widest vector kernel at run time;
    /// its summation order depends only on the CPU, never on threads).
    @inline(__always)
    static func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ n: Int) -> Double {
        cblas_ddot(Int32(n), a, 1, b, 1)
    }

    /// out_j = x_j' r for every column j of the column-major n x p `x` (OpenBLAS `dgemv`).
    static func columnDots(_ x: UnsafePointer<Double>, _ r: UnsafePointer<Double>, n: Int, p: Int, into out: UnsafeMutablePointer<Double>) {
        cblas_dgemv(CblasRowMajor, CblasNoTrans, Int32(p), Int32(n), 1, x, Int32(n), r, 1, 0, out, 1)
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
        cblas_daxpy(Int32(n), -d, x, 1, r, 1)
    }

    /// sum_i r_i.
    @inline(__always)
    static func sum(_ r: UnsafePointer<Double>, _ n: Int) -> Double {
        var s = 0.0
        for i in 0..<n { s += r[i] }
        return s
    }
}
