import Testing

@testable import SinoNet

/// Sequential paths the PyTorch fixture does not cover: average pooling and dropout layers,
/// eval mode, a flatten at the end.
@Suite("SinoNet Sequential")
struct SequentialTests {
    static func network(dropout: Bool) -> Sequential {
        var layers: [Layer] = [
            .conv2d(Conv2d(inChannels: 2, outChannels: 3, kernelSize: 1)),
            .avgPool2d(AvgPool2d(kernelSize: 2))
        ]
        if dropout { layers.append(.dropout(Dropout(probability: 0.5))) }
        layers += [.conv2d(Conv2d(inChannels: 3, outChannels: 2, kernelSize: 3, padding: 1)), .flatten]
        return Sequential(inputShape: Shape(2, 2, 6, 6), layers: layers, seed: 9)
    }

    static func load(_ net: Sequential) {
        for (i, (_, t)) in net.parameters.views.enumerated() {
            t.copy(from: LayerUnitTests.random(t.shape, seed: UInt64(100 + i)))
        }
    }

    @Test("eval mode: dropout is the identity; the input gradient matches finite differences")
    func evalModeAndGradient() {
        let withDropout = Self.network(dropout: true), without = Self.network(dropout: false)
        Self.load(withDropout)
        Self.load(without) // same parameter names apart from the index shift: load by order
        withDropout.training = false
        without.training = false
        let x = LayerUnitTests.random(Shape(2, 2, 6, 6), seed: 11)
        let a = withDropout.forward(x).values, b = without.forward(x).values
        #expect(a.count == 2 * 2 * 3 * 3)
        #expect(zip(a, b).allSatisfy { abs($0 - $1) <= 1e-6 })

        // loss = <output, r>: its input gradient against central differences.
        let r = LayerUnitTests.random(withDropout.output.shape, seed: 12)
        withDropout.zeroGradients()
        withDropout.outputGradient.copy(from: r)
        withDropout.backward()
        let dx = withDropout.inputGradient.values
        func loss(_ input: Tensor) -> Double {
            let y = withDropout.forward(input)
            return (0..<y.count).reduce(0.0) { $0 + Double(y[$1]) * Double(r[$1]) }
        }
        for i in stride(from: 0, to: x.count, by: 7) {
            let plus = Tensor(x.shape), minus = Tensor(x.shape)
            plus.copy(from: x); minus.copy(from: x)
            plus[i] += 0.01; minus[i] -= 0.01
            let numeric = (loss(plus) - loss(minus)) / 0.02
            #expect(abs(numeric - Double(dx[i])) <= 1e-3 * max(1, abs(numeric)), "element \(i)")
        }
    }

    @Test("training mode: dropout zeroes about half of its activations and backward uses the same mask")
    func trainingDropout() {
        let net = Self.network(dropout: true)
        Self.load(net)
        net.training = true
        net.forward(LayerUnitTests.random(Shape(2, 2, 6, 6), seed: 13))
        let mask = net.activations["2.mask"].values
        #expect(mask.allSatisfy { $0 == 0 || $0 == 2 } && mask.contains(0) && mask.contains(2))
        net.zeroGradients()
        net.outputGradient.fill(1)
        net.backward()
        let dropped = net.activationGradients["2.out"] // gradient at dropout's output
        let atInput = net.activationGradients["1.out"]
        for i in 0..<mask.count { #expect(atInput[i] == dropped[i] * mask[i]) }
    }
}
