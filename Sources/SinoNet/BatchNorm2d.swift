/// Batch normalisation over (N, H, W) per channel, with torch.nn.BatchNorm2d's semantics
/// (PyTorch 2.13, aten/src/ATen/native/Normalization.cpp):
///
/// - training: normalise with the batch mean and the BIASED batch variance; update
///   running_mean = (1 - momentum) * running_mean + momentum * mean and
///   running_var = (1 - momentum) * running_var + momentum * var * M / (M - 1)
///   (the UNBIASED variance), M = N*H*W;
/// - inference: normalise with running_mean and running_var.
///
/// Parameters: weight (gamma) [C], bias (beta) [C]; buffers: runningMean [C], runningVar [C].
/// Sums are accumulated in Double. Backward passes ADD into the gradients.
///
/// The input (and its gradient) may have MORE channels than `channels`: BatchNorm then reads
/// the leading `channels` channels of each image. This is how a DenseNet layer normalises the
/// prefix [input, new1, ..., newL-1] of its block's preallocated concatenation buffer without
/// copying it (torchvision's `torch.cat(inputs, 1)` followed by norm1).
public struct BatchNorm2d: Sendable {
    public let channels: Int
    public let eps: Float
    public let momentum: Float

    public init(channels: Int, eps: Float = 1e-5, momentum: Float = 0.1) {
        precondition(channels > 0, "BatchNorm2d needs at least one channel")
        self.channels = channels
        self.eps = eps
        self.momentum = momentum
    }

    public var parameterShape: Shape { Shape(channels) }

    // MARK: forward

    /// x [N, C, H, W] -> y [N, C, H, W]; saves mean [C] and invStd [C] = 1/sqrt(var + eps)
    /// of the batch for the backward pass, and updates the running statistics. `relu`: y =
    /// max(y, 0) in the same pass (a ReLU in place after it); `residual` [N, C, H, W]: y += residual
    /// before the ReLU, in the same pass (a residual addition in place after it).
    public func forwardTraining(
        input x: Tensor, weight: Tensor, bias: Tensor,
        runningMean: Tensor, runningVar: Tensor, output y: Tensor,
        savedMean: Tensor, savedInvStd: Tensor, relu: Bool = false, residual: Tensor? = nil, workers: Workers = .serial
    ) {
        let (n, hw) = check(x, y, weight, bias, runningMean, runningVar, savedMean, savedInvStd)
        if let residual { precondition(residual.shape == y.shape, "BatchNorm2d residual \(residual.shape), expected \(y.shape)") }
        let m = n * hw
        precondition(m > 1, "BatchNorm2d in training needs more than one value per channel, got \(x.shape)")
        workers.ranges(channels, itemCost: 3 * m) { range in
            for c in range {
                var sum = 0.0
                forEachPlane(n, c, hw, x) { p in sum += PlaneKernel.sum(p, hw) }
                let mean = sum / Double(m)
                var squares = 0.0
                forEachPlane(n, c, hw, x) { p in squares += PlaneKernel.squaredDeviations(p, hw, mean: Float(mean)) }
                let biasedVar = squares / Double(m)
                let invStd = 1 / (biasedVar + Double(eps)).squareRoot()
                savedMean[c] = Float(mean)
                savedInvStd[c] = Float(invStd)
                let unbiased = squares / Double(m - 1)
                runningMean[c] = (1 - momentum) * runningMean[c] + momentum * Float(mean)
                runningVar[c] = (1 - momentum) * runningVar[c] + momentum * Float(unbiased)
                normalise(
                    n, c, hw, x, y, mean: Float(mean), invStd: Float(invStd),
                    gamma: weight[c], beta: bias[c], relu: relu, residual: residual)
            }
        }
    }

    /// x [N, C, H, W] -> y [N, C, H, W] with the running statistics (eval mode); `relu` and
    /// `residual` as in `forwardTraining`.
    public func forwardInference(
        input x: Tensor, weight: Tensor, bias: Tensor,
        runningMean: Tensor, runningVar: Tensor, output y: Tensor, relu: Bool = false, residual: Tensor? = nil,
        workers: Workers = .serial
    ) {
        let (n, hw) = check(x, y, weight, bias, runningMean, runningVar, nil, nil)
        if let residual { precondition(residual.shape == y.shape, "BatchNorm2d residual \(residual.shape), expected \(y.shape)") }
        workers.ranges(channels, itemCost: n * hw) { range in
            for c in range {
                let invStd = 1 / (runningVar[c] + eps).squareRoot()
                normalise(
                    n, c, hw, x, y, mean: runningMean[c], invStd: invStd,
                    gamma: weight[c], beta: bias[c], relu: relu, residual: residual)
            }
        }
    }

    // MARK: backward

    /// Training mode, with xhat = (x - mean) * invStd and M = N*H*W:
    ///   dBeta  += sum dy;  dGamma += sum dy * xhat
    ///   dx     += gamma * invStd / M * (M * dy - sum dy - xhat * sum(dy * xhat))
    /// x, dy, dx [N, C, H, W]; weight, savedMean, savedInvStd, dWeight, dBias [C].
    /// `reluOutput`: the output of an in-place ReLU applied to this layer's output (the same
    /// tensor): `dy` is then taken as ReLU's gradient would leave it (0 where the output is not
    /// positive) without writing it back, one pass over the activation fewer.
    public func backwardTraining(
        input x: Tensor, weight: Tensor, savedMean: Tensor,
        savedInvStd: Tensor, outputGradient dy: Tensor,
        inputGradient dx: Tensor?, weightGradient dw: Tensor,
        biasGradient db: Tensor, reluOutput: Tensor? = nil, workers: Workers = .serial
    ) {
        let (n, hw) = check(x, dy, weight, db, savedMean, savedInvStd, dw, nil)
        if let dx { precondition(dx.shape == x.shape, "BatchNorm2d input gradient \(dx.shape), expected \(x.shape)") }
        if let reluOutput { precondition(reluOutput.shape == dy.shape, "BatchNorm2d ReLU output \(reluOutput.shape), expected \(dy.shape)") }
        let m = Float(n * hw), xc = x.shape[1]
        let xp = x.data, dyp = dy.data, dxp = dx?.data, yp = reluOutput.map { UnsafePointer($0.data) }
        workers.ranges(channels, itemCost: 3 * n * hw) { range in
            for c in range {
                let mean = savedMean[c], invStd = savedInvStd[c]
                var sumDy = 0.0, sumDyCentered = 0.0
                for i in 0..<n {
                    let plane = (i * channels + c) * hw
                    let (a, b) = PlaneKernel.gradientSums(dyp + plane, xp + (i * xc + c) * hw, hw, mean: mean, positive: yp.map { $0 + plane })
                    sumDy += a
                    sumDyCentered += b
                }
                let sumDyXhat = sumDyCentered * Double(invStd)
                db[c] += Float(sumDy)
                dw[c] += Float(sumDyXhat)
                guard let dxp else { continue }
                // dx += scale * (M dy - sum dy - xhat * sum(dy xhat)), xhat = (x - mean) invStd,
                // as dx += A dy + B (x - mean) + C with the per-channel constants below.
                let scale = weight[c] * invStd / m
                let meanDy = Float(sumDy), meanDyXhat = Float(sumDyXhat)
                let a = scale * m, bx = -scale * invStd * meanDyXhat, cst = -scale * meanDy
                for i in 0..<n {
                    let g = dyp + (i * channels + c) * hw, xi = xp + (i * xc + c) * hw, d = dxp + (i * xc + c) * hw
                    PlaneKernel.addNormalisedGradient(
                        d, g, xi, positive: yp.map { $0 + (i * channels + c) * hw }, hw, a: a, bx: bx, mean: mean, c: cst)
                }
            }
        }
    }

    /// Inference mode (statistics are constants), with invStd = 1/sqrt(running_var + eps):
    ///   dBeta += sum dy;  dGamma += sum dy * (x - running_mean) * invStd;
    ///   dx += dy * gamma * invStd.   Needed by Grad-CAM, which runs the model in eval mode.
    public func backwardInference(
        input x: Tensor, weight: Tensor, runningMean: Tensor,
        runningVar: Tensor, outputGradient dy: Tensor,
        inputGradient dx: Tensor?, weightGradient dw: Tensor,
        biasGradient db: Tensor, workers: Workers = .serial
    ) {
        let (n, hw) = check(x, dy, weight, db, runningMean, runningVar, dw, nil)
        if let dx { precondition(dx.shape == x.shape, "BatchNorm2d input gradient \(dx.shape), expected \(x.shape)") }
        let xc = x.shape[1]
        let xp = x.data, dyp = dy.data, dxp = dx?.data
        workers.ranges(channels, itemCost: 2 * n * hw) { range in
            for c in range {
                let mean = runningMean[c], invStd = 1 / (runningVar[c] + eps).squareRoot()
                var sumDy = 0.0, sumDyCentered = 0.0
                let scale = weight[c] * invStd
                for i in 0..<n {
                    let g = dyp + (i * channels + c) * hw, xi = xp + (i * xc + c) * hw
                    let (a, b) = PlaneKernel.gradientSums(g, xi, hw, mean: mean)
                    sumDy += a
                    sumDyCentered += b
                    if let dxp {
                        let d = dxp + (i * xc + c) * hw
                        for j in 0..<hw { d[j] += g[j] * scale }
                    }
                }
                db[c] += Float(sumDy)
                dw[c] += Float(sumDyCentered * Double(invStd))
            }
        }
    }

    // MARK: helpers

    private func normalise(
        _ n: Int, _ c: Int, _ hw: Int, _ x: Tensor, _ y: Tensor,
        mean: Float, invStd: Float, gamma: Float, beta: Float, relu: Bool, residual: Tensor?
    ) {
        // y = (x - mean) * invStd * gamma + beta, folded into one multiply-add; with `residual`,
        // then y + residual, and with `relu`, max(y, 0) as ReLU.forward computes it: the values
        // the separate passes give, in one.
        let a = invStd * gamma, b = beta - mean * a, xc = x.shape[1]
        let xp = x.data, yp = y.data
        for i in 0..<n {
            let src = xp + (i * xc + c) * hw, dst = yp + (i * channels + c) * hw
            if let residual {
                let r = residual.data + (i * channels + c) * hw
                if relu {
                    for j in 0..<hw { dst[j] = Swift.max((src[j] * a + b) + r[j], 0) }
                } else {
                    for j in 0..<hw { dst[j] = (src[j] * a + b) + r[j] }
                }
            } else if relu {
                for j in 0..<hw { dst[j] = Swift.max(src[j] * a + b, 0) }
            } else {
                for j in 0..<hw { dst[j] = src[j] * a + b }
            }
        }
    }

    /// Calls `body` with channel c's H*W plane of each image of x (x may have extra channels).
    private func forEachPlane(
        _ n: Int, _ c: Int, _ hw: Int, _ x: Tensor,
        _ body: (UnsafeMutablePointer<Float>) -> Void
    ) {
        for i in 0..<n { body(x.data + (i * x.shape[1] + c) * hw) }
    }

    /// Checks the activation pair and the per-channel vectors; returns (N, H*W).
    private func check(_ x: Tensor, _ y: Tensor, _ perChannel: Tensor?...) -> (Int, Int) {
        precondition(
            x.shape.rank == 4 && x.shape[1] >= channels,
            "BatchNorm2d(\(channels)) expects [N, >= \(channels), H, W], got \(x.shape)")
        let yShape = Shape(x.shape[0], channels, x.shape[2], x.shape[3])
        precondition(y.shape == yShape, "BatchNorm2d output \(y.shape), expected \(yShape)")
        for v in perChannel {
            if let v { precondition(v.count == channels, "BatchNorm2d per-channel tensor \(v.shape), expected [\(channels)]") }
        }
        return (x.shape[0], x.shape[2] * x.shape[3])
    }
}
