/// A legend: entries in a framed box, in a corner of the plot area where it covers no data,
/// else below the axes (the page grows to hold it): a legend never hides data.
public struct Legend: Equatable, Sendable {
    /// Where the legend should go. A corner is tried first, then the other corners (lower
    /// right, upper left, upper right, lower left); the first whose box, with a small margin,
    /// holds no data point is taken. `best` tries the corners in that order; `below` puts the
    /// legend under the axes without trying the corners.
    public enum Corner: String, Codable, Sendable { case upperLeft, upperRight, lowerLeft, lowerRight, best, below }

    public var entries: [LegendEntry]
    public var corner: Corner
    /// A heading over the detail column, e.g. "AUC (95% CI)": said once instead of on every row,
    /// which keeps the box narrow enough to sit beside the data.
    public var detailHeading: String?

    public init(entries: [LegendEntry], corner: Corner, detailHeading: String? = nil) {
        self.entries = entries
        self.corner = corner
        self.detailHeading = detailHeading
    }

    /// Text rows in the box: the heading row, if any, then one per entry.
    var rowCount: Int { entries.count + (detailHeading == nil ? 0 : 1) }
}

/// One legend row: a line and/or marker sample, a label and an optional detail
/// column (e.g. "AUC 0.912 (0.861–0.958)") aligned across rows.
public struct LegendEntry: Equatable, Sendable {
    public var label: String
    public var detail: String?
    public var line: LineStyle?
    public var marker: MarkerShape?
    public var markerColor: FigureColor?

    public init(label: String, detail: String? = nil, line: LineStyle? = nil, marker: MarkerShape? = nil, markerColor: FigureColor? = nil) {
        self.label = label
        self.detail = detail
        self.line = line
        self.marker = marker
        self.markerColor = markerColor
    }
}

/// Legend geometry in points; sizes are fixed so legends look the same in every figure.
struct LegendLayout {
    static let padding = 3.0
    static let sampleLength = 12.0
    static let columnGap = 4.0
    static let rowHeight = 8.5
    static let inset = 4.0

    let box: PageRect
    let labelColumnWidth: Double
    /// True when the box sits below the axes rather than inside the plot area.
    let isBelow: Bool

    /// The corners in the order they are tried.
    static let corners: [Legend.Corner] = [.lowerRight, .upperLeft, .upperRight, .lowerLeft]

    /// Measures the entries and places the box in the first corner of `area` (the preferred one
    /// first) whose box holds none of `dataPoints` (page positions along the marks); when every
    /// corner covers data, below the axes: `belowTop` is the first free page row under them.
    init(_ legend: Legend, in area: PageRect, dataPoints: [PagePoint], belowTop: Double, canvas: Canvas) {
        canvas.setFont(size: FigureTypography.legendSize)
        labelColumnWidth = legend.entries.map { canvas.width(of: $0.label) }.max() ?? 0
        let detailTexts = legend.entries.compactMap(\.detail) + [legend.detailHeading].compactMap { $0 }
        let detailWidth = detailTexts.map(canvas.width(of:)).max()
        let width =
            Self.padding * 2 + Self.sampleLength + Self.columnGap + labelColumnWidth
            + (detailWidth.map { Self.columnGap + $0 } ?? 0)
        let height = Self.padding * 2 + Self.rowHeight * Double(legend.rowCount)
        func box(at corner: Legend.Corner) -> PageRect {
            let left = corner == .upperLeft || corner == .lowerLeft
            let top = corner == .upperLeft || corner == .upperRight
            return PageRect(
                x: left ? area.minX + Self.inset : area.maxX - Self.inset - width,
                y: top ? area.minY + Self.inset : area.maxY - Self.inset - height,
                width: width, height: height)
        }
        let preferred: [Legend.Corner] =
            switch legend.corner {
            case .best: Self.corners
            case .below: []
            default: [legend.corner] + Self.corners.filter { $0 != legend.corner }
            }
        // A margin around the box, so a curve that just grazes its edge also counts; the box
        // must also fit inside the plot area.
        let empty = preferred.first { corner in
            let candidate = box(at: corner)
            return candidate.width <= area.width - 2 * Self.inset && candidate.height <= area.height - 2 * Self.inset
                && !dataPoints.contains(where: candidate.insetBy(-Self.inset).contains)
        }
        if let empty {
            self.box = box(at: empty)
            isBelow = false
        } else {
            self.box = PageRect(
                x: max(FigureTypography.outerPadding, area.center.x - width / 2), y: belowTop + Self.inset,
                width: width, height: height)
            isBelow = true
        }
    }

    /// How many of `points` the box covers (with the margin used to place it).
    func covered(_ points: [PagePoint]) -> Int {
        points.count(where: box.insetBy(-Self.inset).contains)
    }

    func draw(_ legend: Legend, on canvas: Canvas) {
        // Opaque white so text stays readable; the corner is chosen where the data are not.
        canvas.fill(box, color: .white)
        canvas.stroke(box, color: .lightGrey, width: 1)
        canvas.setFont(size: FigureTypography.legendSize)
        func centerY(_ row: Int) -> Double { box.minY + Self.padding + Self.rowHeight * (Double(row) + 0.5) }
        if let heading = legend.detailHeading {
            canvas.drawText(
                heading, at: PagePoint(x: detailX, y: centerY(0)),
                anchor: TextAnchor(horizontal: .left, vertical: .middle), color: .black)
        }
        let firstRow = legend.rowCount - legend.entries.count
        for (i, entry) in legend.entries.enumerated() {
            drawRow(entry, centerY: centerY(firstRow + i), on: canvas)
        }
    }

    private var labelX: Double { box.minX + Self.padding + Self.sampleLength + Self.columnGap }
    private var detailX: Double { labelX + labelColumnWidth + Self.columnGap }

    private func drawRow(_ entry: LegendEntry, centerY: Double, on canvas: Canvas) {
        let sampleStart = box.minX + Self.padding
        if let line = entry.line {
            canvas.strokePolyline(
                [PagePoint(x: sampleStart, y: centerY), PagePoint(x: sampleStart + Self.sampleLength, y: centerY)],
                color: line.color, width: line.width, dash: line.dash)
        }
        if let marker = entry.marker {
            canvas.drawMarker(
                marker, at: PagePoint(x: sampleStart + Self.sampleLength / 2, y: centerY), size: 4,
                color: entry.markerColor ?? entry.line?.color ?? .black)
        }
        let anchor = TextAnchor(horizontal: .left, vertical: .middle)
        canvas.drawText(entry.label, at: PagePoint(x: labelX, y: centerY), anchor: anchor, color: .black)
        if let detail = entry.detail {
            canvas.drawText(detail, at: PagePoint(x: detailX, y: centerY), anchor: anchor, color: .black)
        }
    }
}
