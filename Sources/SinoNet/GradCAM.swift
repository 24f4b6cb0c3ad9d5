import Foundation

/// Grad-CAM (Selvaraju et al. 2017) for an `ImageClassifier`, with pytorch-grad-cam's
/// semantics (`GradCAM(model, target_layers=[layer])(x)`, one target layer):
///
/// - the model runs in eval mode; the target of image n is the raw logit y_c of class c
///   (default: the predicted class, the first maximum as `np.argmax`);
/// - target layer: by default ResNet `layer4` (its output after the last block's relu), DenseNet
///   `features.norm5` (its output BEFORE the functional relu, so activations can be negative);
///   or an earlier stage (`layer1`...`layer3`, `features.denseblock1`...`3`), whose map is
///   finer: at a 64 x 64 input ResNet's `layer4` map is 2 x 2 and `layer2`'s 8 x 8
///   (`automaticLayer` picks the deepest stage with a map of at least a given side);
/// - weights w_k = mean over (i, j) of d y_c / d A_k(i, j); cam = relu(sum_k w_k A_k);
/// - `scale_cam_image(cam, (W, H))`: x - min(x), then / (1e-7 + max), then cv2.resize with
///   INTER_LINEAR (bilinear, half-pixel centres, edges clamped: what
///   `F.interpolate(mode="bilinear", align_corners=False)` computes when upsampling);
/// - `aggregate_multi_layers`: relu and mean over the single layer (no-ops), then
///   `scale_cam_image` once more without resizing.
///
/// The gradient d y_c / d A is obtained by running the backward passes of the layers after
/// the target (the head: global average pooling and the linear layer, plus norm5's relu for
/// DenseNet) with the model's own parameters and activations; it is exactly what a full
/// `backward()` from a one-hot logit gradient leaves at the target activation, without the
/// cost of the backbone's backward, and it leaves `model.gradients` untouched.
///
///     let model = ImageClassifier(ResNet.resnet50, inputShape: Shape(4, 3, 224, 224), classes: 3)
///     try model.loadStateDict(SafeTensors(contentsOf: weights))
///     let cam = GradCAM.compute(model, images: x)   // cam.heatmaps is [4, 224, 224] in [0, 1]
public enum GradCAM {
    /// One Grad-CAM run over a batch.
    public struct Result {
        /// [N, H, W]: one heatmap per image at the input resolution, in [0, 1].
        public let heatmaps: Tensor
        /// The class explained for each image (the predicted one unless given).
        public let classes: [Int]
        /// Eval-mode logits [N, classes].
        public let logits: Tensor
        /// Channel weights w [N, K]: the spatial mean of d y_c / d A.
        public let weights: Tensor
        /// relu(sum_k w_k A_k) at the target layer's resolution [N, h, w], before scaling.
        public let lowResolution: Tensor
        /// The target layer, in torchvision's naming.
        public let layer: String
    }

    /// The deepest of `model.gradCAMLayers` whose map is at least `minimumSide` pixels on each
    /// side (7, torchvision's ResNet `layer4` at its 224 x 224 input, by default), or nil when
    /// even the shallowest is coarser.
    public static func automaticLayer(_ model: ImageClassifier, minimumSide: Int = 7) -> String? {
        model.gradCAMLayers.last { layer in
            let (h, w) = model.gradCAMMapSize(layer)!
            return min(h, w) >= minimumSide
        }
    }

    /// pytorch-grad-cam's epsilon in `scale_cam_image`.
    public static let epsilon: Double = 1e-7

    /// Runs the model on `images` (shape `model.inputShape`) in eval mode and returns one
    /// heatmap per image. `classes`: the class to explain per image (nil: the predicted one).
    /// `layer`: one of `model.gradCAMLayers` (nil: the last, `gradCAMLayerName`); a layer
    /// before the last needs a trainable model (its gradient is backpropagated through the
    /// stages after it). The model's training flag is restored afterwards.
    public static func compute(_ model: ImageClassifier, images: Tensor, classes: [Int]? = nil, layer: String? = nil) -> Result {
        let layer = layer ?? model.gradCAMLayerName
        guard let key = model.gradCAMKey(layer) else {
            preconditionFailure("Grad-CAM layer '\(layer)' is not one of \(model.gradCAMLayers.joined(separator: ", "))")
        }
        precondition(
            layer == model.gradCAMLayerName || model.trainable,
            "Grad-CAM at \(layer) backpropagates through the later stages: create the model with trainable: true")
        let wasTraining = model.training
        model.training = false
        defer { model.training = wasTraining }
        model.forward(images)
        let logits = Tensor(model.output.shape)
        logits.copy(from: model.output)
        let n = logits.shape[0], k = logits.shape[1]
        let targets: [Int]
        if let classes {
            precondition(classes.count == n, "Grad-CAM: \(classes.count) classes given for a batch of \(n)")
            precondition(classes.allSatisfy { (0..<k).contains($0) }, "Grad-CAM: classes \(classes) outside 0..<\(k)")
            targets = classes
        } else {
            targets = (0..<n).map { i in
                var best = 0
                for j in 1..<k where logits[i * k + j] > logits[i * k + best] { best = j }
                return best
            }
        }
        let a = model.activations[key]
        let g = layer == model.gradCAMLayerName ? model.gradCAMGradient(classes: targets) : model.logitGradient(classes: targets, at: key)
        let (channels, h, w) = (a.shape[1], a.shape[2], a.shape[3])
        let hw = h * w
        let weights = Tensor(Shape(n, channels))
        let low = Tensor(Shape(n, h, w))
        let height = images.shape[2], width = images.shape[3]
        let heatmaps = Tensor(Shape(n, height, width))
        var cam = [Double](repeating: 0, count: hw)
        for img in 0..<n {
            for c in 0..<channels {
                let base = (img * channels + c) * hw
                var s = 0.0
                for j in 0..<hw { s += Double(g[base + j]) }
                weights[img * channels + c] = Float(s / Double(hw))
            }
            for j in 0..<hw { cam[j] = 0 }
            for c in 0..<channels {
                let wc = Double(weights[img * channels + c])
                let base = (img * channels + c) * hw
                for j in 0..<hw { cam[j] += wc * Double(a[base + j]) }
            }
            for j in 0..<hw {
                cam[j] = max(cam[j], 0)
                low[img * hw + j] = Float(cam[j])
            }
            scale(&cam)
            var map = resizeBilinear(cam, height: h, width: w, toHeight: height, toWidth: width)
            scale(&map)
            for j in 0..<map.count { heatmaps[img * height * width + j] = Float(map[j]) }
        }
        return Result(heatmaps: heatmaps, classes: targets, logits: logits, weights: weights, lowResolution: low, layer: layer)
    }

    /// pytorch-grad-cam's `scale_cam_image` without resizing: x - min, then / (1e-7 + max).
    public static func scale(_ x: inout [Double]) {
        guard let lo = x.min() else { return }
        for i in x.indices { x[i] -= lo }
        let hi = x.max()!
        for i in x.indices { x[i] /= epsilon + hi }
    }

    /// Bilinear resize of one [height, width] map with half-pixel centres and clamped edges:
    /// source coordinate max((d + 0.5) * in / out - 0.5, 0), as cv2.resize INTER_LINEAR and
    /// torch's `interpolate(mode="bilinear", align_corners=False)` (no antialiasing).
    public static func resizeBilinear(_ x: [Double], height: Int, width: Int, toHeight: Int, toWidth: Int) -> [Double] {
        precondition(x.count == height * width && height > 0 && width > 0, "resize of \(x.count) values as \(height)x\(width)")
        func taps(_ outSize: Int, _ inSize: Int) -> [(Int, Int, Double)] {
            let scale = Double(inSize) / Double(outSize)
            return (0..<outSize).map { d in
                let src = max((Double(d) + 0.5) * scale - 0.5, 0)
                let i0 = min(Int(src), inSize - 1)
                let i1 = min(i0 + 1, inSize - 1)
                return (i0, i1, src - Double(i0))
            }
        }
        let rows = taps(toHeight, height), cols = taps(toWidth, width)
        var out = [Double](repeating: 0, count: toHeight * toWidth)
        for (oy, (y0, y1, ly)) in rows.enumerated() {
            for (ox, (x0, x1, lx)) in cols.enumerated() {
                let top = (1 - lx) * x[y0 * width + x0] + lx * x[y0 * width + x1]
                let bottom = (1 - lx) * x[y1 * width + x0] + lx * x[y1 * width + x1]
                out[oy * toWidth + ox] = (1 - ly) * top + ly * bottom
            }
        }
        return out
    }
}

extension ImageClassifier {
    /// Grad-CAM's target layer in torchvision's naming: "layer4" (ResNet) or
    /// "features.norm5" (DenseNet).
    public var gradCAMLayerName: String {
        switch architecture {
        case .resNet: "layer4";
        case .denseNet: "features.norm5"
        }
    }

    /// The layers Grad-CAM can explain, shallow to deep, in torchvision's naming: each ResNet
    /// stage (`layer1`...`layer4`), or each DenseNet dense block but the last
    /// (`features.denseblock1`...) and `features.norm5`.
    public var gradCAMLayers: [String] {
        switch architecture {
        case .resNet(let r): (1...r.layers.count).map { "layer\($0)" }
        case .denseNet(let d): (1..<d.blockConfig.count).map { "features.denseblock\($0)" } + ["features.norm5"]
        }
    }

    /// The activation key of a Grad-CAM layer: a ResNet stage's last block output (after its
    /// relu), a dense block's concatenated output, or `features.norm5.out`; nil for other names.
    func gradCAMKey(_ layer: String) -> String? {
        guard gradCAMLayers.contains(layer) else { return nil }
        switch architecture {
        case .resNet(let r):
            return Self.stageOutputKey(r, stage: Int(layer.dropFirst("layer".count))!)
        case .denseNet:
            return layer == "features.norm5" ? "features.norm5.out" : layer + ".concat"
        }
    }

    /// The [height, width] of a Grad-CAM layer's map at this model's input size.
    public func gradCAMMapSize(_ layer: String) -> (height: Int, width: Int)? {
        gradCAMKey(layer).map { (activations[$0].shape[2], activations[$0].shape[3]) }
    }

    /// The activation-arena key holding the target layer's output: the last layer4 block's
    /// final BatchNorm output, on which `out += identity` and the relu work in place
    /// (torchvision's inplace ReLU), or `features.norm5.out`.
    var gradCAMActivationKey: String { Self.gradCAMKeys(architecture)[0] }

    /// The activations Grad-CAM reads after a forward pass: the target layer's output, then
    /// the head's inputs (global average pooling; DenseNet's functional relu). The memory
    /// plan keeps them to the end of the pass.
    static func gradCAMKeys(_ architecture: Architecture) -> [String] {
        switch architecture {
        case .resNet(let r):
            [stageOutputKey(r, stage: 4), "avgpool.out"]
        case .denseNet:
            ["features.norm5.out", "avgpool.out", "features.relu5.out"]
        }
    }

    /// The activation key of ResNet stage `stage`'s output: its last block's final BatchNorm
    /// output, on which `out += identity` and the relu work in place.
    static func stageOutputKey(_ r: ResNet, stage: Int) -> String {
        "layer\(stage).\(r.layers[stage - 1] - 1).\(r.block == .basic ? "bn2" : "bn3").out"
    }

    /// The target layer's output A [N, K, h, w] from the last `forward` (a view into the
    /// activation arena, valid until the next forward).
    public var gradCAMActivation: Tensor { activations[gradCAMActivationKey] }

    /// d y_{c_n} / d A for each image n of the last `forward` (A = `gradCAMActivation`),
    /// [N, K, h, w], by backpropagating a one-hot logit gradient through the layers after the
    /// target: the linear head, global average pooling and (DenseNet) norm5's functional relu.
    /// Uses the model's parameters and activations; writes nothing into the model.
    public func gradCAMGradient(classes: [Int]) -> Tensor {
        let a = gradCAMActivation
        let n = a.shape[0], k = a.shape[1]
        precondition(classes.count == n, "\(classes.count) classes for a batch of \(n)")
        let logitsGradient = Tensor(Shape(n, self.classes))
        for (i, c) in classes.enumerated() {
            precondition((0..<self.classes).contains(c), "class \(c) outside 0..<\(self.classes)")
            logitsGradient[i * self.classes + c] = 1
        }
        let pooled = activations["avgpool.out"], pooledGradient = Tensor(Shape(n, k))
        let fc = Linear(inFeatures: k, outFeatures: self.classes)
        let weight = parameters[headName + ".weight"]
        fc.backward(
            input: pooled, weight: weight, outputGradient: logitsGradient, inputGradient: pooledGradient,
            weightGradient: Tensor(weight.shape), biasGradient: nil)
        let gradient = Tensor(a.shape)
        switch architecture {
        case .resNet:
            AdaptiveAvgPool2d.backward(input: a, outputGradient: pooledGradient, inputGradient: gradient)
        case .denseNet:
            let reluGradient = Tensor(a.shape)
            AdaptiveAvgPool2d.backward(input: a, outputGradient: pooledGradient, inputGradient: reluGradient)
            ReLU.backward(output: activations["features.relu5.out"], outputGradient: reluGradient, inputGradient: gradient)
        }
        return gradient
    }
}
