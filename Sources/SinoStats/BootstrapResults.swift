/// Settings of a bootstrap, with pROC's defaults (`boot.n = 2000`, `conf.level = 0.95`).
public struct BootstrapOptions: Codable, Sendable, Equatable {
    public var replicates: Int
    public var confidenceLevel: Double
    /// Same seed, same replicates, same numbers (SinoData's xoshiro256** generator).
    public var seed: UInt64

    /// Settings of a stratified bootstrap (pROC's defaults: 2000 replicates, 95%).
    ///
    /// - Parameters:
    ///   - replicates: resamples drawn (pROC `boot.n`); at least 2, checked when used.
    ///   - confidenceLevel: coverage of the percentile intervals, strictly between 0 and 1,
    ///     checked when used.
    ///   - seed: seed of the random stream, so a run is reproducible.
    public init(replicates: Int = 2000, confidenceLevel: Double = 0.95, seed: UInt64 = 1) {
        self.replicates = replicates
        self.confidenceLevel = confidenceLevel
        self.seed = seed
    }
}

/// A percentile bootstrap interval: R type-7 quantiles of the replicates at (1 - level) / 2,
/// 0.5 and 1 - (1 - level) / 2, as pROC's `ci.auc(method = "bootstrap")`.
public struct BootstrapInterval: Codable, Sendable, Equatable {
    /// The statistic on the original data.
    public let estimate: Double
    public let lower: Double
    /// Median of the replicates (the middle value pROC's interval carries).
    public let median: Double
    public let upper: Double
    /// Sample standard deviation of the replicates (the bootstrap standard error).
    public let standardDeviation: Double
    public let options: BootstrapOptions
}

/// A paired bootstrap test of statistic1 - statistic2 (both computed on every resample), as
/// pROC's `roc.test(method = "bootstrap", paired = TRUE)`: D = observed difference / sd of
/// the resampled differences, two-sided p = 2 Phi(-|D|); plus the percentile interval of the
/// difference (which pROC does not report).
public struct BootstrapPairedTest: Codable, Sendable, Equatable {
    public let estimate1: Double
    public let estimate2: Double
    /// estimate1 - estimate2.
    public let difference: Double
    /// Sample standard deviation of the resampled differences.
    public let standardDeviation: Double
    /// pROC's D statistic.
    public let statistic: Double
    public let pValue: Double
    /// Percentile interval of the difference.
    public let lower: Double
    public let upper: Double
    public let options: BootstrapOptions
}

/// Bootstrap intervals of a multiclass model's macro and micro one-vs-rest AUCs.
public struct MulticlassBootstrapInterval: Codable, Sendable, Equatable {
    public let macro: BootstrapInterval
    public let micro: BootstrapInterval
    /// Classes left out of the macro average (no cases or no controls), as in `MulticlassAUC`.
    public let undefinedClasses: [Int]
}
