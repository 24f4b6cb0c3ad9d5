import ArgumentParser
import Foundation
import SinoData
import SinoImaging
import SinoNet
import SinoReport
import SinoStudy

extension CNN {
    struct GradCAMCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "gradcam",
            abstract: "Grad-CAM overlays of a trained CNN: one figure per patient and a montage per class.",
            discussion: """
            For every patient of --cohorts, the slice with the largest tumour area is
            preprocessed as in training (no augmentation) and explained with Grad-CAM
            (pytorch-grad-cam's semantics: target layer layer4 for ResNet, features.norm5
            for DenseNet; the predicted class unless --explain true). Each figure shows the
            MRI slice, the heatmap in the jet colour map blended half and half, and the ROI
            contour in white; the caption reads "<patient>: <true class> → <predicted class>
            <its probability>". Writes <out>/<patient_id>.<format> for each patient,
            <out>/montage_<class>.<format> (up to --per-class patients of each true class)
            and <out>/montage.<format> (one row per class). Every file is written atomically.

            Example:
              sinorad cnn gradcam --model models/resnet18-ADC --images syn/images \\
                  --cohort syn/cohort.csv --cohorts test --out reports/gradcam-ADC
            """)

        @Option(help: "Model folder written by sinorad cnn train.")
        var model: String

        @OptionGroup var source: CNNDataOptions

        @Option(help: "Cohorts whose patients are explained, comma-separated.")
        var cohorts: String = "test"

        @Option(help: "Explain the predicted class (predicted) or the true class (true).")
        var explain: String = "predicted"

        @Option(help: "Patients per class in the montages.")
        var perClass: Int = 4

        @Option(help: "Figure formats, comma-separated: png, svg, pdf.")
        var formats: String = "png"

        @Option(help: "Folder to write the figures into (created if missing).")
        var out: String

        func run() throws {
            try SinoRad.guarded {
                guard ["predicted", "true"].contains(explain) else {
                    throw CommandFailure(message: "--explain must be predicted or true, got '\(explain)'")
                }
                guard perClass >= 1 else { throw CommandFailure(message: "--per-class must be at least 1, got \(perClass)") }
                let figureFormats = try parseFigureFormats(formats)
                let trained = try TrainedCNN(folder: URL(fileURLWithPath: model), batchSize: 1)
                let table = try loadCNNCohort(source.cohort, dictionary: source.dictionary, label: source.label, classOrder: trained.info.classes)
                let splits = cohorts.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                let data = try CNNSliceDataset.load(images: source.images, cohort: table, splits: splits, settings: trained.preprocessing)
                let classNames = trained.info.classes
                var tilesByClass = [[GradCAMTile]](repeating: [], count: classNames.count)
                let size = data.size, plane = size * size
                for (p, id) in data.patientIDs.enumerated() {
                    // The patient's slice with the largest ROI area (the first such, in slice order).
                    let own = data.samples.indices.filter { data.samplePatients[$0] == p }
                    guard let best = own.max(by: { data.samples[$0].mask.reduce(0, +) < data.samples[$1].mask.reduce(0, +) }) else { continue }
                    let sample = data.samples[best]
                    let input = Tensor(trained.model.inputShape, values: sample.planes)
                    let truth = data.patientLabels[p]
                    let result = GradCAM.compute(trained.model, images: input, classes: explain == "true" ? [truth] : nil)
                    let p = ImageClassifier.softmax(result.logits.values)
                    let predicted = p.firstIndex(of: p.max()!)!
                    let probability = p[predicted]
                    let caption = "\(id): \(classNames[truth]) → \(classNames[predicted]) \(String(format: "%.2f", probability))"
                    let tile = try GradCAMTile(width: size, height: size, image: Array(sample.planes[0..<plane]),
                                               heatmap: result.heatmaps.values, mask: sample.mask, caption: caption)
                    let title = "\(trained.info.defaultName): Grad-CAM of the \(explain == "true" ? "true" : "predicted") class \(classNames[result.classes[0]])"
                    let figure = try GradCAMOverlayFigure(title: title, tile: tile)
                    for format in figureFormats {
                        try figure.write(to: URL(fileURLWithPath: out).appendingPathComponent("\(id).\(format.rawValue)").path, format: format)
                    }
                    if tilesByClass[truth].count < perClass { tilesByClass[truth].append(tile) }
                }
                for (c, name) in classNames.enumerated() where !tilesByClass[c].isEmpty {
                    let montage = try GradCAMMontageFigure(title: "\(trained.info.defaultName): Grad-CAM, true class \(name)",
                                                           tiles: tilesByClass[c], columns: min(perClass, 4))
                    for format in figureFormats {
                        try montage.write(to: URL(fileURLWithPath: out).appendingPathComponent("montage_\(name).\(format.rawValue)").path, format: format)
                    }
                }
                let rows = classNames.enumerated().filter { !tilesByClass[$0.offset].isEmpty }.map { (name: $0.element, tiles: tilesByClass[$0.offset]) }
                if !rows.isEmpty {
                    let all = try GradCAMMontageFigure.byClass(title: "\(trained.info.defaultName): Grad-CAM by class", classes: rows, perClass: perClass)
                    for format in figureFormats {
                        try all.write(to: URL(fileURLWithPath: out).appendingPathComponent("montage.\(format.rawValue)").path, format: format)
                    }
                }
                note("\(trained.info.defaultName): Grad-CAM of \(data.patientIDs.count) patients (\(splits.joined(separator: ", "))) -> \(out)")
            }
        }
    }
}
