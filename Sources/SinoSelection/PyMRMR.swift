import Foundation

/// Minimum-redundancy maximum-relevance selection exactly as pymrmr 0.1.11 (Hanchuan Peng's
/// C++ `mrmr.cpp`, `_select`; Peng, Long & Ding, IEEE TPAMI 27(8):1226-1238, 2005) selects,
/// order and ties included (../../docs/selection/icc-mrmr.md):
///
/// - values become C `int` as pymrmr's Cython conversion makes them: **truncated toward zero**
///   (0.9 and -0.9 both become 0); each column is then shifted by its minimum;
/// - MI(a, b) = sum p_ab log(p_ab / p_a / p_b) / log 2 with plug-in probabilities (counts / n),
///   in the floating-point steps of pymrmr's `-Ofast` build (`mutualInformation`), which decide
///   between features whose MI is equal in exact arithmetic;
/// - the relevance MI(class, f) is stored as a 32-bit Float, negated, and sorted with Numerical
///   Recipes' `sort2`, which is not stable: features of equal relevance come out in the order
///   its moves leave them, not in column order;
/// - the first feature is the first after that sort; the pool is the first min(5000, p)
///   features in that order; at each later step, over the pool in order, MID = rel - red and
///   MIQ = rel / (red + 1e-4), with rel = MI(class, f) and red the mean MI with the selected
///   features, and the first strictly greatest score wins.
///
/// pymrmr does not discretise; `discretise(_:k:)` is SinoRad's explicit rule for continuous
/// features.
public enum PyMRMR {
    public enum Method: String, Codable, Sendable, CaseIterable {
        /// Mutual information difference, rel - red.
        case mid = "MID"
        /// Mutual information quotient, rel / (red + 1e-4).
        case miq = "MIQ"
    }

    public struct Result: Codable, Sendable, Equatable {
        /// Selected feature columns (0-based, class excluded), in selection order.
        public let selected: [Int]
        /// The score of each pick, as pymrmr prints it: the Float relevance for the first,
        /// the MID or MIQ score (Double) after. (With a single feature pymrmr prints the
        /// first score negated, its sign-restoring loop stopping one short; SinoRad does not.)
        public let scores: [Double]
        /// MI(class, feature) per column, in bits.
        public let relevance: [Double]
        /// The columns in pymrmr's relevance order (after `sort2`).
        public let relevanceOrder: [Int]
    }

    /// pymrmr's pool: only the first 5000 features by relevance are candidates.
    public static let poolLimit = 5000

    /// Selects `count` features.
    /// - Parameters:
    ///   - classes: the class of each row (pymrmr's column 0), truncated to Int as the features.
    ///   - features: one row per case, one column per feature.
    ///   - method: MID or MIQ.
    ///   - count: how many to select; more than the pool is clipped to the pool (pymrmr itself
    ///     returns a list of length `count` padded with the class column's name).
    /// - Returns: the selection, its scores and the relevance ranking.
    /// - Throws: `SelectionError.invalidInput` for a ragged table, a row count differing from
    ///   `classes`, NaN or a value outside C int's range (pymrmr's conversion fails on them too),
    ///   or a count below 1.
    public static func select(
        classes: [Double], features: [[Double]], method: Method, count: Int
    ) throws -> Result {
        guard count >= 1 else { throw SelectionError.invalidInput("mRMR: count must be at least 1, got \(count)") }
        let p = try FeatureMatrix.columnCount(features, minimumRows: 1, what: "pymrmr features")
        guard classes.count == features.count else {
            throw SelectionError.invalidInput(
                "pymrmr: \(classes.count) classes for \(features.count) rows; one class per row is needed")
        }
        // Column 0 is the class, as in pymrmr's DataFrame.
        var data = [try states(classes, name: "class")]
        for j in 0..<p { data.append(try states(features.map { $0[j] }, name: "feature \(j)")) }
        let n = classes.count

        var mival = [Float](repeating: 0, count: p + 1)
        var poolInd = Array(0...p)
        var relevance = [Double](repeating: 0, count: p)
        for i in 0...p {
            let mi = mutualInformation(data[0], data[i], n)
            mival[i] = Float(-mi)
            if i > 0 { relevance[i - 1] = mi }
        }
        NumericalRecipesSort2.sort2(p, &mival, &poolInd)
        let pool = min(poolLimit, p)
        let k = min(count, pool)

        var selected = [poolInd[1]]
        var scores = [Double(-mival[1])]
        var inPool = [Bool](repeating: true, count: p + 1)
        inPool[poolInd[1]] = false
        inPool[0] = false
        for step in 1..<max(k, 1) {
            var best: (score: Double, index: Int)?
            for i in 1...pool {
                let candidate = poolInd[i]
                guard inPool[candidate] else { continue }
                let rel = mutualInformation(data[0], data[candidate], n)
                var red = 0.0
                for s in selected { red += mutualInformation(data[s], data[candidate], n) }
                red /= Double(step)
                let score = method == .mid ? rel - red : rel / (red + 0.0001)
                if let current = best {
                    if score > current.score { best = (score, candidate) }
                } else {
                    best = (score, candidate)
                }
            }
            guard let pick = best else { break }
            selected.append(pick.index)
            scores.append(pick.score)
            inPool[pick.index] = false
        }
        return Result(
            selected: selected.map { $0 - 1 }, scores: scores, relevance: relevance,
            relevanceOrder: poolInd[1...p].map { $0 - 1 })
    }

    /// `select` with feature names: the names of the selected features in order.
    public static func select(
        classes: [Double], features: [[Double]], names: [String], method: Method, count: Int
    ) throws -> (names: [String], result: Result) {
        let result = try select(classes: classes, features: features, method: method, count: count)
        guard names.count == features.first?.count else {
            throw SelectionError.invalidInput(
                "pymrmr: \(names.count) names for \(features.first?.count ?? 0) feature columns")
        }
        return (result.selected.map { names[$0] }, result)
    }

    /// SinoRad's three-state discretisation for pymrmr (pymrmr itself does none; its README asks
    /// for data "discretised as defined in the original paper", and Peng et al. describe states
    /// at mean +- sd). **This is SinoRad's documented rule, not pymrmr's**: per column,
    /// -1 where x < mean - k sd, 1 where x > mean + k sd (both strict), 0 otherwise, with sd the
    /// **sample** standard deviation (n - 1 denominator, as pandas `std()`); a constant column
    /// becomes all 0.
    /// - Parameters:
    ///   - features: one row per case, finite values, at least 2 rows.
    ///   - k: the half-width of the middle state in standard deviations (default 1).
    /// - Returns: the states, same shape.
    /// - Throws: `SelectionError.invalidInput` for a ragged table, fewer than 2 rows, a
    ///   non-finite value or k < 0.
    public static func discretise(_ features: [[Double]], k: Double = 1) throws -> [[Int]] {
        guard k >= 0, k.isFinite else {
            throw SelectionError.invalidInput("discretise: k must be a finite number >= 0, got \(k)")
        }
        let p = try FeatureMatrix.columnCount(features, minimumRows: 2, what: "mRMR discretisation")
        let n = Double(features.count)
        var out = [[Int]](repeating: [Int](repeating: 0, count: p), count: features.count)
        for j in 0..<p {
            let column = features.map { $0[j] }
            let mean = column.reduce(0, +) / n
            let sd = (column.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)).squareRoot()
            let low = mean - k * sd, high = mean + k * sd
            for (i, x) in column.enumerated() { out[i][j] = x < low ? -1 : (x > high ? 1 : 0) }
        }
        return out
    }

    /// A column as pymrmr holds it: C int (truncated toward zero), shifted to start at 0.
    static func states(_ values: [Double], name: String) throws -> [Int] {
        var ints: [Int] = []
        ints.reserveCapacity(values.count)
        for value in values {
            guard value.isFinite, value > -2_147_483_649, value < 2_147_483_648 else {
                throw SelectionError.invalidInput(
                    "pymrmr: \(name) has \(value), which is not convertible to a C int (NaN, infinite or too large)")
            }
            ints.append(Int(value.rounded(.towardZero)))
        }
        let minimum = ints.min() ?? 0
        return ints.map { $0 - minimum }
    }

    /// pymrmr's `calMutualInfo(v1, v2)` as its wheel computes it. pymrmr's setup.py builds with
    /// `-Ofast` (fast math), so the compiled arithmetic is not the source's; this follows the
    /// machine code of pymrmr 0.1.11 built by GCC 12.2 (Debian 12, x86-64), which decides
    /// ties between features of equal MI:
    /// - p_ab = count x (1 / n) (the division by n becomes a multiplication by its reciprocal);
    /// - p_b (v2's states, the outer index) sums over a's states in order; p_a sums over b's
    ///   states two at a time (SSE2 lanes: even and odd states summed separately, the two lanes
    ///   added, the last odd state added after);
    /// - each term is p_ab x log(p_ab / (p_a p_b)), summed over b's states (outer) and a's
    ///   (inner), and the sum is multiplied by log2(e) = 1.4426950408889634 instead of divided
    ///   by log 2.
    static func mutualInformation(_ v1: [Int], _ v2: [Int], _ n: Int) -> Double {
        let nstate1 = (v1.max() ?? 0) + 1
        let nstate2 = (v2.max() ?? 0) + 1
        var counts = [Double](repeating: 0, count: nstate1 * nstate2)
        for i in 0..<n { counts[v2[i] * nstate1 + v1[i]] += 1 }
        let reciprocal = 1.0 / Double(n)
        let pab = counts.map { $0 * reciprocal }
        var p1 = [Double](repeating: 0, count: nstate1)
        var p2 = [Double](repeating: 0, count: nstate2)
        let pairs = nstate2 / 2
        for i in 0..<nstate1 {
            var even = 0.0, odd = 0.0
            for pair in 0..<pairs {
                let a = pab[(2 * pair) * nstate1 + i], b = pab[(2 * pair + 1) * nstate1 + i]
                even += a
                odd += b
                p2[2 * pair] += a
                p2[2 * pair + 1] += b
            }
            var sum = 0.0 + (odd + even)
            if nstate2 % 2 == 1 {
                let last = pab[(nstate2 - 1) * nstate1 + i]
                sum += last
                p2[nstate2 - 1] += last
            }
            p1[i] = sum
        }
        var mi = 0.0
        for j in 0..<nstate2 {
            for i in 0..<nstate1 {
                let joint = pab[j * nstate1 + i]
                if joint != 0 && p1[i] != 0 && p2[j] != 0 { mi += joint * log(joint / (p1[i] * p2[j])) }
            }
        }
        return mi * 1.4426950408889634
    }
}
