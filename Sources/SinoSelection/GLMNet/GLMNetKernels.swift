import CBLAS
import CSinoKernels

/// The vector loops of glmnet's coordinate descent, on raw pointers: the coordinate passes, dot
/// products and residual updates in CSinoKernels (the CPU's widest vectors, AVX-512 or AVX2,
/// chosen at run time, which Swift's baseline x86-64 code generation cannot use), gradients of
/// every column and scaled additions through OpenBLAS, the rest as Swift loops with a fixed
/// summation order. Nothing depends on the thread count or on data alignment.
enum GLMNetKernels {
    /// sum_i a_i b_i (its summation order depends only on the CPU's vector width).
    @inline(__always)
    static func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ n: Int) -> Double {
        sino_glmnet_dot(a, b, n)
    }

    /// One coordinate pass over `columns` (`sino_glmnet_pass`): each coefficient `beta[k]`
    /// soft-thresholded and the residual `r` updated in the columns' order; returns the largest
    /// xv_k d^2. With `entered` (a pass that may add variables), each changed column not yet in
    /// is marked and appended to `active`; `overflow` is set, and the pass stops, when that
    /// would pass `pmax`. `joined` is scratch space for at least `columns.count` indices. With
    /// `fillXV`, each column's xv_k = sum_i v_i x_ik^2 is computed as the pass reaches it. With
    /// `screen` (`sino_glmnet_screened_pass`), zero columns shown to stay zero are passed over
    /// and xv_k is computed where it is used: the same coefficients, residual and result.
    static func pass(
        _ x: UnsafePointer<Double>, n: Int, columns: [Int], r: UnsafeMutablePointer<Double>, v: UnsafePointer<Double>,
        beta: UnsafeMutablePointer<Double>, xv: UnsafeMutablePointer<Double>, fillXV: Bool = false, screen: UnsafeMutablePointer<sino_glmnet_screen>? = nil,
        penalty: UnsafePointer<Double>, al1: Double, al2: Double, entered: UnsafeMutablePointer<Bool>?, active: inout [Int], pmax: Int,
        joined: UnsafeMutablePointer<Int>, overflow: inout Bool
    ) -> Double {
        var count = 0
        var stopped = false
        let dlx = columns.withUnsafeBufferPointer { c in
            if let screen {
                return sino_glmnet_screened_pass(
                    x, n, c.baseAddress, c.count, r, v, beta, xv, screen, penalty, al1, al2, entered, active.count, pmax, joined, &count, &stopped)
            }
            return sino_glmnet_pass(
                x, n, c.baseAddress, c.count, r, v, beta, xv, fillXV, penalty, al1, al2, entered, active.count, pmax, joined, &count, &stopped)
        }
        active.append(contentsOf: UnsafeBufferPointer(start: joined, count: count))
        if stopped { overflow = true }
        return dlx
    }

    /// out_j = x_j' r for every column j of the column-major n x p `x` (OpenBLAS `dgemv`).
    static func columnDots(_ x: UnsafePointer<Double>, _ r: UnsafePointer<Double>, n: Int, p: Int, into out: UnsafeMutablePointer<Double>) {
        cblas_dgemv(CblasRowMajor, CblasNoTrans, Int32(p), Int32(n), 1, x, Int32(n), r, 1, 0, out, 1)
    }

    /// sum_i v_i x_i^2.
    @inline(__always)
    static func weightedSquares(_ v: UnsafePointer<Double>, _ x: UnsafePointer<Double>, _ n: Int) -> Double {
        sino_glmnet_weighted_squares(v, x, n)
    }

    /// r_i -= d v_i x_i.
    @inline(__always)
    static func subtractScaledProduct(_ r: UnsafeMutablePointer<Double>, _ d: Double, _ v: UnsafePointer<Double>, _ x: UnsafePointer<Double>, _ n: Int) {
        sino_glmnet_subtract_scaled_product(r, d, v, x, n)
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
