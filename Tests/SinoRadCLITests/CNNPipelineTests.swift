import Foundation
import TestSupport
import Testing

/// `simulate --images`, `cnn train` (with an interruption and --resume), `cnn predict` and
/// `compare` on a tiny SYNTHETIC cohort (30 patients, reduced grid, ResNet-18 at 32 x 32).
@Suite("sinorad cnn train / predict", .serialized)
struct CNNPipelineTests {
    struct Data: @unchecked Sendable {
        var folder: URL
        var images: String { folder.appendingPathComponent("images").path }
        var cohort: String { folder.appendingPathComponent("cohort.csv").path }
    }

    static let simulated: Data = {
        let folder = try! SinoRadCommand.temporaryFolder("cnnpipeline")
        let result = try! SinoRadCommand.run([
            "simulate", "--patients", "30", "--images", "--image-grid", "reduced",
            "--out", folder.path
        ])
        precondition(result.status == 0, result.stderr)
        return Data(folder: folder)
    }()

    /// One uninterrupted 2-epoch run, shared by the tests below.
    static let trained: (folder: URL, result: CommandResult) = {
        let folder = try! SinoRadCommand.temporaryFolder("cnnpipelinemodel").appendingPathComponent("full")
        return (folder, try! train(folder))
    }()

    static func train(_ out: URL, _ extra: [String] = []) throws -> CommandResult {
        let d = Self.simulated
        return try SinoRadCommand.run(
            [
                "cnn", "train", "--images", d.images, "--cohort", d.cohort, "--sequence", "ADC",
                "--arch", "resnet18", "--size", "32", "--epochs", "2", "--batch", "8",
                "--seed", "5", "--out", out.path
            ] + extra)
    }

    @Test("simulate --images writes every sequence and the mask per patient")
    func simulateImages() throws {
        let d = Self.simulated
        let patients = try FileManager.default.contentsOfDirectory(atPath: d.images)
        #expect(patients.count == 30)
        for p in patients.prefix(3) {
            let files = try FileManager.default.contentsOfDirectory(atPath: d.images + "/" + p).sorted()
            #expect(files == ["ADC.nii.gz", "CE-T1WI.nii.gz", "T2WI.nii.gz", "mask.nii.gz"])
        }
        let metadata = try String(contentsOf: d.folder.appendingPathComponent("metadata.json"), encoding: .utf8)
        #expect(metadata.contains("\"grid\" : \"reduced\""))
    }

    @Test("train writes model.safetensors, model.json, train_log.csv and the checkpoint")
    func trainWrites() throws {
        let (full, a) = Self.trained
        #expect(a.status == 0, "\(a.stderr)")
        #expect(a.stderr.contains("epoch 2/2") && a.stderr.contains("ETA"))
        for name in ["model.safetensors", "model.json", "train_log.csv", "checkpoint.safetensors"] {
            #expect(FileManager.default.fileExists(atPath: full.appendingPathComponent(name).path), "\(name)")
        }
        let log = try String(contentsOf: full.appendingPathComponent("train_log.csv"), encoding: .utf8)
        #expect(log.hasPrefix("epoch,train_loss,val_loss,val_macro_auc,learning_rate,seconds\n"))
        #expect(log.split(separator: "\n").count == 3)
        let info = try Fixtures.parseJSON(Foundation.Data(contentsOf: full.appendingPathComponent("model.json"))) as! [String: Any]
        #expect(info["arch"] as? String == "resnet18" && info["sequences"] as? [String] == ["ADC"])
        #expect(info["classes"] as? [String] == ["SCC", "ACC", "ONB"] && info["input_size"] as? Int == 32)

    }

    @Test("an interrupted run resumed ends with the same weights and log; changed settings are refused")
    func resume() throws {
        let full = Self.trained.folder
        let split = try SinoRadCommand.temporaryFolder().appendingPathComponent("split")
        let first = try Self.train(split, ["--stop-after-epochs", "1"])
        #expect(first.status == 0, "\(first.stderr)")
        let second = try Self.train(split, ["--resume"])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stderr.contains("resuming"))
        let weightsA = try Foundation.Data(contentsOf: full.appendingPathComponent("model.safetensors"))
        let weightsB = try Foundation.Data(contentsOf: split.appendingPathComponent("model.safetensors"))
        #expect(weightsA == weightsB)
        func values(_ url: URL) throws -> [String] {
            try String(contentsOf: url.appendingPathComponent("train_log.csv"), encoding: .utf8)
                .split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).dropLast().joined(separator: ",") }
        }
        #expect(try values(full) == values(split))

        let changed = try Self.train(split, ["--resume", "--lr", "0.02"])
        #expect(changed.status == 1 && changed.stderr.contains("other settings"), "\(changed.stderr)")

    }

    @Test("the weights do not depend on the thread count: --threads 1 and 3 give the default run's bytes")
    func threadIndependent() throws {
        let full = Self.trained.folder
        let weights = try Foundation.Data(contentsOf: full.appendingPathComponent("model.safetensors"))
        for threads in ["1", "3"] {
            let other = try SinoRadCommand.temporaryFolder("threads\(threads)").appendingPathComponent("model")
            let run = try Self.train(other, ["--threads", threads])
            #expect(run.status == 0, "\(run.stderr)")
            #expect(try Foundation.Data(contentsOf: other.appendingPathComponent("model.safetensors")) == weights, "--threads \(threads)")
        }
    }

    @Test("predict writes a predictions CSV that compare and fuse accept")
    func predict() throws {
        let full = Self.trained.folder
        let root = try SinoRadCommand.temporaryFolder()
        let d = Self.simulated
        let predictions = root.appendingPathComponent("adc.csv").path
        let p = try SinoRadCommand.run([
            "cnn", "predict", "--model", full.path, "--images", d.images, "--cohort", d.cohort,
            "--out", predictions
        ])
        #expect(p.status == 0, "\(p.stderr)")
        let csv = try String(contentsOfFile: predictions, encoding: .utf8)
        #expect(csv.hasPrefix("patient_id,cohort,model,p_SCC,p_ACC,p_ONB\n"))
        #expect(csv.contains(",resnet18-ADC,") && !csv.contains(",train,"))
        let compare = try SinoRadCommand.run([
            "compare", predictions, "--truth", d.cohort, "--cohort", "test",
            "--bootstrap", "100", "--format", "json"
        ])
        #expect(compare.status == 0, "\(compare.stderr)")
        let renamed = root.appendingPathComponent("adc2.csv").path
        #expect(
            try SinoRadCommand.run([
                "cnn", "predict", "--model", full.path, "--images", d.images, "--cohort", d.cohort,
                "--out", renamed, "--model-name", "other"
            ]).status == 0)
        let fuse = try SinoRadCommand.run(["fuse", predictions, renamed, "--method", "mean", "--model", "fused"])
        #expect(fuse.status == 0 && fuse.stdout.contains(",fused,"), "\(fuse.stderr)")
    }

    /// A single-file NIfTI-1 (.nii) of 10 x 10 x 4 uint8 ones, 1 mm voxels, no transforms.
    static func smallMask() -> Foundation.Data {
        var header = [UInt8](repeating: 0, count: 352)
        func put<T: FixedWidthInteger>(_ value: T, at offset: Int) {
            withUnsafeBytes(of: value.littleEndian) { for (i, b) in $0.enumerated() { header[offset + i] = b } }
        }
        func putFloat(_ value: Float, at offset: Int) { put(value.bitPattern, at: offset) }
        put(Int32(348), at: 0)
        for (i, v) in [3, 10, 10, 4, 1, 1, 1, 1].enumerated() { put(Int16(v), at: 40 + 2 * i) }
        put(Int16(2), at: 70) // uint8
        put(Int16(8), at: 72)
        for i in 0..<8 { putFloat(1, at: 76 + 4 * i) }
        putFloat(352, at: 108) // vox_offset
        putFloat(1, at: 112) // scl_slope
        for (i, b) in "n+1".utf8.enumerated() { header[344 + i] = b }
        return Foundation.Data(header + [UInt8](repeating: 1, count: 400))
    }

    @Test("a missing sequence file or a mask on another grid: exit 1 naming the file, nothing written")
    func badInput() throws {
        let root = try SinoRadCommand.temporaryFolder()
        let d = Self.simulated
        let images = root.appendingPathComponent("images")
        try FileManager.default.copyItem(atPath: d.images, toPath: images.path)
        let cohort = try String(contentsOfFile: d.cohort, encoding: .utf8)
        let trainRow = cohort.split(separator: "\n").first { $0.contains(",train,") }!
        let patient = String(trainRow.split(separator: ",")[0])
        try FileManager.default.removeItem(at: images.appendingPathComponent("\(patient)/ADC.nii.gz"))
        let out = root.appendingPathComponent("model")
        func run() throws -> CommandResult {
            try SinoRadCommand.run([
                "cnn", "train", "--images", images.path, "--cohort", d.cohort, "--sequence", "ADC",
                "--size", "32", "--epochs", "1", "--batch", "8", "--out", out.path
            ])
        }
        let missing = try run()
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("\(patient)/ADC.nii.gz"), "\(missing.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
        // A mask on another grid: a 10 x 10 x 4 uint8 NIfTI-1 written by hand.
        try FileManager.default.copyItem(atPath: d.images + "/\(patient)/ADC.nii.gz", toPath: images.path + "/\(patient)/ADC.nii.gz")
        try FileManager.default.removeItem(atPath: images.path + "/\(patient)/mask.nii.gz")
        try Self.smallMask().write(to: images.appendingPathComponent("\(patient)/mask.nii"))
        let grid = try run()
        #expect(grid.status == 1)
        #expect(grid.stderr.contains("\(patient)/mask.nii"), "\(grid.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    @Test("gradcam writes an overlay per patient and montages; a bad option is a usage error (exit 2) before writing")
    func gradcam() throws {
        let (model, trainResult) = Self.trained
        #expect(trainResult.status == 0)
        let d = Self.simulated
        let out = try SinoRadCommand.temporaryFolder("cnngradcam").appendingPathComponent("cams")
        let r = try SinoRadCommand.run([
            "cnn", "gradcam", "--model", model.path, "--images", d.images, "--cohort", d.cohort,
            "--cohorts", "validation,test", "--per-class", "2", "--formats", "png,svg",
            "--out", out.path
        ])
        #expect(r.status == 0, "\(r.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: out.path)
        let cohort = try String(contentsOfFile: d.cohort, encoding: .utf8).split(separator: "\n").dropFirst()
        let explained = cohort.filter { $0.contains(",validation,") || $0.contains(",test,") }
            .map { String($0.split(separator: ",")[0]) }
        #expect(!explained.isEmpty)
        for id in explained {
            #expect(files.contains("\(id).png") && files.contains("\(id).svg"), "\(id)")
        }
        #expect(files.contains("montage.png") && files.contains { $0.hasPrefix("montage_") })
        let png = try Foundation.Data(contentsOf: out.appendingPathComponent("montage.png"))
        #expect(png.prefix(8) == Foundation.Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))

        let bad = out.deletingLastPathComponent().appendingPathComponent("none")
        let e = try SinoRadCommand.run([
            "cnn", "gradcam", "--model", model.path, "--images", d.images, "--cohort", d.cohort,
            "--explain", "maybe", "--out", bad.path
        ])
        #expect(e.status == 2 && e.stderr.contains("--explain"), "\(e.stderr)") // a closed option: a usage error
        #expect(!FileManager.default.fileExists(atPath: bad.path))
    }
}
