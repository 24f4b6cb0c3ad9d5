/// A legend: entries in a framed box at one corner inside the plot area.
public struct Legend: Equatable, Sendable {
    /// Which corner of the plot area holds the legend.
    public enum Corner: String, Codable, Sendable { case upperLeft, upperRight, lowerLeft, lowerRight }

    public var entries: [LegendEntry]
    public var corner: Corner

    public init(entries: [LegendEntry], corner: Corner) {
        self.entries = entries
        self.corner = corner
    }
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
    static let sampleLength = 14.0
    static let columnGap = 6.0
    static let rowHeight = 8.5
    static let inset = 4.0

    let box: PageRect
    let labelColumnWidth: Double

    /// Measures the entries and places the box in `legend.corner` of `area`.
    init(_ legend: Legend, in area: PageRect, canvas: Canvas) {
        canvas.setFont(size: FigureTypography.legendSize)
        labelColumnWidth = legend.entries.map { canvas.width(of: $0.label) }.max() ?? 0
        let detailWidth = legend.entries.compactMap { $0.detail.map(canvas.width(of:)) }.max()
        let width = Self.padding * 2 + Self.sampleLength + Self.columnGap + labelColumnWidth
            + (detailWidth.map { Self.columnGap + $0 } ?? 0)
        let height = Self.padding * 2 + Self.rowHeight * Double(legend.entries.count)
        let left = legend.corner == .upperLeft || legend.corner == .lowerLeft
        let top = legend.corner == .upperLeft || legend.corner == .upperRight
        box = PageRect(x: left ? area.minX + Self.inset : area.maxX - Self.inset - width,
                       y: top ? area.minY + Self.inset : area.maxY - Self.inset - height,
                       width: width, height: height)
    }

    func draw(_ legend: Legend, on canvas: Canvas) {
        // Opaque white so text stays readable; the corner is chosen where the data are not.
        canvas.fill(box, color: .white)
        canvas.stroke(box, color: .lightGrey, width: 1)
        canvas.setFont(size: FigureTypography.legendSize)
        for (row, entry) in legend.entries.enumerated() {
            drawRow(entry, centerY: box.minY + Self.padding + Self.rowHeight * (Double(row) + 0.5), on: canvas)
        }
    }

    private func drawRow(_ entry: LegendEntry, centerY: Double, on canvas: Canvas) {
        let sampleStart = box.minX + Self.padding
        if let line = entry.line {
            canvas.strokePolyline([PagePoint(x: sampleStart, y: centerY), PagePoint(x: sampleStart + Self.sampleLength, y: centerY)],
                                  color: line.color, width: line.width, dash: line.dash)
        }
        if let marker = entry.marker {
            canvas.drawMarker(marker, at: PagePoint(x: sampleStart + Self.sampleLength / 2, y: centerY), size: 4,
                              color: entry.markerColor ?? entry.line?.color ?? .black)
        }
        let labelX = sampleStart + Self.sampleLength + Self.columnGap
        let anchor = TextAnchor(horizontal: .left, vertical: .middle)
        canvas.drawText(entry.label, at: PagePoint(x: labelX, y: centerY), anchor: anchor, color: .black)
        if let detail = entry.detail {
            canvas.drawText(detail, at: PagePoint(x: labelX + labelColumnWidth + Self.columnGap, y: centerY), anchor: anchor, color: .black)
        }
    }
}
