/// Turns chosen cohort variables into model features, learned on one cohort (training) and
/// applied unchanged to every other cohort, so that validation and test patients get exactly
/// the training columns.
///
/// Encoding follows the dictionary: one indicator per non-reference level seen in training for
/// categorical variables (and ordinal ones unless their encoding is `ordinal`, which gives one
/// column of level positions), the value itself for continuous ones. Missing values are
/// imputed with the training median (continuous) or the most frequent training level
/// (categorical, ties to the earlier level), and counted.
public struct FeatureEncoder: Codable, Sendable, Equatable {
    public struct Feature: Codable, Sendable, Equatable {
        /// Design column name, e.g. "t2_signal=high", "adc_mean", "t2_signal (score)".
        public var name: String
        public var variable: String
        /// For an indicator column, its level index; nil for continuous and score columns.
        public var level: Int?
    }

    public var variables: [String]
    public var features: [Feature]
    /// Imputation value per variable: a level index (categorical) or a number (continuous).
    public var imputation: [String: Double]

    public var featureNames: [String] { features.map(\.name) }

    /// Learns columns and imputation values from `training`.
    public static func fit(_ training: Cohort, variables names: [String]) throws -> FeatureEncoder {
        var encoder = FeatureEncoder(variables: names, features: [], imputation: [:])
        for name in names {
            guard let variable = training.dictionary.variable(named: name), let column = training.columns[name] else {
                throw ValidationError(
                    Problem(
                        file: training.source, column: name, message: "no such variable",
                        expected: "one of \(training.variables.map(\.name).joined(separator: ", "))"))
            }
            switch column {
            case .continuous(let values):
                let present = values.compactMap { $0 }.sorted()
                guard !present.isEmpty else { throw noValues(training, name) }
                let mid = present.count / 2
                encoder.imputation[name] = present.count % 2 == 1 ? present[mid] : (present[mid - 1] + present[mid]) / 2
                encoder.features.append(Feature(name: name, variable: name, level: nil))
            case .categorical(let codes):
                let levels = variable.levels ?? []
                var counts = Array(repeating: 0, count: levels.count)
                for code in codes { if let code { counts[code] += 1 } }
                let mode = argmax(counts) // the most frequent level, ties to the first
                guard !counts.isEmpty, counts[mode] > 0 else { throw noValues(training, name) }
                encoder.imputation[name] = Double(mode)
                if variable.kind == .ordinal && variable.effectiveEncoding == .ordinal {
                    encoder.features.append(Feature(name: "\(name) (score)", variable: name, level: nil))
                } else {
                    let reference = levels.firstIndex(of: variable.referenceLevel ?? "") ?? 0
                    for (code, level) in levels.enumerated() where code != reference && counts[code] > 0 {
                        encoder.features.append(Feature(name: "\(name)=\(level)", variable: name, level: code))
                    }
                }
            }
        }
        return encoder
    }

    static func noValues(_ cohort: Cohort, _ name: String) -> ValidationError {
        ValidationError(
            Problem(
                file: cohort.source, column: name, message: "the variable has no values in the training cohort",
                expected: "at least one non-missing value"))
    }

    /// The feature matrix of every patient of `cohort` (n x features), and how many values were imputed.
    public func transform(_ cohort: Cohort) throws -> (x: [[Double]], imputed: Int) {
        var x = Array(repeating: [Double](), count: cohort.count)
        var imputed = 0
        var values: [String: [Double]] = [:]
        for name in variables {
            guard let column = cohort.columns[name] else {
                throw ValidationError(Problem(file: cohort.source, column: name, message: "the column is missing", expected: "the model's predictor '\(name)'"))
            }
            values[name] = (0..<cohort.count).map { row in
                switch column {
                case .continuous(let v): if let value = v[row] { return value }
                case .categorical(let v): if let code = v[row] { return Double(code) }
                }
                imputed += 1
                return imputation[name]!
            }
        }
        for row in 0..<cohort.count {
            x[row] = features.map { feature in
                let value = values[feature.variable]![row]
                if let level = feature.level { return value == Double(level) ? 1 : 0 }
                return value
            }
        }
        return (x, imputed)
    }
}
