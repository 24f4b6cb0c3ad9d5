import Foundation
import TestSupport
import Testing

@testable import SinoNet

/// ResNet (BasicBlock and Bottleneck) and DenseNet against the same networks in PyTorch 2.13
/// (scripts/peers/sinonet_models.py, torchvision's module names and layer order): the
/// state_dict is loaded with `loadStateDict` from the safetensors file torch saved; then eval
/// logits, train logits, the cross-entropy loss, the input gradient, EVERY parameter gradient
/// and the running statistics after the training forward are compared, each with
/// max |ours - torch| <= 1e-4 x max |torch|.
@Suite("SinoNet ResNet and DenseNet versus PyTorch")
struct ModelParityTests {
    struct Reference {
        let weights: SafeTensors
        let tensors: SafeTensors
        let config: [String: Any]
        let tool: String

        /// The committed fixture `name`, or the files of `name` in `folder` (full-size runs).
        init(_ name: String, folder: URL? = nil) throws {
            func url(_ file: String) -> URL { folder?.appendingPathComponent(file) ?? Fixtures.url(file) }
            weights = try SafeTensors(contentsOf: url("sinonet_models_\(name).safetensors"))
            tensors = try SafeTensors(contentsOf: url("sinonet_models_\(name)_reference.safetensors"))
            guard let configText = tensors.metadata["config"], let versionsText = tensors.metadata["versions"],
                let config = try JSONSerialization.jsonObject(with: Data(configText.utf8)) as? [String: Any],
                let versions = try JSONSerialization.jsonObject(with: Data(versionsText.utf8)) as? [String: Any]
            else {
                throw FixtureFormatError("\(name): reference metadata lacks config or versions")
            }
            self.config = config
            tool = "torch \(versions["torch"] ?? "?")"
        }

        func int(_ key: String) throws -> Int {
            guard let v = config[key] as? Int else { throw FixtureFormatError("config \(key)") }
            return v
        }

        func ints(_ key: String) throws -> [Int] {
            guard let v = config[key] as? [Int] else { throw FixtureFormatError("config \(key)") }
            return v
        }
    }

    static func model(_ ref: Reference, inputShape: Shape) throws -> ImageClassifier {
        let classes = try ref.int("classes")
        if ref.config["family"] as? String == "resnet" {
            let block: ResNet.Block = ref.config["block"] as? String == "basic" ? .basic : .bottleneck
            return ImageClassifier(
                ResNet(block: block, layers: try ref.ints("layers"), baseWidth: try ref.int("base_width")),
                inputShape: inputShape, classes: classes)
        }
        return ImageClassifier(
            DenseNet(
                growthRate: try ref.int("growth_rate"), blockConfig: try ref.ints("block_config"),
                initialFeatures: try ref.int("initial_features"), bottleneckSize: try ref.int("bn_size")),
            inputShape: inputShape, classes: classes)
    }

    func check(_ name: String, _ convolutions: ConvolutionChoice = .automatic) throws {
        let ref = try Reference(name)
        let x = try ref.tensors.floatTensor("input")
        let targets = try ref.tensors.int64Values("targets").map(Int.init)
        let model = try Self.model(ref, inputShape: x.shape)
        model.convolutions = convolutions
        if convolutions == .winogradWherePossible { #expect(!model.winogradLayers.isEmpty) }
        let name = convolutions == .automatic ? name : "\(name) (\(convolutions.rawValue))"
        #expect(
            Set(model.parameterNames + model.bufferNames)
                == Set(ref.weights.names.filter { !$0.hasSuffix("num_batches_tracked") }))
        try model.loadStateDict(ref.weights)

        model.training = false
        expectParity(model.forward(x), try ref.tensors.floatTensor("eval_logits"), "\(name) eval logits", tool: ref.tool)

        model.training = true
        let logits = model.forward(x)
        expectParity(logits, try ref.tensors.floatTensor("train_logits"), "\(name) train logits", tool: ref.tool)
        let loss = CrossEntropyLoss()
        let value = loss.forward(logits: logits, targets: targets)
        expectParity(Tensor(Shape(1), values: [value]), try ref.tensors.floatTensor("loss"), "\(name) loss", tool: ref.tool)
        model.zeroGradients()
        loss.backward(logits: logits, targets: targets, logitsGradient: model.outputGradient)
        model.backward()
        expectParity(model.inputGradient, try ref.tensors.floatTensor("input_grad"), "\(name) input grad", tool: ref.tool)
        var compared = 0
        for (parameter, gradient) in model.gradients.views {
            expectParity(gradient, try ref.tensors.floatTensor("grad." + parameter), "\(name) grad \(parameter)", tool: ref.tool)
            compared += 1
        }
        for (buffer, value) in model.buffers.views {
            expectParity(value, try ref.tensors.floatTensor("after." + buffer), "\(name) \(buffer) after step", tool: ref.tool)
        }
        #expect(compared == ref.tensors.names.filter { $0.hasPrefix("grad.") }.count)
    }

    @Test("ResNet, BasicBlock [1,1,1,1], width 8, 3 channels: eval, train, loss, every gradient", arguments: ConvolutionChoice.allCases)
    func resNetBasic(_ convolutions: ConvolutionChoice) throws { try check("resnet_basic", convolutions) }

    @Test("ResNet, Bottleneck v1.5 [1,1,1,1], width 4, 2 channels: eval, train, loss, every gradient", arguments: ConvolutionChoice.allCases)
    func resNetBottleneck(_ convolutions: ConvolutionChoice) throws { try check("resnet_bottleneck", convolutions) }

    @Test("DenseNet, growth 8, blocks (2, 2): eval, train, loss, every gradient", arguments: ConvolutionChoice.allCases)
    func denseNet(_ convolutions: ConvolutionChoice) throws { try check("densenet", convolutions) }
}
