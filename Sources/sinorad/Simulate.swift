import ArgumentParser
import Foundation
import SinoData
import SinoImaging
import SinoStudy

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
        let settings = try CohortSimulator.Settings.scaled(to: patients, seed: seed)
        let folder = URL(fileURLWithPath: out)
        let imaging = images ? (grid: imageGrid.rawValue, settings: imageGrid.settings) : nil
        let table = try writeSyntheticCohort(settings, to: folder, images: imaging)
        note("SYNTHETIC cohort: \(table.rows.count) patients (\(settings.classCounts.map(String.init).joined(separator: "/"))), seed \(seed) -> \(folder.path)/cohort.csv")
        let reads = try writeSyntheticReads(seed: seed, cohort: table, to: folder)
        note("SYNTHETIC reads: \(reads.readers.joined(separator: ", ")), unaided and AI-assisted, \(reads.reads.count) reads -> \(folder.path)/reads.csv")
        if let imaging {
            try writeSyntheticImages(
                table, seed: seed, settings: imaging.settings,
                to: folder.appendingPathComponent("images"), threads: threads)
        }
    }
}
