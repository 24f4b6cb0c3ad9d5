extension IntraclassCorrelation {
    /// The reliability screen of a radiomics study: features extracted from two
    /// segmentations (two readers, or one reader twice) of the same cases.
    public struct FeatureStability: Codable, Sendable, Equatable {
        /// The form used (default ICC(C,1), pingouin's ICC3).
        public let form: Form
        public let threshold: Double
        /// ICC per feature column; NaN where it is undefined (a feature constant in both
        /// segmentations).
        public let icc: [Double]
        /// Columns with ICC >= threshold, in column order.
        public let kept: [Int]
    }

    /// ICC per feature between two segmentations (k = 2 raters: each feature column is an
    /// n x 2 table of the two extractions) and the features with ICC >= `threshold`.
    /// - Parameters:
    ///   - first: features from the first segmentation, one row per case.
    ///   - second: the same features, same cases and order, from the second segmentation.
    ///   - form: the ICC form (default `.icc3`, two-way mixed, consistency, single rater).
    ///   - threshold: the least ICC kept (default 0.75, "good" reliability by Koo & Li 2016).
    /// - Returns: every feature's ICC and the kept columns; an undefined ICC is not kept.
    /// - Throws: `SelectionError.invalidInput` for tables of different shapes, fewer than 2
    ///   cases, a ragged table or a non-finite value.
    public static func stableFeatures(
        first: [[Double]], second: [[Double]], form: Form = .icc3, threshold: Double = 0.75
    ) throws -> FeatureStability {
        let p = try FeatureMatrix.columnCount(first, minimumRows: 2, what: "ICC first segmentation")
        let q = try FeatureMatrix.columnCount(second, minimumRows: 2, what: "ICC second segmentation")
        guard first.count == second.count, p == q else {
            throw SelectionError.invalidInput(
                "ICC: the segmentations' tables differ in shape (\(first.count) x \(p) and "
                    + "\(second.count) x \(q)); the same cases and features are needed")
        }
        var icc: [Double] = []
        for j in 0..<p {
            let table = zip(first, second).map { [$0[j], $1[j]] }
            if table.joined().allSatisfy({ $0 == table[0][0] }) {
                icc.append(.nan)
                continue
            }
            icc.append(try compute(table)[form].value)
        }
        let kept = icc.indices.filter { icc[$0] >= threshold }
        return FeatureStability(form: form, threshold: threshold, icc: icc, kept: kept)
    }
}
