import Foundation
import SinoData
import Testing

@testable import SinoImaging

/// Timing of the phantom and of preprocessing. Runs only when SINORAD_BENCH is set
/// (bench/imaging_pipeline.sh), in a release build:
/// `SINORAD_BENCH=1 swift test -c release -Xswiftc -enable-testing --filter ImagingBenchmark`.
/// Prints `[bench] name value unit` lines; asserts nothing about speed.
@Suite("ImagingBenchmark", .serialized, .enabled(if: ProcessInfo.processInfo.environment["SINORAD_BENCH"] != nil))
struct ImagingBenchmark {
    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    @Test("phantom of the default 465-patient cohort (128 x 128 x 24), all cores")
    func phantomCohort() throws {
        let table = try CohortSimulator(settings: .init()).table()
        var voxels = [Int]()
        let time = try Self.seconds {
            voxels = try PhantomGenerator().cohort(table, studySeed: 20250056) { $0.mask.voxels.lazy.filter { $0 != 0 }.count }
        }
        #expect(voxels.count == 465 && voxels.allSatisfy { $0 > 0 })
        print("[bench] phantom_465_patients \(String(format: "%.2f", time)) s (\(ProcessInfo.processInfo.activeProcessorCount) cores)")
    }

    @Test("preprocessing: crop + resample to 224 + z-score + augmentation, slices per second")
    func preprocessing() throws {
        var table = try CohortSimulator(settings: .init()).table()
        table.rows = Array(table.rows.prefix(48))
        let patients = try PhantomGenerator().cohort(table, studySeed: 20250056) { $0.preprocessInput }
        let preprocessor = try Preprocessor(settings: PreprocessSettings())
        for (label, augment, threads) in [("augmented", true, nil), ("augmented_1_thread", true, 1), ("plain", false, nil)] as [(String, Bool, Int?)] {
            var best = Double.infinity
            var result: PreprocessedBatch?
            for epoch in 0..<3 {
                let pass = augment ? AugmentPass(seed: 7, epoch: epoch) : nil
                best = min(best, try Self.seconds { result = try preprocessor.batch(patients, augment: pass, threads: threads) })
            }
            let slices = result!.batches.reduce(0) { $0 + $1.count }
            print(
                "[bench] preprocess_\(label) \(String(format: "%.1f", Double(slices) / best)) slices/s "
                    + "(\(slices) single-channel 224 x 224 slices from \(patients.count) patients in \(String(format: "%.3f", best)) s)")
        }
        let one = try preprocessor.batch(Array(patients.prefix(8)), augment: AugmentPass(seed: 1, epoch: 0), threads: 1)
        let all = try preprocessor.batch(Array(patients.prefix(8)), augment: AugmentPass(seed: 1, epoch: 0))
        #expect(one.batches == all.batches)
    }

    @Test("gzip reading: libdeflate's whole-buffer inflation vs zlib's streamed, a phantom T2WI and its mask")
    func gzipInflation() throws {
        var table = try CohortSimulator(settings: .init()).table()
        table.rows = Array(table.rows.prefix(1))
        let volumes = try PhantomGenerator().cohort(table, studySeed: 20250056) { [$0.volumes["T2WI"]!, $0.mask] }[0]
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sinorad-gzip-bench-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for (name, volume) in zip(["T2WI", "mask"], volumes) {
            // As `sinorad simulate --images` writes them: float32 image, uint8 mask.
            let path = folder.appendingPathComponent("\(name).nii.gz").path
            try NIfTI.write(volume, to: path, datatype: name == "mask" ? .uint8 : .float32)
            let stream = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            var whole = Double.infinity
            var streamed = Double.infinity
            for _ in 0..<20 {
                whole = min(whole, Self.seconds { _ = Gzip.inflateWhole(stream, limit: nil) })
                streamed = min(streamed, try Self.seconds { _ = try Gzip.inflateStreamed(stream, file: name, limit: nil) })
            }
            #expect(Gzip.inflateWhole(stream, limit: nil) == (try Gzip.inflateStreamed(stream, file: name, limit: nil)))
            print(
                "[bench] gzip_\(name) libdeflate \(String(format: "%.2f", whole * 1e3)) ms, zlib \(String(format: "%.2f", streamed * 1e3)) ms, "
                    + "ratio \(String(format: "%.2f", streamed / whole))x (\(stream.count) bytes compressed, best of 20)")
        }
    }
}
