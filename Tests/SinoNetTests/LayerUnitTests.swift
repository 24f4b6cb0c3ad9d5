import SinoRandom
import Testing

@testable import SinoNet

/// Properties that do not need a reference tool: the two convolution paths agree, padding
/// never wins a max, eval-mode BatchNorm uses the running statistics, dropout's mask.
@Suite("SinoNet layer properties")
struct LayerUnitTests {
    /// Deterministic values in [-1, 1).
    static func random(_ shape: Shape, seed: UInt64) -> Tensor {
        var g = SplitMix64(seed: seed)
        return Tensor(shape, values: (0..<shape.count).map { _ in g.nextUnitFloat() * 2 - 1 })
    }

    static func maxDiff(_ a: Tensor, _ b: Tensor) -> Float { a.maxAbsDifference(to: b).diff }

    @Test("Conv2d 1x1 stride 1: the direct [C, H*W] path equals the im2col path, forward and backward")
    func pointwiseEqualsIm2col() {
        let conv = Conv2d(inChannels: 5, outChannels: 7, kernelSize: 1, bias: true)
        #expect(conv.isPointwise && conv.workspaceCount(for: Shape(1, 5, 6, 9)) == 0)
        let x = Self.random(Shape(3, 5, 6, 9), seed: 1), w = Self.random(conv.weightShape, seed: 2)
        let b = Self.random(conv.biasShape, seed: 3), dy = Self.random(Shape(3, 7, 6, 9), seed: 4)
        let workspace = Tensor(Shape(conv.workspaceCount(for: x.shape, pointwise: false, folding: false)))
        var results: [[Tensor]] = []
        for allow in [true, false] { // (per-image GEMMs: folding has its own test)
            let y = Tensor(Shape(3, 7, 6, 9)), dx = Tensor(x.shape), dw = Tensor(w.shape), db = Tensor(b.shape)
            conv.forward(
                input: x, weight: w, bias: b, output: y, workspace: workspace, allowPointwise: allow,
                allowFolding: false)
            conv.backward(
                input: x, weight: w, outputGradient: dy, inputGradient: dx, weightGradient: dw,
                biasGradient: db, workspace: workspace, allowPointwise: allow, allowFolding: false)
            results.append([y, dx, dw, db])
        }
        for (direct, im2col) in zip(results[0], results[1]) {
            #expect(direct.values.contains { $0 != 0 })
            #expect(Self.maxDiff(direct, im2col) <= 1e-5)
        }
    }

    @Test(
        "Conv2d with the batch folded into one GEMM equals the per-image GEMMs, forward and backward",
        arguments: [(1, 1, 0), (3, 2, 1), (3, 1, 2)])
    func foldedEqualsPerImage(kernel: Int, stride: Int, padding: Int) {
        let conv = Conv2d(inChannels: 6, outChannels: 5, kernelSize: kernel, stride: stride, padding: padding, bias: true)
        let x = Self.random(Shape(4, 6, 7, 9), seed: 11), w = Self.random(conv.weightShape, seed: 12)
        let b = Self.random(conv.biasShape, seed: 13), yShape = conv.outputShape(for: x.shape)
        let dy = Self.random(yShape, seed: 14)
        #expect(conv.foldsBatch(for: x.shape) && !conv.foldsBatch(for: Shape(1, 6, 7, 9)))
        let workspace = Tensor(Shape(max(conv.workspaceCount(for: x.shape), conv.workspaceCount(for: x.shape, folding: false))))
        var results: [[Tensor]] = []
        for fold in [true, false] {
            let y = Tensor(yShape), dx = Tensor(x.shape), dw = Tensor(w.shape), db = Tensor(b.shape)
            dx.fill(0.5); dw.fill(-0.25); db.fill(1) // backward adds to what is there
            conv.forward(
                input: x, weight: w, bias: b, output: y, workspace: workspace, allowPointwise: true,
                allowFolding: fold)
            conv.backward(
                input: x, weight: w, outputGradient: dy, inputGradient: dx, weightGradient: dw,
                biasGradient: db, workspace: workspace, allowPointwise: true, allowFolding: fold)
            results.append([y, dx, dw, db])
        }
        for (folded, perImage) in zip(results[0], results[1]) {
            #expect(Self.maxDiff(folded, perImage) <= 1e-5 * max(1, perImage.maxMagnitude))
        }
    }

    @Test("im2col and col2im equal their definitions for 300 random geometries (stride, padding, dilation)")
    func im2colDefinition() {
        var g = SplitMix64(seed: 21)
        func draw(_ n: Int) -> Int { Int(g.next() % UInt64(n)) }
        var checked = 0
        while checked < 300 {
            let k = 1 + draw(5), stride = 1 + draw(3), padding = draw(4), dilation = 1 + draw(3)
            let h = 1 + draw(9), w = 1 + draw(9), cin = 1 + draw(2)
            let conv = Conv2d(inChannels: cin, outChannels: 1, kernelSize: k, stride: stride, padding: padding, dilation: dilation)
            let ho = conv.outputSize(h), wo = conv.outputSize(w)
            guard ho > 0 && wo > 0 else { continue }
            let x = Self.random(Shape(cin, h, w), seed: UInt64(checked))
            let col = Tensor(Shape(cin * k * k, ho * wo)), back = Tensor(x.shape), naiveBack = Tensor(x.shape)
            col.fill(9) // every entry must be written
            conv.im2col(x.data, h, w, ho, wo, col.data)
            conv.col2imAdd(col.data, h, w, ho, wo, back.data)
            var mismatches = 0
            for c in 0..<cin {
                for ki in 0..<k {
                    for kj in 0..<k {
                        for oh in 0..<ho {
                            for ow in 0..<wo {
                                let ih = oh * stride - padding + ki * dilation, iw = ow * stride - padding + kj * dilation
                                let inside = ih >= 0 && ih < h && iw >= 0 && iw < w
                                let expected: Float = inside ? x[(c * h + ih) * w + iw] : 0
                                if col[((c * k + ki) * k + kj) * ho * wo + oh * wo + ow] != expected { mismatches += 1 }
                                if inside { naiveBack[(c * h + ih) * w + iw] += expected }
                            }
                        }
                    }
                }
            }
            #expect(mismatches == 0, "k \(k) s \(stride) p \(padding) d \(dilation) on \(h)x\(w)")
            #expect(Self.maxDiff(back, naiveBack) <= 1e-5)
            checked += 1
        }
    }

    @Test("Conv2d output size follows torch's formula with dilation")
    func convOutputSize() {
        let conv = Conv2d(inChannels: 1, outChannels: 1, kernelSize: 3, stride: 2, padding: 1, dilation: 2)
        // (10 + 2 - 2*2 - 1) / 2 + 1 = 4 and (11 + 2 - 5) / 2 + 1 = 5
        #expect(conv.outputShape(for: Shape(1, 1, 10, 11)) == Shape(1, 1, 4, 5))
    }

    @Test("MaxPool2d pads with -inf: all-negative windows never return the padding's 0")
    func maxPoolNegativePadding() {
        let pool = MaxPool2d(kernelSize: 3, stride: 1, padding: 1)
        let x = Tensor(Shape(1, 1, 2, 2), values: [-3, -2, -5, -4])
        let y = Tensor(pool.outputShape(for: x.shape))
        pool.forward(input: x, output: y)
        #expect(y.values == [-2, -2, -2, -2])
        let dx = Tensor(x.shape)
        pool.backward(input: x, outputGradient: Tensor(y.shape, values: [1, 1, 1, 1]), inputGradient: dx)
        #expect(dx.values == [0, 4, 0, 0])
    }

    @Test("MaxPool2d ties: the gradient goes to the first maximum in scan order")
    func maxPoolTies() {
        let pool = MaxPool2d(kernelSize: 2, stride: 2)
        let x = Tensor(Shape(1, 1, 2, 4), values: [1, 1, 0, 2, 1, 1, 2, 2])
        let y = Tensor(Shape(1, 1, 1, 2)), dx = Tensor(x.shape)
        pool.forward(input: x, output: y)
        pool.backward(input: x, outputGradient: Tensor(y.shape, values: [5, 7]), inputGradient: dx)
        #expect(y.values == [1, 2])
        #expect(dx.values == [5, 0, 0, 7, 0, 0, 0, 0])
    }

    @Test("BatchNorm2d eval normalises with the running statistics and leaves them unchanged")
    func batchNormEvalUsesRunningStats() {
        let bn = BatchNorm2d(channels: 2)
        let x = Self.random(Shape(2, 2, 3, 3), seed: 5)
        let gamma = Tensor(Shape(2), values: [1, 2]), beta = Tensor(Shape(2), values: [0, 0.5])
        let mean = Tensor(Shape(2), values: [0.25, -1]), variance = Tensor(Shape(2), values: [4, 0.5])
        let y = Tensor(x.shape)
        bn.forwardInference(input: x, weight: gamma, bias: beta, runningMean: mean, runningVar: variance, output: y)
        for i in 0..<x.count {
            let c = (i / 9) % 2
            let expected = (x[i] - mean[c]) / (variance[c] + 1e-5).squareRoot() * gamma[c] + beta[c]
            #expect(abs(y[i] - expected) <= 1e-5)
        }
        #expect(mean.values == [0.25, -1] && variance.values == [4, 0.5])
        // Training mode on the same input normalises with the batch instead: per-channel mean 0.
        let savedMean = Tensor(Shape(2)), savedInvStd = Tensor(Shape(2))
        bn.forwardTraining(
            input: x, weight: Tensor(Shape(2), values: [1, 1]), bias: Tensor(Shape(2)),
            runningMean: mean, runningVar: variance, output: y,
            savedMean: savedMean, savedInvStd: savedInvStd)
        let channel0 = (0..<x.count).filter { ($0 / 9) % 2 == 0 }.map { y[$0] }
        #expect(abs(channel0.reduce(0, +) / Float(channel0.count)) <= 1e-5)
        #expect(mean.values != [0.25, -1])
    }

    @Test("ReLU in place: forward into its own input, gradient masked in place")
    func reluInPlace() {
        let x = Tensor(Shape(4), values: [-1, 0, 2, 3])
        ReLU.forward(input: x, output: x)
        #expect(x.values == [0, 0, 2, 3])
        let g = Tensor(Shape(4), values: [1, 1, 1, 1])
        ReLU.backwardInPlace(output: x, gradient: g)
        #expect(g.values == [0, 0, 1, 1])
    }

    @Test("Dropout: mask of 0 or 1/(1-p), about p dropped, reproducible by seed, identity in eval")
    func dropout() {
        let dropout = Dropout(probability: 0.25)
        let x = Self.random(Shape(10_000), seed: 6)
        let y = Tensor(x.shape), mask = Tensor(x.shape)
        var g = SplitMix64(seed: 42)
        dropout.forwardTraining(input: x, output: y, mask: mask, generator: &g)
        let scale: Float = 1 / 0.75
        #expect(mask.values.allSatisfy { $0 == 0 || $0 == scale })
        let dropped = Float(mask.values.filter { $0 == 0 }.count) / 10_000
        #expect(abs(dropped - 0.25) < 0.02) // binomial sd 0.0043
        for i in 0..<x.count { #expect(y[i] == x[i] * mask[i]) }
        let again = Tensor(x.shape)
        var g2 = SplitMix64(seed: 42)
        dropout.forwardTraining(input: x, output: Tensor(x.shape), mask: again, generator: &g2)
        #expect(again.values == mask.values)
        let dy = Self.random(x.shape, seed: 7), dx = Tensor(x.shape)
        dropout.backwardTraining(mask: mask, outputGradient: dy, inputGradient: dx)
        for i in 0..<x.count { #expect(dx[i] == dy[i] * mask[i]) }
        let evalOut = Tensor(x.shape)
        dropout.forwardInference(input: x, output: evalOut)
        #expect(evalOut.values == x.values)
    }

    @Test("Arena views are aligned, disjoint, and named")
    func arena() {
        var layout = ArenaLayout()
        layout.add("a", Shape(3))
        layout.add("b", Shape(2, 5))
        layout.add("c", Shape(1))
        #expect(layout.entries.map(\.offset) == [0, 16, 32])
        #expect(layout.count == 33 && layout.elementCount == 14)
        let arena = Arena(layout)
        arena["a"].fill(1)
        arena["b"].fill(2)
        arena["c"].fill(3)
        #expect(arena["a"].values == [1, 1, 1] && arena["b"].values == Array(repeating: 2, count: 10))
        #expect(arena["c"].values == [3])
        arena.zero()
        #expect(arena["b"].values.allSatisfy { $0 == 0 })
    }

    @Test(
        "MaxPool2d 3 x 3 stride 2 padding 1 (vectorised) gives the window scan's bits: odd and even sizes, ties, signed zeros, NaN planes",
        arguments: [(1, 1, 1, 1), (2, 3, 2, 3), (1, 4, 7, 9), (2, 5, 17, 16), (1, 3, 112, 112), (1, 2, 33, 35)])
    func maxPoolStemKernel(n: Int, c: Int, h: Int, w: Int) {
        var g = SplitMix64(seed: UInt64(7 * h + w))
        // Few distinct values (ties), both zeros, infinities; one plane with a NaN.
        let choices: [Float] = [-2, -1, -0.0, 0, 0.5, 1, -.infinity, .infinity]
        var values = (0..<n * c * h * w).map { _ in choices[Int(g.next() % UInt64(choices.count))] }
        if c > 1 { values[h * w + Int(g.next() % UInt64(h * w))] = Float(nan: 3, signaling: false) }
        if c > 2 { values[3 * h * w - 1] = .nan } // the last column of a plane (past the first vector's loads)
        let x = Tensor(Shape(n, c, h, w), values: values)
        let pool = MaxPool2d(kernelSize: 3, stride: 2, padding: 1)
        let out = pool.outputShape(for: x.shape)
        for threads in [1, 2] {
            let y = Tensor(out)
            pool.forward(input: x, output: y, workers: Workers(threads))
            for p in 0..<n * c {
                for oh in 0..<out[2] {
                    for ow in 0..<out[3] {
                        // torch's scan: the first maximum in row-major order, a NaN wins (the last).
                        var best = -Float.infinity
                        var nan: Float?
                        for ih in max(0, 2 * oh - 1)..<min(h, 2 * oh + 2) {
                            for iw in max(0, 2 * ow - 1)..<min(w, 2 * ow + 2) {
                                let v = values[(p * h + ih) * w + iw]
                                if v > best { best = v }
                                if v.isNaN { nan = v }
                            }
                        }
                        let got = y[(p * out[2] + oh) * out[3] + ow]
                        #expect(got.bitPattern == (nan ?? best).bitPattern, "plane \(p) (\(oh), \(ow)), \(threads) threads")
                    }
                }
            }
            // Backward: dy routed to each window's first maximum in scan order (a NaN takes
            // over), added in the order of the outputs.
            let dy = Self.random(out, seed: UInt64(h * w)), dx = Self.random(x.shape, seed: 3), expected = Tensor(x.shape)
            expected.copy(from: dx)
            pool.backward(input: x, outputGradient: dy, inputGradient: dx, workers: Workers(threads))
            for p in 0..<n * c {
                for oh in 0..<out[2] {
                    for ow in 0..<out[3] {
                        let rows = max(0, 2 * oh - 1)..<min(h, 2 * oh + 2), columns = max(0, 2 * ow - 1)..<min(w, 2 * ow + 2)
                        var best = rows.lowerBound * w + columns.lowerBound, maxValue = -Float.infinity
                        for ih in rows {
                            for iw in columns {
                                let v = values[(p * h + ih) * w + iw]
                                if v > maxValue || v.isNaN { (maxValue, best) = (v, ih * w + iw) }
                            }
                        }
                        expected[p * h * w + best] += dy[(p * out[2] + oh) * out[3] + ow]
                    }
                }
            }
            #expect(dx.values.map(\.bitPattern) == expected.values.map(\.bitPattern), "backward, \(threads) threads")
        }
    }

    @Test("AvgPool2d 2 x 2 stride 2 (vectorised) gives the window loop's bits, forward and backward", arguments: [(1, 1, 2, 2), (2, 3, 5, 7), (1, 2, 56, 56), (2, 2, 9, 35)])
    func avgPoolTransitionKernel(n: Int, c: Int, h: Int, w: Int) {
        let x = Self.random(Shape(n, c, h, w), seed: UInt64(h + 100 * w))
        x[0] = -0.0
        let pool = AvgPool2d(kernelSize: 2, stride: 2)
        let out = pool.outputShape(for: x.shape)
        let y = Tensor(out), dy = Self.random(out, seed: 9), dx = Self.random(x.shape, seed: 10), expected = Tensor(x.shape)
        expected.copy(from: dx)
        pool.forward(input: x, output: y, workers: Workers(2))
        pool.backward(input: x, outputGradient: dy, inputGradient: dx, workers: Workers(2))
        for p in 0..<n * c {
            for oh in 0..<out[2] {
                for ow in 0..<out[3] {
                    var sum: Float = 0
                    for ih in 2 * oh..<2 * oh + 2 { for iw in 2 * ow..<2 * ow + 2 { sum += x[(p * h + ih) * w + iw] } }
                    let o = (p * out[2] + oh) * out[3] + ow
                    #expect(y[o].bitPattern == (sum / 4).bitPattern)
                    for ih in 2 * oh..<2 * oh + 2 { for iw in 2 * ow..<2 * ow + 2 { expected[(p * h + ih) * w + iw] += dy[o] / 4 } }
                }
            }
        }
        #expect(dx.values.map(\.bitPattern) == expected.values.map(\.bitPattern))
    }
}
