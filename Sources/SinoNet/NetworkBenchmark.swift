import Foundation
import SinoData
import SinoRandom

/// Times a network on seeded random images: what `sinorad cnn bench` reports and bench/cnn.sh
/// compares with PyTorch.
public enum NetworkBenchmark {
    /// infer: eval-mode forward passes. train: training-mode forward, cross-entropy, backward
    /// and one SGD step (lr 0.01, momentum 0.9) per batch.
    public enum Mode: String, CaseIterable, Sendable { case train, infer }

    /// One benchmark's result (its JSON keys are bench/cnn.sh's).
    public struct Report: Encodable, Sendable {
        public var arch: String
        public var mode: String
        public var batch: Int
        public var size: Int
        public var channels: Int
        public var classes: Int
        public var iterations: Int
        public var images_per_second: Double
        public var ms_per_batch: Double
        public var ms_per_batch_min: Double
        public var ms_per_batch_median: Double
        public var warmup: Int
        public var peak_memory_mib: Double?
        public var openblas_threads: String?
        /// The network's threads (`ImageClassifier.threads`).
        public var threads: Int
        /// OpenBLAS's kernel set (`OpenBLASThreads.core`).
        public var blas_core: String
        /// How the 3 x 3 stride-1 convolutions were computed (`ImageClassifier.convolutions`)
        /// and how many of them ran Winograd's F(2x2, 3x3).
        public var convolutions: String
        public var winograd_layers: Int
    }

    /// Runs `warmup` untimed and `iterations` timed batches of `model` (built for its input
    /// shape, trainable for `.train`) on images and labels drawn from `seed`.
    ///
    /// - Parameters:
    ///   - model: the network; its input shape gives the batch, channels and size.
    ///   - name: the architecture's name in the report.
    ///   - mode: train or infer.
    ///   - classes: the head's classes (labels are drawn below it).
    ///   - iterations: timed batches (at least 1).
    ///   - warmup: untimed batches first.
    ///   - seed: seed of the images and labels.
    /// - Returns: images per second (from the mean time), the mean, minimum and median ms per
    ///   batch, and the peak resident memory (VmHWM, warm-up included).
    public static func run(_ model: ImageClassifier, name: String, mode: Mode, classes: Int, iterations: Int, warmup: Int, seed: UInt64) -> Report {
        let shape = model.inputShape
        let batch = shape[0]
        var generator = SplitMix64(seed: seed &+ 1)
        let images = Tensor(shape)
        for i in 0..<images.count { images[i] = Float(2 * generator.nextUnitFloat() - 1) }
        let labels = (0..<batch).map { _ in Int(generator.next() % UInt64(classes)) }
        let loss = CrossEntropyLoss()
        let sgd = mode == .train ? SGD(parameters: model.parameters.layout, learningRate: 0.01, momentum: 0.9) : nil
        model.training = mode == .train
        // As a training step (and PyTorch's images, which do not require a gradient): no
        // gradient with respect to the images.
        model.computesInputGradient = false
        func step() {
            let logits = model.forward(images)
            guard mode == .train else { return }
            model.zeroGradients()
            _ = loss.forward(logits: logits, targets: labels)
            loss.backward(logits: logits, targets: labels, logitsGradient: model.outputGradient)
            model.backward()
            sgd?.step(parameters: model.parameters, gradients: model.gradients)
        }
        for _ in 0..<warmup { step() }
        var times: [Double] = []
        for _ in 0..<max(1, iterations) {
            let start = DispatchTime.now().uptimeNanoseconds
            step()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        let mean = times.reduce(0, +) / Double(times.count)
        let sorted = times.sorted(), m = sorted.count / 2
        let median = sorted.count % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2
        return Report(
            arch: name, mode: mode.rawValue, batch: batch, size: shape[2], channels: shape[1], classes: classes, iterations: times.count,
            images_per_second: Double(batch) / (mean / 1000), ms_per_batch: mean, ms_per_batch_min: sorted[0], ms_per_batch_median: median,
            warmup: warmup, peak_memory_mib: peakMemoryMiB(), openblas_threads: ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"],
            threads: model.threads, blas_core: OpenBLASThreads.core, convolutions: model.convolutions.rawValue,
            winograd_layers: model.winogradLayers.count)
    }

    /// VmHWM (peak resident set) from /proc/self/status, in MiB; nil where it is absent.
    public static func peakMemoryMiB() -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if fields.count >= 2, let kib = Double(fields[1]) { return kib / 1024 }
        }
        return nil
    }
}
