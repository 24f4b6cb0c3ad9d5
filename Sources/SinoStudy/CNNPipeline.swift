import Foundation
import SinoData
import SinoImaging
import SinoNet
import SinoReport

/// Where a CNN reads its patients: the images folder (data-schema/images.md) and the cohort
/// CSV with its dictionary and class column.
public struct CNNDataSource: Sendable, Equatable {
    public var images: String
    public var cohort: String
    /// A dictionary file or "sinonasal"; nil: the built-in one when the CSV has its columns.
    public var dictionary: String?
    public var label: String

    public init(images: String, cohort: String, dictionary: String? = nil, label: String = "pathology") {
        self.images = images
        self.cohort = cohort
        self.dictionary = dictionary
        self.label = label
    }

    /// The cohort, with the classes in `classOrder` when given.
    public func loadCohort(classOrder: [String]? = nil) throws -> Cohort {
        try CohortLoader.read(path: cohort, dictionary: dictionary, labelColumn: label, classOrder: classOrder).cohort
    }
}

/// What `cnn gradcam` explained: the layer, its map size and the patients.
public struct GradCAMRecord: Codable, Sendable, Equatable {
    public var layer: String
    public var mapHeight: Int
    public var mapWidth: Int
    public var inputSize: Int
    /// "predicted" or "true": which class was explained.
    public var explained: String
    public var patients: Int

    enum CodingKeys: String, CodingKey {
        case layer, mapHeight = "map_height", mapWidth = "map_width", inputSize = "input_size", explained, patients
    }
}

/// The three steps of a CNN, as `sinorad cnn train | predict | gradcam` and the study's CNN
/// stages run them: one implementation for both.
public enum CNNPipeline {
    /// Trains a CNN on the train cohort's slices, keeping the best validation epoch, and writes
    /// the model folder (model.safetensors, model.json, train_log.csv, checkpoint.safetensors).
    ///
    /// - Parameters:
    ///   - settings: everything that decides the result.
    ///   - data: the images and cohort.
    ///   - classOrder: the class order (default: the dictionary's).
    ///   - weights: a pretrained torchvision state_dict (safetensors).
    ///   - out: the model folder.
    ///   - resume: continue from the folder's checkpoint (the same settings are required).
    ///   - stopAfterEpochs: stop after this many epochs in total, leaving the checkpoint.
    ///   - progressEvery: a progress line every this many steps.
    ///   - threads: patients read at a time (nil: every core).
    ///   - progress: where progress lines go.
    /// - Returns: the model's description (model.json).
    /// - Throws: `StudyError` for settings out of range or bad weights, the data's errors.
    @discardableResult
    public static func train(
        settings: CNNTrainingSettings, data: CNNDataSource, classOrder: [String]? = nil, weights: String? = nil,
        out: URL, resume: Bool = false, stopAfterEpochs: Int? = nil, progressEvery: Int = 10,
        threads: Int? = nil, progress: ProgressHandler? = standardErrorProgress
    ) throws -> CNNModelInfo {
        var settings = settings
        settings.pretrained = weights.map { URL(fileURLWithPath: $0).lastPathComponent }
        let problems = settings.problems
        guard problems.isEmpty else { throw StudyError(problems.joined(separator: "; ")) }
        guard progressEvery >= 1 else { throw StudyError("--progress-every must be at least 1") }
        let pre = settings.preprocess
        try settings.arch.checkInputSize(Shape(1, 1, pre.outputSize, pre.outputSize))
        let pretrained = try weights.map { try SafeTensors.read(path: $0, what: "weights") }
        let table = try data.loadCohort(classOrder: classOrder)
        let start = Date()
        let train = try CNNSliceDataset.load(images: data.images, cohort: table, splits: ["train"], settings: pre, threads: threads)
        let validation = try CNNSliceDataset.load(images: data.images, cohort: table, splits: ["validation"], settings: pre, threads: threads)
        progress?(
            String(
                format: "%@ slices: %d train (%d patients), %d validation (%d patients), %dx%d, read in %.1f s",
                pre.sequences.joined(separator: "+"), train.samples.count, train.patientIDs.count, validation.samples.count,
                validation.patientIDs.count, pre.outputSize, pre.outputSize, Date().timeIntervalSince(start)))
        let run: CNNTrainingRun
        do {
            run = try CNNTrainingRun(
                settings: settings, train: train, validation: validation, folder: out,
                pretrained: pretrained, version: SinoRadVersion.current)
        } catch let error as StateDictError {
            throw StudyError("weights \(weights ?? ""): \(userMessage(error))")
        }
        run.progressEvery = progressEvery
        run.progress = progress
        let info = try run.run(resume: resume, stopAfterEpochs: stopAfterEpochs)
        let auc = info.validationMacroAUC.map { String(format: "%.4f", $0) } ?? "undefined"
        progress?(
            "\(info.arch) \(pre.sequences.joined(separator: "+")): \(info.epochsCompleted)/\(settings.epochs) epochs, best epoch \(info.bestEpoch) "
                + "(validation macro-AUC \(auc)), \(String(format: "%.0f", Date().timeIntervalSince(start))) s -> \(out.path)/model.safetensors")
        return info
    }

    /// Patient-level predictions of a trained CNN (the mean of its slices' softmax), written as
    /// a predictions CSV.
    ///
    /// - Parameters:
    ///   - model: the model folder `train` wrote.
    ///   - data: the images and cohort.
    ///   - cohorts: the cohorts whose patients are predicted.
    ///   - name: the model name in the CSV (default `<arch>-<sequence>`).
    ///   - tta: average each slice over its flips too.
    ///   - threads: patients read at a time (nil: every core).
    ///   - out: the predictions CSV, written atomically.
    ///   - progress: where progress lines go.
    /// - Returns: the predictions.
    /// - Throws: the model's or the data's errors; `StudyError` when the classes differ.
    @discardableResult
    public static func predict(
        model: URL, data: CNNDataSource, cohorts: [String], name: String? = nil, tta: Bool = false,
        threads: Int? = nil, out: String, progress: ProgressHandler? = standardErrorProgress
    ) throws -> Predictions {
        let trained = try TrainedCNN(folder: model)
        let table = try data.loadCohort(classOrder: trained.info.classes)
        guard table.classes.names == trained.info.classes else {
            throw StudyError("the cohort's classes \(table.classes.names.joined(separator: ", ")) differ from the model's \(trained.info.classes.joined(separator: ", "))")
        }
        let dataset = try CNNSliceDataset.load(images: data.images, cohort: table, splits: cohorts, settings: trained.preprocessing, threads: threads)
        let predictions = trained.predict(dataset, name: name, flips: tta)
        try AtomicFile.write(Predictions.csv([predictions]), to: out)
        progress?("\(predictions.model): \(predictions.count) patients (\(cohorts.joined(separator: ", "))), \(dataset.samples.count) slices -> \(out)")
        return predictions
    }

    /// Grad-CAM overlays of a trained CNN: a figure per patient (the slice with the largest
    /// ROI), a montage per true class and one of all classes, and gradcam.json.
    ///
    /// - Parameters:
    ///   - model: the model folder `train` wrote.
    ///   - source: the images and cohort.
    ///   - cohorts: the cohorts whose patients are explained.
    ///   - explainTrueClass: explain the true class instead of the predicted one.
    ///   - layer: "auto" (the deepest layer whose map has at least `minMap` pixels a side) or a layer name.
    ///   - minMap: the smallest accepted side of the layer's map.
    ///   - perClass: patients per class in the montages.
    ///   - formats: the figure formats.
    ///   - out: the folder the figures go into.
    ///   - progress: where progress lines go.
    /// - Returns: what was explained.
    /// - Throws: `StudyError` for a layer that does not exist or is too coarse; the model's, data's or figures' errors.
    @discardableResult
    public static func gradCAM(
        model: URL, data source: CNNDataSource, cohorts: [String], explainTrueClass: Bool = false,
        layer: String = "auto", minMap: Int = 7, perClass: Int = 4, formats: [FigureFormat] = [.png],
        out: URL, progress: ProgressHandler? = standardErrorProgress
    ) throws -> GradCAMRecord {
        guard perClass >= 1 else { throw StudyError("--per-class must be at least 1, got \(perClass)") }
        guard minMap >= 1 else { throw StudyError("--min-map must be at least 1, got \(minMap)") }
        let trained = try TrainedCNN(folder: model, batchSize: 1, trainable: true)
        let target = try targetLayer(trained, layer: layer, minMap: minMap)
        let (mapHeight, mapWidth) = trained.model.gradCAMMapSize(target)!
        let layerText = "\(target), \(mapHeight) x \(mapWidth) map"
        let explain = explainTrueClass ? "true" : "predicted"
        let table = try source.loadCohort(classOrder: trained.info.classes)
        let data = try CNNSliceDataset.load(images: source.images, cohort: table, splits: cohorts, settings: trained.preprocessing)
        let classNames = trained.info.classes
        var tilesByClass = [[GradCAMTile]](repeating: [], count: classNames.count)
        let size = data.size, plane = size * size
        func write(_ figure: some RenderableFigure, _ name: String) throws {
            for format in formats { try figure.write(to: out.appendingPathComponent("\(name).\(format.rawValue)").path, format: format) }
        }
        for (p, id) in data.patientIDs.enumerated() {
            // The patient's slice with the largest ROI area (the first such, in slice order).
            let own = data.samples.indices.filter { data.samplePatients[$0] == p }
            guard let best = own.max(by: { data.samples[$0].mask.reduce(0, +) < data.samples[$1].mask.reduce(0, +) }) else { continue }
            let sample = data.samples[best]
            let input = Tensor(trained.model.inputShape, values: sample.planes)
            let truth = data.patientLabels[p]
            let result = GradCAM.compute(trained.model, images: input, classes: explainTrueClass ? [truth] : nil, layer: target)
            let probabilities = ImageClassifier.softmax(result.logits.values)
            let predicted = argmax(probabilities)
            let caption = "\(id): \(classNames[truth]) → \(classNames[predicted]) \(String(format: "%.2f", probabilities[predicted]))"
            let tile = try GradCAMTile(
                width: size, height: size, image: Array(sample.planes[0..<plane]),
                heatmap: result.heatmaps.values, mask: sample.mask, caption: caption)
            let title = "\(trained.info.defaultName): Grad-CAM (\(layerText)) of the \(explain) class \(classNames[result.classes[0]])"
            try write(try GradCAMOverlayFigure(title: title, tile: tile), id)
            if tilesByClass[truth].count < perClass { tilesByClass[truth].append(tile) }
        }
        for (c, name) in classNames.enumerated() where !tilesByClass[c].isEmpty {
            try write(
                try GradCAMMontageFigure(
                    title: "\(trained.info.defaultName): Grad-CAM (\(layerText)), true class \(name)",
                    tiles: tilesByClass[c], columns: min(perClass, 4)), "montage_\(name)")
        }
        let rows = classNames.enumerated().filter { !tilesByClass[$0.offset].isEmpty }.map { (name: $0.element, tiles: tilesByClass[$0.offset]) }
        if !rows.isEmpty {
            try write(
                try GradCAMMontageFigure.byClass(
                    title: "\(trained.info.defaultName): Grad-CAM (\(layerText)) by class", classes: rows,
                    perClass: perClass), "montage")
        }
        let record = GradCAMRecord(
            layer: target, mapHeight: mapHeight, mapWidth: mapWidth, inputSize: size, explained: explain,
            patients: data.patientIDs.count)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(encoder.encode(record), to: out.appendingPathComponent("gradcam.json").path)
        progress?("\(trained.info.defaultName): Grad-CAM at \(layerText) of \(data.patientIDs.count) patients (\(cohorts.joined(separator: ", "))) -> \(out.path)")
        return record
    }

    /// The layer to explain: `layer`, or the deepest layer whose map has at least `minMap`
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
                throw StudyError("no layer of \(trained.info.arch) has a map of at least \(minMap) x \(minMap) at the \(input) x \(input) input (\(all)); lower --min-map")
            }
            return chosen
        }
        guard let (h, w) = model.gradCAMMapSize(layer) else {
            throw StudyError("--layer \(layer): not a layer of \(trained.info.arch); expected auto or one of \(all)")
        }
        guard min(h, w) >= minMap else {
            throw StudyError(
                "--layer \(layer): its map is \(h) x \(w) at the \(input) x \(input) input, coarser than --min-map \(minMap) (a Grad-CAM of so few cells shows blocks, not structure); choose one of \(all) or lower --min-map"
            )
        }
        return layer
    }
}

extension CNNArchitecture {
    /// DenseNet's transitions average-pool 2x2 without padding: every transition needs a
    /// feature map of at least 2x2 (torch raises "Output size is too small" otherwise).
    /// ResNets take any input of at least one pixel.
    public func checkInputSize(_ s: Shape) throws {
        guard isDenseNet else { return }
        let blocks = DenseNet.densenet121.blockConfig.count // 121 and 169 both have four blocks
        for (axis, size) in [("height", s[2]), ("width", s[3])] {
            var x = (size - 1) / 2 + 1 // conv0 7x7 s2 p3
            x = (x - 1) / 2 + 1 // pool0 3x3 s2 p1
            for _ in 1..<blocks {
                guard x >= 2 else {
                    throw StudyError("input \(axis) \(size) is too small for DenseNet (its transitions need feature maps of at least 2x2; use at least 29 pixels per side for densenet121)")
                }
                x = (x - 2) / 2 + 1
            }
        }
    }
}

extension SafeTensors {
    /// Reads a safetensors file, saying which file (`what`: "weights", "input") is missing or broken.
    public static func read(path: String, what: String) throws -> SafeTensors {
        guard FileManager.default.fileExists(atPath: path) else { throw StudyError("\(what) file \(path) not found") }
        do {
            return try SafeTensors(contentsOf: URL(fileURLWithPath: path))
        } catch let error as SafeTensorsError {
            throw StudyError("\(what) file \(path) is not a valid safetensors file: \(userMessage(error))")
        }
    }
}
