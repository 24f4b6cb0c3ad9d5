/// Which split rule a forest's trees use (sklearn: splitter="random" vs "best"): what
/// `ForestKind` stands for in training and in the model file.
enum ForestSplitter: String, Sendable, Codable {
    case random
    case best
}

/// The hyper-parameters of a forest, gathered from `ForestClassifier`'s stored properties for
/// training and for the model file.
struct ForestSettings: Sendable, Equatable, Codable {
    var splitter: ForestSplitter
    var nEstimators: Int
    var criterion: SplitCriterion
    var maxFeatures: MaxFeatures
    var maxDepth: Int?
    var minSamplesSplit: Int
    var minSamplesLeaf: Int
    var classWeight: ClassWeight
    var bootstrap: Bool
    var oobScore: Bool
    var seed: UInt64

    /// sklearn's _parameter_constraints, checked before fitting.
    func validate() throws {
        func fail(_ name: String, _ value: Any, _ expected: String) -> ForestError {
            .invalidHyperParameter(name: name, value: "\(value)", expected: expected)
        }
        guard nEstimators >= 1 else { throw fail("nEstimators", nEstimators, "at least 1") }
        if let maxDepth, maxDepth < 1 { throw fail("maxDepth", maxDepth, "at least 1, or nil for unlimited") }
        guard minSamplesSplit >= 2 else { throw fail("minSamplesSplit", minSamplesSplit, "at least 2") }
        guard minSamplesLeaf >= 1 else { throw fail("minSamplesLeaf", minSamplesLeaf, "at least 1") }
        guard !oobScore || bootstrap else {
            throw fail("oobScore", oobScore, "false unless bootstrap is true (sklearn: out-of-bag estimation is only available if bootstrap=True)")
        }
    }
}
