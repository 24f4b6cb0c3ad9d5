/// What went wrong in SinoForest, with messages that say what was expected.
public enum ForestError: Error, CustomStringConvertible, Equatable {
    /// Bad training or prediction input: `what` names the argument, `expected` what it must be.
    case invalidInput(what: String, expected: String)
    /// A hyper-parameter outside its domain (sklearn's `_parameter_constraints`).
    case invalidHyperParameter(name: String, value: String, expected: String)
    /// predict / importances / save called before fit.
    case notFitted(String)
    /// A model file that is not one SinoForest can read.
    case unreadableModelFile(path: String, problem: String)

    public var description: String {
        switch self {
        case .invalidInput(let what, let expected):
            return "invalid \(what): expected \(expected)"
        case .invalidHyperParameter(let name, let value, let expected):
            return "invalid hyper-parameter \(name) = \(value): expected \(expected)"
        case .notFitted(let model):
            return "\(model) is not fitted: call fit(x:y:classCount:) first"
        case .unreadableModelFile(let path, let problem):
            return "cannot read forest model file \(path): \(problem)"
        }
    }
}
