"""Reference values for SinoImaging's in-plane resampling and percentile normalisation.

Writes Tests/Fixtures/imaging/resample.json:

- "bilinear": torch.nn.functional.interpolate(mode="bilinear", align_corners=False,
  antialias=False) of float32 planes (N=1, C=1): up- and down-sampling by non-integer
  factors, exactly 2x, identity, non-square, and 13 x 13 -> 224 x 224 (the network size; only
  64 sampled pixels and the sum are kept, to keep the fixture small).
- "nearest": F.interpolate(mode="nearest") of the same planes and of a 0/1 mask.
- "percentile": numpy.percentile(method="linear") of float64 vectors (random normal, with
  ties, tiny) at several levels.

Inputs are float32 values; JSON numbers are the exact float32 values printed as float64.

Run: .venv-peers/bin/python scripts/peers/resample.py   (torch 2.13.0+cpu, numpy 2.4)
"""
import platform
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from fixture_json import write_fixture

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "Tests" / "Fixtures" / "imaging" / "resample.json"
torch.set_num_threads(1)
rng = np.random.default_rng(20250056)


def plane(h, w):
    return rng.normal(100, 30, size=(h, w)).astype(np.float32)


def interpolate(x, size, mode):
    t = torch.from_numpy(x)[None, None]
    kwargs = {"align_corners": False, "antialias": False} if mode == "bilinear" else {}
    return F.interpolate(t, size=size, mode=mode, **kwargs)[0, 0].numpy()


def floats(a):
    return [float(v) for v in np.asarray(a, dtype=np.float32).ravel()]


cases = [("upsample_5x7_to_9x11", (5, 7), (9, 11)), ("downsample_7x7_to_3x3", (7, 7), (3, 3)),
         ("double_4x4_to_8x8", (4, 4), (8, 8)), ("identity_6x6", (6, 6), (6, 6)),
         ("non_square_3x8_to_7x5", (3, 8), (7, 5)), ("crop_17x17_to_224x224", (17, 17), (224, 224))]
bilinear, nearest = [], []
for name, (h, w), (oh, ow) in cases:
    x = plane(h, w)
    for mode, store in (("bilinear", bilinear), ("nearest", nearest)):
        y = interpolate(x, (oh, ow), mode)
        entry = {"name": name, "height": h, "width": w, "out_height": oh, "out_width": ow, "input": floats(x)}
        if oh * ow > 1000:
            idx = rng.choice(oh * ow, size=64, replace=False)
            entry["sample_index"] = [int(i) for i in idx]
            entry["sample_value"] = floats(y.ravel()[idx])
            entry["sum"] = float(y.astype(np.float64).sum())
        else:
            entry["output"] = floats(y)
        store.append(entry)
mask = (rng.random((9, 6)) > 0.6).astype(np.float32)
for oh, ow in [(20, 13), (4, 3), (224, 224)]:
    y = interpolate(mask, (oh, ow), "nearest")
    entry = {"name": f"mask_9x6_to_{oh}x{ow}", "height": 9, "width": 6, "out_height": oh, "out_width": ow,
             "input": floats(mask)}
    if oh * ow > 1000:
        idx = rng.choice(oh * ow, size=64, replace=False)
        entry.update(sample_index=[int(i) for i in idx], sample_value=floats(y.ravel()[idx]), sum=float(y.sum()))
    else:
        entry["output"] = floats(y)
    nearest.append(entry)

vectors = {"normal_101": rng.normal(0, 1, 101), "ties_37": np.repeat(rng.normal(5, 2, 12), [3, 4, 2, 5, 1, 3, 4, 2, 3, 4, 3, 3]),
           "tiny_2": np.array([3.5, -1.25]), "single": np.array([7.0]),
           "float32_roi_500": rng.normal(520, 60, 500).astype(np.float32).astype(np.float64)}
levels = [0, 1, 2.5, 25, 37.3, 50, 75, 99, 99.5, 100]
percentile = [{"name": name, "values": [float(v) for v in values], "levels": levels,
               "expected": [float(np.percentile(values, q, method="linear")) for q in levels]}
              for name, values in vectors.items()]

OUT.parent.mkdir(parents=True, exist_ok=True)
write_fixture(OUT, {
    "generator": "scripts/peers/resample.py",
    "versions": {"python": platform.python_version(), "torch": torch.__version__, "numpy": np.__version__},
    "bilinear": bilinear, "nearest": nearest, "percentile": percentile,
})
print(f"wrote {OUT.relative_to(ROOT)} ({OUT.stat().st_size} bytes)")
