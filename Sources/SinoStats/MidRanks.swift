/// Average ("mid") ranks of a sample and the sizes of its tied runs, as
/// `scipy.stats._stats_py._rankdata(x, "average", return_ties=True)` gives them to
/// `kruskal` and `mannwhitneyu`.
public struct MidRanks {
    /// Rank of each value in input order, 1-based; tied values share their average rank.
    public let ranks: [Double]
    /// Size of each run of equal values (singletons included), in ascending order of value.
    public let tieSizes: [Int]

    public init(_ values: [Double]) {
        if values.contains(where: \.isNaN) {
            self.init(orderingIndices: values)
        } else {
            self.init(searchingSorted: values)
        }
    }

    private init(searchingSorted values: [Double]) {
        // The values sorted; each value's rank is the average rank of the run of equal values
        // it falls in, found by binary search (-0 and 0 are one run, as `==` has them).
        var sorted = values
        sorted.sort()
        var runRank = [Double](repeating: 0, count: sorted.count)
        var tieSizes: [Int] = []
        var start = 0
        while start < sorted.count {
            var end = start + 1
            while end < sorted.count && sorted[end] == sorted[start] { end += 1 }
            // Positions start..<end (0-based) share ranks start+1 ... end: their mean.
            runRank[start] = Double(start + 1 + end) / 2
            tieSizes.append(end - start)
            start = end
        }
        ranks = values.map { value in
            var low = 0
            var high = sorted.count
            while low < high {
                let middle = (low + high) / 2
                if sorted[middle] < value { low = middle + 1 } else { high = middle }
            }
            return runRank[low]
        }
        self.tieSizes = tieSizes
    }

    /// The same ranks by sorting the indices (any value that is not comparable, NaN, stays
    /// where the comparison-based sort leaves it, as before).
    private init(orderingIndices values: [Double]) {
        let order = values.indices.sorted { values[$0] < values[$1] }
        var ranks = [Double](repeating: 0, count: values.count)
        var tieSizes: [Int] = []
        var start = 0
        while start < order.count {
            var end = start + 1
            while end < order.count && values[order[end]] == values[order[start]] { end += 1 }
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
