"""PyTorch reference loss curves for SinoNet's Trainer (Sources/SinoNet/Training.swift).

The model is the reduced ResNet of scripts/peers/sinonet_models.py (BasicBlock, blocks
[1, 1, 1, 1], base width 8, 3 input channels, 3 classes), built with that script's code and
loaded from its weight file Tests/Fixtures/sinonet_models_resnet_basic.safetensors (the
randomised BatchNorm statistics included). The data is a fixed seeded sequence of 20
batches of 8 images 3 x 32 x 32 with labels: Gaussian noise plus 1.0 on the channel of the
label (so the loss has something to learn), quantised to multiples of 1/32 in [-127/32,
127/32] and stored as int8 (x = q / 32 is exact in float32 and float64), base64.

Runs, each 20 steps in train mode from the same weights, one batch per step, in the order
zero_grad, forward, loss, backward, [clip], optimizer.step, [scheduler.step]:

  sgd           SGD(lr 0.01, momentum 0.9, weight_decay 1e-4), CrossEntropyLoss()
  sgd_weighted  SGD(lr base 0.05, momentum 0.9, nesterov, weight_decay 1e-4),
                CrossEntropyLoss(weight [1, 2, 0.5], label_smoothing 0.1),
                clip_grad_norm_(1.0), SequentialLR(LinearLR(0.1, 3 steps), CosineAnnealingLR(17, 1e-3))

AdamW is not in the fixture: on this problem float32 torch AdamW drifted 3.2e-2 from its
float64 run within 20 steps (Adam divides by sqrt(v) + 1e-8, so parameters whose gradients
are rounding-sized take full-size steps whose sign rounding decides). Its per-step parity is
covered by scripts/peers/sinonet_optim.py.

The reference run is float64 (the model converted with .double() after loading the float32
weights, the data likewise, the optimiser stepping float64 parameters): it is the exact
trajectory for these float32 starting weights, the thing SinoNet's float32 run approximates.
Two float32 implementations (torch and SinoNet) sum in different orders, so comparing them
measures both roundings at once; against float64 only SinoNet's rounding is measured. The
script also runs float32 torch and records its losses (`losses_float32`) and its worst gap
to float64, which shows what float32 arithmetic itself achieves on this problem; it refuses
a fixture where that gap exceeds 2e-4 (a reference float32 cannot be expected to follow).

Why 8 images and not 4: at 32 x 32 layer4 is 1 x 1, so train-mode BatchNorm there normalises
N values per channel. With N = 4 the 20-step trajectory is chaotic: float32 torch itself
drifted from float64 by 1e-6 at step 5, 1e-3 at step 9 and 8.6e-2 at step 16 (each step
multiplying the rounding difference by ~2-3), so no float32 implementation could meet a 1e-3
bar. With N = 8 float32 torch stays within ~1e-6 of float64 for all 20 steps.

Writes Tests/Fixtures/sinonet_training.json.
Run: .venv-peers/bin/python scripts/peers/sinonet_training.py   (torch 2.13.0+cpu)
Needs the safetensors package beside torch (as sinonet_models.py does); where the venv lacks
it: pip install --target DIR safetensors, then PYTHONPATH=DIR .venv-peers/bin/python ...
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

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sinonet_models import BasicBlock, ResNet  # noqa: E402  (same code as the model fixture)
from fixture_json import write_fixture

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "Tests" / "Fixtures"
WEIGHTS = "sinonet_models_resnet_basic.safetensors"
torch.set_num_threads(1)


STEPS, BATCH, CHANNELS, SIZE, CLASSES = 20, 8, 3, 32, 3
SEED = 20240707

RUNS = [
    {"name": "sgd", "optimizer": "sgd", "lr": 0.01, "momentum": 0.9, "nesterov": False,
     "weight_decay": 1e-4, "class_weights": None, "label_smoothing": 0.0, "clip_norm": None,
     "schedule": None},
    {"name": "sgd_weighted", "optimizer": "sgd", "lr": 0.05, "momentum": 0.9, "nesterov": True,
     "weight_decay": 1e-4, "class_weights": [1.0, 2.0, 0.5], "label_smoothing": 0.1, "clip_norm": 1.0,
     "schedule": {"warmup_steps": 3, "warmup_start_factor": 0.1, "cosine_period": 17, "cosine_minimum": 1e-3}}
]


def make_data():
    g = torch.Generator().manual_seed(SEED)
    labels = torch.randint(0, CLASSES, (STEPS, BATCH), generator=g)
    x = torch.randn(STEPS, BATCH, CHANNELS, SIZE, SIZE, generator=g)
    for s in range(STEPS):
        for i in range(BATCH):
            x[s, i, labels[s, i]] += 1.0
    q = torch.clamp(torch.round(x * 32), -127, 127).to(torch.int8)
    return q, labels


def run(config, images, labels, dtype):
    model = ResNet(BasicBlock, [1, 1, 1, 1], num_classes=CLASSES, in_channels=CHANNELS, base_width=8)
    model.load_state_dict(load_file(str(FIXTURES / WEIGHTS)))
    model = model.to(dtype)
    model.train()
    if config["optimizer"] == "sgd":
        opt = torch.optim.SGD(model.parameters(), lr=config["lr"], momentum=config["momentum"],
                              nesterov=config["nesterov"], weight_decay=config["weight_decay"])
    else:
        opt = torch.optim.AdamW(model.parameters(), lr=config["lr"], betas=tuple(config["betas"]),
                                eps=config["eps"], weight_decay=config["weight_decay"])
    scheduler = None
    if config["schedule"]:
        s = config["schedule"]
        warm = torch.optim.lr_scheduler.LinearLR(opt, start_factor=s["warmup_start_factor"], end_factor=1.0,
                                                 total_iters=s["warmup_steps"])
        cos = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=s["cosine_period"], eta_min=s["cosine_minimum"])
        scheduler = torch.optim.lr_scheduler.SequentialLR(opt, [warm, cos], milestones=[s["warmup_steps"]])
    weight = torch.tensor(config["class_weights"], dtype=dtype) if config["class_weights"] else None
    losses, rates = [], []
    for step in range(STEPS):
        x = images[step].to(dtype) / 32
        rates.append(opt.param_groups[0]["lr"])
        opt.zero_grad()
        logits = model(x)
        loss = F.cross_entropy(logits, labels[step], weight=weight, label_smoothing=config["label_smoothing"])
        loss.backward()
        if config["clip_norm"] is not None:
            torch.nn.utils.clip_grad_norm_(model.parameters(), config["clip_norm"])
        opt.step()
        if scheduler:
            scheduler.step()
        losses.append(loss.item())
    return losses, rates


def main():
    q, labels = make_data()
    out = {"generator": "scripts/peers/sinonet_training.py", "seed": SEED,
           "versions": {"torch": torch.__version__, "safetensors": safetensors.__version__,
                        "numpy": np.__version__, "python": platform.python_version()},
           "weights": WEIGHTS,
           "model": {"family": "resnet", "block": "basic", "layers": [1, 1, 1, 1], "base_width": 8,
                     "in_channels": CHANNELS, "classes": CLASSES},
           "data": {"steps": STEPS, "batch": BATCH, "channels": CHANNELS, "size": SIZE, "scale": 1 / 32,
                    "images_int8": base64.b64encode(q.numpy().tobytes()).decode(),
                    "labels": labels.tolist()},
           "runs": []}
    for config in RUNS:
        ref, rates = run(config, q, labels, torch.float64)
        single, _ = run(config, q, labels, torch.float32)
        gap = max(abs(a - b) for a, b in zip(ref, single))
        print(f"{config['name']}: loss {ref[0]:.5f} -> {ref[-1]:.5f}; "
              f"torch float32 vs float64 worst loss gap {gap:.2e}")
        assert gap < 2e-4, f"{config['name']}: float32 drifts {gap:.2e} from float64; change the seed"
        out["runs"].append({**config, "losses": ref, "losses_float32": single, "learning_rates": rates,
                            "float32_gap": gap})
    path = FIXTURES / "sinonet_training.json"
    write_fixture(path, out)
    print(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
