import Foundation

/// Fisher's exact test of independence for a two-way table of counts.
///
/// - 2 x 2: the hypergeometric p-value of R's `fisher.test` (R 4.2) and
///   `scipy.stats.fisher_exact` (scipy 1.17) for the three alternatives; the two-sided p sums
///   the probabilities of the tables no more likely than the observed one, with R's relative
///   tolerance 1e-7 for ties.
/// - r x c: the Fisher-Freeman-Halton two-sided p of R's `fisher.test`, computed exactly by a
///   network algorithm (`FisherFreemanHaltonNetwork`), or by Monte Carlo (`monteCarlo`) as R's
///   `simulate.p.value = TRUE`.
///
/// ```swift
/// let tea = try FisherExactTest.test([[3, 1], [1, 3]])        // p = 0.4857
/// let job = try FisherExactTest.test(satisfactionTable)        // exact r x c
/// let big = try FisherExactTest.monteCarlo(hairEye, replicates: 20000, seed: 1)
/// ```
public enum FisherExactTest {
    public enum Alternative: String, Codable, Sendable {
        case twoSided = "two-sided"
        /// Odds ratio < 1 (R/scipy "less"): P(X <= observed n11).
        case less
        /// Odds ratio > 1 (R/scipy "greater"): P(X >= observed n11).
        case greater
    }

    /// The default bound on the network algorithm's work (past-path x edge steps, about
    /// 10 ns each), reached after a few seconds; beyond it the test throws `tooLarge`.
    public static let defaultWorkLimit = 300_000_000

    /// Exact test. One-sided alternatives exist only for 2 x 2 tables (as in R).
    /// - Parameters:
    ///   - table: counts, rows x columns (at least 2 x 2).
    ///   - alternative: for 2 x 2 tables, two-sided (tables no more probable than the observed
    ///     one, R's relative tolerance 1e-7) or one-sided on the top-left count (`less`,
    ///     `greater`); larger tables are two-sided (Fisher-Freeman-Halton).
    ///   - workLimit: bound on the network algorithm's work for r x c tables.
    /// - Returns: the exact p-value, and the sample odds ratio for a 2 x 2 table (R reports
    ///   the conditional MLE instead).
    /// - Throws: `StatsError.invalidInput` for an invalid table or a one-sided alternative on
    ///   a larger table; `StatsError.tooLarge` when the exact r x c computation would exceed
    ///   `workLimit` (use `monteCarlo` then).
    public static func test(
        _ table: [[Int]], alternative: Alternative = .twoSided, workLimit: Int = defaultWorkLimit
    ) throws -> FisherExactResult {
        let table = try ContingencyTable(table)
        if table.rowCount == 2 && table.columnCount == 2 {
            return twoByTwo(table, alternative: alternative)
        }
        guard alternative == .twoSided else {
            throw StatsError.invalidInput(
                "a one-sided Fisher test needs a 2 x 2 table; this one is"
                    + " \(table.rowCount) x \(table.columnCount)")
        }
        let p = try FisherFreemanHaltonNetwork.pValue(table, workLimit: workLimit)
        return FisherExactResult(pValue: p, method: "exact", alternative: .twoSided, oddsRatio: nil)
    }

    /// Monte Carlo p-value with R's `fisher.test(simulate.p.value = TRUE, B = replicates)`
    /// semantics: tables with the observed margins drawn by Patefield's algorithm (AS 159),
    /// statistic -sum(log n_ij!), p = (1 + #{simulated <= observed}) / (B + 1), where
    /// "<=" allows R's relative slack of 64 machine epsilons. Deterministic for a seed.
    /// - Parameters:
    ///   - table: counts, rows x columns (at least 2 x 2).
    ///   - replicates: simulated tables B, at least 1 (R's default 2000).
    ///   - seed: seed of the random stream.
    /// - Returns: the Monte Carlo two-sided p-value (method "monte-carlo (B replicates, seed s)").
    /// - Throws: `StatsError.invalidInput` for an invalid table or `replicates < 1`.
    public static func monteCarlo(_ table: [[Int]], replicates: Int = 2000, seed: UInt64) throws
        -> FisherExactResult
    {
        guard replicates >= 1 else {
            throw StatsError.invalidInput("the Monte Carlo test needs at least 1 replicate")
        }
        let table = try ContingencyTable(table)
        let logFactorials = LogFactorials(upTo: table.total)
        let observed = -table.counts.joined().reduce(0.0) { $0 + logFactorials[$1] }
        let almostOne = 1 + 64 * Double.ulpOfOne
        var sampler = PatefieldTableSampler(
            rowTotals: table.rowTotals, columnTotals: table.columnTotals,
            logFactorials: logFactorials, seed: seed)
        var asExtreme = 0
        for _ in 0..<replicates where sampler.nextStatistic() <= observed / almostOne {
            asExtreme += 1
        }
        return FisherExactResult(
            pValue: Double(1 + asExtreme) / Double(replicates + 1),
            method: "monte-carlo (\(replicates) replicates, seed \(seed))",
            alternative: .twoSided, oddsRatio: nil)
    }

    // MARK: 2 x 2

    /// n11 ~ Hypergeometric with the observed margins (R: m = column 1 total, n = column 2
    /// total, k = row 1 total). Probabilities are normalised by their sum, as R's `dnhyper`.
    static func twoByTwo(_ table: ContingencyTable, alternative: Alternative) -> FisherExactResult {
        let m = table.columnTotals[0], n = table.columnTotals[1], k = table.rowTotals[0]
        let x = table.counts[0][0]
        let support = max(0, k - n)...min(k, m)
        let logFactorials = LogFactorials(upTo: table.total)
        let logDensity = support.map {
            logFactorials.logChoose(m, $0) + logFactorials.logChoose(n, k - $0)
        }
        let peak = logDensity.max()!
        let density = logDensity.map { exp($0 - peak) }
        let observed = density[x - support.lowerBound]
        let included: (Int, Double) -> Bool
        switch alternative {
        case .less: included = { y, _ in y <= x }
        case .greater: included = { y, _ in y >= x }
        case .twoSided: included = { _, d in d <= observed * (1 + 1e-7) }
        }
        var tail = CompensatedSum(), all = CompensatedSum()
        for (y, d) in zip(support, density) {
            all.add(d)
            if included(y, d) { tail.add(d) }
        }
        return FisherExactResult(
            pValue: min(1, tail.value / all.value), method: "exact", alternative: alternative,
            oddsRatio: sampleOddsRatio(table))
    }

    /// The sample odds ratio n11 n22 / (n12 n21) exactly as `scipy.stats.fisher_exact`: NaN
    /// when a row or column is empty, +infinity when n12 or n21 is 0. (R reports the
    /// conditional maximum-likelihood estimate instead, which SinoStats does not compute.)
    static func sampleOddsRatio(_ table: ContingencyTable) -> Double {
        if table.rowTotals.contains(0) || table.columnTotals.contains(0) { return .nan }
        let c = table.counts
        guard c[1][0] > 0 && c[0][1] > 0 else { return .infinity }
        return Double(c[0][0] * c[1][1]) / Double(c[1][0] * c[0][1])
    }
}

/// The outcome of a Fisher exact (or Monte Carlo) test.
public struct FisherExactResult: Codable, Sendable, Equatable {
    public let pValue: Double
    /// "exact", or "monte-carlo (B replicates, seed S)".
    public let method: String
    public let alternative: FisherExactTest.Alternative
    /// For 2 x 2 tables: the sample odds ratio n11 n22 / (n12 n21), as scipy (may be
    /// infinite or NaN; encode with a non-conforming-float strategy). Nil for r x c.
    public let oddsRatio: Double?
}
