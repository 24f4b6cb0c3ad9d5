import Foundation
import SinoData
import SinoImaging
import SinoReport
import SinoStats
import SinoStudy

/// Runs a study config stage by stage (docs/STUDY.md): data -> Table 1 -> selection ->
/// conventional models -> one CNN per architecture and sequence (train, predict, Grad-CAM)
/// -> fusion -> comparison on each evaluation cohort -> reader study -> report. Each stage is
/// cached by the hash of its inputs and settings (`StageCache`).
final class StudyRunner: @unchecked Sendable {
    let config: StudyConfig
    let configData: Data
    let base: URL
    let out: URL
    let cache: StageCache
    let started = Date()
    private var stageIndex = 0
    private(set) var stageCount = 0

    // Filled as the stages run.
    var cohortPath = "", dictionaryArgument: String?, imagesPath: String?, readsPath: String?
    var dataKey = ""
    var cohort: Cohort!
    var selection: PredictorSelection!
    var sections: [ReportSection] = []
    var synthetic: Bool { config.inputs.synthetic != nil }
    var prefix: String { synthetic ? "SYNTHETIC cohort: " : "" }
    var cnnModels: [String] = []          // "<arch>-<sequence>", in config order
    var fusedModels: [String] = []        // "<arch>-<method>"
    var conventionalNames: [String] { config.conventional.classifiers.map { "conventional-\($0)" } }
    var selectedPredictors: [String] = []
    /// False when the selection kept no variable: the study goes on with its CNNs only.
    var conventionalTrained = false
    /// Things the report says about stages that had nothing to do.
    var reportNotes: [String] = []

    init(config: StudyConfig, configData: Data, base: URL, out: URL? = nil, force: Bool) {
        self.config = config
        self.configData = configData
        self.base = base
        self.out = out ?? config.outputFolder(base: base)
        cache = StageCache(folder: self.out, force: force)
    }

    func path(_ parts: String...) -> String { parts.reduce(out) { $0.appendingPathComponent($1) }.path }

    /// One progress line per stage: its number, name, what happens to it and an ETA from the
    /// stages' last recorded times.
    func announce(_ stage: String, key: String, remaining: [String]) {
        stageIndex += 1
        let fresh = cache.isFresh(stage, key: key)
        // From the stages' last recorded times; the CNN stages run side by side.
        let known = remaining.compactMap { stage in cache.lastSeconds(stage).map { (stage.hasPrefix("cnn-"), $0) } }
        let cnnCount = known.filter(\.0).count
        let seconds = known.filter { !$0.0 }.map(\.1).reduce(0, +)
            + known.filter(\.0).map(\.1).reduce(0, +) / Double(max(1, min(cnnCount, config.cnn.parallel ?? defaultParallel)))
        let eta = known.count == remaining.count && !remaining.isEmpty ? String(format: ", ETA %.0f s", seconds) : ""
        note(String(format: "[%d/%d] %@ %@ (%.0f s elapsed%@)", stageIndex, stageCount, stage,
                    fresh ? "cached, inputs and settings unchanged" : "running", Date().timeIntervalSince(started), fresh ? "" : eta))
    }

    // MARK: - The whole study

    func run() throws {
        let cnn = config.cnn.enabled
        cnnModels = cnn ? config.cnn.architectures.flatMap { arch in config.cnn.sequences.map { "\(arch)-\($0)" } } : []
        fusedModels = cnn && config.cnn.sequences.count > 1 ? config.cnn.architectures.flatMap { arch in config.cnn.fusion.map { "\(arch)-\($0)" } } : []
        let stages = (synthetic ? ["data"] : []) + ["table1", "selection", "conventional"] + cnnModels.map { "cnn-\($0)" }
            + fusedModels.map { "fusion-\($0)" } + config.evaluation.cohorts.map { "comparison-\($0)" }
            + (config.readers ? ["readers"] : [])
        stageCount = stages.count + 1
        note("study \(config.study) (\(config.profile.rawValue) profile, seed \(config.seed)) -> \(out.path): \(stages.count) stages")

        try preflight()
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        try dataStage(remaining: stages)
        try table1Stage(remaining: Array(stages.drop { $0 != "table1" }))
        try selectionStage(remaining: Array(stages.drop { $0 != "selection" }))
        try conventionalStage(remaining: Array(stages.drop { $0 != "conventional" }))
        if cnn { try cnnStages(remaining: Array(stages.drop { !$0.hasPrefix("cnn-") })) }
        try fusionStages()
        for split in config.evaluation.cohorts { try comparisonStage(split) }
        if config.readers { try readersStage() }
        stageIndex += 1
        note(String(format: "[%d/%d] report (%.0f s elapsed)", stageIndex, stageCount, Date().timeIntervalSince(started)))
        try StudyReport(runner: self).write()
        let cached = cache.outcomes.filter(\.cached).map(\.stage), ran = cache.outcomes.filter { !$0.cached }.map(\.stage)
        note("ran: \(ran.isEmpty ? "none" : ran.joined(separator: ", "))")
        note("cached: \(cached.isEmpty ? "none" : cached.joined(separator: ", "))")
        note(String(format: "done in %.1f s: %@/index.html, report.md, tables/, figures/, predictions/, models/, provenance.json",
                    Date().timeIntervalSince(started), out.path))
    }

    // MARK: - Before any work

    /// With your own inputs: the model names of the comparison and, for the CNNs, that every
    /// patient of the cohort has each sequence and a mask (names only; `cnn train` reads and
    /// cross-checks them). Every problem is listed at once, before any stage runs.
    func preflight() throws {
        var problems: [String] = []
        let names = conventionalNames + cnnModels + fusedModels
        if let reference = config.evaluation.reference, !names.contains(reference) {
            problems.append("evaluation.reference: '\(reference)' is not a model of this study (\(names.joined(separator: ", ")))")
        }
        if config.inputs.synthetic == nil, config.cnn.enabled, let images = config.inputs.images, let cohortFile = config.inputs.cohort {
            let root = config.resolve(images, base: base)
            let table = try CSVTable.read(path: config.resolve(cohortFile, base: base).path)
            let column = table.header.firstIndex(of: "patient_id") ?? 0
            let fm = FileManager.default
            func exists(_ folder: URL, _ name: String) -> Bool {
                fm.fileExists(atPath: folder.appendingPathComponent("\(name).nii.gz").path)
                    || fm.fileExists(atPath: folder.appendingPathComponent("\(name).nii").path)
            }
            var missing: [String] = []
            for row in table.rows where column < row.count {
                let folder = root.appendingPathComponent(row[column])
                for sequence in config.cnn.sequences where !exists(folder, sequence) { missing.append("\(folder.path)/\(sequence).nii.gz") }
                let masks = !exists(folder, "mask") && config.cnn.sequences.contains { !exists(folder, "\($0)_mask") }
                if masks { missing.append("\(folder.path)/mask.nii.gz") }
            }
            if !missing.isEmpty {
                let shown = missing.prefix(20).joined(separator: ", ")
                problems.append("inputs.images: \(missing.count) image or mask file(s) missing (data-schema/images.md): \(shown)\(missing.count > 20 ? ", ..." : "")")
            }
        }
        if !problems.isEmpty {
            throw CommandFailure(message: "\(problems.count) problem(s), nothing was run:\n" + problems.map { "  - \($0)" }.joined(separator: "\n"))
        }
    }

    // MARK: - Data

    func dataStage(remaining: [String]) throws {
        if let s = config.inputs.synthetic {
            let settings: [String: Any] = ["patients": s.patients, "seed": s.seed, "images": s.images, "image_grid": s.imageGrid]
            dataKey = StageCache.key("data", settings: settings)
            announce("data", key: dataKey, remaining: remaining)
            try cache.run("data", key: dataKey, outputs: ["data"]) {
                let simulation = try CohortSimulator.Settings.scaled(to: s.patients, seed: s.seed)
                let folder = out.appendingPathComponent("data")
                let grid = s.imageGrid == "reduced" ? PhantomSettings.reduced : PhantomSettings()
                let table = try writeSyntheticCohort(simulation, to: folder, images: s.images ? (s.imageGrid, grid) : nil)
                try writeSyntheticReads(seed: s.seed, cohort: table, to: folder)
                if s.images {
                    try writeSyntheticImages(table, seed: s.seed, settings: grid, to: folder.appendingPathComponent("images"))
                }
            }
            cohortPath = path("data", "cohort.csv")
            dictionaryArgument = path("data", "dictionary.json")
            imagesPath = s.images ? path("data", "images") : nil
            readsPath = path("data", "reads.csv")
        } else {
            let inputs = config.inputs
            cohortPath = config.resolve(inputs.cohort!, base: base).path
            dictionaryArgument = inputs.dictionary.map { $0 == "sinonasal" ? $0 : config.resolve($0, base: base).path }
            imagesPath = inputs.images.map { config.resolve($0, base: base).path }
            readsPath = inputs.reads.map { config.resolve($0, base: base).path }
            var settings: [String: Any] = ["cohort": try SHA256.hex(fileAt: cohortPath)]
            if let d = dictionaryArgument { settings["dictionary"] = d == "sinonasal" ? d : try SHA256.hex(fileAt: d) }
            if let r = readsPath { settings["reads"] = try SHA256.hex(fileAt: r) }
            if let i = imagesPath, config.cnn.enabled { settings["images"] = try statFingerprint(URL(fileURLWithPath: i)) }
            dataKey = StageCache.key("data", settings: settings)
            note("inputs: \(cohortPath)\(imagesPath.map { ", \($0)" } ?? "")\(readsPath.map { ", \($0)" } ?? "") (key \(dataKey.prefix(12)))")
        }
        cohort = try loadCNNCohort(cohortPath, dictionary: dictionaryArgument, label: config.label, classOrder: config.classes)
        // Tables name their source: the path as the config gives it (data/cohort.csv for the
        // SYNTHETIC cohort), so that the same study written elsewhere gives the same files.
        cohort.source = config.inputs.synthetic == nil ? config.inputs.cohort! : "data/cohort.csv"
    }

    var tableBase: [String: Any] { ["label": config.label, "classes": config.classes ?? cohort.classes.names] }

    // MARK: - Table 1, selection, conventional

    func table1Stage(remaining: [String]) throws {
        let key = StageCache.key("table1", settings: tableBase, upstream: [dataKey])
        announce("table1", key: key, remaining: remaining)
        try cache.run("table1", key: key, outputs: ["tables/table1.*", "tables/table1_by_cohort.*"]) {
            let overall = try TableOne.build(cohort), byCohort = try TableOne.build(cohort, byCohort: true)
            try writeTable(overall.layout(title: prefix + "Baseline characteristics by \(config.label)"), json: overall, base: path("tables", "table1"))
            try writeTable(byCohort.layout(title: prefix + "Baseline characteristics by \(config.label) within each cohort"), json: byCohort,
                           base: path("tables", "table1_by_cohort"))
        }
        sections.append(ReportSection(title: "Baseline characteristics", tables: ["table1", "table1_by_cohort"]))
    }

    var selectionKey = ""

    func selectionStage(remaining: [String]) throws {
        var settings = tableBase
        settings["screening_alpha"] = config.selection.screeningAlpha
        settings["elimination_alpha"] = config.selection.eliminationAlpha
        settings["reference"] = config.selection.reference ?? ""
        if config.selection.method != "ml" { settings["method"] = config.selection.method }
        selectionKey = StageCache.key("selection", settings: settings, upstream: [dataKey])
        announce("selection", key: selectionKey, remaining: remaining)
        try cache.run("selection", key: selectionKey, outputs: ["tables/univariate.*", "tables/multivariable.*", "tables/elimination.*", "tables/selection.json"]) {
            var options = SelectionOptions()
            options.screeningAlpha = config.selection.screeningAlpha
            options.criterion = .likelihoodRatio(alpha: config.selection.eliminationAlpha)
            options.method = LogitMethod(rawValue: config.selection.method)!
            if let reference = config.selection.reference {
                guard let r = cohort.classes.names.firstIndex(of: reference) else {
                    throw CommandFailure(message: "selection.reference: '\(reference)' is not a class (\(cohort.classes.names.joined(separator: ", ")))")
                }
                options.reference = r
            }
            let result = try PredictorSelection.run(cohort, split: "train", options: options)
            for (table, name) in zip(result.layout(titlePrefix: prefix), ["univariate", "multivariable", "elimination"]) {
                try writeTable(table, json: nil, base: path("tables", name))
            }
            try AtomicFile.write(JSONEncoder.sinorad.encode(result), to: path("tables", "selection.json"))
        }
        selection = try JSONDecoder().decode(PredictorSelection.self, from: Data(contentsOf: URL(fileURLWithPath: path("tables", "selection.json"))))
        selectedPredictors = selection.predictors
        note("independent predictors: \(selectedPredictors.isEmpty ? "none" : selectedPredictors.joined(separator: ", "))")
        // Without a screened variable there is no multivariable model, so only the univariate table.
        sections.append(ReportSection(title: "Univariate and multivariable analysis",
                                      tables: writtenTables(["univariate", "multivariable", "elimination"])))
    }

    var conventionalKey = ""

    func conventionalStage(remaining: [String]) throws {
        let c = config.conventional
        var settings: [String: Any] = ["classifiers": c.classifiers, "trees": c.trees, "folds": c.folds, "seed": config.seed,
                                       "grid": c.grid.map(\.description)]
        if config.selection.method != "ml" && c.classifiers.contains("logistic") { settings["logistic_method"] = config.selection.method }
        conventionalKey = StageCache.key("conventional", settings: settings, upstream: [selectionKey])
        announce("conventional", key: conventionalKey, remaining: remaining)
        guard !selectedPredictors.isEmpty else {
            let why = "The predictor selection kept no variable, so no conventional model was trained"
            guard !cnnModels.isEmpty else {
                throw CommandFailure(message: "\(why), and the CNNs are disabled (cnn.enabled: false): the study has no model to evaluate. "
                                     + "Raise selection.screening_alpha or selection.elimination_alpha, or enable the CNNs.")
            }
            if let reference = config.evaluation.reference, conventionalNames.contains(reference) {
                throw CommandFailure(message: "\(why), so evaluation.reference '\(reference)' does not exist; name a CNN model or leave the reference out.")
            }
            note("\(why); the study goes on with the CNNs")
            reportNotes.append("\(why).")
            return
        }
        conventionalTrained = true
        try cache.run("conventional", key: conventionalKey, outputs: ["models/conventional", "tables/cv_*", "predictions/conventional.csv"]) {
            var settings = ConventionalSettings()
            settings.predictors = selectedPredictors
            settings.trees = c.trees
            settings.folds = c.folds
            settings.seed = config.seed
            settings.grid = c.grid
            settings.logitMethod = LogitMethod(rawValue: config.selection.method)!
            var predictions: [Predictions] = []
            for name in c.classifiers {
                settings.classifier = ConventionalClassifier(rawValue: name)!
                let (result, p, model) = try ConventionalModel.train(cohort, settings: settings)
                try ConventionalModel.save(result, model: model, to: out.appendingPathComponent("models/conventional/\(name)"))
                if settings.classifier != .logistic {
                    try writeTable(result.layout(titlePrefix: prefix), json: result, base: path("tables", "cv_\(name)"))
                }
                predictions.append(p)
            }
            try AtomicFile.write(Predictions.csv(predictions), to: path("predictions", "conventional.csv"))
        }
        let tables = writtenTables(c.classifiers.filter { $0 != "logistic" }.map { "cv_\($0)" })
        if !tables.isEmpty { sections.append(ReportSection(title: "Conventional model", tables: tables)) }
    }

    // MARK: - CNN

    var cnnKeys: [String: String] = [:]

    /// The settings that make one CNN stage, as `sinorad cnn train` options.
    func cnnTrainArguments(arch: String, sequence: String) -> [String] {
        let c = config.cnn
        var args = ["cnn", "train", "--images", imagesPath!, "--cohort", cohortPath, "--label", config.label,
                    "--sequence", sequence, "--arch", arch, "--size", "\(c.size)", "--epochs", "\(c.epochs)",
                    "--batch", "\(c.batch)", "--optimizer", c.optimizer, "--lr", "\(c.learningRate)",
                    "--slices-around", "\(c.slicesAround)", "--margin", "\(c.margin)", "--outside-roi", c.outsideROI,
                    "--normalisation", c.normalisation, "--weight-decay", "\(c.weightDecay)", "--seed", "\(config.seed)"]
        if let first = c.selectFrom { args += ["--select-from", "\(first)"] }
        if let d = dictionaryArgument { args += ["--dictionary", d] }
        args += ["--classes", cohort.classes.names.joined(separator: ",")]
        if !c.augment { args.append("--no-augment") }
        if let w = c.weights[arch] { args += ["--weights", config.resolve(w, base: base).path] }
        return args
    }

    func cnnStages(remaining: [String]) throws {
        guard imagesPath != nil else { return }
        var pending: [(arch: String, sequence: String, key: String)] = []
        for arch in config.cnn.architectures {
            var weightsHash = ""
            if let w = config.cnn.weights[arch] { weightsHash = try SHA256.hex(fileAt: config.resolve(w, base: base).path) }
            for sequence in config.cnn.sequences {
                let name = "\(arch)-\(sequence)"
                // Paths are not part of the key (the data key stands for the inputs); the settings are.
                let settings: [String: Any] = ["train": cnnTrainArguments(arch: arch, sequence: sequence).filter { !$0.hasPrefix("/") },
                                               "weights": weightsHash, "cohorts": config.evaluation.cohorts, "tta": config.cnn.tta,
                                               "gradcam_per_class": config.cnn.gradcamPerClass,
                                               "gradcam_layer": config.cnn.gradcamLayer, "gradcam_min_map": config.cnn.gradcamMinMap]
                let key = StageCache.key("cnn", settings: settings, upstream: [dataKey])
                cnnKeys[name] = key
                announce("cnn-\(name)", key: key, remaining: Array(remaining.drop { $0 != "cnn-\(name)" }))
                if !cache.isFresh("cnn-\(name)", key: key) { pending.append((arch, sequence, key)) }
                else { _ = try cache.run("cnn-\(name)", key: key, outputs: []) {} }
            }
        }
        guard !pending.isEmpty else { return }
        let parallel = max(1, min(config.cnn.parallel ?? defaultParallel, pending.count))
        note("training \(pending.count) CNN(s), \(parallel) at a time (one BLAS thread each)")
        let failures = LockedList()
        let semaphore = DispatchSemaphore(value: parallel)
        let group = DispatchGroup()
        for job in pending {
            semaphore.wait()
            group.enter()
            Thread.detachNewThread { [self] in
                defer { semaphore.signal(); group.leave() }
                do { try runCNN(arch: job.arch, sequence: job.sequence, key: job.key) }
                catch { failures.add("\(job.arch)-\(job.sequence): \(userMessage(error))") }
            }
        }
        group.wait()
        if !failures.items.isEmpty { throw CommandFailure(message: "CNN stage(s) failed:\n" + failures.items.joined(separator: "\n")) }
    }

    /// Trainings at once when the config does not say: twice the cores for inputs up to
    /// 128 x 128 (single-thread trainings of small inputs leave a core partly idle while they
    /// read and evaluate; three 64 x 64 ResNet-18 on 2 cores finish in about 2/3 of the time of
    /// two then one), the cores for larger inputs (memory: a ResNet-101 at 224 x 224 trains in
    /// about 2.7 GB).
    var defaultParallel: Int {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        return config.cnn.size <= 128 ? 2 * cores : cores
    }

    func runCNN(arch: String, sequence: String, key: String) throws {
        let name = "\(arch)-\(sequence)"
        try cache.run("cnn-\(name)", key: key, outputs: ["models/\(name)", "predictions/\(name).csv", "figures/gradcam/\(name)"]) {
            let model = path("models", name)
            let data = ["--images", imagesPath!, "--cohort", cohortPath, "--label", config.label] + (dictionaryArgument.map { ["--dictionary", $0] } ?? [])
            try ChildCommand.run(cnnTrainArguments(arch: arch, sequence: sequence) + ["--threads", "1", "--progress-every", "1000000", "--out", model], tag: name)
            try ChildCommand.run(["cnn", "predict", "--model", model, "--cohorts", config.evaluation.cohorts.joined(separator: ","),
                                  "--threads", "1", "--out", path("predictions", "\(name).csv")] + (config.cnn.tta ? ["--tta"] : []) + data, tag: name)
            let explained = config.evaluation.cohorts.contains("test") ? "test" : config.evaluation.cohorts.last!
            try ChildCommand.run(["cnn", "gradcam", "--model", model, "--cohorts", explained, "--per-class", "\(config.cnn.gradcamPerClass)",
                                  "--layer", config.cnn.gradcamLayer, "--min-map", "\(config.cnn.gradcamMinMap)",
                                  "--formats", config.figureFormats.joined(separator: ","), "--out", path("figures", "gradcam", name)] + data, tag: name)
        }
    }

    var fusionKeys: [String: String] = [:]

    func fusionStages() throws {
        for arch in config.cnn.architectures where config.cnn.enabled && config.cnn.sequences.count > 1 {
            for method in config.cnn.fusion {
                let name = "\(arch)-\(method)"
                let upstream = config.cnn.sequences.map { cnnKeys["\(arch)-\($0)"] ?? "" }
                let key = StageCache.key("fusion", settings: ["method": method], upstream: upstream)
                fusionKeys[name] = key
                announce("fusion-\(name)", key: key, remaining: [])
                try cache.run("fusion-\(name)", key: key, outputs: ["predictions/\(name).csv"]) {
                    var inputs: [PredictionFusion.Input] = []
                    for sequence in config.cnn.sequences {
                        let file = path("predictions", "\(arch)-\(sequence).csv")
                        for p in try Predictions.read(path: file, classes: cohort.classes) { inputs.append(.init(source: file, predictions: p)) }
                    }
                    let fused = try PredictionFusion.fuse(inputs, method: PredictionFusion.Method(rawValue: method)!, model: name)
                    try AtomicFile.write(Predictions.csv([fused]), to: path("predictions", "\(name).csv"))
                }
            }
        }
    }

    // MARK: - Comparison and readers

    /// Predictions files in report order: conventional, then each CNN, then the fusions.
    var predictionFiles: [String] {
        (conventionalTrained ? ["predictions/conventional.csv"] : []) + cnnModels.map { "predictions/\($0).csv" } + fusedModels.map { "predictions/\($0).csv" }
    }

    /// The model every other is compared with: the config's, else the first conventional model
    /// (the first CNN when no conventional model was trained).
    var reference: String { config.evaluation.reference ?? (conventionalTrained ? conventionalNames : cnnModels)[0] }

    /// Every model the comparison stages evaluate, in report order.
    var modelNames: [String] { (conventionalTrained ? conventionalNames : []) + cnnModels + fusedModels }

    /// Those of `names` (under tables/, no extension) that a stage wrote: a table with nothing
    /// to show (paired tests of a single model, say) is not written.
    func writtenTables(_ names: [String]) -> [String] {
        names.filter { FileManager.default.fileExists(atPath: path("tables", "\($0).md")) }
    }

    func comparisonStage(_ split: String) throws {
        let upstream = [conventionalKey] + cnnModels.map { cnnKeys[$0] ?? "" } + fusedModels.map { fusionKeys[$0] ?? "" }
        let settings: [String: Any] = ["cohort": split, "bootstrap": config.evaluation.bootstrap, "seed": config.seed,
                                       "reference": reference, "formats": config.figureFormats]
        let key = StageCache.key("comparison", settings: settings, upstream: upstream)
        announce("comparison-\(split)", key: key, remaining: [])
        try cache.run("comparison-\(split)", key: key, outputs: ["tables/performance_\(split).*", "tables/per_class_\(split).*", "tables/paired_\(split).*", "tables/comparison_\(split).json", "figures/\(split)"]) {
            var models: [Predictions] = [], sources: [String] = []
            for file in predictionFiles {
                for p in try Predictions.read(path: path(file), classes: cohort.classes) { models.append(p); sources.append(path(file)) }
            }
            let aligned = try AlignedPredictions.align(models, truth: cohort, cohort: split, sources: sources)
            var options = EvaluationOptions()
            options.bootstrap = BootstrapOptions(replicates: config.evaluation.bootstrap, confidenceLevel: 0.95, seed: config.seed)
            let comparison = try ModelComparison.run(aligned, reference: reference, options: options)
            let title = split == "test" ? "External test" : split.prefix(1).uppercased() + split.dropFirst()
            for (table, name) in zip(comparison.layout(titlePrefix: "\(prefix)\(title) cohort: "), ["performance", "per_class", "paired"]) {
                try writeTable(table, json: nil, base: path("tables", "\(name)_\(split)"))
            }
            try AtomicFile.write(JSONEncoder.sinorad.encode(comparison), to: path("tables", "comparison_\(split).json"))
            try comparison.writeFigures(to: path("figures", split), formats: try parseFigureFormats(config.figureFormats.joined(separator: ",")),
                                        titlePrefix: "\(title): ")
        }
        sections.append(ReportSection(title: "Model performance: \(split) cohort",
                                      tables: writtenTables(["performance", "per_class", "paired"].map { "\($0)_\(split)" }),
                                      figureFolder: "figures/\(split)"))
    }

    /// File names of the reader study's tables, in `ReaderStudy.layout` order.
    static let readerTables = ["performance", "per_class", "confusion", "assistance", "agreement"]

    func readersStage() throws {
        guard let readsPath else { return }
        // The reads are part of the data key (their hash for your own files; the synthetic settings otherwise).
        let key = StageCache.key("readers", settings: tableBase, upstream: [dataKey])
        announce("readers", key: key, remaining: [])
        try cache.run("readers", key: key, outputs: ["tables/readers_*", "figures/readers"]) {
            let reads = try ReaderReads.read(path: readsPath, classes: cohort.classes, patients: Set(cohort.ids), patientsSource: cohortPath)
            let study = try ReaderStudy.run(reads, truth: cohort)
            let tables = study.layout(titlePrefix: synthetic ? "SYNTHETIC reads: " : "")
            for (i, table) in tables.enumerated() {
                let name = i < Self.readerTables.count ? Self.readerTables[i] : "\(i + 1)"
                try writeTable(table, json: nil, base: path("tables", "readers_\(name)"))
            }
            try AtomicFile.write(JSONEncoder.sinorad.encode(study), to: path("tables", "readers.json"))
            try study.writeFigures(to: path("figures", "readers"), formats: try parseFigureFormats(config.figureFormats.joined(separator: ",")),
                                   titlePrefix: synthetic ? "SYNTHETIC reads: " : "")
        }
        let written = ((try? FileManager.default.contentsOfDirectory(atPath: path("tables"))) ?? [])
            .filter { $0.hasPrefix("readers_") && $0.hasSuffix(".md") }.map { String($0.dropLast(3)) }
        let ordered = Self.readerTables.map { "readers_\($0)" }.filter(written.contains) + written.filter { !Self.readerTables.map { "readers_\($0)" }.contains($0) }.sorted()
        sections.append(ReportSection(title: "Reader study", tables: ordered, figureFolder: "figures/readers"))
    }
}

/// A section of the report: tables (paths under tables/ without extension) and the PNG
/// figures of a folder.
struct ReportSection {
    var title: String
    var tables: [String]
    var figureFolder: String? = nil
}

/// Strings appended from several threads (failures of parallel stages, a child's output lines).
final class LockedList: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []
    func add(_ text: String) { lock.lock(); list.append(text); lock.unlock() }
    var items: [String] { lock.lock(); defer { lock.unlock() }; return list }
}

/// Writes one table as .md, .csv, .tex and .html (and a structured result as .json), each atomically.
func writeTable(_ table: Table, json: (any Encodable)?, base: String) throws {
    for format in [OutputFormat.md, .csv, .tex] { try AtomicFile.write(table.rendered(format), to: "\(base).\(format.rawValue)") }
    try AtomicFile.write(Table.htmlPage(title: table.title, tables: [table]), to: "\(base).html")
    if let json { try AtomicFile.write(JSONEncoder.sinorad.encode(json), to: "\(base).json") }
}

/// Runs this sinorad binary as a child process (one BLAS thread), forwarding its progress
/// lines to stderr with a tag.
enum ChildCommand {
    static var executable: URL {
        if let url = Bundle.main.executableURL { return url }
        return URL(fileURLWithPath: CommandLine.arguments[0])
    }

    static let parentVariable = "SINORAD_PARENT_PID"

    /// In a child started by `run`: exits (status 1) as soon as the study that started it is
    /// gone (killed, even with SIGKILL), so that no orphaned training goes on writing into a
    /// study folder that a new run is rebuilding. Its files are written atomically, so what it
    /// leaves is either complete or absent, and the stage, unrecorded, is redone.
    static func watchParent() {
        guard let text = ProcessInfo.processInfo.environment[parentVariable], let parent = Int32(text) else { return }
        Thread.detachNewThread {
            while getppid() == parent { usleep(500_000) }
            FileHandle.standardError.write(Data("error: the study that started this command (process \(parent)) has ended; stopping\n".utf8))
            exit(1)
        }
    }

    static func run(_ arguments: [String], tag: String) throws {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["OPENBLAS_NUM_THREADS"] = "1"
        environment[parentVariable] = "\(getpid())"
        process.environment = environment
        let pipe = Pipe()
        process.standardError = pipe
        process.standardOutput = FileHandle.nullDevice
        let lines = LockedList()
        let done = DispatchSemaphore(value: 0)
        let handle = pipe.fileHandleForReading
        let reader = Thread {
            var pending = Data()
            func emit(_ bytes: Data) {
                let line = String(decoding: bytes, as: UTF8.self)
                lines.add(line)
                note("  [\(tag)] \(line)")
            }
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                pending.append(chunk)
                while let newline = pending.firstIndex(of: 10) {
                    emit(pending[pending.startIndex..<newline])
                    pending.removeSubrange(pending.startIndex...newline)
                }
            }
            if !pending.isEmpty { emit(pending) }
            done.signal()
        }
        try process.run()
        reader.start()
        process.waitUntilExit()
        done.wait()
        guard process.terminationStatus == 0 else {
            let last = lines.items.suffix(3).joined(separator: " | ")
            throw CommandFailure(message: "sinorad \(arguments.prefix(2).joined(separator: " ")) exited with status \(process.terminationStatus): \(last)")
        }
    }
}
