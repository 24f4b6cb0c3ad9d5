import Foundation
import SinoData
import SinoRadiomics
import SinoReport
import SinoSelection

// MARK: - Radiomics extraction

/// PyRadiomics features of one sequence for every patient: features/radiomics_<SEQ>.csv
/// (patient_id, then <SEQ>_<feature> columns, diagnostics left out).
public struct RadiomicsExtractStage: StudyStage {
    public struct Settings: Encodable, Sendable {
        public var sequence: String
        /// SHA-256 of the parameter file ("" for PyRadiomics' defaults).
        public var params: String
        public var version: String
    }

    public var settings: Settings
    public var images: String
    public var patients: [String]
    public var paramsPath: String?
    public var jobs: Int
    public var name: String { "radiomics-extract-\(settings.sequence)" }
    public var outputs: [String] { ["features/radiomics_\(settings.sequence).csv", "features/radiomics_\(settings.sequence)_failures.txt"] }

    /// Set by a cluster run: the shards' folder and their count; `run` then merges the shards'
    /// cases instead of extracting (`extractShard`).
    public var shards: (folder: URL, count: Int)?

    /// One case of the table: its features (names and cells, diagnostics left out) or why it
    /// could not be extracted. What a shard file holds, one per patient.
    struct CaseOutcome: Codable {
        var patient: String
        var names: [String]?
        var cells: [String]?
        var failure: String?
    }

    /// The patients of shard `index` of `count`: a contiguous block, the blocks in cohort order.
    func patients(ofShard index: Int, count: Int) -> ArraySlice<String> {
        patients[index * patients.count / count..<(index + 1) * patients.count / count]
    }

    func shardFile(_ folder: URL, _ index: Int, _ count: Int) -> URL {
        folder.appendingPathComponent("shard-\(index)-of-\(count).json")
    }

    public func run(in folder: StudyFolder) throws {
        let outcomes: [CaseOutcome]
        if let shards {
            var merged: [CaseOutcome] = []
            for index in 0..<shards.count {
                let file = shardFile(shards.folder, index, shards.count)
                guard let data = InputFile.bytes(file.path), let part = try? JSONDecoder().decode([CaseOutcome].self, from: Data(data)) else {
                    throw StudyError("radiomics: \(file.path), shard \(index + 1) of \(shards.count) of \(name), is missing or unreadable (its job failed?)")
                }
                let expected = Array(patients(ofShard: index, count: shards.count))
                guard part.map(\.patient) == expected else {
                    throw StudyError("radiomics: \(file.path) holds other patients than shard \(index + 1) of \(shards.count) of this cohort (a shard of another run?)")
                }
                merged += part
            }
            outcomes = merged
        } else {
            outcomes = try extract(patients)
        }
        try write(outcomes, in: folder)
    }

    /// Extracts shard `index` of `count` into `folder` (a cluster array job; the stage's own
    /// job merges them).
    public func extractShard(index: Int, of count: Int, into folder: URL) throws {
        let outcomes = try extract(Array(patients(ofShard: index, count: count)))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try AtomicFile.write(encoder.encode(outcomes), to: shardFile(folder, index, count).path)
    }

    func extract(_ patients: [String]) throws -> [CaseOutcome] {
        let extractor = try paramsPath.map { RadiomicsExtractor(document: try ParameterFile.load(path: $0)) } ?? RadiomicsExtractor()
        var cases: [RadiomicsCase] = []
        var missing: [String] = []
        for patient in patients {
            switch StudyImages.locate(root: images, patient: patient, sequence: settings.sequence) {
            case .success(let files): cases.append(RadiomicsCase(id: patient, image: files.image, mask: files.mask))
            case .failure(let problem): missing.append(problem.message)
            }
        }
        guard missing.isEmpty else {
            throw StudyError("radiomics: \(missing.count) image(s) missing:\n  " + missing.prefix(20).joined(separator: "\n  "))
        }
        let sequence = settings.sequence
        let results = RadiomicsBatch.run(cases, extractor: extractor, jobs: jobs) { line in
            FileHandle.standardError.write(Data("  \(sequence) \(line)\n".utf8))
        }
        // A file that was there when the stage began and is gone now was deleted (or moved)
        // during the run: that is not a case PyRadiomics cannot extract, and its empty cells
        // would be imputed silently, so the stage stops and records nothing.
        let vanished = zip(cases, results).flatMap { item, result -> [String] in
            guard case .failure = result else { return [] }
            return [item.image, item.mask].filter { !FileManager.default.fileExists(atPath: $0) }
        }
        guard vanished.isEmpty else {
            throw StudyError(
                "radiomics: \(vanished.count) image or mask file(s) disappeared while \(settings.sequence) was extracted (deleted or moved during the run); "
                    + "nothing of this stage was recorded; restore them and run again:\n  " + vanished.prefix(20).joined(separator: "\n  "))
        }
        return zip(cases, results).map { item, result in
            switch result {
            case .failure(let error): return CaseOutcome(patient: item.id, failure: error.description)
            case .success(let value):
                let entries = value.entries.filter { !$0.0.hasPrefix("diagnostics_") }
                return CaseOutcome(patient: item.id, names: entries.map(\.key), cells: entries.map { $0.value.cell })
            }
        }
    }

    /// The feature table and the failures beside it. A case PyRadiomics cannot extract (a
    /// one-voxel ROI, say) keeps its row with empty cells: the selection then stops naming the
    /// missing values unless radiomics.selection.impute fills them from the training cohort.
    func write(_ outcomes: [CaseOutcome], in folder: StudyFolder) throws {
        let failures = outcomes.compactMap(\.failure)
        guard let names = outcomes.lazy.compactMap(\.names).first else {
            throw StudyError("radiomics: no case of \(settings.sequence) could be extracted:\n  " + failures.prefix(20).joined(separator: "\n  "))
        }
        let header = ["patient_id"] + names.map { "\(settings.sequence)_\($0)" }
        let rows = outcomes.map { [$0.patient] + ($0.cells ?? Array(repeating: "", count: names.count)) }
        try AtomicFile.write(CSVWriter.text(header: header, rows: rows), to: folder.path("features", "radiomics_\(settings.sequence).csv"))
        try AtomicFile.write(
            failures.isEmpty ? "" : failures.joined(separator: "\n") + "\n", to: folder.path("features", "radiomics_\(settings.sequence)_failures.txt"))
        if !failures.isEmpty {
            FileHandle.standardError.write(
                Data("  \(settings.sequence): \(failures.count) case(s) could not be extracted (empty cells; features/radiomics_\(settings.sequence)_failures.txt)\n".utf8))
        }
    }
}

// MARK: - Radiomics models

/// One radiomics model (a sequence's features, or all sequences', or the combined clinical +
/// rad-score model): predictions/<name>.csv, models/<name>/model.json, tables
/// radiomics_<name>_{selection,selected,grid} and figures/radiomics/<name> (LASSO CV and path,
/// the selected features' correlation heatmap).
public struct RadiomicsModelStage: StudyStage {
    public struct Settings: Encodable, Sendable {
        public var modelName: String
        public var classifier: RadiomicsClassifier
        public var sequences: [String]
        public var clinicalPredictors: [String]
        public var selection: RadiomicsSelectionConfig
        public var folds: Int
        public var seed: UInt64
        public var formats: [FigureFormat]
    }

    public var settings: Settings
    public var cohort: Cohort
    public var titlePrefix: String
    public var name: String { "radiomics-model-\(settings.modelName)" }
    public var tableStem: String { "radiomics_\(settings.modelName.replacingOccurrences(of: "-", with: "_"))" }
    public var outputs: [String] {
        ["predictions/\(settings.modelName).csv", "models/\(settings.modelName)", "figures/radiomics/\(settings.modelName)"]
            + ["selection", "selected", "grid"].flatMap { kind in ["md", "csv", "tex", "html", "json"].map { "tables/\(tableStem)_\(kind).\($0)" } }
    }

    /// The tables it writes (under tables/, no extension), in report order.
    public var tables: [String] { ["selection", "selected", "grid"].map { "\(tableStem)_\($0)" } }

    public func run(in folder: StudyFolder) throws {
        let table = try Self.joinedFeatures(folder: folder, sequences: settings.sequences)
        var model = RadiomicsModelSettings()
        model.classifier = settings.classifier
        model.selection = settings.selection
        model.clinicalPredictors = settings.clinicalPredictors
        model.folds = settings.folds
        model.seed = settings.seed
        model.name = settings.modelName
        let trained: (result: RadiomicsModelResult, predictions: Predictions, selection: RadiomicsSelection)
        do {
            trained = try RadiomicsModel.train(features: table, cohort: cohort, settings: model)
        } catch let error as SelectionError {
            throw StudyError("radiomics model \(settings.modelName): \(error.description) (settings: radiomics.selection in the study config)")
        }
        let (result, predictions, selection) = trained
        try AtomicFile.write(Predictions.csv([predictions]), to: folder.path("predictions", "\(settings.modelName).csv"))
        try AtomicFile.write(JSONEncoder.sinorad.encode(result), to: folder.path("models", settings.modelName, "model.json"))
        try AtomicFile.write(selection.decisionsCSV, to: folder.path("models", settings.modelName, "selection.csv"))
        let label = "\(titlePrefix)\(settings.modelName)"
        try folder.writeTable(selection.summaryTable(title: "\(label): feature selection (training cohort)"), json: selection.steps, name: "\(tableStem)_selection")
        try folder.writeTable(selection.selectedTable(title: "\(label): selected features"), name: "\(tableStem)_selected")
        try folder.writeTable(result.gridTable(title: "\(label): cross-validated grid"), json: result, name: "\(tableStem)_grid")
        var figures = try selection.lassoFigures(titlePrefix: "\(settings.modelName): ")
        if selection.selected.count >= 2 {
            let training = try cohort.split("train")
            let rows = try table.rows(for: training.ids, cohortSource: cohort.source)
            let names = selection.selectedNames
            let columns = names.map { name in rows.map { $0[table.names.firstIndex(of: name)!] } }
            let correlations = columns.map { a in columns.map { b in Correlation.spearman(a, b) } }
            figures.append(
                ("correlation", try CorrelationHeatmapFigure(title: "\(settings.modelName): Spearman r", names: names, correlations: correlations)))
        }
        for (stem, figure) in figures {
            for format in settings.formats { try figure.write(to: folder.path("figures", "radiomics", settings.modelName, "\(stem).\(format.rawValue)")) }
        }
    }

    /// The sequences' feature tables joined on patient_id.
    static func joinedFeatures(folder: StudyFolder, sequences: [String]) throws -> FeatureTable {
        var joined: FeatureTable?
        for sequence in sequences {
            let table = try FeatureTable.read(path: folder.path("features", "radiomics_\(sequence).csv"))
            guard let current = joined else {
                joined = table
                continue
            }
            let rows = try table.rows(for: current.ids, cohortSource: current.source)
            joined = FeatureTable(source: current.source, ids: current.ids, names: current.names + table.names, values: zip(current.values, rows).map { $0 + $1 })
        }
        return joined!
    }
}
