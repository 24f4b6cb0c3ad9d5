import Foundation
import SinoRandom
import TestSupport
import Testing

@testable import SinoNet

/// Grad-CAM against `Tests/Fixtures/sinonet_gradcam.json` (scripts/peers/sinonet_gradcam.py:
/// pytorch-grad-cam's GradCAM math in torch 2.13, float64) on the reduced ResNet (basic,
/// bottleneck) and DenseNet of sinonet_models.py, loaded from the same state_dict files.
/// Heatmaps lie in [0, 1] and must agree within 1e-4 absolute; logits, channel weights and
/// the unscaled low-resolution CAM within 1e-4 relative to their largest magnitude.
@Suite("SinoNet Grad-CAM")
struct GradCAMTests {
    struct Case {
        let name: String
        let model: String
        let classesGiven: [Int]?
        let classes: [Int]
        let tensors: [String: Tensor]
    }

    static func load() throws -> (cases: [Case], tool: String) {
        let json = try Fixtures.json("sinonet_gradcam.json")
        let versions = json["versions"] as? [String: Any] ?? [:]
        guard let raw = json["cases"] as? [[String: Any]], !raw.isEmpty else {
            throw FixtureFormatError("sinonet_gradcam.json has no cases")
        }
        let cases = try raw.map { c in
            guard let name = c["name"] as? String, let model = c["model"] as? String,
                let classes = c["classes"] as? [Int], let rawTensors = c["tensors"] as? [String: [String: Any]]
            else {
                throw FixtureFormatError("a Grad-CAM case lacks name, model, classes or tensors")
            }
            var tensors: [String: Tensor] = [:]
            for (key, value) in rawTensors { tensors[key] = try TorchFixture.decodeTensor(value, "\(name).\(key)") }
            return Case(name: name, model: model, classesGiven: c["classes_given"] as? [Int], classes: classes, tensors: tensors)
        }
        return (cases, "torch \(versions["torch"] ?? "?")")
    }

    /// A reduced model of sinonet_models.py with its reference weights, in eval mode, and its input.
    static func evalModel(_ name: String) throws -> (ImageClassifier, Tensor) {
        let ref = try ModelParityTests.Reference(name)
        let input = try ref.tensors.floatTensor("input")
        let model = try ModelParityTests.model(ref, inputShape: input.shape)
        try model.loadStateDict(ref.weights)
        model.training = false
        return (model, input)
    }

    @Test(
        "heatmaps, weights, logits and predicted classes match pytorch-grad-cam's math in torch",
        arguments: ["resnet_basic", "resnet_bottleneck", "densenet"])
    func parity(modelName: String) throws {
        let (cases, tool) = try Self.load()
        let mine = cases.filter { $0.model == modelName }
        #expect(mine.count == 2)
        let input = try #require(cases.first { $0.name == modelName + "_predicted" }?.tensors["input"])
        let ref = try ModelParityTests.Reference(modelName)
        let model = try ModelParityTests.model(ref, inputShape: input.shape)
        try model.loadStateDict(ref.weights)
        model.training = true
        for c in mine {
            let result = GradCAM.compute(model, images: input, classes: c.classesGiven)
            #expect(model.training, "the training flag is restored")
            #expect(result.classes == c.classes, "\(c.name): classes \(result.classes) vs \(c.classes)")
            let heat = try #require(c.tensors["heatmaps"])
            #expect(result.heatmaps.shape == heat.shape)
            let (diff, _) = result.heatmaps.maxAbsDifference(to: heat)
            print("[compare] Grad-CAM \(c.name) heatmaps \(heat.shape) vs \(tool): max abs diff \(String(format: "%.3g", diff))")
            #expect(diff <= 1e-4, "\(c.name): heatmap max abs diff \(diff)")
            // The map spans [0, 1) as scaled: a 0 and a value within 1e-6 of 1 in every image.
            for n in 0..<heat.shape[0] {
                let values = result.heatmaps.batchSlice(n).values
                #expect(values.min()! == 0 && values.max()! > 0.999 && values.max()! < 1, "\(c.name) image \(n)")
            }
            for key in ["logits", "weights", "low"] {
                let expected = try #require(c.tensors[key])
                let actual: Tensor = key == "logits" ? result.logits : key == "weights" ? result.weights : result.lowResolution
                #expect(actual.shape == expected.shape, "\(c.name) \(key) shape \(actual.shape) vs \(expected.shape)")
                let (d, scale) = actual.maxAbsDifference(to: expected)
                reportComparison("Grad-CAM \(c.name) \(key)", tool: tool, maxRelDiff: Double(d / max(scale, 1e-30)))
                #expect(d <= 1e-4 * scale, "\(c.name) \(key): max abs diff \(d), scale \(scale)")
            }
        }
    }

    /// The head-only gradient equals what the model's full eval-mode backward from a one-hot
    /// logit gradient leaves at the target activation: everywhere for DenseNet (norm5's
    /// output is kept apart from its relu), and where layer4's output is positive for ResNet
    /// (the in-place relu's backward zeroes the rest of the shared buffer).
    @Test("the target-layer gradient equals the full backward's", arguments: ["resnet_bottleneck", "densenet"])
    func gradientMatchesFullBackward(modelName: String) throws {
        let (model, input) = try Self.evalModel(modelName)
        model.forward(input)
        let classes = [2, 0, 1]
        let head = model.gradCAMGradient(classes: classes)
        model.zeroGradients()
        for (i, c) in classes.enumerated() { model.outputGradient[i * model.classes + c] = 1 }
        model.backward()
        let full = model.activationGradients[model.gradCAMActivationKey]
        let a = model.gradCAMActivation
        var compared = 0, worst: Float = 0
        for i in 0..<a.count where modelName == "densenet" || a[i] > 0 {
            worst = max(worst, abs(head[i] - full[i]))
            compared += 1
        }
        #expect(compared > a.count / 10, "\(compared) of \(a.count) entries compared")
        #expect(head.maxMagnitude > 0)
        #expect(worst <= 1e-6 * head.maxMagnitude, "head vs full backward: \(worst)")
    }

    /// At the last layer, the backward pass stopped at the target (`logitGradient`, used for the
    /// earlier layers) gives the head-only gradient checked against pytorch-grad-cam above.
    @Test(
        "the gradient by the stopped backward pass equals the head-only one at the last layer",
        arguments: ["resnet_basic", "resnet_bottleneck", "densenet"])
    func stoppedBackwardAtLastLayer(modelName: String) throws {
        let (model, input) = try Self.evalModel(modelName)
        model.forward(input)
        let classes = [2, 0, 1]
        let head = model.gradCAMGradient(classes: classes)
        let stopped = model.logitGradient(classes: classes, at: model.gradCAMKey(model.gradCAMLayerName)!)
        let (d, scale) = stopped.maxAbsDifference(to: head)
        #expect(scale > 0 && d <= 1e-6 * scale, "stopped vs head-only backward: \(d) of \(scale)")
        #expect(model.gradients.views.allSatisfy { $0.tensor.maxMagnitude == 0 }, "parameter gradients left at zero")
    }

    /// At every earlier layer the gradient is checked against central differences of the
    /// explained logits (eval mode: piecewise linear in the activation, so a step may cross a
    /// relu kink; float32, so the step cannot be tiny). The directions are the unit gradient
    /// and the unit gradient plus a random half-length part, where the derivative is large
    /// against the rounding; 1% tolerance at step 0.01.
    @Test("inner-layer gradients match central differences of the logits", arguments: ["resnet_basic", "resnet_bottleneck", "densenet"])
    func innerLayerGradients(modelName: String) throws {
        let (model, input) = try Self.evalModel(modelName)
        let classes = [1, 2, 0]
        var generator = SplitMix64(seed: 5)
        func unit(_ v: [Double]) -> [Double] {
            let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return v.map { $0 / norm }
        }
        for layer in model.gradCAMLayers.dropLast() {
            let key = model.gradCAMKey(layer)!
            model.forward(input)
            let gradient = model.logitGradient(classes: classes, at: key)
            let a = model.activations[key], saved = a.values
            func explained(_ logits: Tensor) -> Double {
                classes.enumerated().reduce(0) { $0 + Double(logits[$1.offset * model.classes + $1.element]) }
            }
            let along = unit(gradient.values.map(Double.init))
            for trial in 0..<3 {
                let noise = unit((0..<a.count).map { _ in generator.nextStandardNormal() })
                let direction = zip(along, noise).map { Float($0 + (trial == 0 ? 0 : 0.5) * $1) }
                let epsilon: Float = 1e-2
                for i in 0..<a.count { a[i] = saved[i] + epsilon * direction[i] }
                let plus = explained(model.forwardAfter(key))
                for i in 0..<a.count { a[i] = saved[i] - epsilon * direction[i] }
                let minus = explained(model.forwardAfter(key))
                for i in 0..<a.count { a[i] = saved[i] }
                let numeric = (plus - minus) / (2 * Double(epsilon))
                let analytic = (0..<a.count).reduce(0.0) { $0 + Double(gradient[$1]) * Double(direction[$1]) }
                #expect(
                    abs(analytic) > 1e-3 && abs(numeric - analytic) <= 0.01 * abs(analytic),
                    "\(modelName) \(layer): numeric \(numeric) vs analytic \(analytic)")
            }
            let cam = GradCAM.compute(model, images: input, classes: classes, layer: layer)
            #expect(cam.layer == layer && cam.heatmaps.shape == Shape(input.shape[0], input.shape[2], input.shape[3]))
            #expect(cam.lowResolution.shape[1] == a.shape[2] && cam.lowResolution.shape[2] == a.shape[3])
        }
    }

    @Test("the automatic layer is the deepest with a map of at least 7 pixels a side")
    func automaticLayer() {
        let small = ImageClassifier(ResNet.resnet18, inputShape: Shape(1, 1, 64, 64), classes: 3, trainable: false)
        #expect(small.gradCAMLayers == ["layer1", "layer2", "layer3", "layer4"])
        #expect(small.gradCAMMapSize("layer4")! == (2, 2) && small.gradCAMMapSize("layer2")! == (8, 8))
        #expect(GradCAM.automaticLayer(small) == "layer2")
        #expect(GradCAM.automaticLayer(small, minimumSide: 20) == nil)
        let paper = ImageClassifier(ResNet.resnet18, inputShape: Shape(1, 1, 224, 224), classes: 3, trainable: false)
        #expect(paper.gradCAMMapSize("layer4")! == (7, 7) && GradCAM.automaticLayer(paper) == "layer4")
        let dense = ImageClassifier(DenseNet(growthRate: 4, blockConfig: [1, 1, 1], initialFeatures: 8), inputShape: Shape(1, 1, 64, 64), classes: 2, trainable: false)
        #expect(dense.gradCAMLayers == ["features.denseblock1", "features.denseblock2", "features.norm5"])
        #expect(GradCAM.automaticLayer(dense) == "features.denseblock2")
    }

    @Test("bilinear resize: half-pixel centres, clamped edges, identity at equal size")
    func resize() {
        // 2 -> 4: sources -0.25 (clamped to 0), 0.25, 0.75, 1.25 (neighbour clamped).
        let up = GradCAM.resizeBilinear([0, 1], height: 1, width: 2, toHeight: 1, toWidth: 4)
        #expect(up == [0, 0.25, 0.75, 1])
        let x: [Double] = [1, 5, 2, 7, 3, 9]
        #expect(GradCAM.resizeBilinear(x, height: 2, width: 3, toHeight: 2, toWidth: 3) == x)
        // 3 -> 1 samples the middle pixel (source 1.0).
        #expect(GradCAM.resizeBilinear([4, 6, 8], height: 3, width: 1, toHeight: 1, toWidth: 1) == [6])
        var s: [Double] = [2, 4, 6]
        GradCAM.scale(&s)
        #expect(s[0] == 0 && abs(s[1] - 2 / (4 + 1e-7)) < 1e-15 && abs(s[2] - 4 / (4 + 1e-7)) < 1e-15)
    }

    @Test("a full-size ResNet-18 gives one heatmap per image at the input size; the layer names")
    func shapes() {
        let model = ImageClassifier(ResNet.resnet18, inputShape: Shape(2, 1, 64, 48), classes: 3, seed: 3)
        #expect(model.gradCAMLayerName == "layer4")
        #expect(model.gradCAMActivation.shape == Shape(2, 512, 2, 2))
        var generator = SplitMix64(seed: 11)
        let x = Tensor(Shape(2, 1, 64, 48))
        for i in 0..<x.count { x[i] = Float(generator.nextStandardNormal()) }
        let result = GradCAM.compute(model, images: x)
        #expect(result.heatmaps.shape == Shape(2, 64, 48))
        #expect(result.heatmaps.values.allSatisfy { $0 >= 0 && $0 < 1 })
        let dense = ImageClassifier(DenseNet(growthRate: 4, blockConfig: [1, 1], initialFeatures: 8), inputShape: Shape(1, 3, 32, 32), classes: 2)
        #expect(dense.gradCAMLayerName == "features.norm5")
    }
}
