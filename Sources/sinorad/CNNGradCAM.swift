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
            For every patient of --cohorts, the slice with the largest tumour area is \
            preprocessed as in training (no augmentation) and explained with Grad-CAM \
            (pytorch-grad-cam's semantics; the predicted class unless --explain true). The \
            target layer is --layer; by default the deepest stage whose map has at least \
            --min-map pixels a side (layer4 for ResNet and features.norm5 for DenseNet at \
            224 x 224, layer2 at 64 x 64, where layer4's map is only 2 x 2), and a layer \
            coarser than --min-map is refused. The figures name the layer and its map size, \
            and gradcam.json records them. Each figure shows the \
            MRI slice, the heatmap in the jet colour map blended half and half, and the ROI \
            contour in white; the caption reads "<patient>: <true class> → <predicted class> \
            <its probability>". Writes <out>/<patient_id>.<format> for each patient, \
            <out>/montage_<class>.<format> (up to --per-class patients of each true class) \
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

        @Option(help: "Target layer: auto, or a stage (layer1 ... layer4; features.denseblock1 ... features.norm5 for DenseNet).")
        var layer: String = "auto"

        @Option(help: "Smallest side of the layer's map, in pixels, that is accepted (auto takes the deepest layer with at least this).")
        var minMap: Int = 7

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
                guard minMap >= 1 else { throw CommandFailure(message: "--min-map must be at least 1, got \(minMap)") }
                let trained = try TrainedCNN(folder: URL(fileURLWithPath: model), batchSize: 1, trainable: true)
                let target = try Self.targetLayer(trained, layer: layer, minMap: minMap)
                let (mapHeight, mapWidth) = trained.model.gradCAMMapSize(target)!
                let layerText = "\(target), \(mapHeight) x \(mapWidth) map"
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
                    let result = GradCAM.compute(trained.model, images: input, classes: explain == "true" ? [truth] : nil, layer: target)
                    let p = ImageClassifier.softmax(result.logits.values)
                    let predicted = argmax(p)
                    let probability = p[predicted]
                    let caption = "\(id): \(classNames[truth]) → \(classNames[predicted]) \(String(format: "%.2f", probability))"
                    let tile = try GradCAMTile(width: size, height: size, image: Array(sample.planes[0..<plane]),
                                               heatmap: result.heatmaps.values, mask: sample.mask, caption: caption)
                    let title = "\(trained.info.defaultName): Grad-CAM (\(layerText)) of the \(explain == "true" ? "true" : "predicted") class \(classNames[result.classes[0]])"
                    let figure = try GradCAMOverlayFigure(title: title, tile: tile)
                    for format in figureFormats {
                        try figure.write(to: URL(fileURLWithPath: out).appendingPathComponent("\(id).\(format.rawValue)").path, format: format)
                    }
                    if tilesByClass[truth].count < perClass { tilesByClass[truth].append(tile) }
                }
                for (c, name) in classNames.enumerated() where !tilesByClass[c].isEmpty {
                    let montage = try GradCAMMontageFigure(title: "\(trained.info.defaultName): Grad-CAM (\(layerText)), true class \(name)",
                                                           tiles: tilesByClass[c], columns: min(perClass, 4))
                    for format in figureFormats {
                        try montage.write(to: URL(fileURLWithPath: out).appendingPathComponent("montage_\(name).\(format.rawValue)").path, format: format)
                    }
                }
                let rows = classNames.enumerated().filter { !tilesByClass[$0.offset].isEmpty }.map { (name: $0.element, tiles: tilesByClass[$0.offset]) }
                if !rows.isEmpty {
                    let all = try GradCAMMontageFigure.byClass(title: "\(trained.info.defaultName): Grad-CAM (\(layerText)) by class", classes: rows, perClass: perClass)
                    for format in figureFormats {
                        try all.write(to: URL(fileURLWithPath: out).appendingPathComponent("montage.\(format.rawValue)").path, format: format)
                    }
                }
                let record: [String: Any] = ["layer": target, "map_height": mapHeight, "map_width": mapWidth, "input_size": size,
                                             "explained": explain, "patients": data.patientIDs.count]
                try AtomicFile.write(JSONSerialization.data(withJSONObject: record, options: [.prettyPrinted, .sortedKeys]),
                                     to: URL(fileURLWithPath: out).appendingPathComponent("gradcam.json").path)
                note("\(trained.info.defaultName): Grad-CAM at \(layerText) of \(data.patientIDs.count) patients (\(splits.joined(separator: ", "))) -> \(out)")
            }
        }
    
        /// The layer to explain: --layer, or the deepest layer whose map has at least --min-map
        /// pixels a side; a layer coarser than that is refused with the layers that would do.
        static func targetLayer(_ trained: TrainedCNN, layer: String, minMap: Int) throws -> String {
            let model = trained.model, input = model.inputShape[2]
            func described(_ name: String) -> String {
                let (h, w) = model.gradCAMMapSize(name)!
                return "\(name) (\(h) x \(w))"
            }
            let all = model.gradCAMLayers.map(described).joined(separator: ", ")
            if layer == "auto" {
                guard let chosen = GradCAM.automaticLayer(model, minimumSide: minMap) else {
                    throw CommandFailure(message: "no layer of \(trained.info.arch) has a map of at least \(minMap) x \(minMap) at the \(input) x \(input) input (\(all)); lower --min-map")
                }
                return chosen
            }
            guard let (h, w) = model.gradCAMMapSize(layer) else {
                throw CommandFailure(message: "--layer \(layer): not a layer of \(trained.info.arch); expected auto or one of \(all)")
            }
            guard min(h, w) >= minMap else {
                throw CommandFailure(message: "--layer \(layer): its map is \(h) x \(w) at the \(input) x \(input) input, coarser than --min-map \(minMap) (a Grad-CAM of so few cells shows blocks, not structure); choose one of \(all) or lower --min-map")
            }
            return layer
        }
}
}
