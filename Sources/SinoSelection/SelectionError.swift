/// Problems a user can cause in feature selection: the message says what was given and what
/// was expected.
public enum SelectionError: Error, CustomStringConvertible, Equatable, Sendable {
    /// Input of the wrong shape or with impossible values.
    case invalidInput(String)
    /// A fit that cannot go on (a class without observations, a path that ends at once).
    case fitFailed(String)

    public var description: String {
        switch self {
        case .invalidInput(let m), .fitFailed(let m): return m
        }
    }
}
