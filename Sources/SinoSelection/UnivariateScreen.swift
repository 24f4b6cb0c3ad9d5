import SinoData
import SinoStats

/// Univariate screen of each feature against the outcome on the training cohort, with
/// SinoStats' tests (scipy semantics: `kruskal`, `f_oneway`, `mannwhitneyu`, `ttest_ind`) and
/// Benjamini-Hochberg q values (`PValueAdjustment`, statsmodels `multipletests(method=
/// "fdr_bh")`); a feature is kept when q < alpha.
///
/// A constant feature has no test statistic (scipy returns NaN): it is recorded as `.constant`,
/// not kept, and left out of the family the q values are adjusted over.
public struct UnivariateScreen: Codable, Sendable, Equatable {
    public enum Test: String, Codable, Sendable, CaseIterable {
        /// Kruskal-Wallis H (2 or more classes).
        case kruskalWallis
        /// One-way ANOVA F (2 or more classes).
        case anova
        /// Mann-Whitney U, two-sided, scipy's automatic method, continuity correction (2 classes).
        case mannWhitney
        /// Welch's t (2 classes).
        case welch
        /// Student's t, pooled variance (2 classes).
        case student
    }

    public let test: Test
    public let alpha: Double
    /// Raw p per column (NaN for a constant column).
    public let pValues: [Double]
    /// BH q per column (NaN for a constant column).
    public let qValues: [Double]
    /// Kept (q < alpha), `.notSignificant` or `.constant`; statistic = q.
    public let decisions: [FeatureDecision]
    /// Columns kept, in order.
    public var kept: [Int] { decisions.filter(\.kept).map(\.feature) }

    /// Screens every column.
    /// - Parameters:
    ///   - rows: one row per training case, finite values.
    ///   - classes: the class of each row; the groups are the classes in ascending order (for
    ///     the two-sample tests the first sample is the smaller class label).
    ///   - test: the test; two-sample tests need exactly 2 classes.
    ///   - alpha: the false discovery rate (default 0.05).
    ///   - threads: threads for the per-column tests (default 1; the result does not depend on it).
    /// - Throws: `SelectionError.invalidInput` for a ragged table, a non-finite value, a row
    ///   count differing from `classes`, fewer than 2 classes (exactly 2 for the two-sample
    ///   tests), or a test that cannot run on a column (the message names it).
    public init(rows: [[Double]], classes: [Int], test: Test, alpha: Double = 0.05, threads: Int = 1) throws {
        let p = try FeatureMatrix.columnCount(rows, minimumRows: 2, what: "univariate screen")
        try self.init(columns: FeatureMatrix.columns(rows, width: p), classes: classes, test: test, alpha: alpha, ranks: nil, threads: threads)
    }

    /// The screen on finite columns of at least 2 values each. `ranks`: each column's mid-ranks
    /// where the caller has them (Kruskal-Wallis then ranks nothing again: the same p-values to
    /// the bit).
    init(columns: [[Double]], classes: [Int], test: Test, alpha: Double, ranks: [MidRanks]?, threads: Int) throws {
        let rowCount = columns.first?.count ?? 0
        guard classes.count == rowCount else {
            throw SelectionError.invalidInput(
                "univariate screen: \(classes.count) classes for \(rowCount) rows; one class per row is needed")
        }
        guard alpha > 0, alpha < 1 else { throw SelectionError.invalidInput("univariate screen: alpha must lie in (0, 1), got \(alpha)") }
        let groups = FeatureMatrix.groups(classes)
        let twoSample: Bool = [.mannWhitney, .welch, .student].contains(test)
        if twoSample && groups.labels.count != 2 {
            throw SelectionError.invalidInput(
                "univariate screen: \(test.rawValue) compares 2 classes, got \(groups.labels.count) (use kruskalWallis or anova)")
        }
        if groups.labels.count < 2 {
            throw SelectionError.invalidInput("univariate screen: the outcome has a single class (\(groups.labels))")
        }
        let p = columns.count
        // Columns are tested side by side on `threads` threads; a failure reports the first
        // failing column, whatever the thread count.
        let pValues = try ParallelLoop.map(count: p, threads: threads) { j -> Double in
            let column = columns[j]
            if column.allSatisfy({ $0 == column[0] }) { return .nan }
            do {
                if test == .kruskalWallis, let ranks { return try KruskalWallis.test(ranks: ranks[j], members: groups.rows).pValue }
                let samples = groups.rows.map { $0.map { column[$0] } }
                return
                    switch test
                {
                case .kruskalWallis: try KruskalWallis.test(samples).pValue
                case .anova: try OneWayANOVA.test(samples).pValue
                case .mannWhitney: try MannWhitneyU.test(samples[0], samples[1]).pValue
                case .welch: try TTest.welch(samples[0], samples[1]).pValue
                case .student: try TTest.student(samples[0], samples[1]).pValue
                }
            } catch let error as StatsError {
                throw SelectionError.invalidInput("univariate screen, column \(j): \(error.description)")
            }
        }
        let tested = pValues.indices.filter { !pValues[$0].isNaN }
        var qValues = [Double](repeating: .nan, count: p)
        let adjusted = try PValueAdjustment.adjust(tested.map { pValues[$0] }, method: .benjaminiHochberg)
        for (j, q) in zip(tested, adjusted) { qValues[j] = q }
        self.test = test
        self.alpha = alpha
        self.pValues = pValues
        self.qValues = qValues
        self.decisions = (0..<p).map { j in
            if pValues[j].isNaN { return FeatureDecision(feature: j, kept: false, reason: .constant, statistic: nil) }
            let keep = qValues[j] < alpha
            return FeatureDecision(feature: j, kept: keep, reason: keep ? .kept : .notSignificant, statistic: qValues[j])
        }
    }
}
