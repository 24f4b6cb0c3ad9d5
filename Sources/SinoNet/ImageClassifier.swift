import Foundation
import SinoRandom

/// A model's parameter, buffer or activation key was absent, unexpected or of another shape
/// than a state_dict offered for it.
public struct StateDictError: Error, CustomStringConvertible, Equatable {
    public struct Mismatch: Equatable, Sendable {
        public let name: String
        public let expected: Shape
        public let found: [Int]
    }

    public let source: String
    public let missing: [String]
    public let unexpected: [String]
    public let wrongShape: [Mismatch]
    /// Keys present with a dtype other than F32 (num_batches_tracked excepted).
    public let wrongDType: [String]

    public var description: String {
        var parts: [String] = []
        if !missing.isEmpty { parts.append("missing keys: " + missing.joined(separator: ", ")) }
        if !unexpected.isEmpty { parts.append("unexpected keys: " + unexpected.joined(separator: ", ")) }
        if !wrongShape.isEmpty {
            parts.append(
                "wrong shapes: "
                    + wrongShape.map { "\($0.name) is \($0.found) in the file, the model needs \($0.expected)" }
                    .joined(separator: "; "))
        }
        if !wrongDType.isEmpty { parts.append("not F32: " + wrongDType.joined(separator: ", ")) }
        return "state_dict \(source) does not fit the model: " + parts.joined(separator: "; ")
    }
}

/// A ResNet or DenseNet classifier for images of any channel count and any number of classes,
/// with torchvision's state_dict names, layer order and initialisation.
///
/// Memory is planned once for a fixed input shape [N, C, H, W] (llm.c): one arena of
/// parameters, one of their gradients (same layout), one of buffers (BatchNorm running
/// statistics), one of activations and one of activation gradients (same layout), and one
/// im2col workspace. `forward` and `backward` allocate nothing.
///
///     let model = ImageClassifier(ResNet.resnet18, inputShape: Shape(8, 1, 224, 224), classes: 3, seed: 7)
///     try model.loadStateDict(SafeTensors(contentsOf: url))   // exported from torchvision
///     model.training = true
///     let logits = model.forward(images)
///     model.zeroGradients()
///     loss.backward(logits: logits, targets: labels, logitsGradient: model.outputGradient)
///     model.backward()                   // model.gradients["layer1.0.conv1.weight"], ...
///
/// With `trainable: false` (inference only) the parameter-gradient and activation-gradient
/// arenas are not allocated, roughly halving memory; `forward` gives the same logits bit for
/// bit, Grad-CAM still works (it allocates its own small gradients), and `gradients`,
/// `activationGradients`, `outputGradient`, `inputGradient`, `zeroGradients`, `backward` and
/// `freezeBackbone` stop with a precondition failure.
public final class ImageClassifier {
    enum Architecture: Sendable, Equatable { case resNet(ResNet), denseNet(DenseNet) }

    let architecture: Architecture
    public private(set) var inputShape: Shape
    public private(set) var classes: Int
    public private(set) var parameters: Arena
    public private(set) var buffers: Arena
    public private(set) var activations: Arena
    /// False for an inference-only model: no gradient arenas, no backward.
    public let trainable: Bool
    private var gradientArena: Arena?
    private var activationGradientArena: Arena?
    /// Parameter gradients (same layout as `parameters`); only for a trainable model.
    public var gradients: Arena {
        guard let arena = gradientArena else { preconditionFailure(Self.inferenceOnly("gradients")) }
        return arena
    }
    /// Activation gradients (same layout as `activations`); only for a trainable model.
    public var activationGradients: Arena {
        guard let arena = activationGradientArena else { preconditionFailure(Self.inferenceOnly("activationGradients")) }
        return arena
    }

    private static func inferenceOnly(_ what: String) -> String {
        "ImageClassifier was created with trainable: false (inference only) and has no \(what); create it with trainable: true to train or backpropagate"
    }
    /// Training mode (batch statistics, running-statistics updates) versus eval mode; starts
    /// true for a trainable model and false for an inference-only one.
    public var training = true
    /// When false, `backward` stops at the earliest layer with a trainable parameter and
    /// `inputGradient` is not computed but left at zero (fine-tuning a frozen backbone skips
    /// its backward).
    public var computesInputGradient = true
    /// Parameters whose gradients `backward` leaves at zero (see `freezeBackbone`).
    public private(set) var frozen: Set<String> = []
    private var ops: [NetworkOp]
    /// Whether a BatchNorm and the in-place ReLU after it run as one pass (forward and, in
    /// training, backward), and likewise a residual addition and its ReLU, with the BatchNorm
    /// before them where nothing runs in between; false runs them separately (tests compare the
    /// two).
    var fusesBatchNormReLU = true
    /// How many ReLUs the forward pass applies inside a BatchNorm's pass (tests).
    var fusedReLUCount: Int { ops.indices.filter(reluFollows).count }
    /// How many BatchNorm + residual addition + ReLU triples run as one pass (tests).
    var fusedResidualCount: Int { ops.indices.filter { residualBatchNorm($0) != nil }.count }
    private var workspace: Tensor
    /// Threads of each forward and backward pass (`Workers`: the result does not depend on
    /// it). 1 by default: every loop serial. OpenBLAS runs one thread inside a pass either way.
    public var threads = 1 {
        didSet {
            precondition(threads >= 1, "a network needs at least one thread, got \(threads)")
            workspace = Self.workspace(ops, activations, threads: threads, backward: trainable)
        }
    }
    private var workers: Workers { Workers(threads) }
    /// How the 3 x 3 stride-1 convolutions are computed: `.automatic` (the default: Winograd's
    /// F(2x2, 3x3) where `Conv2d.usesWinograd` finds it faster for this input shape),
    /// `.winogradWherePossible` or `.gemm` (im2col + GEMM everywhere).
    public var convolutions = ConvolutionChoice.automatic
    /// The convolutions whose forward pass runs Winograd in the current mode, by weight name.
    public var winogradLayers: [String] {
        ops.compactMap { op in
            guard case .conv(let name, let conv, let x, _) = op,
                conv.usesWinograd(for: activations[x].shape, convolutions, inference: !training)
            else { return nil }
            return name.weight
        }
    }
    /// Whether the forward pass keeps its Winograd layers' transformed filters between calls:
    /// an inference-only model, whose parameters change only by `loadStateDict`, `replaceHead`
    /// and `adaptFirstConv` (each discards them). After writing its `parameters` another way,
    /// call `parametersChanged()`. A trainable model transforms them on every call.
    public var keepsWinogradFilters: Bool { !trainable }
    /// The kept filters, by weight name (`keepsWinogradFilters`), made on first use.
    private var winogradFilters: [String: Tensor] = [:]

    /// Discards what the model derived from its parameters (an inference-only model's
    /// transformed Winograd filters): call it after writing `parameters` directly.
    public func parametersChanged() { winogradFilters = [:] }

    /// The kept Winograd filters of a convolution, made on first use; nil when the layer does
    /// not run Winograd with kept filters or the model does not keep them.
    private func keptWinogradFilters(_ name: LayerKeys, _ conv: Conv2d, input: Shape) -> Tensor? {
        guard keepsWinogradFilters, conv.usesWinograd(for: input, convolutions, inference: true) else { return nil }
        if let filters = winogradFilters[name.weight] { return filters }
        let filters = Tensor(Shape(conv.winogradFilterCount))
        conv.transformWinogradFilters(weight: parameters[name.weight], into: filters, workers: workers)
        winogradFilters[name.weight] = filters
        return filters
    }
    /// Per op, the activation gradients its backward touches first (zeroed just before it).
    private var backwardZeroing: [[String]]
    private var initRules: [String: ParameterInit]
    private var generator: SplitMix64
    private let logitsKey: String

    /// `trainable: false` builds an inference-only model without gradient arenas.
    public convenience init(_ resNet: ResNet, inputShape: Shape, classes: Int, seed: UInt64 = 0, trainable: Bool = true) {
        self.init(.resNet(resNet), inputShape: inputShape, classes: classes, seed: seed, trainable: trainable)
    }

    /// `trainable: false` builds an inference-only model without gradient arenas.
    public convenience init(_ denseNet: DenseNet, inputShape: Shape, classes: Int, seed: UInt64 = 0, trainable: Bool = true) {
        self.init(.denseNet(denseNet), inputShape: inputShape, classes: classes, seed: seed, trainable: trainable)
    }

    init(_ architecture: Architecture, inputShape: Shape, classes: Int, seed: UInt64, trainable: Bool = true) {
        precondition(classes >= 1, "a classifier needs at least one class")
        self.architecture = architecture
        self.trainable = trainable
        if !trainable { training = false }
        self.inputShape = inputShape
        self.classes = classes
        generator = SplitMix64(seed: seed)
        logitsKey = Self.headName(architecture) + ".out"
        let plan = Self.plan(architecture, inputShape, classes)
        let arenas = Self.allocate(plan, architecture, trainable: trainable)
        (parameters, gradientArena, buffers, activations, activationGradientArena, backwardZeroing) = arenas
        ops = plan.ops
        workspace = Self.workspace(plan.ops, arenas.3, threads: 1, backward: trainable)
        initRules = plan.inits
        initialise(names: parameters.layout.entries.map(\.name))
    }

    private static func plan(_ architecture: Architecture, _ inputShape: Shape, _ classes: Int) -> NetworkPlan {
        var plan = NetworkPlan(inputShape: inputShape)
        switch architecture {
        case .resNet(let r): r.plan(&plan, inChannels: inputShape[1], classes: classes)
        case .denseNet(let d): d.plan(&plan, inChannels: inputShape[1], classes: classes)
        }
        return plan
    }

    /// The arenas for a plan. Activations of an inference-only model share memory wherever
    /// their lifetimes in the forward pass do not overlap; a trainable model keeps every
    /// activation (the backward pass reads them) and packs the activation gradients by their
    /// lifetimes in the backward pass instead. Keys read after a pass (logits, Grad-CAM's
    /// target and head inputs, the input gradient) are kept to the end.
    private static func allocate(_ plan: NetworkPlan, _ architecture: Architecture, trainable: Bool)
        -> (Arena, Arena?, Arena, Arena, Arena?, [[String]])
    {
        let buffers = Arena(plan.buffers)
        for entry in plan.buffers.entries where entry.name.hasSuffix(".running_var") { buffers[entry.name].fill(1) }
        let logits = headName(architecture) + ".out"
        let readAfter = Set([logits] + gradCAMKeys(architecture))
        let parameterGradients = trainable ? Arena(plan.parameters) : nil
        guard trainable else {
            let activations = Arena(.packed(plan.forwardLifetimes(pinned: readAfter)))
            return (Arena(plan.parameters), nil, buffers, activations, nil, [])
        }
        let (lifetimes, zeroing) = plan.backwardLifetimes(
            output: logits, pinned: ["input", gradCAMKeys(architecture)[0]])
        return (
            Arena(plan.parameters), parameterGradients, buffers, Arena(plan.activations),
            Arena(.packed(lifetimes)), zeroing
        )
    }

    /// The convolutions' scratch space for `threads` threads (the largest any layer needs).
    private static func workspace(_ ops: [NetworkOp], _ activations: Arena, threads: Int, backward: Bool) -> Tensor {
        var count = 1
        for case .conv(_, let conv, let x, _) in ops {
            count = max(count, conv.workspaceCount(for: activations[x].shape, threads: threads, backward: backward))
        }
        return Tensor(Shape(count))
    }

    private func initialise(names: [String]) {
        for name in names { initRules[name]!.fill(parameters[name], &generator) }
    }

    private static func headName(_ a: Architecture) -> String {
        switch a {
        case .resNet: "fc";
        case .denseNet: "classifier"
        }
    }

    /// "fc" (ResNet) or "classifier" (DenseNet).
    public var headName: String { Self.headName(architecture) }
    /// "conv1" (ResNet) or "features.conv0" (DenseNet).
    public var firstConvName: String {
        switch architecture {
        case .resNet: "conv1";
        case .denseNet: "features.conv0"
        }
    }

    /// Parameter names in torchvision's registration order (its `named_parameters()`).
    public var parameterNames: [String] { parameters.layout.entries.map(\.name) }
    /// Buffer names (BatchNorm running_mean / running_var; num_batches_tracked is not kept).
    public var bufferNames: [String] { buffers.layout.entries.map(\.name) }

    /// The logits [N, classes] of the last `forward`.
    public var output: Tensor { activations[logitsKey] }
    /// Where the loss writes d(loss)/d(logits) before `backward`; zeroed by `zeroGradients`.
    public var outputGradient: Tensor { activationGradients[logitsKey] }
    /// d(loss)/d(input) after `backward` (when `computesInputGradient`).
    public var inputGradient: Tensor { activationGradients["input"] }

    // MARK: forward / backward

    /// Zeroes parameter and activation gradients (torch's `zero_grad`).
    public func zeroGradients() {
        precondition(trainable, Self.inferenceOnly("gradients to zero"))
        gradients.zero()
        activationGradients.zero()
    }

    /// images [inputShape] -> logits [N, classes].
    @discardableResult
    public func forward(_ images: Tensor) -> Tensor {
        precondition(images.shape == inputShape, "model expects input \(inputShape), got \(images.shape)")
        activations["input"].copy(from: images)
        workers.pass {
            var i = 0
            while i < ops.count {
                if let residual = residualBatchNorm(i) {
                    // BatchNorm, residual addition and ReLU in one pass.
                    forward(ops[i], relu: true, residual: residual)
                    i += 3
                } else if reluFollows(i) {
                    forward(ops[i], relu: true)
                    i += 2
                } else if case .addInPlace(let target, let b) = ops[i], residualReLUFollows(i) {
                    let t = activations[target].data, s = activations[b].data
                    workers.ranges(activations[target].count) { r in for j in r { t[j] = Swift.max(t[j] + s[j], 0) } }
                    i += 2
                } else {
                    forward(ops[i])
                    i += 1
                }
            }
        }
        return output
    }

    /// Backpropagates `outputGradient`, ADDING parameter gradients into `gradients` (frozen
    /// ones end at zero) and leaving d(loss)/d(input) in `inputGradient`. Call after `forward`
    /// in the same mode.
    public func backward() {
        precondition(trainable, Self.inferenceOnly("backward"))
        var stop = 0
        if !computesInputGradient {
            stop = ops.firstIndex { op in keys(op).map { !frozen.contains($0.weight) } ?? false } ?? ops.count
        }
        workers.pass {
            var i = ops.count - 1
            while i >= stop {
                for key in backwardZeroing[i] { activationGradients[key].zero() }
                // An in-place ReLU after a train-mode BatchNorm: its gradient mask is applied
                // inside the BatchNorm's backward pass (same values, one pass fewer).
                if training && i - 2 >= stop && residualBatchNorm(i - 2) != nil, case .addInPlace(let target, let b) = ops[i - 1] {
                    // BatchNorm, residual addition, ReLU: the identity branch receives the
                    // masked gradient and the BatchNorm applies the mask itself (dy is never
                    // masked in memory).
                    for j in [i, i - 1, i - 2] { for key in backwardZeroing[j] { activationGradients[key].zero() } }
                    let y = activations[target].data, dOut = activationGradients[target].data, dB = activationGradients[b].data
                    workers.ranges(activations[target].count) { r in
                        PlaneKernel.addWherePositive(y + r.lowerBound, dOut + r.lowerBound, dB + r.lowerBound, r.count)
                    }
                    backward(ops[i - 2], reluOutput: true)
                    i -= 3
                } else if training && i - 1 >= stop && residualReLUFollows(i - 1), case .addInPlace(let target, let b) = ops[i - 1] {
                    // Residual addition and ReLU: the mask and the identity branch's copy in one pass.
                    for j in [i, i - 1] { for key in backwardZeroing[j] { activationGradients[key].zero() } }
                    let y = activations[target].data, dOut = activationGradients[target].data, dB = activationGradients[b].data
                    workers.ranges(activations[target].count) { r in
                        PlaneKernel.keepWherePositive(y + r.lowerBound, dOut + r.lowerBound, r.count)
                        for j in r { dB[j] += dOut[j] }
                    }
                    i -= 2
                } else if training && i - 1 >= stop && reluFollows(i - 1) {
                    for key in backwardZeroing[i - 1] { activationGradients[key].zero() }
                    backward(ops[i - 1], reluOutput: true)
                    i -= 2
                } else {
                    backward(ops[i])
                    i -= 1
                }
            }
        }
        // Skipped ops leave the input gradient uncomputed; its memory may hold other
        // gradients of this pass, so it is set to zero rather than left stale.
        if stop > 0 { inputGradient.zero() }
        for name in frozen { gradients[name].zero() }
    }

    /// d(sum over images n of y_{n, c_n}) / dA for the activation A at `key` (the output of a
    /// layer that other layers read), after `forward`: the backward pass from a one-hot logit
    /// gradient through every op after the last one that writes `key`, stopped there, so the
    /// gradient is the one flowing into A from its readers (as a tensor hook on that layer's
    /// output sees it). Parameter and activation gradients are left at zero.
    func logitGradient(classes targets: [Int], at key: String) -> Tensor {
        precondition(trainable, Self.inferenceOnly("a backward pass to an inner layer"))
        let producer = producerIndex(of: key)
        zeroGradients()
        let k = classes
        for (i, c) in targets.enumerated() {
            precondition((0..<k).contains(c), "class \(c) outside 0..<\(k)")
            outputGradient[i * k + c] = 1
        }
        workers.pass {
            for i in stride(from: ops.count - 1, to: producer, by: -1) {
                for zeroed in backwardZeroing[i] { activationGradients[zeroed].zero() }
                backward(ops[i])
            }
        }
        let gradient = Tensor(activations[key].shape)
        gradient.copy(from: activationGradients[key])
        zeroGradients()
        return gradient
    }

    /// Runs the forward pass again from the op after the last one that writes `key`, so the
    /// logits follow a changed value of that activation (checks of `logitGradient`).
    @discardableResult
    func forwardAfter(_ key: String) -> Tensor {
        workers.pass { for op in ops[(producerIndex(of: key) + 1)...] { forward(op) } }
        return output
    }

    /// The index of the last op that writes the activation `key`.
    private func producerIndex(of key: String) -> Int {
        guard let index = ops.lastIndex(where: { Self.writes($0, key) }) else {
            preconditionFailure("no layer of the network writes '\(key)'")
        }
        return index
    }

    /// Whether `op` writes the activation `key` (its output, an in-place target, or the
    /// concatenation buffer it fills).
    static func writes(_ op: NetworkOp, _ key: String) -> Bool {
        switch op {
        case .conv(_, _, _, let y), .batchNorm(_, _, _, let y), .relu(_, let y), .maxPool(_, _, let y),
            .avgPool(_, _, let y), .globalAvgPool(_, let y), .linear(_, _, _, let y):
            y == key
        case .addInPlace(let a, _): a == key
        case .concat(_, let buffer, _): buffer == key
        }
    }

    private func keys(_ op: NetworkOp) -> LayerKeys? {
        switch op {
        case .conv(let n, _, _, _), .batchNorm(let n, _, _, _), .linear(let n, _, _, _): n
        default: nil
        }
    }

    /// Whether op i is a BatchNorm whose output the next op rectifies in place: the forward pass
    /// then applies that ReLU in the BatchNorm's own pass and skips the ReLU op (one pass over
    /// the activation instead of two, the same values).
    private func reluFollows(_ i: Int) -> Bool {
        guard fusesBatchNormReLU, i + 1 < ops.count, case .batchNorm(_, _, _, let y) = ops[i], case .relu(let x, let out) = ops[i + 1] else { return false }
        return x == y && out == y
    }

    /// Whether op i is `target += b` followed by an in-place ReLU of `target`: the forward pass
    /// runs both in one pass, and a training backward pass their gradients.
    private func residualReLUFollows(_ i: Int) -> Bool {
        guard fusesBatchNormReLU, i + 1 < ops.count, case .addInPlace(let target, let b) = ops[i], case .relu(let x, let y) = ops[i + 1] else {
            return false
        }
        return x == target && y == target && b != target
    }

    /// The residual's key when op i is a BatchNorm whose output the next two ops add the
    /// residual to and rectify in place (ResNet's blocks without a downsampling branch): the
    /// three run as one pass (the values of the three passes).
    private func residualBatchNorm(_ i: Int) -> String? {
        guard i + 2 < ops.count, case .batchNorm(_, _, let x, let y) = ops[i], case .addInPlace(let target, let b) = ops[i + 1],
            target == y, x != y, residualReLUFollows(i + 1)
        else { return nil }
        return b
    }

    private func forward(_ op: NetworkOp, relu: Bool = false, residual: String? = nil) {
        let a = activations, p = parameters
        switch op {
        case .conv(let name, let conv, let x, let y):
            conv.forward(
                input: a[x], weight: p[name.weight], bias: conv.hasBias ? p[name.bias] : nil,
                output: a[y], workspace: workspace, allowPointwise: true, algorithm: convolutions, inference: !training,
                winogradFilters: training ? nil : keptWinogradFilters(name, conv, input: a[x].shape), workers: workers)
        case .batchNorm(let name, let bn, let x, let y):
            if training {
                bn.forwardTraining(
                    input: a[x], weight: p[name.weight], bias: p[name.bias],
                    runningMean: buffers[name.runningMean], runningVar: buffers[name.runningVar],
                    output: a[y], savedMean: a[name.savedMean], savedInvStd: a[name.savedInvStd], relu: relu,
                    residual: residual.map { a[$0] }, workers: workers)
            } else {
                bn.forwardInference(
                    input: a[x], weight: p[name.weight], bias: p[name.bias],
                    runningMean: buffers[name.runningMean], runningVar: buffers[name.runningVar],
                    output: a[y], relu: relu, residual: residual.map { a[$0] }, workers: workers)
            }
        case .relu(let x, let y):
            ReLU.forward(input: a[x], output: a[y], workers: workers)
        case .maxPool(let pool, let x, let y):
            pool.forward(input: a[x], output: a[y], workers: workers)
        case .avgPool(let pool, let x, let y):
            pool.forward(input: a[x], output: a[y], workers: workers)
        case .globalAvgPool(let x, let y):
            AdaptiveAvgPool2d.forward(input: a[x], output: a[y])
        case .linear(let name, let fc, let x, let y):
            fc.forward(input: a[x], weight: p[name.weight], bias: fc.hasBias ? p[name.bias] : nil, output: a[y])
        case .addInPlace(let target, let b):
            let t = a[target].data, s = a[b].data
            workers.ranges(a[target].count) { r in for i in r { t[i] += s[i] } }
        case .concat(let x, let buffer, let offset):
            ChannelConcat.forward(input: a[x], into: a[buffer], channelOffset: offset)
        }
    }

    /// `reluOutput`: op is a BatchNorm whose output an in-place ReLU rectified (the ReLU's
    /// backward is folded into this one).
    private func backward(_ op: NetworkOp, reluOutput: Bool = false) {
        let a = activations, g = activationGradients, p = parameters
        switch op {
        case .conv(let name, let conv, let x, let y):
            let dx: Tensor? = (x == "input" && !computesInputGradient) ? nil : g[x]
            conv.backward(
                input: a[x], weight: p[name.weight], outputGradient: g[y], inputGradient: dx,
                weightGradient: gradients[name.weight],
                biasGradient: conv.hasBias ? gradients[name.bias] : nil, workspace: workspace, allowPointwise: true,
                algorithm: convolutions, workers: workers)
        case .batchNorm(let name, let bn, let x, let y):
            if training {
                bn.backwardTraining(
                    input: a[x], weight: p[name.weight], savedMean: a[name.savedMean],
                    savedInvStd: a[name.savedInvStd], outputGradient: g[y], inputGradient: g[x],
                    weightGradient: gradients[name.weight], biasGradient: gradients[name.bias], reluOutput: reluOutput ? a[y] : nil,
                    workers: workers)
            } else {
                bn.backwardInference(
                    input: a[x], weight: p[name.weight],
                    runningMean: buffers[name.runningMean], runningVar: buffers[name.runningVar],
                    outputGradient: g[y], inputGradient: g[x],
                    weightGradient: gradients[name.weight], biasGradient: gradients[name.bias], workers: workers)
            }
        case .relu(let x, let y):
            if x == y {
                ReLU.backwardInPlace(output: a[y], gradient: g[y], workers: workers)
            } else {
                ReLU.backward(output: a[y], outputGradient: g[y], inputGradient: g[x], workers: workers)
            }
        case .maxPool(let pool, let x, let y):
            pool.backward(input: a[x], outputGradient: g[y], inputGradient: g[x], workers: workers)
        case .avgPool(let pool, let x, let y):
            pool.backward(input: a[x], outputGradient: g[y], inputGradient: g[x], workers: workers)
        case .globalAvgPool(let x, let y):
            AdaptiveAvgPool2d.backward(input: a[x], outputGradient: g[y], inputGradient: g[x])
        case .linear(let name, let fc, let x, let y):
            fc.backward(
                input: a[x], weight: p[name.weight], outputGradient: g[y], inputGradient: g[x],
                weightGradient: gradients[name.weight],
                biasGradient: fc.hasBias ? gradients[name.bias] : nil)
        case .addInPlace(let target, let b):
            // d(target) is d(out) itself (same memory); the identity branch receives a copy.
            let dOut = g[target].data, dB = g[b].data
            workers.ranges(g[target].count) { r in for i in r { dB[i] += dOut[i] } }
        case .concat(let x, let buffer, let offset):
            ChannelConcat.backward(outputGradient: g[buffer], channelOffset: offset, inputGradient: g[x])
        }
    }

    // MARK: weights

    /// Copies a torchvision state_dict (parameters and running statistics) into the model.
    /// Every model key must be present as F32 with the model's shape, and every file key must
    /// be a model key or a BatchNorm `num_batches_tracked` (accepted and ignored); otherwise
    /// nothing is loaded and the error names each offending key.
    public func loadStateDict(_ file: SafeTensors) throws {
        let targets = parameters.views + buffers.views
        var missing: [String] = [], wrongShape: [StateDictError.Mismatch] = [], wrongDType: [String] = []
        for (name, tensor) in targets {
            guard let entry = file.entry(name) else { missing.append(name); continue }
            if entry.dtype != .f32 { wrongDType.append(name) }
            if Shape(entry.shape) != tensor.shape {
                wrongShape.append(.init(name: name, expected: tensor.shape, found: entry.shape))
            }
        }
        let known = Set(targets.map(\.name))
        let unexpected = file.names.filter { name in
            if known.contains(name) { return false }
            if name.hasSuffix(".num_batches_tracked") {
                let prefix = String(name.dropLast(".num_batches_tracked".count))
                return !buffers.layout.contains(prefix + ".running_mean")
            }
            return true
        }
        guard missing.isEmpty, unexpected.isEmpty, wrongShape.isEmpty, wrongDType.isEmpty else {
            throw StateDictError(
                source: file.source, missing: missing, unexpected: unexpected,
                wrongShape: wrongShape, wrongDType: wrongDType)
        }
        for (name, tensor) in targets { tensor.copy(from: try file.floatTensor(name)) }
        parametersChanged()
    }

    /// The state_dict as torchvision saves it: parameters, running statistics and an I64
    /// `num_batches_tracked` (0) per BatchNorm, so `load_state_dict` in torch accepts it.
    public func stateDict() -> SafeTensors.Writer {
        var writer = SafeTensors.Writer()
        for (name, tensor) in parameters.views { writer.add(name, tensor) }
        for (name, tensor) in buffers.views {
            writer.add(name, tensor)
            if name.hasSuffix(".running_var") {
                writer.addInt64(String(name.dropLast(".running_var".count)) + ".num_batches_tracked", [0], shape: [])
            }
        }
        return writer
    }

    // MARK: transfer learning

    /// Replaces the classification head (`fc` / `classifier`) by a freshly initialised one
    /// with `classes` outputs (torchvision's init, drawn from the model's generator); every
    /// other parameter and buffer is kept. Gradients and activations are re-planned.
    public func replaceHead(classes newClasses: Int) {
        precondition(newClasses >= 1, "a classifier needs at least one class")
        rebuild(inputShape: inputShape, classes: newClasses) { name, _, _ in !name.hasPrefix(headName + ".") }
    }

    /// Adapts the first convolution to `inChannels` input channels. Rule: every new input
    /// channel gets the pretrained kernel summed over the old channels and divided by the new
    /// channel count, W'[o, c] = (sum_k W[o, k]) / inChannels. Then an image whose channels
    /// all equal a grey image g gives exactly the pretrained output for the RGB image (g, g, g)
    /// (for one channel this is timm's rule: the sum of the RGB kernels). The same channel
    /// count is a no-op.
    public func adaptFirstConv(inChannels: Int) {
        precondition(inChannels >= 1, "inChannels must be positive")
        guard inChannels != inputShape[1] else { return }
        let name = firstConvName + ".weight"
        let old = Tensor(parameters[name].shape)
        old.copy(from: parameters[name])
        var shape = inputShape.dimensions
        shape[1] = inChannels
        rebuild(inputShape: Shape(shape), classes: classes) { n, _, _ in n != name }
        let new = parameters[name], (cout, cinOld) = (old.shape[0], old.shape[1])
        let k2 = old.shape[2] * old.shape[3]
        for o in 0..<cout {
            for j in 0..<k2 {
                var sum: Float = 0
                for c in 0..<cinOld { sum += old[(o * cinOld + c) * k2 + j] }
                for c in 0..<inChannels { new[(o * inChannels + c) * k2 + j] = sum / Float(inChannels) }
            }
        }
        parametersChanged()
    }

    /// Freezes every parameter outside the head: their gradients stay zero, and with
    /// `computesInputGradient = false` the backbone's backward is skipped entirely.
    /// BatchNorm running statistics still update in training mode (as in torch).
    public func freezeBackbone() {
        precondition(trainable, Self.inferenceOnly("gradients to freeze"))
        frozen = Set(parameterNames.filter { !$0.hasPrefix(headName + ".") })
    }

    /// Makes every parameter trainable again.
    public func unfreeze() { frozen = [] }

    /// Re-plans for a new input shape or class count; parameters and buffers for which
    /// `keep(name, oldShape, newShape)` holds and whose shapes agree are copied over, the
    /// other parameters are initialised afresh.
    private func rebuild(inputShape newShape: Shape, classes newClasses: Int, keep: (String, Shape, Shape) -> Bool) {
        let plan = Self.plan(architecture, newShape, newClasses)
        let (params, grads, bufs, acts, actGrads, zeroing) = Self.allocate(plan, architecture, trainable: trainable)
        initRules = plan.inits
        for (name, tensor) in params.views {
            if parameters.layout.contains(name), parameters[name].shape == tensor.shape, keep(name, parameters[name].shape, tensor.shape) {
                tensor.copy(from: parameters[name])
            } else {
                initRules[name]!.fill(tensor, &generator)
            }
        }
        for (name, tensor) in bufs.views where buffers.layout.contains(name) && buffers[name].shape == tensor.shape {
            tensor.copy(from: buffers[name])
        }
        (parameters, gradientArena, buffers, activations, activationGradientArena, backwardZeroing) =
            (params, grads, bufs, acts, actGrads, zeroing)
        ops = plan.ops
        workspace = Self.workspace(ops, activations, threads: threads, backward: trainable)
        inputShape = newShape
        classes = newClasses
        frozen = frozen.filter { params.layout.contains($0) }
        parametersChanged()
    }
}

extension ImageClassifier {
    /// torchvision's names of the preset architectures.
    public static let architectureNames = ["resnet18", "resnet34", "resnet50", "resnet101", "resnet152", "densenet121", "densenet169"]

    /// The preset architecture named as torchvision names it (case-insensitive), or nil.
    public static func named(
        _ arch: String, inputShape: Shape, classes: Int, seed: UInt64 = 0,
        trainable: Bool = true
    ) -> ImageClassifier? {
        let resNets = [
            "resnet18": ResNet.resnet18, "resnet34": ResNet.resnet34, "resnet50": ResNet.resnet50,
            "resnet101": ResNet.resnet101, "resnet152": ResNet.resnet152
        ]
        let denseNets = ["densenet121": DenseNet.densenet121, "densenet169": DenseNet.densenet169]
        if let r = resNets[arch.lowercased()] {
            return ImageClassifier(r, inputShape: inputShape, classes: classes, seed: seed, trainable: trainable)
        }
        if let d = denseNets[arch.lowercased()] {
            return ImageClassifier(d, inputShape: inputShape, classes: classes, seed: seed, trainable: trainable)
        }
        return nil
    }
}

extension ImageClassifier {
    /// softmax(z) computed in Double (max subtracted first).
    public static func softmax<C: Collection>(_ logits: C) -> [Double] where C.Element == Float {
        let z = logits.map(Double.init)
        guard let top = z.max() else { return [] }
        let e = z.map { Foundation.exp($0 - top) }
        let sum = e.reduce(0, +)
        return e.map { $0 / sum }
    }

    /// Eval-mode softmax probabilities of `count` images [C, H, W] (as the model's input)
    /// stored one after another at `images`, in batches of the model's batch size (the last
    /// one zero-padded; eval mode treats images independently). The training flag is restored.
    public func probabilities(_ images: UnsafePointer<Float>, count: Int) -> [[Double]] {
        let n = inputShape[0], perImage = inputShape.count / n, k = classes
        let batch = Tensor(inputShape)
        let wasTraining = training
        training = false
        defer { training = wasTraining }
        var out: [[Double]] = []
        out.reserveCapacity(count)
        var start = 0
        while start < count {
            let m = Swift.min(n, count - start)
            batch.zero()
            batch.data.update(from: images + start * perImage, count: m * perImage)
            let logits = forward(batch)
            for i in 0..<m { out.append(Self.softmax(UnsafeBufferPointer(start: logits.data + i * k, count: k))) }
            start += m
        }
        return out
    }
}
