import Foundation
import TestSupport
import Testing

@testable import SinoNet

/// Non-finite values stop training with `TrainingError` and leave the model as it was; a
/// checkpoint taken before restores bit-identical weights, statistics, optimiser state and
/// counters; a checkpoint that does not fit changes nothing.
@Suite("SinoNet Trainer NaN handling and checkpoints")
struct TrainingCheckpointTests {
    static let shape = Shape(6, 1, 32, 32)

    static func makeTrainer(seed: UInt64 = 5) -> Trainer {
        let model = ImageClassifier(
            ResNet(block: .basic, layers: [1, 1, 1, 1], baseWidth: 8), inputShape: shape,
            classes: 3, seed: seed)
        let sgd = SGD(parameters: model.parameters.layout, learningRate: 0.05, momentum: 0.9, weightDecay: 1e-4)
        return Trainer(model: model, optimizer: sgd, schedule: .cosine(base: 0.05, period: 20), clip: .norm(2), seed: seed)
    }

    static func batch(_ s: Int) -> (Tensor, [Int]) {
        ShapesTask.make(count: shape[0], size: shape[2], seed: 40 + UInt64(s))
    }

    /// Bit patterns of parameters, buffers and momentum buffers (described briefly on failure).
    struct Bits: Equatable, CustomStringConvertible {
        let values: [UInt32]
        func contains(where p: (UInt32) -> Bool) -> Bool { values.contains(where: p) }
        var description: String {
            "\(values.count) floats, \(values.filter { $0 != 0 }.count) non-zero, hash \(values.reduce(UInt64(1469598103934665603)) { ($0 ^ UInt64($1)) &* 1099511628211 })"
        }
    }

    static func snapshot(_ t: Trainer) -> Bits {
        let sgd = t.optimizer as! SGD
        return Bits(
            values: [t.model.parameters.storage, t.model.buffers.storage, sgd.momentumBuffers.storage].flatMap { s in
                (0..<s.count).map { s.base[$0].bitPattern }
            })
    }

    @Test("a NaN input stops the step with TrainingError; the prior checkpoint restores bit-identical state")
    func nanInput() throws {
        let trainer = Self.makeTrainer()
        for s in 0..<3 { let (x, y) = Self.batch(s); try trainer.step(images: x, labels: y) }
        let good = trainer.checkpoint()
        let before = Self.snapshot(trainer)
        let rate = trainer.optimizer.learningRate
        #expect(before.contains { $0 != 0 })

        let (x, y) = Self.batch(3)
        x[2 * 32 * 32 + 77] = .nan
        var caught: TrainingError?
        do { try trainer.step(images: x, labels: y) } catch let e as TrainingError { caught = e }
        let error = try #require(caught)
        #expect(error.step == 3)
        if case let .nonFiniteInput(element, image, value) = error.problem {
            #expect(element == 2 * 32 * 32 + 77 && image == 2 && value.isNaN)
        } else {
            Issue.record("expected a non-finite input, got \(error.problem)")
        }
        #expect(error.description.contains("step 3"))
        print("[train] \(error)")
        // Nothing moved: the input is checked before the forward touches the running statistics.
        #expect(Self.snapshot(trainer) == before)
        #expect(trainer.step == 3)

        // Train on (other runs would continue from here), then go back to the good checkpoint.
        for s in 4..<7 { let (x, y) = Self.batch(s); try trainer.step(images: x, labels: y) }
        #expect(Self.snapshot(trainer) != before)
        try trainer.restore(from: good)
        #expect(Self.snapshot(trainer) == before)
        #expect(trainer.step == 3)
        #expect(trainer.optimizer.learningRate == rate)

        // Resuming from the checkpoint replays exactly what an uninterrupted run does.
        let reference = Self.makeTrainer()
        var expected: [Float] = []
        for s in 0..<5 {
            let (x, y) = Self.batch(s == 3 ? 10 : s)
            expected.append(try reference.step(images: x, labels: y))
        }
        var resumed: [Float] = []
        for s in 3..<5 { let (x, y) = Self.batch(s == 3 ? 10 : s); resumed.append(try trainer.step(images: x, labels: y)) }
        #expect(resumed == Array(expected[3...]))
        #expect(Self.snapshot(trainer) == Self.snapshot(reference))
    }

    @Test("an infinite input and an overflowing one: TrainingError, running statistics rolled back")
    func nonFiniteLoss() throws {
        let trainer = Self.makeTrainer()
        let (x0, y0) = Self.batch(0)
        try trainer.step(images: x0, labels: y0)
        let before = Self.snapshot(trainer)

        let (x, y) = Self.batch(1)
        x[5] = -.infinity
        #expect(throws: TrainingError.self) { try trainer.step(images: x, labels: y) }
        #expect(Self.snapshot(trainer) == before)

        // Finite but huge: the convolutions overflow to inf, BatchNorm makes NaN, so the loss
        // is NaN after the forward already updated the running statistics; they are restored.
        let (huge, labels) = Self.batch(2)
        for i in 0..<huge.count { huge[i] = huge[i] >= 0 ? 3e38 : -3e38 }
        var caught: TrainingError?
        do { try trainer.step(images: huge, labels: labels) } catch let e as TrainingError { caught = e }
        let error = try #require(caught)
        #expect(error.step == 1)
        if case .nonFiniteLoss(let value) = error.problem {
            #expect(!value.isFinite)
        } else {
            Issue.record("expected a non-finite loss, got \(error.problem)")
        }
        #expect(Self.snapshot(trainer) == before)
        #expect(trainer.step == 1)
    }

    @Test("checkpoint file: atomic write, round trip, metadata; refusals change nothing")
    func checkpointFile() throws {
        let trainer = Self.makeTrainer()
        for s in 0..<2 { let (x, y) = Self.batch(s); try trainer.step(images: x, labels: y) }
        trainer.epoch = 4
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sinonet-training-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("last.safetensors")
        try Trainer.write(Data("old".utf8), to: url)
        try Trainer.write(trainer.checkpoint(), to: url)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["last.safetensors"])
        let data = try Data(contentsOf: url)
        let info = try Trainer.checkpointInfo(from: data)
        #expect(info.step == 2 && info.epoch == 4 && info.seed == "5" && info.optimizer == "SGD")
        #expect(Double(info.learningRate) == trainer.optimizer.learningRate)
        let file = try SafeTensors(data: data)
        #expect(file.names.contains("layer1.0.conv1.weight"))
        #expect(file.names.contains("optimizer.layer1.0.conv1.weight.momentum_buffer"))
        #expect(file.names.contains("bn1.num_batches_tracked"))

        let saved = Self.snapshot(trainer)
        let other = Self.makeTrainer()
        try other.restore(from: data)
        #expect(Self.snapshot(other) == saved)
        #expect(other.step == 2 && other.epoch == 4)

        // A different seed, a different optimiser, a truncated file: refused, nothing changed.
        let wrongSeed = Self.makeTrainer(seed: 6)
        let untouched = Self.snapshot(wrongSeed)
        #expect(throws: CheckpointError.self) { try wrongSeed.restore(from: data) }
        #expect(Self.snapshot(wrongSeed) == untouched && wrongSeed.step == 0)

        let model = ImageClassifier(
            ResNet(block: .basic, layers: [1, 1, 1, 1], baseWidth: 8), inputShape: Self.shape,
            classes: 3, seed: 5)
        let adamw = Trainer(model: model, optimizer: AdamW(parameters: model.parameters.layout), seed: 5)
        let adamBefore = [model.parameters.storage, model.buffers.storage].flatMap { s in (0..<s.count).map { s.base[$0].bitPattern } }
        #expect(throws: OptimizerStateError.self) { try adamw.restore(from: data) }
        let adamAfter = [model.parameters.storage, model.buffers.storage].flatMap { s in (0..<s.count).map { s.base[$0].bitPattern } }
        #expect(adamAfter == adamBefore, "the weights loaded before the optimizer refused are rolled back")
        #expect(adamw.step == 0)

        #expect(throws: SafeTensorsError.self) { try other.restore(from: data.prefix(data.count - 4)) }
        #expect(throws: CheckpointError.self) { try other.restore(from: trainer.model.stateDict().data()) }
        #expect(Self.snapshot(other) == saved)
    }

    @Test("evaluate: probabilities over any image count, batches padded, eval mode")
    func evaluate() throws {
        let trainer = Self.makeTrainer()
        for s in 0..<2 { let (x, y) = Self.batch(s); try trainer.step(images: x, labels: y) }
        let (images, _) = ShapesTask.make(count: 8, size: 32, seed: 77)
        let probabilities = trainer.evaluate(images)
        #expect(probabilities.shape == Shape(8, 3))
        for i in 0..<8 {
            let row = (0..<3).map { probabilities[i * 3 + $0] }
            #expect(abs(row.reduce(0, +) - 1) < 1e-6)
        }
        // The same images one by one in a padded batch give the same probabilities (eval mode:
        // images are independent), and the model's own eval forward agrees.
        let single = trainer.evaluate(images.batchSlice(7))
        for k in 0..<3 { #expect(abs(single[k] - probabilities[21 + k]) < 1e-6) }
        #expect(trainer.model.training)
    }
}
