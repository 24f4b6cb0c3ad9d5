/// # Optimisers, gradient clipping and learning-rate schedules
///
/// `torch.optim` semantics on SinoNet's arenas. An optimiser is built once for a parameter
/// layout (`ImageClassifier.parameters.layout`) and then updates the parameter arena in place from
/// the gradient arena, whose layout is the same. Its per-parameter state (momentum buffers,
/// Adam moments) lives in arenas laid out like the parameters, allocated at construction:
/// `step` allocates nothing.
///
///     let names = net.parameters.layout.entries.map(\.name)
///     let optimizer = AdamW(parameters: net.parameters.layout, learningRate: 1e-3,
///                           weightDecay: 1e-2, trainable: names.filter { $0.hasPrefix("fc.") })
///     let schedule = LearningRateSchedule.cosine(base: 1e-3, period: 1000, minimum: 1e-5,
///                                                warmup: .init(steps: 50, startFactor: 0.1))
///     for index in 0..<1050 {
///         optimizer.learningRate = schedule.learningRate(at: index)
///         net.zeroGradients(); ...forward, loss, backward...
///         GradientClipping.clipGlobalNorm(net.gradients, maxNorm: 1, only: optimizer.trainableNames)
///         optimizer.step(parameters: net.parameters, gradients: net.gradients)
///     }
///
/// ## Update rules (element-wise, Float32, in the order ATen evaluates them)
///
/// Hyper-parameters are `Double` like Python floats; they enter the Float32 arithmetic as
/// torch's scalar arguments do (rounded to Float after the Python-side arithmetic, e.g.
/// `Float(1 - dampening)`, `Float(-lr)`). Where ATen's vectorised CPU kernel uses a fused
/// multiply-add (`add` with alpha, `lerp`), so does SinoNet (`addingProduct`).
///
/// - `SGD(parameters:learningRate:momentum:dampening:weightDecay:nesterov:trainable:)`,
///   torch.optim.SGD: `d = g + wd*p` (if wd != 0); with momentum, `b = d` on a parameter's
///   FIRST step (no dampening), afterwards `b = momentum*b + (1 - dampening)*d`; then
///   `d = d + momentum*b` (Nesterov) or `d = b`; finally `p = p - lr*d`. Slot: `momentum_buffer`.
/// - `AdamW(parameters:learningRate:betas:eps:weightDecay:amsgrad:trainable:)`,
///   torch.optim.AdamW (defaults lr 1e-3, betas (0.9, 0.999), eps 1e-8, wd 1e-2): with t the
///   parameter's step count after incrementing, `p = p * (1 - lr*wd)` first (decoupled),
///   `m = lerp(m, g, 1 - beta1)`, `v = beta2*v + (1 - beta2)*g*g`, (AMSGrad: `vmax = max(vmax, v)`
///   and vmax replaces v below), `denom = sqrt(v) / sqrt(1 - beta2^t) + eps` (eps after the
///   bias-corrected square root), `p = p + (-lr/(1 - beta1^t)) * m / denom`. Bias corrections in
///   Double. Slots: `exp_avg`, `exp_avg_sq`, `max_exp_avg_sq`.
/// - `learningRate` is a `var`: set it from a schedule before each step (torch: the scheduler
///   writes `param_groups[0]["lr"]`). AdamW's decoupled decay uses the current rate, as torch.
///
/// ## Freezing
///
/// `trainable:` restricts an optimiser to a subset of the layout's names (nil: all), e.g. a
/// fine-tuned head on a frozen backbone. Only those parameters are read or written and only
/// they have state; the state arenas are laid out with exactly those names and shapes
/// (`stateLayout`, the full layout when nothing is frozen), so a frozen backbone costs no
/// optimiser memory. Frozen parameters stay bit-for-bit unchanged (weight decay included) —
/// torch's equivalent is an optimiser built over the trainable tensors only.
///
/// ## Gradient clipping
///
/// `GradientClipping.clipGlobalNorm(_:maxNorm:only:)` is torch.nn.utils.clip_grad_norm_ with
/// norm_type 2: total = sqrt(sum over all listed gradients of g^2) (accumulated in Double,
/// rounded to Float; torch accumulates per tensor in Float32, so totals agree to ~1e-7
/// relative), coef = Float(maxNorm) * (1 / (total + 1e-6)) (torch's reciprocal-then-multiply of
/// `max_norm / tensor`), and every gradient is multiplied by min(coef, 1). Note this is torch's
/// rule, not "scale when total > maxNorm": within 1e-6 below maxNorm coef is slightly below 1
/// and gradients shrink by that factor. A NaN or infinite total propagates into the gradients
/// as in torch (error_if_nonfinite false). Returns the total norm (Float, like torch's tensor).
/// `clipValue(_:maxValue:only:)` is clip_grad_value_: clamp to [-c, c], NaN kept. `only:` lists
/// the gradients to use (pass the optimiser's `trainableNames` with a frozen backbone: torch's
/// clip sees only parameters that have gradients).
///
/// ## Learning-rate schedules
///
/// `LearningRateSchedule(base:decay:warmup:)`, `learningRate(at: index)` -> the rate for step
/// (or epoch) `index` counted from 0; the caller decides which. With a warm-up of W steps and
/// start factor s, and t = index - W:
///
/// - index < W: `base * (s + (1 - s) * index / W)` — torch LinearLR(start_factor: s,
///   end_factor: 1, total_iters: W);
/// - otherwise the decay at t: `.cosine(period: T, minimum: m)` ->
///   `m + (base - m) * (1 + cos(pi * t / T)) / 2` (CosineAnnealingLR(T_max: T, eta_min: m),
///   periodic past T as torch's); `.step(size: k, gamma: g)` -> `base * g^floor(t / k)`
///   (StepLR); `.constant` -> `base` (LinearLR alone).
///
/// This is what `SequentialLR([LinearLR, main], milestones: [W])` produces: the main scheduler
/// restarts at its epoch 0 at the milestone. torch evaluates the same rates recursively (each
/// from the previous one); the closed forms agree to ~1e-16 relative.
///
/// ## State for checkpoints
///
/// `state()` returns an `OptimizerState` (Codable, Sendable): the optimiser's name, the current
/// learning rate and for each trainable parameter its name, its step count and its slots as
/// plain arrays with shapes (torch's `state_dict()["state"]` with names instead of indices).
/// `restore(_:)` validates everything first — optimiser kind, exactly the trainable names, the
/// slots the configuration needs for that step count, every shape and value count — and
/// throws `OptimizerStateError` without writing anything on a mismatch; then it copies the
/// slots, step counts and learning rate. Hyper-parameters other than the learning rate are
/// configuration and are not part of the state.
///
/// ## Parity with PyTorch
///
/// `scripts/peers/sinonet_optim.py` (torch 2.13.0+cpu) writes `Tests/Fixtures/sinonet_optim.json`:
/// four parameters (108, 16, 80 and 5 floats), ten random gradient steps (step 3 is a 50x
/// spike), and twelve torch.optim runs: SGD plain, momentum+dampening+weight decay, Nesterov
/// with weight decay, momentum on a frozen backbone, momentum with clip_grad_norm_(1.0),
/// clip_grad_value_(0.15); AdamW default, without weight decay (betas 0.8/0.99, eps 1e-6),
/// AMSGrad, beta1 0.3 (lerp's other branch), frozen backbone, and clip_grad_norm_(2.0) with
/// a per-step warm-up+cosine learning rate. It records the parameters after every step,
/// clip_grad_norm_'s totals and the final optimiser state; plus six schedules of 30 steps
/// (cosine; cosine past its period with eta_min; cosine after warm-up; step; step after
/// warm-up; warm-up alone). `Tests/SinoNetTests/OptimParityTests.swift` replays the gradients
/// and requires max |ours - torch| <= 1e-6 x max |torch| per tensor and step (learning rates:
/// 1e-12 relative; frozen parameters: exactly equal to their initial values). Observed: every
/// SGD run without norm clipping is bit-for-bit torch's (parameters and momentum buffers);
/// with clip_grad_norm_ the total norm differs by at most 1 ulp (<= 9e-8 relative: Double
/// versus Float32 accumulation) and parameters and state by <= 7e-8. AdamW's moments are
/// bit-for-bit torch's without clipping (<= 1e-7 with it) and its parameters within 7e-8
/// relative: torch's Float32 `sqrt` on the AVX-512
/// machine that made the fixture is not correctly rounded (about 18% of results 1 ulp off),
/// SinoNet's is. Schedules: <= 5e-16 relative (torch's recursive form versus closed form).
///
///     .venv-peers/bin/python scripts/peers/sinonet_optim.py   # regenerate the fixture
///     swift build --build-tests && swift test --skip-build --filter Optim
public protocol Optimizer: AnyObject {
    /// The rate used by the next `step` (torch's `param_groups[0]["lr"]`).
    var learningRate: Double { get set }
    /// The parameters this optimiser updates, in layout order.
    var trainableNames: [String] { get }
    /// One update of the trainable parameters from their gradients (arenas of the layout the
    /// optimiser was built for). Allocates nothing.
    func step(parameters: Arena, gradients: Arena)
    /// The per-parameter state as plain arrays.
    func state() -> OptimizerState
    /// Replaces the state with a saved one; throws, changing nothing, if it does not fit.
    func restore(_ state: OptimizerState) throws
}

/// An optimiser's state as plain arrays: what torch keeps in `optimizer.state_dict()["state"]`,
/// keyed by parameter name.
public struct OptimizerState: Sendable, Equatable, Codable {
    /// One state tensor of a parameter (`momentum_buffer`, `exp_avg`, ...), C order.
    public struct Slot: Sendable, Equatable, Codable {
        public var name: String
        public var shape: [Int]
        public var values: [Float]

        public init(name: String, shape: [Int], values: [Float]) {
            self.name = name
            self.shape = shape
            self.values = values
        }
    }

    public struct Parameter: Sendable, Equatable, Codable {
        public var name: String
        /// Steps this parameter has taken (torch's `state["step"]`; SGD keeps it too, to know
        /// whether its momentum buffer exists).
        public var step: Int
        public var slots: [Slot]

        public init(name: String, step: Int, slots: [Slot]) {
            self.name = name
            self.step = step
            self.slots = slots
        }
    }

    /// "SGD" or "AdamW".
    public var optimizer: String
    public var learningRate: Double
    public var parameters: [Parameter]

    public init(optimizer: String, learningRate: Double, parameters: [Parameter]) {
        self.optimizer = optimizer
        self.learningRate = learningRate
        self.parameters = parameters
    }
}

/// Why a saved optimiser state does not fit an optimiser.
public enum OptimizerStateError: Error, Equatable, CustomStringConvertible {
    case wrongOptimizer(expected: String, found: String)
    case missingParameter(String)
    case unexpectedParameter(String)
    case duplicateParameter(String)
    case negativeStep(parameter: String, step: Int)
    case wrongSlots(parameter: String, expected: [String], found: [String])
    case shapeMismatch(parameter: String, slot: String, expected: [Int], found: [Int])
    case valueCount(parameter: String, slot: String, expected: Int, found: Int)

    public var description: String {
        switch self {
        case let .wrongOptimizer(expected, found):
            return "optimizer state is for \(found), not \(expected)"
        case let .missingParameter(name):
            return "optimizer state lacks trainable parameter \(name)"
        case let .unexpectedParameter(name):
            return "optimizer state has parameter \(name), which this optimizer does not train"
        case let .duplicateParameter(name):
            return "optimizer state lists parameter \(name) twice"
        case let .negativeStep(name, step):
            return "optimizer state: parameter \(name) has step \(step)"
        case let .wrongSlots(name, expected, found):
            return "optimizer state: parameter \(name) has slots \(found), expected \(expected)"
        case let .shapeMismatch(name, slot, expected, found):
            return "optimizer state: \(name).\(slot) has shape \(found), the parameter is \(expected)"
        case let .valueCount(name, slot, expected, found):
            return "optimizer state: \(name).\(slot) has \(found) values for \(expected) elements"
        }
    }
}

/// Where each trainable parameter lives in the parameter (and gradient) arena and in the
/// optimiser's state arenas, computed once so a step does no lookups.
struct OptimizerPlan {
    let parameterLayout: ArenaLayout
    /// The trainable names and shapes, in parameter-layout order.
    let stateLayout: ArenaLayout
    let names: [String]
    let shapes: [Shape]
    let parameterOffsets: [Int]
    let stateOffsets: [Int]
    let counts: [Int]

    init(layout: ArenaLayout, trainable: [String]?) {
        if let trainable {
            var seen = Set<String>()
            for name in trainable {
                precondition(
                    layout.contains(name),
                    "trainable parameter \(name) is not in the layout \(layout.entries.map(\.name))")
                precondition(seen.insert(name).inserted, "trainable parameter \(name) listed twice")
            }
        }
        let chosen = trainable.map(Set.init)
        let entries = layout.entries.filter { chosen?.contains($0.name) ?? true }
        var state = ArenaLayout()
        for entry in entries { state.add(entry.name, entry.shape) }
        parameterLayout = layout
        stateLayout = state
        names = entries.map(\.name)
        shapes = entries.map(\.shape)
        parameterOffsets = entries.map(\.offset)
        stateOffsets = state.entries.map(\.offset)
        counts = entries.map(\.shape.count)
    }

    var parameterCount: Int { names.count }

    /// The arenas must have the layout the optimiser was built for (checked by size and by
    /// the offset and size of every trainable view; no allocation).
    func check(_ parameters: Arena, _ gradients: Arena) {
        checkSize(parameters.layout, "parameter")
        checkSize(gradients.layout, "gradient")
        for j in 0..<names.count {
            guard let i = parameters.layout.index[names[j]], let k = gradients.layout.index[names[j]],
                parameters.layout.entries[i].offset == parameterOffsets[j],
                gradients.layout.entries[k].offset == parameterOffsets[j],
                parameters.layout.entries[i].shape.count == counts[j],
                gradients.layout.entries[k].shape.count == counts[j]
            else {
                preconditionFailure("optimizer: parameter \(names[j]) is not where the optimizer's layout has it")
            }
        }
    }

    private func checkSize(_ layout: ArenaLayout, _ role: String) {
        guard layout.count == parameterLayout.count, layout.entries.count == parameterLayout.entries.count else {
            preconditionFailure(
                "optimizer built for a layout of \(parameterLayout.entries.count) views "
                    + "(\(parameterLayout.count) floats) was given a \(role) arena of "
                    + "\(layout.entries.count) views (\(layout.count) floats)")
        }
    }

    /// Copies state slots out as plain arrays.
    func saved(
        optimizer: String, learningRate: Double, steps: [Int],
        slots: [(name: String, arena: Arena)], present: (Int) -> Bool
    ) -> OptimizerState {
        var parameters: [OptimizerState.Parameter] = []
        for j in 0..<names.count {
            let slotValues =
                present(steps[j])
                ? slots.map { slot in
                    OptimizerState.Slot(
                        name: slot.name, shape: shapes[j].dimensions,
                        values: slot.arena[names[j]].values)
                } : []
            parameters.append(.init(name: names[j], step: steps[j], slots: slotValues))
        }
        return OptimizerState(optimizer: optimizer, learningRate: learningRate, parameters: parameters)
    }

    /// Validates `state` completely, then writes its slots into `slots` (zeroing those of
    /// parameters without state) and returns the step counts in plan order.
    func restore(
        _ state: OptimizerState, optimizer: String, slots: [(name: String, arena: Arena)],
        present: (Int) -> Bool
    ) throws -> [Int] {
        guard state.optimizer == optimizer else {
            throw OptimizerStateError.wrongOptimizer(expected: optimizer, found: state.optimizer)
        }
        var byName: [String: OptimizerState.Parameter] = [:]
        for parameter in state.parameters {
            guard names.contains(parameter.name) else { throw OptimizerStateError.unexpectedParameter(parameter.name) }
            guard byName[parameter.name] == nil else { throw OptimizerStateError.duplicateParameter(parameter.name) }
            byName[parameter.name] = parameter
        }
        var ordered: [OptimizerState.Parameter] = []
        for j in 0..<names.count {
            guard let parameter = byName[names[j]] else { throw OptimizerStateError.missingParameter(names[j]) }
            guard parameter.step >= 0 else {
                throw OptimizerStateError.negativeStep(parameter: names[j], step: parameter.step)
            }
            let expected = present(parameter.step) ? slots.map(\.name) : []
            let found = parameter.slots.map(\.name)
            guard found.sorted() == expected.sorted() else {
                throw OptimizerStateError.wrongSlots(parameter: names[j], expected: expected, found: found)
            }
            for slot in parameter.slots {
                guard slot.shape == shapes[j].dimensions else {
                    throw OptimizerStateError.shapeMismatch(
                        parameter: names[j], slot: slot.name,
                        expected: shapes[j].dimensions, found: slot.shape)
                }
                guard slot.values.count == counts[j] else {
                    throw OptimizerStateError.valueCount(
                        parameter: names[j], slot: slot.name,
                        expected: counts[j], found: slot.values.count)
                }
            }
            ordered.append(parameter)
        }
        for (j, parameter) in ordered.enumerated() {
            for slot in slots {
                let view = slot.arena[names[j]]
                if let saved = parameter.slots.first(where: { $0.name == slot.name }), counts[j] > 0 {
                    saved.values.withUnsafeBufferPointer { view.data.update(from: $0.baseAddress!, count: counts[j]) }
                } else {
                    view.zero()
                }
            }
        }
        return ordered.map(\.step)
    }
}
