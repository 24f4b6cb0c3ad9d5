import ArgumentParser
import Foundation
import SinoData

extension PredictionFusion.Method: ExpressibleByArgument {}

struct Fuse: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fuse several models' predictions into one: the mean (or the renormalised maximum) of their class probabilities.",
        discussion: """
            Reads predictions CSV files (patient_id, cohort, model, p_<class>...; see \
            data-schema/predictions.schema.json). Every model in every file is one input \
            (a file with three models gives three inputs); --input-model keeps only the \
            models named. The inputs must have the same classes and the same patients, \
            each in the same cohort: every mismatch is reported at once (which patient \
            is missing from which file and model, which cohorts disagree).

            --method mean averages the probabilities class by class; --method max takes \
            each class's largest probability over the inputs and divides the row by its \
            sum. The result is one model, named by --model, in the predictions CSV \
            format.

            Examples:
              sinorad fuse t2.csv ce.csv adc.csv --model resnet101-mean --out fused.csv
              sinorad fuse --method max cnn.csv --input-model T2 --input-model ADC --model cnn-max
            """)

    @Argument(help: "Predictions CSV files (each may hold several models).")
    var predictions: [String]

    @Option(help: "How to combine the probabilities: mean or max.")
    var method: PredictionFusion.Method = .mean

    @Option(help: "Name of the fused model (the model column of the output).")
    var model: String

    @Option(name: .customLong("input-model"), help: "Fuse only this model of the files (repeat for several); default: every model.")
    var inputModels: [String] = []

    @Option(help: "Write the fused predictions CSV to this file (atomically) instead of standard output.")
    var out: String?

    func run() throws {
        let inputs = try readInputs()
        let fused = try PredictionFusion.fuse(inputs, method: method, model: model)
        let text = Predictions.csv([fused])
        note("fused \(inputs.count) models (\(method.rawValue)): \(inputs.map(\.name).joined(separator: ", ")) -> '\(model)', \(fused.count) patients")
        if let out {
            try AtomicFile.write(text, to: out)
            note("wrote \(out)")
        } else {
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }

    /// Every (file, model) input, with the classes of the first file; the problems of all
    /// files are reported together.
    func readInputs() throws -> [PredictionFusion.Input] {
        var inputs: [PredictionFusion.Input] = [], problems: [Problem] = []
        var classes: ClassSet? = nil
        for path in predictions {
            do {
                for p in try Predictions.read(path: path, classes: classes) {
                    classes = classes ?? p.classes
                    inputs.append(PredictionFusion.Input(source: path, predictions: p))
                }
            } catch let error as SinoData.ValidationError {
                problems += error.problems
            }
        }
        if !problems.isEmpty { throw SinoData.ValidationError(problems) }
        if !inputModels.isEmpty {
            for name in inputModels where !inputs.contains(where: { $0.predictions.model == name }) {
                problems.append(
                    Problem(
                        message: "--input-model \(name): no such model in \(predictions.joined(separator: ", "))",
                        expected: "one of \(inputs.map(\.predictions.model).uniquedNames().joined(separator: ", "))"))
            }
            if !problems.isEmpty { throw SinoData.ValidationError(problems) }
            inputs = inputs.filter { inputModels.contains($0.predictions.model) }
        }
        return inputs
    }
}

extension Array where Element == String {
    /// The names in order, each once.
    func uniquedNames() -> [String] {
        var seen: Set<String> = []
        return filter { seen.insert($0).inserted }
    }
}
