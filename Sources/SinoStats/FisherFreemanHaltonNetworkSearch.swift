import Foundation

/// The stage-by-stage walk of `FisherFreemanHaltonNetwork` (see there for the algorithm).
struct NetworkSearch {
    typealias Network = FisherFreemanHaltonNetwork.Network
    /// Past paths kept between stages, at most; beyond it the exact test gives up (memory).
    static let storedPastLimit = 20_000_000

    let network: Network
    let codec: NodeKeyCodec
    /// log(P(observed) * (1 + 1e-7)): a table is "as or less likely" when log P <= threshold.
    let threshold: Double
    let workLimit: Int
    private var work = 0
    /// Sum of P(T) / P(observed) over the tables counted so far.
    private var scaledP = CompensatedSum()

    init(network: Network, workLimit: Int) throws {
        guard
            let codec = NodeKeyCodec(
                total: network.nodeTotals.reduce(0, +),
                width: network.nodeTotals.count)
        else {
            throw Self.tooLarge("its nodes do not fit the exact algorithm's keys")
        }
        self.network = network
        self.codec = codec
        self.threshold = network.observedLogP + log1p(FisherFreemanHaltonNetwork.tieTolerance)
        self.workLimit = workLimit
    }

    static func tooLarge(_ reason: String) -> StatsError {
        .tooLarge(
            "the exact Fisher-Freeman-Halton test is too large for this table (\(reason));"
                + " use FisherExactTest.monteCarlo(table, replicates:seed:) for a simulated p-value,"
                + " as R's fisher.test(simulate.p.value = TRUE)")
    }

    mutating func run() throws -> Double {
        let columns = network.stageTotals.count
        var stage = [codec.encode(network.nodeTotals): [PastPath(value: 0, mass: 1)]]
        for column in 0..<(columns - 2) {
            stage = try expand(stage, column: column)
        }
        for (key, pasts) in stage {
            try finishWithTwoColumnsLeft(rows: codec.decode(key), pasts: pasts)
        }
        return min(1, exp(network.observedLogP) * scaledP.value)
    }

    // MARK: Stages

    /// Decides what the bounds can decide at every node of a stage and expands the rest by
    /// every filling of column `column`, aggregating equal past lengths at each child.
    private mutating func expand(_ stage: [UInt64: [PastPath]], column: Int) throws
        -> [UInt64: [PastPath]]
    {
        var next: [UInt64: [PastPath]] = [:]
        var stored = 0
        for (key, pasts) in stage {
            let rows = codec.decode(key)
            let undecided = settleByBounds(pasts, rows: rows, fromColumn: column)
            if undecided.isEmpty { continue }
            try chargeWork(0)
            var childRows = rows
            try forEachColumnFilling(rows: rows, columnTotal: network.stageTotals[column]) {
                edge, child in
                childRows = child
                childRows.sort()
                let childKey = codec.encode(childRows)
                next[childKey, default: []].append(
                    contentsOf: undecided.lazy.map {
                        PastPath(value: $0.value + edge, mass: $0.mass)
                    })
                stored += undecided.count
                try chargeWork(undecided.count)
            }
            if stored > Self.storedPastLimit { throw Self.tooLarge("too many distinct paths") }
        }
        return next.mapValues(Self.mergeEqualPasts)
    }

    /// With two columns left a node's completions are the fillings of the smaller one (the
    /// last column is then forced, probability 1): enumerate them once, sort, and count each
    /// past's share with one binary search.
    private mutating func finishWithTwoColumnsLeft(rows: [Int], pasts: [PastPath]) throws {
        let columnIndex = network.stageTotals.count - 2
        let pasts = settleByBounds(pasts, rows: rows, fromColumn: columnIndex)
        if pasts.isEmpty { return }
        var futures: [Double] = []
        let columnTotal = network.stageTotals[columnIndex]
        try forEachColumnFilling(rows: rows, columnTotal: columnTotal) { edge, _ in
            futures.append(edge)
            try chargeWork(1)
        }
        try chargeWork(pasts.count)
        futures.sort()
        let cumulative = Self.cumulativeLogSums(futures)
        for past in pasts {
            let count = Self.countNotAbove(threshold - past.value, in: futures)
            if count > 0 { add(past, futureLogP: cumulative[count - 1]) }
        }
    }

    /// Adds whole subtrees whose most likely completion is no more likely than the observed
    /// table; drops pasts whose least likely completion is still more likely; returns the rest.
    private mutating func settleByBounds(_ pasts: [PastPath], rows: [Int], fromColumn: Int)
        -> [PastPath]
    {
        let columns = Array(network.stageTotals[fromColumn...])
        let bounds = FutureBounds(rows: rows, columns: columns, logFactorials: network.logFactorials)
        var undecided: [PastPath] = []
        for past in pasts {
            if past.value + bounds.longest <= threshold {
                add(past, futureLogP: 0) // the completions' probabilities sum to 1
            } else if past.value + bounds.shortest <= threshold {
                undecided.append(past)
            }
        }
        return undecided
    }

    // MARK: Helpers

    private mutating func add(_ past: PastPath, futureLogP: Double) {
        scaledP.add(past.mass * exp(past.value + futureLogP - network.observedLogP))
    }

    private mutating func chargeWork(_ steps: Int) throws {
        work += steps
        if work > workLimit { throw Self.tooLarge("more than \(workLimit) steps") }
    }

    /// Calls `body(log-probability of the stage, remaining row totals)` for every way to put
    /// `columnTotal` counts into rows with the given remaining totals (capacities).
    private func forEachColumnFilling(
        rows: [Int], columnTotal: Int, _ body: (Double, [Int]) throws -> Void
    ) rethrows {
        let lf = network.logFactorials
        let m = rows.reduce(0, +)
        // log C(m, c) in the denominator and the log R_i! of every row are fixed per node.
        let fixed = rows.reduce(0.0) { $0 + lf[$1] } - lf.logChoose(m, columnTotal)
        var capacityAfter = [Int](repeating: 0, count: rows.count + 1)
        for i in stride(from: rows.count - 1, through: 0, by: -1) {
            capacityAfter[i] = capacityAfter[i + 1] + rows[i]
        }
        var remainingRows = rows
        func place(_ i: Int, _ left: Int, _ partial: Double) throws {
            if i == rows.count - 1 {
                remainingRows[i] = rows[i] - left
                try body(fixed + partial - lf[left] - lf[rows[i] - left], remainingRows)
                return
            }
            for x in max(0, left - capacityAfter[i + 1])...min(rows[i], left) {
                remainingRows[i] = rows[i] - x
                try place(i + 1, left - x, partial - lf[x] - lf[rows[i] - x])
            }
        }
        try place(0, columnTotal, 0)
    }

    /// Sorts a node's past lengths and merges those within `pastMergeTolerance`, keeping the
    /// exact probability mass of each merged path.
    static func mergeEqualPasts(_ pasts: [PastPath]) -> [PastPath] {
        let sorted = pasts.sorted { $0.value < $1.value }
        var merged: [PastPath] = []
        merged.reserveCapacity(sorted.count)
        for past in sorted {
            if let last = merged.last,
                past.value - last.value <= FisherFreemanHaltonNetwork.pastMergeTolerance
            {
                merged[merged.count - 1].mass += past.mass * exp(past.value - last.value)
            } else {
                merged.append(past)
            }
        }
        return merged
    }

    /// cumulative[k] = log(sum of exp(values[0...k])), for ascending values.
    static func cumulativeLogSums(_ values: [Double]) -> [Double] {
        var result: [Double] = []
        result.reserveCapacity(values.count)
        var running = -Double.infinity
        for v in values {
            let high = max(running, v), low = min(running, v)
            running = low == -.infinity ? high : high + log1p(exp(low - high))
            result.append(running)
        }
        return result
    }

    /// The number of ascending `values` that are <= limit.
    static func countNotAbove(_ limit: Double, in values: [Double]) -> Int {
        var low = 0, high = values.count
        while low < high {
            let mid = (low + high) / 2
            if values[mid] <= limit { low = mid + 1 } else { high = mid }
        }
        return low
    }
}

/// Packs a sorted vector of remaining row totals into one integer (mixed radix total + 1),
/// so nodes are cheap dictionary keys.
struct NodeKeyCodec {
    let base: UInt64
    let width: Int

    init?(total: Int, width: Int) {
        base = UInt64(total + 1)
        self.width = width
        var capacity: UInt64 = 1
        for _ in 0..<width {
            let (product, overflow) = capacity.multipliedReportingOverflow(by: base)
            if overflow { return nil }
            capacity = product
        }
    }

    func encode(_ rows: [Int]) -> UInt64 {
        rows.reduce(0) { $0 * base + UInt64($1) }
    }

    func decode(_ key: UInt64) -> [Int] {
        var rows = [Int](repeating: 0, count: width)
        var rest = key
        for i in stride(from: width - 1, through: 0, by: -1) {
            rows[i] = Int(rest % base)
            rest /= base
        }
        return rows
    }
}
