/// A figure's title as laid out: bold, broken at spaces into lines that fit the page between
/// its paddings (one line wider than the page would be clipped at both edges), each line
/// centred over `centerX` where it fits and moved inward where it does not.
struct FigureTitle {
    typealias T = FigureTypography

    static let lineHeight = T.titleSize * 1.3

    let lines: [String]
    let pageWidth: Double

    init(_ title: String?, pageWidth: Double, canvas: Canvas) {
        self.pageWidth = pageWidth
        guard let title else {
            lines = []
            return
        }
        canvas.setFont(size: T.titleSize, bold: true)
        lines = canvas.wrapped(title, width: pageWidth - 2 * T.outerPadding)
    }

    /// From the top padding to the content below the title (its lines and a gap); 0 without one.
    var height: Double { lines.isEmpty ? 0 : Double(lines.count) * Self.lineHeight + T.gap }

    /// Each line's horizontal span: centred on `centerX`, moved inward to stay between the
    /// paddings.
    func spans(centerX: Double, canvas: Canvas) -> [ClosedRange<Double>] {
        canvas.setFont(size: T.titleSize, bold: true)
        return lines.map { line in
            let half = canvas.width(of: line) / 2
            let x = max(T.outerPadding + half, min(centerX, pageWidth - T.outerPadding - half))
            return x - half...x + half
        }
    }

    func draw(centerX: Double, on canvas: Canvas) {
        for (i, (line, span)) in zip(lines, spans(centerX: centerX, canvas: canvas)).enumerated() {
            canvas.drawText(
                line, at: PagePoint(x: (span.lowerBound + span.upperBound) / 2, y: T.outerPadding + Double(i) * Self.lineHeight),
                anchor: TextAnchor(horizontal: .center, vertical: .top), color: .black)
        }
    }
}
