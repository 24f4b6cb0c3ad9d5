import Foundation
import SinoRandom
import TestSupport
import Testing

@testable import SinoNet

/// Properties of ImageClassifier without a reference run: torchvision's parameter counts and
/// names at full size, initialisation, state_dict errors, head replacement, first-conv
/// adaptation and frozen backbones.
@Suite("SinoNet ResNet and DenseNet models")
struct ModelTests {
    /// Parameter count of the full-size architecture, from the plan alone (no allocation).
    static func parameterCount(_ architecture: ImageClassifier.Architecture, classes: Int = 1000) -> (Int, [String]) {
        var plan = NetworkPlan(inputShape: Shape(1, 3, 224, 224))
        switch architecture {
        case .resNet(let r): r.plan(&plan, inChannels: 3, classes: classes)
        case .denseNet(let d): d.plan(&plan, inChannels: 3, classes: classes)
        }
        return (plan.parameters.elementCount, plan.parameters.entries.map(\.name))
    }

    @Test("full-size parameter counts equal torchvision's (sum of p.numel())")
    func torchvisionCounts() {
        // torchvision 0.28 model docs: resnet18 11,689,512; resnet34 21,797,672; resnet50
        // 25,557,032; resnet101 44,549,160; resnet152 60,192,808; densenet121 7,978,856;
        // densenet169 14,149,480.
        #expect(Self.parameterCount(.resNet(.resnet18)).0 == 11_689_512)
        #expect(Self.parameterCount(.resNet(.resnet34)).0 == 21_797_672)
        #expect(Self.parameterCount(.resNet(.resnet50)).0 == 25_557_032)
        #expect(Self.parameterCount(.resNet(.resnet101)).0 == 44_549_160)
        #expect(Self.parameterCount(.resNet(.resnet152)).0 == 60_192_808)
        #expect(Self.parameterCount(.denseNet(.densenet121)).0 == 7_978_856)
        #expect(Self.parameterCount(.denseNet(.densenet169)).0 == 14_149_480)
    }

    @Test("state_dict names: torchvision's keys in registration order")
    func names() {
        let resnet = Self.parameterCount(.resNet(.resnet50)).1
        #expect(Array(resnet.prefix(3)) == ["conv1.weight", "bn1.weight", "bn1.bias"])
        #expect(resnet.contains("layer1.0.downsample.0.weight") && resnet.contains("layer4.2.bn3.bias"))
        #expect(!resnet.contains("layer1.1.downsample.0.weight"))
        #expect(Array(resnet.suffix(2)) == ["fc.weight", "fc.bias"])
        let resnet18 = Self.parameterCount(.resNet(.resnet18)).1
        #expect(!resnet18.contains("layer1.0.downsample.0.weight") && resnet18.contains("layer2.0.downsample.1.weight"))
        let dense = Self.parameterCount(.denseNet(.densenet121)).1
        #expect(dense.first == "features.conv0.weight")
        #expect(dense.contains("features.denseblock4.denselayer16.conv2.weight"))
        #expect(dense.contains("features.transition3.conv.weight") && !dense.contains("features.transition4.conv.weight"))
        #expect(Array(dense.suffix(4)) == ["features.norm5.weight", "features.norm5.bias", "classifier.weight", "classifier.bias"])
    }

    static let smallResNet = ResNet(block: .basic, layers: [1, 1, 1, 1], baseWidth: 8)
    static let smallDenseNet = DenseNet(growthRate: 8, blockConfig: [2, 2], initialFeatures: 16)

    @Test("initialisation: kaiming normal (fan_out ResNet, fan_in DenseNet), BN 1/0, Linear default, seeded")
    func initialisation() {
        let resnet = ImageClassifier(
            ResNet(block: .bottleneck, layers: [1, 1, 1, 1], baseWidth: 16),
            inputShape: Shape(2, 3, 32, 32), classes: 5, seed: 11)
        func std(_ t: Tensor) -> Double {
            let v = t.values.map(Double.init), m = v.reduce(0, +) / Double(v.count)
            return (v.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(v.count)).squareRoot()
        }
        // layer4.0.conv2: [128, 128, 3, 3]; fan_out = 128*9 -> std sqrt(2/1152) = 0.0417.
        let w = resnet.parameters["layer4.0.conv2.weight"]
        #expect(abs(std(w) / (2.0 / 1152).squareRoot() - 1) < 0.02)
        #expect(resnet.parameters["bn1.weight"].values.allSatisfy { $0 == 1 })
        #expect(resnet.parameters["layer2.0.downsample.1.bias"].values.allSatisfy { $0 == 0 })
        #expect(resnet.buffers["bn1.running_var"].values.allSatisfy { $0 == 1 })
        let fc = resnet.parameters["fc.weight"], bound = 1 / Float(512).squareRoot()
        #expect(fc.maxMagnitude <= bound && fc.maxMagnitude > 0.9 * bound)
        #expect(resnet.parameters["fc.bias"].maxMagnitude <= bound && resnet.parameters["fc.bias"].maxMagnitude > 0)
        let again = ImageClassifier(
            ResNet(block: .bottleneck, layers: [1, 1, 1, 1], baseWidth: 16),
            inputShape: Shape(2, 3, 32, 32), classes: 5, seed: 11)
        #expect(again.parameters["layer3.0.conv3.weight"].values == resnet.parameters["layer3.0.conv3.weight"].values)

        let dense = ImageClassifier(
            DenseNet(growthRate: 32, blockConfig: [2, 2], initialFeatures: 64),
            inputShape: Shape(2, 3, 32, 32), classes: 4, seed: 3)
        // denseblock2.denselayer2.conv1: [128, 96, 1, 1] (block2 input (64 + 2*32)/2 = 64, plus 32); fan_in 96.
        #expect(abs(std(dense.parameters["features.denseblock2.denselayer2.conv1.weight"]) / (2.0 / 96).squareRoot() - 1) < 0.02)
        #expect(dense.parameters["classifier.bias"].values.allSatisfy { $0 == 0 })
        #expect(dense.parameters["classifier.weight"].maxMagnitude > 0)
    }

    @Test("loadStateDict names each missing, unexpected and wrongly shaped key; num_batches_tracked is ignored")
    func stateDictErrors() throws {
        let model = ImageClassifier(Self.smallResNet, inputShape: Shape(2, 3, 32, 32), classes: 3, seed: 1)
        let ok = try SafeTensors(data: model.stateDict().data(), source: "ok.safetensors")
        #expect(ok.names.contains("bn1.num_batches_tracked"))
        let other = ImageClassifier(Self.smallResNet, inputShape: Shape(2, 3, 32, 32), classes: 3, seed: 2)
        try other.loadStateDict(ok)
        for (name, t) in other.parameters.views { #expect(t.values == model.parameters[name].values) }

        var writer = SafeTensors.Writer()
        for (name, t) in model.parameters.views where name != "layer2.0.bn1.weight" {
            writer.add(name, name == "fc.weight" ? Tensor(Shape(4, 64)) : t)
        }
        for (name, t) in model.buffers.views { writer.add(name, t) }
        writer.add("layer9.extra", Tensor(Shape(1)))
        writer.addInt64("layer1.0.bn1.num_batches_tracked", [3], shape: [])
        writer.addInt64("nothing.num_batches_tracked", [3], shape: [])
        let before = other.parameters["conv1.weight"].values
        let bad = try SafeTensors(data: writer.data(), source: "bad.safetensors")
        do {
            try other.loadStateDict(bad)
            Issue.record("a state_dict with missing, unexpected and misshapen keys was loaded")
        } catch let error as StateDictError {
            #expect(error.missing == ["layer2.0.bn1.weight"])
            #expect(error.unexpected == ["layer9.extra", "nothing.num_batches_tracked"])
            #expect(error.wrongShape == [.init(name: "fc.weight", expected: Shape(3, 64), found: [4, 64])])
            #expect(error.description.contains("layer2.0.bn1.weight") && error.description.contains("bad.safetensors"))
        }
        #expect(other.parameters["conv1.weight"].values == before) // nothing loaded
    }

    @Test("replaceHead keeps the backbone and gives a freshly initialised head of the new size")
    func replaceHead() {
        for model in [
            ImageClassifier(Self.smallResNet, inputShape: Shape(2, 3, 32, 32), classes: 10, seed: 4),
            ImageClassifier(Self.smallDenseNet, inputShape: Shape(2, 3, 32, 32), classes: 10, seed: 4)
        ] {
            let backbone = model.firstConvName + ".weight"
            let kept = model.parameters[backbone].values
            model.replaceHead(classes: 2)
            #expect(model.classes == 2)
            #expect(model.parameters[model.headName + ".weight"].shape[0] == 2)
            #expect(model.parameters[backbone].values == kept)
            let x = Tensor(Shape(2, 3, 32, 32), values: (0..<(2 * 3 * 32 * 32)).map { Float(($0 * 37) % 101) / 50 - 1 })
            model.training = false
            let logits = model.forward(x)
            #expect(logits.shape == Shape(2, 2) && logits.maxMagnitude > 0 && logits.maxMagnitude.isFinite)
        }
    }

    @Test("adaptFirstConv: a grey image replicated over the new channels gives the RGB output of (g, g, g)")
    func adaptFirstConv() {
        for model in [
            ImageClassifier(Self.smallResNet, inputShape: Shape(2, 3, 32, 32), classes: 3, seed: 5),
            ImageClassifier(Self.smallDenseNet, inputShape: Shape(2, 3, 32, 32), classes: 3, seed: 5)
        ] {
            model.training = false
            let grey = (0..<(2 * 32 * 32)).map { Float(sin(Double($0) * 0.37)) }
            func replicated(_ c: Int) -> Tensor {
                var v: [Float] = []
                for n in 0..<2 { for _ in 0..<c { v += grey[(n * 1024)..<((n + 1) * 1024)] } }
                return Tensor(Shape(2, c, 32, 32), values: v)
            }
            let rgb = Tensor(Shape(2, 3), values: model.forward(replicated(3)).values)
            for channels in [1, 2] {
                model.adaptFirstConv(inChannels: channels)
                #expect(model.inputShape == Shape(2, channels, 32, 32))
                let out = model.forward(replicated(channels))
                let (diff, scale) = out.maxAbsDifference(to: rgb)
                #expect(diff <= 1e-5 * scale, "\(channels) channels: \(diff) vs \(scale)")
            }
        }
    }

    @Test("freezeBackbone: frozen gradients are zero, the head's equal the unfrozen run's, backbone backward skippable")
    func freeze() {
        for model in [
            ImageClassifier(Self.smallResNet, inputShape: Shape(2, 3, 32, 32), classes: 3, seed: 6),
            ImageClassifier(Self.smallDenseNet, inputShape: Shape(2, 3, 32, 32), classes: 3, seed: 6)
        ] {
            let x = Tensor(Shape(2, 3, 32, 32), values: (0..<(6 * 1024)).map { Float(cos(Double($0) * 0.11)) })
            let loss = CrossEntropyLoss()
            func step() -> [String: [Float]] {
                model.zeroGradients()
                let logits = model.forward(x)
                loss.backward(logits: logits, targets: [0, 2], logitsGradient: model.outputGradient)
                model.backward()
                return Dictionary(uniqueKeysWithValues: model.gradients.views.map { ($0.name, $0.tensor.values) })
            }
            model.training = false // running statistics unchanged between the runs
            let full = step()
            let head = model.headName + ".weight", first = model.firstConvName + ".weight"
            #expect(full[first]!.contains { $0 != 0 })
            model.freezeBackbone()
            #expect(model.frozen.contains(first) && !model.frozen.contains(head))
            let frozen = step()
            #expect(frozen[first]!.allSatisfy { $0 == 0 })
            #expect(frozen[head] == full[head])
            model.computesInputGradient = false
            let skipped = step()
            #expect(skipped[head] == full[head] && skipped[first]!.allSatisfy { $0 == 0 })
            #expect(model.inputGradient.maxMagnitude == 0)
            model.unfreeze()
            model.computesInputGradient = true
            #expect(step()[first] == full[first])
        }
    }

    @Test("state_dict written by SinoNet loads into a fresh model with identical eval outputs")
    func stateDictRoundTrip() throws {
        let a = ImageClassifier(Self.smallDenseNet, inputShape: Shape(2, 3, 32, 32), classes: 3, seed: 8)
        let x = Tensor(Shape(2, 3, 32, 32), values: (0..<(6 * 1024)).map { Float(($0 % 13)) / 6 - 1 })
        a.training = true
        a.forward(x) // moves the running statistics away from 0 / 1
        let url = try SinoRadCommand.temporaryFolder().appendingPathComponent("dense.safetensors")
        try a.stateDict().write(to: url)
        let b = ImageClassifier(Self.smallDenseNet, inputShape: Shape(2, 3, 32, 32), classes: 3, seed: 9)
        try b.loadStateDict(SafeTensors(contentsOf: url))
        a.training = false
        b.training = false
        #expect(a.forward(x).values == b.forward(x).values)
    }

    @Test("an inference-only model's kept Winograd filters follow loadStateDict, replaceHead and parametersChanged()")
    func keptWinogradFilters() throws {
        let shape = Shape(1, 3, 64, 64) // layer1 at 16 x 16: 64 tiles, Winograd in eval mode
        let x = Tensor(shape, values: (0..<shape.count).map { Float(($0 * 5) % 23) / 11 - 1 })
        let model = ImageClassifier(ResNet.resnet18, inputShape: shape, classes: 3, seed: 1, trainable: false)
        #expect(model.keepsWinogradFilters && model.winogradLayers.contains("layer1.0.conv1.weight"))
        let before = model.forward(x).values
        // Other weights, loaded: the logits are those of a fresh model with them.
        let source = ImageClassifier(ResNet.resnet18, inputShape: shape, classes: 3, seed: 2, trainable: false)
        let url = try SinoRadCommand.temporaryFolder("keptWinogradFilters").appendingPathComponent("r18.safetensors")
        try source.stateDict().write(to: url)
        try model.loadStateDict(SafeTensors(contentsOf: url))
        let loaded = model.forward(x).values
        #expect(loaded == source.forward(x).values && loaded != before)
        // A direct write, announced.
        for m in [model, source] {
            m.parameters["layer1.0.conv1.weight"].fill(0.01)
            m.parametersChanged()
        }
        let written = model.forward(x).values
        #expect(written == source.forward(x).values && written != loaded)
        // A trainable model in eval mode makes the same choice and transforms on each call: the same bits.
        let trainable = ImageClassifier(ResNet.resnet18, inputShape: shape, classes: 3, seed: 5)
        try trainable.loadStateDict(SafeTensors(contentsOf: url))
        try model.loadStateDict(SafeTensors(contentsOf: url))
        trainable.training = false
        #expect(trainable.forward(x).values == model.forward(x).values)
    }

    @Test(
        "trainable: false allocates no gradient arenas and gives bit-identical eval logits (ResNet, DenseNet)",
        arguments: ["resnet", "densenet"])
    func inferenceOnly(kind: String) throws {
        let shape = Shape(2, 3, 40, 36)
        func make(seed: UInt64, trainable: Bool) -> ImageClassifier {
            kind == "resnet"
                ? ImageClassifier(Self.smallResNet, inputShape: shape, classes: 4, seed: seed, trainable: trainable)
                : ImageClassifier(Self.smallDenseNet, inputShape: shape, classes: 4, seed: seed, trainable: trainable)
        }
        let a = make(seed: 5, trainable: true)
        let x = Tensor(shape, values: (0..<shape.count).map { Float(($0 * 7) % 19) / 9 - 1 })
        a.forward(x) // training mode: moves the running statistics away from 0 / 1
        // One folder per case: the two cases run in parallel and the folder is recreated.
        let url = try SinoRadCommand.temporaryFolder("inferenceOnly-\(kind)").appendingPathComponent("\(kind)-infer.safetensors")
        try a.stateDict().write(to: url)
        let b = make(seed: 6, trainable: false)
        #expect(!b.trainable && a.trainable)
        #expect(!b.training) // an inference-only model starts in eval mode
        try b.loadStateDict(SafeTensors(contentsOf: url))
        a.training = false
        let expected = a.forward(x).values
        #expect(b.forward(x).values == expected)
        #expect(b.forward(x).values == expected) // repeatable
        #expect(b.gradCAMGradient(classes: [1, 3]).values == a.gradCAMGradient(classes: [1, 3]).values)
        // Re-planning keeps the mode.
        b.replaceHead(classes: 2)
        #expect(!b.trainable && b.forward(x).shape == Shape(2, 2))
    }

    @Test("each in-place ReLU right after a BatchNorm runs in the BatchNorm's pass: the stem and every block's first BatchNorm of ResNet-18")
    func batchNormReLUFusion() {
        let model = ImageClassifier(ResNet.resnet18, inputShape: Shape(1, 3, 32, 32), classes: 2, trainable: false)
        // bn1 + relu of the stem, bn1 + relu of each of the 8 basic blocks (bn2 is followed by
        // the residual addition: bn2 + addition + relu in one pass in the 5 blocks without a
        // downsampling branch between them).
        #expect(model.fusedReLUCount == 9)
        #expect(model.fusedResidualCount == 5)
    }

    @Test(
        "eval mode: BatchNorm + residual addition + ReLU as one pass gives the same logits, bit for bit (inference-only ResNet-18, bottleneck ResNet)",
        arguments: [(ResNet.resnet18, 5), (ResNet(block: .bottleneck, layers: [2, 1, 2, 1], baseWidth: 8), 2)])
    func residualFusionEvalBits(resnet: ResNet, triples: Int) {
        let shape = Shape(2, 3, 32, 32)
        var g = SplitMix64(seed: 11)
        let x = Tensor(shape, values: (0..<shape.count).map { _ in g.nextUnitFloat() * 2 - 1 })
        var logits: [[UInt32]] = []
        for fused in [true, false] {
            let model = ImageClassifier(resnet, inputShape: shape, classes: 3, seed: 6, trainable: false)
            // Running statistics away from 0 / 1, so the BatchNorms do something.
            var r = SplitMix64(seed: 12)
            for (name, t) in model.buffers.views {
                for i in 0..<t.count { t[i] = name.hasSuffix("running_var") ? 0.5 + r.nextUnitFloat() : r.nextUnitFloat() - 0.5 }
            }
            model.fusesBatchNormReLU = fused
            model.training = false
            model.threads = 2
            // Every block but the first of each stage (which has a downsampling branch).
            #expect(model.fusedResidualCount == (fused ? triples : 0))
            logits.append(model.forward(x).values.map(\.bitPattern))
        }
        #expect(logits[0] == logits[1])
    }

    @Test(
        "BatchNorm + ReLU as one pass, forward and backward, gives the same bits as the two passes (ResNet-18, DenseNet)",
        arguments: ["resnet18", "densenet"])
    func batchNormReLUFusionBits(network: String) {
        var results: [[[Float]]] = []
        for fused in [true, false] {
            let shape = Shape(2, 3, 32, 32)
            let model =
                network == "resnet18"
                ? ImageClassifier(ResNet.resnet18, inputShape: shape, classes: 3, seed: 5)
                : ImageClassifier(DenseNet(growthRate: 8, blockConfig: [2, 2], initialFeatures: 16, bottleneckSize: 2), inputShape: shape, classes: 3, seed: 5)
            model.fusesBatchNormReLU = fused
            model.threads = 2
            var g = SplitMix64(seed: 9)
            let x = Tensor(shape, values: (0..<shape.count).map { _ in g.nextUnitFloat() * 2 - 1 })
            let logits = model.forward(x)
            let loss = CrossEntropyLoss()
            _ = loss.forward(logits: logits, targets: [0, 2])
            model.zeroGradients()
            loss.backward(logits: logits, targets: [0, 2], logitsGradient: model.outputGradient)
            model.backward()
            results.append([logits.values, model.inputGradient.values] + model.gradients.views.map { $0.tensor.values })
        }
        #expect(results[0].count == results[1].count)
        for (a, b) in zip(results[0], results[1]) { #expect(a.map(\.bitPattern) == b.map(\.bitPattern)) }
    }
}
