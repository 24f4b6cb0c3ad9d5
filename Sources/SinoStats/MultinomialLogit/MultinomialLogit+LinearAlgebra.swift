import CGSL

// Dense linear algebra for the Newton-Raphson fit: OpenBLAS (through CGSL's cblas.h) for
// the products over observations, GSL for the Cholesky factor of the negative Hessian.

extension MultinomialLogit {
    /// A row-major matrix: the layout cblas (`CblasRowMajor`) and `gsl_matrix` share, so both
    /// libraries work on `values` in place.
    struct Matrix: Sendable {
        let rows: Int
        let columns: Int
        var values: [Double]

        init(rows: Int, columns: Int, repeating value: Double = 0) {
            self.rows = rows
            self.columns = columns
            self.values = [Double](repeating: value, count: rows * columns)
        }

        init(rows: Int, columns: Int, values: [Double]) {
            precondition(values.count == rows * columns)
            self.rows = rows
            self.columns = columns
            self.values = values
        }

        /// The rows as nested arrays (for Codable results).
        var rowArrays: [[Double]] {
            (0..<rows).map { Array(values[($0 * columns)..<(($0 + 1) * columns)]) }
        }

        subscript(row: Int, column: Int) -> Double {
            get { values[row * columns + column] }
            set { values[row * columns + column] = newValue }
        }
    }
}

// MARK: - BLAS products

extension MultinomialLogit {
    /// C = op(A) op(B) with cblas_dgemm; `transposeA` multiplies by Aᵀ.
    static func multiply(_ a: Matrix, transposeA: Bool = false, _ b: Matrix) -> Matrix {
        let m = transposeA ? a.columns : a.rows
        let k = transposeA ? a.rows : a.columns
        precondition(k == b.rows, "inner dimensions differ")
        var c = Matrix(rows: m, columns: b.columns)
        guard m > 0, b.columns > 0, k > 0 else { return c }
        a.values.withUnsafeBufferPointer { pa in
            b.values.withUnsafeBufferPointer { pb in
                c.values.withUnsafeMutableBufferPointer { pc in
                    cblas_dgemm(
                        CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, CblasNoTrans,
                        Int32(m), Int32(b.columns), Int32(k), 1, pa.baseAddress, Int32(a.columns),
                        pb.baseAddress, Int32(b.columns), 0, pc.baseAddress, Int32(b.columns))
                }
            }
        }
        return c
    }

    /// AᵀA with cblas_dsyrk (upper triangle), mirrored to a full symmetric matrix.
    static func gram(_ a: Matrix) -> Matrix {
        var c = Matrix(rows: a.columns, columns: a.columns)
        guard a.rows > 0, a.columns > 0 else { return c }
        a.values.withUnsafeBufferPointer { pa in
            c.values.withUnsafeMutableBufferPointer { pc in
                cblas_dsyrk(
                    CblasRowMajor, CblasUpper, CblasTrans, Int32(a.columns), Int32(a.rows), 1,
                    pa.baseAddress, Int32(a.columns), 0, pc.baseAddress, Int32(a.columns))
            }
        }
        for i in 0..<c.rows { for j in 0..<i { c[i, j] = c[j, i] } }
        return c
    }

    /// Writes `a` with row i multiplied by `weights[i]` into `scaled` (same shape), so the
    /// Hessian blocks reuse one buffer instead of copying X for each.
    static func scaleRows(_ a: Matrix, by weights: [Double], into scaled: inout Matrix) {
        precondition(scaled.rows == a.rows && scaled.columns == a.columns)
        a.values.withUnsafeBufferPointer { input in
            scaled.values.withUnsafeMutableBufferPointer { out in
                for i in 0..<a.rows {
                    let w = weights[i]
                    for j in (i * a.columns)..<((i + 1) * a.columns) { out[j] = w * input[j] }
                }
            }
        }
    }
}

// MARK: - GSL Cholesky

extension MultinomialLogit {
    /// Lower-triangular Cholesky factor of a symmetric positive-definite matrix
    /// (gsl_linalg_cholesky_decomp1); nil when GSL finds it not positive definite.
    static func choleskyFactor(_ a: Matrix) -> Matrix? {
        Distributions.ready() // GSL errors must return codes, not abort
        var factor = a
        let status = factor.values.withUnsafeMutableBufferPointer { p -> Int32 in
            var view = gsl_matrix_view_array(p.baseAddress, a.rows, a.columns)
            return gsl_linalg_cholesky_decomp1(&view.matrix)
        }
        guard status == GSL_SUCCESS, factor.values.allSatisfy(\.isFinite) else { return nil }
        return factor
    }

    /// Solves A x = b from A's Cholesky factor (gsl_linalg_cholesky_solve).
    static func choleskySolve(_ factor: Matrix, _ b: [Double]) -> [Double] {
        var f = factor
        var rhs = b
        var x = [Double](repeating: 0, count: b.count)
        f.values.withUnsafeMutableBufferPointer { pf in
            rhs.withUnsafeMutableBufferPointer { pb in
                x.withUnsafeMutableBufferPointer { px in
                    var fv = gsl_matrix_view_array(pf.baseAddress, factor.rows, factor.columns)
                    var bv = gsl_vector_view_array(pb.baseAddress, b.count)
                    var xv = gsl_vector_view_array(px.baseAddress, b.count)
                    _ = gsl_linalg_cholesky_solve(&fv.matrix, &bv.vector, &xv.vector)
                }
            }
        }
        return x
    }

    /// A⁻¹ from A's Cholesky factor (gsl_linalg_cholesky_invert).
    static func choleskyInverse(_ factor: Matrix) -> Matrix {
        var inverse = factor
        inverse.values.withUnsafeMutableBufferPointer { p in
            var view = gsl_matrix_view_array(p.baseAddress, factor.rows, factor.columns)
            _ = gsl_linalg_cholesky_invert(&view.matrix)
        }
        return inverse
    }

    /// The upper-triangular R of A = QR (gsl_linalg_QR_decomp_r), used to find columns that
    /// are linear combinations of earlier ones: |R_kk| is column k's distance from the span
    /// of columns 0..<k. Requires rows >= columns.
    static func qrUpperTriangle(_ a: Matrix) -> Matrix {
        Distributions.ready()
        var qr = a
        var t = Matrix(rows: a.columns, columns: a.columns)
        qr.values.withUnsafeMutableBufferPointer { pa in
            t.values.withUnsafeMutableBufferPointer { pt in
                var av = gsl_matrix_view_array(pa.baseAddress, a.rows, a.columns)
                var tv = gsl_matrix_view_array(pt.baseAddress, a.columns, a.columns)
                _ = gsl_linalg_QR_decomp_r(&av.matrix, &tv.matrix)
            }
        }
        var r = Matrix(rows: a.columns, columns: a.columns)
        for i in 0..<a.columns { for j in i..<a.columns { r[i, j] = qr[i, j] } }
        return r
    }
}
