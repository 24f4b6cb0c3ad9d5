/// Multiple-comparison adjustment of p-values, as R's `p.adjust` and statsmodels'
/// `multipletests` (0.15) compute them: adjusted values are returned in the input order,
/// capped at 1, and monotone in the raw p-values.
///
/// ```swift
/// let adjusted = try PValueAdjustment.adjust([0.01, 0.04, 0.03], method: .holm)
/// // [0.03, 0.06, 0.06]
/// ```
public enum PValueAdjustment {
    public enum Method: String, Codable, Sendable, CaseIterable {
        /// min(1, m p): controls the family-wise error rate.
        case bonferroni
        /// Holm's step-down: cumulative maximum of (m - i + 1) p_(i); FWER, uniformly
        /// more powerful than Bonferroni (statsmodels "holm").
        case holm
        /// Benjamini-Hochberg step-up: cumulative minimum from the top of p_(i) m / i;
        /// controls the false discovery rate (statsmodels "fdr_bh", R "BH").
        case benjaminiHochberg
    }

    /// Adjusts `p` (each in [0, 1]) for `p.count` comparisons.
    /// - Parameters:
    ///   - p: the unadjusted p-values of one family, in any order.
    ///   - method: Bonferroni, Holm (step-down) or Benjamini-Hochberg (false discovery rate), as
    ///     statsmodels `multipletests` and R `p.adjust`.
    /// - Returns: the adjusted p-values in the order of `p`, each capped at 1.
    /// - Throws: `StatsError.invalidInput` when a p-value lies outside [0, 1] or is NaN.
    public static func adjust(_ p: [Double], method: Method) throws -> [Double] {
        if let bad = p.first(where: { !($0 >= 0 && $0 <= 1) }) {
            throw StatsError.invalidInput("p-values must lie in [0, 1], got \(bad)")
        }
        let m = Double(p.count)
        switch method {
        case .bonferroni: return p.map { min(1, $0 * m) }
        case .holm: return inOriginalOrder(p, adjustSorted: holmSorted)
        case .benjaminiHochberg: return inOriginalOrder(p, adjustSorted: benjaminiHochbergSorted)
        }
    }

    /// Sorts ascending, adjusts, caps at 1 and puts each value back where it came from.
    static func inOriginalOrder(_ p: [Double], adjustSorted: ([Double]) -> [Double]) -> [Double] {
        let order = p.indices.sorted { p[$0] < p[$1] }
        let adjusted = adjustSorted(order.map { p[$0] })
        var result = [Double](repeating: 0, count: p.count)
        for (rank, index) in order.enumerated() { result[index] = min(1, adjusted[rank]) }
        return result
    }

    static func holmSorted(_ sorted: [Double]) -> [Double] {
        var running = 0.0
        return sorted.enumerated().map { i, p in
            running = max(running, p * Double(sorted.count - i))
            return running
        }
    }

    /// statsmodels divides by the ECDF factor i / m rather than multiplying by m / i.
    static func benjaminiHochbergSorted(_ sorted: [Double]) -> [Double] {
        let m = Double(sorted.count)
        var adjusted = sorted.enumerated().map { i, p in p / (Double(i + 1) / m) }
        for i in stride(from: adjusted.count - 2, through: 0, by: -1) {
            adjusted[i] = min(adjusted[i], adjusted[i + 1])
        }
        return adjusted
    }
}
