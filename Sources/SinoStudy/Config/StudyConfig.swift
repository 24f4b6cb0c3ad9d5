import Foundation
import SinoData
import SinoImaging
import SinoReport
import SinoSelection
import SinoStats

/// A study configuration (data-schema/study.schema.json, docs/STUDY.md): what
/// `sinorad study` reads and what `StudyRunner` runs. Every setting has a default, written
/// here once; the profile (`quick` or `paper`) chooses the CNN defaults. Relative paths are
/// relative to the config file's folder (`base` of `StudyConfig.read`).
///
/// Decode one with ``StudyConfig/read(data:source:base:checkFiles:)``, which lists every
/// problem of the file at once, or build one in Swift and change what you need:
///
/// ```swift
/// var config = StudyConfig(profile: .quick)
/// config.inputs = .init(synthetic: .init(patients: 120, images: false))
/// config.cnn.enabled = false
/// ```
public struct StudyConfig: Equatable, Sendable {
    /// The CNN defaults: `quick` (ResNet-18 at 64 x 64) or `paper` (the published networks at 224 x 224).
    public enum Profile: String, CaseIterable, Sendable, Codable, ConfigEnum { case quick, paper }

    /// Grid of the SYNTHETIC images (`reduced` is a smaller volume for tests).
    public enum ImageGrid: String, CaseIterable, Sendable, Codable, ConfigEnum {
        case standard = "default"
        case reduced
    }

    /// The built-in SYNTHETIC cohort, written by the study itself.
    public struct Synthetic: Equatable, Sendable {
        public var patients = 465
        public var seed: UInt64 = 20250056
        public var images = true
        public var imageGrid = ImageGrid.standard
        public init(patients: Int = 465, seed: UInt64 = 20250056, images: Bool = true, imageGrid: ImageGrid = .standard) {
            self.patients = patients
            self.seed = seed
            self.images = images
            self.imageGrid = imageGrid
        }
    }

    /// Where the data come from: the SYNTHETIC cohort, or your own files.
    public struct Inputs: Equatable, Sendable {
        /// SYNTHETIC data written by the study itself (when `cohort` is not given).
        public var synthetic: Synthetic?
        /// Cohort CSV (data-schema/cohort.schema.json).
        public var cohort: String?
        /// Variable dictionary JSON, or "sinonasal" for the built-in one.
        public var dictionary: String?
        /// Images folder (data-schema/images.md).
        public var images: String?
        /// Reader reads CSV (data-schema/reads.schema.json).
        public var reads: String?
        public init(
            synthetic: Synthetic? = Synthetic(), cohort: String? = nil, dictionary: String? = nil, images: String? = nil,
            reads: String? = nil
        ) {
            self.synthetic = synthetic
            self.cohort = cohort
            self.dictionary = dictionary
            self.images = images
            self.reads = reads
        }
    }

    /// Univariate screening and backward elimination of the multinomial logistic model.
    public struct Selection: Equatable, Sendable {
        public var screeningAlpha = 0.05
        public var eliminationAlpha = 0.05
        /// Reference class of the multinomial model (default: the first class).
        public var reference: String?
        /// How the multinomial logistic models (selection and the conventional logistic
        /// classifier) are fitted: maximum likelihood, or bias-reduced (Firth).
        public var method = LogitMethod.ml
        public init() {}
    }

    /// The conventional models trained on the independent predictors.
    public struct Conventional: Equatable, Sendable {
        public var classifiers: [ConventionalClassifier] = [.extraTrees, .logistic]
        public var trees = 500
        public var folds = 5
        public var grid = ForestGrid()
        public init() {}
    }

    /// One CNN per architecture and sequence, and their fusion.
    public struct CNN: Equatable, Sendable {
        public var enabled = true
        public var architectures: [CNNArchitecture]
        public var sequences = ["T2WI", "CE-T1WI", "ADC"]
        public var fusion: [PredictionFusion.Method] = [.mean]
        public var size: Int
        public var epochs: Int
        public var batch: Int
        public var optimizer = CNNOptimizer.adamw
        public var learningRate = 0.001
        public var weightDecay = 1e-4
        /// First epoch that may be kept as the best, as given (nil: the profile's rule).
        public var selectFromGiven: Int?
        /// The quick profile keeps the best epoch of the second half of the run.
        public var selectFromHalf = false
        /// First epoch that may be kept as the best (nil = every epoch).
        public var selectFrom: Int? { selectFromGiven ?? (selectFromHalf ? max(1, (epochs + 1) / 2) : nil) }
        public var slicesAround = 1
        public var margin: Int
        public var outsideROI: PreprocessSettings.OutsideROI
        public var normalisation = PreprocessSettings.Normalisation.zScore
        public var augment = true
        /// Pretrained torchvision state_dicts (safetensors) by architecture.
        public var weights: [CNNArchitecture: String] = [:]
        /// Trainings run at once (sharing the cores); default: see `StudyRunner.defaultParallel`.
        public var parallel: Int?
        public var gradcamPerClass = 4
        /// Grad-CAM's target layer ("auto": the deepest with a map of at least gradcamMinMap a side).
        public var gradcamLayer = "auto"
        public var gradcamMinMap = 7
        /// Test-time flips when predicting.
        public var tta: Bool

        public init(profile: Profile) {
            switch profile {
            case .quick:
                architectures = [.resnet18]; size = 64; epochs = 10; batch = 16; margin = 4; outsideROI = .zero
                slicesAround = 2; selectFromHalf = true; tta = true
            case .paper:
                architectures = [.resnet50, .resnet101, .densenet121]; size = 224; epochs = 30; batch = 16; margin = 10
                outsideROI = .keep; tta = false
            }
        }
    }

    /// The cohorts models are evaluated on, and how.
    public struct Evaluation: Equatable, Sendable {
        public var cohorts = ["validation", "test"]
        public var bootstrap = 2000
        /// The model every other is compared with (default: the first conventional model).
        public var reference: String?
        public init() {}
    }

    /// The radiomics models: PyRadiomics features per sequence, the selection, classifiers on
    /// each sequence and on all together, and the combined clinical + rad-score model.
    public struct Radiomics: Equatable, Sendable {
        /// On when the config has a radiomics section (unless it says enabled: false).
        public var enabled = false
        /// A PyRadiomics parameter file (YAML or JSON); nil: PyRadiomics' defaults.
        public var params: String?
        public var sequences = ["T2WI", "CE-T1WI", "ADC"]
        public var classifiers: [RadiomicsClassifier] = [.svm]
        /// A model per sequence besides the all-sequences one.
        public var perSequence = true
        /// The combined model: the conventional independent predictors plus the rad-score(s).
        public var combined = true
        public var combinedClassifier = RadiomicsClassifier.logistic
        /// Stratified folds of the classifiers' grid search.
        public var folds = 5
        public var selection = RadiomicsSelectionConfig()
        /// Cases extracted at once (default: the cores).
        public var jobs: Int?
        public init() {}
    }

    public var study = "study"
    public var output: String?
    public var profile = Profile.quick
    public var seed: UInt64 = 1
    public var inputs = Inputs()
    public var label = "pathology"
    public var classes: [String]?
    public var selection = Selection()
    public var conventional = Conventional()
    public var cnn = CNN(profile: .quick)
    public var radiomics = Radiomics()
    public var evaluation = Evaluation()
    public var readers = true
    /// Where the stages run (docs/CLUSTER.md) and, on Slurm, how they are submitted.
    public var executor = StudyExecutor.local
    public var slurm = SlurmSettings()
    public var figureFormats: [FigureFormat] = [.png, .svg, .pdf]

    /// The defaults of a profile.
    public init(profile: Profile = .quick) {
        self.profile = profile
        cnn = CNN(profile: profile)
    }

    /// The folder the report goes to: `output`, else reports/<study>, relative to `base`.
    public func outputFolder(base: URL) -> URL { resolve(output ?? "reports/\(study)", base: base) }

    /// A path of the config, relative to `base` unless absolute.
    public func resolve(_ path: String, base: URL) -> URL {
        path.hasPrefix("/") ? URL(fileURLWithPath: path) : base.appendingPathComponent(path).standardizedFileURL
    }
}

/// The forests' hyper-parameter grid: every combination of the three lists, simpler models
/// first (so ties go to them). The one place the conventional model's default grid is written.
public struct ForestGrid: Equatable, Sendable, CustomStringConvertible {
    public var maxDepth: [Int?] = [3, 5, nil]
    public var minSamplesLeaf = [10, 5, 1]
    public var maxFeatures: [ForestSetting.Features] = [.sqrt, .all]

    public init() {}

    /// The settings, max_depth slowest.
    public var settings: [ForestSetting] {
        maxDepth.flatMap { depth in
            minSamplesLeaf.flatMap { leaf in maxFeatures.map { ForestSetting(maxDepth: depth, minSamplesLeaf: leaf, maxFeatures: $0) } }
        }
    }

    /// "max_depth {3, 5, none} x min_samples_leaf {10, 5, 1} x max_features {sqrt, all}".
    public var description: String {
        "max_depth {\(maxDepth.map { $0.map(String.init) ?? "none" }.joined(separator: ", "))} x "
            + "min_samples_leaf {\(minSamplesLeaf.map(String.init).joined(separator: ", "))} x "
            + "max_features {\(maxFeatures.map(\.rawValue).joined(separator: ", "))}"
    }
}
