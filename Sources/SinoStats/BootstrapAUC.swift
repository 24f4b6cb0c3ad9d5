import SinoData
import SinoRandom

/// Seeded bootstrap confidence intervals and paired tests for AUCs.
///
/// Binary problems follow pROC 1.18 (`boot.stratified = TRUE`): cases and controls are
/// resampled separately. Multiclass models are resampled stratified by class, so every
/// class keeps its size and every defined one-vs-rest AUC stays defined.
///
///     let ci = try BootstrapAUC.confidenceInterval(scores: s100b, isCase: poor, options: .init(seed: 7))
///     ci.value?.lower
public enum BootstrapAUC {
    /// pROC's `ci.auc(method = "bootstrap", boot.stratified = TRUE)` for one binary AUC.
    /// - Parameters:
    ///   - scores: one score per patient; a higher score means more likely a case.
    ///   - isCase: true for a case, one per score.
    ///   - options: replicates, confidence level and seed (pROC's `boot.n`, `conf.level`).
    /// - Returns: the AUC with its percentile interval, or `.undefined` without a case or a control.
    /// - Throws: `StatsError.invalidInput` when the counts differ or a score is not finite, fewer than 2
    ///   replicates, or a confidence level outside (0, 1).
    public static func confidenceInterval(
        scores: [Double], isCase: [Bool],
        options: BootstrapOptions = .init()
    ) throws -> AUCOutcome<BootstrapInterval> {
        try ROCInput.requireScores(scores, matching: isCase)
        try validate(options)
        if let reason = binaryUndefinedReason(isCase) { return .undefined(reason: reason) }
        let auc = PresortedAUC(scores: scores, isCase: isCase, owners: Array(scores.indices))
        let (values, _, observed) = replicate(strata: binaryStrata(isCase), options: options) { weights in
            SIMD2(auc.auc(weights: weights), 0)
        }
        return .defined(try interval(observed.x, values, options))
    }

    /// pROC's `roc.test(method = "bootstrap", paired = TRUE, boot.stratified = TRUE)`: two
    /// models' scores on the same patients, both evaluated on each resample.
    /// - Parameters:
    ///   - scores1: the first model's score per patient (higher = more likely a case).
    ///   - scores2: the second model's score for the same patients, in the same order.
    ///   - isCase: true for a case, one per patient.
    ///   - options: replicates, confidence level and seed.
    /// - Returns: AUC1 - AUC2 with D = difference / sd of the replicate differences, its two-sided
    ///   normal p-value and the percentile interval of the difference; `.undefined` without a case
    ///   or a control.
    /// - Throws: `StatsError.invalidInput` when a score list does not match `isCase` or holds a
    ///   non-finite value, fewer than 2 replicates, or a level outside (0, 1).
    public static func pairedTest(
        scores1: [Double], scores2: [Double], isCase: [Bool],
        options: BootstrapOptions = .init()
    ) throws -> AUCOutcome<BootstrapPairedTest> {
        try ROCInput.requireScores(scores1, matching: isCase, "scores1")
        try ROCInput.requireScores(scores2, matching: isCase, "scores2")
        try validate(options)
        if let reason = binaryUndefinedReason(isCase) { return .undefined(reason: reason) }
        let owners = Array(isCase.indices)
        let first = PresortedAUC(scores: scores1, isCase: isCase, owners: owners)
        let second = PresortedAUC(scores: scores2, isCase: isCase, owners: owners)
        let (a, b, observed) = replicate(strata: binaryStrata(isCase), options: options) { weights in
            SIMD2(first.auc(weights: weights), second.auc(weights: weights))
        }
        return .defined(try pairedTest(observed, a, b, options))
    }

    /// Percentile intervals of the macro and micro one-vs-rest AUCs, patients resampled
    /// within their class. `.undefined` when fewer than two classes are present.
    /// - Parameters:
    ///   - labels: true class of each patient, in 0..<classCount.
    ///   - scores: one row per patient, one score per class (column k scores class k).
    ///   - classCount: K, the number of classes.
    ///   - options: replicates, confidence level and seed.
    /// - Returns: the macro (mean of per-class AUCs) and micro (pooled) AUCs with percentile
    ///   intervals, naming the classes without patients; `.undefined` with fewer than two classes
    ///   present.
    /// - Throws: `StatsError.invalidInput` for labels outside 0..<classCount, a score matrix of the
    ///   wrong shape, fewer than 2 replicates, or a level outside (0, 1).
    public static func multiclassInterval(
        labels: [Int], scores: [[Double]], classCount: Int,
        options: BootstrapOptions = .init()
    ) throws -> AUCOutcome<MulticlassBootstrapInterval> {
        try MulticlassInput.validate(labels: labels, scores: scores, classCount: classCount)
        try validate(options)
        let defined = definedClasses(labels, classCount)
        guard defined.count >= 2 else { return .undefined(reason: multiclassReason(defined)) }
        let model = PresortedMulticlassAUC(labels: labels, scores: scores, definedClasses: defined)
        let (macro, micro, observed) = replicate(strata: classStrata(labels, classCount), options: options) { weights in
            SIMD2(model.macro(weights: weights), model.micro(weights: weights))
        }
        return .defined(
            MulticlassBootstrapInterval(
                macro: try interval(observed.x, macro, options), micro: try interval(observed.y, micro, options),
                undefinedClasses: (0..<classCount).filter { !defined.contains($0) }))
    }

    /// Paired test of macro-AUC(model 1) - macro-AUC(model 2) on the same patients: each
    /// resample (stratified by class) scores both models, then D and p as pROC's bootstrap
    /// `roc.test`, and the percentile interval of the difference.
    /// - Parameters:
    ///   - labels: true class of each patient, in 0..<classCount.
    ///   - scores1: the first model's scores, one row per patient, one column per class.
    ///   - scores2: the second model's scores for the same patients, in the same order.
    ///   - classCount: K, the number of classes.
    ///   - options: replicates, confidence level and seed.
    /// - Returns: macro-AUC1 - macro-AUC2 with D, its two-sided normal p-value and the percentile
    ///   interval of the difference; `.undefined` with fewer than two classes present.
    /// - Throws: `StatsError.invalidInput` for labels outside 0..<classCount, a score matrix of the
    ///   wrong shape, fewer than 2 replicates, or a level outside (0, 1).
    public static func pairedMacroTest(
        labels: [Int], scores1: [[Double]], scores2: [[Double]], classCount: Int,
        options: BootstrapOptions = .init()
    ) throws -> AUCOutcome<BootstrapPairedTest> {
        try MulticlassInput.validate(labels: labels, scores: scores1, classCount: classCount)
        try MulticlassInput.validate(labels: labels, scores: scores2, classCount: classCount)
        try validate(options)
        let defined = definedClasses(labels, classCount)
        guard defined.count >= 2 else { return .undefined(reason: multiclassReason(defined)) }
        let first = PresortedMulticlassAUC(labels: labels, scores: scores1, definedClasses: defined)
        let second = PresortedMulticlassAUC(labels: labels, scores: scores2, definedClasses: defined)
        let (a, b, observed) = replicate(strata: classStrata(labels, classCount), options: options) { weights in
            SIMD2(first.macro(weights: weights), second.macro(weights: weights))
        }
        return .defined(try pairedTest(observed, a, b, options))
    }
}

// MARK: - The replicate loop and its summaries

extension BootstrapAUC {
    /// Runs `options.replicates` stratified resamples; `statistic` maps the multiplicities of
    /// the items to two numbers. Also returns the statistic with every weight 1 (the
    /// original data).
    static func replicate(
        strata: [[Int]], options: BootstrapOptions,
        _ statistic: ([Double]) -> SIMD2<Double>
    ) -> ([Double], [Double], SIMD2<Double>) {
        let itemCount = strata.reduce(0) { $0 + $1.count }
        let observed = statistic([Double](repeating: 1, count: itemCount))
        var generator = SeededGenerator(seed: options.seed)
        var resampler = StratifiedResampler(strata: strata, itemCount: itemCount)
        var first = [Double](repeating: 0, count: options.replicates)
        var second = first
        for r in 0..<options.replicates {
            resampler.draw(using: &generator)
            let value = statistic(resampler.counts)
            first[r] = value.x
            second[r] = value.y
        }
        return (first, second, observed)
    }

    static func interval(_ estimate: Double, _ replicates: [Double], _ options: BootstrapOptions) throws -> BootstrapInterval {
        let alpha = 1 - options.confidenceLevel
        let q = try Descriptives.quantiles(replicates, [alpha / 2, 0.5, 1 - alpha / 2], method: .type7)
        return BootstrapInterval(
            estimate: estimate, lower: q[0], median: q[1], upper: q[2],
            standardDeviation: try Descriptives.standardDeviation(replicates), options: options)
    }

    /// pROC's `bootstrap.test`: D = (AUC1 - AUC2) / sd(diffs); 0 when the curves agree on
    /// every resample (its `is.nan(D) && all(diffs == 0)` case).
    static func pairedTest(
        _ observed: SIMD2<Double>, _ first: [Double], _ second: [Double],
        _ options: BootstrapOptions
    ) throws -> BootstrapPairedTest {
        let differences = zip(first, second).map { $0 - $1 }
        let difference = observed.x - observed.y
        let sd = try Descriptives.standardDeviation(differences)
        let statistic = difference == 0 && sd == 0 ? 0 : difference / sd
        let percentile = try interval(difference, differences, options)
        return BootstrapPairedTest(
            estimate1: observed.x, estimate2: observed.y, difference: difference, standardDeviation: sd,
            statistic: statistic, pValue: Distributions.normalTwoSidedP(statistic),
            lower: percentile.lower, upper: percentile.upper, options: options)
    }
}

// MARK: - Strata and checks

extension BootstrapAUC {
    static func binaryStrata(_ isCase: [Bool]) -> [[Int]] {
        [isCase.indices.filter { isCase[$0] }, isCase.indices.filter { !isCase[$0] }]
    }

    static func classStrata(_ labels: [Int], _ classCount: Int) -> [[Int]] {
        (0..<classCount).map { k in labels.indices.filter { labels[$0] == k } }.filter { !$0.isEmpty }
    }

    /// Classes with at least one case and one control.
    static func definedClasses(_ labels: [Int], _ classCount: Int) -> [Int] {
        (0..<classCount).filter { k in labels.contains(k) && labels.contains { $0 != k } }
    }

    static func binaryUndefinedReason(_ isCase: [Bool]) -> String? {
        let cases = isCase.lazy.filter { $0 }.count
        return ROCInput.undefinedReason(cases: cases, controls: isCase.count - cases)
    }

    static func multiclassReason(_ defined: [Int]) -> String {
        "a multiclass bootstrap needs at least two classes present; got \(defined.count) class(es) with cases and controls"
    }

    static func validate(_ options: BootstrapOptions) throws {
        guard options.replicates >= 2 else {
            throw StatsError.invalidInput("a bootstrap needs at least 2 replicates, got \(options.replicates)")
        }
        try DeLong.requireLevel(options.confidenceLevel)
    }
}
