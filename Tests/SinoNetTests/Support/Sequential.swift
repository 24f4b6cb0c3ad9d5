import SinoRandom

@testable import SinoNet

// Test support, not library code: a torch.nn.Sequential-like chain of SinoNet layers for the
// layer and tiny-network parity tests (SequentialParityTests, SequentialTests). The library's
// networks (ImageClassifier) are planned by NetworkPlan instead.

/// One layer of a `Sequential` network.
enum Layer: Sendable {
    case conv2d(Conv2d)
    case batchNorm2d(BatchNorm2d)
    case relu
    case maxPool2d(MaxPool2d)
    case avgPool2d(AvgPool2d)
    case adaptiveAvgPool2d
    /// [N, C, H, W] -> [N, C*H*W], a view of the same memory (torch.nn.Flatten).
    case flatten
    case linear(Linear)
    case dropout(Dropout)
}

/// A chain of layers with a fixed input shape, like torch.nn.Sequential: layers are named
/// "0", "1", ... (or by the caller) and parameters are "<name>.weight", "<name>.bias",
/// BatchNorm buffers "<name>.running_mean", "<name>.running_var" — torch's state_dict keys.
///
/// Memory is planned once at construction (llm.c): one arena each for parameters, their
/// gradients (same layout), buffers, activations and activation gradients (same layout),
/// plus one im2col workspace shared by all convolutions. forward/backward allocate nothing.
///
///     let net = Sequential(inputShape: Shape(2, 3, 16, 16), layers: [
///         .conv2d(Conv2d(inChannels: 3, outChannels: 8, kernelSize: 3, padding: 1, bias: false)),
///         .batchNorm2d(BatchNorm2d(channels: 8)), .relu, .adaptiveAvgPool2d, .flatten,
///         .linear(Linear(inFeatures: 8, outFeatures: 5))])
///     net.parameters["0.weight"].copy(from: w)     // load weights by state_dict name
///     let logits = net.forward(x)
///     net.zeroGradients(); loss.backward(logits: logits, targets: y, logitsGradient: net.outputGradient)
///     net.backward()                               // fills net.gradients["0.weight"], ...
final class Sequential {
    let inputShape: Shape
    let names: [String]
    let layers: [Layer]
    let parameters: Arena
    let gradients: Arena
    let buffers: Arena
    let activations: Arena
    let activationGradients: Arena
    /// Training mode (batch statistics, dropout) versus eval mode, as torch's `.train()`.
    var training = true
    private var generator: SplitMix64
    private let workspace: Tensor
    /// values[0] is the input, values[i + 1] layer i's output; valueGradients likewise.
    private let values: [Tensor]
    private let valueGradients: [Tensor]

    convenience init(inputShape: Shape, layers: [Layer], seed: UInt64 = 0) {
        self.init(
            inputShape: inputShape,
            namedLayers: layers.enumerated().map { (String($0.offset), $0.element) }, seed: seed)
    }

    init(inputShape: Shape, namedLayers: [(String, Layer)], seed: UInt64 = 0) {
        self.inputShape = inputShape
        names = namedLayers.map(\.0)
        layers = namedLayers.map(\.1)
        generator = SplitMix64(seed: seed)
        var params = ArenaLayout(), bufs = ArenaLayout(), acts = ArenaLayout()
        acts.add("input", inputShape)
        var shape = inputShape
        var shapes: [Shape?] = [] // nil: the layer's output is a view of its input (flatten)
        var workspaceCount = 0
        for (name, layer) in namedLayers {
            switch layer {
            case .conv2d(let conv):
                params.add(name + ".weight", conv.weightShape)
                if conv.hasBias { params.add(name + ".bias", conv.biasShape) }
                workspaceCount = max(workspaceCount, conv.workspaceCount(for: shape))
                shape = conv.outputShape(for: shape)
            case .batchNorm2d(let bn):
                precondition(shape.rank == 4 && shape[1] == bn.channels, "layer \(name): BatchNorm2d(\(bn.channels)) after \(shape)")
                params.add(name + ".weight", bn.parameterShape)
                params.add(name + ".bias", bn.parameterShape)
                bufs.add(name + ".running_mean", bn.parameterShape)
                bufs.add(name + ".running_var", bn.parameterShape)
                acts.add(name + ".saved_mean", bn.parameterShape)
                acts.add(name + ".saved_invstd", bn.parameterShape)
            case .relu:
                break
            case .maxPool2d(let pool):
                shape = pool.outputShape(for: shape)
            case .avgPool2d(let pool):
                shape = pool.outputShape(for: shape)
            case .adaptiveAvgPool2d:
                shape = AdaptiveAvgPool2d.outputShape(for: shape)
            case .flatten:
                shape = Shape(shape[0], shape.count / shape[0])
            case .linear(let fc):
                params.add(name + ".weight", fc.weightShape)
                if fc.hasBias { params.add(name + ".bias", fc.biasShape) }
                shape = fc.outputShape(for: shape)
            case .dropout:
                acts.add(name + ".mask", shape)
            }
            if case .flatten = layer {
                shapes.append(nil)
            } else {
                acts.add(name + ".out", shape)
                shapes.append(shape)
            }
        }
        parameters = Arena(params)
        gradients = Arena(params)
        buffers = Arena(bufs)
        activations = Arena(acts)
        activationGradients = Arena(acts)
        workspace = Tensor(Shape(workspaceCount))
        for (name, layer) in namedLayers {
            if case .batchNorm2d = layer { buffers[name + ".running_var"].fill(1) } // torch's reset
        }
        var vals = [activations["input"]], grads = [activationGradients["input"]]
        for (i, name) in names.enumerated() {
            if shapes[i] != nil {
                vals.append(activations[name + ".out"])
                grads.append(activationGradients[name + ".out"])
            } else {
                let s = Shape(vals[i].shape[0], vals[i].count / vals[i].shape[0])
                vals.append(vals[i].reshaped(s))
                grads.append(grads[i].reshaped(s))
            }
        }
        values = vals
        valueGradients = grads
    }

    /// The network's output (logits) from the last `forward`.
    var output: Tensor { values[layers.count] }
    /// Where the loss writes d(loss)/d(output) before `backward`; zeroed by `zeroGradients`.
    var outputGradient: Tensor { valueGradients[layers.count] }
    /// d(loss)/d(input) after `backward`.
    var inputGradient: Tensor { valueGradients[0] }

    /// Zeroes parameter gradients and activation gradients (torch's `zero_grad`).
    func zeroGradients() {
        gradients.zero()
        activationGradients.zero()
    }

    /// input [inputShape] -> output; copies the input into the activation arena.
    @discardableResult
    func forward(_ input: Tensor) -> Tensor {
        precondition(input.shape == inputShape, "Sequential expects input \(inputShape), got \(input.shape)")
        values[0].copy(from: input)
        for i in layers.indices { forwardLayer(i) }
        return output
    }

    /// Backpropagates `outputGradient` through every layer, ADDING parameter gradients into
    /// `gradients` and leaving d(loss)/d(input) in `inputGradient`. Activation gradients
    /// (except the output's) are zeroed first; call after `forward` with the same mode.
    func backward() {
        for i in 0..<layers.count where valueGradients[i].data != outputGradient.data {
            valueGradients[i].zero() // (a trailing flatten shares memory with the output)
        }
        for i in layers.indices.reversed() { backwardLayer(i) }
    }

    private func forwardLayer(_ i: Int) {
        let x = values[i], y = values[i + 1], name = names[i]
        switch layers[i] {
        case .conv2d(let conv):
            conv.forward(
                input: x, weight: parameters[name + ".weight"],
                bias: conv.hasBias ? parameters[name + ".bias"] : nil,
                output: y, workspace: workspace)
        case .batchNorm2d(let bn):
            if training {
                bn.forwardTraining(
                    input: x, weight: parameters[name + ".weight"],
                    bias: parameters[name + ".bias"],
                    runningMean: buffers[name + ".running_mean"],
                    runningVar: buffers[name + ".running_var"], output: y,
                    savedMean: activations[name + ".saved_mean"],
                    savedInvStd: activations[name + ".saved_invstd"])
            } else {
                bn.forwardInference(
                    input: x, weight: parameters[name + ".weight"],
                    bias: parameters[name + ".bias"],
                    runningMean: buffers[name + ".running_mean"],
                    runningVar: buffers[name + ".running_var"], output: y)
            }
        case .relu:
            ReLU.forward(input: x, output: y)
        case .maxPool2d(let pool):
            pool.forward(input: x, output: y)
        case .avgPool2d(let pool):
            pool.forward(input: x, output: y)
        case .adaptiveAvgPool2d:
            AdaptiveAvgPool2d.forward(input: x, output: y)
        case .flatten:
            break
        case .linear(let fc):
            fc.forward(
                input: x, weight: parameters[name + ".weight"],
                bias: fc.hasBias ? parameters[name + ".bias"] : nil, output: y)
        case .dropout(let dropout):
            if training {
                dropout.forwardTraining(
                    input: x, output: y, mask: activations[name + ".mask"],
                    generator: &generator)
            } else {
                dropout.forwardInference(input: x, output: y)
            }
        }
    }

    private func backwardLayer(_ i: Int) {
        let x = values[i], y = values[i + 1], name = names[i]
        let dx = valueGradients[i], dy = valueGradients[i + 1]
        switch layers[i] {
        case .conv2d(let conv):
            conv.backward(
                input: x, weight: parameters[name + ".weight"], outputGradient: dy,
                inputGradient: dx, weightGradient: gradients[name + ".weight"],
                biasGradient: conv.hasBias ? gradients[name + ".bias"] : nil,
                workspace: workspace)
        case .batchNorm2d(let bn):
            if training {
                bn.backwardTraining(
                    input: x, weight: parameters[name + ".weight"],
                    savedMean: activations[name + ".saved_mean"],
                    savedInvStd: activations[name + ".saved_invstd"],
                    outputGradient: dy, inputGradient: dx,
                    weightGradient: gradients[name + ".weight"],
                    biasGradient: gradients[name + ".bias"])
            } else {
                bn.backwardInference(
                    input: x, weight: parameters[name + ".weight"],
                    runningMean: buffers[name + ".running_mean"],
                    runningVar: buffers[name + ".running_var"],
                    outputGradient: dy, inputGradient: dx,
                    weightGradient: gradients[name + ".weight"],
                    biasGradient: gradients[name + ".bias"])
            }
        case .relu:
            ReLU.backward(output: y, outputGradient: dy, inputGradient: dx)
        case .maxPool2d(let pool):
            pool.backward(input: x, outputGradient: dy, inputGradient: dx)
        case .avgPool2d(let pool):
            pool.backward(input: x, outputGradient: dy, inputGradient: dx)
        case .adaptiveAvgPool2d:
            AdaptiveAvgPool2d.backward(input: x, outputGradient: dy, inputGradient: dx)
        case .flatten:
            break // dx and dy are the same memory
        case .linear(let fc):
            fc.backward(
                input: x, weight: parameters[name + ".weight"], outputGradient: dy,
                inputGradient: dx, weightGradient: gradients[name + ".weight"],
                biasGradient: fc.hasBias ? gradients[name + ".bias"] : nil)
        case .dropout(let dropout):
            if training {
                dropout.backwardTraining(
                    mask: activations[name + ".mask"], outputGradient: dy,
                    inputGradient: dx)
            } else {
                dropout.backwardInference(outputGradient: dy, inputGradient: dx)
            }
        }
    }
}
