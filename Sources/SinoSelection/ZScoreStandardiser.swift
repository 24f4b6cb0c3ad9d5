import SinoData

/// z-scores fitted on the training cohort, as scikit-learn's `StandardScaler` (defaults):
/// mean and **population** standard deviation (n denominator, ddof = 0, not the sample sd),
/// and a scale of 1 for a constant column, so it maps to 0 instead of dividing by zero.
/// Constant means sklearn's `_is_constant_feature`: var <= n eps var + (n |mean| eps)^2, which
/// also catches columns whose variance is only rounding error.
///
/// ```swift
/// let scaler = try ZScoreStandardiser(fittingOn: trainRows)
/// let z = try scaler.transform(testRows)
/// ```
public struct ZScoreStandardiser: Codable, Sendable, Equatable {
    /// Training mean per column.
    public let means: [Double]
    /// Training population sd per column, 1 where the column is constant.
    public let scales: [Double]
    /// One record per column: kept (`.kept`, statistic = sd) or `.constantScaledByOne`.
    public let decisions: [FeatureDecision]

    /// Fits on training rows.
    /// - Parameter rows: one row per training case, finite values, at least 1 row.
    /// - Throws: `SelectionError.invalidInput` for an empty or ragged table or a non-finite value.
    public init(fittingOn rows: [[Double]], threads: Int = 1) throws {
        let p = try FeatureMatrix.columnCount(rows, minimumRows: 1, what: "z-score standardiser")
        self.init(columns: FeatureMatrix.columns(rows, width: p), threads: threads)
    }

    /// Fits on the columns of a finite table with at least one row.
    init(columns: [[Double]], threads: Int) {
        let p = columns.count
        let n = Double(columns.first?.count ?? 0)
        let eps = Double.ulpOfOne
        // Each column on its own (the threads share the columns; the result does not depend on them).
        let fitted = ParallelLoop.map(count: p, threads: threads) { j -> (mean: Double, scale: Double, constant: Bool) in
            columns[j].withUnsafeBufferPointer { column in
                var sum = 0.0
                for value in column { sum += value }
                let mean = sum / n
                // sklearn's _incremental_mean_and_var: sum of squared deviations less the squared
                // sum of deviations over n (a rounding correction).
                var correction = 0.0
                var squares = 0.0
                for value in column {
                    let deviation = value - mean
                    correction += deviation
                    squares += deviation * deviation
                }
                let variance = (squares - correction * correction / n) / n
                let constant = variance <= n * eps * variance + (n * Swift.abs(mean) * eps) * (n * Swift.abs(mean) * eps)
                return (mean, constant ? 1 : variance.squareRoot(), constant)
            }
        }
        let means = fitted.map { $0.mean }
        let scales = fitted.map { $0.scale }
        let decisions = fitted.indices.map { j in
            FeatureDecision(feature: j, kept: true, reason: fitted[j].constant ? .constantScaledByOne : .kept, statistic: fitted[j].scale)
        }
        self.means = means
        self.scales = scales
        self.decisions = decisions
    }

    /// (x - mean) / scale per column.
    /// - Parameter rows: rows with the training table's columns.
    /// - Returns: the standardised rows.
    /// - Throws: `SelectionError.invalidInput` for a ragged table, a wrong column count or a
    ///   non-finite value.
    public func transform(_ rows: [[Double]]) throws -> [[Double]] {
        let p = try FeatureMatrix.columnCount(rows, minimumRows: 1, what: "z-score transform")
        guard p == means.count else {
            throw SelectionError.invalidInput("z-score transform: \(p) columns, the standardiser was fitted on \(means.count)")
        }
        return Self.standardised(rows, means: means, scales: scales)
    }

    /// (x - mean) / scale of every value, column by column.
    static func standardised(_ rows: [[Double]], means: [Double], scales: [Double]) -> [[Double]] {
        let p = means.count
        return means.withUnsafeBufferPointer { m in
            scales.withUnsafeBufferPointer { s in
                rows.map { row in
                    row.withUnsafeBufferPointer { x in
                        [Double](unsafeUninitializedCapacity: p) { out, count in
                            for j in 0..<p { out[j] = (x[j] - m[j]) / s[j] }
                            count = p
                        }
                    }
                }
            }
        }
    }
}
