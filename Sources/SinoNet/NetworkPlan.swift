import Foundation
import SinoRandom

/// How a parameter is initialised (torchvision 0.28's rules, seeded by a `SplitMix64`).
enum ParameterInit: Sendable {
    /// nn.init.kaiming_normal_(mode="fan_out", nonlinearity="relu"): N(0, 2 / (Cout*k*k)) (ResNet).
    case kaimingNormalFanOut
    /// nn.init.kaiming_normal_() defaults (fan_in, leaky_relu a=0): N(0, 2 / (Cin*k*k)) (DenseNet).
    case kaimingNormalFanIn
    /// nn.Linear's reset_parameters: kaiming_uniform_(a=sqrt(5)) is U(-1/sqrt(in), 1/sqrt(in)).
    case linearDefault
    /// nn.Linear's bias: U(-1/sqrt(fanIn), 1/sqrt(fanIn)).
    case uniformFanIn(Int)
    case constant(Float)

    func fill(_ t: Tensor, _ generator: inout SplitMix64) {
        switch self {
        case .constant(let v):
            t.fill(v)
        case .kaimingNormalFanOut, .kaimingNormalFanIn:
            let d = t.shape.dimensions // OIHW
            let receptive = d.dropFirst(2).reduce(1, *)
            let fan = (self.isFanOut ? d[0] : d[1]) * receptive
            let std = (2.0 / Double(fan)).squareRoot()
            for i in 0..<t.count { t[i] = Float(std * generator.nextStandardNormal()) }
        case .linearDefault:
            ParameterInit.uniformFanIn(t.shape[1]).fill(t, &generator)
        case .uniformFanIn(let fanIn):
            let bound = 1 / Float(fanIn).squareRoot()
            for i in 0..<t.count { t[i] = (2 * generator.nextUnitFloat() - 1) * bound }
        }
    }

    private var isFanOut: Bool { if case .kaimingNormalFanOut = self { return true } else { return false } }
}

extension SplitMix64 {
    /// A standard normal draw (Box-Muller on two 53-bit uniforms).
    mutating func nextStandardNormal() -> Double {
        let u1 = (Double(next() >> 11) + 1) / 9007199254740993.0 // (0, 1]
        let u2 = Double(next() >> 11) / 9007199254740992.0
        return (-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2)
    }
}

/// One step of a network: layers refer to parameters by state_dict prefix and to activations
/// by name in the activation arena (whose twin, the activation-gradient arena, has the same
/// names).
enum NetworkOp: Sendable {
    case conv(LayerKeys, Conv2d, x: String, y: String)
    case batchNorm(LayerKeys, BatchNorm2d, x: String, y: String)
    /// y = max(x, 0); x == y is torchvision's ReLU(inplace=True).
    case relu(x: String, y: String)
    case maxPool(MaxPool2d, x: String, y: String)
    case avgPool(AvgPool2d, x: String, y: String)
    case globalAvgPool(x: String, y: String)
    case linear(LayerKeys, Linear, x: String, y: String)
    /// a += b (the residual addition `out += identity`, in place as torchvision does).
    case addInPlace(a: String, b: String)
    /// x written into channels offset ..< offset + C of `buffer` (DenseNet concatenation).
    case concat(x: String, buffer: String, offset: Int)
}

/// The arena keys of one layer, spelled out once when the network is planned so that
/// forward and backward passes build no strings.
struct LayerKeys: Sendable {
    let weight: String, bias: String, runningMean: String, runningVar: String
    let savedMean: String, savedInvStd: String

    init(_ name: String) {
        weight = name + ".weight"
        bias = name + ".bias"
        runningMean = name + ".running_mean"
        runningVar = name + ".running_var"
        savedMean = name + ".saved_mean"
        savedInvStd = name + ".saved_invstd"
    }
}

/// Builds a network's op list together with its three arena layouts (parameters, buffers,
/// activations) and the init rule of each parameter; shapes are inferred as ops are added.
struct NetworkPlan {
    var parameters = ArenaLayout()
    var buffers = ArenaLayout()
    var activations = ArenaLayout()
    var ops: [NetworkOp] = []
    var inits: [String: ParameterInit] = [:]
    private(set) var shapes: [String: Shape] = [:]

    init(inputShape: Shape) {
        precondition(inputShape.rank == 4, "a network input is [N, C, H, W], got \(inputShape)")
        addActivation("input", inputShape)
    }

    func shape(_ name: String) -> Shape { shapes[name]! }

    mutating func addActivation(_ name: String, _ shape: Shape) {
        activations.add(name, shape)
        shapes[name] = shape
    }

    mutating func conv(_ name: String, _ conv: Conv2d, _ x: String, init rule: ParameterInit) -> String {
        let inShape = shape(x)
        precondition(inShape[1] == conv.inChannels, "\(name): Conv2d(\(conv.inChannels), ...) after \(inShape)")
        parameters.add(name + ".weight", conv.weightShape)
        inits[name + ".weight"] = rule
        if conv.hasBias { parameters.add(name + ".bias", conv.biasShape); inits[name + ".bias"] = .constant(0) }
        addActivation(name + ".out", conv.outputShape(for: inShape))
        ops.append(.conv(LayerKeys(name), conv, x: x, y: name + ".out"))
        return name + ".out"
    }

    /// BatchNorm2d(channels) over the first `channels` channels of x (all of them by default).
    mutating func batchNorm(_ name: String, _ x: String, channels: Int? = nil) -> String {
        let s = shape(x), c = channels ?? s[1]
        let bn = BatchNorm2d(channels: c)
        parameters.add(name + ".weight", bn.parameterShape)
        parameters.add(name + ".bias", bn.parameterShape)
        inits[name + ".weight"] = .constant(1)
        inits[name + ".bias"] = .constant(0)
        buffers.add(name + ".running_mean", bn.parameterShape)
        buffers.add(name + ".running_var", bn.parameterShape)
        activations.add(name + ".saved_mean", bn.parameterShape)
        activations.add(name + ".saved_invstd", bn.parameterShape)
        addActivation(name + ".out", Shape(s[0], c, s[2], s[3]))
        ops.append(.batchNorm(LayerKeys(name), bn, x: x, y: name + ".out"))
        return name + ".out"
    }

    /// In place (the usual case), or into a new activation `output` when the input must be
    /// kept (DenseNet's norm5 output, Grad-CAM's target).
    mutating func relu(_ x: String, output: String? = nil) -> String {
        let y = output ?? x
        if y != x { addActivation(y, shape(x)) }
        ops.append(.relu(x: x, y: y))
        return y
    }

    mutating func maxPool(_ name: String, _ pool: MaxPool2d, _ x: String) -> String {
        addActivation(name + ".out", pool.outputShape(for: shape(x)))
        ops.append(.maxPool(pool, x: x, y: name + ".out"))
        return name + ".out"
    }

    mutating func avgPool(_ name: String, _ pool: AvgPool2d, _ x: String) -> String {
        addActivation(name + ".out", pool.outputShape(for: shape(x)))
        ops.append(.avgPool(pool, x: x, y: name + ".out"))
        return name + ".out"
    }

    mutating func globalAvgPool(_ name: String, _ x: String) -> String {
        addActivation(name + ".out", AdaptiveAvgPool2d.outputShape(for: shape(x)))
        ops.append(.globalAvgPool(x: x, y: name + ".out"))
        return name + ".out"
    }

    mutating func linear(_ name: String, _ fc: Linear, _ x: String, biasInit: ParameterInit? = nil) -> String {
        let s = shape(x)
        precondition(s.count / s[0] == fc.inFeatures, "\(name): Linear(\(fc.inFeatures), ...) after \(s)")
        parameters.add(name + ".weight", fc.weightShape)
        inits[name + ".weight"] = .linearDefault
        if fc.hasBias {
            parameters.add(name + ".bias", fc.biasShape)
            inits[name + ".bias"] = biasInit ?? .uniformFanIn(fc.inFeatures)
        }
        addActivation(name + ".out", Shape(s[0], fc.outFeatures))
        ops.append(.linear(LayerKeys(name), fc, x: x, y: name + ".out"))
        return name + ".out"
    }

    mutating func addInPlace(_ a: String, _ b: String) -> String {
        precondition(shape(a) == shape(b), "residual addition of \(shape(a)) and \(shape(b))")
        ops.append(.addInPlace(a: a, b: b))
        return a
    }

    mutating func concat(_ x: String, into buffer: String, offset: Int) {
        let s = shape(x), t = shape(buffer)
        precondition(
            s[0] == t[0] && s[2] == t[2] && s[3] == t[3] && offset + s[1] <= t[1],
            "cannot place \(s) at channel \(offset) of \(t)")
        ops.append(.concat(x: x, buffer: buffer, offset: offset))
    }
}

extension NetworkOp {
    /// The activation keys the op touches, forward or backward (its input and output; in a
    /// backward pass the gradients of the same keys). BatchNorm's saved statistics are not
    /// included: `NetworkPlan` keeps them for the whole pass.
    var activationKeys: [String] {
        switch self {
        case .conv(_, _, let x, let y), .batchNorm(_, _, let x, let y), .relu(let x, let y),
            .maxPool(_, let x, let y), .avgPool(_, let x, let y), .globalAvgPool(let x, let y),
            .linear(_, _, let x, let y):
            x == y ? [x] : [x, y]
        case .addInPlace(let a, let b): [a, b]
        case .concat(let x, let buffer, _): [x, buffer]
        }
    }
}

extension NetworkPlan {
    /// Lifetimes of the activations over a forward pass run as steps 0..<ops.count, the input
    /// written at step -1. Keys in `pinned` (read after the pass: logits, Grad-CAM's) and
    /// every key no op touches stay alive from -1 to the end.
    func forwardLifetimes(pinned: Set<String>) -> [ArenaLayout.Lifetime] {
        var first: [String: Int] = ["input": -1], last: [String: Int] = [:]
        for (step, op) in ops.enumerated() {
            for key in op.activationKeys {
                if first[key] == nil { first[key] = step }
                last[key] = step
            }
        }
        return activations.entries.map { e in
            guard !pinned.contains(e.name), let f = first[e.name], let l = last[e.name] else {
                return .init(name: e.name, shape: e.shape, first: -1, last: ops.count)
            }
            return .init(name: e.name, shape: e.shape, first: f, last: l)
        }
    }

    /// Lifetimes of the activation gradients over a backward pass: op i runs at step
    /// ops.count - 1 - i. Only keys some op touches get a gradient; keys in `pinned` stay
    /// alive to the end (the input's, and any read after `backward`), and `output` (the
    /// loss writes its gradient before the pass) from -1 to the end.
    /// Also returns, per op index, the gradient keys to zero just before that op's backward:
    /// those it touches first.
    func backwardLifetimes(output: String, pinned: Set<String>) -> ([ArenaLayout.Lifetime], [[String]]) {
        var first: [String: Int] = [:], last: [String: Int] = [:]
        var zeroing = [[String]](repeating: [], count: ops.count)
        for i in stride(from: ops.count - 1, through: 0, by: -1) {
            let step = ops.count - 1 - i
            for key in ops[i].activationKeys {
                if first[key] == nil {
                    first[key] = step
                    if key != output { zeroing[i].append(key) }
                }
                last[key] = step
            }
        }
        let lifetimes = activations.entries.compactMap { e -> ArenaLayout.Lifetime? in
            guard let f = first[e.name], let l = last[e.name] else { return nil }
            if e.name == output { return .init(name: e.name, shape: e.shape, first: -1, last: ops.count) }
            return .init(name: e.name, shape: e.shape, first: f, last: pinned.contains(e.name) ? ops.count : l)
        }
        return (lifetimes, zeroing)
    }
}
