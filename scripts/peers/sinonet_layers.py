"""PyTorch reference for SinoNet's layers (forward and backward) and a tiny sequential network.

Writes Tests/Fixtures/sinonet_layers.json: every tensor is {"shape": [...], "data": base64 of
little-endian float32 in C order}. For each layer case: the input, the parameters, the output,
a random upstream gradient `dy` and torch's gradients (autograd). The tiny network
(conv-bn-relu-maxpool-conv-bn-relu-adaptiveavgpool-linear, nn.Sequential so the state_dict
names are "0.weight", "1.running_mean", ...) is run once in train mode with a weighted,
label-smoothed CrossEntropyLoss; its logits, loss, input gradient, every parameter gradient
and the running statistics after the step are recorded, then its eval-mode logits.

Run: .venv-peers/bin/python scripts/peers/sinonet_layers.py   (torch 2.13.0+cpu)
"""
import base64
import platform
import sys
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from fixture_json import write_fixture

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "Tests" / "Fixtures" / "sinonet_layers.json"

torch.manual_seed(20240611)
torch.set_num_threads(1)


def enc(t):
    a = t.detach().to(torch.float32).contiguous().numpy().astype("<f4")
    return {"shape": list(a.shape), "data": base64.b64encode(a.tobytes()).decode("ascii")}


def grads(out, inputs, dy):
    """Autograd gradients of <out, dy> with respect to `inputs` (a list of leaf tensors)."""
    return torch.autograd.grad(out, inputs, grad_outputs=dy, allow_unused=False)


def leaf(*shape, scale=1.0):
    return (torch.randn(*shape) * scale).requires_grad_(True)


cases = []


def conv_case(name, n, cin, h, w, cout, k, stride, padding, dilation, bias):
    x = leaf(n, cin, h, w)
    weight = leaf(cout, cin, k, k, scale=0.3)
    b = leaf(cout) if bias else None
    y = F.conv2d(x, weight, b, stride=stride, padding=padding, dilation=dilation)
    dy = torch.randn_like(y)
    leaves = [x, weight] + ([b] if bias else [])
    g = grads(y, leaves, dy)
    tensors = {"x": enc(x), "weight": enc(weight), "y": enc(y), "dy": enc(dy),
               "dx": enc(g[0]), "dweight": enc(g[1])}
    if bias:
        tensors["bias"] = enc(b)
        tensors["dbias"] = enc(g[2])
    cases.append({"name": name, "layer": "conv2d",
                  "config": {"in_channels": cin, "out_channels": cout, "kernel_size": k,
                             "stride": stride, "padding": padding, "dilation": dilation,
                             "bias": bias},
                  "tensors": tensors})


conv_case("conv3x3_stride2_pad1_bias", 2, 3, 9, 9, 4, 3, 2, 1, 1, True)
conv_case("conv3x3_dilation2_pad2_nobias", 2, 3, 9, 9, 4, 3, 1, 2, 2, False)
conv_case("conv3x3_dilation2_stride2_pad1_odd", 2, 3, 10, 11, 5, 3, 2, 1, 2, True)
conv_case("conv1x1_stride1_bias", 2, 4, 7, 7, 6, 1, 1, 0, 1, True)
conv_case("conv1x1_stride2_nobias", 2, 4, 9, 9, 6, 1, 2, 0, 1, False)
conv_case("conv7x7_stride2_pad3_stem", 2, 3, 13, 13, 4, 7, 2, 3, 1, False)


def bn_case(name, train):
    n, c, h, w = 2, 5, 6, 7
    x = leaf(n, c, h, w, scale=2.0)
    with torch.no_grad():
        x += torch.arange(c).view(1, c, 1, 1) * 0.5  # channel means differ
    gamma = (torch.rand(c) + 0.5).requires_grad_(True)
    beta = leaf(c)
    rm0 = torch.randn(c) * 0.3
    rv0 = torch.rand(c) + 0.5
    bn = nn.BatchNorm2d(c)  # eps 1e-5, momentum 0.1
    with torch.no_grad():
        bn.weight.copy_(gamma)
        bn.bias.copy_(beta)
        bn.running_mean.copy_(rm0)
        bn.running_var.copy_(rv0)
    bn.train(train)
    y = bn(x)
    dy = torch.randn_like(y)
    g = grads(y, [x, bn.weight, bn.bias], dy)
    cases.append({"name": name, "layer": "batchnorm2d",
                  "config": {"channels": c, "eps": bn.eps, "momentum": bn.momentum,
                             "training": train},
                  "tensors": {"x": enc(x), "weight": enc(gamma), "bias": enc(beta),
                              "running_mean": enc(rm0), "running_var": enc(rv0),
                              "y": enc(y), "dy": enc(dy), "dx": enc(g[0]),
                              "dweight": enc(g[1]), "dbias": enc(g[2]),
                              "running_mean_after": enc(bn.running_mean),
                              "running_var_after": enc(bn.running_var)}})


bn_case("batchnorm_train", True)
bn_case("batchnorm_eval", False)


def unary_case(name, layer, config, x, fn):
    y = fn(x)
    dy = torch.randn_like(y)
    (dx,) = grads(y, [x], dy)
    cases.append({"name": name, "layer": layer, "config": config,
                  "tensors": {"x": enc(x), "y": enc(y), "dy": enc(dy), "dx": enc(dx)}})


def tied(*shape):
    """Values on a coarse grid so that pooling windows contain ties (first max wins)."""
    return (torch.round(torch.randn(*shape) * 2) / 2).requires_grad_(True)


unary_case("relu", "relu", {}, leaf(2, 3, 5, 5), F.relu)
unary_case("maxpool3x3_stride2_pad1_ties", "maxpool2d",
           {"kernel_size": 3, "stride": 2, "padding": 1}, tied(2, 3, 9, 9),
           lambda x: F.max_pool2d(x, 3, 2, 1))
# All-negative input: the padding (-inf in torch) must never be chosen.
unary_case("maxpool3x3_stride2_pad1_negative", "maxpool2d",
           {"kernel_size": 3, "stride": 2, "padding": 1},
           (-torch.rand(1, 2, 8, 8) - 1.0).requires_grad_(True),
           lambda x: F.max_pool2d(x, 3, 2, 1))
unary_case("maxpool2x2_stride2_odd", "maxpool2d",
           {"kernel_size": 2, "stride": 2, "padding": 0}, tied(2, 3, 7, 7),
           lambda x: F.max_pool2d(x, 2, 2, 0))
unary_case("avgpool2x2_stride2", "avgpool2d",
           {"kernel_size": 2, "stride": 2, "padding": 0}, leaf(2, 3, 8, 8),
           lambda x: F.avg_pool2d(x, 2, 2, 0))
unary_case("avgpool3x3_stride2_pad1_include_pad", "avgpool2d",
           {"kernel_size": 3, "stride": 2, "padding": 1}, leaf(2, 3, 9, 9),
           lambda x: F.avg_pool2d(x, 3, 2, 1, count_include_pad=True))
unary_case("adaptiveavgpool_1x1", "adaptiveavgpool2d", {}, leaf(2, 4, 5, 7),
           lambda x: F.adaptive_avg_pool2d(x, 1))

# Linear
x = leaf(3, 7)
weight = leaf(5, 7, scale=0.4)
bias = leaf(5)
y = F.linear(x, weight, bias)
dy = torch.randn_like(y)
g = grads(y, [x, weight, bias], dy)
cases.append({"name": "linear", "layer": "linear",
              "config": {"in_features": 7, "out_features": 5},
              "tensors": {"x": enc(x), "weight": enc(weight), "bias": enc(bias), "y": enc(y),
                          "dy": enc(dy), "dx": enc(g[0]), "dweight": enc(g[1]),
                          "dbias": enc(g[2])}})

# Channel concatenation (DenseNet): cat([a, b], dim=1)
a = leaf(2, 3, 4, 5)
b = leaf(2, 2, 4, 5)
y = torch.cat([a, b], dim=1)
dy = torch.randn_like(y)
g = grads(y, [a, b], dy)
cases.append({"name": "concat", "layer": "concat", "config": {},
              "tensors": {"a": enc(a), "b": enc(b), "y": enc(y), "dy": enc(dy),
                          "da": enc(g[0]), "db": enc(g[1])}})


# Cross-entropy (mean reduction), with and without class weights and label smoothing.
def ce_case(name, weighted, smoothing):
    logits = leaf(6, 5, scale=2.0)
    targets = torch.tensor([0, 3, 1, 4, 3, 2])
    w = torch.tensor([1.0, 2.0, 0.5, 1.5, 3.0]) if weighted else None
    loss = F.cross_entropy(logits, targets, weight=w, label_smoothing=smoothing)
    (dl,) = torch.autograd.grad(loss, [logits])
    tensors = {"logits": enc(logits), "loss": enc(loss.reshape(1)), "dlogits": enc(dl)}
    if weighted:
        tensors["class_weights"] = enc(w)
    cases.append({"name": name, "layer": "cross_entropy",
                  "config": {"targets": targets.tolist(), "label_smoothing": smoothing,
                             "weighted": weighted},
                  "tensors": tensors})


ce_case("cross_entropy_plain", False, 0.0)
ce_case("cross_entropy_weighted_smoothed", True, 0.1)
ce_case("cross_entropy_smoothed", False, 0.2)

# Tiny network, one train-mode step.
net = nn.Sequential(
    nn.Conv2d(3, 8, 3, stride=1, padding=1, bias=False),   # 0
    nn.BatchNorm2d(8),                                     # 1
    nn.ReLU(inplace=True),                                 # 2
    nn.MaxPool2d(3, stride=2, padding=1),                  # 3
    nn.Conv2d(8, 16, 3, stride=2, padding=1, bias=True),   # 4
    nn.BatchNorm2d(16),                                    # 5
    nn.ReLU(inplace=True),                                 # 6
    nn.AdaptiveAvgPool2d(1),                               # 7
    nn.Flatten(),                                          # 8
    nn.Linear(16, 5),                                      # 9
)
with torch.no_grad():  # non-trivial BN affine parameters and running statistics
    for i in (1, 5):
        bn = net[i]
        bn.weight.copy_(torch.rand_like(bn.weight) + 0.5)
        bn.bias.copy_(torch.randn_like(bn.bias) * 0.2)
        bn.running_mean.copy_(torch.randn_like(bn.running_mean) * 0.1)
        bn.running_var.copy_(torch.rand_like(bn.running_var) + 0.5)
state_before = {k: v.clone() for k, v in net.state_dict().items()
                if not k.endswith("num_batches_tracked")}
net.train()
x = leaf(2, 3, 16, 16)
targets = torch.tensor([1, 4])
class_weights = torch.tensor([1.0, 2.0, 0.5, 1.5, 3.0])
logits = net(x)
loss = F.cross_entropy(logits, targets, weight=class_weights, label_smoothing=0.1)
loss.backward()
tensors = {"x": enc(x), "logits": enc(logits), "loss": enc(loss.reshape(1)),
           "dx": enc(x.grad), "class_weights": enc(class_weights)}
for k, v in state_before.items():
    tensors["param." + k] = enc(v)
for k, p in net.named_parameters():
    tensors["grad." + k] = enc(p.grad)
for k, v in net.state_dict().items():
    if "running" in k:
        tensors["after." + k] = enc(v)
net.eval()  # eval mode with the updated running statistics
with torch.no_grad():
    tensors["eval_logits"] = enc(net(x))
cases.append({"name": "tiny_network", "layer": "sequential",
              "config": {"targets": targets.tolist(), "label_smoothing": 0.1},
              "tensors": tensors})

fixture = {
    "generator": "scripts/peers/sinonet_layers.py",
    "versions": {"torch": torch.__version__, "numpy": np.__version__,
                 "python": platform.python_version()},
    "cases": cases,
}
write_fixture(OUT, fixture)
print(f"wrote {OUT} ({OUT.stat().st_size} bytes, {len(cases)} cases)", file=sys.stderr)
