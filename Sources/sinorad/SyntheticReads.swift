import Foundation
import SinoData

/// Writes `folder/reads.csv`: SYNTHETIC reads of the simulated cohort's validation and test
/// patients by a senior and a junior reader, unaided and AI-assisted (ReaderSimulator,
/// data-schema/READS.md), seeded from the cohort's seed. Returns the reads.
@discardableResult
func writeSyntheticReads(seed: UInt64, cohort: CSVTable, to folder: URL) throws -> ReaderReads {
    let reads = try ReaderSimulator(settings: .init(seed: seed)).reads(for: cohort)
    try AtomicFile.write(reads.csv(), to: folder.appendingPathComponent("reads.csv").path)
    return reads
}
