/// Errors a statistical routine raises when its input or its numerics cannot give an answer.
/// Messages are written for the user: they say what was wrong and what to do instead.
public enum StatsError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The input cannot be analysed as given (too few groups, negative counts, NaN, ...).
    case invalidInput(String)
    /// An exact computation would exceed its limits; the message suggests the alternative.
    case tooLarge(String)
    /// An iterative fit stopped before converging.
    case notConverged(String)
    /// A matrix that must be inverted is singular or not positive definite.
    case singular(String)
    /// The outcome is perfectly (or quasi-perfectly) predicted; estimates diverge.
    case separation(String)

    public var description: String {
        switch self {
        case .invalidInput(let m), .tooLarge(let m), .notConverged(let m), .singular(let m),
            .separation(let m):
            return m
        }
    }
}
