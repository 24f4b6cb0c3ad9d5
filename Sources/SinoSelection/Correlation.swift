/// Pearson and Spearman correlations as numpy `corrcoef` and scipy `spearmanr` compute them.
public enum Correlation {
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
    static func averageRanks(_ values: [Double]) -> [Double] {
        let order = values.indices.sorted { values[$0] < values[$1] }
        var ranks = [Double](repeating: 0, count: values.count)
        var start = 0
        while start < order.count {
            var end = start + 1
            while end < order.count && values[order[end]] == values[order[start]] { end += 1 }
            let rank = Double(start + 1 + end) / 2
            for position in start..<end { ranks[order[position]] = rank }
            start = end
        }
        return ranks
    }
}
