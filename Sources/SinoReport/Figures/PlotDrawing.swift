/// Draws a `Plot` onto a canvas: marks first (clipped to the plot area), then axes, labels
/// and the legend on top so they are never covered by data.
struct PlotDrawing {
    typealias T = FigureTypography

    let plot: Plot
    let layout: PlotLayout

    func draw(on canvas: Canvas) {
        // Clip slightly outside the frame so lines lying on an edge (an ROC curve along
        // TPR = 1) are not cut in half, while curves leaving the range stop at the axis.
        canvas.clipped(to: layout.frame.insetBy(-1)) {
            for mark in plot.marks { draw(mark, on: canvas) }
        }
        drawXAxis(on: canvas)
        drawYAxis(on: canvas)
        drawTitle(on: canvas)
        if let legend = plot.legend, let legendLayout = layout.legend {
            legendLayout.draw(legend, on: canvas)
        }
    }

    // MARK: Marks

    private func draw(_ mark: PlotMark, on canvas: Canvas) {
        switch mark {
        case .line(let points, let style):
            canvas.strokePolyline(points.map(page), color: style.color, width: style.width, dash: style.dash)
        case .step(let points, let style):
            canvas.strokePolyline(Self.postSteps(points).map(page), color: style.color, width: style.width, dash: style.dash)
        case .markers(let points, let shape, let size, let color):
            for p in points { canvas.drawMarker(shape, at: page(p), size: size, color: color) }
        case .rectangle(let xs, let ys, let fill, let edge):
            drawRectangle(x: xs, y: ys, fill: fill, edge: edge, on: canvas)
        case .text(let text):
            canvas.setFont(size: text.size, bold: text.bold)
            var at = page(text.position)
            at.y += text.offsetY
            canvas.drawText(text.text, at: at, anchor: .center, color: text.color)
        }
    }

    /// Inserts the corner (x₁, y₀) between consecutive points: y holds until the next x.
    static func postSteps(_ points: [PlotPoint]) -> [PlotPoint] {
        guard var previous = points.first else { return [] }
        var result = [previous]
        for p in points.dropFirst() {
            result.append(PlotPoint(x: p.x, y: previous.y))
            result.append(p)
            previous = p
        }
        return result
    }

    private func drawRectangle(x: ClosedRange<Double>, y: ClosedRange<Double>, fill: FigureColor, edge: LineStyle?, on canvas: Canvas) {
        let a = page(PlotPoint(x: x.lowerBound, y: y.lowerBound))
        let b = page(PlotPoint(x: x.upperBound, y: y.upperBound))
        let rect = PageRect(x: min(a.x, b.x), y: min(a.y, b.y), width: abs(b.x - a.x), height: abs(b.y - a.y))
        canvas.fill(rect, color: fill)
        if let edge { canvas.stroke(rect, color: edge.color, width: edge.width) }
    }

    private func page(_ p: PlotPoint) -> PagePoint { layout.page(p, plot) }

    // MARK: Axes

    private func drawXAxis(on canvas: Canvas) {
        let frame = layout.frame
        if plot.x.showsLine {
            line(from: PagePoint(x: frame.minX, y: frame.maxY), to: PagePoint(x: frame.maxX, y: frame.maxY), on: canvas)
        }
        canvas.setFont(size: T.tickLabelSize)
        let labelTop = frame.maxY + PlotLayout.tickSpace(plot.x)
        for tick in plot.x.ticks {
            let x = frame.minX + plot.x.fraction(tick.value) * frame.width
            if plot.x.showsLine {
                line(from: PagePoint(x: x, y: frame.maxY), to: PagePoint(x: x, y: frame.maxY + T.tickLength), on: canvas)
            }
            canvas.drawText(tick.label, at: PagePoint(x: x, y: labelTop), anchor: TextAnchor(horizontal: .center, vertical: .top), color: .black)
        }
        canvas.setFont(size: T.axisTitleSize)
        let titleTop = labelTop + T.tickLabelSize * 1.2 + T.gap
        canvas.drawText(
            plot.x.title, at: PagePoint(x: frame.center.x, y: titleTop),
            anchor: TextAnchor(horizontal: .center, vertical: .top), color: .black)
    }

    private func drawYAxis(on canvas: Canvas) {
        let frame = layout.frame
        if plot.y.showsLine {
            line(from: PagePoint(x: frame.minX, y: frame.minY), to: PagePoint(x: frame.minX, y: frame.maxY), on: canvas)
        }
        canvas.setFont(size: T.tickLabelSize)
        let labelRight = frame.minX - PlotLayout.tickSpace(plot.y)
        for tick in plot.y.ticks {
            let y = frame.maxY - plot.y.fraction(tick.value) * frame.height
            if plot.y.showsLine {
                line(from: PagePoint(x: frame.minX - T.tickLength, y: y), to: PagePoint(x: frame.minX, y: y), on: canvas)
            }
            canvas.drawText(tick.label, at: PagePoint(x: labelRight, y: y), anchor: TextAnchor(horizontal: .right, vertical: .middle), color: .black)
        }
        canvas.setFont(size: T.axisTitleSize)
        // Rotated 90° counter-clockwise: the text's bottom faces the tick labels.
        let titleX = labelRight - layout.yTickLabelWidth - T.gap
        canvas.drawText(
            plot.y.title, at: PagePoint(x: titleX, y: frame.center.y),
            anchor: TextAnchor(horizontal: .center, vertical: .bottom), color: .black, rotated: true)
    }

    private func drawTitle(on canvas: Canvas) {
        layout.title.draw(centerX: layout.frame.center.x, on: canvas)
    }

    private func line(from a: PagePoint, to b: PagePoint, on canvas: Canvas) {
        canvas.strokePolyline([a, b], color: .black, width: T.axisLineWidth, dash: .solid)
    }
}
