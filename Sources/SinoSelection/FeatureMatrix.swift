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
        (0..<width).map { j in rows.map { $0[j] } }
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
