/// Output size of a pooling window along one dimension (torch, ceil_mode = false).
@inline(__always)
func pooledSize(_ size: Int, kernel: Int, stride: Int, padding: Int) -> Int {
    (size + 2 * padding - kernel) / stride + 1
}

/// Max pooling (torch.nn.MaxPool2d, dilation 1, ceil_mode false). Padding acts as -inf: only
/// real input positions are candidates. Ties go to the FIRST maximum in row-major scan order
/// and a NaN wins (the last one), as in ATen's cpu/MaxPoolKernel.cpp
/// (`if ((val > maxval) || std::isnan(val))`).
public struct MaxPool2d: Sendable {
    public let kernelSize: Int
    public let stride: Int
    public let padding: Int

    public init(kernelSize: Int, stride: Int? = nil, padding: Int = 0) {
        self.stride = validatedPoolingStride("MaxPool2d", kernelSize: kernelSize, stride: stride, padding: padding)
        self.kernelSize = kernelSize
        self.padding = padding
    }

    public func outputShape(for input: Shape) -> Shape {
        pooledShape("MaxPool2d", input, kernel: kernelSize, stride: stride, padding: padding)
    }

    /// x [N, C, H, W] -> y [N, C, Ho, Wo] = max over each window's real positions (planes
    /// side by side on `workers`' threads: each writes its own planes).
    public func forward(input x: Tensor, output y: Tensor, workers: Workers = .serial) {
        let out = outputShape(for: x.shape)
        precondition(y.shape == out, "MaxPool2d output \(y.shape)")
        let planes = x.shape[0] * x.shape[1], h = x.shape[2], w = x.shape[3], ho = out[2], wo = out[3]
        workers.ranges(planes, itemCost: ho * wo * kernelSize * kernelSize) { range in
            // The window scan, for any window shape and for planes holding a NaN.
            func scan(_ p: Int) {
                let src = x.data + p * h * w, dst = y.data + p * ho * wo
                for oh in 0..<ho {
                    let rows = poolingWindow(oh, h, kernel: kernelSize, stride: stride, padding: padding)
                    let (hs, he) = (rows.lowerBound, rows.upperBound)
                    for ow in 0..<wo {
                        let columns = poolingWindow(ow, w, kernel: kernelSize, stride: stride, padding: padding)
                        let (ws, we) = (columns.lowerBound, columns.upperBound)
                        // The value at `windows`' argmax: the first maximum in scan order, or the
                        // last NaN when there is one.
                        var best = -Float.infinity
                        var nan: Float?
                        for ih in hs..<he {
                            let row = src + ih * w
                            for iw in ws..<we {
                                let v = row[iw]
                                if v > best { best = v }
                                if v.isNaN { nan = v }
                            }
                        }
                        dst[oh * wo + ow] = nan ?? best
                    }
                }
            }
            if kernelSize == 3 && stride == 2 && padding == 1 {
                // ResNet's and DenseNet's stem pooling, by rows of vectors.
                Self.pool3x3Stride2(x.data, y.data, planes: range, h: h, w: w, ho: ho, wo: wo, skipped: scan)
            } else {
                for p in range { scan(p) }
            }
        }
    }

    /// 3 x 3 windows, stride 2, padding 1, for the `planes` that hold no NaN (each plane with a
    /// NaN is left to the caller, which `skipped` is told of): per input row the maximum of
    /// each window's three columns, eight windows per vector (the even and odd lanes of two
    /// 16-float loads from a row padded with -inf), then the maximum of each window's rows.
    /// The same value as the scan in `forward`: without NaN, `v > best` keeps a row's first
    /// maximum and then the first row's, which is the window's first maximum in scan order.
    static func pool3x3Stride2(
        _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, planes: Range<Int>, h: Int, w: Int, ho: Int, wo: Int,
        skipped: (Int) -> Void
    ) {
        let vectors = (wo + 7) / 8, padded = 16 * vectors + 2
        withUnsafeTemporaryAllocation(of: Float.self, capacity: padded + h * 8 * vectors) { buffer in
            let row = buffer.baseAddress!, columns = row + padded
            row.initialize(repeating: -.infinity, count: padded + h * 8 * vectors)
            let raw = UnsafeRawPointer(row)
            @inline(__always) func larger(_ best: SIMD8<Float>, _ v: SIMD8<Float>) -> SIMD8<Float> { best.replacing(with: v, where: v .> best) }
            for p in planes {
                let src = x + p * h * w
                var nan = SIMDMask<SIMD16<Int32>>()
                for ih in 0..<h {
                    (row + 1).update(from: src + ih * w, count: w)
                    for k in 0..<vectors {
                        // Window ow = 8k + l covers padded positions 2 ow ..< 2 ow + 3.
                        let a = raw.loadUnaligned(fromByteOffset: 16 * k * 4, as: SIMD16<Float>.self)
                        let b = raw.loadUnaligned(fromByteOffset: (16 * k + 2) * 4, as: SIMD16<Float>.self)
                        nan = nan .| (a .!= a) .| (b .!= b)
                        let m = larger(larger(a.evenHalf, a.oddHalf), b.evenHalf)
                        UnsafeMutableRawPointer(columns + (ih * vectors + k) * 8).storeBytes(of: m, as: SIMD8<Float>.self)
                    }
                }
                if any(nan) {
                    skipped(p)
                    continue
                }
                let dst = y + p * ho * wo
                for oh in 0..<ho {
                    let first = max(0, 2 * oh - 1), last = min(h, 2 * oh + 2)
                    for k in 0..<vectors {
                        var best = UnsafeRawPointer(columns + (first * vectors + k) * 8).loadUnaligned(as: SIMD8<Float>.self)
                        for ih in first + 1..<last {
                            best = larger(best, UnsafeRawPointer(columns + (ih * vectors + k) * 8).loadUnaligned(as: SIMD8<Float>.self))
                        }
                        let lanes = min(8, wo - 8 * k), out = dst + oh * wo + 8 * k
                        if lanes == 8 {
                            UnsafeMutableRawPointer(out).storeBytes(of: best, as: SIMD8<Float>.self)
                        } else {
                            for l in 0..<lanes { out[l] = best[l] }
                        }
                    }
                }
            }
        }
    }

    /// dx [N, C, H, W] += dy [N, C, Ho, Wo] routed to each window's argmax (recomputed from
    /// x, which is cheaper in memory than storing indices and gives the same positions).
    public func backward(input x: Tensor, outputGradient dy: Tensor, inputGradient dx: Tensor, workers: Workers = .serial) {
        precondition(
            dy.shape == outputShape(for: x.shape) && dx.shape == x.shape,
            "MaxPool2d backward shapes \(dy.shape), \(dx.shape) for input \(x.shape)")
        if kernelSize == 3 && stride == 2 && padding == 1 {
            let out = outputShape(for: x.shape), planes = x.shape[0] * x.shape[1]
            workers.ranges(planes, itemCost: out[2] * out[3] * 9) { range in
                Self.route3x3Stride2(x.data, dy.data, dx.data, planes: range, h: x.shape[2], w: x.shape[3], ho: out[2], wo: out[3])
            }
            return
        }
        forEachWindow(x.shape, workers) { plane, outIndex, argmax in
            dx.data[plane + argmax(x.data + plane)] += dy.data[outIndex]
        }
    }

    /// The backward pass of 3 x 3 windows, stride 2, padding 1: each window's argmax found
    /// for eight windows per vector, as `windows` finds it (candidates in scan order, one
    /// taking over when greater or NaN; the padding, -inf, never does), then dy added to dx at
    /// those positions in the order of the outputs.
    static func route3x3Stride2(
        _ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, planes: Range<Int>, h: Int, w: Int,
        ho: Int, wo: Int
    ) {
        let vectors = (wo + 7) / 8, padded = 16 * vectors + 2
        // Per vector of windows, the best value and its position so far (the rows of an output
        // row's windows are read one after the other, each copied once).
        let state = UnsafeMutablePointer<(SIMD8<Float>, SIMD8<Int32>)>.allocate(capacity: vectors)
        defer { state.deallocate() }
        withUnsafeTemporaryAllocation(of: Float.self, capacity: padded) { buffer in
            let row = buffer.baseAddress!
            row.initialize(repeating: -.infinity, count: padded)
            let raw = UnsafeRawPointer(row)
            // Window column ow = 8k + l starts at input column 2 ow - 1.
            let lanes2 = SIMD8<Int32>(0, 2, 4, 6, 8, 10, 12, 14)
            for p in planes {
                let src = x + p * h * w, grad = dx + p * h * w
                for oh in 0..<ho {
                    let first = max(0, 2 * oh - 1), last = min(h, 2 * oh + 2)
                    for k in 0..<vectors {
                        // The first real position of each window: column max(0, 2 ow - 1).
                        let start = lanes2 &+ Int32(16 * k - 1)
                        state[k] = (SIMD8(repeating: -.infinity), SIMD8(repeating: Int32(first * w)) &+ start.replacing(with: 0, where: start .< 0))
                    }
                    for ih in first..<last {
                        (row + 1).update(from: src + ih * w, count: w)
                        for k in 0..<vectors {
                            let a = raw.loadUnaligned(fromByteOffset: 16 * k * 4, as: SIMD16<Float>.self)
                            let b = raw.loadUnaligned(fromByteOffset: (16 * k + 2) * 4, as: SIMD16<Float>.self)
                            let base = SIMD8<Int32>(repeating: Int32(ih * w + 16 * k - 1)) &+ lanes2
                            var (best, index) = state[k]
                            @inline(__always) func consider(_ v: SIMD8<Float>, _ j: Int32) {
                                let takes = (v .> best) .| (v .!= v)
                                best.replace(with: v, where: takes)
                                index.replace(with: base &+ j, where: takes)
                            }
                            consider(a.evenHalf, 0)
                            consider(a.oddHalf, 1)
                            consider(b.evenHalf, 2)
                            state[k] = (best, index)
                        }
                    }
                    for k in 0..<vectors {
                        let o = p * ho * wo + oh * wo + 8 * k, index = state[k].1
                        for l in 0..<min(8, wo - 8 * k) { grad[Int(index[l])] += dy[o + l] }
                    }
                }
            }
        }
    }

    /// Calls `body(planeOffset, outputIndex, argmax)` for every output element; `argmax(p)`
    /// returns the offset within the H x W plane `p` of the window's maximum.
    private func forEachWindow(
        _ shape: Shape, _ workers: Workers,
        _ body: (Int, Int, (UnsafeMutablePointer<Float>) -> Int) -> Void
    ) {
        let out = outputShape(for: shape)
        let planes = shape[0] * shape[1], h = shape[2], w = shape[3]
        workers.ranges(planes, itemCost: out[2] * out[3] * kernelSize * kernelSize) { range in
            windows(range, h, w, out, body)
        }
    }

    private func windows(
        _ planes: Range<Int>, _ h: Int, _ w: Int, _ out: Shape, _ body: (Int, Int, (UnsafeMutablePointer<Float>) -> Int) -> Void
    ) {
        forEachPoolingWindow(planes, h, w, out, kernel: kernelSize, stride: stride, padding: padding) { plane, outIndex, rows, columns in
            body(plane, outIndex) { values in
                var best = rows.lowerBound * w + columns.lowerBound
                var maxValue = -Float.infinity
                for ih in rows {
                    for iw in columns {
                        let v = values[ih * w + iw]
                        if v > maxValue || v.isNaN { maxValue = v; best = ih * w + iw }
                    }
                }
                return best
            }
        }
    }
}

/// Average pooling (torch.nn.AvgPool2d, ceil_mode false, count_include_pad true as torch's
/// default): every window divides by kernel*kernel, padded zeros included.
public struct AvgPool2d: Sendable {
    public let kernelSize: Int
    public let stride: Int
    public let padding: Int

    public init(kernelSize: Int, stride: Int? = nil, padding: Int = 0) {
        self.stride = validatedPoolingStride("AvgPool2d", kernelSize: kernelSize, stride: stride, padding: padding)
        self.kernelSize = kernelSize
        self.padding = padding
    }

    public func outputShape(for input: Shape) -> Shape {
        pooledShape("AvgPool2d", input, kernel: kernelSize, stride: stride, padding: padding)
    }

    /// x [N, C, H, W] -> y [N, C, Ho, Wo] = sum over the window's real positions / k^2.
    public func forward(input x: Tensor, output y: Tensor, workers: Workers = .serial) {
        precondition(y.shape == outputShape(for: x.shape), "AvgPool2d output \(y.shape)")
        let divisor = Float(kernelSize * kernelSize)
        if kernelSize == 2 && stride == 2 && padding == 0 {
            // DenseNet's transitions: eight windows per vector, the same sums in the same order.
            forEachRowPair(x.shape, workers) { top, bottom, o, count in
                let out = y.data + o
                for k in Swift.stride(from: 0, to: count, by: 8) {
                    let lanes = min(8, count - k)
                    let (a, b) = (Self.pairs(top, 2 * k, lanes), Self.pairs(bottom, 2 * k, lanes))
                    let sum = (((SIMD8<Float>(repeating: 0) + a.0) + a.1) + b.0) + b.1
                    Winograd.store(sum / divisor, out + k, lanes: lanes)
                }
            } input: {
                x.data + $0
            }
            return
        }
        forEachWindow(x.shape, workers) { outIndex, positions in
            var s: Float = 0
            positions { s += x.data[$0] }
            y.data[outIndex] = s / divisor
        }
    }

    /// For 2 x 2 windows of stride 2 and no padding: body(input row 2 oh, input row 2 oh + 1,
    /// offset of output row oh, windows in the row) for every output row of every plane
    /// (planes side by side on `workers`' threads); `input(offset)` is the memory of an
    /// input offset.
    private func forEachRowPair(
        _ shape: Shape, _ workers: Workers,
        _ body: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, Int, Int) -> Void,
        input: (Int) -> UnsafeMutablePointer<Float>
    ) {
        let out = outputShape(for: shape)
        let planes = shape[0] * shape[1], h = shape[2], w = shape[3], ho = out[2], wo = out[3]
        workers.ranges(planes, itemCost: ho * wo * 4) { range in
            for p in range {
                for oh in 0..<ho {
                    let top = input(p * h * w + 2 * oh * w)
                    body(top, top + w, (p * ho + oh) * wo, wo)
                }
            }
        }
    }

    /// The even and odd columns of the 2 lanes values at p + i (zeros past them).
    @inline(__always)
    static func pairs(_ p: UnsafePointer<Float>, _ i: Int, _ lanes: Int) -> (SIMD8<Float>, SIMD8<Float>) {
        var v = SIMD16<Float>()
        if lanes == 8 {
            v = UnsafeRawPointer(p + i).loadUnaligned(as: SIMD16<Float>.self)
        } else {
            for l in 0..<2 * lanes { v[l] = p[i + l] }
        }
        return (v.evenHalf, v.oddHalf)
    }

    /// dx [N, C, H, W] += dy [N, C, Ho, Wo] / k^2 spread over each window's real positions.
    public func backward(input x: Tensor, outputGradient dy: Tensor, inputGradient dx: Tensor, workers: Workers = .serial) {
        precondition(
            dy.shape == outputShape(for: x.shape) && dx.shape == x.shape,
            "AvgPool2d backward shapes \(dy.shape), \(dx.shape) for input \(x.shape)")
        let divisor = Float(kernelSize * kernelSize)
        if kernelSize == 2 && stride == 2 && padding == 0 {
            // Each input position lies in one window: dx += dy / 4 there, eight windows per vector.
            forEachRowPair(x.shape, workers) { top, bottom, o, count in
                for k in Swift.stride(from: 0, to: count, by: 8) {
                    let lanes = min(8, count - k)
                    var g = SIMD8<Float>()
                    for l in 0..<lanes { g[l] = dy.data[o + k + l] }
                    g /= divisor
                    let spread = SIMD16(g[0], g[0], g[1], g[1], g[2], g[2], g[3], g[3], g[4], g[4], g[5], g[5], g[6], g[6], g[7], g[7])
                    @inline(__always) func add(to row: UnsafeMutablePointer<Float>) {
                        if lanes == 8 {
                            let p = UnsafeMutableRawPointer(row + 2 * k)
                            p.storeBytes(of: p.loadUnaligned(as: SIMD16<Float>.self) + spread, as: SIMD16<Float>.self)
                        } else {
                            for l in 0..<2 * lanes { row[2 * k + l] += spread[l] }
                        }
                    }
                    add(to: top)
                    add(to: bottom)
                }
            } input: {
                dx.data + $0
            }
            return
        }
        forEachWindow(x.shape, workers) { outIndex, positions in
            let g = dy.data[outIndex] / divisor
            positions { dx.data[$0] += g }
        }
    }

    /// Calls `body(outputIndex, positions)`, where `positions(f)` calls f with the flat input
    /// index of each real (non-padding) position of that output's window; planes side by side on `workers`' threads (each writes its own planes).
    private func forEachWindow(_ shape: Shape, _ workers: Workers, _ body: (Int, ((Int) -> Void) -> Void) -> Void) {
        let out = outputShape(for: shape)
        let planes = shape[0] * shape[1], h = shape[2], w = shape[3]
        workers.ranges(planes, itemCost: out[2] * out[3] * kernelSize * kernelSize) { range in
            forEachPoolingWindow(range, h, w, out, kernel: kernelSize, stride: stride, padding: padding) { plane, outIndex, rows, columns in
                body(outIndex) { f in
                    for ih in rows { for iw in columns { f(plane + ih * w + iw) } }
                }
            }
        }
    }
}

/// Global average pooling to 1x1 (torch.nn.AdaptiveAvgPool2d(1), the ResNet/DenseNet head).
public enum AdaptiveAvgPool2d {
    public static func outputShape(for input: Shape) -> Shape {
        precondition(input.rank == 4, "AdaptiveAvgPool2d expects [N, C, H, W], got \(input)")
        return Shape(input[0], input[1], 1, 1)
    }

    /// x [N, C, H, W] -> y [N, C, 1, 1] = mean over H*W.
    public static func forward(input x: Tensor, output y: Tensor) {
        precondition(y.count == x.shape[0] * x.shape[1], "AdaptiveAvgPool2d output \(y.shape)")
        let hw = x.shape[2] * x.shape[3]
        for p in 0..<y.count {
            var s: Float = 0
            for j in 0..<hw { s += x.data[p * hw + j] }
            y.data[p] = s / Float(hw)
        }
    }

    /// dx [N, C, H, W] += dy [N, C, 1, 1] / (H*W) at every position.
    public static func backward(input x: Tensor, outputGradient dy: Tensor, inputGradient dx: Tensor) {
        precondition(
            dy.count == x.shape[0] * x.shape[1] && dx.shape == x.shape,
            "AdaptiveAvgPool2d backward shapes \(dy.shape), \(dx.shape)")
        let hw = x.shape[2] * x.shape[3]
        for p in 0..<dy.count {
            let g = dy.data[p] / Float(hw)
            for j in 0..<hw { dx.data[p * hw + j] += g }
        }
    }
}

/// Calls body(plane offset, output index, window rows, window columns) for every output of
/// `planes` (a pooling layer's windows over [N*C, h, w] planes, output `out`), in order.
@inline(__always)
func forEachPoolingWindow(
    _ planes: Range<Int>, _ h: Int, _ w: Int, _ out: Shape, kernel: Int, stride: Int, padding: Int,
    _ body: (Int, Int, Range<Int>, Range<Int>) -> Void
) {
    var outIndex = planes.lowerBound * out[2] * out[3]
    for p in planes {
        for oh in 0..<out[2] {
            let rows = poolingWindow(oh, h, kernel: kernel, stride: stride, padding: padding)
            for ow in 0..<out[3] {
                body(p * h * w, outIndex, rows, poolingWindow(ow, w, kernel: kernel, stride: stride, padding: padding))
                outIndex += 1
            }
        }
    }
}

/// The input rows (or columns) of output row (column) `o`'s window that lie inside a size-`n`
/// input: start o * stride - padding, `kernel` long, clipped to 0 ..< n.
@inline(__always)
func poolingWindow(_ o: Int, _ n: Int, kernel: Int, stride: Int, padding: Int) -> Range<Int> {
    let start = o * stride - padding, lower = Swift.max(start, 0)
    return lower..<Swift.max(lower, Swift.min(start + kernel, n))
}

/// The stride a pooling layer uses (default: the kernel size), after torch's checks.
func validatedPoolingStride(_ layer: String, kernelSize: Int, stride: Int?, padding: Int) -> Int {
    let s = stride ?? kernelSize
    precondition(
        kernelSize > 0 && s > 0 && padding >= 0 && padding * 2 <= kernelSize,
        "invalid \(layer) (torch requires padding <= kernel/2)")
    return s
}

/// [N, C, H, W] -> [N, C, Ho, Wo] for a square pooling window.
func pooledShape(_ layer: String, _ input: Shape, kernel: Int, stride: Int, padding: Int) -> Shape {
    precondition(input.rank == 4, "\(layer) expects [N, C, H, W], got \(input)")
    let h = pooledSize(input[2], kernel: kernel, stride: stride, padding: padding)
    let w = pooledSize(input[3], kernel: kernel, stride: stride, padding: padding)
    precondition(h > 0 && w > 0, "\(layer) output would be empty for \(input)")
    return Shape(input[0], input[1], h, w)
}
