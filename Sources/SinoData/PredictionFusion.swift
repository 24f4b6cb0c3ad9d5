import Foundation

/// Late fusion of several models' class probabilities for the same patients, as the study
/// fuses the per-sequence CNNs (T2WI, CE-T1WI, ADC) into one prediction.
///
/// ```swift
/// let inputs = try ["t2.csv", "ce.csv", "adc.csv"].flatMap { path in
///     try Predictions.read(path: path).map { PredictionFusion.Input(source: path, predictions: $0) }
/// }
/// let fused = try PredictionFusion.fuse(inputs, method: .mean, model: "resnet101-mean")
/// ```
public enum PredictionFusion {
    public enum Method: String, Codable, Sendable, CaseIterable {
        /// The mean of the inputs' probabilities, class by class (soft voting).
        case mean
        /// The largest probability of each class over the inputs, each row then divided by its
        /// sum so that it sums to 1.
        case max
    }

    /// One model's predictions and the file it came from (for messages).
    public struct Input: Sendable {
        public var source: String
        public var predictions: Predictions
        public init(source: String, predictions: Predictions) {
            self.source = source; self.predictions = predictions
        }

        /// "file.csv (model resnet-T2)".
        public var name: String { "\(source) (model \(predictions.model))" }
    }

    /// Fuses two or more inputs that have the same classes (in the same order) and the same
    /// patients, each in the same cohort; the result keeps the first input's patient order.
    /// - Throws: `ValidationError` listing every mismatch at once: different classes, a patient
    ///   that appears more than once in an input, a patient missing from an input, a patient
    ///   whose cohort differs between inputs.
    public static func fuse(_ inputs: [Input], method: Method, model: String) throws -> Predictions {
        guard inputs.count >= 2 else {
            throw ValidationError(Problem(message: "\(inputs.count) model(s) to fuse", expected: "at least 2 models (files, or models inside a file)"))
        }
        guard !model.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ValidationError(Problem(message: "the fused model's name is empty", expected: "a model name"))
        }
        try checkAligned(inputs)
        let first = inputs[0].predictions
        let rows = inputs.map { input in
            Dictionary(uniqueKeysWithValues: zip(input.predictions.patientIds, input.predictions.probabilities))
        }
        let fused = first.patientIds.map { id in combine(rows.map { $0[id]! }, method) }
        return Predictions(model: model, classes: first.classes, patientIds: first.patientIds, cohorts: first.cohorts, probabilities: fused)
    }

    /// One patient's fused row from the inputs' rows.
    static func combine(_ rows: [[Double]], _ method: Method) -> [Double] {
        let k = rows[0].count
        switch method {
        case .mean:
            return (0..<k).map { j in rows.reduce(0) { $0 + $1[j] } / Double(rows.count) }
        case .max:
            let largest = (0..<k).map { j in rows.map { $0[j] }.max()! }
            let sum = largest.reduce(0, +)
            return largest.map { $0 / sum }
        }
    }

    static func checkAligned(_ inputs: [Input]) throws {
        let reference = inputs[0]
        var problems: [Problem] = []
        for input in inputs.dropFirst() where input.predictions.classes != reference.predictions.classes {
            problems.append(
                Problem(
                    file: input.source, message: "model '\(input.predictions.model)' has classes \(input.predictions.classes.names.joined(separator: ", "))",
                    expected: "the classes of \(reference.name): \(reference.predictions.classes.names.joined(separator: ", "))"))
        }
        // Each patient's cohort per input; duplicates within an input are an error of their own.
        var cohortOf: [[String: String]] = []
        for input in inputs {
            var cohorts: [String: String] = [:]
            for (id, cohort) in zip(input.predictions.patientIds, input.predictions.cohorts) {
                if cohorts.updateValue(cohort, forKey: id) != nil {
                    problems.append(
                        Problem(
                            file: input.source, column: "patient_id", value: id,
                            message: "patient appears more than once for model '\(input.predictions.model)'",
                            expected: "one row per patient and model"))
                }
            }
            cohortOf.append(cohorts)
        }
        var order: [String] = [], seen: Set<String> = []
        for input in inputs { for id in input.predictions.patientIds where seen.insert(id).inserted { order.append(id) } }
        for id in order {
            let present = inputs.indices.filter { cohortOf[$0][id] != nil }
            let first = present[0]
            for i in inputs.indices where cohortOf[i][id] == nil {
                problems.append(
                    Problem(
                        file: inputs[i].source, column: "patient_id", value: id,
                        message: "patient missing for model '\(inputs[i].predictions.model)' (present in \(inputs[first].name), cohort \(cohortOf[first][id]!))",
                        expected: "the same patients in every model fused"))
            }
            for i in present.dropFirst() where cohortOf[i][id] != cohortOf[first][id] {
                problems.append(
                    Problem(
                        file: inputs[i].source, column: "cohort", value: cohortOf[i][id],
                        message: "patient \(id) is in cohort '\(cohortOf[i][id]!)' for model '\(inputs[i].predictions.model)' but in '\(cohortOf[first][id]!)' in \(inputs[first].name)",
                        expected: "the same cohort for a patient in every model fused"))
            }
        }
        guard !problems.isEmpty else { return }
        let note = problems.count > 100 ? [Problem(message: "… and \(problems.count - 100) more mismatches")] : []
        throw ValidationError(Array(problems.prefix(100)) + note)
    }
}

extension PredictionFusion {
    /// Every (file, model) input of `files` (each model of each file is one input), read with
    /// the classes of the first file; with `models`, only the models named. The problems of all
    /// files are reported together.
    ///
    /// - Parameters:
    ///   - files: predictions CSV files.
    ///   - models: the models to keep (empty: every model).
    /// - Returns: the inputs, in file and model order.
    /// - Throws: `ValidationError` with every problem of every file, and every model named that no file has.
    public static func readInputs(files: [String], models: [String] = []) throws -> [Input] {
        var inputs: [Input] = [], problems: [Problem] = []
        var classes: ClassSet? = nil
        for path in files {
            do {
                for p in try Predictions.read(path: path, classes: classes) {
                    classes = classes ?? p.classes
                    inputs.append(Input(source: path, predictions: p))
                }
            } catch let error as ValidationError {
                problems += error.problems
            }
        }
        if !problems.isEmpty { throw ValidationError(problems) }
        guard !models.isEmpty else { return inputs }
        var seen: Set<String> = []
        let known = inputs.map(\.predictions.model).filter { seen.insert($0).inserted }
        for name in models where !known.contains(name) {
            problems.append(
                Problem(
                    message: "--input-model \(name): no such model in \(files.joined(separator: ", "))",
                    expected: "one of \(known.joined(separator: ", "))"))
        }
        if !problems.isEmpty { throw ValidationError(problems) }
        return inputs.filter { models.contains($0.predictions.model) }
    }
}
