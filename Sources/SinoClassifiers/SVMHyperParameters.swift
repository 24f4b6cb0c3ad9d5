/// The kernel of a support vector classifier (sklearn SVC's `kernel`; libsvm's `kernel_type`).
public enum SVMKernel: String, Sendable, Codable, CaseIterable {
    /// u'v.
    case linear
    /// (gamma u'v + coef0)^degree.
    case poly
    /// exp(-gamma |u - v|^2): sklearn's default.
    case rbf
    /// tanh(gamma u'v + coef0).
    case sigmoid

    /// libsvm's `kernel_type` constant.
    var libsvmType: Int32 {
        switch self {
        case .linear: 0 // LINEAR
        case .poly: 1 // POLY
        case .rbf: 2 // RBF
        case .sigmoid: 3 // SIGMOID
        }
    }
}

/// The kernel coefficient (sklearn SVC's `gamma`).
public enum SVMGamma: Sendable, Equatable {
    /// 1 / (p * X.var()), X.var() the population variance of every entry of the training
    /// matrix (1 when it is 0): sklearn's default since 0.22.
    case scale
    /// 1 / p.
    case auto
    /// This value, >= 0.
    case value(Double)
}

/// Per-class weights multiplying C (sklearn SVC's `class_weight`; libsvm's `weight`).
public enum SVMClassWeight: Sendable, Equatable {
    /// Every class has weight 1 (sklearn's None).
    case none
    /// n / (K * n_k), K the number of classes present in y (sklearn's
    /// `compute_class_weight("balanced")`).
    case balanced
    /// One positive weight per class index 0..<classCount (sklearn's dict {class: weight}).
    case perClass([Double])
}

/// The shape of `decisionFunction` for more than two classes (sklearn SVC's
/// `decision_function_shape`).
public enum DecisionFunctionShape: String, Sendable, Codable {
    /// One column per class from the one-vs-one values (sklearn's `_ovr_decision_function`):
    /// the default.
    case ovr
    /// libsvm's one-vs-one values, one column per pair (0, 1), (0, 2), ..., (1, 2), ...
    case ovo
}
