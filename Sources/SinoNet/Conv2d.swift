import CBLAS

/// How a 3 x 3 stride-1 convolution is computed: `automatic` (Winograd where
/// `Conv2d.usesWinograd` finds it faster), Winograd wherever the shape allows (tests), or
/// im2col + GEMM everywhere (comparisons).
public enum ConvolutionChoice: String, Sendable, CaseIterable {
    case automatic, winogradWherePossible, gemm
}

/// 2-D convolution (torch.nn.Conv2d with groups = 1, square kernel, stride, padding and
/// dilation), computed as sgemm on an im2col matrix: per image where the output is large,
/// and for the whole batch at once where it is small (at most `foldedPositions` output
/// positions, e.g. ResNet's layer3 and layer4): the columns of all images side by side in
/// one [C*k*k, N*Ho*Wo] matrix, so the weights are packed once per batch and the GEMM is wide.
///
/// Weight OIHW [outChannels, inChannels, k, k], optional bias [outChannels].
/// A 1x1, stride-1, unpadded convolution skips im2col: an NCHW image is already the
/// [C, H*W] matrix the sgemm needs. 3 x 3 stride-1 padding-1 layers may run Winograd's
/// F(2x2, 3x3) instead (`usesWinograd(for:_:)`, `Winograd`).
///
/// Backward passes ADD into every gradient (input and parameters), as llm.c and
/// PyTorch's `.grad` do: zero the gradient arenas before a backward pass. Accumulation is
/// what residual additions and DenseNet's shared inputs need.
public struct Conv2d: Sendable {
    public let inChannels: Int
    public let outChannels: Int
    public let kernelSize: Int
    public let stride: Int
    public let padding: Int
    public let dilation: Int
    public let hasBias: Bool

    public init(
        inChannels: Int, outChannels: Int, kernelSize: Int, stride: Int = 1,
        padding: Int = 0, dilation: Int = 1, bias: Bool = true
    ) {
        precondition(
            inChannels > 0 && outChannels > 0 && kernelSize > 0 && stride > 0
                && padding >= 0 && dilation > 0, "invalid Conv2d configuration")
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.hasBias = bias
    }

    public var weightShape: Shape { Shape(outChannels, inChannels, kernelSize, kernelSize) }
    public var biasShape: Shape { Shape(outChannels) }

    /// Output size of one spatial dimension (torch's formula, floor division).
    public func outputSize(_ size: Int) -> Int {
        (size + 2 * padding - dilation * (kernelSize - 1) - 1) / stride + 1
    }

    public func outputShape(for input: Shape) -> Shape {
        precondition(
            input.rank == 4 && input[1] == inChannels,
            "Conv2d(\(inChannels) -> \(outChannels)) expects [N, \(inChannels), H, W], got \(input)")
        let h = outputSize(input[2]), w = outputSize(input[3])
        precondition(h > 0 && w > 0, "Conv2d output would be empty for input \(input)")
        return Shape(input[0], outChannels, h, w)
    }

    /// True when the input is used as the column matrix directly (1x1, stride 1, no padding).
    public var isPointwise: Bool { kernelSize == 1 && stride == 1 && padding == 0 }

    /// Output positions (Ho*Wo) up to which a batch of more than one image is folded into
    /// one GEMM.
    public static let foldedPositions = 256

    /// True when this input's batch is computed as one GEMM (see the type's documentation).
    public func foldsBatch(for input: Shape) -> Bool {
        let out = outputShape(for: input)
        return input[0] > 1 && out[2] * out[3] <= Self.foldedPositions
    }

    /// Groups of images whose weight gradients are summed separately and then added in group
    /// order (per-image path): the groups, not the threads, fix the order of the sum, so the
    /// gradient is the same on any number of threads. At most this many groups.
    public static let weightGradientGroups = 4

    /// The images of group g of `groups` over n images.
    static func group(_ g: Int, of groups: Int, images n: Int) -> Range<Int> { n * g / groups..<n * (g + 1) / groups }

    /// Floats of scratch space `forward` and `backward` need for this input on `threads`
    /// threads. Folded batch: the batch's columns [C*k*k, N*Ho*Wo] plus its outputs
    /// [Cout, N*Ho*Wo]. Per image: one column matrix [C*k*k, Ho*Wo] per thread (none on the
    /// pointwise path) and, for a batch, the weight-gradient sums of all groups but the first.
    /// `pointwise: false` and `folding: false` size it for the paths tests force.
    /// `backward: false` sizes it for forward passes only (an inference-only model).
    public func workspaceCount(for input: Shape, threads: Int = 1, pointwise: Bool = true, folding: Bool = true, backward: Bool = true) -> Int {
        let out = outputShape(for: input)
        let n = input[0], k = inChannels * kernelSize * kernelSize, p = out[2] * out[3]
        let winograd = isWinogradShape ? winogradWorkspace(input, threads: threads, backward: backward) : 0
        if folding && foldsBatch(for: input) { return max(winograd, (k + outChannels) * n * p) }
        let slots = min(max(threads, 1), n)
        let columns = pointwise && isPointwise ? 0 : slots * k * p
        return max(winograd, columns + (min(n, Self.weightGradientGroups) - 1) * outChannels * k)
    }

    // MARK: Winograd

    /// 3 x 3, stride 1, padding 1, no dilation: the shape Winograd's F(2x2, 3x3) computes.
    public var isWinogradShape: Bool { kernelSize == 3 && stride == 1 && padding == 1 && dilation == 1 }

    /// Whether this input's convolution runs Winograd's F(2x2, 3x3) (`Winograd`) rather than
    /// im2col + GEMM (the forward pass, and the input gradient, itself a 3 x 3 stride-1
    /// convolution): a 3 x 3 stride-1 padding-1 convolution of a batch of at least
    /// `winogradImages` images, or of maps of at least `winogradPositions` positions, with at
    /// least `winogradTiles` 2 x 2 output tiles in the batch. Below that, the 16 GEMMs are too
    /// small to beat one, and the filters (transformed on every call) cost more than they
    /// save: `SINORAD_BENCH=1 swift test --filter WinogradBenchmark` times both paths for
    /// ResNet-50's and DenseNet-121's 3 x 3 layers at 224 x 224 and ResNet-18's at 64 x 64.
    /// `inference`: an eval-mode forward pass, where an inference-only model transforms the
    /// filters once and keeps them, so Winograd runs from `winogradInferenceTiles` tiles at any
    /// batch size (a trainable model in eval mode makes the same choice, transforming the
    /// filters on each call, so the two give the same bits).
    public func usesWinograd(for input: Shape, _ choice: ConvolutionChoice = .automatic, inference: Bool = false) -> Bool {
        let n = input[0], positions = input[2] * input[3]
        let tiles = n * ((input[2] + 1) / 2) * ((input[3] + 1) / 2)
        switch choice {
        case .automatic:
            if inference { return isWinogradShape && tiles >= Self.winogradInferenceTiles }
            return isWinogradShape && (n >= Self.winogradImages || positions >= Self.winogradPositions) && tiles >= Self.winogradTiles
        case .winogradWherePossible: return isWinogradShape
        case .gemm: return false
        }
    }

    /// Images from which a 3 x 3 stride-1 convolution runs Winograd whatever its map size.
    public static let winogradImages = 8
    /// Positions per image (height x width) from which it runs Winograd at any batch size
    /// (ResNet's layer1 and DenseNet's first block at 224 x 224: 56 x 56).
    public static let winogradPositions = 2500
    /// 2 x 2 output tiles in the batch below which im2col + GEMM runs whatever the batch: a
    /// batch of 16 has 256 at 7 x 7 (ResNet's layer4 at 224 x 224, still Winograd, where both
    /// paths measure the same) and 64 at 4 x 4 (ResNet-18's layer3 at 64 x 64: with GEMM there
    /// and in layer4, its training step took 298 ms instead of 423 ms on one thread).
    public static let winogradTiles = 256
    /// Tiles from which an eval-mode forward pass runs Winograd (the filters kept): one image's
    /// 14 x 14 maps (49 tiles: ResNet's layer3 at 224 x 224) gain, its 7 x 7 ones (16 tiles:
    /// layer4, where 16 GEMMs of 16 columns read 16/9 times the weights) do not.
    public static let winogradInferenceTiles = 49

    /// The forward pass's and input gradient's Winograd scratch, and (`backward`) the weight
    /// gradient's.
    private func winogradWorkspace(_ input: Shape, threads: Int, backward: Bool = true) -> Int {
        let (th, tw) = Winograd.tiles(input[2], input[3])
        let winograd = Winograd(inChannels: inChannels, outChannels: outChannels), tiles = input[0] * th * tw
        let forward = winograd.workspaceCount(tiles: tiles, threads: threads)
        return backward ? max(forward, winograd.weightGradientCount(tiles: tiles)) : forward
    }

    /// output (=, or += with `accumulate`) `source` convolved by Winograd: the forward pass
    /// (x with the weights), or with `flipped` the input gradient (dy with each filter rotated
    /// by 180 degrees, input and output channels swapped). Same spatial size in and out.
    /// `filters`: the forward filters already transformed (`transformWinogradFilters`).
    private func winogradConvolve(
        _ source: Tensor, weight: Tensor, flipped: Bool, bias: Tensor?, output: Tensor, accumulate: Bool, workspace: Tensor?,
        filters: Tensor? = nil, workers: Workers
    ) {
        let winograd = flipped ? Winograd(inChannels: outChannels, outChannels: inChannels) : Winograd(inChannels: inChannels, outChannels: outChannels)
        let buffer = columnBuffer(workspace, count: winogradWorkspace(source.shape, threads: workers.count, backward: false))
        if filters == nil { winograd.transformFilters(weight.data, flipped: flipped, into: buffer, workers: workers) }
        winograd.convolve(
            source.data, images: source.shape[0], height: source.shape[2], width: source.shape[3], filters: filters.map { UnsafePointer($0.data) } ?? UnsafePointer(buffer),
            bias: bias.map { UnsafePointer($0.data) }, output: output.data, accumulate: accumulate, scratch: buffer + winograd.filterCount,
            workers: workers)
    }

    /// Floats of the forward pass's transformed Winograd filters (16 x Cout x Cin).
    public var winogradFilterCount: Int { 16 * outChannels * inChannels }

    /// The forward pass's Winograd filters (G g G^T for every filter g of `weight`) into
    /// `filters` (`winogradFilterCount` floats), for a model that keeps them between calls.
    public func transformWinogradFilters(weight: Tensor, into filters: Tensor, workers: Workers = .serial) {
        precondition(isWinogradShape && weight.shape == weightShape && filters.count == winogradFilterCount, "Winograd filters for \(weight.shape)")
        Winograd(inChannels: inChannels, outChannels: outChannels).transformFilters(weight.data, flipped: false, into: filters.data, workers: workers)
    }

    // MARK: forward

    /// x [N, Cin, H, W], weight [Cout, Cin, k, k], bias [Cout]? -> y [N, Cout, Ho, Wo]
    /// per image n: y[n] (Cout x P) = weight (Cout x K) * col(x[n]) (K x P) + bias,
    /// K = Cin*k*k, P = Ho*Wo. The workspace holds `workspaceCount(for:threads:)` floats.
    public func forward(
        input x: Tensor, weight: Tensor, bias: Tensor?, output y: Tensor,
        workspace: Tensor?, workers: Workers = .serial
    ) {
        forward(
            input: x, weight: weight, bias: bias, output: y, workspace: workspace,
            allowPointwise: true, workers: workers)
    }

    /// `allowPointwise: false` forces the im2col path and `allowFolding: false` the
    /// per-image GEMMs (tests compare the paths).
    func forward(
        input x: Tensor, weight: Tensor, bias: Tensor?, output y: Tensor,
        workspace: Tensor?, allowPointwise: Bool, allowFolding: Bool = true, algorithm: ConvolutionChoice = .automatic,
        inference: Bool = false, winogradFilters: Tensor? = nil, workers: Workers = .serial
    ) {
        let out = checkShapes(x, weight, bias, y)
        let n = x.shape[0], h = x.shape[2], w = x.shape[3]
        if usesWinograd(for: x.shape, algorithm, inference: inference || winogradFilters != nil) {
            winogradConvolve(
                x, weight: weight, flipped: false, bias: bias, output: y, accumulate: false, workspace: workspace, filters: winogradFilters,
                workers: workers)
            return
        }
        let p = out[2] * out[3], k = inChannels * kernelSize * kernelSize
        let direct = allowPointwise && isPointwise
        if allowFolding && foldsBatch(for: x.shape) {
            let cols = columnBuffer(workspace, count: (k + outChannels) * n * p)
            let outs = cols + k * n * p
            batchColumns(x, out, cols, direct: direct, workers)
            // [Cout, N*P] = weight [Cout, K] * columns [K, N*P]
            workers.gemm(CblasNoTrans, CblasNoTrans, outChannels, n * p, k, 1, weight.data, k, cols, n * p, 0, outs, n * p)
            workers.run(n) { i, _ in
                for c in 0..<outChannels {
                    let dst = y.data + (i * outChannels + c) * p, src = outs + c * n * p + i * p
                    if let bias {
                        let v = bias.data[c]
                        for j in 0..<p { dst[j] = src[j] + v }
                    } else {
                        dst.update(from: src, count: p)
                    }
                }
            }
            return
        }
        let colCount = direct ? 0 : k * p
        let slots = min(workers.count, n)
        let buffer = direct ? nil : columnBuffer(workspace, count: slots * colCount)
        if n == 1 {
            // One image: its columns by channel ranges, then the GEMM in halves.
            if let buffer { parallelColumns(x.data, h, w, out[2], out[3], buffer, workers) }
            let b = buffer.map { UnsafePointer($0) } ?? UnsafePointer(x.data)
            workers.gemm(CblasNoTrans, CblasNoTrans, outChannels, p, k, 1, weight.data, k, b, p, 0, y.data, p)
            if let bias { addBias(bias, y.data, p) }
            return
        }
        workers.run(n) { i, slot in
            let xi = x.data + i * inChannels * h * w
            let yi = y.data + i * outChannels * p
            let b = columns(xi, h, w, out[2], out[3], buffer.map { $0 + slot * colCount })
            workers.gemm(CblasNoTrans, CblasNoTrans, outChannels, p, k, 1, weight.data, k, b, p, 0, yi, p, split: false)
            if let bias { addBias(bias, yi, p) }
        }
    }

    private func addBias(_ bias: Tensor, _ y: UnsafeMutablePointer<Float>, _ p: Int) {
        for c in 0..<outChannels {
            let v = bias.data[c]
            let row = y + c * p
            for j in 0..<p { row[j] += v }
        }
    }

    // MARK: backward

    /// dy [N, Cout, Ho, Wo] -> dx [N, Cin, H, W] (optional), dWeight [Cout, Cin, k, k],
    /// dBias [Cout] (optional), all ADDED to:
    ///   dWeight += dy[n] (Cout x P) * col(x[n])^T (P x K)
    ///   dcol     = weight^T (K x Cout) * dy[n] (Cout x P);  dx[n] += col2im(dcol)
    ///   dBias   += sum over n and P of dy
    public func backward(
        input x: Tensor, weight: Tensor, outputGradient dy: Tensor,
        inputGradient dx: Tensor?, weightGradient dw: Tensor,
        biasGradient db: Tensor?, workspace: Tensor?, workers: Workers = .serial
    ) {
        backward(
            input: x, weight: weight, outputGradient: dy, inputGradient: dx,
            weightGradient: dw, biasGradient: db, workspace: workspace, allowPointwise: true,
            workers: workers)
    }

    func backward(
        input x: Tensor, weight: Tensor, outputGradient dy: Tensor,
        inputGradient dx: Tensor?, weightGradient dw: Tensor,
        biasGradient db: Tensor?, workspace: Tensor?, allowPointwise: Bool,
        allowFolding: Bool = true, algorithm: ConvolutionChoice = .automatic, workers: Workers = .serial
    ) {
        let out = checkShapes(x, weight, db, dy)
        precondition(dw.shape == weightShape, "weight gradient \(dw.shape), expected \(weightShape)")
        if let dx { precondition(dx.shape == x.shape, "input gradient \(dx.shape), expected \(x.shape)") }
        let n = x.shape[0], h = x.shape[2], w = x.shape[3]
        if usesWinograd(for: x.shape, algorithm) {
            // The weight gradient by Winograd; then dx += dy convolved with each filter rotated
            // by 180 degrees (input and output channels swapped), by Winograd.
            if let db { addBiasGradient(dy, n: n, p: h * w, db) }
            let forward = Winograd(inChannels: inChannels, outChannels: outChannels)
            let (th, tw) = Winograd.tiles(h, w)
            let scratch = columnBuffer(workspace, count: forward.weightGradientCount(tiles: n * th * tw))
            forward.weightGradient(x.data, outputGradient: dy.data, images: n, height: h, width: w, into: dw.data, scratch: scratch, workers: workers)
            if let dx { winogradConvolve(dy, weight: weight, flipped: true, bias: nil, output: dx, accumulate: true, workspace: workspace, workers: workers) }
            return
        }
        let p = out[2] * out[3], k = inChannels * kernelSize * kernelSize
        let direct = allowPointwise && isPointwise
        if let db { addBiasGradient(dy, n: n, p: p, db) }
        if allowFolding && foldsBatch(for: x.shape) {
            let cols = columnBuffer(workspace, count: (k + outChannels) * n * p)
            let dys = cols + k * n * p, np = n * p
            workers.run(n) { i, _ in
                for c in 0..<outChannels {
                    (dys + c * np + i * p).update(from: dy.data + (i * outChannels + c) * p, count: p)
                }
            }
            batchColumns(x, out, cols, direct: direct, workers)
            // dW [Cout, K] += dy [Cout, N*P] * columns^T [N*P, K]
            workers.gemm(CblasNoTrans, CblasTrans, outChannels, k, np, 1, dys, np, cols, np, 1, dw.data, k)
            guard let dx else { return }
            // dcolumns [K, N*P] = weight^T [K, Cout] * dy [Cout, N*P], over the columns.
            workers.gemm(CblasTrans, CblasNoTrans, k, np, outChannels, 1, weight.data, k, dys, np, 0, cols, np)
            workers.run(n) { i, _ in
                let dxi = dx.data + i * inChannels * h * w
                if direct {
                    for c in 0..<inChannels {
                        let src = cols + c * np + i * p, dst = dxi + c * p
                        for j in 0..<p { dst[j] += src[j] }
                    }
                } else {
                    col2imAdd(cols + i * p, h, w, out[2], out[3], dxi, rowStride: np)
                }
            }
            return
        }
        // Per image, in groups: group 0 adds into dW, the others into their own sums, added
        // to dW in group order at the end.
        let colCount = direct ? 0 : k * p, weights = outChannels * k
        let groups = min(n, Self.weightGradientGroups), slots = min(workers.count, groups)
        let needed = slots * colCount + (groups - 1) * weights
        let scratch = needed > 0 ? columnBuffer(workspace, count: needed) : nil
        // One image: each GEMM in halves on the threads; a batch: one thread per group.
        let split = n == 1
        workers.run(groups) { g, slot in
            let col = direct ? nil : scratch! + slot * colCount
            let target = g == 0 ? dw.data : scratch! + slots * colCount + (g - 1) * weights
            for (index, i) in Self.group(g, of: groups, images: n).enumerated() {
                let xi = x.data + i * inChannels * h * w
                let dyi = UnsafePointer(dy.data + i * outChannels * p)
                // dW (Cout x K) += dy[n] (Cout x P) * col^T (P x K)
                let b = columns(xi, h, w, out[2], out[3], col)
                workers.gemm(CblasNoTrans, CblasTrans, outChannels, k, p, 1, dyi, p, b, p, g > 0 && index == 0 ? 0 : 1, target, k, split: split)
                guard let dx else { continue }
                let dxi = dx.data + i * inChannels * h * w
                if let col {
                    // dcol (K x P) = weight^T (K x Cout) * dy[n] (Cout x P), then scatter-add.
                    workers.gemm(CblasTrans, CblasNoTrans, k, p, outChannels, 1, weight.data, k, dyi, p, 0, col, p, split: split)
                    col2imAdd(col, h, w, out[2], out[3], dxi)
                } else {
                    workers.gemm(CblasTrans, CblasNoTrans, k, p, outChannels, 1, weight.data, k, dyi, p, 1, dxi, p, split: split)
                }
            }
        }
        guard groups > 1, let sums = scratch.map({ $0 + slots * colCount }) else { return }
        workers.ranges(weights, itemCost: groups) { range in
            let d = dw.data
            for g in 1..<groups {
                let s = sums + (g - 1) * weights
                for j in range { d[j] += s[j] }
            }
        }
    }

    /// dBias [Cout] += sum over images and positions of dy.
    private func addBiasGradient(_ dy: Tensor, n: Int, p: Int, _ db: Tensor) {
        for i in 0..<n {
            for c in 0..<outChannels {
                let row = dy.data + (i * outChannels + c) * p
                var s: Float = 0
                for j in 0..<p { s += row[j] }
                db.data[c] += s
            }
        }
    }

    // MARK: im2col / col2im

    /// The columns of every image side by side: cols [K, N*P], image i in columns
    /// i*P ..< (i+1)*P (the image itself, channel rows, when `direct`).
    private func batchColumns(
        _ x: Tensor, _ out: Shape, _ cols: UnsafeMutablePointer<Float>, direct: Bool, _ workers: Workers
    ) {
        let n = x.shape[0], h = x.shape[2], w = x.shape[3], p = out[2] * out[3]
        workers.run(n) { i, _ in
            let xi = x.data + i * inChannels * h * w
            if direct {
                for c in 0..<inChannels { (cols + c * n * p + i * p).update(from: xi + c * p, count: p) }
            } else {
                im2col(xi, h, w, out[2], out[3], cols + i * p, rowStride: n * p)
            }
        }
    }

    /// One image's columns written by channel ranges on every thread.
    private func parallelColumns(
        _ x: UnsafePointer<Float>, _ h: Int, _ w: Int, _ ho: Int, _ wo: Int,
        _ col: UnsafeMutablePointer<Float>, _ workers: Workers
    ) {
        workers.ranges(inChannels, itemCost: kernelSize * kernelSize * ho * wo) { channels in
            im2col(x, h, w, ho, wo, col, channels: channels)
        }
    }

    /// x [Cin, H, W] -> col [Cin*k*k, Ho*Wo]; row (c, ki, kj), column (oh, ow) holds
    /// x[c, oh*s - pad + ki*d, ow*s - pad + kj*d], or 0 where that falls in the padding.
    /// The GEMM operand for one image: its im2col matrix (K x P) in `col`, or the image
    /// itself when the convolution is pointwise (`col` nil; NCHW is already [C, H*W]).
    func columns(
        _ image: UnsafeMutablePointer<Float>, _ h: Int, _ w: Int, _ outH: Int, _ outW: Int,
        _ col: UnsafeMutablePointer<Float>?
    ) -> UnsafePointer<Float> {
        guard let col else { return UnsafePointer(image) }
        im2col(image, h, w, outH, outW, col)
        return UnsafePointer(col)
    }

    /// Output columns ow whose input column iw = ow*stride - padding + kj*dilation lies in
    /// 0 ..< w: the half-open range lo ..< hi (empty when lo >= hi), and iw at ow = 0.
    @inline(__always)
    private func validColumns(_ kj: Int, _ w: Int, _ wo: Int) -> (lo: Int, hi: Int, start: Int) {
        let start = kj * dilation - padding
        let lo = start >= 0 ? 0 : (-start + stride - 1) / stride
        let hi = w - 1 - start < 0 ? 0 : Swift.min(wo, (w - 1 - start) / stride + 1)
        return (Swift.min(lo, wo), hi, start)
    }

    /// `rowStride`: floats from one row of `col` to the next (default Ho*Wo); `channels`: the
    /// input channels whose rows are written (default all).
    func im2col(
        _ x: UnsafePointer<Float>, _ h: Int, _ w: Int, _ ho: Int, _ wo: Int,
        _ col: UnsafeMutablePointer<Float>, rowStride: Int? = nil, channels: Range<Int>? = nil
    ) {
        let stepRow = rowStride ?? ho * wo
        let channels = channels ?? 0..<inChannels
        var row = col + channels.lowerBound * kernelSize * kernelSize * stepRow
        for c in channels {
            let xc = x + c * h * w
            for ki in 0..<kernelSize {
                for kj in 0..<kernelSize {
                    let (lo, hi, start) = validColumns(kj, w, wo)
                    for oh in 0..<ho {
                        let ih = oh * stride - padding + ki * dilation
                        let dst = row + oh * wo
                        guard ih >= 0 && ih < h && lo < hi else {
                            dst.update(repeating: 0, count: wo)
                            continue
                        }
                        if lo > 0 { dst.update(repeating: 0, count: lo) }
                        if hi < wo { (dst + hi).update(repeating: 0, count: wo - hi) }
                        let src = xc + ih * w + start
                        if stride == 1 {
                            (dst + lo).update(from: src + lo, count: hi - lo)
                        } else {
                            for ow in lo..<hi { dst[ow] = src[ow * stride] }
                        }
                    }
                    row += stepRow
                }
            }
        }
    }

    /// The adjoint of `im2col`: dx [Cin, H, W] += scatter of col [Cin*k*k, Ho*Wo].
    func col2imAdd(
        _ col: UnsafePointer<Float>, _ h: Int, _ w: Int, _ ho: Int, _ wo: Int,
        _ dx: UnsafeMutablePointer<Float>, rowStride: Int? = nil
    ) {
        let stepRow = rowStride ?? ho * wo
        var row = col
        for c in 0..<inChannels {
            let dxc = dx + c * h * w
            for ki in 0..<kernelSize {
                for kj in 0..<kernelSize {
                    let (lo, hi, start) = validColumns(kj, w, wo)
                    if lo < hi {
                        for oh in 0..<ho {
                            let ih = oh * stride - padding + ki * dilation
                            guard ih >= 0 && ih < h else { continue }
                            let src = row + oh * wo
                            let dst = dxc + ih * w + start
                            if stride == 1 {
                                for ow in lo..<hi { dst[ow] += src[ow] }
                            } else {
                                for ow in lo..<hi { dst[ow * stride] += src[ow] }
                            }
                        }
                    }
                    row += stepRow
                }
            }
        }
    }

    // MARK: checks

    private func checkShapes(_ x: Tensor, _ weight: Tensor, _ bias: Tensor?, _ y: Tensor) -> Shape {
        let out = outputShape(for: x.shape)
        precondition(weight.shape == weightShape, "Conv2d weight \(weight.shape), expected \(weightShape)")
        precondition(y.shape == out, "Conv2d output \(y.shape), expected \(out)")
        if let bias {
            precondition(hasBias, "Conv2d was built without bias but a bias tensor was given")
            precondition(bias.shape == biasShape, "Conv2d bias \(bias.shape), expected \(biasShape)")
        }
        return out
    }

    private func columnBuffer(_ workspace: Tensor?, count: Int) -> UnsafeMutablePointer<Float> {
        guard let workspace, workspace.count >= count else {
            preconditionFailure("Conv2d needs a workspace of \(count) floats, got \(workspace?.count ?? 0)")
        }
        return workspace.data
    }
}
