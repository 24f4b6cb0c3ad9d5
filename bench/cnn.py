"""PyTorch side of bench/cnn.sh: times a torchvision network in plain torch on CPU.

    python bench/cnn.py MODE BATCH [ITERATIONS] [WARMUP] [SIZE] [ARCH]
        MODE: infer | train;  ARCH: resnet50 (default) | resnet101 | densenet121

The networks are scripts/peers/sinonet_models.py's ResNet and DenseNet (torchvision's module
names, layer order and init; torchvision itself does not import next to torch 2.13.0+cpu):
ResNet-50 (Bottleneck [3, 4, 6, 3]), ResNet-101 ([3, 4, 23, 3]) or DenseNet-121 (growth 32,
blocks (6, 12, 24, 16), memory_efficient=False as torchvision's default), 3 input channels,
2 classes.
torch.set_num_threads(2). infer: eval mode under torch.inference_mode(). train: train mode,
cross-entropy, backward and torch.optim.SGD(lr=0.01, momentum=0.9).step() per batch (what
`sinorad cnn bench --mode train` does). WARMUP (default 1) untimed batches, then ITERATIONS
timed ones.
Prints one JSON line with the keys of `sinorad cnn bench --format json`.
"""
import json
import resource
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts" / "peers"))
import sinonet_models as sm  # noqa: E402

torch.set_num_threads(2)  # sinonet_models sets 1 on import; the reference speed is 2 threads


def main():
    mode, batch = sys.argv[1], int(sys.argv[2])
    iterations = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    warmup = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    size = int(sys.argv[5]) if len(sys.argv) > 5 else 224
    arch = sys.argv[6] if len(sys.argv) > 6 else "resnet50"
    torch.manual_seed(0)
    if arch == "densenet121":
        model = sm.DenseNet(32, (6, 12, 24, 16), 64, 4, num_classes=2, in_channels=3)
    else:
        layers = {"resnet50": [3, 4, 6, 3], "resnet101": [3, 4, 23, 3]}[arch]
        model = sm.ResNet(sm.Bottleneck, layers, num_classes=2, in_channels=3, base_width=64)
    x = torch.rand(batch, 3, size, size) * 2 - 1
    y = torch.randint(0, 2, (batch,))
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)

    def step():
        if mode == "infer":
            with torch.inference_mode():
                model(x)
        else:
            opt.zero_grad()
            F.cross_entropy(model(x), y).backward()
            opt.step()

    model.train(mode == "train")
    for _ in range(warmup):
        step()
    times = []
    for _ in range(iterations):
        start = time.perf_counter()
        step()
        times.append((time.perf_counter() - start) * 1000)
    mean = sum(times) / len(times)
    print(json.dumps({"arch": arch, "mode": mode, "batch": batch, "size": size, "iterations": iterations,
                      "images_per_second": batch / (mean / 1000), "ms_per_batch": mean, "ms_per_batch_min": min(times),
                      "ms_per_batch_median": sorted(times)[len(times) // 2] if len(times) % 2 else
                      sum(sorted(times)[len(times) // 2 - 1:len(times) // 2 + 1]) / 2, "warmup": warmup,
                      "peak_memory_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "torch": torch.__version__, "threads": torch.get_num_threads()}))


if __name__ == "__main__":
    main()
