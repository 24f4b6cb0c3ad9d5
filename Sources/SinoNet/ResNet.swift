/// torchvision's ResNet (He et al. 2016; torchvision 0.28 `models/resnet.py`), as an
/// architecture for `ImageClassifier`. Layer order and state_dict names are torchvision's:
///
///     conv1 (7x7 s2 p3) -> bn1 -> relu -> maxpool (3x3 s2 p1)
///     -> layer1 .. layer4 (widths 64/128/256/512, first-block strides 1/2/2/2)
///     -> avgpool (adaptive, 1x1) -> flatten -> fc
///
/// BasicBlock (18/34): conv1 3x3 (stride) -> bn1 -> relu -> conv2 3x3 -> bn2.
/// Bottleneck v1.5 (50/101/152, expansion 4, stride on the 3x3): conv1 1x1 -> bn1 -> relu ->
/// conv2 3x3 (stride) -> bn2 -> relu -> conv3 1x1 -> bn3. Then `out += identity` and relu, the
/// identity going through `downsample.0` (1x1 conv, stride) and `downsample.1` (BN) when the
/// stride is not 1 or the width changes. Init: convs kaiming normal (fan_out, relu), BN 1/0,
/// fc nn.Linear's default.
///
///     let model = ImageClassifier(ResNet.resnet50, inputShape: Shape(16, 3, 224, 224), classes: 2)
public struct ResNet: Sendable, Equatable {
    public enum Block: Sendable, Equatable {
        case basic, bottleneck
        public var expansion: Int { self == .basic ? 1 : 4 }
    }

    public let block: Block
    /// Blocks per stage (layer1 .. layer4).
    public let layers: [Int]
    /// Width of the stem and of layer1 (64 in torchvision); stage s has `baseWidth << s`
    /// planes. Smaller values give the same architecture at a fraction of the cost (tests).
    public let baseWidth: Int

    public init(block: Block, layers: [Int], baseWidth: Int = 64) {
        precondition(layers.count == 4 && layers.allSatisfy { $0 >= 1 }, "ResNet needs four stages of at least one block, got \(layers)")
        precondition(baseWidth >= 1, "ResNet base width must be positive")
        self.block = block
        self.layers = layers
        self.baseWidth = baseWidth
    }

    public static let resnet18 = ResNet(block: .basic, layers: [2, 2, 2, 2])
    public static let resnet34 = ResNet(block: .basic, layers: [3, 4, 6, 3])
    public static let resnet50 = ResNet(block: .bottleneck, layers: [3, 4, 6, 3])
    public static let resnet101 = ResNet(block: .bottleneck, layers: [3, 4, 23, 3])
    public static let resnet152 = ResNet(block: .bottleneck, layers: [3, 8, 36, 3])

    func plan(_ p: inout NetworkPlan, inChannels: Int, classes: Int) {
        let fanOut = ParameterInit.kaimingNormalFanOut
        var x = p.conv(
            "conv1",
            Conv2d(
                inChannels: inChannels, outChannels: baseWidth, kernelSize: 7, stride: 2,
                padding: 3, bias: false), "input", init: fanOut)
        x = p.relu(p.batchNorm("bn1", x))
        x = p.maxPool("maxpool", MaxPool2d(kernelSize: 3, stride: 2, padding: 1), x)
        var inplanes = baseWidth
        for (stage, blocks) in layers.enumerated() {
            let planes = baseWidth << stage
            for b in 0..<blocks {
                let name = "layer\(stage + 1).\(b)"
                let stride = (b == 0 && stage > 0) ? 2 : 1
                x = residualBlock(&p, name, x, inplanes: inplanes, planes: planes, stride: stride)
                inplanes = planes * block.expansion
            }
        }
        x = p.globalAvgPool("avgpool", x)
        _ = p.linear("fc", Linear(inFeatures: inplanes, outFeatures: classes), x)
    }

    private func residualBlock(
        _ p: inout NetworkPlan, _ name: String, _ x: String,
        inplanes: Int, planes: Int, stride: Int
    ) -> String {
        func conv(_ suffix: String, _ cin: Int, _ cout: Int, _ k: Int, _ s: Int, _ input: String) -> String {
            p.conv(
                "\(name).\(suffix)",
                Conv2d(
                    inChannels: cin, outChannels: cout, kernelSize: k, stride: s,
                    padding: k / 2, bias: false), input, init: .kaimingNormalFanOut)
        }
        var out: String
        let outChannels = planes * block.expansion
        switch block {
        case .basic:
            out = p.relu(p.batchNorm("\(name).bn1", conv("conv1", inplanes, planes, 3, stride, x)))
            out = p.batchNorm("\(name).bn2", conv("conv2", planes, planes, 3, 1, out))
        case .bottleneck:
            out = p.relu(p.batchNorm("\(name).bn1", conv("conv1", inplanes, planes, 1, 1, x)))
            out = p.relu(p.batchNorm("\(name).bn2", conv("conv2", planes, planes, 3, stride, out)))
            out = p.batchNorm("\(name).bn3", conv("conv3", planes, outChannels, 1, 1, out))
        }
        var identity = x
        if stride != 1 || inplanes != outChannels {
            identity = p.batchNorm("\(name).downsample.1", conv("downsample.0", inplanes, outChannels, 1, stride, x))
        }
        return p.relu(p.addInPlace(out, identity))
    }
}

/// torchvision's DenseNet-BC (Huang et al. 2017; torchvision 0.28 `models/densenet.py`):
///
///     features.conv0 (7x7 s2 p3) -> norm0 -> relu0 -> pool0 (max 3x3 s2 p1)
///     -> denseblock1 -> transition1 -> ... -> denseblockB -> features.norm5
///     -> relu (functional) -> adaptive avg pool -> flatten -> classifier
///
/// denselayerM: norm1 -> relu1 -> conv1 1x1 (-> bnSize * growth) -> norm2 -> relu2 -> conv2 3x3
/// p1 (-> growth), on the concatenation [block input, new1, ..., newM-1]. Each block has ONE
/// preallocated [N, C0 + L * growth, H, W] buffer: the block input and every layer's new
/// channels are written into their slices, and norm1 reads the buffer's leading channels
/// directly (no per-layer torch.cat). transitionN: norm -> relu -> conv 1x1 (C -> C/2) ->
/// pool (avg 2x2 s2). Init: convs kaiming normal (fan_in), BN 1/0, classifier weight
/// nn.Linear's default and bias 0.
public struct DenseNet: Sendable, Equatable {
    public let growthRate: Int
    public let blockConfig: [Int]
    public let initialFeatures: Int
    public let bottleneckSize: Int

    public init(growthRate: Int = 32, blockConfig: [Int], initialFeatures: Int = 64, bottleneckSize: Int = 4) {
        precondition(!blockConfig.isEmpty && blockConfig.allSatisfy { $0 >= 1 }, "DenseNet block config \(blockConfig)")
        self.growthRate = growthRate
        self.blockConfig = blockConfig
        self.initialFeatures = initialFeatures
        self.bottleneckSize = bottleneckSize
    }

    public static let densenet121 = DenseNet(blockConfig: [6, 12, 24, 16])
    public static let densenet169 = DenseNet(blockConfig: [6, 12, 32, 32])

    func plan(_ p: inout NetworkPlan, inChannels: Int, classes: Int) {
        var x = p.conv(
            "features.conv0",
            Conv2d(
                inChannels: inChannels, outChannels: initialFeatures, kernelSize: 7,
                stride: 2, padding: 3, bias: false), "input", init: .kaimingNormalFanIn)
        x = p.relu(p.batchNorm("features.norm0", x))
        x = p.maxPool("features.pool0", MaxPool2d(kernelSize: 3, stride: 2, padding: 1), x)
        var channels = initialFeatures
        for (i, count) in blockConfig.enumerated() {
            let block = "features.denseblock\(i + 1)"
            let s = p.shape(x), total = channels + count * growthRate
            let buffer = block + ".concat"
            p.addActivation(buffer, Shape(s[0], total, s[2], s[3]))
            p.concat(x, into: buffer, offset: 0)
            for l in 0..<count {
                denseLayer(&p, "\(block).denselayer\(l + 1)", buffer, inChannels: channels + l * growthRate)
            }
            channels = total
            x = buffer
            if i + 1 < blockConfig.count {
                let t = "features.transition\(i + 1)"
                x = p.relu(p.batchNorm(t + ".norm", x))
                x = p.conv(
                    t + ".conv", Conv2d(inChannels: channels, outChannels: channels / 2, kernelSize: 1, bias: false),
                    x, init: .kaimingNormalFanIn)
                x = p.avgPool(t + ".pool", AvgPool2d(kernelSize: 2, stride: 2), x)
                channels /= 2
            }
        }
        x = p.batchNorm("features.norm5", x)
        x = p.relu(x, output: "features.relu5.out") // functional relu; norm5's output is kept
        x = p.globalAvgPool("avgpool", x)
        _ = p.linear("classifier", Linear(inFeatures: channels, outFeatures: classes), x, biasInit: .constant(0))
    }

    private func denseLayer(_ p: inout NetworkPlan, _ name: String, _ buffer: String, inChannels: Int) {
        var x = p.relu(p.batchNorm(name + ".norm1", buffer, channels: inChannels))
        x = p.conv(
            name + ".conv1",
            Conv2d(
                inChannels: inChannels, outChannels: bottleneckSize * growthRate,
                kernelSize: 1, bias: false), x, init: .kaimingNormalFanIn)
        x = p.relu(p.batchNorm(name + ".norm2", x))
        x = p.conv(
            name + ".conv2",
            Conv2d(
                inChannels: bottleneckSize * growthRate, outChannels: growthRate,
                kernelSize: 3, padding: 1, bias: false), x, init: .kaimingNormalFanIn)
        p.concat(x, into: buffer, offset: inChannels)
    }
}
