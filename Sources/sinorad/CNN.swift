import ArgumentParser
import Foundation
import SinoData
import SinoNet
import SinoStudy

extension NetworkBenchmark.Mode: ExpressibleByArgument {}
extension ConvolutionChoice: ExpressibleByArgument {}

/// `sinorad cnn`: SinoNet's ResNet/DenseNet from the command line (eval-mode logits of a
/// torchvision state_dict, and a speed benchmark).
struct CNN: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cnn",
        abstract: "Train and apply SinoNet's CPU CNNs (torchvision ResNet/DenseNet) on MRI slices; logits, benchmark.",
        subcommands: [Train.self, Predict.self, GradCAMCommand.self, Forward.self, Bench.self])

    /// The network for `cnn forward` and `cnn bench`: `trainable: false` skips the gradient
    /// arenas (eval-mode forward only).
    static func model(_ arch: CNNArchitecture, inputShape: Shape, classes: Int, seed: UInt64 = 0, trainable: Bool = true) throws -> ImageClassifier {
        guard classes >= 1 else { throw CommandFailure(message: "--classes must be at least 1, got \(classes)") }
        guard inputShape.rank == 4, inputShape.dimensions.allSatisfy({ $0 >= 1 }) else {
            throw CommandFailure(message: "the input must be [N, C, H, W] with every dimension at least 1, got \(inputShape)")
        }
        try arch.checkInputSize(inputShape)
        return try arch.make(inputShape: inputShape, classes: classes, seed: seed, trainable: trainable)
    }

    struct Forward: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Eval-mode logits of a ResNet/DenseNet for images stored in a safetensors file.",
            discussion: """
                Loads a torchvision state_dict (safetensors, e.g. saved from torch with \
                safetensors.torch.save_file(model.state_dict(), ...)) into the architecture, \
                reads the images [N, C, H, W] (F32) under --input-key, runs the model in eval mode \
                (BatchNorm running statistics) and writes the logits [N, classes] under the key \
                "logits" of --out.

                Example:
                  sinorad cnn forward --arch resnet50 --classes 3 --weights model.safetensors \\
                      --input images.safetensors --out logits.safetensors
                """)

        @Option(help: "Architecture (torchvision's name).")
        var arch: CNNArchitecture

        @Option(help: "Number of classes of the model's head.")
        var classes: Int

        @Option(help: "The state_dict (safetensors) with torchvision's keys.")
        var weights: String

        @Option(help: "Safetensors file holding the images [N, C, H, W] as F32.")
        var input: String

        @Option(help: "Key of the images in --input.")
        var inputKey: String = "input"

        @Option(help: "Write the logits here (safetensors, key \"logits\"), atomically.")
        var out: String

        func run() throws {
            let inputs = try SafeTensors.read(path: input, what: "input")
            guard let entry = inputs.entry(inputKey) else {
                throw CommandFailure(message: "input file \(input) has no tensor '\(inputKey)' (it has: \(inputs.names.joined(separator: ", ")); choose one with --input-key)")
            }
            guard entry.dtype == .f32 else {
                throw CommandFailure(message: "input tensor '\(inputKey)' in \(input) is \(entry.dtype.rawValue.uppercased()), F32 is needed")
            }
            guard entry.shape.count == 4 else {
                throw CommandFailure(message: "input tensor '\(inputKey)' in \(input) has shape \(entry.shape); [N, C, H, W] is needed")
            }
            let images = try inputs.floatTensor(inputKey)
            let model = try CNN.model(arch, inputShape: images.shape, classes: classes, trainable: false)
            let state = try SafeTensors.read(path: weights, what: "weights")
            do {
                try model.loadStateDict(state)
            } catch let error as StateDictError {
                throw CommandFailure(message: "\(userMessage(error)) (architecture \(arch), \(classes) classes, \(images.shape[1]) input channels)")
            }
            model.training = false
            let logits = model.forward(images)
            var writer = SafeTensors.Writer()
            writer.add("logits", logits)
            writer.metadata = ["arch": arch.rawValue, "generator": "sinorad cnn forward"]
            try AtomicFile.write(writer.data(), to: out)
            note("wrote \(out): logits [\(logits.shape[0]), \(logits.shape[1])]")
        }
    }

    struct Bench: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Time a ResNet/DenseNet on seeded random images: images per second, ms per batch, peak memory.",
            discussion: """
                infer: eval-mode forward passes of an inference-only model (no gradient memory). train: training-mode forward, cross-entropy loss, \
                backward and one SGD step (lr 0.01, momentum 0.9) per batch. --warmup untimed \
                batches precede the timed iterations; images per second use the mean time. Peak memory is the resident-set high-water \
                mark (VmHWM in /proc/self/status), which includes the warm-up. Threads: --threads, else \
                SINORAD_THREADS, else OPENBLAS_NUM_THREADS, else every core; the results do not depend on it.

                Example:
                  sinorad cnn bench --arch resnet50 --batch 16 --mode train --iterations 3 --format json
                """)

        enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

        @Option(help: "Architecture (torchvision's name).")
        var arch: CNNArchitecture

        @Option(help: "Images per batch.")
        var batch: Int

        @Option(help: "train (forward, loss, backward, SGD step) or infer (eval-mode forward).")
        var mode: NetworkBenchmark.Mode

        @Option(help: "Image height and width.")
        var size: Int = 224

        @Option(help: "Input channels.")
        var channels: Int = 3

        @Option(help: "Classes of the head.")
        var classes: Int = 2

        @Option(help: "Timed batches.")
        var iterations: Int = 5

        @Option(help: "Untimed warm-up batches before the timed ones.")
        var warmup: Int = 1

        @Option(help: "Seed of the weights, images and labels.")
        var seed: UInt64 = 0

        @Option(help: "text or json.")
        var format: Format = .text

        @Option(help: "Threads of each pass (default: SINORAD_THREADS, else OPENBLAS_NUM_THREADS, else every core).")
        var threads: Int?

        @Option(help: "3 x 3 stride-1 convolutions: automatic (Winograd F(2x2, 3x3) where it is faster), winogradWherePossible or gemm (im2col + GEMM).")
        var convolutions: ConvolutionChoice = .automatic

        func validate() throws {
            if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
            guard batch >= 1 else { throw ValidationError("--batch must be at least 1, got \(batch)") }
            guard iterations >= 1 else { throw ValidationError("--iterations must be at least 1, got \(iterations)") }
            guard warmup >= 0 else { throw ValidationError("--warmup must not be negative, got \(warmup)") }
            guard size >= 1, channels >= 1 else { throw ValidationError("--size and --channels must be positive") }
            guard classes >= 1 else { throw ValidationError("--classes must be at least 1, got \(classes)") }
        }

        func run() throws {
            let model = try CNN.model(arch, inputShape: Shape(batch, channels, size, size), classes: classes, seed: seed, trainable: mode == .train)
            model.threads = threads ?? Workers.fromEnvironment()
            model.convolutions = convolutions
            let report = NetworkBenchmark.run(model, name: arch.rawValue, mode: mode, classes: classes, iterations: iterations, warmup: warmup, seed: seed)
            switch format {
            case .json:
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                print(String(decoding: try encoder.encode(report), as: UTF8.self))
            case .text:
                let memory = report.peak_memory_mib.map { String(format: "%.0f MiB", $0) } ?? "unavailable"
                print(
                    "\(report.arch) \(mode.rawValue) batch \(batch), \(channels)x\(size)x\(size), \(iterations) iterations: "
                        + String(
                            format: "%.2f images/s, %.1f ms per batch (median %.1f, min %.1f), peak memory %@, %d threads, OpenBLAS %@, "
                                + "%d Winograd layers (%@)",
                            report.images_per_second, report.ms_per_batch, report.ms_per_batch_median, report.ms_per_batch_min, memory,
                            report.threads, report.blas_core, report.winograd_layers, report.convolutions))
            }
        }
    }
}
