import Foundation

/// Axis tick values at "nice" round numbers (steps of 1, 2 or 5 × 10ⁿ), following Heckbert,
/// "Nice numbers for graph labels", Graphics Gems (1990).
///
///     NiceTicks(range: 0...1).values   // [0, 0.2, 0.4, 0.6, 0.8, 1]
struct NiceTicks {
    let step: Double
    let values: [Double]

    /// Ticks inside `range` (never outside: the axis keeps the range it was given),
    /// aiming at about `targetCount` intervals.
    init(range: ClosedRange<Double>, targetCount: Int = 5) {
        let span = Self.niceNumber(range.upperBound - range.lowerBound, rounding: false)
        let step = Self.niceNumber(span / Double(max(targetCount, 1)), rounding: true)
        // Small tolerance so 0.1 + 0.1 + ... still lands on an upper bound of 1.
        let tolerance = step * 1e-9
        let first = (range.lowerBound / step - 1e-9).rounded(.up)
        var values: [Double] = []
        var k = first
        while k * step <= range.upperBound + tolerance {
            // Multiply rather than accumulate so 0.6 prints as 0.6, not 0.6000000000000001.
            values.append(k * step == 0 ? 0 : k * step)
            k += 1
        }
        self.step = step
        self.values = values
    }

    /// A nice number near `x`: rounded to the closest of 1, 2, 5, 10 × 10ⁿ, or the next one up.
    static func niceNumber(_ x: Double, rounding: Bool) -> Double {
        guard x > 0, x.isFinite else { return 1 }
        let exponent = floor(log10(x))
        let fraction = x / pow(10, exponent)
        let nice: Double
        if rounding {
            nice = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10
        } else {
            nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10
        }
        return nice * pow(10, exponent)
    }

    /// Decimals needed to tell ticks apart: one for a step of 0.2, two for 0.05.
    var decimals: Int { max(0, Int(-floor(log10(step) + 1e-9))) }

    /// Tick labels with a fixed number of decimals and a true minus sign (U+2212).
    var labels: [String] {
        values.map { Self.format($0, decimals: decimals) }
    }

    static func format(_ value: Double, decimals: Int) -> String {
        let text = String(format: "%.\(decimals)f", abs(value))
        let isZero = Double(text) == 0
        return value < 0 && !isZero ? "\u{2212}" + text : text
    }
}
