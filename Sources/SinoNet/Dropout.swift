import SinoRandom

/// Inverted dropout (torch.nn.Dropout): in training each element is zeroed with probability
/// p and the survivors are scaled by 1/(1-p); in eval mode it is the identity. The mask holds
/// 0 or 1/(1-p) per element so backward is one multiply. PyTorch's RNG is not reproduced:
/// parity is in the semantics (scaling, mask reuse in backward), not the random draws.
public struct Dropout: Sendable {
    public let probability: Float

    public init(probability: Float = 0.5) {
        precondition(probability >= 0 && probability < 1, "dropout probability must be in [0, 1), got \(probability)")
        self.probability = probability
    }

    /// x [any] -> y [same] = x * mask; mask [same] is drawn from `generator`.
    public func forwardTraining(
        input x: Tensor, output y: Tensor, mask: Tensor,
        generator: inout SplitMix64
    ) {
        precondition(x.count == y.count && x.count == mask.count, "Dropout shapes \(x.shape), \(y.shape), \(mask.shape)")
        let scale = 1 / (1 - probability)
        for i in 0..<x.count {
            let keep = generator.nextUnitFloat() >= probability
            mask.data[i] = keep ? scale : 0
            y.data[i] = x.data[i] * mask.data[i]
        }
    }

    /// Eval mode: y = x.
    public func forwardInference(input x: Tensor, output y: Tensor) {
        precondition(x.count == y.count, "Dropout shapes \(x.shape), \(y.shape)")
        if x.data != y.data { y.copy(from: x) }
    }

    /// dx [same] += dy * mask (training).
    public func backwardTraining(mask: Tensor, outputGradient dy: Tensor, inputGradient dx: Tensor) {
        precondition(mask.count == dy.count && dy.count == dx.count, "Dropout backward shapes")
        for i in 0..<dy.count { dx.data[i] += dy.data[i] * mask.data[i] }
    }

    /// dx [same] += dy (eval).
    public func backwardInference(outputGradient dy: Tensor, inputGradient dx: Tensor) {
        precondition(dy.count == dx.count, "Dropout backward shapes")
        for i in 0..<dy.count { dx.data[i] += dy.data[i] }
    }
}
