import ArgumentParser
import Foundation
import SinoData
import SinoImaging
import SinoNet
import SinoStudy

extension PreprocessSettings.Normalisation: ExpressibleByArgument {}
extension PreprocessSettings.OutsideROI: ExpressibleByArgument {}

/// Where `cnn train`, `cnn predict` and `cnn gradcam` read patients from.
struct CNNDataOptions: ParsableArguments {
    @Option(help: "Images folder: one sub-folder per patient (data-schema/images.md).")
    var images: String

    @Option(help: "Cohort CSV with patient_id, cohort (train/validation/test) and the label column.")
    var cohort: String

    @Option(help: "Variable dictionary (JSON file or 'sinonasal'); default: built-in when its columns are present.")
    var dictionary: String?

    @Option(help: "Class (label) column.")
    var label: String = "pathology"

    var source: CNNDataSource { CNNDataSource(images: images, cohort: cohort, dictionary: dictionary, label: label) }
}

extension CNNArchitecture: ExpressibleByArgument {}
extension CNNOptimizer: ExpressibleByArgument {}
extension CNNClassWeights: ExpressibleByArgument {}

/// "a,b, c" as ["a", "b", "c"].
func commaList(_ text: String) -> [String] {
    text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
}

extension CNN {
    struct Train: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train a CNN on one MRI sequence's slices (train cohort), keeping the best validation epoch.",
            discussion: """
                Reads images/<patient_id>/<SEQ>.nii.gz and mask.nii.gz (data-schema/images.md) of \
                the train and validation patients of --cohort (all files are checked first), \
                takes the largest-ROI axial slice and --slices-around on each side, crops around \
                the ROI, resamples to --size, normalises, and trains with augmentation (flips, \
                rotation, intensity jitter), a cosine learning rate and class-weighted \
                cross-entropy. Each epoch is evaluated on the validation cohort (patient-level \
                macro AUC of the slice probabilities averaged per patient); the best epoch's \
                weights are kept. MODELDIR gets model.safetensors, model.json, train_log.csv and \
                checkpoint.safetensors (docs/CNN.md); --resume continues an interrupted run \
                with the same options and ends with the same weights and log.

                Example:
                  sinorad cnn train --images syn/images --cohort syn/cohort.csv --sequence ADC \\
                      --arch resnet18 --size 64 --epochs 10 --out models/resnet18-ADC
                """)

        @OptionGroup var data: CNNDataOptions

        @Option(help: "Class order, comma-separated (default: the dictionary's).")
        var classes: String?

        @Option(help: "Sequence the model reads, e.g. T2WI, CE-T1WI or ADC.")
        var sequence: String

        @Option(help: "Architecture (torchvision's name).")
        var arch: CNNArchitecture = .resnet18

        @Option(help: "Side of the square input (pixels).")
        var size: Int = 64

        @Option(help: "Epochs.")
        var epochs: Int = 10

        @Option(help: "Slices per training step (the last partial batch of an epoch is dropped).")
        var batch: Int = 16

        @Option(help: "Base learning rate (cosine decay to 0 over the run).")
        var lr: Double = 0.01

        @Option(help: "sgd (momentum 0.9) or adamw.")
        var optimizer: CNNOptimizer = .sgd

        @Option(help: "Pretrained torchvision state_dict (safetensors): loaded, first conv adapted to the channels, head replaced.")
        var weights: String?

        @Option(help: "Slices taken on each side of the largest-ROI slice.")
        var slicesAround: Int = 1

        @Option(help: "zscore (ROI mean/SD) or percentile (ROI p1-p99 to 0-1).")
        var normalisation: PreprocessSettings.Normalisation = .zScore

        @Option(help: "Voxels added on every side of the ROI bounding box before the square crop.")
        var margin: Int = 10

        @Option(help: "keep (the image around the tumour) or zero (0 outside the ROI mask: tumour texture and outline only).")
        var outsideRoi: PreprocessSettings.OutsideROI = .keep

        @Flag(help: "Train on the preprocessed slices without augmentation.")
        var noAugment = false

        @Option(help: "Weight decay (decoupled for adamw, L2 for sgd).")
        var weightDecay: Double = 1e-4

        @Option(help: "First epoch that may be kept as the best (default: every epoch).")
        var selectFrom: Int?

        @Option(help: "balanced (n / (K n_c) over the training patients) or none.")
        var classWeights: CNNClassWeights = .balanced

        @Option(help: "Seed of the weights, data order and augmentation.")
        var seed: UInt64 = 20250056

        @Option(help: "Model folder to write.")
        var out: String

        @Flag(help: "Continue from MODELDIR/checkpoint.safetensors (the same options are required).")
        var resume = false

        @Option(help: ArgumentHelp("Stop after this many epochs in total, leaving the checkpoint (to test --resume).", visibility: .hidden))
        var stopAfterEpochs: Int?

        @Option(help: "Progress line every this many steps.")
        var progressEvery: Int = 10

        @Option(
            help: ArgumentHelp(
                "Threads reading patients and running each network pass (default: SINORAD_THREADS, else OPENBLAS_NUM_THREADS, else every core; results do not depend on it).", visibility: .hidden))
        var threads: Int?

        func validate() throws {
            guard progressEvery >= 1 else { throw ValidationError("--progress-every must be at least 1, got \(progressEvery)") }
            guard size >= 1, epochs >= 1, batch >= 1 else { throw ValidationError("--size, --epochs and --batch must be at least 1") }
        }

        func run() throws {
            var pre = PreprocessSettings()
            pre.sequences = [sequence]
            pre.outputSize = size
            pre.neighbours = slicesAround
            pre.normalisation = normalisation
            pre.marginVoxels = margin
            pre.outsideROI = outsideRoi
            var settings = CNNTrainingSettings()
            settings.arch = arch
            settings.preprocess = pre
            settings.augment = !noAugment
            settings.epochs = epochs
            settings.batchSize = batch
            settings.learningRate = lr
            settings.optimizer = optimizer
            settings.classWeights = classWeights
            settings.seed = seed
            settings.weightDecay = weightDecay
            settings.selectFrom = selectFrom
            try CNNThreads.with(threads) {
                try CNNPipeline.train(
                    settings: settings, data: data.source, classOrder: classes.map(commaList), weights: weights,
                    out: URL(fileURLWithPath: out), resume: resume, stopAfterEpochs: stopAfterEpochs,
                    progressEvery: progressEvery, threads: threads)
            }
        }
    }

    struct Predict: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Patient-level predictions of a trained CNN (mean of slice softmax) as a predictions CSV.",
            discussion: """
                Reads the patients of --cohorts from --images, preprocesses them as in training \
                (no augmentation), runs the model in eval mode and averages the slice \
                probabilities per patient. The CSV (patient_id, cohort, model, p_<class>) is read \
                by sinorad compare and sinorad fuse.

                Example:
                  sinorad cnn predict --model models/resnet18-ADC --images syn/images \\
                      --cohort syn/cohort.csv --out pred-ADC.csv
                """)

        @Option(help: "Model folder written by sinorad cnn train.")
        var model: String

        @OptionGroup var data: CNNDataOptions

        @Option(help: "Cohorts to predict, comma-separated.")
        var cohorts: String = "validation,test"

        @Option(help: "Predictions CSV to write (atomically).")
        var out: String

        @Option(help: "Model name in the CSV (default: <arch>-<sequence>).")
        var modelName: String?

        @Flag(help: "Average each slice's probabilities over the slice and its left-right, anterior-posterior and double flips.")
        var tta = false

        @Option(
            help: ArgumentHelp(
                "Threads reading patients and running each network pass (default: SINORAD_THREADS, else OPENBLAS_NUM_THREADS, else every core; results do not depend on it).", visibility: .hidden))
        var threads: Int?

        func run() throws {
            try CNNThreads.with(threads) {
                try CNNPipeline.predict(
                    model: URL(fileURLWithPath: model), data: data.source, cohorts: commaList(cohorts), name: modelName,
                    tta: tta, threads: threads, out: out)
            }
        }
    }
}
