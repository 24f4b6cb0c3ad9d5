/// Average ("mid") ranks of a sample and the sizes of its tied runs, as
/// `scipy.stats._stats_py._rankdata(x, "average", return_ties=True)` gives them to
/// `kruskal` and `mannwhitneyu`.
struct MidRanks {
    /// Rank of each value in input order, 1-based; tied values share their average rank.
    let ranks: [Double]
    /// Size of each run of equal values (singletons included).
    let tieSizes: [Int]

    init(_ values: [Double]) {
        let order = values.indices.sorted { values[$0] < values[$1] }
        var ranks = [Double](repeating: 0, count: values.count)
        var tieSizes: [Int] = []
        var start = 0
        while start < order.count {
            var end = start + 1
            while end < order.count && values[order[end]] == values[order[start]] { end += 1 }
            // Positions start..<end (0-based) share ranks start+1 ... end: their mean.
            let averageRank = Double(start + 1 + end) / 2
            for position in start..<end { ranks[order[position]] = averageRank }
            tieSizes.append(end - start)
            start = end
        }
        self.ranks = ranks
        self.tieSizes = tieSizes
    }

    /// sum over tied runs of t^3 - t, the numerator of every rank test's tie correction.
    var tieTerm: Double {
        tieSizes.reduce(0) { sum, t in sum + Double(t) * Double(t) * Double(t) - Double(t) }
    }
}
