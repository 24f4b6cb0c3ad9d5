import Foundation

/// Node impurity from weighted class counts (sklearn `_criterion.pyx`: Gini, Entropy).
///
/// Counts are sums of sample weights per class (class weight x bootstrap multiplicity).
struct ImpurityCriterion: Sendable {
    let kind: SplitCriterion

    /// Gini: 1 - sum (c_k / w)^2; entropy: -sum (c_k / w) log2 (c_k / w); 0 for an empty node.
    func impurity(_ counts: UnsafeBufferPointer<Double>, total: Double) -> Double {
        guard total > 0 else { return 0 }
        switch kind {
        case .gini:
            var squares = 0.0
            for c in counts { squares += c * c }
            return 1 - squares / (total * total)
        case .entropy:
            var entropy = 0.0
            for c in counts where c > 0 {
                let p = c / total
                entropy -= p * log2(p)
            }
            return entropy
        }
    }

    func impurity(_ counts: [Double]) -> Double {
        counts.withUnsafeBufferPointer { impurity($0, total: $0.reduce(0, +)) }
    }

    /// The quantity the splitters maximise: -(w_L * impurity_L + w_R * impurity_R).
    /// It orders splits of one node as sklearn's impurity_improvement does (same parent
    /// terms dropped), like sklearn's proxy_impurity_improvement.
    func proxyImprovement(
        left: UnsafeBufferPointer<Double>, leftWeight: Double,
        right: UnsafeBufferPointer<Double>, rightWeight: Double
    ) -> Double {
        -(leftWeight * impurity(left, total: leftWeight) + rightWeight * impurity(right, total: rightWeight))
    }

    /// sklearn's impurity_improvement: (w / W) * (i - w_L / w * i_L - w_R / w * i_R), W the
    /// root weight. Used for the MDI importances.
    static func improvement(
        weight: Double, impurity: Double, leftWeight: Double, leftImpurity: Double,
        rightWeight: Double, rightImpurity: Double
    ) -> Double {
        weight * impurity - leftWeight * leftImpurity - rightWeight * rightImpurity
    }
}
