import Foundation

/// Bounds on the log-probability of the most and least likely completions below a node of
/// `FisherFreemanHaltonNetwork`: the remaining rows R (sum m) and columns C form a sub-table
/// whose completion x has log-probability
///     F(x) = sum_i log R_i! + sum_j log C_j! - log m! - sum_ij log x_ij!.
/// Both bounds are valid (never tighter than the truth), so a subtree they settle is settled
/// exactly; looser bounds only mean more expansion.
struct FutureBounds {
    /// >= the largest F (the "longest path").
    let longest: Double
    /// <= the smallest F (the "shortest path").
    let shortest: Double

    /// Slack for rounding in the bounds themselves, far below R's 1e-7 tie tolerance.
    static let roundingSlack = 1e-9

    init(rows: [Int], columns: [Int], logFactorials lf: LogFactorials) {
        let m = rows.reduce(0, +)
        let marginTerms = (rows + columns).reduce(0.0) { $0 + lf[$1] } - lf[m]
        longest =
            marginTerms
            - Self.lagrangianMinimumOfCellTerms(rows: rows, columns: columns, lf) + Self.roundingSlack
        let largestCellTerms = min(
            Self.concentratedCellTerms(totals: columns, capacities: rows, lf),
            Self.concentratedCellTerms(totals: rows, capacities: columns, lf))
        shortest = marginTerms - largestCellTerms - Self.roundingSlack
    }

    /// A lower bound on min sum_ij log x_ij! over tables with margins R, C, by Lagrangian
    /// duality: for any multipliers u_i + v_j = a_ij,
    ///     min sum_ij log x_ij! >= sum_ij min_x (log x! - a_ij x) + sum_i u_i R_i + sum_j v_j C_j.
    /// With u_i = log(R_i / m) and v_j = log C_j, a_ij = log of the expected count, where the
    /// most likely tables sit, so the bound is close. Each cell's minimum over integers is at
    /// x = floor(exp(a)) (log x! - a x falls while log x < a), capped by min(R_i, C_j).
    static func lagrangianMinimumOfCellTerms(rows: [Int], columns: [Int], _ lf: LogFactorials)
        -> Double
    {
        let m = Double(rows.reduce(0, +))
        let v = columns.map { $0 > 0 ? log(Double($0)) : 0 }
        var bound = zip(columns, v).reduce(0.0) { $0 + Double($1.0) * $1.1 }
        for r in rows where r > 0 {
            let u = log(Double(r) / m)
            bound += u * Double(r)
            for (c, vj) in zip(columns, v) where c > 0 {
                let a = u + vj
                let x = min(Double(min(r, c)), max(0, exp(a).rounded(.down)))
                bound += lf[Int(x)] - a * x
            }
        }
        return bound
    }

    /// An upper bound on max sum_ij log x_ij!: relax one margin, then each total is placed
    /// greedily into the largest capacities first. log x! is convex and superadditive, and
    /// the greedy vector majorizes every feasible one, so the greedy sum is each total's
    /// exact maximum once the other margin is relaxed.
    static func concentratedCellTerms(totals: [Int], capacities: [Int], _ lf: LogFactorials)
        -> Double
    {
        let descending = capacities.sorted(by: >)
        var sum = 0.0
        for total in totals {
            var left = total
            for capacity in descending where left > 0 {
                let x = min(left, capacity)
                sum += lf[x]
                left -= x
            }
        }
        return sum
    }
}
