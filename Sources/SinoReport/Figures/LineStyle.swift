/// How a line is dashed. Patterns scale with the line width so a dashed 1.5 pt series and a
/// dashed 1 pt reference line look alike.
public enum LineDash: String, Codable, Sendable {
    case solid, dashed, dotted

    /// Dash for series `i` of a figure coloured by `FigurePalette.series(i)`: solid while the
    /// palette's colours last, then dashed, then dotted, so no two series look alike.
    public static func series(_ i: Int) -> LineDash {
        [.solid, .dashed, .dotted][(i / FigurePalette.okabeIto.count) % 3]
    }

    /// cairo dash lengths (on, off, ...) in points for a line of `lineWidth`.
    func pattern(lineWidth: Double) -> [Double] {
        switch self {
        case .solid: return []
        case .dashed: return [4 * lineWidth, 2.5 * lineWidth]
        case .dotted: return [1 * lineWidth, 1.5 * lineWidth]
        }
    }
}

/// A filled marker drawn at each data point (reliability diagrams).
public enum MarkerShape: String, CaseIterable, Codable, Sendable {
    case circle, square, triangle, diamond

    /// Shape for series `i`: shapes differ as well as colours, so series survive greyscale print.
    public static func series(_ i: Int) -> MarkerShape {
        allCases[i % allCases.count]
    }
}

/// Colour, width and dash of a stroked line.
public struct LineStyle: Equatable, Sendable {
    public var color: FigureColor
    public var width: Double
    public var dash: LineDash

    /// Widths below 1 pt are raised to 1 pt: thinner lines vanish in print.
    public init(color: FigureColor, width: Double = 1.5, dash: LineDash = .solid) {
        self.color = color
        self.width = max(width, 1)
        self.dash = dash
    }

    /// Grey dashed line for references such as chance or perfect calibration.
    public static let reference = LineStyle(color: .referenceGrey, width: 1, dash: .dashed)
}
