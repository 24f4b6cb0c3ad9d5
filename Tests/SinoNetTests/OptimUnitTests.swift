import CSinoKernels
import Foundation
import Testing

@testable import SinoNet

/// Properties of the optimisers checked without a reference tool: the first-step momentum
/// rule, eps placement, frozen parameters, state round trips and their validation, clipping
/// and schedule edge values.
@Suite("SinoNet optimizer units")
struct OptimUnitTests {
    static func layout(_ views: [(String, Shape)]) -> ArenaLayout {
        var layout = ArenaLayout()
        for (name, shape) in views { layout.add(name, shape) }
        return layout
    }

    /// Views of lengths that leave every vector width a tail, for the optimisers' kernels.
    static var kernelLayout: (sizes: [Int], names: [String], layout: ArenaLayout) {
        let sizes = [1, 7, 8, 15, 16, 17, 33, 1000]
        let names = sizes.indices.map { "w\($0)" }
        return (sizes, names, layout(zip(names, sizes).map { ($0, Shape($1)) }))
    }

    /// n values in [-2, 2) from a linear congruential generator.
    static func draws(_ n: Int, _ state: inout UInt64) -> [Float] {
        (0..<n).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int(state >> 40) - (1 << 23)) / Float(1 << 22)
        }
    }

    static func set(_ arena: Arena, _ name: String, _ values: [Float]) {
        arena[name].copy(from: Tensor(arena[name].shape, values: values))
    }

    @Test("SGD momentum: the buffer is the gradient itself on the first step, dampened afterwards")
    func firstStepMomentum() {
        let layout = Self.layout([("w", Shape(3))])
        let p = Arena(layout), g = Arena(layout)
        let p0: [Float] = [1, -2, 0.5], g1: [Float] = [0.2, 0.4, -1], g2: [Float] = [1, 1, 1]
        Self.set(p, "w", p0)
        let sgd = SGD(parameters: layout, learningRate: 0.1, momentum: 0.9, dampening: 0.5)
        #expect(sgd.steps == [0])
        Self.set(g, "w", g1)
        sgd.step(parameters: p, gradients: g)
        // Step 1: buf = g1 (a dampened first step would give 0.5 * g1), p = p0 - 0.1 * g1.
        #expect(sgd.momentumBuffers["w"].values == g1)
        for i in 0..<3 {
            #expect(abs(Double(p["w"][i]) - (Double(p0[i]) - 0.1 * Double(g1[i]))) < 1e-7)
        }
        let p1 = p["w"].values
        Self.set(g, "w", g2)
        sgd.step(parameters: p, gradients: g)
        // Step 2: buf = 0.9 * g1 + (1 - 0.5) * g2, p = p1 - 0.1 * buf.
        for i in 0..<3 {
            let buf = 0.9 * Double(g1[i]) + 0.5 * Double(g2[i])
            #expect(abs(Double(sgd.momentumBuffers["w"][i]) - buf) < 1e-6)
            #expect(abs(Double(p["w"][i]) - (Double(p1[i]) - 0.1 * buf)) < 1e-6)
        }
        #expect(sgd.steps == [2])
    }

    @Test(
        "SGD's kernels (AVX-512, AVX2, plain C: those this CPU runs) equal the per-element fused multiply-adds bit for bit (tails, decay, dampening, Nesterov, three steps)",
        arguments: [(0.0, 0.0, 0.0, false), (0.9, 0.0, 1e-4, false), (0.9, 0.3, 0.01, false), (0.9, 0.0, 1e-4, true), (0.0, 0.0, 0.05, false)])
    func kernelBits(momentum: Double, dampening: Double, weightDecay: Double, nesterov: Bool) {
        for level in 0...sino_optim_vector_level() { kernelBits(level: level, momentum: momentum, dampening: dampening, weightDecay: weightDecay, nesterov: nesterov) }
    }

    func kernelBits(level: Int32, momentum: Double, dampening: Double, weightDecay: Double, nesterov: Bool) {
        let (sizes, names, layout) = Self.kernelLayout
        let p = Arena(layout), g = Arena(layout)
        var state: UInt64 = 12345
        func draws(_ n: Int) -> [Float] { Self.draws(n, &state) }
        var expected = sizes.map(draws), buffers = sizes.map { [Float](repeating: 0, count: $0) }
        for (name, values) in zip(names, expected) { Self.set(p, name, values) }
        let sgd = SGD(parameters: layout, learningRate: 0.05, momentum: momentum, dampening: dampening, weightDecay: weightDecay, nesterov: nesterov)
        sgd.vectorLevel = level
        let decay = Float(weightDecay), mu = Float(momentum), keep = Float(1 - dampening), rate = Float(-0.05)
        for step in 0..<3 {
            let gradients = sizes.map(draws)
            for (name, values) in zip(names, gradients) { Self.set(g, name, values) }
            sgd.step(parameters: p, gradients: g)
            for j in sizes.indices {
                for i in 0..<sizes[j] {
                    var d = gradients[j][i]
                    if weightDecay != 0 { d = d.addingProduct(expected[j][i], decay) }
                    if momentum != 0 {
                        buffers[j][i] = step == 0 ? d : (buffers[j][i] * mu).addingProduct(d, keep)
                        d = nesterov ? d.addingProduct(buffers[j][i], mu) : buffers[j][i]
                    }
                    expected[j][i] = expected[j][i].addingProduct(d, rate)
                }
                #expect(p[names[j]].values.map(\.bitPattern) == expected[j].map(\.bitPattern))
                if momentum != 0 { #expect(sgd.momentumBuffers[names[j]].values.map(\.bitPattern) == buffers[j].map(\.bitPattern)) }
            }
        }
    }

    @Test(
        "AdamW's kernels (AVX-512, AVX2, plain C: those this CPU runs) equal the per-element Swift arithmetic bit for bit (tails, both lerp forms, decay, AMSGrad with NaN)",
        arguments: [(0.9, 0.0, false), (0.9, 0.01, true), (0.3, 0.01, false), (0.3, 0.0, true)])
    func adamwKernelBits(beta1: Double, weightDecay: Double, amsgrad: Bool) {
        for level in 0...sino_optim_vector_level() { adamwKernelBits(level: level, beta1: beta1, weightDecay: weightDecay, amsgrad: amsgrad) }
    }

    func adamwKernelBits(level: Int32, beta1: Double, weightDecay: Double, amsgrad: Bool) {
        let (sizes, names, layout) = Self.kernelLayout
        let p = Arena(layout), g = Arena(layout)
        var state: UInt64 = 987
        func draws(_ n: Int) -> [Float] { Self.draws(n, &state) }
        var expected = sizes.map(draws)
        var m = sizes.map { [Float](repeating: 0, count: $0) }, v = m, vmax = m
        for (name, values) in zip(names, expected) { Self.set(p, name, values) }
        let lr = 0.01, beta2 = 0.999, eps = 1e-8
        let adamw = AdamW(parameters: layout, learningRate: lr, betas: (beta1, beta2), eps: eps, weightDecay: weightDecay, amsgrad: amsgrad)
        adamw.vectorLevel = level
        if amsgrad {
            // A NaN maximum (e.g. restored from a state) stays NaN whatever v is, as torch's.
            vmax[7][5] = .nan
            Self.set(adamw.maxSecondMoments, names[7], vmax[7])
        }
        let decay = Float(1 - lr * weightDecay), w = Float(1 - beta1), wMinusOne = w - 1, small = Swift.abs(w) < 0.5
        let b2 = Float(beta2), c2 = Float(1 - beta2), epsilon = Float(eps)
        for step in 1...3 {
            var gradients = sizes.map(draws)
            for (name, values) in zip(names, gradients) { Self.set(g, name, values) }
            adamw.step(parameters: p, gradients: g)
            let stepSize = Float(-(lr / (1 - pow(beta1, Double(step))))), root = Float(pow(1 - pow(beta2, Double(step)), 0.5))
            for j in sizes.indices {
                for i in 0..<sizes[j] {
                    var param = expected[j][i]
                    if weightDecay != 0 { param = param * decay }
                    let grad = gradients[j][i], difference = grad - m[j][i]
                    m[j][i] = small ? m[j][i].addingProduct(w, difference) : grad.addingProduct(wMinusOne, difference)
                    v[j][i] = (v[j][i] * b2).addingProduct(c2 * grad, grad)
                    var second = v[j][i]
                    if amsgrad {
                        second = (vmax[j][i].isNaN || second.isNaN) ? .nan : Swift.max(vmax[j][i], second)
                        vmax[j][i] = second
                    }
                    expected[j][i] = param + (stepSize * m[j][i]) / (second.squareRoot() / root + epsilon)
                }
                #expect(p[names[j]].values.map(\.bitPattern) == expected[j].map(\.bitPattern))
                #expect(adamw.firstMoments[names[j]].values.map(\.bitPattern) == m[j].map(\.bitPattern))
                #expect(adamw.secondMoments[names[j]].values.map(\.bitPattern) == v[j].map(\.bitPattern))
                if amsgrad { #expect(adamw.maxSecondMoments[names[j]].values.map(\.bitPattern) == vmax[j].map(\.bitPattern)) }
            }
        }
    }

    @Test("SGD Nesterov first step: p -= lr * (g + momentum * g); weight decay enters the gradient")
    func nesterovFirstStep() {
        let layout = Self.layout([("w", Shape(2))])
        let p = Arena(layout), g = Arena(layout)
        Self.set(p, "w", [2, -4])
        Self.set(g, "w", [1, 0.5])
        let sgd = SGD(parameters: layout, learningRate: 0.5, momentum: 0.9, weightDecay: 0.25, nesterov: true)
        sgd.step(parameters: p, gradients: g)
        // d = g + 0.25 p = [1.5, -0.5]; buf = d; d' = d + 0.9 d = 1.9 d; p -= 0.5 * d'.
        #expect(abs(p["w"][0] - (2 - 0.5 * 1.9 * 1.5)) < 1e-6)
        #expect(abs(p["w"][1] - (-4 - 0.5 * 1.9 * -0.5)) < 1e-6)
        #expect(sgd.momentumBuffers["w"].values == [1.5, -0.5])
        #expect(g["w"].values == [1, 0.5], "the gradient arena is read, never written")
    }

    @Test("AdamW first step is lr * g / (|g| + eps): bias-corrected, eps after the square root")
    func adamFirstStep() {
        let layout = Self.layout([("w", Shape(3))])
        let p = Arena(layout), g = Arena(layout)
        let gradient: [Float] = [1e-9, -0.3, 2]
        Self.set(g, "w", gradient)
        let adam = AdamW(parameters: layout, learningRate: 0.01, eps: 1e-8, weightDecay: 0)
        adam.step(parameters: p, gradients: g)
        for i in 0..<3 {
            let gi = Double(gradient[i])
            let expected = -0.01 * gi / (abs(gi) + 1e-8)
            // For the tiny gradient this is lr / 11; eps before the bias correction would give
            // about lr / 330.
            #expect(abs(Double(p["w"][i]) - expected) <= 1e-5 * abs(expected), "element \(i)")
        }
    }

    @Test("AdamW decoupled weight decay: a zero gradient still shrinks p by (1 - lr * wd)")
    func decoupledDecay() {
        let layout = Self.layout([("w", Shape(2))])
        let p = Arena(layout), g = Arena(layout)
        Self.set(p, "w", [3, -1])
        let adam = AdamW(parameters: layout, learningRate: 0.1, weightDecay: 0.5)
        adam.step(parameters: p, gradients: g)
        #expect(p["w"].values == [3 * Float(0.95), -1 * Float(0.95)])
    }

    @Test("frozen parameters are untouched and have no optimizer state", arguments: ["SGD", "AdamW"])
    func frozen(_ kind: String) {
        let layout = Self.layout([
            ("backbone.weight", Shape(2, 3)), ("backbone.bias", Shape(2)),
            ("head.weight", Shape(1, 2)), ("head.bias", Shape(1))
        ])
        let p = Arena(layout), g = Arena(layout)
        for (k, (name, tensor)) in p.views.enumerated() {
            for i in 0..<tensor.count { tensor[i] = Float(k + 1) * 0.25 - Float(i) * 0.1 }
            for i in 0..<tensor.count { g[name][i] = 0.5 + Float(i) }
        }
        let before = p.views.map { ($0.name, $0.tensor.values) }
        let head = ["head.bias", "head.weight"] // any order; the optimizer keeps layout order
        let optimizer: any Optimizer =
            kind == "SGD"
            ? SGD(parameters: layout, learningRate: 0.1, momentum: 0.9, weightDecay: 0.1, trainable: head)
            : AdamW(parameters: layout, learningRate: 0.1, weightDecay: 0.1, trainable: head)
        #expect(optimizer.trainableNames == ["head.weight", "head.bias"])
        for _ in 0..<3 { optimizer.step(parameters: p, gradients: g) }
        for (name, values) in before {
            if name.hasPrefix("backbone.") {
                #expect(p[name].values == values, "\(name) is frozen")
            } else {
                #expect(p[name].values != values, "\(name) trains")
            }
        }
        let state = optimizer.state()
        #expect(state.parameters.map(\.name) == ["head.weight", "head.bias"])
        #expect(state.parameters.allSatisfy { $0.step == 3 })
        if let sgd = optimizer as? SGD {
            #expect(sgd.stateLayout.entries.map(\.name) == ["head.weight", "head.bias"])
            #expect(sgd.momentumBuffers.layout.elementCount == 3)
        }
        if let adam = optimizer as? AdamW {
            #expect(adam.firstMoments.layout.elementCount == 3)
            #expect(adam.secondMoments.layout.elementCount == 3)
            #expect(adam.maxSecondMoments.layout.elementCount == 0)
        }
    }

    static func gradientSequence(_ step: Int, _ g: Arena) {
        for (k, (_, tensor)) in g.views.enumerated() {
            for i in 0..<tensor.count { tensor[i] = sin(Float(step * 7 + k * 3 + i)) * Float(1 + step % 3) }
        }
    }

    static func makeOptimizer(_ kind: String, _ layout: ArenaLayout) -> any Optimizer {
        switch kind {
        case "SGD": SGD(parameters: layout, learningRate: 0.05, momentum: 0.9, weightDecay: 1e-3, nesterov: true)
        case "SGD-dampened": SGD(parameters: layout, learningRate: 0.05, momentum: 0.8, dampening: 0.2)
        default: AdamW(parameters: layout, learningRate: 0.01, weightDecay: 0.05, amsgrad: true)
        }
    }

    @Test(
        "state() / restore: 4 steps, a JSON round trip into a fresh optimizer, 3 more steps equal 7 uninterrupted",
        arguments: ["SGD", "SGD-dampened", "AdamW"])
    func stateRoundTrip(_ kind: String) throws {
        let layout = Self.layout([("a", Shape(2, 3)), ("b", Shape(5))])
        let pA = Arena(layout), pB = Arena(layout), g = Arena(layout)
        for i in 0..<pA.storage.count { pA.storage.base[i] = cos(Float(i)) }
        pB.storage.base.update(from: pA.storage.base, count: pA.storage.count)

        let uninterrupted = Self.makeOptimizer(kind, layout)
        for step in 0..<7 {
            Self.gradientSequence(step, g)
            uninterrupted.step(parameters: pA, gradients: g)
        }

        let first = Self.makeOptimizer(kind, layout)
        for step in 0..<4 {
            Self.gradientSequence(step, g)
            first.step(parameters: pB, gradients: g)
        }
        let saved = first.state()
        let decoded = try JSONDecoder().decode(OptimizerState.self, from: JSONEncoder().encode(saved))
        #expect(decoded == saved)
        let second = Self.makeOptimizer(kind, layout)
        second.learningRate = 123
        try second.restore(decoded)
        #expect(second.learningRate == first.learningRate)
        #expect(second.state() == saved)
        for step in 4..<7 {
            Self.gradientSequence(step, g)
            second.step(parameters: pB, gradients: g)
        }
        #expect(pB.views.map(\.tensor.values) == pA.views.map(\.tensor.values))
        #expect(second.state() == uninterrupted.state())
    }

    @Test("restore rejects states that do not fit, and changes nothing when it does")
    func restoreValidation() throws {
        let layout = Self.layout([("a", Shape(2, 3)), ("b", Shape(5))])
        let p = Arena(layout), g = Arena(layout)
        let adam = AdamW(parameters: layout)
        for step in 0..<2 {
            Self.gradientSequence(step, g)
            adam.step(parameters: p, gradients: g)
        }
        let good = adam.state()

        func expectRejected(
            _ state: OptimizerState, _ error: OptimizerStateError,
            sourceLocation: SourceLocation = #_sourceLocation
        ) {
            let target = AdamW(parameters: layout)
            target.step(parameters: p, gradients: g)
            let before = target.state()
            #expect(throws: error, sourceLocation: sourceLocation) { try target.restore(state) }
            #expect(
                target.state() == before, "a failed restore must not change the optimizer",
                sourceLocation: sourceLocation)
        }

        var reshaped = good
        reshaped.parameters[1].slots[0].shape = [1, 5]
        expectRejected(reshaped, .shapeMismatch(parameter: "b", slot: "exp_avg", expected: [5], found: [1, 5]))

        var short = good
        short.parameters[0].slots[1].values.removeLast()
        expectRejected(short, .valueCount(parameter: "a", slot: "exp_avg_sq", expected: 6, found: 5))

        var missingSlot = good
        missingSlot.parameters[0].slots.removeLast()
        expectRejected(missingSlot, .wrongSlots(parameter: "a", expected: ["exp_avg", "exp_avg_sq"], found: ["exp_avg"]))

        var missing = good
        missing.parameters.removeFirst()
        expectRejected(missing, .missingParameter("a"))

        var extra = good
        extra.parameters.append(.init(name: "c", step: 0, slots: []))
        expectRejected(extra, .unexpectedParameter("c"))

        var twice = good
        twice.parameters.append(good.parameters[0])
        expectRejected(twice, .duplicateParameter("a"))

        var negative = good
        negative.parameters[0].step = -1
        expectRejected(negative, .negativeStep(parameter: "a", step: -1))

        let sgd = SGD(parameters: layout, learningRate: 0.1, momentum: 0.9)
        sgd.step(parameters: p, gradients: g)
        expectRejected(sgd.state(), .wrongOptimizer(expected: "AdamW", found: "SGD"))

        // A frozen subset's state does not fit an optimizer over all parameters.
        let headOnly = AdamW(parameters: layout, trainable: ["b"])
        expectRejected(headOnly.state(), .missingParameter("a"))

        // Step 0 means no state yet: slots must be absent, and restoring zeroes the moments.
        let fresh = AdamW(parameters: layout).state()
        #expect(fresh.parameters.allSatisfy { $0.step == 0 && $0.slots.isEmpty })
        try adam.restore(fresh)
        #expect(adam.firstMoments.storage.count > 0)
        #expect((0..<adam.firstMoments.storage.count).allSatisfy { adam.firstMoments.storage.base[$0] == 0 })
        #expect(adam.steps == [0, 0])
    }

    @Test("clip_grad_norm_: total norm, scaling by max/(total + 1e-6) only above the limit, subsets")
    func clipNorm() {
        let layout = Self.layout([("a", Shape(2)), ("b", Shape(1))])
        let g = Arena(layout)
        Self.set(g, "a", [3, 4])
        Self.set(g, "b", [12])
        #expect(GradientClipping.globalNorm(g) == 13)
        #expect(GradientClipping.globalNorm(g, only: ["a"]) == 5)

        #expect(GradientClipping.clipGlobalNorm(g, maxNorm: 26) == 13)
        #expect(g["a"].values == [3, 4] && g["b"].values == [12], "below the limit nothing changes")

        #expect(GradientClipping.clipGlobalNorm(g, maxNorm: 6.5) == 13)
        let coef = 6.5 / (13 + 1e-6)
        #expect(abs(Double(g["a"][0]) - 3 * coef) < 1e-6 && abs(Double(g["a"][1]) - 4 * coef) < 1e-6)
        #expect(abs(Double(g["b"][0]) - 12 * coef) < 1e-5)
        #expect(abs(Double(GradientClipping.globalNorm(g)) - 6.5) < 1e-5)

        Self.set(g, "a", [3, 4])
        Self.set(g, "b", [12])
        #expect(GradientClipping.clipGlobalNorm(g, maxNorm: 1, only: ["a"]) == 5)
        #expect(abs(GradientClipping.globalNorm(g, only: ["a"]) - 1) < 1e-6)
        #expect(g["b"].values == [12], "gradients outside `only` are untouched")

        Self.set(g, "a", [.nan, 1])
        GradientClipping.clipGlobalNorm(g, maxNorm: 1)
        #expect(g["b"][0].isNaN, "a NaN total spreads into the gradients, as in torch")
    }

    @Test("clip_grad_value_ clamps to [-c, c] and keeps NaN")
    func clipValue() {
        let layout = Self.layout([("a", Shape(5))])
        let g = Arena(layout)
        Self.set(g, "a", [-3, 0.1, .nan, 2, -0.5])
        GradientClipping.clipValue(g, maxValue: 1)
        let v = g["a"].values
        #expect(v[0] == -1 && v[1] == 0.1 && v[2].isNaN && v[3] == 1 && v[4] == -0.5)
    }

    @Test("schedules: warm-up starts at base * startFactor, cosine ends at its minimum, step decays at multiples")
    func scheduleEdges() {
        let cosine = LearningRateSchedule.cosine(
            base: 0.1, period: 10, minimum: 0.001,
            warmup: .init(steps: 4, startFactor: 0.25))
        #expect(cosine.learningRate(at: 0) == 0.1 * 0.25)
        #expect(abs(cosine.learningRate(at: 2) - 0.1 * 0.625) < 1e-15)
        #expect(cosine.learningRate(at: 4) == 0.1)
        #expect(abs(cosine.learningRate(at: 14) - 0.001) < 1e-15)
        #expect(abs(cosine.learningRate(at: 9) - (0.001 + 0.099 * 0.5)) < 1e-15)

        let step = LearningRateSchedule.stepDecay(base: 1, stepSize: 3, gamma: 0.5)
        #expect([0, 2, 3, 5, 6].map(step.learningRate(at:)) == [1, 1, 0.5, 0.5, 0.25])

        let flat = LearningRateSchedule(base: 0.3)
        #expect(flat.learningRate(at: 1000) == 0.3)
    }
}
