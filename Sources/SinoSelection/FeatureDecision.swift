/// Why a training-cohort filter kept or dropped a feature.
public enum FilterReason: String, Codable, Sendable, CaseIterable {
    /// Passed the filter.
    case kept
    /// Standardised with a scale of 1 because the column is constant (as sklearn).
    case constantScaledByOne
    /// Only one distinct value (caret's `zeroVar`).
    case zeroVariance
    /// caret's near-zero variance: frequency ratio above `freqCut` and percent unique at most
    /// `uniqueCut`.
    case nearZeroVariance
    /// Every value equal, so the test statistic is undefined; not tested, not kept.
    case constant
    /// Benjamini-Hochberg q at or above alpha.
    case notSignificant
    /// |r| above the threshold with a more relevant feature that was kept.
    case redundant
    /// ICC between two segmentations below the threshold (or undefined).
    case unstable
    /// Not among the features mRMR picked.
    case notSelected
    /// A zero LASSO coefficient (in every class) at the chosen lambda.
    case zeroCoefficient
}

/// One feature's fate in a filter: kept or dropped, why, and the number the decision rests on.
public struct FeatureDecision: Codable, Sendable, Equatable {
    /// Column index in the filter's input.
    public let feature: Int
    public let kept: Bool
    public let reason: FilterReason
    /// The statistic behind the decision: the scale (standardiser), the frequency ratio
    /// (variance filter), q (univariate screen), |r| with `partner` (redundancy filter); nil
    /// when there is none.
    public let statistic: Double?
    /// The feature that made this one redundant (redundancy filter only).
    public let partner: Int?

    public init(feature: Int, kept: Bool, reason: FilterReason, statistic: Double?, partner: Int? = nil) {
        self.feature = feature
        self.kept = kept
        self.reason = reason
        self.statistic = statistic
        self.partner = partner
    }
}
