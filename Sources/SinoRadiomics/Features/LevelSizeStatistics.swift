import Foundation

/// The sums GLRLM, GLSZM and GLDM features are made of, for a matrix P(i, j) of grey levels
/// i (rows) by run length, zone size or dependence j = 1, 2, … (columns), normalised by N
/// (the class's N_r / N_z). Marginals: p_g(i) = Σ_j P, p_r(j) = Σ_i P.
struct LevelSizeStatistics {
    var sumInvJ2 = 0.0 // Σ p_r / j²
    var sumJ2 = 0.0 // Σ p_r j²
    var sumPg2 = 0.0 // Σ p_g²
    var sumPr2 = 0.0 // Σ p_r²
    var sumPrJ = 0.0 // Σ p_r j
    var grayVariance = 0.0 // Σ (p_g/N)(i − μ_i)²
    var sizeVariance = 0.0 // Σ (p_r/N)(j − μ_j)²
    var entropy = 0.0 // −Σ (P/N) log2(P/N + eps)
    var sumPgInvI2 = 0.0 // Σ p_g / i²
    var sumPgI2 = 0.0 // Σ p_g i²
    var sumInvI2J2 = 0.0 // Σ P / (i² j²)
    var sumI2InvJ2 = 0.0 // Σ P i² / j²
    var sumJ2InvI2 = 0.0 // Σ P j² / i²
    var sumI2J2 = 0.0 // Σ P i² j²

    /// Computes the sums from a dense m x nj matrix `p` (row-major), grey values `g`.
    /// `pr` must hold nj values and `pg` m values (scratch, overwritten).
    static func dense(
        _ p: UnsafePointer<Double>, m: Int, nj: Int, g: UnsafePointer<Double>, n: Double, pr: UnsafeMutablePointer<Double>,
        pg: UnsafeMutablePointer<Double>, terms: EntropyTerms
    ) -> LevelSizeStatistics {
        for j in 0..<nj { pr[j] = 0 }
        for i in 0..<m {
            var s = 0.0
            for j in 0..<nj {
                let v = p[i * nj + j]
                s += v
                pr[j] += v
            }
            pg[i] = s
        }
        var stats = marginals(m: m, nj: nj, g: g, n: n, pr: pr, pg: pg)
        terms.reset(n)
        for i in 0..<m {
            let gi2 = g[i] * g[i]
            for j in 0..<nj {
                let v = p[i * nj + j]
                if v == 0 { continue }
                stats.addCell(v, gi2: gi2, j: Double(j + 1), terms: terms)
            }
        }
        stats.entropy = -stats.entropy
        return stats
    }

    /// As `dense`, with the marginals `pr` (nj) and `pg` (m) already known.
    static func withMarginals(
        _ p: UnsafePointer<Double>, m: Int, nj: Int, g: UnsafePointer<Double>, n: Double, pr: UnsafePointer<Double>, pg: UnsafePointer<Double>,
        terms: EntropyTerms
    ) -> LevelSizeStatistics {
        var stats = marginals(m: m, nj: nj, g: g, n: n, pr: pr, pg: pg)
        terms.reset(n)
        for i in 0..<m where pg[i] != 0 {
            let gi2 = g[i] * g[i]
            for j in 0..<nj {
                let v = p[i * nj + j]
                if v == 0 { continue }
                stats.addCell(v, gi2: gi2, j: Double(j + 1), terms: terms)
            }
        }
        stats.entropy = -stats.entropy
        return stats
    }

    /// As `withMarginals`, multiplying by reciprocals instead of dividing (voxel kernels): `g2`
    /// and `invG2` hold g² and 1/g² per level, `j2` and `invJ2` j² and 1/j² for j = 1…nj
    /// (index j − 1). Agrees with the dividing form to an ulp per term.
    static func withMarginals(
        _ p: UnsafePointer<Double>, m: Int, nj: Int, g: UnsafePointer<Double>, g2: UnsafePointer<Double>, invG2: UnsafePointer<Double>,
        j2: UnsafePointer<Double>, invJ2: UnsafePointer<Double>, n: Double, pr: UnsafePointer<Double>, pg: UnsafePointer<Double>,
        terms: EntropyTerms
    ) -> LevelSizeStatistics {
        var stats = LevelSizeStatistics()
        let invN = 1 / n
        var muJ = 0.0
        for j in 0..<nj {
            let v = pr[j]
            if v == 0 { continue }
            let jd = Double(j + 1)
            stats.sumInvJ2 += v * invJ2[j]
            stats.sumJ2 += v * j2[j]
            stats.sumPr2 += v * v
            stats.sumPrJ += v * jd
            muJ += (v * invN) * jd
        }
        for j in 0..<nj {
            let v = pr[j]
            if v == 0 { continue }
            let e = Double(j + 1) - muJ
            stats.sizeVariance += (v * invN) * (e * e)
        }
        var muI = 0.0
        for i in 0..<m {
            let v = pg[i]
            if v == 0 { continue }
            stats.sumPg2 += v * v
            stats.sumPgInvI2 += v * invG2[i]
            stats.sumPgI2 += v * g2[i]
            muI += (v * invN) * g[i]
        }
        for i in 0..<m {
            let v = pg[i]
            if v == 0 { continue }
            let e = g[i] - muI
            stats.grayVariance += (v * invN) * (e * e)
        }
        terms.reset(n)
        for i in 0..<m where pg[i] != 0 {
            let gi2 = g2[i]
            let ig2 = invG2[i]
            for j in 0..<nj {
                let v = p[i * nj + j]
                if v == 0 { continue }
                stats.entropy += terms.term(v)
                stats.sumInvI2J2 += v * (ig2 * invJ2[j])
                stats.sumI2InvJ2 += v * gi2 * invJ2[j]
                stats.sumJ2InvI2 += v * j2[j] * ig2
                stats.sumI2J2 += v * (j2[j] * gi2)
            }
        }
        stats.entropy = -stats.entropy
        return stats
    }

    /// The marginal sums (everything but the cell sums).
    static func marginals(m: Int, nj: Int, g: UnsafePointer<Double>, n: Double, pr: UnsafePointer<Double>, pg: UnsafePointer<Double>) -> LevelSizeStatistics {
        var stats = LevelSizeStatistics()
        var muJ = 0.0
        for j in 0..<nj {
            let v = pr[j]
            if v == 0 { continue }
            let jd = Double(j + 1)
            stats.sumInvJ2 += v / (jd * jd)
            stats.sumJ2 += v * (jd * jd)
            stats.sumPr2 += v * v
            stats.sumPrJ += v * jd
            muJ += (v / n) * jd
        }
        for j in 0..<nj {
            let v = pr[j]
            if v == 0 { continue }
            let e = Double(j + 1) - muJ
            stats.sizeVariance += (v / n) * (e * e)
        }
        var muI = 0.0
        for i in 0..<m {
            let v = pg[i]
            if v == 0 { continue }
            let gi2 = g[i] * g[i]
            stats.sumPg2 += v * v
            stats.sumPgInvI2 += v / gi2
            stats.sumPgI2 += v * gi2
            muI += (v / n) * g[i]
        }
        for i in 0..<m {
            let v = pg[i]
            if v == 0 { continue }
            let e = g[i] - muI
            stats.grayVariance += (v / n) * (e * e)
        }
        return stats
    }

    /// Adds one non-zero cell (grey value² `gi2`, column value `j`) to the cell sums; the
    /// entropy is accumulated with the opposite sign (negate once at the end); `terms` must have been
    /// reset with the normaliser.
    @inline(__always) mutating func addCell(_ v: Double, gi2: Double, j: Double, terms: EntropyTerms) {
        let j2 = j * j
        entropy += terms.term(v)
        sumInvI2J2 += v / (gi2 * j2)
        sumI2InvJ2 += v * gi2 / j2
        sumJ2InvI2 += v * j2 / gi2
        sumI2J2 += v * (j2 * gi2)
    }
}
