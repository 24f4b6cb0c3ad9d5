import ArgumentParser
import Foundation
import SinoData
import SinoImaging

struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a deterministic SYNTHETIC sinonasal cohort (CSV + dictionary + metadata).",
        discussion: """
        The cohort has the study's proportions by default: 465 patients, 229 SCC \
        / 128 ACC / 108 ONB, split 325 / 47 / 93 (train / validation / test), \
        stratified by class. Findings follow the literature's class differences \
        (data-schema/DICTIONARY.md). reads.csv holds SYNTHETIC reads of the \
        validation and test patients by a senior and a junior radiologist, unaided \
        and AI-assisted (data-schema/READS.md), for `sinorad readers`.

        With --images, the SYNTHETIC MRI phantom of every patient (docs/IMAGING-PHANTOM.md) \
        is written too: images/<patient_id>/{T2WI,CE-T1WI,ADC}.nii.gz and mask.nii.gz \
        (data-schema/images.md), in parallel, each file atomically; the same seed gives \
        the same files whatever the thread count. --image-grid reduced (64 x 64 x 12) is \
        about 16 times quicker than the default 128 x 128 x 24 grid.

        Example:
          sinorad simulate --out data/synthetic --seed 7
          sinorad simulate --out /tmp/big --patients 50000
          sinorad simulate --out /tmp/syn --images
        """)

    enum ImageGrid: String, ExpressibleByArgument, CaseIterable {
        case reduced, `default`
        var settings: PhantomSettings { self == .reduced ? .reduced : PhantomSettings() }
    }

    @Option(help: "Folder to write cohort.csv, dictionary.json, metadata.json and reads.csv into.")
    var out: String

    @Option(help: "Random seed; the same seed gives the same cohort byte for byte.")
    var seed: UInt64 = 20250056

    @Option(help: "Number of patients; classes and cohorts keep the study's proportions.")
    var patients: Int = 465

    @Flag(help: "Also write the SYNTHETIC MRI phantom of every patient under <out>/images.")
    var images = false

    @Option(help: "Phantom grid with --images: default (128 x 128 x 24) or reduced (64 x 64 x 12).")
    var imageGrid: ImageGrid = .default

    @Option(help: .hidden)
    var threads: Int?

    func run() throws {
        try SinoRad.guarded {
            let settings = try CohortSimulator.Settings.scaled(to: patients, seed: seed)
            let folder = URL(fileURLWithPath: out)
            let imaging = images ? (grid: imageGrid.rawValue, settings: imageGrid.settings) : nil
            let table = try writeSyntheticCohort(settings, to: folder, images: imaging)
            note("SYNTHETIC cohort: \(table.rows.count) patients (\(settings.classCounts.map(String.init).joined(separator: "/"))), seed \(seed) -> \(folder.path)/cohort.csv")
            let reads = try writeSyntheticReads(seed: seed, cohort: table, to: folder)
            note("SYNTHETIC reads: \(reads.readers.joined(separator: ", ")), unaided and AI-assisted, \(reads.reads.count) reads -> \(folder.path)/reads.csv")
            if let imaging {
                try writeSyntheticImages(table, seed: seed, settings: imaging.settings,
                                         to: folder.appendingPathComponent("images"), threads: threads)
            }
        }
    }
}

/// Writes images/<patient_id>/{T2WI,CE-T1WI,ADC}.nii.gz and mask.nii.gz (uint8) for every
/// patient of `table` (the phantom seeded by `seed` and the patient id), in parallel, each file
/// atomically, with a progress line on stderr.
func writeSyntheticImages(_ table: CSVTable, seed: UInt64, settings: PhantomSettings, to folder: URL,
                          threads: Int? = nil) throws {
    let generator = PhantomGenerator(settings: settings)
    let total = table.rows.count
    let counter = ProgressCounter(total: total)
    let start = Date()
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    _ = try generator.cohort(table, studySeed: seed, threads: threads) { patient in
        let dir = folder.appendingPathComponent(patient.patientID)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for sequence in PhantomGenerator.sequences {
            try NIfTI.write(patient.volumes[sequence]!, to: dir.appendingPathComponent("\(sequence).nii.gz").path,
                            description: "SYNTHETIC sinorad phantom")
        }
        try NIfTI.write(patient.mask, to: dir.appendingPathComponent("mask.nii.gz").path, datatype: .uint8,
                        description: "SYNTHETIC sinorad phantom mask")
        if let done = counter.increment() {
            let seconds = Date().timeIntervalSince(start)
            let eta = Double(total - done) * seconds / Double(done)
            note(String(format: "SYNTHETIC images: %d/%d patients, %.0f s elapsed, ETA %.0f s", done, total, seconds, eta))
        }
    }
    let shape = settings.shape.map(String.init).joined(separator: "x")
    note("SYNTHETIC images: \(total) patients x (T2WI, CE-T1WI, ADC, mask), grid \(shape) -> \(folder.path)")
}

/// Counts finished items across threads; `increment` returns the count when a progress line
/// is due (about every 10 %, and at the end).
final class ProgressCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var done = 0
    private let total: Int
    private let every: Int

    init(total: Int) {
        self.total = total
        every = max(1, total / 10)
    }

    func increment() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        done += 1
        return done % every == 0 || done == total ? done : nil
    }
}

/// Writes cohort.csv, dictionary.json and metadata.json (which marks the data SYNTHETIC) into
/// `folder`; returns the cohort table. Shared by `simulate` and `demo`.
@discardableResult
func writeSyntheticCohort(_ settings: CohortSimulator.Settings, to folder: URL,
                          images: (grid: String, settings: PhantomSettings)? = nil) throws -> CSVTable {
    let simulator = CohortSimulator(settings: settings)
    let table = try simulator.table()
    var metadata: [String: Any] = [
        "synthetic": true,
        "description": "SYNTHETIC cohort generated by sinorad simulate; not patient data.",
        "seed": settings.seed, "patients": settings.classCounts.reduce(0, +),
        "class_counts": Dictionary(uniqueKeysWithValues: zip(simulator.dictionary.label.classes, settings.classCounts)),
        "cohort_sizes": Dictionary(uniqueKeysWithValues: zip(simulator.dictionary.cohorts ?? [], settings.cohortSizes)),
        "generator": "sinorad \(SinoRadVersion.current) CohortSimulator",
        "dictionary": "dictionary.json",
    ]
    if let images {
        metadata["images"] = [
            "folder": "images", "grid": images.grid, "shape": images.settings.shape,
            "spacing_mm": images.settings.spacing, "sequences": PhantomGenerator.sequences, "mask": "mask.nii.gz",
            "generator": "SYNTHETIC PhantomGenerator (docs/IMAGING-PHANTOM.md), seed per patient from the study seed",
        ] as [String: Any]
    }
    let metadataData = try JSONSerialization.data(withJSONObject: metadata, options: [.prettyPrinted, .sortedKeys])
    try AtomicFile.write(CSVWriter.text(header: table.header, rows: table.rows), to: folder.appendingPathComponent("cohort.csv").path)
    try AtomicFile.write(simulator.dictionary.jsonData(), to: folder.appendingPathComponent("dictionary.json").path)
    try AtomicFile.write(metadataData, to: folder.appendingPathComponent("metadata.json").path)
    return table
}
