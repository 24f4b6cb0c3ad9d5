import Foundation
import SinoRandom
import Testing

@testable import SinoNet

/// SinoNet's own threads (`Workers`): a network computes the same bits on any number of
/// threads, in every layer path (per-image GEMMs, the folded batch, a single image's wide GEMM,
/// grouped weight gradients), and the thread count comes from the environment as documented.
@Suite("SinoNet threads")
struct WorkersTests {
    /// Logits, every parameter gradient and the input gradient after one training step.
    static func trainingStep(_ model: ImageClassifier, threads: Int, seed: UInt64) -> [String: [Float]] {
        model.threads = threads
        model.zeroGradients()
        var generator = SplitMix64(seed: seed)
        let images = Tensor(model.inputShape)
        for i in 0..<images.count { images[i] = Float(2 * generator.nextUnitFloat() - 1) }
        let labels = (0..<model.inputShape[0]).map { $0 % model.classes }
        let logits = model.forward(images)
        let loss = CrossEntropyLoss()
        _ = loss.forward(logits: logits, targets: labels)
        loss.backward(logits: logits, targets: labels, logitsGradient: model.outputGradient)
        model.backward()
        var result = ["logits": model.output.values, "input": model.inputGradient.values]
        for name in model.parameterNames { result[name] = model.gradients[name].values }
        for name in model.bufferNames { result[name] = model.buffers[name].values }
        return result
    }

    @Test(
        "a training step gives the same bits on 1, 2 and 3 threads",
        arguments: [
            // 64 x 64: conv1's 32 x 32 output runs per image, later layers fold the batch;
            // 5 images make uneven weight-gradient groups.
            ("resnet18", Shape(5, 3, 64, 64)),
            ("resnet50", Shape(3, 1, 48, 48)),
            ("densenet", Shape(4, 3, 64, 48))
        ])
    func trainingIsThreadIndependent(_ name: String, _ shape: Shape) {
        func make() -> ImageClassifier {
            switch name {
            case "resnet18": ImageClassifier(ResNet.resnet18, inputShape: shape, classes: 3, seed: 7)
            case "resnet50": ImageClassifier(ResNet.resnet50, inputShape: shape, classes: 3, seed: 7)
            default: ImageClassifier(DenseNet(growthRate: 8, blockConfig: [2, 2], initialFeatures: 16), inputShape: shape, classes: 3, seed: 7)
            }
        }
        let reference = Self.trainingStep(make(), threads: 1, seed: 11)
        for threads in [2, 3] {
            let other = Self.trainingStep(make(), threads: threads, seed: 11)
            for (key, values) in reference {
                #expect(other[key] == values, "\(name): \(key) differs on \(threads) threads")
            }
        }
    }

    @Test("one image (a wide GEMM, columns by channel ranges) and eval mode: the same bits on any thread count")
    func singleImage() {
        let shape = Shape(1, 3, 96, 80)
        var logits: [[Float]] = []
        var cams: [[Float]] = []
        for threads in [1, 2, 4] {
            let model = ImageClassifier(ResNet.resnet18, inputShape: shape, classes: 4, seed: 5, trainable: true)
            model.training = false
            model.threads = threads
            var generator = SplitMix64(seed: 3)
            let images = Tensor(shape)
            for i in 0..<images.count { images[i] = Float(generator.nextUnitFloat()) }
            logits.append(model.forward(images).values)
            cams.append(model.logitGradient(classes: [2], at: ImageClassifier.gradCAMKeys(.resNet(.resnet18))[0]).values)
        }
        #expect(logits[1] == logits[0] && logits[2] == logits[0])
        #expect(cams[1] == cams[0] && cams[2] == cams[0])
    }

    @Test("thread count from SINORAD_THREADS, then OPENBLAS_NUM_THREADS, then the cores")
    func environment() {
        #expect(Workers.fromEnvironment(["SINORAD_THREADS": "3", "OPENBLAS_NUM_THREADS": "2"]) == 3)
        #expect(Workers.fromEnvironment(["OPENBLAS_NUM_THREADS": "2"]) == 2)
        #expect(Workers.fromEnvironment(["SINORAD_THREADS": "zero"]) == ProcessInfo.processInfo.activeProcessorCount)
        #expect(Workers.fromEnvironment([:]) == ProcessInfo.processInfo.activeProcessorCount)
    }
}
