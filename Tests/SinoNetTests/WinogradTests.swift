import CSinoKernels
import SinoRandom
import Testing

@testable import SinoNet

/// Winograd's F(2x2, 3x3) against the im2col + GEMM path of the same convolution: forward
/// (with bias, odd and even sizes, images smaller than a tile), the input gradient as a
/// Winograd convolution of dy with the flipped, transposed filters, and the bits on 1 and 3
/// threads.
@Suite("SinoNet Winograd F(2x2, 3x3)")
struct WinogradTests {
    static func random(_ shape: Shape, seed: UInt64) -> Tensor { LayerUnitTests.random(shape, seed: seed) }

    /// Runs Winograd directly (whatever `usesWinograd` would choose) on `threads` threads.
    static func winograd(
        _ x: Tensor, weight: UnsafePointer<Float>, inChannels c: Int, outChannels o: Int, flipped: Bool, bias: Tensor?,
        output y: Tensor, accumulate: Bool, threads: Int
    ) {
        let (n, h, w) = (x.shape[0], x.shape[2], x.shape[3])
        let winograd = Winograd(inChannels: c, outChannels: o)
        let (th, tw) = Winograd.tiles(h, w)
        let workers = Workers(threads)
        let scratch = Tensor(Shape(winograd.workspaceCount(tiles: n * th * tw, threads: threads)))
        winograd.transformFilters(weight, flipped: flipped, into: scratch.data, workers: workers)
        winograd.convolve(
            x.data, images: n, height: h, width: w, filters: scratch.data, bias: bias.map { UnsafePointer($0.data) }, output: y.data,
            accumulate: accumulate, scratch: scratch.data + winograd.filterCount, workers: workers)
    }

    @Test(
        "forward equals im2col within 1e-5 of the largest output, on 1 and 3 threads with the same bits",
        arguments: [(1, 3, 5, 8, 8), (2, 4, 6, 7, 9), (3, 16, 8, 5, 6), (1, 2, 3, 1, 1), (2, 5, 4, 2, 3), (1, 64, 64, 14, 14), (5, 8, 9, 33, 17), (1, 64, 64, 56, 56)])
    func forward(n: Int, c: Int, o: Int, h: Int, w: Int) {
        let conv = Conv2d(inChannels: c, outChannels: o, kernelSize: 3, padding: 1, bias: true)
        let x = Self.random(Shape(n, c, h, w), seed: 31), weight = Self.random(conv.weightShape, seed: 32)
        let bias = Self.random(conv.biasShape, seed: 33)
        let expected = Tensor(conv.outputShape(for: x.shape))
        let workspace = Tensor(Shape(conv.workspaceCount(for: x.shape, folding: false)))
        conv.forward(
            input: x, weight: weight, bias: bias, output: expected, workspace: workspace, allowPointwise: true, allowFolding: false,
            algorithm: .gemm)
        var outputs: [Tensor] = []
        for threads in [1, 3] {
            let y = Tensor(expected.shape)
            Self.winograd(x, weight: weight.data, inChannels: c, outChannels: o, flipped: false, bias: bias, output: y, accumulate: false, threads: threads)
            #expect(y.maxAbsDifference(to: expected).diff <= 1e-5 * expected.maxMagnitude, "\(threads) threads")
            outputs.append(y)
        }
        #expect(outputs[0].values == outputs[1].values)
    }

    @Test("the input gradient: Winograd of dy with the flipped filters, added, equals the im2col backward's dx")
    func inputGradient() {
        let conv = Conv2d(inChannels: 6, outChannels: 10, kernelSize: 3, padding: 1, bias: false)
        let x = Self.random(Shape(2, 6, 9, 7), seed: 41), weight = Self.random(conv.weightShape, seed: 42)
        let dy = Self.random(conv.outputShape(for: x.shape), seed: 43)
        let expected = Tensor(x.shape), dw = Tensor(conv.weightShape)
        expected.fill(0.25)
        let workspace = Tensor(Shape(conv.workspaceCount(for: x.shape, folding: false)))
        conv.backward(
            input: x, weight: weight, outputGradient: dy, inputGradient: expected, weightGradient: dw, biasGradient: nil,
            workspace: workspace, allowPointwise: true, allowFolding: false)
        let dx = Tensor(x.shape)
        dx.fill(0.25)
        Self.winograd(dy, weight: weight.data, inChannels: 10, outChannels: 6, flipped: true, bias: nil, output: dx, accumulate: true, threads: 2)
        #expect(dx.maxAbsDifference(to: expected).diff <= 1e-5 * expected.maxMagnitude)
    }

    @Test(
        "backward with Winograd (weight and input gradients) equals im2col within 1e-5, the same bits on 1 and 3 threads",
        arguments: [(2, 6, 10, 9, 7), (1, 3, 4, 5, 5), (3, 8, 5, 12, 11)])
    func backward(n: Int, c: Int, o: Int, h: Int, w: Int) {
        let conv = Conv2d(inChannels: c, outChannels: o, kernelSize: 3, padding: 1, bias: true)
        let x = Self.random(Shape(n, c, h, w), seed: 61), weight = Self.random(conv.weightShape, seed: 62)
        let dy = Self.random(conv.outputShape(for: x.shape), seed: 63)
        let workspace = Tensor(Shape(conv.workspaceCount(for: x.shape, threads: 3)))
        func run(_ algorithm: ConvolutionChoice, threads: Int) -> [Tensor] {
            let dx = Tensor(x.shape), dw = Tensor(conv.weightShape), db = Tensor(conv.biasShape)
            dx.fill(0.5); dw.fill(-0.25); db.fill(1) // backward adds to what is there
            conv.backward(
                input: x, weight: weight, outputGradient: dy, inputGradient: dx, weightGradient: dw, biasGradient: db,
                workspace: workspace, allowPointwise: true, algorithm: algorithm, workers: Workers(threads))
            return [dx, dw, db]
        }
        let expected = run(.gemm, threads: 1), one = run(.winogradWherePossible, threads: 1), three = run(.winogradWherePossible, threads: 3)
        for (ours, reference) in zip(one, expected) {
            #expect(ours.maxAbsDifference(to: reference).diff <= 1e-5 * reference.maxMagnitude)
        }
        for (a, b) in zip(one, three) { #expect(a.values == b.values) }
    }

    @Test(
        "the C transforms give the same bits with AVX2 and without (whole and partial vectors, odd sizes, accumulate and bias)",
        arguments: [(1, 3, 7, 9), (2, 5, 14, 14), (1, 4, 33, 17), (3, 2, 1, 1), (1, 2, 56, 56)])
    func transformKernelsAtEveryWidth(n: Int, c: Int, h: Int, w: Int) {
        let (th, tw) = Winograd.tiles(h, w)
        let total = n * th * tw, start = total / 5, count = total - start - total / 7, tc = count + 3
        let x = Self.random(Shape(n, c, h, w), seed: 71), m = Self.random(Shape(16, c, tc), seed: 72), bias = Self.random(Shape(c), seed: 73)
        var inputs: [[UInt32]] = [], outputs: [[UInt32]] = []
        for bits: Int32 in [256, 0] {
            let v = Tensor(Shape(16, c, tc)), rows = Tensor(Shape(4 * (2 * tw + 18)))
            sino_winograd_inputs(x.data, c, 0, c, start, count, h, w, tc, v.data, rows.data, bits)
            inputs.append(v.values.map(\.bitPattern))
            for accumulate: Int32 in [0, 1] {
                let y = Self.random(Shape(n, c, h, w), seed: 74)
                sino_winograd_outputs(m.data, tc, c, 1, c, start, count, h, w, accumulate == 1 ? nil : bias.data, y.data, accumulate, bits)
                outputs.append(y.values.map(\.bitPattern))
            }
        }
        #expect(inputs[0] == inputs[1])
        #expect(outputs[0] == outputs[2] && outputs[1] == outputs[3])
    }

    @Test("chunks of equal size, an even number of them where there are several, at most tilesPerChunk tiles each")
    func chunks() {
        let layer1 = Winograd(inChannels: 64, outChannels: 64)
        #expect(layer1.tilesPerChunk == 512)
        #expect(layer1.chunkTiles(total: 784) == 392) // ResNet's 56 x 56 maps at batch 1: two chunks, not 512 + 272
        #expect(layer1.chunkTiles(total: 49) == 49) // one chunk
        #expect(layer1.chunkTiles(total: 16 * 784) == 483) // 26 chunks of at most 483 rather than 24 of 512 and one of 256
        for total in [1, 7, 100, 513, 1500, 12_544, 100_000] {
            let tc = layer1.chunkTiles(total: total), chunks = (total + tc - 1) / tc
            #expect(tc <= 512 && (chunks == 1 || chunks % 2 == 0) && chunks * tc - total < chunks, "\(total) tiles")
        }
    }

    @Test("Conv2d chooses Winograd for 3 x 3 stride-1 padding-1 layers with enough positions and tiles, and its forward uses it")
    func choice() {
        let conv = Conv2d(inChannels: 4, outChannels: 4, kernelSize: 3, padding: 1)
        #expect(conv.usesWinograd(for: Shape(1, 4, 56, 56)) && !conv.usesWinograd(for: Shape(1, 4, 28, 28)) && conv.usesWinograd(for: Shape(16, 4, 7, 7)))
        // 8 x 16 and 16 x 4 tiles: below Conv2d.winogradTiles (ResNet-18's layer3 and layer4 at 64 x 64).
        #expect(!conv.usesWinograd(for: Shape(8, 4, 7, 7)) && !conv.usesWinograd(for: Shape(16, 4, 4, 4)) && conv.usesWinograd(for: Shape(16, 4, 8, 8)))
        #expect(!Conv2d(inChannels: 4, outChannels: 4, kernelSize: 3, stride: 2, padding: 1).usesWinograd(for: Shape(4, 4, 56, 56)))
        #expect(!Conv2d(inChannels: 4, outChannels: 4, kernelSize: 3, padding: 2, dilation: 2).usesWinograd(for: Shape(4, 4, 56, 56)))
        #expect(!Conv2d(inChannels: 4, outChannels: 4, kernelSize: 1).usesWinograd(for: Shape(4, 4, 56, 56)))
        let x = Self.random(Shape(8, 4, 14, 14), seed: 51), weight = Self.random(conv.weightShape, seed: 52)
        let bias = Self.random(conv.biasShape, seed: 53)
        let workspace = Tensor(Shape(conv.workspaceCount(for: x.shape)))
        let chosen = Tensor(conv.outputShape(for: x.shape)), direct = Tensor(chosen.shape)
        conv.forward(input: x, weight: weight, bias: bias, output: chosen, workspace: workspace)
        Self.winograd(x, weight: weight.data, inChannels: 4, outChannels: 4, flipped: false, bias: bias, output: direct, accumulate: false, threads: 1)
        #expect(chosen.values == direct.values)
        // Eval mode (filters kept by an inference-only model): from 49 tiles, so one image's
        // 56 x 56, 28 x 28 and 14 x 14 layers; a training forward pass: only the 56 x 56 ones.
        #expect(conv.usesWinograd(for: Shape(1, 4, 14, 14), inference: true) && !conv.usesWinograd(for: Shape(1, 4, 13, 12), inference: true))
        let model = ImageClassifier(ResNet.resnet50, inputShape: Shape(1, 3, 224, 224), classes: 2, trainable: false)
        #expect(model.winogradLayers == (0..<3).map { "layer1.\($0).conv2.weight" } + (1..<4).map { "layer2.\($0).conv2.weight" } + (1..<6).map { "layer3.\($0).conv2.weight" })
        let trainable = ImageClassifier(ResNet.resnet50, inputShape: Shape(1, 3, 224, 224), classes: 2)
        #expect(trainable.winogradLayers == ["layer1.0.conv2.weight", "layer1.1.conv2.weight", "layer1.2.conv2.weight"])
        trainable.training = false
        #expect(trainable.winogradLayers == model.winogradLayers)
        model.convolutions = .gemm
        #expect(model.winogradLayers.isEmpty)
        model.convolutions = .winogradWherePossible
        #expect(model.winogradLayers.count == 13)
    }
}

/// Winograd's rounding against float64 direct convolutions, beside im2col's, for DenseNet-121's
/// and ResNet-50's 3 x 3 layer shapes (forward, input and weight gradients).
@Suite("SinoNet Winograd accuracy against float64")
struct WinogradAccuracyTests {
    /// y = conv(x, w) in float64, 3 x 3, padding 1 ([N, C, H, W] x [O, C, 3, 3]).
    static func direct(_ x: [Double], _ w: [Double], n: Int, c: Int, o: Int, h: Int, wd: Int) -> [Double] {
        var y = [Double](repeating: 0, count: n * o * h * wd)
        forEachTap(n: n, c: c, o: o, h: h, w: wd) { yi, xi, wi in y[yi] += w[wi] * x[xi] }
        return y
    }

    /// Calls body(output index, input index, weight index) for every tap of a 3 x 3 padding-1
    /// convolution of [n, c, h, w] into [n, o, h, w] whose input lies inside the image.
    static func forEachTap(n: Int, c: Int, o: Int, h: Int, w: Int, _ body: (Int, Int, Int) -> Void) {
        for i in 0..<n {
            for oc in 0..<o {
                for ic in 0..<c {
                    for ky in 0..<3 {
                        for kx in 0..<3 {
                            let wi = ((oc * c + ic) * 3 + ky) * 3 + kx
                            for yy in 0..<h where (0..<h).contains(yy + ky - 1) {
                                for xx in 0..<w where (0..<w).contains(xx + kx - 1) {
                                    body(((i * o + oc) * h + yy) * w + xx, ((i * c + ic) * h + yy + ky - 1) * w + xx + kx - 1, wi)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    static func relativeError(_ a: Tensor, _ b: [Double]) -> Double {
        let scale = b.map(abs).max() ?? 1
        return zip(a.values, b).map { abs(Double($0) - $1) }.max()! / scale
    }

    @Test("forward and input gradient: Winograd's error at most 4 times im2col's (plus 1e-7)", arguments: [(2, 32, 128, 7), (2, 16, 16, 14), (1, 8, 8, 20)])
    func forwardAndInputGradient(n: Int, c: Int, o: Int, size: Int) {
        let conv = Conv2d(inChannels: c, outChannels: o, kernelSize: 3, padding: 1, bias: false)
        let x = WinogradTests.random(Shape(n, c, size, size), seed: 71), w = WinogradTests.random(conv.weightShape, seed: 72)
        let exact = Self.direct(x.values.map(Double.init), w.values.map(Double.init), n: n, c: c, o: o, h: size, wd: size)
        let workspace = Tensor(Shape(conv.workspaceCount(for: x.shape, threads: 2)))
        var errors: [ConvolutionChoice: Double] = [:]
        for algorithm in [ConvolutionChoice.gemm, .winogradWherePossible] {
            let y = Tensor(conv.outputShape(for: x.shape))
            conv.forward(
                input: x, weight: w, bias: nil, output: y, workspace: workspace, allowPointwise: true, algorithm: algorithm, workers: Workers(2))
            errors[algorithm] = Self.relativeError(y, exact)
        }
        print("[winograd] forward \(n)x\(c)->\(o) \(size)x\(size): im2col \(errors[.gemm]!), Winograd \(errors[.winogradWherePossible]!)")
        #expect(errors[.winogradWherePossible]! <= 4 * errors[.gemm]! + 1e-7)
    }

    @Test("weight and input gradients: Winograd's error at most 4 times im2col's (plus 1e-7)", arguments: [(2, 32, 128, 7), (2, 16, 16, 14), (4, 8, 8, 20)])
    func gradients(n: Int, c: Int, o: Int, size: Int) {
        let conv = Conv2d(inChannels: c, outChannels: o, kernelSize: 3, padding: 1, bias: false)
        let x = WinogradTests.random(Shape(n, c, size, size), seed: 81), w = WinogradTests.random(conv.weightShape, seed: 82)
        let dy = WinogradTests.random(conv.outputShape(for: x.shape), seed: 83)
        let (xd, wd, dyd) = (x.values.map(Double.init), w.values.map(Double.init), dy.values.map(Double.init))
        var dxExact = [Double](repeating: 0, count: x.count), dwExact = [Double](repeating: 0, count: w.count)
        Self.forEachTap(n: n, c: c, o: o, h: size, w: size) { yi, xi, wi in
            dxExact[xi] += wd[wi] * dyd[yi]
            dwExact[wi] += xd[xi] * dyd[yi]
        }
        let workspace = Tensor(Shape(conv.workspaceCount(for: x.shape, threads: 2)))
        var errors: [ConvolutionChoice: (Double, Double)] = [:]
        for algorithm in [ConvolutionChoice.gemm, .winogradWherePossible] {
            let dx = Tensor(x.shape), dw = Tensor(w.shape)
            conv.backward(
                input: x, weight: w, outputGradient: dy, inputGradient: dx, weightGradient: dw, biasGradient: nil, workspace: workspace,
                allowPointwise: true, algorithm: algorithm, workers: Workers(2))
            errors[algorithm] = (Self.relativeError(dx, dxExact), Self.relativeError(dw, dwExact))
        }
        let (g, v) = (errors[.gemm]!, errors[.winogradWherePossible]!)
        print("[winograd] \(n)x\(c)->\(o) \(size)x\(size): dx im2col \(g.0), Winograd \(v.0); dW im2col \(g.1), Winograd \(v.1)")
        #expect(v.0 <= 4 * g.0 + 1e-7 && v.1 <= 4 * g.1 + 1e-7)
    }
}
