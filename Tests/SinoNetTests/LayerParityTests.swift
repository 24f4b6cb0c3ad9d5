import Testing

@testable import SinoNet

/// Every layer against PyTorch 2.13 (scripts/peers/sinonet_layers.py): forward output and the
/// gradients of <output, dy> for a random upstream gradient dy, each within 1e-4 of the
/// reference's largest magnitude.
@Suite("SinoNet layers versus PyTorch")
struct LayerParityTests {
    let fixture: TorchFixture

    init() throws { fixture = try TorchFixture() }

    @Test("Conv2d: stride, padding, dilation, 1x1, 7x7 stem; output, dx, dW, db")
    func conv2d() throws {
        let cases = fixture.cases(layer: "conv2d")
        #expect(cases.count >= 6)
        for c in cases {
            let conv = Conv2d(
                inChannels: try c.int("in_channels"), outChannels: try c.int("out_channels"),
                kernelSize: try c.int("kernel_size"), stride: try c.int("stride"),
                padding: try c.int("padding"), dilation: try c.int("dilation"),
                bias: try c.bool("bias"))
            let x = try c.tensor("x"), w = try c.tensor("weight")
            let b = conv.hasBias ? try c.tensor("bias") : nil
            let workspace = Tensor(Shape(max(conv.workspaceCount(for: x.shape), 1)))
            let y = Tensor(conv.outputShape(for: x.shape))
            conv.forward(input: x, weight: w, bias: b, output: y, workspace: workspace)
            expectParity(y, try c.tensor("y"), "\(c.name) y", tool: fixture.tool)

            let dx = Tensor(x.shape), dw = Tensor(w.shape)
            let db = conv.hasBias ? Tensor(conv.biasShape) : nil
            conv.backward(
                input: x, weight: w, outputGradient: try c.tensor("dy"), inputGradient: dx,
                weightGradient: dw, biasGradient: db, workspace: workspace)
            expectParity(dx, try c.tensor("dx"), "\(c.name) dx", tool: fixture.tool)
            expectParity(dw, try c.tensor("dweight"), "\(c.name) dweight", tool: fixture.tool)
            if let db { expectParity(db, try c.tensor("dbias"), "\(c.name) dbias", tool: fixture.tool) }
        }
    }

    @Test("BatchNorm2d train and eval: output, dx, dgamma, dbeta, running statistics")
    func batchNorm() throws {
        let cases = fixture.cases(layer: "batchnorm2d")
        #expect(cases.count == 2)
        for c in cases {
            let bn = BatchNorm2d(
                channels: try c.int("channels"), eps: try c.float("eps"),
                momentum: try c.float("momentum"))
            let x = try c.tensor("x"), gamma = try c.tensor("weight"), beta = try c.tensor("bias")
            let runningMean = try c.tensor("running_mean"), runningVar = try c.tensor("running_var")
            let y = Tensor(x.shape), dx = Tensor(x.shape)
            let dgamma = Tensor(bn.parameterShape), dbeta = Tensor(bn.parameterShape)
            let dy = try c.tensor("dy")
            if try c.bool("training") {
                let mean = Tensor(bn.parameterShape), invStd = Tensor(bn.parameterShape)
                bn.forwardTraining(
                    input: x, weight: gamma, bias: beta, runningMean: runningMean,
                    runningVar: runningVar, output: y, savedMean: mean, savedInvStd: invStd)
                bn.backwardTraining(
                    input: x, weight: gamma, savedMean: mean, savedInvStd: invStd,
                    outputGradient: dy, inputGradient: dx, weightGradient: dgamma,
                    biasGradient: dbeta)
            } else {
                bn.forwardInference(
                    input: x, weight: gamma, bias: beta, runningMean: runningMean,
                    runningVar: runningVar, output: y)
                bn.backwardInference(
                    input: x, weight: gamma, runningMean: runningMean,
                    runningVar: runningVar, outputGradient: dy, inputGradient: dx,
                    weightGradient: dgamma, biasGradient: dbeta)
            }
            expectParity(y, try c.tensor("y"), "\(c.name) y", tool: fixture.tool)
            expectParity(dx, try c.tensor("dx"), "\(c.name) dx", tool: fixture.tool)
            expectParity(dgamma, try c.tensor("dweight"), "\(c.name) dgamma", tool: fixture.tool)
            expectParity(dbeta, try c.tensor("dbias"), "\(c.name) dbeta", tool: fixture.tool)
            expectParity(runningMean, try c.tensor("running_mean_after"), "\(c.name) running_mean", tool: fixture.tool)
            expectParity(runningVar, try c.tensor("running_var_after"), "\(c.name) running_var", tool: fixture.tool)
        }
    }

    @Test("ReLU, MaxPool2d (ties, all-negative input), AvgPool2d (count_include_pad), AdaptiveAvgPool2d")
    func elementwiseAndPooling() throws {
        let kinds = ["relu", "maxpool2d", "avgpool2d", "adaptiveavgpool2d"]
        let cases = fixture.cases.filter { kinds.contains($0.layer) }
        #expect(cases.count == 7)
        for c in cases {
            let x = try c.tensor("x"), dy = try c.tensor("dy")
            let forward: (Tensor, Tensor) -> Void
            let backward: (Tensor, Tensor, Tensor, Tensor) -> Void // x, y, dy, dx
            let outShape: Shape
            switch c.layer {
            case "relu":
                outShape = x.shape
                forward = { ReLU.forward(input: $0, output: $1) }
                backward = { ReLU.backward(output: $1, outputGradient: $2, inputGradient: $3) }
            case "maxpool2d":
                let pool = MaxPool2d(
                    kernelSize: try c.int("kernel_size"), stride: try c.int("stride"),
                    padding: try c.int("padding"))
                outShape = pool.outputShape(for: x.shape)
                forward = { pool.forward(input: $0, output: $1) }
                backward = { x, _, dy, dx in pool.backward(input: x, outputGradient: dy, inputGradient: dx) }
            case "avgpool2d":
                let pool = AvgPool2d(
                    kernelSize: try c.int("kernel_size"), stride: try c.int("stride"),
                    padding: try c.int("padding"))
                outShape = pool.outputShape(for: x.shape)
                forward = { pool.forward(input: $0, output: $1) }
                backward = { x, _, dy, dx in pool.backward(input: x, outputGradient: dy, inputGradient: dx) }
            default:
                outShape = AdaptiveAvgPool2d.outputShape(for: x.shape)
                forward = { AdaptiveAvgPool2d.forward(input: $0, output: $1) }
                backward = { x, _, dy, dx in AdaptiveAvgPool2d.backward(input: x, outputGradient: dy, inputGradient: dx) }
            }
            let y = Tensor(outShape), dx = Tensor(x.shape)
            forward(x, y)
            backward(x, y, dy, dx)
            expectParity(y, try c.tensor("y"), "\(c.name) y", tool: fixture.tool)
            expectParity(dx, try c.tensor("dx"), "\(c.name) dx", tool: fixture.tool)
        }
    }

    @Test("Linear: output, dx, dW, db")
    func linear() throws {
        let c = try fixture.case("linear")
        let fc = Linear(inFeatures: try c.int("in_features"), outFeatures: try c.int("out_features"))
        let x = try c.tensor("x"), w = try c.tensor("weight"), b = try c.tensor("bias")
        let y = Tensor(fc.outputShape(for: x.shape))
        fc.forward(input: x, weight: w, bias: b, output: y)
        let dx = Tensor(x.shape), dw = Tensor(w.shape), db = Tensor(b.shape)
        fc.backward(
            input: x, weight: w, outputGradient: try c.tensor("dy"), inputGradient: dx,
            weightGradient: dw, biasGradient: db)
        expectParity(y, try c.tensor("y"), "linear y", tool: fixture.tool)
        expectParity(dx, try c.tensor("dx"), "linear dx", tool: fixture.tool)
        expectParity(dw, try c.tensor("dweight"), "linear dweight", tool: fixture.tool)
        expectParity(db, try c.tensor("dbias"), "linear dbias", tool: fixture.tool)
    }

    @Test("channel concatenation into a preallocated buffer and its gradient")
    func concat() throws {
        let c = try fixture.case("concat")
        let a = try c.tensor("a"), b = try c.tensor("b"), expected = try c.tensor("y")
        let y = Tensor(expected.shape)
        ChannelConcat.forward(input: a, into: y, channelOffset: 0)
        ChannelConcat.forward(input: b, into: y, channelOffset: a.shape[1])
        let da = Tensor(a.shape), db = Tensor(b.shape), dy = try c.tensor("dy")
        ChannelConcat.backward(outputGradient: dy, channelOffset: 0, inputGradient: da)
        ChannelConcat.backward(outputGradient: dy, channelOffset: a.shape[1], inputGradient: db)
        expectParity(y, expected, "concat y", tool: fixture.tool)
        expectParity(da, try c.tensor("da"), "concat da", tool: fixture.tool)
        expectParity(db, try c.tensor("db"), "concat db", tool: fixture.tool)
    }

    @Test("CrossEntropyLoss: plain, class-weighted with label smoothing, smoothing only")
    func crossEntropy() throws {
        let cases = fixture.cases(layer: "cross_entropy")
        #expect(cases.count == 3)
        for c in cases {
            guard let targets = c.config["targets"] as? [Int] else { throw FixtureFormatError("targets") }
            let weights = try c.bool("weighted") ? try c.tensor("class_weights").values : nil
            let loss = CrossEntropyLoss(classWeights: weights, labelSmoothing: try c.float("label_smoothing"))
            let logits = try c.tensor("logits")
            let value = Tensor(Shape(1), values: [loss.forward(logits: logits, targets: targets)])
            let dz = Tensor(logits.shape)
            loss.backward(logits: logits, targets: targets, logitsGradient: dz)
            expectParity(value, try c.tensor("loss"), "\(c.name) loss", tool: fixture.tool)
            expectParity(dz, try c.tensor("dlogits"), "\(c.name) dlogits", tool: fixture.tool)
        }
    }
}
