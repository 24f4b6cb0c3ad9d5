import CBLAS
import SinoStats

/// Pearson and Spearman correlations as numpy `corrcoef` and scipy `spearmanr` compute them.
public enum Correlation {
    /// Every pairwise Pearson r of `columns` (equal lengths, at least 2), as numpy `corrcoef`
    /// computes its matrix: each column centred on its mean, the cross-products of all pairs in
    /// one BLAS product (`cblas_dsyrk`), scaled by 1 / (n - 1), divided by the two standard
    /// deviations, clipped to [-1, 1]. Row-major p x p, symmetric; a constant column gives NaN.
    public static func pearsonMatrix(_ columns: [[Double]]) -> [Double] {
        let p = columns.count
        guard p > 0 else { return [] }
        let n = columns[0].count
        precondition(columns.allSatisfy { $0.count == n }, "columns of unequal length")
        var centred = [Double](repeating: 0, count: p * n)
        for (j, column) in columns.enumerated() {
            let mean = column.reduce(0, +) / Double(n)
            for (i, value) in column.enumerated() { centred[j * n + i] = value - mean }
        }
        var c = [Double](repeating: 0, count: p * p)
        guard n >= 2 else { return [Double](repeating: .nan, count: p * p) }
        centred.withUnsafeBufferPointer { a in
            c.withUnsafeMutableBufferPointer { out in
                cblas_dsyrk(CblasRowMajor, CblasUpper, CblasNoTrans, Int32(p), Int32(n), 1, a.baseAddress, Int32(n), 0, out.baseAddress, Int32(p))
            }
        }
        let factor = 1 / Double(n - 1)
        let deviation = (0..<p).map { (c[$0 * p + $0] * factor).squareRoot() }
        for i in 0..<p {
            for j in i..<p {
                let r = c[i * p + j] * factor / deviation[i] / deviation[j]
                let clipped = r.isNaN ? r : Swift.min(1, Swift.max(-1, r))
                c[i * p + j] = clipped
                c[j * p + i] = clipped
            }
        }
        return c
    }

    /// Pearson r of two complete samples: the centred cross-product over the square roots of
    /// the centred sums of squares (numpy `corrcoef`), clipped to [-1, 1]; NaN for fewer than
    /// 2 values or a constant sample.
    public static func pearson(_ a: [Double], _ b: [Double]) -> Double {
        let n = Double(a.count)
        guard a.count >= 2 else { return .nan }
        let ma = a.reduce(0, +) / n, mb = b.reduce(0, +) / n
        var sab = 0.0, saa = 0.0, sbb = 0.0
        for (u, v) in zip(a, b) {
            sab += (u - ma) * (v - mb)
            saa += (u - ma) * (u - ma)
            sbb += (v - mb) * (v - mb)
        }
        let r = sab / saa.squareRoot() / sbb.squareRoot()
        return r.isNaN ? r : Swift.min(1, Swift.max(-1, r))
    }

    /// Spearman rho: Pearson r of the average ranks (ties share their mean rank).
    public static func spearman(_ a: [Double], _ b: [Double]) -> Double {
        pearson(averageRanks(a), averageRanks(b))
    }

    /// 1-based ranks, ties averaged (scipy `rankdata(method="average")`).
    static func averageRanks(_ values: [Double]) -> [Double] { MidRanks(values).ranks }
}
