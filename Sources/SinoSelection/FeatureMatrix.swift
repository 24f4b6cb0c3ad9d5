/// Checks shared by the selection methods: a table is rows (cases) of equal length (features).
enum FeatureMatrix {
    /// The number of columns of a non-empty rectangular table with at least `minimumRows` rows.
    static func columnCount(
        _ rows: [[Double]], minimumRows: Int, what: String, allowNaN: Bool = false
    ) throws -> Int {
        guard rows.count >= minimumRows else {
            throw SelectionError.invalidInput(
                "\(what) needs at least \(minimumRows) rows (cases), got \(rows.count)")
        }
        let width = rows.first?.count ?? 0
        guard width > 0 else { throw SelectionError.invalidInput("\(what) needs at least one column") }
        for (i, row) in rows.enumerated() {
            guard row.count == width else {
                throw SelectionError.invalidInput(
                    "\(what): row \(i) has \(row.count) values, row 0 has \(width) (a ragged table)")
            }
            for (j, value) in row.enumerated() where !(value.isFinite || (allowNaN && value.isNaN)) {
                throw SelectionError.invalidInput(
                    "\(what): row \(i), column \(j) is \(value); "
                        + (allowNaN ? "only finite values or NaN are allowed" : "values must be finite (no NaN)"))
            }
        }
        return width
    }

    /// Column `j` of `rows`.
    static func column(_ rows: [[Double]], _ j: Int) -> [Double] { rows.map { $0[j] } }

    /// The columns of `rows`.
    static func columns(_ rows: [[Double]], width: Int) -> [[Double]] {
        let n = rows.count
        let flat = columnMajor(rows, width: width)
        return flat.withUnsafeBufferPointer { f in (0..<width).map { j in Array(UnsafeBufferPointer(start: f.baseAddress! + j * n, count: n)) } }
    }

    /// `rows` (each of `width` values) as one column-major buffer: column j at j * rows.count.
    /// Copied in tiles of rows, so both sides of each copy stay in cache.
    static func columnMajor(_ rows: [[Double]], width: Int) -> [Double] {
        let n = rows.count
        return [Double](unsafeUninitializedCapacity: n * width) { out, count in
            let tile = 16
            for i0 in stride(from: 0, to: n, by: tile) {
                let i1 = Swift.min(i0 + tile, n)
                for i in i0..<i1 {
                    rows[i].withUnsafeBufferPointer { row in
                        for j in 0..<width { out[j * n + i] = row[j] }
                    }
                }
            }
            count = n * width
        }
    }

    /// Class labels in sorted order and, per label, the row indices that carry it.
    static func groups(_ classes: [Int]) -> (labels: [Int], rows: [[Int]]) {
        let labels = Array(Set(classes)).sorted()
        let position = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
        var rows = [[Int]](repeating: [], count: labels.count)
        for (i, label) in classes.enumerated() { rows[position[label]!].append(i) }
        return (labels, rows)
    }
}
