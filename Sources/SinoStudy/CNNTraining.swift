import Foundation
import SinoData
import SinoImaging
import SinoNet
import SinoStats

/// Everything that decides a CNN training run's result (saved in model.json and the
/// checkpoint; `--resume` requires it unchanged).
public struct CNNTrainingSettings: Codable, Sendable, Equatable {
    /// The network, by torchvision name.
    public var arch = CNNArchitecture.resnet18
    /// Slice selection, crop, size, normalisation, augmentation (sequences: the model's input).
    public var preprocess = PreprocessSettings()
    /// false: the training samples are used as preprocessed.
    public var augment = true
    public var epochs = 10
    public var batchSize = 16
    /// Base learning rate of the cosine schedule (to 0 over all steps).
    public var learningRate = 0.01
    /// SGD (momentum 0.9) or AdamW.
    public var optimizer = CNNOptimizer.sgd
    public var momentum = 0.9
    public var weightDecay = 1e-4
    /// Balanced (n / (K n_c) over the training patients) or none.
    public var classWeights = CNNClassWeights.balanced
    public var seed: UInt64 = 20250056
    /// File name of the pretrained state_dict, when one was used.
    public var pretrained: String?
    /// First epoch (1-based) that may be kept as the best one; nil = every epoch. Early epochs
    /// of a small validation cohort can score a high macro-AUC by chance before the network
    /// has settled; skipping them makes the choice less noisy.
    public var selectFrom: Int?

    public init() {}

    enum CodingKeys: String, CodingKey {
        case arch, preprocess, augment, epochs, batchSize = "batch_size", learningRate = "learning_rate", optimizer
        case momentum, weightDecay = "weight_decay", classWeights = "class_weights", seed, pretrained
        case selectFrom = "select_from"
    }

    /// Settings out of range, one message each.
    public var problems: [String] {
        var found: [String] = []
        if epochs < 1 { found.append("epochs must be at least 1, got \(epochs)") }
        if batchSize < 2 { found.append("batch size must be at least 2 (BatchNorm), got \(batchSize)") }
        if !(learningRate > 0 && learningRate.isFinite) { found.append("learning rate must be positive, got \(learningRate)") }
        if !(weightDecay >= 0 && weightDecay.isFinite) { found.append("weight decay must be 0 or more, got \(weightDecay)") }
        if let first = selectFrom, !(1...max(epochs, 1)).contains(first) {
            found.append("the first selectable epoch must be between 1 and the epochs (\(epochs)), got \(first)")
        }
        if let p = preprocess.problems { found.append(p) }
        return found
    }

    var canonicalJSON: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try! encoder.encode(self), as: UTF8.self)
    }
}

/// The architectures, by torchvision name.
public enum CNNArchitecture: String, CaseIterable, Codable, Sendable, CodingKeyRepresentable, ConfigEnum {
    case resnet18, resnet34, resnet50, resnet101, resnet152, densenet121, densenet169

    public static var names: [String] { allCases.map(\.rawValue) }

    public var isDenseNet: Bool { rawValue.hasPrefix("densenet") }

    /// The network for inputs of `inputShape` with a head of `classes`, on `CNNThreads.count`
    /// threads.
    public func make(inputShape: Shape, classes: Int, seed: UInt64, trainable: Bool) throws -> ImageClassifier {
        guard let model = ImageClassifier.named(rawValue, inputShape: inputShape, classes: classes, seed: seed, trainable: trainable) else {
            throw ValidationError(Problem(message: "unknown architecture '\(rawValue)'", expected: Self.names.joined(separator: ", ")))
        }
        model.threads = CNNThreads.count
        return model
    }
}

/// The threads of each pass of the networks built in this scope (`ImageClassifier.threads`; the
/// results do not depend on it): the study gives each of the trainings that run at once its share
/// of the cores, `sinorad cnn` commands take `--threads`. Default: `Workers.fromEnvironment()`.
public enum CNNThreads {
    @TaskLocal static var scoped: Int?

    /// The thread count in this scope.
    public static var count: Int { scoped ?? Workers.fromEnvironment() }

    /// Runs `body` with networks on `threads` threads (nil: the default).
    public static func with<T>(_ threads: Int?, _ body: () throws -> T) rethrows -> T {
        try $scoped.withValue(threads ?? scoped, operation: body)
    }
}

/// The optimisers of a CNN training.
public enum CNNOptimizer: String, CaseIterable, Codable, Sendable, ConfigEnum {
    /// SGD with momentum 0.9 (L2 weight decay).
    case sgd
    /// AdamW (decoupled weight decay).
    case adamw
}

/// The class weights of a CNN's cross-entropy.
public enum CNNClassWeights: String, CaseIterable, Codable, Sendable, ConfigEnum {
    /// n / (K n_c) over the training patients.
    case balanced
    case none
}

/// One row of train_log.csv.
public struct CNNEpochLog: Codable, Sendable, Equatable {
    /// Counted from 1.
    public var epoch: Int
    /// Mean (class-weighted) loss of the epoch's training steps.
    public var trainLoss: Double
    /// Mean unweighted cross-entropy of the validation slices (eval mode).
    public var validationLoss: Double
    /// Patient-level macro AUC on the validation cohort (nil when undefined).
    public var validationMacroAUC: Double?
    /// The learning rate of the epoch's last step.
    public var learningRate: Double
    public var seconds: Double

    public static let header = ["epoch", "train_loss", "val_loss", "val_macro_auc", "learning_rate", "seconds"]
    public var fields: [String] {
        [
            String(epoch), "\(trainLoss)", "\(validationLoss)", validationMacroAUC.map { "\($0)" } ?? "",
            "\(learningRate)", String(format: "%.2f", seconds)
        ]
    }
}

/// What model.json holds.
public struct CNNModelInfo: Codable, Sendable, Equatable {
    public var format = "sinorad-cnn-model"
    public var synthetic: Bool?
    public var arch: String
    public var sequences: [String]
    public var classes: [String]
    public var inputSize: Int
    public var channels: Int
    public var batchSize: Int
    public var preprocessing: PreprocessSettings
    public var settings: CNNTrainingSettings
    public var seed: String
    public var epochsCompleted: Int
    public var bestEpoch: Int
    public var validationMacroAUC: Double?
    public var weights = "model.safetensors"
    public var sinoradVersion: String

    enum CodingKeys: String, CodingKey {
        case format, synthetic, arch, sequences, classes, inputSize = "input_size", channels, batchSize = "batch_size"
        case preprocessing, settings, seed, epochsCompleted = "epochs_completed", bestEpoch = "best_epoch"
        case validationMacroAUC = "validation_macro_auc", weights, sinoradVersion = "sinorad_version"
    }

    /// The model's name in predictions: `<arch>-<sequence>` (sequences joined by +).
    public var defaultName: String { arch + "-" + sequences.joined(separator: "+") }
}

/// The run state saved beside the Trainer's checkpoint (metadata key "sinorad_cnn").
struct CNNRunState: Codable, Equatable {
    var settings: String
    var epochsCompleted: Int
    var bestEpoch: Int?
    var bestMacroAUC: Double?
    var log: [CNNEpochLog]
    /// Data order: the shuffle of epoch e is a function of (seed, e); the next epoch to run.
    var dataSeed: String
    var nextEpoch: Int
}

/// Trains one CNN on a training dataset, evaluating each epoch on a validation dataset, and
/// keeps the files of MODELDIR (docs/CNN.md): model.safetensors (best epoch), model.json,
/// train_log.csv and checkpoint.safetensors, each written atomically.
///
///     let run = try CNNTrainingRun(settings: s, train: train, validation: validation, folder: dir, version: "0.1.0")
///     run.progress = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
///     let info = try run.run(resume: false)
public final class CNNTrainingRun {
    public let settings: CNNTrainingSettings
    public let train: CNNSliceDataset
    public let validation: CNNSliceDataset
    public let folder: URL
    public let version: String
    /// Progress lines (steps, epochs, ETA).
    public var progress: ((String) -> Void)?
    /// A step line every this many steps.
    public var progressEvery = 10
    public let model: ImageClassifier
    public let trainer: Trainer
    public let batchSize: Int

    public var modelURL: URL { folder.appendingPathComponent("model.safetensors") }
    public var infoURL: URL { folder.appendingPathComponent("model.json") }
    public var logURL: URL { folder.appendingPathComponent("train_log.csv") }
    public var checkpointURL: URL { folder.appendingPathComponent("checkpoint.safetensors") }

    public init(
        settings: CNNTrainingSettings, train: CNNSliceDataset, validation: CNNSliceDataset, folder: URL,
        pretrained: SafeTensors? = nil, version: String
    ) throws {
        let problems = settings.problems
        guard problems.isEmpty else { throw ValidationError(problems.map { Problem(message: $0) }) }
        guard !train.samples.isEmpty, !validation.samples.isEmpty else {
            throw ValidationError(Problem(message: "the training and validation cohorts need at least one patient each"))
        }
        self.settings = settings; self.train = train; self.validation = validation; self.folder = folder
        self.version = version
        let classes = train.classes.count, channels = train.channels, size = train.size
        batchSize = min(settings.batchSize, max(2, train.samples.count))
        let shape = Shape(batchSize, channels, size, size)
        if let pretrained {
            let head = pretrained.entry("fc.weight") ?? pretrained.entry("classifier.weight")
            let first = pretrained.entry("conv1.weight") ?? pretrained.entry("features.conv0.weight")
            guard let head, let first, head.shape.count == 2, first.shape.count == 4 else {
                throw ValidationError(
                    Problem(
                        file: pretrained.source, message: "no fc/classifier.weight or conv1/features.conv0.weight",
                        expected: "a torchvision state_dict of \(settings.arch.rawValue)"))
            }
            let m = try settings.arch.make(
                inputShape: Shape(batchSize, first.shape[1], size, size),
                classes: head.shape[0], seed: settings.seed, trainable: true)
            try m.loadStateDict(pretrained)
            m.adaptFirstConv(inChannels: channels)
            m.replaceHead(classes: classes)
            model = m
        } else {
            model = try settings.arch.make(inputShape: shape, classes: classes, seed: settings.seed, trainable: true)
        }
        let optimizer: any Optimizer =
            settings.optimizer == .adamw
            ? AdamW(parameters: model.parameters.layout, learningRate: settings.learningRate, weightDecay: settings.weightDecay)
            : SGD(
                parameters: model.parameters.layout, learningRate: settings.learningRate, momentum: settings.momentum,
                weightDecay: settings.weightDecay)
        let weights = settings.classWeights == .balanced ? try train.balancedClassWeights() : nil
        let stepsPerEpoch = train.samples.count / batchSize
        trainer = Trainer(
            model: model, optimizer: optimizer, loss: CrossEntropyLoss(classWeights: weights),
            schedule: .cosine(base: settings.learningRate, period: max(1, settings.epochs * stepsPerEpoch)),
            seed: settings.seed)
    }

    /// Trains (from the checkpoint with `resume`) until `settings.epochs` epochs are done, or
    /// `stopAfterEpochs` in total (to simulate an interruption). Returns model.json's content.
    @discardableResult
    public func run(resume: Bool, stopAfterEpochs: Int? = nil) throws -> CNNModelInfo {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var state = CNNRunState(
            settings: settings.canonicalJSON, epochsCompleted: 0, bestEpoch: nil, bestMacroAUC: nil,
            log: [], dataSeed: String(settings.seed), nextEpoch: 0)
        if resume {
            state = try restore()
            progress?("resuming \(checkpointURL.path) after epoch \(state.epochsCompleted) of \(settings.epochs)")
        }
        let stop = min(settings.epochs, stopAfterEpochs ?? settings.epochs)
        let validationImages = validation.allImages
        var epochSeconds: [Double] = []
        for epoch in state.nextEpoch..<max(state.nextEpoch, stop) {
            let started = Date()
            trainer.epoch = epoch
            let batches = train.epochBatches(epoch: epoch, batchSize: batchSize, seed: settings.seed)
            let augment = settings.augment ? AugmentPass(seed: settings.seed, epoch: epoch) : nil
            let data = train
            let prefetcher = BatchPrefetcher(count: batches.count) { i in data.batch(batches[i], augment: augment) }
            let input = Tensor(model.inputShape)
            var lossSum = 0.0, lastRate = settings.learningRate
            var step = 0
            while let batch = prefetcher.next() {
                batch.images.withUnsafeBufferPointer { input.data.update(from: $0.baseAddress!, count: $0.count) }
                let rate = trainer.schedule?.learningRate(at: trainer.step) ?? settings.learningRate
                let loss = try trainer.step(images: input, labels: batch.labels)
                lossSum += Double(loss)
                lastRate = rate
                step += 1
                if step % progressEvery == 0 || step == batches.count {
                    let elapsed = Date().timeIntervalSince(started)
                    let perStep = elapsed / Double(step)
                    let mean = epochSeconds.isEmpty ? perStep * Double(batches.count) : epochSeconds.reduce(0, +) / Double(epochSeconds.count)
                    let eta = perStep * Double(batches.count - step) + mean * Double(stop - epoch - 1)
                    progress?(
                        String(
                            format: "epoch %d/%d step %d/%d loss %.4f (mean %.4f) lr %.5g ETA %@", epoch + 1, settings.epochs,
                            step, batches.count, loss, lossSum / Double(step), rate, Self.duration(eta)))
                }
            }
            let (validationLoss, auc) = try evaluate(validationImages)
            let seconds = Date().timeIntervalSince(started)
            epochSeconds.append(seconds)
            let row = CNNEpochLog(
                epoch: epoch + 1, trainLoss: lossSum / Double(max(step, 1)), validationLoss: validationLoss,
                validationMacroAUC: auc, learningRate: lastRate, seconds: seconds)
            state.log.append(row)
            let selectable = epoch + 1 >= (settings.selectFrom ?? 1)
            let improved = selectable && (state.bestEpoch == nil || (auc ?? -.infinity) > (state.bestMacroAUC ?? -.infinity))
            if improved {
                state.bestEpoch = epoch + 1
                state.bestMacroAUC = auc
                try writeModel()
            }
            state.epochsCompleted = epoch + 1
            state.nextEpoch = epoch + 1
            trainer.epoch = epoch + 1
            try writeLog(state.log)
            let info = modelInfo(state)
            try writeInfo(info)
            try writeCheckpoint(state)
            let eta = (epochSeconds.reduce(0, +) / Double(epochSeconds.count)) * Double(stop - epoch - 1)
            progress?(
                String(
                    format: "epoch %d/%d: train loss %.4f, val loss %.4f, val macro-AUC %@, lr %.5g, %.1f s%@, ETA %@",
                    epoch + 1, settings.epochs, row.trainLoss, validationLoss,
                    auc.map { String(format: "%.4f", $0) } ?? "undefined", lastRate, seconds,
                    improved ? " (best so far, saved)" : "", Self.duration(eta)))
        }
        let info = modelInfo(state)
        if state.epochsCompleted == 0 || !FileManager.default.fileExists(atPath: modelURL.path) {
            throw ValidationError(Problem(file: modelURL.path, message: "no trained weights (no epoch completed)"))
        }
        return info
    }

    /// Validation loss (mean unweighted cross-entropy of the slices) and patient-level macro AUC.
    func evaluate(_ images: [Float]) throws -> (Double, Double?) {
        let probabilities = CNNInference.probabilities(model, images: images, count: validation.samples.count)
        var loss = 0.0
        for (row, label) in zip(probabilities, validation.sampleLabels) { loss -= log(max(row[label], 1e-12)) }
        loss /= Double(probabilities.count)
        let patients = CNNSliceDataset.patientAverage(
            probabilities, samplePatients: validation.samplePatients,
            patients: validation.patientIDs.count)
        let auc = try? MulticlassAUC.compute(labels: validation.patientLabels, scores: patients, classCount: validation.classes.count)
        return (loss, auc?.macro)
    }

    func modelInfo(_ state: CNNRunState) -> CNNModelInfo {
        CNNModelInfo(
            synthetic: nil, arch: settings.arch.rawValue, sequences: settings.preprocess.sequences, classes: train.classes.names,
            inputSize: train.size, channels: train.channels, batchSize: batchSize, preprocessing: settings.preprocess,
            settings: settings, seed: String(settings.seed), epochsCompleted: state.epochsCompleted,
            bestEpoch: state.bestEpoch ?? 0, validationMacroAUC: state.bestMacroAUC, sinoradVersion: version)
    }

    func writeModel() throws {
        var writer = model.stateDict()
        writer.metadata = [
            "arch": settings.arch.rawValue, "classes": train.classes.names.joined(separator: ","),
            "sequences": settings.preprocess.sequences.joined(separator: ","), "generator": "sinorad \(version) cnn train"
        ]
        try Trainer.write(writer.data(), to: modelURL)
    }

    func writeLog(_ log: [CNNEpochLog]) throws {
        try AtomicFile.write(CSVWriter.text(header: CNNEpochLog.header, rows: log.map(\.fields)), to: logURL.path)
    }

    func writeInfo(_ info: CNNModelInfo) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(info) + Data("\n".utf8), to: infoURL.path)
    }

    func writeCheckpoint(_ state: CNNRunState) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let run = String(decoding: try encoder.encode(state), as: UTF8.self)
        try Trainer.write(trainer.checkpoint(metadata: ["sinorad_cnn": run]), to: checkpointURL)
    }

    /// Reads the checkpoint, checks the settings and restores the trainer.
    func restore() throws -> CNNRunState {
        let path = checkpointURL.path
        guard FileManager.default.fileExists(atPath: path) else {
            throw ValidationError(Problem(file: path, message: "no checkpoint to resume from", expected: "a run started with the same --out"))
        }
        let data = try Data(contentsOf: checkpointURL)
        let file = try SafeTensors(data: data, source: path)
        guard let text = file.metadata["sinorad_cnn"],
            let state = try? JSONDecoder().decode(CNNRunState.self, from: Data(text.utf8))
        else {
            throw ValidationError(Problem(file: path, message: "not a sinorad cnn train checkpoint (no \"sinorad_cnn\" metadata)"))
        }
        guard state.settings == settings.canonicalJSON else {
            let old = (try? JSONDecoder().decode(CNNTrainingSettings.self, from: Data(state.settings.utf8)))
            throw ValidationError(
                Problem(
                    file: path,
                    message: "the checkpoint was made with other settings: "
                        + Self.differences(old, settings), expected: "the options of the interrupted run"))
        }
        if state.bestEpoch != nil, !FileManager.default.fileExists(atPath: modelURL.path) {
            throw ValidationError(Problem(file: modelURL.path, message: "the best epoch's weights are missing", expected: "the interrupted run's model.safetensors"))
        }
        try trainer.restore(from: data, source: path)
        return state
    }

    static func differences(_ old: CNNTrainingSettings?, _ new: CNNTrainingSettings) -> String {
        guard let old else { return "unreadable settings" }
        var found: [String] = []
        let mirrorOld = Mirror(reflecting: old), mirrorNew = Mirror(reflecting: new)
        for (a, b) in zip(mirrorOld.children, mirrorNew.children) where "\(a.value)" != "\(b.value)" {
            found.append("\(a.label ?? "?") \(a.value) vs \(b.value) now")
        }
        return found.isEmpty ? "settings differ" : found.joined(separator: "; ")
    }

    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "?" }
        let s = Int(seconds.rounded())
        return s >= 60 ? "\(s / 60)m\(String(format: "%02d", s % 60))s" : "\(s)s"
    }
}

/// Eval-mode softmax probabilities of a model for N images (N x C x H x W values), in batches
/// of the model's batch size (the last one zero-padded; eval mode treats images independently).
public enum CNNInference {
    /// `planes` square planes of side `side`, each mirrored left-right (`horizontal`: x -> side - 1 - x)
    /// and/or top-bottom (`vertical`).
    public static func flipped(_ images: [Float], planes: Int, side: Int, horizontal: Bool, vertical: Bool) -> [Float] {
        var out = images
        for p in 0..<planes {
            let base = p * side * side
            for y in 0..<side {
                let sy = vertical ? side - 1 - y : y
                for x in 0..<side {
                    out[base + y * side + x] = images[base + sy * side + (horizontal ? side - 1 - x : x)]
                }
            }
        }
        return out
    }

    public static func probabilities(_ model: ImageClassifier, images: [Float], count: Int) -> [[Double]] {
        let perImage = model.inputShape.count / model.inputShape[0]
        precondition(images.count == count * perImage, "CNNInference: \(images.count) values for \(count) images of \(perImage)")
        return images.withUnsafeBufferPointer { model.probabilities($0.baseAddress!, count: count) }
    }
}
