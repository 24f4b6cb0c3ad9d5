"""PyTorch reference for SinoNet's ResNet and DenseNet (ImageClassifier).

torchvision 0.28 does not import with torch 2.13.0+cpu ("operator torchvision::nms does not
exist"), so the two families are written here in plain torch with exactly torchvision's module
names, layer order and initialisation (torchvision/models/resnet.py and densenet.py), at
reduced width and depth so the fixtures stay small:

  resnet_basic       BasicBlock, blocks [1, 1, 1, 1], base width 8, 3 input channels, 3 classes
  resnet_bottleneck  Bottleneck v1.5, blocks [1, 1, 1, 1], base width 4, 2 input channels, 3 classes
  densenet           growth 8, blocks (2, 2), 16 initial features, bn_size 4, 3 channels, 3 classes

Each runs on a batch of 3 images of 48 x 48 (layer4 is then 2 x 2, so train-mode BatchNorm
there averages 12 values, not 3). After torchvision's init, BatchNorm weights, biases and
running statistics are randomised (so that eval mode and the affine terms are exercised),
and the float32 state_dict is saved with the `safetensors` package:
Tests/Fixtures/sinonet_models_<case>.safetensors. The reference tensors go to
Tests/Fixtures/sinonet_models_<case>_reference.safetensors: `input`, `targets` (I64),
`eval_logits` (eval mode), `train_logits`, `loss` (CrossEntropyLoss, mean), `input_grad`,
`grad.<parameter>` for EVERY parameter after one backward, and `after.<buffer>` for the
running statistics after that training forward. The header metadata holds the case's
configuration and the versions of torch, safetensors, numpy and Python.

The reference run is in float64 (the model converted with .double() after its float32
weights were saved, the float32 input likewise), then stored as float32: it is the exact
answer SinoNet's float32 is measured against. A float32 torch run of the same network is
itself ~1e-5 to 1e-4 (relative) away from it in the gradients of these tiny-batch networks,
because train-mode BatchNorm on few values amplifies rounding; the script prints that gap.

A tiny file for the reader's format test is written too:
Tests/Fixtures/sinonet_models_safetensors_sample.safetensors.

Run: .venv-peers/bin/python scripts/peers/sinonet_models.py   (torch 2.13.0+cpu)

Full size (not committed: about 1 GB): `sinonet_models.py --full DIR` writes the same files
for ResNet-50, ResNet-101 and DenseNet-121 at 224 x 224, 3 channels, 3 classes, batch 2,
into DIR (cases resnet50, resnet101, densenet121); then
`SINORAD_FULL_PARITY=DIR swift test -c release -Xswiftc -enable-testing --filter FullSizeParity`
compares SinoNet with them (bench/full_parity.sh runs both).
"""
import argparse
import copy
import json
import math
import platform
from pathlib import Path

import numpy as np
import safetensors
import torch
import torch.nn as nn
import torch.nn.functional as F
from safetensors.torch import save_file

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "Tests" / "Fixtures"
torch.set_num_threads(1)

VERSIONS = {"torch": torch.__version__, "safetensors": safetensors.__version__,
            "numpy": np.__version__, "python": platform.python_version()}


# ---- torchvision/models/resnet.py (layer order and names), base width configurable ----

def conv3x3(cin, cout, stride=1):
    return nn.Conv2d(cin, cout, kernel_size=3, stride=stride, padding=1, bias=False)


def conv1x1(cin, cout, stride=1):
    return nn.Conv2d(cin, cout, kernel_size=1, stride=stride, bias=False)


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        self.conv1 = conv3x3(inplanes, planes, stride)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = conv3x3(planes, planes)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = downsample

    def forward(self, x):
        identity = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        if self.downsample is not None:
            identity = self.downsample(x)
        out += identity
        return self.relu(out)


class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        width = planes  # base_width 64, groups 1
        self.conv1 = conv1x1(inplanes, width)
        self.bn1 = nn.BatchNorm2d(width)
        self.conv2 = conv3x3(width, width, stride)  # stride on the 3x3: v1.5
        self.bn2 = nn.BatchNorm2d(width)
        self.conv3 = conv1x1(width, planes * self.expansion)
        self.bn3 = nn.BatchNorm2d(planes * self.expansion)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample

    def forward(self, x):
        identity = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        if self.downsample is not None:
            identity = self.downsample(x)
        out += identity
        return self.relu(out)


class ResNet(nn.Module):
    def __init__(self, block, layers, num_classes, in_channels, base_width=64):
        super().__init__()
        self.inplanes = base_width
        self.conv1 = nn.Conv2d(in_channels, self.inplanes, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(self.inplanes)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(block, base_width, layers[0])
        self.layer2 = self._make_layer(block, base_width * 2, layers[1], stride=2)
        self.layer3 = self._make_layer(block, base_width * 4, layers[2], stride=2)
        self.layer4 = self._make_layer(block, base_width * 8, layers[3], stride=2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(base_width * 8 * block.expansion, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)

    def _make_layer(self, block, planes, blocks, stride=1):
        downsample = None
        if stride != 1 or self.inplanes != planes * block.expansion:
            downsample = nn.Sequential(conv1x1(self.inplanes, planes * block.expansion, stride),
                                       nn.BatchNorm2d(planes * block.expansion))
        layers = [block(self.inplanes, planes, stride, downsample)]
        self.inplanes = planes * block.expansion
        for _ in range(1, blocks):
            layers.append(block(self.inplanes, planes))
        return nn.Sequential(*layers)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(torch.flatten(self.avgpool(x), 1))


# ---- torchvision/models/densenet.py (memory_efficient=False, drop_rate 0) ----

class _DenseLayer(nn.Module):
    def __init__(self, num_input_features, growth_rate, bn_size):
        super().__init__()
        self.norm1 = nn.BatchNorm2d(num_input_features)
        self.relu1 = nn.ReLU(inplace=True)
        self.conv1 = nn.Conv2d(num_input_features, bn_size * growth_rate, kernel_size=1, stride=1, bias=False)
        self.norm2 = nn.BatchNorm2d(bn_size * growth_rate)
        self.relu2 = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(bn_size * growth_rate, growth_rate, kernel_size=3, stride=1, padding=1, bias=False)

    def forward(self, inputs):
        concated = torch.cat(inputs, 1)
        bottleneck = self.conv1(self.relu1(self.norm1(concated)))
        return self.conv2(self.relu2(self.norm2(bottleneck)))


class _DenseBlock(nn.ModuleDict):
    def __init__(self, num_layers, num_input_features, bn_size, growth_rate):
        super().__init__()
        for i in range(num_layers):
            self.add_module("denselayer%d" % (i + 1),
                            _DenseLayer(num_input_features + i * growth_rate, growth_rate, bn_size))

    def forward(self, init_features):
        features = [init_features]
        for _, layer in self.items():
            features.append(layer(features))
        return torch.cat(features, 1)


class _Transition(nn.Sequential):
    def __init__(self, num_input_features, num_output_features):
        super().__init__()
        self.norm = nn.BatchNorm2d(num_input_features)
        self.relu = nn.ReLU(inplace=True)
        self.conv = nn.Conv2d(num_input_features, num_output_features, kernel_size=1, stride=1, bias=False)
        self.pool = nn.AvgPool2d(kernel_size=2, stride=2)


class DenseNet(nn.Module):
    def __init__(self, growth_rate, block_config, num_init_features, bn_size, num_classes, in_channels):
        super().__init__()
        self.features = nn.Sequential()
        self.features.add_module("conv0", nn.Conv2d(in_channels, num_init_features, kernel_size=7, stride=2,
                                                    padding=3, bias=False))
        self.features.add_module("norm0", nn.BatchNorm2d(num_init_features))
        self.features.add_module("relu0", nn.ReLU(inplace=True))
        self.features.add_module("pool0", nn.MaxPool2d(kernel_size=3, stride=2, padding=1))
        num_features = num_init_features
        for i, num_layers in enumerate(block_config):
            self.features.add_module("denseblock%d" % (i + 1),
                                     _DenseBlock(num_layers, num_features, bn_size, growth_rate))
            num_features = num_features + num_layers * growth_rate
            if i != len(block_config) - 1:
                self.features.add_module("transition%d" % (i + 1), _Transition(num_features, num_features // 2))
                num_features = num_features // 2
        self.features.add_module("norm5", nn.BatchNorm2d(num_features))
        self.classifier = nn.Linear(num_features, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight)
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)
            elif isinstance(m, nn.Linear):
                nn.init.constant_(m.bias, 0)

    def forward(self, x):
        features = self.features(x)
        out = F.relu(features, inplace=True)
        out = torch.flatten(F.adaptive_avg_pool2d(out, (1, 1)), 1)
        return self.classifier(out)


# ---- cases ----

def randomise_batchnorm(model):
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.3, 0.3)
                m.running_mean.normal_(0, 0.2)
                m.running_var.uniform_(0.5, 2.0)


def forward_backward(model, x, targets):
    model.eval()
    with torch.no_grad():
        eval_logits = model(x)
    model.train()
    xg = x.clone().requires_grad_(True)
    logits = model(xg)
    loss = F.cross_entropy(logits, targets)
    model.zero_grad()
    loss.backward()
    return eval_logits, logits.detach(), loss.detach().reshape(1), xg.grad


def run_case(name, model, config, n=3, size=48, seed=0, out=FIXTURES, strict=True):
    torch.manual_seed(seed)
    randomise_batchnorm(model)
    state = {k: v.detach().clone().contiguous() for k, v in model.state_dict().items()}
    save_file(state, str(out / f"sinonet_models_{name}.safetensors"),
              metadata={"case": name, "config": json.dumps(config)})

    cin, classes = config["in_channels"], config["classes"]
    x = torch.randn(n, cin, size, size)
    targets = torch.randint(0, classes, (n,))
    single = copy.deepcopy(model)
    single_out = forward_backward(single, x, targets)
    model = model.double()
    eval_logits, logits, loss, input_grad = forward_backward(model, x.double(), targets)
    gap = max(((single_p.grad.double() - p.grad).abs().max() / p.grad.abs().max()).item()
              for single_p, p in zip(single.parameters(), model.parameters()))

    ref = {"input": x, "targets": targets.to(torch.int64), "eval_logits": eval_logits,
           "train_logits": logits, "loss": loss, "input_grad": input_grad}
    for pname, p in model.named_parameters():
        ref["grad." + pname] = p.grad
    for bname, b in model.named_buffers():
        if not bname.endswith("num_batches_tracked"):
            ref["after." + bname] = b
    if not strict:
        # Full size: torch's own float32 run too, so SinoNet's distance from the float64
        # answer can be read beside torch's.
        for key, value in zip(["eval_logits", "train_logits", "loss", "input_grad"], single_out):
            ref["f32." + key] = value
        for pname, p in single.named_parameters():
            ref["f32.grad." + pname] = p.grad
    ref = {k: v.detach().clone().to(torch.float32 if v.is_floating_point() else v.dtype).contiguous()
           for k, v in ref.items()}
    meta = {"case": name, "config": json.dumps(config), "versions": json.dumps(VERSIONS),
            "generator": "scripts/peers/sinonet_models.py"}
    save_file(ref, str(out / f"sinonet_models_{name}_reference.safetensors"), metadata=meta)
    # A seed whose input puts a pre-ReLU value or a max-pool tie within rounding of its kink
    # gives a reference that float32 cannot be expected to reproduce (seed 2 of the
    # bottleneck case did: gap 2.7e-2); refuse such a fixture rather than loosen the test.
    assert gap < 1e-4 or not strict, f"{name}: float32 and float64 torch differ by {gap:.2e}; pick another seed"
    params = sum(p.numel() for p in model.parameters())
    print(f"{name}: {params} parameters, loss {loss.item():.6f}; "
          f"torch float32 vs float64 worst parameter-gradient gap {gap:.2e} (relative)")


def full_size(out):
    out.mkdir(parents=True, exist_ok=True)
    torch.set_num_threads(2)
    cases = [("resnet50", lambda: ResNet(Bottleneck, [3, 4, 6, 3], num_classes=3, in_channels=3),
              {"family": "resnet", "block": "bottleneck", "layers": [3, 4, 6, 3], "base_width": 64}),
             ("resnet101", lambda: ResNet(Bottleneck, [3, 4, 23, 3], num_classes=3, in_channels=3),
              {"family": "resnet", "block": "bottleneck", "layers": [3, 4, 23, 3], "base_width": 64}),
             ("densenet121", lambda: DenseNet(32, (6, 12, 24, 16), 64, 4, num_classes=3, in_channels=3),
              {"family": "densenet", "growth_rate": 32, "block_config": [6, 12, 24, 16],
               "initial_features": 64, "bn_size": 4})]
    for i, (name, build, config) in enumerate(cases):
        torch.manual_seed(20240620 + i)
        run_case(name, build(), {**config, "in_channels": 3, "classes": 3}, n=2, size=224, seed=i,
                 out=out, strict=False)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--full", type=Path, help="write full-size references into this folder")
    args = parser.parse_args()
    if args.full:
        full_size(args.full)
        return
    torch.manual_seed(20240611)
    run_case("resnet_basic", ResNet(BasicBlock, [1, 1, 1, 1], num_classes=3, in_channels=3, base_width=8),
             {"family": "resnet", "block": "basic", "layers": [1, 1, 1, 1], "base_width": 8,
              "in_channels": 3, "classes": 3}, seed=1)
    torch.manual_seed(20240612)
    run_case("resnet_bottleneck", ResNet(Bottleneck, [1, 1, 1, 1], num_classes=3, in_channels=2, base_width=4),
             {"family": "resnet", "block": "bottleneck", "layers": [1, 1, 1, 1], "base_width": 4,
              "in_channels": 2, "classes": 3}, seed=4)
    torch.manual_seed(20240613)
    run_case("densenet", DenseNet(8, (2, 2), 16, 4, num_classes=3, in_channels=3),
             {"family": "densenet", "growth_rate": 8, "block_config": [2, 2], "initial_features": 16,
              "bn_size": 4, "in_channels": 3, "classes": 3}, seed=3)

    # A tiny file for the reader: F32 matrix, I64 scalar (like num_batches_tracked), an
    # empty tensor and metadata, written by the safetensors package itself.
    sample = {"weight": torch.arange(6, dtype=torch.float32).reshape(2, 3) / 4 - 0.5,
              "bn.num_batches_tracked": torch.tensor(7, dtype=torch.int64),
              "empty": torch.zeros(0, 4, dtype=torch.float32)}
    save_file(sample, str(FIXTURES / "sinonet_models_safetensors_sample.safetensors"),
              metadata={"format": "pt", "note": "written by the safetensors package"})


if __name__ == "__main__":
    main()
