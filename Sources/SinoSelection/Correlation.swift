import CBLAS
import SinoData
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
        guard n >= 2 else { return [Double](repeating: .nan, count: p * p) }
        let centred = centredRows(columns)
        var c = [Double](repeating: 0, count: p * p)
        centred.withUnsafeBufferPointer { a in
            c.withUnsafeMutableBufferPointer { out in
                cblas_dsyrk(CblasRowMajor, CblasUpper, CblasNoTrans, Int32(p), Int32(n), 1, a.baseAddress, Int32(n), 0, out.baseAddress, Int32(p))
            }
        }
        let factor = 1 / Double(n - 1)
        let deviation = (0..<p).map { (c[$0 * p + $0] * factor).squareRoot() }
        c.withUnsafeMutableBufferPointer { m in
            let c = m.baseAddress!
            for i in 0..<p {
                let row = c + i * p
                for j in i..<p { row[j] = clipped(row[j] * factor / deviation[i] / deviation[j]) }
            }
            // The lower triangle mirrored in tiles (each tile's reads and writes stay in cache).
            let tile = 64
            for i0 in stride(from: 0, to: p, by: tile) {
                for j0 in stride(from: 0, through: i0, by: tile) {
                    for i in i0..<Swift.min(i0 + tile, p) {
                        for j in j0..<Swift.min(j0 + tile, i) { c[i * p + j] = c[j * p + i] }
                    }
                }
            }
        }
        return c
    }

    /// Each column less its mean, as the rows of a p x n row-major matrix.
    static func centredRows(_ columns: [[Double]]) -> [Double] {
        let p = columns.count
        let n = columns.first?.count ?? 0
        return [Double](unsafeUninitializedCapacity: p * n) { out, count in
            for (j, column) in columns.enumerated() {
                column.withUnsafeBufferPointer { x in
                    var sum = 0.0
                    for i in 0..<n { sum += x[i] }
                    let mean = sum / Double(n)
                    let row = out.baseAddress! + j * n
                    for i in 0..<n { row[i] = x[i] - mean }
                }
            }
            count = p * n
        }
    }

    @inline(__always)
    static func clipped(_ r: Double) -> Double { r.isNaN ? r : Swift.min(1, Swift.max(-1, r)) }

    /// The pairs i < j of `columns` whose Pearson |r| (as `pearsonMatrix` computes it) exceeds
    /// `threshold`, in order of i, then j, without the whole matrix: the cross-products of
    /// blocks of rows of the upper triangle (`cblas_dgemm`, OpenBLAS on one thread, the blocks
    /// spread over `threads`; each product's bits do not depend on the split).
    public static func pairs(above threshold: Double, _ columns: [[Double]], threads: Int = 1) -> [(r: Double, i: Int, j: Int)] {
        let p = columns.count
        guard p > 1 else { return [] }
        let n = columns[0].count
        precondition(columns.allSatisfy { $0.count == n }, "columns of unequal length")
        guard n >= 2 else { return [] }
        let centred = centredRows(columns)
        let factor = 1 / Double(n - 1)
        let deviation = centred.withUnsafeBufferPointer { a in
            (0..<p).map { j in (cblas_ddot(Int32(n), a.baseAddress! + j * n, 1, a.baseAddress! + j * n, 1) * factor).squareRoot() }
        }
        let block = 64
        let blocks = (p + block - 1) / block
        let workers = Swift.max(1, Swift.min(threads, blocks))
        let scratch = (0..<workers).map { _ in UnsafeMutablePointer<Double>.allocate(capacity: block * p) }
        defer { scratch.forEach { $0.deallocate() } }
        let found: [[(r: Double, i: Int, j: Int)]] = centred.withUnsafeBufferPointer { a in
            let a = a.baseAddress!
            return OpenBLASThreads.one {
                ParallelLoop.mapWithSlot(count: blocks, threads: workers) { b, slot in
                    let i0 = b * block
                    let rows = Swift.min(block, p - i0)
                    let width = p - i0
                    let c = scratch[slot]
                    cblas_dgemm(
                        CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(width), Int32(n), 1, a + i0 * n, Int32(n), a + i0 * n, Int32(n), 0,
                        c, Int32(width))
                    var pairs: [(r: Double, i: Int, j: Int)] = []
                    for li in 0..<rows {
                        let i = i0 + li
                        let row = c + li * width - i0
                        for j in (i + 1)..<p {
                            let r = Swift.abs(clipped(row[j] * factor / deviation[i] / deviation[j]))
                            if r > threshold { pairs.append((r, i, j)) }
                        }
                    }
                    return pairs
                }
            }
        }
        return Array(found.joined())
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
