import CBLAS

/// Fully connected layer, y = x W^T + b (torch.nn.Linear): weight [out, in], bias [out].
/// The input is read as [N, in] whatever its rank ([N, C, 1, 1] after global pooling is
/// flattened implicitly, like torchvision's `torch.flatten(x, 1)`). Backward ADDS.
public struct Linear: Sendable {
    public let inFeatures: Int
    public let outFeatures: Int
    public let hasBias: Bool

    public init(inFeatures: Int, outFeatures: Int, bias: Bool = true) {
        precondition(inFeatures > 0 && outFeatures > 0, "invalid Linear configuration")
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        self.hasBias = bias
    }

    public var weightShape: Shape { Shape(outFeatures, inFeatures) }
    public var biasShape: Shape { Shape(outFeatures) }

    public func outputShape(for input: Shape) -> Shape {
        precondition(
            input.rank >= 1 && input.count == input[0] * inFeatures,
            "Linear(\(inFeatures) -> \(outFeatures)) expects [N, \(inFeatures)], got \(input)")
        return Shape(input[0], outFeatures)
    }

    /// x [N, in] -> y [N, out] = x [N, in] * W^T [in, out] + b
    public func forward(input x: Tensor, weight: Tensor, bias: Tensor?, output y: Tensor) {
        let n = check(x, weight, bias, y)
        if let bias {
            for i in 0..<n { (y.data + i * outFeatures).update(from: bias.data, count: outFeatures) }
        }
        sgemm(
            CblasNoTrans, CblasTrans, n, outFeatures, inFeatures, 1, x.data, inFeatures, weight.data, inFeatures,
            bias == nil ? 0 : 1, y.data, outFeatures)
    }

    /// dy [N, out] -> dx [N, in] += dy W;  dW [out, in] += dy^T x;  db [out] += sum_n dy
    public func backward(
        input x: Tensor, weight: Tensor, outputGradient dy: Tensor,
        inputGradient dx: Tensor?, weightGradient dw: Tensor, biasGradient db: Tensor?
    ) {
        let n = check(x, weight, db, dy)
        precondition(dw.shape == weightShape, "Linear weight gradient \(dw.shape), expected \(weightShape)")
        if let dx {
            precondition(dx.count == x.count, "Linear input gradient \(dx.shape), expected \(x.shape)")
            sgemm(
                CblasNoTrans, CblasNoTrans, n, inFeatures, outFeatures, 1, dy.data, outFeatures, weight.data, inFeatures,
                1, dx.data, inFeatures)
        }
        sgemm(
            CblasTrans, CblasNoTrans, outFeatures, inFeatures, n, 1, dy.data, outFeatures, x.data, inFeatures,
            1, dw.data, inFeatures)
        if let db {
            for i in 0..<n {
                for o in 0..<outFeatures { db.data[o] += dy.data[i * outFeatures + o] }
            }
        }
    }

    private func check(_ x: Tensor, _ weight: Tensor, _ bias: Tensor?, _ y: Tensor) -> Int {
        let out = outputShape(for: x.shape)
        precondition(weight.shape == weightShape, "Linear weight \(weight.shape), expected \(weightShape)")
        precondition(y.count == out.count, "Linear output \(y.shape), expected \(out)")
        if let bias {
            precondition(hasBias, "Linear was built without bias but a bias tensor was given")
            precondition(bias.shape == biasShape, "Linear bias \(bias.shape), expected \(biasShape)")
        }
        return out[0]
    }
}
