/// log(k!) for k = 0...n, looked up from a table built once per test.
///
/// Exact tests compare probabilities that differ by a relative 1e-7 (R's tie rule), so each
/// entry comes from GSL's `gsl_sf_lnfact` (exact table below 171, accurate lgamma above)
/// rather than a running sum of log i whose rounding would grow with k.
struct LogFactorials: Sendable {
    private let values: [Double]

    init(upTo n: Int) {
        values = (0...max(n, 1)).map { Distributions.logFactorial($0) }
    }

    @inline(__always) subscript(k: Int) -> Double { values[k] }

    /// log C(n, k).
    @inline(__always) func logChoose(_ n: Int, _ k: Int) -> Double {
        values[n] - values[k] - values[n - k]
    }
}

/// A sum of many positive terms with Neumaier's compensation, so an exact p-value built
/// from millions of table probabilities keeps ~1e-15 relative accuracy.
struct CompensatedSum {
    private(set) var sum = 0.0
    private var compensation = 0.0

    mutating func add(_ x: Double) {
        let t = sum + x
        compensation += abs(sum) >= abs(x) ? (sum - t) + x : (x - t) + sum
        sum = t
    }

    var value: Double { sum + compensation }
}
