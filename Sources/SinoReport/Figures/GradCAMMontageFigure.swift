/// Several Grad-CAM overlays in a grid with one title and one shared colour bar, each tile
/// captioned with its `GradCAMTile.caption`.
///
///     let montage = try GradCAMMontageFigure(title: "Grad-CAM, test set", tiles: tiles, columns: 4)
///     let perClass = try GradCAMMontageFigure.byClass(title: "Correct predictions",
///                                                     classes: [("SCC", scc), ("ACC", acc)], perClass: 3)
///
/// Tiles are drawn as in `GradCAMOverlayFigure` and fill the grid row by row; empty cells stay white.
public struct GradCAMMontageFigure: RenderableFigure {
    typealias T = FigureTypography

    public let title: String?
    /// Grid cells row by row; nil leaves a cell empty.
    public let cells: [GradCAMTile?]
    public let columns: Int
    /// A label left of each row (rotated), e.g. the class of the row's patients.
    public let rowLabels: [String]?
    public let imageWeight: Float
    public let contourColor: FigureColor
    public let interpolation: BitmapInterpolation
    /// The page; by default two columns wide (504 pt = 7 in) and as high as the grid needs.
    public private(set) var size: FigureSize

    /// Two journal columns, 7 in.
    static let defaultWidth = 504.0

    public var rows: Int { (cells.count + columns - 1) / columns }

    /// Throws `FigureError.invalidInput` unless there is at least one tile, `columns` ≥ 1,
    /// row labels (if given) match the number of rows and the image weight lies in 0...1.
    public init(
        title: String? = nil, tiles: [GradCAMTile], columns: Int = 4, rowLabels: [String]? = nil,
        imageWeight: Float = 0.5, contourColor: FigureColor = .white,
        interpolation: BitmapInterpolation = .nearest, size: FigureSize? = nil
    ) throws {
        try self.init(
            title: title, cells: tiles.map { $0 }, columns: columns, rowLabels: rowLabels,
            imageWeight: imageWeight, contourColor: contourColor, interpolation: interpolation, size: size)
    }

    /// One row per class, labelled with its name, holding its first `perClass` tiles.
    public static func byClass(
        title: String? = nil, classes: [(name: String, tiles: [GradCAMTile])], perClass: Int,
        imageWeight: Float = 0.5, contourColor: FigureColor = .white,
        interpolation: BitmapInterpolation = .nearest, size: FigureSize? = nil
    ) throws -> GradCAMMontageFigure {
        try InputCheck(figure: "GradCAMMontageFigure").require(perClass >= 1, "perClass = \(perClass) must be at least 1")
        var cells: [GradCAMTile?] = []
        for (_, tiles) in classes {
            let shown = Array(tiles.prefix(perClass))
            cells += shown.map { $0 } + Array(repeating: nil, count: perClass - shown.count)
        }
        return try GradCAMMontageFigure(
            title: title, cells: cells, columns: perClass, rowLabels: classes.map(\.name),
            imageWeight: imageWeight, contourColor: contourColor,
            interpolation: interpolation, size: size)
    }

    private init(
        title: String?, cells: [GradCAMTile?], columns: Int, rowLabels: [String]?, imageWeight: Float,
        contourColor: FigureColor, interpolation: BitmapInterpolation, size: FigureSize?
    ) throws {
        let check = InputCheck(figure: "GradCAMMontageFigure")
        try check.require(cells.contains { $0 != nil }, "needs at least one tile")
        try check.require(columns >= 1, "columns = \(columns) must be at least 1")
        try check.imageWeight(imageWeight)
        let rows = (cells.count + columns - 1) / columns
        if let rowLabels {
            try check.require(rowLabels.count == rows, "\(rowLabels.count) row labels for \(rows) rows")
        }
        self.title = title
        self.cells = cells
        self.columns = columns
        self.rowLabels = rowLabels
        self.imageWeight = imageWeight
        self.contourColor = contourColor
        self.interpolation = interpolation
        self.size = size ?? FigureSize(width: Self.defaultWidth, height: 0)
        if size == nil {
            let grid = ScratchCanvas.measure { gridLayout(canvas: $0, pageHeight: nil) }
            self.size.height = grid.bottom + T.outerPadding
        }
    }

    public func rendered(as format: FigureFormat) throws -> [UInt8] {
        try SurfaceRenderer.render(size: size, format: format, title: title) { canvas in
            let grid = gridLayout(canvas: canvas, pageHeight: size.height)
            let drawing = GradCAMDrawing(imageWeight: imageWeight, contourColor: contourColor, interpolation: interpolation)
            for (i, cell) in cells.enumerated() {
                guard let tile = cell else { continue }
                let box = grid.imageBox(i)
                let rect = GradCAMDrawing.imageRect(tile, in: box)
                drawing.draw(tile, in: rect, on: canvas)
                if let caption = tile.caption {
                    canvas.setFont(size: T.tickLabelSize)
                    let captionBox = PageRect(x: box.minX, y: box.minY - grid.captionHeight, width: box.width, height: grid.captionHeight)
                    canvas.clipped(to: captionBox) {
                        canvas.drawText(
                            caption, at: PagePoint(x: box.center.x, y: box.minY - 1),
                            anchor: TextAnchor(horizontal: .center, vertical: .bottom), color: .black)
                    }
                }
            }
            if let rowLabels {
                canvas.setFont(size: T.axisTitleSize, bold: true)
                for (r, label) in rowLabels.enumerated() {
                    let box = grid.imageBox(r * columns)
                    canvas.drawText(
                        label, at: PagePoint(x: T.outerPadding, y: box.center.y),
                        anchor: TextAnchor(horizontal: .center, vertical: .top), color: .black, rotated: true)
                }
            }
            let first = grid.imageBox(0), last = grid.imageBox((rows - 1) * columns)
            GradCAMDrawing.drawColourBar(left: grid.right, top: first.minY, height: last.maxY - first.minY, on: canvas)
            FigureTitle(title, pageWidth: size.width, canvas: canvas).draw(centerX: (grid.left + grid.right) / 2, on: canvas)
        }
    }

    /// Cell geometry: every cell is `cellWidth` wide with a caption line above a box of the
    /// tallest tile's aspect ratio.
    struct GridLayout {
        let left: Double
        let top: Double
        let cellWidth: Double
        let imageHeight: Double
        let captionHeight: Double
        let columns: Int
        let rows: Int

        var right: Double { left + Double(columns) * cellWidth + Double(columns - 1) * T.gap }
        var bottom: Double { top + Double(rows) * (captionHeight + imageHeight) + Double(rows - 1) * T.gap }

        /// The box the image of cell `i` (row-major) is fitted into.
        func imageBox(_ i: Int) -> PageRect {
            let r = i / columns, c = i % columns
            return PageRect(
                x: left + Double(c) * (cellWidth + T.gap),
                y: top + Double(r) * (captionHeight + imageHeight + T.gap) + captionHeight,
                width: cellWidth, height: imageHeight)
        }
    }

    /// The grid for the page width; with a page height, cells also shrink to fit it.
    func gridLayout(canvas: Canvas, pageHeight: Double?) -> GridLayout {
        let left = T.outerPadding + (rowLabels == nil ? 0 : T.axisTitleSize * 1.2 + T.gap)
        let pageWidth = pageHeight == nil ? Self.defaultWidth : size.width
        let top = T.outerPadding + FigureTitle(title, pageWidth: pageWidth, canvas: canvas).height
        let right = GradCAMDrawing.colourBarReserve(canvas: canvas) + T.outerPadding
        let captionHeight = cells.contains { $0?.caption != nil } ? T.tickLabelSize * 1.3 : 0
        let aspect = cells.compactMap { $0.map { Double($0.height) / Double($0.width) } }.max() ?? 1
        var cellWidth = (pageWidth - left - right - Double(columns - 1) * T.gap) / Double(columns)
        if let pageHeight {
            let available = pageHeight - top - T.outerPadding - Double(rows - 1) * T.gap - Double(rows) * captionHeight
            cellWidth = min(cellWidth, available / Double(rows) / aspect)
        }
        cellWidth = max(cellWidth, 1)
        return GridLayout(
            left: left, top: top, cellWidth: cellWidth, imageHeight: cellWidth * aspect,
            captionHeight: captionHeight, columns: columns, rows: rows)
    }

    var measuredGrid: GridLayout { ScratchCanvas.measure { gridLayout(canvas: $0, pageHeight: size.height) } }
}
