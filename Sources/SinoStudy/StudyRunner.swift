import CBLAS
import CCairo
import CZlib
import Foundation
import SinoData
import SinoImaging
import SinoNet
import SinoReport
import SinoSelection
import SinoStats

/// Runs a study config stage by stage (docs/STUDY.md): data -> Table 1 -> selection ->
/// conventional models -> one CNN per architecture and sequence (train, predict, Grad-CAM)
/// -> fusion -> comparison on each evaluation cohort -> reader study -> report. Each stage is
/// cached by the hash of its settings and the keys of the stages it reads (`StageCache`).
///
/// ```swift
/// let config = try StudyConfig.read(path: "study.json")
/// let result = try StudyRunner(config: config, base: URL(fileURLWithPath: ".")).run()
/// print(result.folder.path, result.ran, result.cached)
/// ```
public final class StudyRunner: @unchecked Sendable {
    public let config: StudyConfig
    /// The config file's bytes, hashed into provenance.json (nil: a config built in Swift).
    public let configData: Data?
    public let base: URL
    public let folder: StudyFolder
    public let cache: StageCache
    public let started = Date()
    /// Where progress lines go (standard error by default).
    public var progress: ProgressHandler = standardErrorProgress
    /// Runs the CNN stages; in this process, each training on its own thread, by default.
    public var launcher: any CNNLauncher = InProcessCNNLauncher()

    /// Run one stage only (a cluster job, `StudyRunner.Scope`): its upstream stages must be
    /// cached; nothing else runs and no report is written.
    public var scope = Scope.whole

    private var stageIndex = 0
    private var stageCount = 0
    private var plan: [String] = []
    private var dataKey = ""
    private var keys: [String: String] = [:]

    // What the stages found, for the later stages and the report.
    private(set) var inputs: (cohort: String, dictionary: String?, images: String?, reads: String?) = ("", nil, nil, nil)
    public private(set) var cohort: Cohort!
    public private(set) var selection: PredictorSelection?
    private(set) var sections: [ReportSection] = []
    private(set) var reportNotes: [String] = []
    private(set) var conventionalTrained = false

    /// - Parameters:
    ///   - config: the study.
    ///   - configData: the config file's bytes, for provenance.json.
    ///   - base: the folder the config's relative paths start from.
    ///   - out: the study folder (default: the config's output folder).
    ///   - force: redo every stage, even those whose settings and inputs are unchanged.
    public init(config: StudyConfig, configData: Data? = nil, base: URL, out: URL? = nil, force: Bool = false) {
        self.config = config
        self.configData = configData
        self.base = base
        let url = out ?? config.outputFolder(base: base)
        folder = StudyFolder(url)
        cache = StageCache(folder: url, force: force)
    }

    var synthetic: Bool { config.inputs.synthetic != nil }
    var prefix: String { synthetic ? "SYNTHETIC cohort: " : "" }
    var cnnModels: [String] {
        config.cnn.enabled ? config.cnn.architectures.flatMap { arch in config.cnn.sequences.map { "\(arch.rawValue)-\($0)" } } : []
    }
    var fusedModels: [String] {
        config.cnn.enabled && config.cnn.sequences.count > 1
            ? config.cnn.architectures.flatMap { arch in config.cnn.fusion.map { "\(arch.rawValue)-\($0.rawValue)" } } : []
    }
    var conventionalNames: [String] { config.conventional.classifiers.map { "conventional-\($0.rawValue)" } }

    /// One radiomics model: its name, the sequences whose features it uses, its classifier and
    /// whether it is the combined clinical + rad-score model.
    struct RadiomicsModelPlan {
        var name: String
        var sequences: [String]
        var classifier: RadiomicsClassifier
        var combined: Bool
    }

    /// The radiomics models in report order: per sequence (when asked and there is more than
    /// one), all sequences, then the combined model.
    var radiomicsPlan: [RadiomicsModelPlan] {
        let r = config.radiomics
        guard r.enabled else { return [] }
        var plan: [RadiomicsModelPlan] = []
        for classifier in r.classifiers {
            if r.perSequence && r.sequences.count > 1 {
                plan += r.sequences.map { RadiomicsModelPlan(name: "radiomics-\($0)-\(classifier.rawValue)", sequences: [$0], classifier: classifier, combined: false) }
            }
            plan.append(RadiomicsModelPlan(name: "radiomics-\(classifier.rawValue)", sequences: r.sequences, classifier: classifier, combined: false))
        }
        if r.combined {
            plan.append(RadiomicsModelPlan(name: "combined-\(r.combinedClassifier.rawValue)", sequences: r.sequences, classifier: r.combinedClassifier, combined: true))
        }
        return plan
    }
    private(set) var radiomicsTrained: [String] = []

    /// Every model the comparison stages evaluate, in report order.
    public var modelNames: [String] { (conventionalTrained ? conventionalNames : []) + radiomicsTrained + cnnModels + fusedModels }

    /// The model every other is compared with: the config's, else the first conventional model
    /// (the first CNN when no conventional model was trained).
    var reference: String { config.evaluation.reference ?? (conventionalTrained ? conventionalNames : cnnModels)[0] }

    /// The stages in the order they run.
    public var stageNames: [String] {
        (synthetic ? ["data"] : []) + ["table1", "selection", "conventional"]
            + (config.radiomics.enabled ? config.radiomics.sequences.map { "radiomics-extract-\($0)" } : [])
            + radiomicsPlan.map { "radiomics-model-\($0.name)" } + cnnModels.map { "cnn-\($0)" }
            + fusedModels.map { "fusion-\($0)" } + config.evaluation.cohorts.map { "comparison-\($0)" } + (config.readers ? ["readers"] : [])
    }

    /// The stages each stage reads (its direct upstream), from the config alone: the graph a
    /// cluster executor turns into job dependencies. `stageNames` is one topological order of it.
    public var stageDependencies: [String: [String]] {
        let data = synthetic ? ["data"] : []
        var graph: [String: [String]] = synthetic ? ["data": []] : [:]
        graph["table1"] = data
        graph["selection"] = data
        graph["conventional"] = ["selection"]
        for sequence in config.radiomics.enabled ? config.radiomics.sequences : [] { graph["radiomics-extract-\(sequence)"] = data }
        for model in radiomicsPlan {
            graph["radiomics-model-\(model.name)"] = model.sequences.map { "radiomics-extract-\($0)" } + (model.combined ? ["selection"] : [])
        }
        for model in cnnModels { graph["cnn-\(model)"] = data }
        for arch in config.cnn.architectures where config.cnn.enabled && config.cnn.sequences.count > 1 {
            for method in config.cnn.fusion { graph["fusion-\(arch.rawValue)-\(method.rawValue)"] = config.cnn.sequences.map { "cnn-\(arch.rawValue)-\($0)" } }
        }
        let models = ["conventional"] + radiomicsPlan.map { "radiomics-model-\($0.name)" } + cnnModels.map { "cnn-\($0)" } + fusedModels.map { "fusion-\($0)" }
        for split in config.evaluation.cohorts { graph["comparison-\(split)"] = models }
        if config.readers { graph["readers"] = data }
        return graph
    }

    /// Every stage `stage` reads, directly or through others.
    public func upstream(of stage: String) -> Set<String> {
        let graph = stageDependencies
        var found = Set<String>(), queue = graph[stage] ?? []
        while let next = queue.popLast() {
            if found.insert(next).inserted { queue += graph[next] ?? [] }
        }
        return found
    }

    /// What a run covers: the whole study, one stage (a cluster job), one shard of a radiomics
    /// extraction, or a probe that only says whether a stage is cached (nothing runs).
    public enum Scope: Sendable, Equatable {
        case whole
        /// Runs this stage if it is not cached; every stage it reads must be.
        case stage(String)
        /// Extracts the radiomics features of shard `index` of `count` of this stage's patients
        /// into the shard folder; the stage itself then merges the shards (`mergeShards`).
        case shard(String, index: Int, count: Int)
        /// Whether the stage is cached with every stage it reads (`probe()`).
        case probe(String)

        var target: String? {
            switch self {
            case .whole: nil
            case .stage(let name), .shard(let name, _, _), .probe(let name): name
            }
        }
    }

    /// Where radiomics shards are written and read (`Scope.shard`); the merge reads them when
    /// `mergeShards` is set to their count.
    public var shardFolder: URL?
    public var mergeShards: Int?

    /// Thrown inside a probe to stop the walk with its answer.
    private struct ProbeAnswer: Error { var fresh: Bool }

    /// Whether `scope`'s stage is cached, with every stage it reads (nothing runs, nothing is
    /// written, no lock is taken). A stage with nothing to do (the conventional models when the
    /// selection kept no predictor) counts as cached.
    public func probe() throws -> Bool {
        guard case .probe = scope else { throw StudyError("probe() needs a probe scope") }
        do {
            try run()
        } catch let answer as ProbeAnswer {
            return answer.fresh
        }
        return true
    }

    /// The cohort's patients (the rows of the cohort file), before any stage has run: what a
    /// cluster run shards radiomics extractions by.
    func patientCount() throws -> Int {
        if let synthetic = config.inputs.synthetic { return synthetic.patients }
        return try CSVTable.read(path: config.resolve(config.inputs.cohort!, base: base).path).rows.count
    }

    /// Whether this run does anything about `stage`: always for a whole run; otherwise only for
    /// the scope's stage and what it reads.
    func needed(_ stage: String) -> Bool {
        guard let target = scope.target else { return true }
        return stage == target || upstreamOfTarget.contains(stage)
    }
    private lazy var upstreamOfTarget: Set<String> = scope.target.map { upstream(of: $0) } ?? []

    /// In a one-stage scope: an upstream stage must be cached; the probe's stage gives its answer.
    func gate(_ stage: String, key: String) throws {
        guard let target = scope.target else { return }
        let fresh = cache.isFresh(stage, key: key)
        if stage != target {
            guard fresh else {
                if case .probe = scope { throw ProbeAnswer(fresh: false) }
                throw StudyError("\(target) reads \(stage), which has not finished (its job failed or was cancelled?); nothing was run")
            }
        } else if case .probe = scope {
            throw ProbeAnswer(fresh: fresh)
        }
    }

    /// What a run did: the folder, and the stages it ran and reused.
    public struct Result: Sendable {
        public var folder: URL
        public var ran: [String]
        public var cached: [String]
        public var models: [String]
    }

    // MARK: - The whole study

    /// Runs every stage that is not cached, then writes the report.
    ///
    /// - Returns: what ran and what was reused.
    /// - Throws: `StudyError` (a problem before any work, a failed stage) or the failing stage's own error.
    @discardableResult
    public func run() throws -> Result {
        plan = stageNames
        stageCount = plan.count + 1
        progress("study \(config.study) (\(config.profile.rawValue) profile, seed \(config.seed)) -> \(folder.url.path): \(plan.count) stages")
        if case .whole = scope { try preflight() }
        // One run per folder at a time (released when the run ends, however it ends); a
        // cluster's one-stage jobs share the folder with each other, never with a whole run.
        var lock: StudyLock?
        switch scope {
        case .whole: lock = try StudyLock.acquire(folder: folder.url, command: ProcessInfo.processInfo.arguments.joined(separator: " "))
        case .stage, .shard: lock = try StudyLock.acquire(folder: folder.url, command: ProcessInfo.processInfo.arguments.joined(separator: " "), shared: true)
        case .probe: lock = nil
        }
        defer { lock?.release() }
        // What a run killed mid-write left half-written (never read: the stage records say which
        // outputs are complete) goes first.
        if case .whole = scope {
            for path in AtomicFile.removeAbandoned(under: folder.url) { progress("removed \(path), left half-written by an interrupted run") }
        }
        try dataStage()
        let outcome = OutcomeSettings(label: config.label, classes: config.classes ?? cohort.classes.names)
        if needed("table1") {
            try execute(TableOneStage(settings: outcome, cohort: cohort, titlePrefix: prefix), upstream: [dataKey])
            sections.append(ReportSection(title: "Baseline characteristics", tables: ["table1", "table1_by_cohort"]))
        }
        guard needed("selection") else {
            // A stage that reads neither the selection nor what follows from it.
            try radiomicsStages(predictors: [])
            try cnnStages()
            try fusionStages()
            if config.readers && needed("readers") { try readersStage(outcome) }
            return Result(folder: folder.url, ran: cache.outcomes.filter { !$0.cached }.map(\.stage), cached: cache.outcomes.filter(\.cached).map(\.stage), models: [])
        }
        let selectionStage = SelectionStage(config: config, cohort: cohort, titlePrefix: prefix)
        let selection = try execute(selectionStage, upstream: [dataKey])
        self.selection = selection
        progress("independent predictors: \(selection.predictors.isEmpty ? "none" : selection.predictors.joined(separator: ", "))")
        // Without a screened variable there is no multivariable model, so only the univariate table.
        sections.append(
            ReportSection(
                title: "Univariate and multivariable analysis",
                tables: folder.writtenTables(["univariate", "multivariable", "elimination"])))
        if needed("conventional") { try conventionalStage(predictors: selection.predictors) }
        try radiomicsStages(predictors: selection.predictors)
        try cnnStages()
        try fusionStages()
        for split in config.evaluation.cohorts where needed("comparison-\(split)") { try comparisonStage(split) }
        if config.readers && needed("readers") { try readersStage(outcome) }
        guard case .whole = scope else {
            return Result(folder: folder.url, ran: cache.outcomes.filter { !$0.cached }.map(\.stage), cached: cache.outcomes.filter(\.cached).map(\.stage), models: modelNames)
        }
        stageIndex += 1
        progress(String(format: "[%d/%d] report (%.0f s elapsed)", stageIndex, stageCount, Date().timeIntervalSince(started)))
        try writeReport()
        let cached = cache.outcomes.filter(\.cached).map(\.stage), ran = cache.outcomes.filter { !$0.cached }.map(\.stage)
        progress("ran: \(ran.isEmpty ? "none" : ran.joined(separator: ", "))")
        progress("cached: \(cached.isEmpty ? "none" : cached.joined(separator: ", "))")
        progress(
            String(
                format: "done in %.1f s: %@/index.html, report.md, tables/, figures/, predictions/, models/, provenance.json",
                Date().timeIntervalSince(started), folder.url.path))
        return Result(folder: folder.url, ran: ran, cached: cached, models: modelNames)
    }

    func readersStage(_ outcome: OutcomeSettings) throws {
        guard let reads = inputs.reads else { return }
        let stage = ReadersStage(
            settings: .init(outcome: outcome, formats: config.figureFormats), readsPath: reads, truth: cohort,
            truthSource: inputs.cohort, titlePrefix: synthetic ? "SYNTHETIC reads: " : "")
        // The reads are part of the data key (their hash for your own files; the synthetic settings otherwise).
        let tables = try execute(stage, upstream: [dataKey])
        sections.append(ReportSection(title: "Reader study", tables: tables, figureFolder: "figures/readers"))
    }

    /// Runs `stage` unless it is cached, and reads back what it wrote.
    @discardableResult
    func execute<Stage: StudyStage>(_ stage: Stage, upstream: [String]) throws -> Stage.Output {
        let key = StageCache.key(stage.name, settings: stage.settings, upstream: upstream)
        keys[stage.name] = key
        try gate(stage.name, key: key)
        announce(stage.name, key: key)
        try cache.run(stage.name, key: key, outputs: stage.outputs) { try stage.run(in: folder) }
        return try stage.result(in: folder)
    }

    /// One progress line per stage: its number, name, what happens to it and an ETA from the
    /// stages' last recorded times.
    func announce(_ stage: String, key: String) {
        stageIndex += 1
        let fresh = cache.isFresh(stage, key: key)
        let remaining = Array(plan.drop { $0 != stage })
        // From the stages' last recorded times; the CNN stages run side by side.
        let known = remaining.compactMap { stage in cache.lastSeconds(stage).map { (stage.hasPrefix("cnn-"), $0) } }
        let cnnCount = known.filter(\.0).count
        let seconds =
            known.filter { !$0.0 }.map(\.1).reduce(0, +)
            + known.filter(\.0).map(\.1).reduce(0, +) / Double(max(1, min(cnnCount, config.cnn.parallel ?? defaultParallel)))
        let eta = known.count == remaining.count && !remaining.isEmpty ? String(format: ", ETA %.0f s", seconds) : ""
        progress(
            String(
                format: "[%d/%d] %@ %@ (%.0f s elapsed%@)", stageIndex, stageCount, stage,
                fresh ? "cached, inputs and settings unchanged" : "running", Date().timeIntervalSince(started), fresh ? "" : eta))
    }

    // MARK: - Before any work

    /// With your own inputs: the model names of the comparison and, for the CNNs, that every
    /// patient of the cohort has each sequence and a mask (names only; the training reads and
    /// cross-checks them). Every problem is listed at once, before any stage runs.
    func preflight() throws {
        var problems: [String] = []
        let names = conventionalNames + radiomicsPlan.map(\.name) + cnnModels + fusedModels
        if config.radiomics.enabled && config.inputs.synthetic.map({ !$0.images }) ?? (config.inputs.images == nil) {
            problems.append("radiomics: the radiomics models need images (inputs.images, or inputs.synthetic.images: true)")
        }
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
            throw StudyError("\(problems.count) problem(s), nothing was run:\n" + problems.map { "  - \($0)" }.joined(separator: "\n"))
        }
    }

    // MARK: - Data

    func dataStage() throws {
        if let s = config.inputs.synthetic {
            try execute(SyntheticDataStage(settings: s), upstream: [])
            dataKey = keys["data"]!
            inputs = (
                folder.path("data", "cohort.csv"), folder.path("data", "dictionary.json"), s.images ? folder.path("data", "images") : nil,
                folder.path("data", "reads.csv")
            )
        } else {
            let given = config.inputs
            inputs = (
                config.resolve(given.cohort!, base: base).path,
                given.dictionary.map { $0 == "sinonasal" ? $0 : config.resolve($0, base: base).path },
                given.images.map { config.resolve($0, base: base).path }, given.reads.map { config.resolve($0, base: base).path }
            )
            struct OwnInputs: Encodable { var cohort: String, dictionary: String?, reads: String?, images: String? }
            let own = OwnInputs(
                cohort: try SHA256.hex(fileAt: inputs.cohort),
                dictionary: try inputs.dictionary.map { $0 == "sinonasal" ? $0 : try SHA256.hex(fileAt: $0) },
                reads: try inputs.reads.map { try SHA256.hex(fileAt: $0) },
                images: config.cnn.enabled || config.radiomics.enabled ? try inputs.images.map { try statFingerprint(URL(fileURLWithPath: $0)) } : nil)
            dataKey = StageCache.key("data", settings: own)
            progress("inputs: \(inputs.cohort)\(inputs.images.map { ", \($0)" } ?? "")\(inputs.reads.map { ", \($0)" } ?? "") (key \(dataKey.prefix(12)))")
        }
        cohort = try CohortLoader.read(path: inputs.cohort, dictionary: inputs.dictionary, labelColumn: config.label, classOrder: config.classes).cohort
        // Tables name their source: the path as the config gives it (data/cohort.csv for the
        // SYNTHETIC cohort), so that the same study written elsewhere gives the same files.
        cohort.source = config.inputs.synthetic == nil ? config.inputs.cohort! : "data/cohort.csv"
    }

    // MARK: - Conventional

    func conventionalStage(predictors: [String]) throws {
        let stage = ConventionalStage(config: config, cohort: cohort, predictors: predictors, titlePrefix: prefix)
        guard !predictors.isEmpty else {
            stageIndex += 1
            keys["conventional"] = StageCache.key("conventional", settings: stage.settings, upstream: [keys["selection"]!])
            let why = "The predictor selection kept no variable, so no conventional model was trained"
            guard !cnnModels.isEmpty else {
                throw StudyError(
                    "\(why), and the CNNs are disabled (cnn.enabled: false): the study has no model to evaluate. "
                        + "Raise selection.screening_alpha or selection.elimination_alpha, or enable the CNNs.")
            }
            if let reference = config.evaluation.reference, conventionalNames.contains(reference) {
                throw StudyError("\(why), so evaluation.reference '\(reference)' does not exist; name a CNN model or leave the reference out.")
            }
            progress(String(format: "[%d/%d] conventional skipped (%.0f s elapsed)", stageIndex, stageCount, Date().timeIntervalSince(started)))
            progress("\(why); the study goes on with the CNNs")
            reportNotes.append("\(why).")
            return
        }
        conventionalTrained = true
        try execute(stage, upstream: [keys["selection"]!])
        let tables = folder.writtenTables(config.conventional.classifiers.filter { $0 != .logistic }.map { "cv_\($0.rawValue)" })
        if !tables.isEmpty { sections.append(ReportSection(title: "Conventional model", tables: tables)) }
    }

    // MARK: - Radiomics

    func radiomicsStages(predictors: [String]) throws {
        let r = config.radiomics
        guard r.enabled, let images = inputs.images else { return }
        let paramsPath = r.params.map { config.resolve($0, base: base).path }
        let paramsHash = try paramsPath.map { try SHA256.hex(fileAt: $0) } ?? ""
        for sequence in r.sequences where needed("radiomics-extract-\(sequence)") {
            var stage = RadiomicsExtractStage(
                settings: .init(sequence: sequence, params: paramsHash, version: SinoRadVersion.current), images: images, patients: cohort.ids,
                paramsPath: paramsPath, jobs: r.jobs ?? ProcessInfo.processInfo.activeProcessorCount)
            if case .shard(let name, let index, let count) = scope, name == stage.name {
                // One job of an array: this shard's patients, written beside the others; the
                // stage is recorded by the merge.
                guard let shardFolder else { throw StudyError("a radiomics shard needs a shard folder") }
                let key = StageCache.key(stage.name, settings: stage.settings, upstream: [dataKey])
                try stage.extractShard(index: index, of: count, into: shardFolder.appendingPathComponent(key))
                continue
            }
            if let count = mergeShards, scope.target == stage.name, let shardFolder {
                stage.shards = (shardFolder.appendingPathComponent(StageCache.key(stage.name, settings: stage.settings, upstream: [dataKey])), count)
            }
            try execute(stage, upstream: [dataKey])
        }
        for model in radiomicsPlan where needed("radiomics-model-\(model.name)") {
            let extractKeys = model.sequences.map { keys["radiomics-extract-\($0)"] ?? "" }
            if model.combined && predictors.isEmpty {
                stageIndex += 1
                progress("radiomics-model-\(model.name) skipped: the predictor selection kept no clinical variable to combine with the rad-score")
                reportNotes.append("No combined clinical-radiomics model: the predictor selection kept no variable.")
                continue
            }
            let stage = RadiomicsModelStage(
                settings: .init(
                    modelName: model.name, classifier: model.classifier, sequences: model.sequences,
                    clinicalPredictors: model.combined ? predictors : [], selection: r.selection, folds: r.folds, seed: config.seed,
                    formats: config.figureFormats),
                cohort: cohort, titlePrefix: prefix)
            try execute(stage, upstream: extractKeys + (model.combined ? [keys["selection"] ?? ""] : []))
            radiomicsTrained.append(model.name)
            sections.append(
                ReportSection(
                    title: "Radiomics model: \(model.name)", tables: folder.writtenTables(stage.tables), figureFolder: "figures/radiomics/\(model.name)"))
        }
    }

    // MARK: - CNN

    /// Trainings at once when the config does not say: twice the cores for inputs up to
    /// 128 x 128 (single-thread trainings of small inputs leave a core partly idle while they
    /// read and evaluate; three 64 x 64 ResNet-18 on 2 cores finish in about 2/3 of the time of
    /// two then one), the cores for larger inputs (memory: a ResNet-101 at 224 x 224 trains in
    /// about 2.7 GB).
    public var defaultParallel: Int {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        return config.cnn.size <= 128 ? 2 * cores : cores
    }

    func cnnStages() throws {
        guard config.cnn.enabled, let images = inputs.images else { return }
        let data = CNNDataSource(images: images, cohort: inputs.cohort, dictionary: inputs.dictionary, label: config.label)
        var pending: [CNNStage] = []
        for arch in config.cnn.architectures {
            let weights = try config.cnn.weights[arch].map { try SHA256.hex(fileAt: config.resolve($0, base: base).path) } ?? ""
            for sequence in config.cnn.sequences {
                let stage = CNNStage(
                    config: config, arch: arch, sequence: sequence, data: data, classes: cohort.classes.names, base: base,
                    weightsSHA256: weights)
                let key = StageCache.key("cnn", settings: stage.settings, upstream: [dataKey])
                keys[stage.name] = key
                guard needed(stage.name) else { continue }
                try gate(stage.name, key: key)
                announce(stage.name, key: key)
                if !cache.isFresh(stage.name, key: key) { pending.append(stage) } else { try cache.run(stage.name, key: key, outputs: []) {} }
            }
        }
        guard !pending.isEmpty else { return }
        let parallel = max(1, min(config.cnn.parallel ?? defaultParallel, pending.count))
        let share = InProcessCNNLauncher.threads(parallel: parallel)
        progress("training \(pending.count) CNN(s), \(parallel) at a time (\(share) thread(s) each)")
        let failures = try launcher.run(pending, parallel: parallel, folder: folder, progress: progress) { stage, body in
            try self.cache.run(stage.name, key: self.keys[stage.name]!, outputs: stage.outputs, body: body)
        }
        if !failures.isEmpty { throw StudyError("CNN stage(s) failed:\n" + failures.joined(separator: "\n")) }
    }

    func fusionStages() throws {
        for arch in config.cnn.architectures where config.cnn.enabled && config.cnn.sequences.count > 1 {
            for method in config.cnn.fusion where needed("fusion-\(arch.rawValue)-\(method.rawValue)") {
                let stage = FusionStage(
                    settings: .init(method: method), modelName: "\(arch.rawValue)-\(method.rawValue)",
                    inputs: config.cnn.sequences.map { "predictions/\(arch.rawValue)-\($0).csv" }, classes: cohort.classes)
                try execute(stage, upstream: config.cnn.sequences.map { keys["cnn-\(arch.rawValue)-\($0)"] ?? "" })
            }
        }
    }

    // MARK: - Comparison

    /// Predictions files in report order: conventional, radiomics, then each CNN, then the fusions.
    var predictionFiles: [String] {
        (conventionalTrained ? ["predictions/conventional.csv"] : []) + radiomicsTrained.map { "predictions/\($0).csv" }
            + cnnModels.map { "predictions/\($0).csv" }
            + fusedModels.map { "predictions/\($0).csv" }
    }

    func comparisonStage(_ split: String) throws {
        let upstream =
            [keys["conventional"] ?? ""] + radiomicsTrained.map { keys["radiomics-model-\($0)"] ?? "" } + cnnModels.map { keys["cnn-\($0)"] ?? "" } + fusedModels.map { keys["fusion-\($0)"] ?? "" }
        let stage = ComparisonStage(
            settings: .init(
                cohort: split, bootstrap: config.evaluation.bootstrap, seed: config.seed, reference: reference,
                formats: config.figureFormats),
            predictionFiles: predictionFiles, truth: cohort, titlePrefix: prefix)
        try execute(stage, upstream: upstream)
        sections.append(
            ReportSection(
                title: "Model performance: \(split) cohort",
                tables: folder.writtenTables(["performance", "per_class", "paired"].map { "\($0)_\(split)" }),
                figureFolder: "figures/\(split)"))
    }

    // MARK: - Report

    func writeReport() throws {
        var all = sections
        for name in cnnModels where FileManager.default.fileExists(atPath: folder.path("figures", "gradcam", name, "montage.png")) {
            all.append(ReportSection(title: "Grad-CAM: \(name)", tables: [], figureFolder: "figures/gradcam/\(name)"))
        }
        let methods = StudyMethods(
            config: config, cohort: cohort, synthetic: synthetic, conventionalTrained: conventionalTrained,
            predictors: selection?.predictors ?? [], fused: !fusedModels.isEmpty, models: modelNames,
            reference: modelNames.isEmpty ? "" : reference, gradCAMLayers: gradCAMLayers(), radiomicsModels: radiomicsTrained
        ).paragraph
        let document = StudyReportDocument(
            title: "SinoRad study: \(config.study)" + (synthetic ? " (SYNTHETIC data)" : ""),
            banner: config.inputs.synthetic.map { "All data in this report are SYNTHETIC, generated by sinorad (seed \($0.seed)); they are not patient data." },
            methods: methods, notes: reportNotes, sections: all)
        try document.write(to: folder.url)
        try AtomicFile.write(methods + "\n", to: folder.path("methods.md"))
        try AtomicFile.write(provenance(), to: folder.path("provenance.json"))
    }

    /// The layers of the CNNs' Grad-CAM maps, as each CNN stage recorded them (gradcam.json).
    func gradCAMLayers() -> [String] {
        var layers: [String] = []
        for name in cnnModels {
            guard let data = try? Data(contentsOf: URL(fileURLWithPath: folder.path("figures", "gradcam", name, "gradcam.json"))),
                let record = try? JSONDecoder().decode(GradCAMRecord.self, from: data)
            else { continue }
            let text = "\(record.layer) (\(record.mapHeight) x \(record.mapWidth))"
            if !layers.contains(text) { layers.append(text) }
        }
        return layers
    }

    func provenance() throws -> Data {
        struct Stage: Encodable { var stage: String, key: String, cached: Bool, seconds: Double }
        struct Seeds: Encodable {
            var study: UInt64
            var syntheticData: UInt64?
            enum CodingKeys: String, CodingKey { case study, syntheticData = "synthetic_data" }
        }
        struct Host: Encodable { var os: String, cores: Int }
        struct Provenance: Encodable {
            var study: String, profile: String, configSHA256: String?, sinoradVersion: String, seeds: Seeds
            var libraries: [String: String], host: Host, started: String, seconds: Double, stages: [Stage]
            enum CodingKeys: String, CodingKey {
                case study, profile, configSHA256 = "config_sha256", sinoradVersion = "sinorad_version", seeds, libraries, host, started, seconds, stages
            }
        }
        let record = Provenance(
            study: config.study, profile: config.profile.rawValue, configSHA256: configData.map { SHA256.hex($0) },
            sinoradVersion: SinoRadVersion.current, seeds: Seeds(study: config.seed, syntheticData: config.inputs.synthetic?.seed),
            libraries: [
                "gsl": Distributions.gslVersion, "openblas": String(cString: openblas_get_config()),
                "cairo": String(cString: cairo_version_string()), "zlib": String(cString: zlibVersion())
            ],
            host: Host(os: ProcessInfo.processInfo.operatingSystemVersionString, cores: ProcessInfo.processInfo.activeProcessorCount),
            started: ISO8601DateFormatter().string(from: started), seconds: (Date().timeIntervalSince(started) * 10).rounded() / 10,
            stages: cache.outcomes.map { Stage(stage: $0.stage, key: $0.key, cached: $0.cached, seconds: ($0.seconds * 1000).rounded() / 1000) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(record)
    }
}

// MARK: - Running the CNN stages

/// Runs a study's pending CNN stages, `parallel` at a time; `record` wraps each stage's work in
/// the cache (the stage is recorded only when its body finishes). Returns one line per failed
/// stage.
public protocol CNNLauncher: Sendable {
    func run(
        _ stages: [CNNStage], parallel: Int, folder: StudyFolder, progress: @escaping ProgressHandler,
        record: @escaping @Sendable (CNNStage, () throws -> Void) throws -> Void
    ) throws -> [String]
}

/// Runs each CNN stage on a thread of this process; the networks of the `parallel` stages that
/// run at once share the cores (`threads(parallel:)` each, `CNNThreads`), with OpenBLAS on one
/// thread (`OpenBLASThreads.one`). A network's results do not depend on its thread count, so
/// neither does any training's on how many run at once.
public struct InProcessCNNLauncher: CNNLauncher {
    public init() {}

    public func run(
        _ stages: [CNNStage], parallel: Int, folder: StudyFolder, progress: @escaping ProgressHandler,
        record: @escaping @Sendable (CNNStage, () throws -> Void) throws -> Void
    ) throws -> [String] {
        try OpenBLASThreads.one { try runStages(stages, parallel: parallel, folder: folder, progress: progress, record: record) }
    }

    /// Each network's threads when `parallel` trainings run at once: the cores (as
    /// `Workers.fromEnvironment` counts them) divided among them, at least 1.
    public static func threads(parallel: Int) -> Int { max(1, Workers.fromEnvironment() / max(1, parallel)) }

    private func runStages(
        _ stages: [CNNStage], parallel: Int, folder: StudyFolder, progress: @escaping ProgressHandler,
        record: @escaping @Sendable (CNNStage, () throws -> Void) throws -> Void
    ) throws -> [String] {
        let failures = LockedList()
        let semaphore = DispatchSemaphore(value: parallel)
        let group = DispatchGroup()
        for stage in stages {
            semaphore.wait()
            group.enter()
            let tagged: ProgressHandler = { line in progress("  [\(stage.modelName)] \(line)") }
            let share = Self.threads(parallel: parallel)
            let thread = Thread {
                defer { semaphore.signal(); group.leave() }
                do {
                    try CNNThreads.with(share) { try record(stage) { try stage.run(in: folder, progress: tagged) } }
                } catch { failures.add("\(stage.modelName): \(userMessage(error))") }
            }
            thread.stackSize = 16 << 20
            thread.start()
        }
        group.wait()
        return failures.items
    }
}

/// Strings appended from several threads (failures of parallel stages).
final class LockedList: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []
    func add(_ text: String) { lock.lock(); list.append(text); lock.unlock() }
    var items: [String] { lock.lock(); defer { lock.unlock() }; return list }
}
