import Foundation
import TestSupport
import Testing

@testable import SinoNet

/// `Tests/Fixtures/sinonet_optim.json`, written by scripts/peers/sinonet_optim.py: initial
/// parameters, per-step gradients, torch.optim runs (parameters after every step, clipping
/// totals, final state) and learning-rate schedules.
struct OptimFixture {
    static let name = "sinonet_optim.json"

    let tool: String
    let steps: Int
    let names: [String]
    let tensors: [String: Tensor]
    let optimizerCases: [[String: Any]]
    let scheduleCases: [[String: Any]]

    init() throws {
        let json = try Fixtures.json(Self.name)
        let versions = json["versions"] as? [String: Any] ?? [:]
        tool = "torch \(versions["torch"] ?? "?")"
        guard let steps = json["steps"] as? Int, let parameters = json["parameters"] as? [String: Any],
            let names = parameters["names"] as? [String],
            let raw = parameters["tensors"] as? [String: [String: Any]],
            let optimizerCases = json["optimizer_cases"] as? [[String: Any]],
            let scheduleCases = json["schedule_cases"] as? [[String: Any]]
        else {
            throw FixtureFormatError("\(Self.name) lacks steps, parameters, optimizer_cases or schedule_cases")
        }
        self.steps = steps
        self.names = names
        var tensors: [String: Tensor] = [:]
        for (key, value) in raw { tensors[key] = try TorchFixture.decodeTensor(value, key) }
        self.tensors = tensors
        self.optimizerCases = optimizerCases
        self.scheduleCases = scheduleCases
    }

    func tensor(_ key: String) throws -> Tensor {
        guard let t = tensors[key] else { throw FixtureFormatError("\(Self.name) has no tensor \(key)") }
        return t
    }

    /// The parameter layout, in the fixture's order, with the initial shapes.
    func layout() throws -> ArenaLayout {
        var layout = ArenaLayout()
        for name in names { layout.add(name, try tensor("initial." + name).shape) }
        return layout
    }

    func optimizerCase(_ name: String) throws -> [String: Any] {
        guard let c = optimizerCases.first(where: { $0["name"] as? String == name }) else {
            throw FixtureFormatError("\(Self.name) has no optimizer case \(name)")
        }
        return c
    }

    func scheduleCase(_ name: String) throws -> [String: Any] {
        guard let c = scheduleCases.first(where: { $0["name"] as? String == name }) else {
            throw FixtureFormatError("\(Self.name) has no schedule case \(name)")
        }
        return c
    }
}

private func number(_ dict: [String: Any], _ key: String) throws -> Double {
    guard let v = dict[key] as? Double ?? (dict[key] as? Int).map(Double.init) else {
        throw FixtureFormatError("\(key) is not a number in \(dict)")
    }
    return v
}

@Suite("SinoNet optimizers versus torch.optim")
struct OptimParityTests {
    static let optimizerCaseNames = [
        "sgd_plain", "sgd_momentum_dampening_wd", "sgd_nesterov_wd", "sgd_momentum_frozen_backbone",
        "sgd_momentum_clip_norm", "sgd_clip_value", "adamw_default", "adamw_no_wd", "adamw_amsgrad",
        "adamw_small_beta1", "adamw_frozen_backbone", "adamw_clip_norm_schedule"
    ]

    /// Parameters and optimiser states: Float32 updates in torch's operation order; the only
    /// expected differences are an ulp where ATen's scalar tail loop and SinoNet round
    /// differently, and clip_grad_norm_'s total (Double here, Float32 sums in torch).
    static let tolerance: Float = 1e-6

    @Test("the fixture holds every case this suite replays")
    func caseList() throws {
        let fixture = try OptimFixture()
        #expect(Set(fixture.optimizerCases.compactMap { $0["name"] as? String }) == Set(Self.optimizerCaseNames))
        #expect(fixture.steps == 10)
    }

    @Test(
        "parameters after every step, clipping totals and final state match torch.optim",
        arguments: optimizerCaseNames)
    func replay(_ name: String) throws {
        let fixture = try OptimFixture()
        let c = try fixture.optimizerCase(name)
        guard let kind = c["optimizer"] as? String, let config = c["config"] as? [String: Any],
            let trainable = c["trainable"] as? [String],
            let stepsTaken = c["steps_taken"] as? [String: Int],
            let rawTensors = c["tensors"] as? [String: [String: Any]]
        else {
            throw FixtureFormatError("optimizer case \(name) is incomplete")
        }
        var expected: [String: Tensor] = [:]
        for (key, value) in rawTensors { expected[key] = try TorchFixture.decodeTensor(value, key) }
        let layout = try fixture.layout()
        let parameters = Arena(layout), gradients = Arena(layout)
        for name in fixture.names { parameters[name].copy(from: try fixture.tensor("initial." + name)) }

        let optimizer: any Optimizer
        let lr = try number(config, "lr")
        let restricted = trainable.count == fixture.names.count ? nil : trainable
        if kind == "sgd" {
            guard let nesterov = config["nesterov"] as? Bool else { throw FixtureFormatError("nesterov") }
            optimizer = SGD(
                parameters: layout, learningRate: lr, momentum: try number(config, "momentum"),
                dampening: try number(config, "dampening"),
                weightDecay: try number(config, "weight_decay"), nesterov: nesterov,
                trainable: restricted)
        } else {
            guard let amsgrad = config["amsgrad"] as? Bool else { throw FixtureFormatError("amsgrad") }
            optimizer = AdamW(
                parameters: layout, learningRate: lr,
                betas: (try number(config, "beta1"), try number(config, "beta2")),
                eps: try number(config, "eps"), weightDecay: try number(config, "weight_decay"),
                amsgrad: amsgrad, trainable: restricted)
        }
        #expect(optimizer.trainableNames == fixture.names.filter { trainable.contains($0) })
        let rates = c["learning_rates"] as? [Double]
        let clipNorm = c["clip_norm"] as? Double, clipValue = c["clip_value"] as? Double
        let totals = c["total_norms"] as? [Double]

        var worst: Float = 0
        for step in 0..<fixture.steps {
            if let rates { optimizer.learningRate = rates[step] }
            for name in fixture.names { gradients[name].copy(from: try fixture.tensor("grad.\(step).\(name)")) }
            if let clipNorm, let totals {
                let total = GradientClipping.clipGlobalNorm(gradients, maxNorm: clipNorm, only: optimizer.trainableNames)
                let rel = abs(Double(total) - totals[step]) / totals[step]
                reportComparison("\(name) step \(step) clip_grad_norm_ total \(total)", tool: fixture.tool, maxRelDiff: rel)
                #expect(rel <= 1e-6, "\(name) step \(step): total norm \(total) vs \(totals[step])")
            }
            if let clipValue { GradientClipping.clipValue(gradients, maxValue: clipValue, only: optimizer.trainableNames) }
            optimizer.step(parameters: parameters, gradients: gradients)
            for name in fixture.names {
                let reference = try #require(expected["after.\(step).\(name)"])
                if trainable.contains(name) {
                    let (diff, scale) = parameters[name].maxAbsDifference(to: reference)
                    let rel = diff / scale
                    worst = max(worst, rel)
                    #expect(rel <= Self.tolerance, "\(name) step \(step) \(name): max abs diff \(diff), max |torch| \(scale)")
                } else {
                    // Frozen: bit-for-bit the initial values (and torch's, which never moved).
                    #expect(parameters[name].values == (try fixture.tensor("initial." + name)).values)
                    #expect(parameters[name].values == reference.values)
                }
            }
        }
        reportComparison(
            "\(name): parameters after each of \(fixture.steps) steps (worst tensor)",
            tool: fixture.tool, maxRelDiff: Double(worst))

        // The optimiser state against torch's state_dict()["state"].
        let state = optimizer.state()
        #expect(state.parameters.map(\.name) == optimizer.trainableNames)
        for parameter in state.parameters {
            #expect(parameter.step == stepsTaken[parameter.name], "\(name) \(parameter.name) step")
            let torchSlots = Set(
                expected.keys.filter { $0.hasPrefix("state.\(parameter.name).") }
                    .map { String($0.dropFirst("state.\(parameter.name).".count)) })
            #expect(Set(parameter.slots.map(\.name)) == torchSlots, "\(name) \(parameter.name) slots")
            for slot in parameter.slots {
                let reference = try #require(expected["state.\(parameter.name).\(slot.name)"])
                #expect(slot.shape == reference.shape.dimensions)
                expectParity(
                    Tensor(Shape(slot.shape), values: slot.values), reference,
                    "\(name) state \(parameter.name).\(slot.name)", tool: fixture.tool,
                    tolerance: Self.tolerance)
            }
        }
    }

    @Test(
        "learning-rate schedules match torch.optim.lr_scheduler for 30 steps",
        arguments: ["cosine", "cosine_eta_min_past_period", "cosine_warmup", "step", "step_warmup", "warmup_only"])
    func schedule(_ name: String) throws {
        let fixture = try OptimFixture()
        let c = try fixture.scheduleCase(name)
        guard let decay = c["decay"] as? [String: Any], let kind = decay["kind"] as? String,
            let rates = c["learning_rates"] as? [Double]
        else {
            throw FixtureFormatError("schedule case \(name) is incomplete")
        }
        let decayValue: LearningRateSchedule.Decay
        switch kind {
        case "cosine":
            decayValue = .cosine(period: Int(try number(decay, "t_max")), minimum: try number(decay, "eta_min"))
        case "step":
            decayValue = .step(size: Int(try number(decay, "step_size")), gamma: try number(decay, "gamma"))
        case "constant":
            decayValue = .constant
        default:
            throw FixtureFormatError("schedule kind \(kind)")
        }
        var warmup: LearningRateSchedule.Warmup?
        if let w = c["warmup"] as? [String: Any] {
            warmup = .init(steps: Int(try number(w, "steps")), startFactor: try number(w, "start_factor"))
        }
        let schedule = LearningRateSchedule(base: try number(c, "base"), decay: decayValue, warmup: warmup)
        #expect(rates.count == 30)
        var worst = 0.0
        for (index, rate) in rates.enumerated() {
            let ours = schedule.learningRate(at: index)
            let rel = abs(ours - rate) / rate
            worst = max(worst, rel)
            #expect(rel <= 1e-12, "\(name) index \(index): \(ours) vs torch \(rate)")
        }
        reportComparison("schedule \(name): 30 learning rates", tool: fixture.tool, maxRelDiff: worst)
    }
}
