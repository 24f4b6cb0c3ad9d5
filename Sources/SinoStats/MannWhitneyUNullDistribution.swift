/// The exact null distribution of the Mann-Whitney U statistic for samples of sizes m and n
/// without ties: every one of the C(m+n, m) rank arrangements is equally likely.
///
/// Built from the recurrence on probabilities
///     P(u; m, n) = m/(m+n) P(u - n; m - 1, n) + n/(m+n) P(u; m, n - 1)
/// (the largest of the m + n values belongs to the first sample or to the second), which
/// only adds positive terms, so no count overflows and no cancellation occurs. scipy uses
/// Löffler's (1983) recurrence on counts instead; both are exact to rounding.
/// Cost O(m n u_max) with m the smaller size, u_max <= m n / 2.
struct MannWhitneyUNullDistribution {
    let m: Int
    let n: Int
    /// P(U = u) for u = 0 ... u_max.
    let pmf: [Double]

    /// Sizes must be at least 1; `maxU` is the largest u whose probability is needed.
    init(_ size1: Int, _ size2: Int, upTo maxU: Int) {
        m = min(size1, size2)
        n = max(size1, size2)
        let width = maxU + 1
        // rows[i] holds P(. ; i, nSoFar) for i = 0 ... m, updated as nSoFar grows to n.
        var rows = [[Double]](repeating: [1] + [Double](repeating: 0, count: maxU), count: m + 1)
        for nSoFar in 1...n {
            for i in 1...m {
                let fromFirst = Double(i) / Double(i + nSoFar)
                let fromSecond = Double(nSoFar) / Double(i + nSoFar)
                for u in 0..<width {
                    let shifted = u >= nSoFar ? rows[i - 1][u - nSoFar] : 0
                    rows[i][u] = fromFirst * shifted + fromSecond * rows[i][u]
                }
            }
        }
        pmf = rows[m]
    }

    /// P(U <= k) for k <= u_max.
    func cdf(_ k: Int) -> Double { pmf[0...k].reduce(0, +) }

    /// P(U >= k), summed from the nearer tail by symmetry as scipy's `_MWU.sf` does:
    /// P(U >= k) = P(U <= m n - k).
    func sf(_ k: Int) -> Double {
        let complement = m * n - k
        if k >= complement { return cdf(complement) }
        return 1 - cdf(k) + pmf[k]
    }
}
