import CSinoKernels
import Foundation

/// torch.optim.AdamW on a parameter arena: decoupled weight decay, bias-corrected moments,
/// eps added after the square root of the bias-corrected second moment, optional AMSGrad.
///
///     let adamw = AdamW(parameters: net.parameters.layout, learningRate: 1e-3)
///     adamw.step(parameters: net.parameters, gradients: net.gradients)
///
/// Per element, in ATen's order, with t the parameter's step count after this step and the
/// scalars computed in Double as in torch's Python code, then rounded to Float:
///
///     p = p * (1 - lr*wd)                                     (wd != 0)
///     m = lerp(m, g, 1 - beta1)       ATen: fma(w, g - m, m) for |w| < 0.5, else fma(w - 1, g - m, g)
///     v = fma((1 - beta2) * g, g, v * beta2)                  (mul_ then addcmul_; torch's
///                                                              build fuses addcmul's add)
///     vmax = max(vmax, v); v' = amsgrad ? vmax : v
///     denom = sqrt(v') / sqrt(1 - beta2^t) + eps
///     p = p + ((-lr / (1 - beta1^t)) * m) / denom             (addcdiv_)
///
/// The one operation not reproduced bit for bit is torch's Float32 `sqrt`: on the AVX-512 CPU
/// where the fixture was made, ~18% of torch.sqrt results are 1 ulp from the correctly rounded
/// square root SinoNet computes; parameters then agree to ~1e-7 relative instead of exactly.
public final class AdamW: Optimizer {
    public var learningRate: Double
    public let beta1: Double
    public let beta2: Double
    public let eps: Double
    public let weightDecay: Double
    public let amsgrad: Bool

    let plan: OptimizerPlan
    /// First moments (torch's `exp_avg`), laid out like the trainable parameters.
    public let firstMoments: Arena
    /// Second moments (`exp_avg_sq`).
    public let secondMoments: Arena
    /// Running maxima of the second moments (`max_exp_avg_sq`); empty unless AMSGrad.
    public let maxSecondMoments: Arena
    /// Steps taken per trainable parameter (torch's `state["step"]`).
    public private(set) var steps: [Int]
    /// The update's kernels: `sino_optim_vector_level()` (every level gives the same bits; tests
    /// run the lower ones).
    var vectorLevel = sino_optim_vector_level()

    /// torch.optim.AdamW's defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight decay 1e-2.
    /// - Parameters:
    ///   - parameters: the layout of the parameter (and gradient) arenas this optimiser steps.
    ///   - trainable: the names to update (nil: every parameter); the others are frozen.
    public init(
        parameters: ArenaLayout, learningRate: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999),
        eps: Double = 1e-8, weightDecay: Double = 1e-2, amsgrad: Bool = false,
        trainable: [String]? = nil
    ) {
        precondition(learningRate >= 0, "AdamW: invalid learning rate \(learningRate)")
        precondition(eps >= 0, "AdamW: invalid epsilon \(eps)")
        precondition(betas.0 >= 0 && betas.0 < 1, "AdamW: invalid beta1 \(betas.0)")
        precondition(betas.1 >= 0 && betas.1 < 1, "AdamW: invalid beta2 \(betas.1)")
        precondition(weightDecay >= 0, "AdamW: invalid weight decay \(weightDecay)")
        self.learningRate = learningRate
        beta1 = betas.0
        beta2 = betas.1
        self.eps = eps
        self.weightDecay = weightDecay
        self.amsgrad = amsgrad
        plan = OptimizerPlan(layout: parameters, trainable: trainable)
        firstMoments = Arena(plan.stateLayout)
        secondMoments = Arena(plan.stateLayout)
        maxSecondMoments = Arena(amsgrad ? plan.stateLayout : ArenaLayout())
        steps = Array(repeating: 0, count: plan.parameterCount)
    }

    public var trainableNames: [String] { plan.names }

    /// The layout of the moment arenas: the trainable names and shapes.
    public var stateLayout: ArenaLayout { plan.stateLayout }

    public func step(parameters: Arena, gradients: Arena) {
        plan.check(parameters, gradients)
        let decay = Float(1 - learningRate * weightDecay), useDecay = weightDecay != 0
        let w = Float(1 - beta1), wMinusOne = w - 1, small = Swift.abs(w) < 0.5
        let b2 = Float(beta2), c2 = Float(1 - beta2), epsilon = Float(eps)
        for j in 0..<plan.parameterCount {
            steps[j] += 1
            let t = Double(steps[j])
            let biasCorrection1 = 1 - pow(beta1, t)
            let biasCorrection2 = 1 - pow(beta2, t)
            let stepSize = Float(-(learningRate / biasCorrection1))
            let correction2Root = Float(pow(biasCorrection2, 0.5))

            var settings = sino_adamw_settings(
                decay: decay, w: w, w_minus_one: wMinusOne, b2: b2, c2: c2, epsilon: epsilon, step_size: stepSize,
                correction2_root: correction2Root, use_decay: useDecay, small: small, amsgrad: amsgrad)
            sino_adamw_update_at(
                vectorLevel, parameters.storage.base + plan.parameterOffsets[j], gradients.storage.base + plan.parameterOffsets[j],
                firstMoments.storage.base + plan.stateOffsets[j], secondMoments.storage.base + plan.stateOffsets[j],
                amsgrad ? maxSecondMoments.storage.base + plan.stateOffsets[j] : nil, plan.counts[j], &settings)
        }
    }

    public static let stateName = "AdamW"

    private var slots: [(name: String, arena: Arena)] {
        var list = [("exp_avg", firstMoments), ("exp_avg_sq", secondMoments)]
        if amsgrad { list.append(("max_exp_avg_sq", maxSecondMoments)) }
        return list
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
