/// A figure's page size in points (1/72 in), the unit journals and PDF use.
public struct FigureSize: Equatable, Sendable {
    public var width: Double
    public var height: Double

    public init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// One journal column: 3.5 in wide (Radiology, AJNR, European Radiology all use 8.5–9 cm),
    /// 3.2 in high so a square plot area fits beside its axis labels.
    public static let singleColumn = FigureSize(width: 252, height: 230.4)
}

/// Type sizes and stroke widths shared by every figure, chosen to stay legible when printed at
/// column width: text never below 7 pt and lines never below 1 pt (journal artwork minima).
enum FigureTypography {
    static let font = "DejaVu Sans"
    static let tickLabelSize = 7.0
    static let axisTitleSize = 8.0
    static let titleSize = 9.0
    static let legendSize = 7.0

    static let axisLineWidth = 1.0
    static let tickLength = 3.0
    static let seriesLineWidth = 1.5
    static let referenceLineWidth = 1.0
    /// Space between a text block and what it labels.
    static let gap = 3.0
    /// Blank border around the whole figure so nothing touches the page edge.
    static let outerPadding = 4.0
}
