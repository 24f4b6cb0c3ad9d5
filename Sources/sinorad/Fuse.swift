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
        let inputs = try PredictionFusion.readInputs(files: predictions, models: inputModels)
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
}
