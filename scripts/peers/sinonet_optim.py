"""PyTorch reference for SinoNet's optimisers, gradient clipping and learning-rate schedules.

Writes Tests/Fixtures/sinonet_optim.json. Tensors are {"shape": [...], "data": base64 of
little-endian float32 in C order}, as in sinonet_layers.py.

- "parameters": four named tensors (state_dict-style names; sizes 108, 16, 80 and 5 so that
  both the vectorised body and the scalar tail of ATen's CPU kernels are exercised) and, for
  each of STEPS steps, a random gradient for each of them ("grad.<step>.<name>"). Gradients
  differ in scale from step to step; step 3 is multiplied by 50 (for the clipping cases).
- "optimizer_cases": torch.optim.SGD / AdamW runs of STEPS steps on copies of those parameters
  with those gradients (torch's default single-tensor CPU path). For each: the configuration,
  the trainable names (a frozen backbone trains only "fc.*"), optionally a per-step learning
  rate, optional clipping (clip_grad_norm_ over the trainable gradients, or clip_grad_value_),
  and after every step the parameters ("after.<step>.<name>"), the total gradient norm
  returned by clip_grad_norm_, and after the last step the optimiser state
  ("state.<name>.<slot>", torch's state_dict slot names).
- "schedule_cases": the learning rate used at steps 0 ..< 30 by torch.optim.lr_scheduler
  constructions (CosineAnnealingLR, StepLR, each alone and after a LinearLR warm-up chained
  with SequentialLR, and LinearLR alone), read from optimizer.param_groups[0]["lr"] before each scheduler.step().

Run: .venv-peers/bin/python scripts/peers/sinonet_optim.py   (torch 2.13.0+cpu)
"""
import base64
import json
import math
import platform
import sys
import warnings
from pathlib import Path

import numpy as np
import torch
from torch.optim.lr_scheduler import CosineAnnealingLR, LinearLR, SequentialLR, StepLR
from fixture_json import write_fixture

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "Tests" / "Fixtures" / "sinonet_optim.json"

torch.manual_seed(20240612)
torch.set_num_threads(1)
STEPS = 10


def enc(t):
    a = t.detach().to(torch.float32).contiguous().numpy().astype("<f4")
    return {"shape": list(a.shape), "data": base64.b64encode(a.tobytes()).decode("ascii")}


SHAPES = {"conv.weight": (4, 3, 3, 3), "bn.weight": (16,), "fc.weight": (5, 16), "fc.bias": (5,)}
initial = {name: torch.randn(*shape) * 0.5 for name, shape in SHAPES.items()}
grads = []
for step in range(STEPS):
    scale = 0.1 * (1 + step % 4)
    if step == 3:
        scale *= 50  # a gradient spike: clip_grad_norm_ must act here
    grads.append({name: torch.randn(*shape) * scale for name, shape in SHAPES.items()})

parameters = {"tensors": {}}
for name, t in initial.items():
    parameters["tensors"]["initial." + name] = enc(t)
for step, g in enumerate(grads):
    for name, t in g.items():
        parameters["tensors"][f"grad.{step}.{name}"] = enc(t)
parameters["names"] = list(SHAPES)


def cosine_warmup_lrs(base, steps, warmup, start_factor, t_max, eta_min):
    """The learning rates of LinearLR(start_factor -> 1 over warmup) then CosineAnnealingLR."""
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=base)
    warm = LinearLR(opt, start_factor=start_factor, end_factor=1.0, total_iters=warmup)
    cos = CosineAnnealingLR(opt, T_max=t_max, eta_min=eta_min)
    sched = SequentialLR(opt, [warm, cos], milestones=[warmup])
    out = []
    for _ in range(steps):
        out.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return out


def optimizer_case(name, kind, config, trainable=None, lrs=None, clip_norm=None, clip_value=None):
    trainable = trainable or list(SHAPES)
    params = {n: initial[n].clone().requires_grad_(True) for n in SHAPES}
    plist = [params[n] for n in trainable]
    if kind == "sgd":
        opt = torch.optim.SGD(plist, lr=config["lr"], momentum=config["momentum"],
                              dampening=config["dampening"], weight_decay=config["weight_decay"],
                              nesterov=config["nesterov"])
    else:
        opt = torch.optim.AdamW(plist, lr=config["lr"], betas=(config["beta1"], config["beta2"]),
                                eps=config["eps"], weight_decay=config["weight_decay"],
                                amsgrad=config["amsgrad"])
    tensors = {}
    norms = []
    for step in range(STEPS):
        if lrs is not None:
            opt.param_groups[0]["lr"] = lrs[step]
        for n in SHAPES:
            params[n].grad = grads[step][n].clone()
        if clip_norm is not None:
            # Only the optimiser's parameters, as clip_grad_norm_(model.parameters()) sees
            # only parameters with gradients (a frozen backbone has requires_grad False).
            total = torch.nn.utils.clip_grad_norm_(plist, max_norm=clip_norm, norm_type=2.0)
            norms.append(float(total))
        if clip_value is not None:
            torch.nn.utils.clip_grad_value_(plist, clip_value=clip_value)
        opt.step()
        for n in SHAPES:
            tensors[f"after.{step}.{n}"] = enc(params[n])
    for n in trainable:
        for slot, value in opt.state[params[n]].items():
            if slot == "step":
                continue
            tensors[f"state.{n}.{slot}"] = enc(value)
    steps_taken = {n: int(opt.state[params[n]].get("step", torch.tensor(float(STEPS))).item())
                   for n in trainable}
    case = {"name": name, "optimizer": kind, "config": config, "trainable": trainable,
            "steps_taken": steps_taken, "tensors": tensors}
    if lrs is not None:
        case["learning_rates"] = lrs
    if clip_norm is not None:
        case["clip_norm"] = clip_norm
        case["total_norms"] = norms
    if clip_value is not None:
        case["clip_value"] = clip_value
    return case


def sgd(lr, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
    return {"lr": lr, "momentum": momentum, "dampening": dampening,
            "weight_decay": weight_decay, "nesterov": nesterov}


def adamw(lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2, amsgrad=False):
    return {"lr": lr, "beta1": beta1, "beta2": beta2, "eps": eps,
            "weight_decay": weight_decay, "amsgrad": amsgrad}


FC = ["fc.weight", "fc.bias"]
with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # SequentialLR's internal epoch argument is deprecated
    step_lrs = cosine_warmup_lrs(0.05, STEPS, 3, 0.2, 7, 1e-3)
    optimizer_cases = [
        optimizer_case("sgd_plain", "sgd", sgd(0.1)),
        optimizer_case("sgd_momentum_dampening_wd", "sgd", sgd(0.05, 0.9, 0.1, 1e-2)),
        optimizer_case("sgd_nesterov_wd", "sgd", sgd(0.05, 0.9, 0.0, 5e-4, True)),
        optimizer_case("sgd_momentum_frozen_backbone", "sgd", sgd(0.1, 0.9), trainable=FC),
        optimizer_case("sgd_momentum_clip_norm", "sgd", sgd(0.05, 0.9), clip_norm=1.0),
        optimizer_case("sgd_clip_value", "sgd", sgd(0.1), clip_value=0.15),
        optimizer_case("adamw_default", "adamw", adamw()),
        optimizer_case("adamw_no_wd", "adamw", adamw(lr=3e-3, beta1=0.8, beta2=0.99, eps=1e-6,
                                                     weight_decay=0.0)),
        optimizer_case("adamw_amsgrad", "adamw", adamw(lr=2e-3, weight_decay=5e-2, amsgrad=True)),
        optimizer_case("adamw_small_beta1", "adamw", adamw(lr=1e-2, beta1=0.3, beta2=0.9)),
        optimizer_case("adamw_frozen_backbone", "adamw", adamw(lr=1e-2), trainable=FC),
        optimizer_case("adamw_clip_norm_schedule", "adamw", adamw(lr=0.05, weight_decay=0.1),
                       lrs=step_lrs, clip_norm=2.0),
    ]


def schedule(name, base, steps, decay, warmup=None):
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=base)
    warm = None
    if warmup is not None:
        warm = LinearLR(opt, start_factor=warmup["start_factor"], end_factor=1.0,
                        total_iters=warmup["steps"])
    if decay["kind"] == "cosine":
        main = CosineAnnealingLR(opt, T_max=decay["t_max"], eta_min=decay["eta_min"])
    elif decay["kind"] == "step":
        main = StepLR(opt, step_size=decay["step_size"], gamma=decay["gamma"])
    else:  # constant after the warm-up: LinearLR alone
        main = None
    sched = main
    if warm is not None and main is None:
        sched = warm
    elif warm is not None:
        sched = SequentialLR(opt, [warm, main], milestones=[warmup["steps"]])
    lrs = []
    for _ in range(steps):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return {"name": name, "base": base, "decay": decay, "warmup": warmup, "learning_rates": lrs}


with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    schedule_cases = [
        schedule("cosine", 0.1, 30, {"kind": "cosine", "t_max": 30, "eta_min": 0.0}),
        schedule("cosine_eta_min_past_period", 0.1, 30, {"kind": "cosine", "t_max": 12, "eta_min": 1e-3}),
        schedule("cosine_warmup", 0.1, 30, {"kind": "cosine", "t_max": 25, "eta_min": 1e-4},
                 {"steps": 5, "start_factor": 0.1}),
        schedule("step", 0.1, 30, {"kind": "step", "step_size": 7, "gamma": 0.5}),
        schedule("step_warmup", 0.01, 30, {"kind": "step", "step_size": 4, "gamma": 0.3},
                 {"steps": 6, "start_factor": 1.0 / 3.0}),
        schedule("warmup_only", 0.02, 30, {"kind": "constant"}, {"steps": 8, "start_factor": 0.25}),
    ]

fixture = {
    "generator": "scripts/peers/sinonet_optim.py",
    "versions": {"torch": torch.__version__, "numpy": np.__version__,
                 "python": platform.python_version()},
    "steps": STEPS,
    "parameters": parameters,
    "optimizer_cases": optimizer_cases,
    "schedule_cases": schedule_cases,
}
write_fixture(OUT, fixture)
print(f"wrote {OUT} ({OUT.stat().st_size} bytes, {len(optimizer_cases)} optimiser cases, "
      f"{len(schedule_cases)} schedules)", file=sys.stderr)
