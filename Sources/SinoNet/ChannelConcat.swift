/// Channel concatenation for DenseNet (torch.cat(dim=1)) without a new allocation per layer:
/// each input is written into its channel slice of a preallocated [N, Ctotal, H, W] buffer,
/// and its gradient is read back from the same slice of the buffer's gradient.
public enum ChannelConcat {
    /// x [N, Ci, H, W] -> y[:, offset ..< offset + Ci, :, :] (copy).
    public static func forward(input x: Tensor, into y: Tensor, channelOffset: Int) {
        let (n, ci, ct, hw) = check(x, y, channelOffset)
        for i in 0..<n {
            (y.data + (i * ct + channelOffset) * hw).update(from: x.data + i * ci * hw, count: ci * hw)
        }
    }

    /// dx [N, Ci, H, W] += dy[:, offset ..< offset + Ci, :, :].
    public static func backward(outputGradient dy: Tensor, channelOffset: Int, inputGradient dx: Tensor) {
        let (n, ci, ct, hw) = check(dx, dy, channelOffset)
        for i in 0..<n {
            let src = dy.data + (i * ct + channelOffset) * hw, dst = dx.data + i * ci * hw
            for j in 0..<(ci * hw) { dst[j] += src[j] }
        }
    }

    private static func check(_ x: Tensor, _ y: Tensor, _ offset: Int) -> (Int, Int, Int, Int) {
        precondition(
            x.shape.rank == 4 && y.shape.rank == 4 && x.shape[0] == y.shape[0]
                && x.shape[2] == y.shape[2] && x.shape[3] == y.shape[3]
                && offset >= 0 && offset + x.shape[1] <= y.shape[1],
            "cannot place \(x.shape) at channel \(offset) of \(y.shape)")
        return (x.shape[0], x.shape[1], y.shape[1], x.shape[2] * x.shape[3])
    }
}
