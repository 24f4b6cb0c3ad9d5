import Foundation
import SinoData
import SinoRandom

/// Random two-way tables with fixed margins, uniformly over the hypergeometric (Fisher)
/// distribution, by Patefield's algorithm (Applied Statistics AS 159, 1981), which R's
/// `r2dtable` and `fisher.test(simulate.p.value = TRUE)` use.
///
/// Cells are drawn row by row: given the cells already drawn, cell (l, m) is hypergeometric,
/// P(x) = C(d, x) C(e - d, a - x) / C(e, a), with a = what row l still needs, d = what column m
/// still needs and e = the total still to place in columns m... . As in AS 159 it is drawn by
/// inversion, searching outward from the expected value a d / e with the pmf ratio
/// recursion. R's random stream is not reproduced; the distribution is the same.
struct PatefieldTableSampler {
    let rowTotals: [Int]
    let columnTotals: [Int]
    let logFactorials: LogFactorials
    private var random: SeededGenerator

    init(rowTotals: [Int], columnTotals: [Int], logFactorials: LogFactorials, seed: UInt64) {
        self.rowTotals = rowTotals
        self.columnTotals = columnTotals
        self.logFactorials = logFactorials
        random = SeededGenerator(seed: seed)
    }

    /// Draws one table and returns R's statistic for it, -sum(log n_ij!).
    mutating func nextStatistic() -> Double {
        var columnNeeds = columnTotals
        var statistic = 0.0
        var stillToPlace = rowTotals.reduce(0, +) // in rows l... (all columns)
        for l in 0..<(rowTotals.count - 1) {
            var rowNeeds = rowTotals[l]
            var columnsLeftTotal = stillToPlace // e: in rows l..., columns m...
            for m in 0..<(columnTotals.count - 1) where rowNeeds > 0 {
                let x = drawCell(
                    rowNeeds: rowNeeds, columnNeeds: columnNeeds[m],
                    total: columnsLeftTotal)
                columnsLeftTotal -= columnNeeds[m]
                columnNeeds[m] -= x
                rowNeeds -= x
                statistic -= logFactorials[x]
            }
            // The last column takes what row l still needs.
            columnNeeds[columnTotals.count - 1] -= rowNeeds
            statistic -= logFactorials[rowNeeds]
            stillToPlace -= rowTotals[l]
        }
        // The last row takes what every column still needs.
        return columnNeeds.reduce(statistic) { $0 - logFactorials[$1] }
    }

    /// One hypergeometric draw: `rowNeeds` items out of `total`, of which `columnNeeds` belong
    /// to this column; returns how many do.
    private mutating func drawCell(rowNeeds a: Int, columnNeeds d: Int, total e: Int) -> Int {
        let low = max(0, a + d - e), high = min(a, d)
        if low == high { return low }
        let start = min(high, max(low, Int((Double(a) * Double(d) / Double(e) + 0.5).rounded(.down))))
        let lf = logFactorials
        let startP = exp(lf.logChoose(d, start) + lf.logChoose(e - d, a - start) - lf.logChoose(e, a))
        var u = random.nextUniform()
        while true {
            if let x = searchOutward(
                from: start, startP: startP, low: low, high: high, a: a, d: d,
                e: e, u: &u)
            {
                return x
            }
            // Rounding left the summed pmf just short of u: redraw, as AS 159 does.
            u = random.nextUniform()
        }
    }

    /// Accumulates the pmf outward from `start`, alternating up and down, until it reaches u;
    /// nil when the whole support summed to less than u (rounding), with u rescaled.
    private func searchOutward(
        from start: Int, startP: Double, low: Int, high: Int,
        a: Int, d: Int, e: Int, u: inout Double
    ) -> Int? {
        var cumulative = startP
        if u <= cumulative { return start }
        var up = start, upP = startP, down = start, downP = startP
        let (da, dd, de) = (Double(a), Double(d), Double(e))
        while up < high || down > low {
            if up < high {
                let k = Double(up)
                upP *= (dd - k) * (da - k) / ((k + 1) * (de - dd - da + k + 1))
                up += 1
                cumulative += upP
                if u <= cumulative { return up }
            }
            if down > low {
                let k = Double(down)
                downP *= k * (de - dd - da + k) / ((dd - k + 1) * (da - k + 1))
                down -= 1
                cumulative += downP
                if u <= cumulative { return down }
            }
        }
        return nil
    }
}

extension SeededGenerator {
    /// Uniform on (0, 1]: 53 random bits, never 0 so an inversion search always stops.
    mutating func nextUniform() -> Double {
        Double((next() >> 11) + 1) * 0x1.0p-53
    }
}
