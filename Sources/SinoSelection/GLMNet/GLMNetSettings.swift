/// The outcome models of R glmnet 4.1 that radiomics studies use.
public enum GLMNetFamily: Equatable, Sendable {
    /// Two classes: the model is the log-odds of class 1 (R: of the second factor level).
    case binomial
    /// K classes, one coefficient vector per class. `grouped` is glmnet's
    /// `type.multinomial = "grouped"` (a group-lasso penalty on each variable's K coefficients,
    /// so a variable is in or out for every class at once); otherwise "ungrouped".
    case multinomial(grouped: Bool)
}

/// glmnet's arguments, with R glmnet 4.1's defaults (`glmnet()` and `glmnet.control()`).
public struct GLMNetSettings: Equatable, Sendable {
    /// The elastic-net mixing: 1 is the lasso, 0 ridge.
    public var alpha: Double = 1
    /// Number of lambda values when the path is built from the data.
    public var lambdaCount: Int = 100
    /// Smallest lambda as a fraction of lambda_max; nil: glmnet's rule, 0.01 when there are fewer
    /// observations than variables, else 1e-4 (decided on the rows actually fitted: a CV fold
    /// can use the other ratio).
    public var lambdaMinRatio: Double?
    /// A user lambda sequence (sorted decreasing and used as given: no early stop, no fix.lam).
    public var lambda: [Double]?
    /// Standardise each variable to unit (1/n) variance before fitting; coefficients are
    /// returned on the original scale either way.
    public var standardize = true
    public var intercept = true
    /// Convergence threshold of the coordinate descent, relative to the null deviance.
    public var threshold = 1e-7
    /// Maximum number of coordinate passes over all lambdas.
    public var maxPasses = 100_000
    /// Per-variable penalty factors (rescaled to sum to the number of variables); nil: all 1.
    public var penaltyFactor: [Double]?
    /// Stop the path once more than this many variables are nonzero; nil: glmnet's nvars + 1.
    public var dfmax: Int?

    public init() {}

    /// glmnet.control()'s internal constants.
    static let fdev = 1e-5
    static let eps = 1e-6
    static let big = 9.9e35
    static let mnlam = 5
    static let devmax = 0.999
    static let pmin = 1e-9
    static let exmx = 250.0
}
