import Foundation

/// A learning rate per step (or epoch) index: an optional linear warm-up (torch LinearLR from
/// `startFactor` to 1) followed by a decay restarted at the end of the warm-up (torch
/// SequentialLR with the milestone at the warm-up's length):
///
///     index < W:  base * (s + (1 - s) * index / W)
///     t = index - W:
///       .constant                    base
///       .cosine(period: T, minimum: m)  m + (base - m) * (1 + cos(pi * t / T)) / 2   (CosineAnnealingLR)
///       .step(size: k, gamma: g)     base * g^floor(t / k)                          (StepLR)
///
///     let schedule = LearningRateSchedule.cosine(base: 0.1, period: 25, minimum: 1e-4,
///                                                warmup: .init(steps: 5, startFactor: 0.1))
///     optimizer.learningRate = schedule.learningRate(at: step)
public struct LearningRateSchedule: Sendable, Equatable {
    public enum Decay: Sendable, Equatable {
        /// The base rate (after a warm-up: torch LinearLR alone).
        case constant
        /// torch CosineAnnealingLR(T_max: period, eta_min: minimum); periodic past `period`.
        case cosine(period: Int, minimum: Double)
        /// torch StepLR(step_size: size, gamma: gamma).
        case step(size: Int, gamma: Double)
    }

    /// torch LinearLR(start_factor: startFactor, end_factor: 1, total_iters: steps).
    public struct Warmup: Sendable, Equatable {
        public var steps: Int
        public var startFactor: Double

        public init(steps: Int, startFactor: Double = 1.0 / 3.0) {
            precondition(steps >= 1, "warm-up needs at least one step, got \(steps)")
            precondition(startFactor > 0 && startFactor <= 1, "warm-up start factor must be in (0, 1], got \(startFactor)")
            self.steps = steps
            self.startFactor = startFactor
        }
    }

    public var base: Double
    public var decay: Decay
    public var warmup: Warmup?

    public init(base: Double, decay: Decay = .constant, warmup: Warmup? = nil) {
        precondition(base >= 0, "learning rate must be non-negative, got \(base)")
        switch decay {
        case .constant: break
        case .cosine(let period, _): precondition(period >= 1, "cosine period must be positive, got \(period)")
        case .step(let size, _): precondition(size >= 1, "step size must be positive, got \(size)")
        }
        self.base = base
        self.decay = decay
        self.warmup = warmup
    }

    public static func cosine(base: Double, period: Int, minimum: Double = 0, warmup: Warmup? = nil) -> Self {
        Self(base: base, decay: .cosine(period: period, minimum: minimum), warmup: warmup)
    }

    public static func stepDecay(base: Double, stepSize: Int, gamma: Double = 0.1, warmup: Warmup? = nil) -> Self {
        Self(base: base, decay: .step(size: stepSize, gamma: gamma), warmup: warmup)
    }

    /// The rate for step (or epoch) `index`, counted from 0.
    public func learningRate(at index: Int) -> Double {
        precondition(index >= 0, "schedule index must be non-negative, got \(index)")
        var t = index
        if let warmup {
            if index < warmup.steps {
                let s = warmup.startFactor
                return base * (s + (1 - s) * Double(index) / Double(warmup.steps))
            }
            t = index - warmup.steps
        }
        switch decay {
        case .constant:
            return base
        case let .cosine(period, minimum):
            return minimum + (base - minimum) * (1 + cos(Double.pi * Double(t) / Double(period))) / 2
        case let .step(size, gamma):
            return base * pow(gamma, Double(t / size))
        }
    }
}
