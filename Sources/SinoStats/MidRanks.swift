import CSinoKernels

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
            self.init(sortingPairs: values)
        }
    }

    private init(sortingPairs values: [Double]) {
        // The positions sorted by value (a radix sort of the values' bits, CSinoKernels); each
        // run of equal values (-0 and 0 are one, as `==` has them, and sort next to each other)
        // gives its positions their average rank.
        self.init(values, order: MidRanks.sortOrder(values))
    }

    /// The mid-ranks of NaN-free `values` from `order`, their positions in ascending order of
    /// value (`sortOrder`'s, or that of any values in the same order: a column before an
    /// increasing map such as a z-score). The same ranks and tie sizes as `init(values)`.
    public init(_ values: [Double], order: [Int]) {
        let n = values.count
        precondition(order.count == n, "MidRanks: \(order.count) positions for \(n) values")
        var ranks = [Double](repeating: 0, count: n)
        var tieSizes: [Int] = []
        var start = 0
        while start < n {
            let value = values[order[start]]
            var end = start + 1
            while end < n && values[order[end]] == value { end += 1 }
            // Positions start..<end (0-based) share ranks start+1 ... end: their mean.
            let averageRank = Double(start + 1 + end) / 2
            for k in start..<end { ranks[order[k]] = averageRank }
            tieSizes.append(end - start)
            start = end
        }
        self.ranks = ranks
        self.tieSizes = tieSizes
    }

    /// order[i] = the position of the i-th smallest value (no NaN), equal values in input order
    /// (`sino_sort_order`, a radix sort of the values' bits).
    public static func sortOrder(_ values: [Double]) -> [Int] {
        let n = values.count
        let keys = UnsafeMutablePointer<UInt64>.allocate(capacity: 2 * max(n, 1))
        let scratch = UnsafeMutablePointer<Int>.allocate(capacity: max(n, 1))
        defer {
            keys.deallocate()
            scratch.deallocate()
        }
        return [Int](unsafeUninitializedCapacity: n) { order, count in
            values.withUnsafeBufferPointer { sino_sort_order($0.baseAddress, n, order.baseAddress, keys, scratch) }
            count = n
        }
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
