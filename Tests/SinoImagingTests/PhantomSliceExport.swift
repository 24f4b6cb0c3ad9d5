import Foundation
import SinoData
import Testing

@testable import SinoImaging

/// Writes the preprocessed slices of the default SYNTHETIC cohort's phantoms for an outside
/// learnability check (scripts/phantom_cnn_check.py). Runs only when SINORAD_PHANTOM_EXPORT
/// names a folder, in a release build:
/// `SINORAD_PHANTOM_EXPORT=dir swift test -c release -Xswiftc -enable-testing --filter PhantomSliceExport`.
/// Writes slices.f32 (N x 3 x S x S Float32, channels T2WI, CE-T1WI, ADC, z-scored in the ROI,
/// no augmentation; S = SINORAD_PHANTOM_EXPORT_SIZE, default 64) and slices.csv (patient_id,
/// cohort, label, slice), one row per slice.
@Suite("PhantomSliceExport", .enabled(if: ProcessInfo.processInfo.environment["SINORAD_PHANTOM_EXPORT"] != nil))
struct PhantomSliceExport {
    @Test func export() throws {
        let environment = ProcessInfo.processInfo.environment
        let folder = URL(fileURLWithPath: environment["SINORAD_PHANTOM_EXPORT"]!)
        var settings = PreprocessSettings()
        settings.stackSequences = true
        settings.outputSize = Int(environment["SINORAD_PHANTOM_EXPORT_SIZE"] ?? "64") ?? 64
        let preprocessor = try Preprocessor(settings: settings)
        let table = try CohortSimulator(settings: .init()).table()
        let cohorts = Dictionary(uniqueKeysWithValues: table.rows.map { ($0[0], $0[1]) })
        let batches = try PhantomGenerator().cohort(table, studySeed: 20250056) { patient in
            try preprocessor.samples(patient.preprocessInput).samples
        }
        let samples = batches.flatMap { $0 }
        let images = samples.flatMap(\.planes)
        try images.withUnsafeBufferPointer { Data(buffer: $0) }.write(to: folder.appendingPathComponent("slices.f32"))
        let rows = samples.map { "\($0.patientID),\(cohorts[$0.patientID]!),\($0.label),\($0.slice)" }
        try (["patient_id,cohort,label,slice"] + rows).joined(separator: "\n").appending("\n")
            .write(to: folder.appendingPathComponent("slices.csv"), atomically: true, encoding: .utf8)
        print("[export] \(samples.count) slices of 3 x \(settings.outputSize) x \(settings.outputSize) to \(folder.path)")
    }
}
