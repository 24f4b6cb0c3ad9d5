/// Rectified linear unit, y = max(x, 0) (torch.nn.ReLU). Output may alias the input
/// (in place, as torchvision's `ReLU(inplace=True)`).
public enum ReLU {
    /// x [any] -> y [same]; `output` may be `input`.
    public static func forward(input x: Tensor, output y: Tensor, workers: Workers = .serial) {
        precondition(x.count == y.count, "ReLU output \(y.shape), expected \(x.shape)")
        let src = x.data, dst = y.data
        workers.ranges(x.count) { range in for i in range { dst[i] = Swift.max(src[i], 0) } }
    }

    /// dx += dy where y > 0 (torch's threshold_backward: zero gradient at 0). Uses the OUTPUT,
    /// so it works after an in-place forward; y, dy, dx all [same].
    public static func backward(output y: Tensor, outputGradient dy: Tensor, inputGradient dx: Tensor, workers: Workers = .serial) {
        precondition(y.count == dy.count && y.count == dx.count, "ReLU backward shape mismatch")
        precondition(
            dx.data != dy.data,
            "ReLU.backward accumulates; use backwardInPlace when dx and dy share memory")
        workers.ranges(y.count) { r in
            PlaneKernel.addWherePositive(y.data + r.lowerBound, dy.data + r.lowerBound, dx.data + r.lowerBound, r.count)
        }
    }

    /// In-place gradient: g = g where y > 0, else 0 (for a gradient buffer shared by dy and dx).
    public static func backwardInPlace(output y: Tensor, gradient g: Tensor, workers: Workers = .serial) {
        precondition(y.count == g.count, "ReLU backward shape mismatch")
        workers.ranges(y.count) { r in PlaneKernel.keepWherePositive(y.data + r.lowerBound, g.data + r.lowerBound, r.count) }
    }
}
