import Testing

@testable import SinoNet

/// conv-bn-relu-maxpool-conv-bn-relu-adaptiveavgpool-flatten-linear on [2, 3, 16, 16], one
/// train-mode step against torch.nn.Sequential with the same state_dict: logits, weighted and
/// label-smoothed cross-entropy, every parameter gradient, the input gradient and the
/// running statistics after the step; then eval-mode logits.
@Suite("SinoNet tiny network versus PyTorch")
struct SequentialParityTests {
    static func tinyNetwork() -> Sequential {
        Sequential(
            inputShape: Shape(2, 3, 16, 16),
            layers: [
                .conv2d(Conv2d(inChannels: 3, outChannels: 8, kernelSize: 3, stride: 1, padding: 1, bias: false)),
                .batchNorm2d(BatchNorm2d(channels: 8)),
                .relu,
                .maxPool2d(MaxPool2d(kernelSize: 3, stride: 2, padding: 1)),
                .conv2d(Conv2d(inChannels: 8, outChannels: 16, kernelSize: 3, stride: 2, padding: 1, bias: true)),
                .batchNorm2d(BatchNorm2d(channels: 16)),
                .relu,
                .adaptiveAvgPool2d,
                .flatten,
                .linear(Linear(inFeatures: 16, outFeatures: 5))
            ])
    }

    @Test("state_dict names of the parameter and buffer arenas match torch.nn.Sequential")
    func names() throws {
        let fixture = try TorchFixture()
        let c = try fixture.case("tiny_network")
        let net = Self.tinyNetwork()
        let ours = Set(net.parameters.layout.entries.map(\.name) + net.buffers.layout.entries.map(\.name))
        let torch = Set(c.tensors.keys.filter { $0.hasPrefix("param.") }.map { String($0.dropFirst(6)) })
        #expect(ours == torch)
    }

    @Test("one training step: logits, loss, dx, every parameter gradient, running statistics")
    func trainingStep() throws {
        let fixture = try TorchFixture()
        let c = try fixture.case("tiny_network")
        guard let targets = c.config["targets"] as? [Int] else { throw FixtureFormatError("targets") }
        let net = Self.tinyNetwork()
        for (name, tensor) in net.parameters.views { tensor.copy(from: try c.tensor("param." + name)) }
        for (name, tensor) in net.buffers.views { tensor.copy(from: try c.tensor("param." + name)) }

        net.training = true
        let logits = net.forward(try c.tensor("x"))
        let loss = CrossEntropyLoss(
            classWeights: try c.tensor("class_weights").values,
            labelSmoothing: try c.float("label_smoothing"))
        let value = loss.forward(logits: logits, targets: targets)
        net.zeroGradients()
        loss.backward(logits: logits, targets: targets, logitsGradient: net.outputGradient)
        net.backward()

        expectParity(logits, try c.tensor("logits"), "tiny_network logits", tool: fixture.tool)
        expectParity(Tensor(Shape(1), values: [value]), try c.tensor("loss"), "tiny_network loss", tool: fixture.tool)
        expectParity(net.inputGradient, try c.tensor("dx"), "tiny_network dx", tool: fixture.tool)
        for (name, gradient) in net.gradients.views {
            // The bias of conv 4 feeds a train-mode BatchNorm, which subtracts the batch mean:
            // its gradient is analytically 0 and both sides hold rounding noise (~1e-8), so it
            // is measured against its layer's weight gradient instead.
            var floor: Float = 0
            if name == "4.bias" {
                floor = try c.tensor("grad.4.weight").maxMagnitude
                #expect(try c.tensor("grad.4.bias").maxMagnitude <= 1e-5 * floor)
            }
            expectParity(
                gradient, try c.tensor("grad." + name), "tiny_network grad \(name)", tool: fixture.tool,
                scaleFloor: floor)
        }
        for (name, buffer) in net.buffers.views {
            expectParity(buffer, try c.tensor("after." + name), "tiny_network \(name) after step", tool: fixture.tool)
        }

        net.training = false // eval mode: BatchNorm with the running statistics just updated
        let evalLogits = net.forward(try c.tensor("x"))
        expectParity(evalLogits, try c.tensor("eval_logits"), "tiny_network eval logits", tool: fixture.tool)
        #expect(evalLogits.maxAbsDifference(to: try c.tensor("logits")).diff > 1e-3)
    }

    @Test("a second backward accumulates parameter gradients, as torch's .grad does")
    func accumulation() throws {
        let fixture = try TorchFixture()
        let c = try fixture.case("tiny_network")
        let net = Self.tinyNetwork()
        for (name, tensor) in net.parameters.views { tensor.copy(from: try c.tensor("param." + name)) }
        let x = try c.tensor("x")
        net.forward(x)
        net.zeroGradients()
        net.outputGradient.fill(0.1)
        net.backward()
        let once = net.gradients["4.weight"].values
        net.outputGradient.fill(0.1)
        net.backward()
        let twice = net.gradients["4.weight"].values
        #expect(once.contains { $0 != 0 })
        for (a, b) in zip(once, twice) { #expect(abs(b - 2 * a) <= 1e-5 * max(1, abs(a))) }
    }
}
