/// Checks training and prediction input once, at the boundary, so the C libraries only ever see
/// rectangular matrices and valid labels.
enum TrainingInput {
    /// The number of features of a training set after checking it: rows of equal length, one
    /// label per row, labels in 0..<classCount, at least two classes present, and (unless
    /// `allowMissing`) finite values. With `allowMissing`, NaN is a missing value but an infinity
    /// is still refused.
    static func validate(x: [[Double]], y: [Int], classCount: Int, allowMissing: Bool) throws -> Int {
        guard classCount >= 2 else { throw ClassifierError.invalidClassCount(classCount) }
        guard !x.isEmpty else { throw ClassifierError.emptyInput("x") }
        guard x.count == y.count else { throw ClassifierError.labelCountMismatch(rows: x.count, labels: y.count) }
        let p = x[0].count
        guard p > 0 else { throw ClassifierError.emptyInput("row 0") }
        for (i, row) in x.enumerated() where row.count != p {
            throw ClassifierError.raggedRows(row: i, count: row.count, expected: p)
        }
        try checkValues(x, allowMissing: allowMissing)
        var seen = Array(repeating: false, count: classCount)
        for (i, label) in y.enumerated() {
            guard label >= 0, label < classCount else {
                throw ClassifierError.labelOutOfRange(row: i, label: label, classCount: classCount)
            }
            seen[label] = true
        }
        let present = (0..<classCount).filter { seen[$0] }
        guard present.count >= 2 else { throw ClassifierError.tooFewClasses(present: present, classCount: classCount) }
        return p
    }

    /// Checks rows to predict: at least one, each with `featureCount` values, finite unless
    /// `allowMissing` (NaN then means missing).
    static func validatePrediction(x: [[Double]], featureCount: Int, allowMissing: Bool) throws {
        guard !x.isEmpty else { throw ClassifierError.emptyInput("x") }
        for (i, row) in x.enumerated() where row.count != featureCount {
            throw ClassifierError.featureCountMismatch(row: i, count: row.count, expected: featureCount)
        }
        try checkValues(x, allowMissing: allowMissing)
    }

    private static func checkValues(_ x: [[Double]], allowMissing: Bool) throws {
        for (i, row) in x.enumerated() {
            for (j, value) in row.enumerated() where !value.isFinite {
                if allowMissing && value.isNaN { continue }
                throw ClassifierError.nonFiniteValue(row: i, column: j, value: value)
            }
        }
    }
}
