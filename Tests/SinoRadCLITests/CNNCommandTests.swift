import Foundation
import SinoNet
import SinoRandom
import TestSupport
import Testing

/// `sinorad cnn forward` and `sinorad cnn bench` run as a user would. The forward test is a
/// wiring test: weights made by SinoNet's own ResNet-18 init are saved with `stateDict()`,
/// the command loads them and its logits must equal the library's forward on the same images.
@Suite("sinorad cnn")
struct CNNCommandTests {
    static let shape = Shape(2, 3, 40, 36)

    /// A ResNet-18 (3 classes) with its state_dict and an input file in `folder`; returns
    /// the library's eval-mode logits and the two paths.
    func prepare(_ folder: URL, inputKey: String = "input") throws -> (logits: [Float], weights: String, input: String) {
        let model = ImageClassifier(ResNet.resnet18, inputShape: Self.shape, classes: 3, seed: 5)
        // Non-trivial running statistics, so eval mode is distinguishable from train mode.
        for (name, tensor) in model.buffers.views {
            for i in 0..<tensor.count { tensor[i] = name.hasSuffix("running_var") ? 0.5 + Float(i % 7) / 7 : Float(i % 5) / 10 - 0.2 }
        }
        var generator = SplitMix64(seed: 9)
        let images = Tensor(Self.shape)
        for i in 0..<images.count { images[i] = 2 * generator.nextUnitFloat() - 1 }
        model.training = false
        let logits = model.forward(images).values
        let weights = folder.appendingPathComponent("resnet18.safetensors")
        try model.stateDict().write(to: weights)
        var input = SafeTensors.Writer()
        input.add(inputKey, images)
        let inputURL = folder.appendingPathComponent("images.safetensors")
        try input.write(to: inputURL)
        return (logits, weights.path, inputURL.path)
    }

    @Test("forward: the command's logits equal SinoNet's eval-mode forward")
    func forward() throws {
        let folder = try SinoRadCommand.temporaryFolder()
        let (expected, weights, input) = try prepare(folder, inputKey: "x")
        let out = folder.appendingPathComponent("logits.safetensors").path
        let result = try SinoRadCommand.run([
            "cnn", "forward", "--arch", "resnet18", "--classes", "3", "--weights", weights,
            "--input", input, "--input-key", "x", "--out", out
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let file = try SafeTensors(contentsOf: URL(fileURLWithPath: out))
        let logits = try file.floatTensor("logits")
        #expect(logits.shape == Shape(2, 3))
        // Equal to float32 rounding, not bit for bit: the expected logits come from this test
        // process, whose OpenBLAS thread count other tests running beside it set to 1 for a while
        // (glmnet's CV, the study's CNN stages), and sgemm's sums depend on the thread count.
        // CI saw differences of 4e-7 once.
        #expect(zip(logits.values, expected).allSatisfy { abs($0 - $1) <= 1e-5 * max(1, abs($1)) }, "\(logits.values) vs \(expected)")
        #expect(Set(expected).count == 6, "distinct logits")
    }

    @Test("forward: clear errors for a bad architecture, files, keys and shapes")
    func forwardErrors() throws {
        let folder = try SinoRadCommand.temporaryFolder()
        let (_, weights, input) = try prepare(folder)
        let out = folder.appendingPathComponent("logits.safetensors").path
        func run(_ extra: [String: String]) throws -> CommandResult {
            var options = ["--arch": "resnet18", "--classes": "3", "--weights": weights, "--input": input, "--out": out]
            for (k, v) in extra { options[k] = v }
            return try SinoRadCommand.run(["cnn", "forward"] + options.sorted { $0.key < $1.key }.flatMap { [$0.key, $0.value] })
        }
        func expectFailure(_ result: CommandResult, _ fragments: [String]) {
            #expect(result.status == 1)
            for f in fragments { #expect(result.stderr.contains(f), "stderr lacks '\(f)': \(result.stderr)") }
            #expect(!FileManager.default.fileExists(atPath: out))
        }
        // A closed option: argument-parser's usage error (status 2), listing the architectures.
        let arch = try run(["--arch": "resnet19"])
        #expect(arch.status == 2 && arch.stderr.contains("'resnet19' is invalid") && arch.stderr.contains("densenet169"), "\(arch.stderr)")
        expectFailure(try run(["--weights": folder.appendingPathComponent("none.safetensors").path]), ["weights file", "not found"])
        expectFailure(try run(["--input": folder.appendingPathComponent("none.safetensors").path]), ["input file", "not found"])
        expectFailure(
            try run(["--input-key": "images"]),
            ["has no tensor 'images'", "it has: input"])
        // A model of another class count: the head's keys are named.
        expectFailure(try run(["--classes": "4"]), ["fc.weight", "fc.bias", "wrong shapes"])
        // The ResNet-18 weights are not a ResNet-34's: missing keys named.
        expectFailure(try run(["--arch": "resnet34"]), ["missing keys", "layer1.2.conv1.weight"])
        // A truncated weights file, and a text file.
        let bytes = try Data(contentsOf: URL(fileURLWithPath: weights))
        let truncated = folder.appendingPathComponent("truncated.safetensors")
        try bytes.prefix(bytes.count - 100).write(to: truncated)
        expectFailure(try run(["--weights": truncated.path]), ["not a valid safetensors file", "truncated.safetensors"])
        let text = folder.appendingPathComponent("text.safetensors")
        try Data("hello".utf8).write(to: text)
        expectFailure(try run(["--input": text.path]), ["input file", "not a valid safetensors file"])
        // Images of the wrong rank, and of the wrong channel count for the weights.
        var flat = SafeTensors.Writer()
        flat.add("input", Tensor(Shape(3, 40, 36)))
        let flatURL = folder.appendingPathComponent("flat.safetensors")
        try flat.write(to: flatURL)
        expectFailure(try run(["--input": flatURL.path]), ["has shape [3, 40, 36]", "[N, C, H, W]"])
        var grey = SafeTensors.Writer()
        grey.add("input", Tensor(Shape(1, 1, 40, 36)))
        let greyURL = folder.appendingPathComponent("grey.safetensors")
        try grey.write(to: greyURL)
        expectFailure(try run(["--input": greyURL.path]), ["conv1.weight is [64, 3, 7, 7] in the file", "1 input channels"])
    }

    @Test("bench: JSON report for train and infer on a small ResNet-18")
    func bench() throws {
        for mode in ["train", "infer"] {
            let result = try SinoRadCommand.run([
                "cnn", "bench", "--arch", "resnet18", "--batch", "2", "--mode", mode,
                "--size", "32", "--iterations", "1", "--format", "json"
            ])
            #expect(result.status == 0, "\(result.stderr)")
            let json = try #require(try Fixtures.parseJSON(Data(result.stdout.utf8)) as? [String: Any])
            #expect(json["mode"] as? String == mode)
            #expect(json["batch"] as? Int == 2 && json["size"] as? Int == 32)
            let ips = try #require(json["images_per_second"] as? Double)
            let ms = try #require(json["ms_per_batch"] as? Double)
            #expect(ips > 0 && ms > 0)
            #expect(abs(ips - 2 / (ms / 1000)) < 1e-6 * ips)
            let memory = try #require(json["peak_memory_mib"] as? Double)
            #expect(memory > 10 && memory < 100_000)
            // Exactly the keys data-schema/cnn_bench.schema.json describes (OPENBLAS_NUM_THREADS may be unset).
            let schema = try #require(
                try Fixtures.parseJSON(Data(contentsOf: Fixtures.root.appendingPathComponent("data-schema/cnn_bench.schema.json"))) as? [String: Any])
            let properties = Set((schema["properties"] as? [String: Any] ?? [:]).keys), required = Set(schema["required"] as? [String] ?? [])
            #expect(Set(json.keys).isSubset(of: properties) && required.isSubset(of: Set(json.keys)), "\(json.keys.sorted())")
            // Batch 2 of 32 x 32: no 3 x 3 layer reaches Winograd's thresholds.
            #expect(json["convolutions"] as? String == "automatic" && json["winograd_layers"] as? Int == 0)
        }
        let text = try SinoRadCommand.run([
            "cnn", "bench", "--arch", "densenet121", "--batch", "1", "--mode", "infer",
            "--size", "32", "--iterations", "1"
        ])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("densenet121 infer batch 1") && text.stdout.contains("images/s"))
    }

    @Test("bench: errors for an unknown architecture, a bad mode and a too small DenseNet input")
    func benchErrors() throws {
        let unknown = try SinoRadCommand.run(["cnn", "bench", "--arch", "vgg16", "--batch", "1", "--mode", "infer"])
        #expect(unknown.status == 2 && unknown.stderr.contains("'vgg16' is invalid"), "\(unknown.stderr)")
        let mode = try SinoRadCommand.run(["cnn", "bench", "--arch", "resnet18", "--batch", "1", "--mode", "fast"])
        #expect(mode.status != 0 && mode.stderr.contains("fast"))
        let small = try SinoRadCommand.run(["cnn", "bench", "--arch", "densenet121", "--batch", "1", "--mode", "infer", "--size", "16"])
        #expect(small.status == 1 && small.stderr.contains("too small for DenseNet"))
        let batch = try SinoRadCommand.run(["cnn", "bench", "--arch", "resnet18", "--batch", "0", "--mode", "infer"])
        #expect(batch.status == 2 && batch.stderr.contains("--batch must be at least 1"), "\(batch.stderr)")
    }
}
