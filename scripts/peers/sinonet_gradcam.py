"""PyTorch reference for SinoNet's Grad-CAM (pytorch-grad-cam's GradCAM, reimplemented).

pytorch-grad-cam (jacobgil) needs cv2 and torchvision, neither of which is usable next to
torch 2.13.0+cpu here, so its math is written out in plain torch/numpy, step for step:

  BaseCAM.forward: model.eval(); outputs = model(x) with a forward hook on the target layer
    (activation) and a tensor hook on its output (gradient); default targets
    np.argmax(outputs, -1); ClassifierOutputTarget(c)(out) = out[c] (the raw logit);
    loss = sum over images; loss.backward().
  GradCAM.get_cam_weights: np.mean(grads, axis=(2, 3)).
  get_cam_image: (weights[:, :, None, None] * activations).sum(axis=1); then np.maximum(cam, 0).
  utils/image.py scale_cam_image(cam, target_size=(W, H)): img - min; img / (1e-7 + max);
    cv2.resize(img, (W, H)) (INTER_LINEAR: half-pixel centres, source index clamped at 0 and
    at the last pixel, no antialiasing). Here F.interpolate(mode="bilinear",
    align_corners=False, antialias=False) computes the same map (it is the same formula
    when upsampling: src = max((d + 0.5) * in / out - 0.5, 0), neighbour index clamped).
  aggregate_multi_layers: np.maximum(., 0), mean over the one target layer, then
    scale_cam_image(result) once more (no resize).

Target layers (pytorch-grad-cam's README, https://github.com/jacobgil/pytorch-grad-cam): ResNet `layer4` (output after the last block's relu);
DenseNet `features.norm5` output BEFORE the functional relu. Note: torchvision's DenseNet does
F.relu(features, inplace=True); pytorch-grad-cam stores `output.cpu().detach()`, which on a
CPU tensor aliases the storage, so on CPU it would read the activation AFTER that relu. This
script clones the hooked output (the pre-relu values, as on GPU and as pytorch-grad-cam intends)
and prints how much the aliased CPU variant would differ.

The models are the reduced ResNet (basic, bottleneck) and DenseNet of sinonet_models.py,
loaded from the committed Tests/Fixtures/sinonet_models_<case>.safetensors. The reference run
is float64 (model and float32 input converted), stored as float32; the float32 torch run's
distance to it is printed. Each case: a batch of 2 images of 72 x 88 (layer4 3 x 3, norm5
9 x 11), once with the predicted classes and once with explicit classes (predicted + 1 mod 3).

Output: Tests/Fixtures/sinonet_gradcam.json (tensors base64 little-endian float32 with shape;
the input is stored once per model, in its "<model>_predicted" case).
Run: .venv-peers/bin/python scripts/peers/sinonet_gradcam.py   (torch 2.13.0+cpu)
"""
import base64
import json
import platform
import sys
from pathlib import Path

import numpy as np
import safetensors
import torch
import torch.nn.functional as F
from safetensors.torch import load_file
from safetensors import safe_open

sys.path.insert(0, str(Path(__file__).resolve().parent))
import sinonet_models as sm  # noqa: E402
from fixture_json import write_fixture

FIXTURES = sm.FIXTURES
VERSIONS = {"torch": torch.__version__, "safetensors": safetensors.__version__,
            "numpy": np.__version__, "python": platform.python_version()}
EPS = 1e-7


def build(config):
    if config["family"] == "resnet":
        block = sm.BasicBlock if config["block"] == "basic" else sm.Bottleneck
        return sm.ResNet(block, config["layers"], num_classes=config["classes"],
                         in_channels=config["in_channels"], base_width=config["base_width"])
    return sm.DenseNet(config["growth_rate"], tuple(config["block_config"]), config["initial_features"],
                       config["bn_size"], num_classes=config["classes"], in_channels=config["in_channels"])


def target_layer(model, config):
    return model.layer4 if config["family"] == "resnet" else model.features.norm5


def scale_cam_image(cam, target_size=None):
    """pytorch_grad_cam/utils/image.py, with F.interpolate in place of cv2.resize."""
    result = []
    for img in cam:
        img = img - img.min()
        img = img / (EPS + img.max())
        if target_size is not None:
            w, h = target_size
            img = F.interpolate(img[None, None], size=(h, w), mode="bilinear", align_corners=False)[0, 0]
        result.append(img)
    return torch.stack(result)


def grad_cam(model, layer, x, classes=None, alias_activation=False):
    store = {}

    def forward_hook(module, inputs, output):
        store["act"] = output.detach() if alias_activation else output.detach().clone()

        def save_grad(grad):
            store["grad"] = grad.detach().clone()
        output.register_hook(save_grad)

    handle = layer.register_forward_hook(forward_hook)
    try:
        model.eval()
        outputs = model(x)
        if classes is None:
            classes = outputs.detach().argmax(dim=-1).tolist()
        model.zero_grad()
        loss = sum(out[c] for c, out in zip(classes, outputs))
        loss.backward()
    finally:
        handle.remove()
    act, grad = store["act"], store["grad"]
    weights = grad.mean(dim=(2, 3))
    cam = (weights[:, :, None, None] * act).sum(dim=1)
    cam = torch.clamp(cam, min=0)
    scaled = scale_cam_image(cam, (x.shape[-1], x.shape[-2]))
    result = scale_cam_image(torch.clamp(scaled[:, None], min=0).mean(dim=1))
    return {"classes": classes, "logits": outputs.detach(), "weights": weights, "low": cam, "heatmaps": result}


def encode(t):
    t = t.detach().to(torch.float32).contiguous()
    return {"shape": list(t.shape), "data": base64.b64encode(t.numpy().astype("<f4").tobytes()).decode()}


def main():
    torch.manual_seed(20240620)
    cases = []
    for name in ["resnet_basic", "resnet_bottleneck", "densenet"]:
        path = FIXTURES / f"sinonet_models_{name}.safetensors"
        with safe_open(str(path), "pt") as f:
            config = json.loads(f.metadata()["config"])
        model = build(config)
        model.load_state_dict(load_file(str(path)))
        x = torch.randn(2, config["in_channels"], 72, 88)
        single = build(config)
        single.load_state_dict(load_file(str(path)))
        model = model.double()
        for variant in ["predicted", "explicit"]:
            ref32 = grad_cam(single, target_layer(single, config), x)
            classes = None if variant == "predicted" else [(c + 1) % config["classes"] for c in ref32["classes"]]
            if classes is not None:
                ref32 = grad_cam(single, target_layer(single, config), x, classes)
            ref = grad_cam(model, target_layer(model, config), x.double(), classes)
            assert ref["classes"] == ref32["classes"], "float32 and float64 disagree on the predicted class"
            gap = (ref32["heatmaps"].double() - ref["heatmaps"]).abs().max().item()
            line = f"{name} {variant}: classes {ref['classes']}, float32 torch vs float64 heatmap gap {gap:.2e}"
            if config["family"] == "densenet":
                aliased = grad_cam(model, target_layer(model, config), x.double(), classes, alias_activation=True)
                line += (f"; CPU-aliased (post-relu) activation variant differs by "
                         f"{(aliased['heatmaps'] - ref['heatmaps']).abs().max().item():.3f}")
            print(line)
            cases.append({"name": f"{name}_{variant}", "model": name, "config": config,
                          "classes_given": classes, "classes": ref["classes"],
                          "tensors": {**({"input": encode(x)} if variant == "predicted" else {}),
                                      "logits": encode(ref["logits"]), "weights": encode(ref["weights"]),
                                      "low": encode(ref["low"]), "heatmaps": encode(ref["heatmaps"])}})
    out = {"generator": "scripts/peers/sinonet_gradcam.py", "versions": VERSIONS,
           "semantics": "pytorch-grad-cam GradCAM, one target layer; resize F.interpolate bilinear "
                        "align_corners=False (= cv2.resize INTER_LINEAR when upsampling); float64 reference",
           "cases": cases}
    write_fixture(FIXTURES / "sinonet_gradcam.json", out)
    print(f"wrote {FIXTURES / 'sinonet_gradcam.json'}")


if __name__ == "__main__":
    main()
