/// Validation shared by the figure types, run once when a figure is built so that rendering
/// never meets bad data. Messages say what was expected and where the problem is.
struct InputCheck {
    let figure: String

    func fail(_ message: String) -> FigureError {
        .invalidInput(figure: figure, message: message)
    }

    func require(_ condition: Bool, _ message: @autoclosure () -> String) throws {
        if !condition { throw fail(message()) }
    }

    /// Two coordinate arrays of one series: same length, at least one point.
    func pairedSeries(_ xs: [Double], _ ys: [Double], names: (String, String), series: String) throws {
        try require(
            xs.count == ys.count,
            "\(series): \(names.0) has \(xs.count) values but \(names.1) has \(ys.count)")
        try require(!xs.isEmpty, "\(series) has no points")
    }

    /// Probabilities and rates: finite and within 0...1.
    func unitInterval(_ values: [Double], name: String, series: String) throws {
        if let i = values.firstIndex(where: { !($0 >= 0 && $0 <= 1) }) {
            throw fail("\(series): \(name)[\(i)] = \(values[i]) is outside [0, 1]")
        }
    }

    func unitInterval(_ value: Double, name: String, series: String) throws {
        try unitInterval([value], name: name, series: series)
    }

    func finite(_ values: [Double], name: String, series: String) throws {
        if let i = values.firstIndex(where: { !$0.isFinite }) {
            throw fail("\(series): \(name)[\(i)] = \(values[i]) is not a finite number")
        }
    }
}

extension NumberFormat {
    /// An estimate with its interval for figure legends: "0.912 (0.861–0.958)", en dash as in
    /// journal style for ranges.
    static func estimate(_ value: Double, interval: ClosedRange<Double>?, decimals: Int = 3) -> String {
        let point = fixed(value, decimals)
        guard let interval else { return point }
        return "\(point) (\(fixed(interval.lowerBound, decimals))\u{2013}\(fixed(interval.upperBound, decimals)))"
    }
}
