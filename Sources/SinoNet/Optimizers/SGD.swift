import CSinoKernels

/// torch.optim.SGD on a parameter arena: weight decay added to the gradient, momentum with
/// dampening (the buffer is the gradient itself on a parameter's first step), Nesterov.
///
///     let sgd = SGD(parameters: net.parameters.layout, learningRate: 0.1, momentum: 0.9,
///                   weightDecay: 1e-4, nesterov: true)
///     sgd.step(parameters: net.parameters, gradients: net.gradients)
///
/// Per element, in ATen's order (`fma(a, b, c)` = c + a*b rounded once, as ATen's vectorised
/// `add(self, other, alpha)`):
///
///     d = wd != 0 ? fma(p, wd, g) : g
///     b = first step ? d : fma(d, 1 - dampening, b * momentum)     (momentum != 0)
///     d = nesterov ? fma(b, momentum, d) : b                      (momentum != 0)
///     p = fma(d, -lr, p)
public final class SGD: Optimizer {
    public var learningRate: Double
    public let momentum: Double
    public let dampening: Double
    public let weightDecay: Double
    public let nesterov: Bool

    let plan: OptimizerPlan
    /// Momentum buffers (torch's `momentum_buffer`), laid out like the trainable parameters;
    /// empty when momentum is 0.
    public let momentumBuffers: Arena
    /// Steps taken per trainable parameter (0: no momentum buffer yet).
    public private(set) var steps: [Int]
    /// The update's kernels: `sino_optim_vector_level()` (every level gives the same bits; tests
    /// run the lower ones).
    var vectorLevel = sino_optim_vector_level()

    /// - Parameters:
    ///   - parameters: the layout of the parameter (and gradient) arenas this optimiser steps.
    ///   - trainable: the names to update (nil: every parameter); the others are frozen.
    public init(
        parameters: ArenaLayout, learningRate: Double, momentum: Double = 0,
        dampening: Double = 0, weightDecay: Double = 0, nesterov: Bool = false,
        trainable: [String]? = nil
    ) {
        precondition(learningRate >= 0, "SGD: invalid learning rate \(learningRate)")
        precondition(momentum >= 0, "SGD: invalid momentum \(momentum)")
        precondition(weightDecay >= 0, "SGD: invalid weight decay \(weightDecay)")
        precondition(
            !nesterov || (momentum > 0 && dampening == 0),
            "SGD: Nesterov momentum requires a momentum and zero dampening")
        self.learningRate = learningRate
        self.momentum = momentum
        self.dampening = dampening
        self.weightDecay = weightDecay
        self.nesterov = nesterov
        plan = OptimizerPlan(layout: parameters, trainable: trainable)
        momentumBuffers = Arena(momentum != 0 ? plan.stateLayout : ArenaLayout())
        steps = Array(repeating: 0, count: plan.parameterCount)
    }

    public var trainableNames: [String] { plan.names }

    /// The layout of `momentumBuffers` when momentum is used: the trainable names and shapes.
    public var stateLayout: ArenaLayout { plan.stateLayout }

    public func step(parameters: Arena, gradients: Arena) {
        plan.check(parameters, gradients)
        var settings = sino_sgd_settings(
            decay: Float(weightDecay), momentum: Float(momentum), keep: Float(1 - dampening), negative_rate: Float(-learningRate),
            use_decay: weightDecay != 0, nesterov: nesterov, momentum_mode: 0)
        for j in 0..<plan.parameterCount {
            let p = parameters.storage.base + plan.parameterOffsets[j]
            let g = gradients.storage.base + plan.parameterOffsets[j]
            let b = momentum != 0 ? momentumBuffers.storage.base + plan.stateOffsets[j] : nil
            settings.momentum_mode = momentum == 0 ? 0 : steps[j] == 0 ? 1 : 2
            sino_sgd_update_at(vectorLevel, p, g, b, plan.counts[j], &settings)
            steps[j] += 1
        }
    }

    public static let stateName = "SGD"

    private var slots: [(name: String, arena: Arena)] {
        momentum != 0 ? [("momentum_buffer", momentumBuffers)] : []
    }

    public func state() -> OptimizerState {
        plan.saved(
            optimizer: Self.stateName, learningRate: learningRate, steps: steps, slots: slots,
            present: { $0 > 0 })
    }

    public func restore(_ state: OptimizerState) throws {
        steps = try plan.restore(state, optimizer: Self.stateName, slots: slots, present: { $0 > 0 })
        learningRate = state.learningRate
    }
}
