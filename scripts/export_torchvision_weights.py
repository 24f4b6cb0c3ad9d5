#!/usr/bin/env python3
"""Export torchvision's pretrained ImageNet weights as safetensors for SinoRad.

SinoRad never downloads anything. On a machine with internet access and torchvision
installed, this script fetches torchvision's weights for one architecture and writes the
model's state_dict with `safetensors.torch.save_file`, under torchvision's own key names,
which is what `ImageClassifier.loadStateDict` and `sinorad cnn ... --weights` read.

    pip install torch torchvision safetensors
    python scripts/export_torchvision_weights.py --arch resnet101 --out weights/resnet101.safetensors
    python scripts/export_torchvision_weights.py --arch densenet121 --weights IMAGENET1K_V1 --out d121.safetensors

Without internet, a state_dict saved earlier with `torch.save(model.state_dict(), "x.pth")`
(or a checkpoint file from torchvision's download cache, ~/.cache/torch/hub/checkpoints/)
can be converted instead; only torch and safetensors are needed then:

    python scripts/export_torchvision_weights.py --arch resnet50 --from-pth resnet50-11ad3fa6.pth --out r50.safetensors

The exported file keeps ImageNet's head (1000 classes) and 3 input channels. SinoRad adapts
them when it fine-tunes: `replaceHead(classes:)` for the class count and
`adaptFirstConv(inChannels:)` for one-channel MRI slices. Old-style DenseNet keys from
torchvision's .pth files ("denselayer1.norm.1.weight") are renamed to the current ones
("denselayer1.norm1.weight") exactly as torchvision's `_load_state_dict` does, and
`num_batches_tracked` buffers are kept (SinoRad accepts and ignores them).

Checks before writing: every tensor is float32 (or the int64 num_batches_tracked), names are
unique, and the key set is what the architecture has (conv1/fc or features.*/classifier);
the file is written to a temporary name and renamed, so a failure leaves nothing behind.
"""
import argparse
import json
import os
import re
import sys
import tempfile

ARCHITECTURES = ["resnet18", "resnet34", "resnet50", "resnet101", "resnet152", "densenet121", "densenet169"]

# torchvision/models/densenet.py, _load_state_dict: "denselayer1.norm.1.weight" -> "denselayer1.norm1.weight"
OLD_DENSENET_KEY = re.compile(
    r"^(.*denselayer\d+\.(?:norm|relu|conv))\.((?:[12])\.(?:weight|bias|running_mean|running_var|num_batches_tracked))$")


def fetch_from_torchvision(arch, weights):
    try:
        import torchvision
    except Exception as error:  # torchvision missing or not matching the installed torch
        sys.exit(f"error: torchvision could not be imported ({error}); install torch and torchvision "
                 f"from PyPI on a machine with internet, or pass --from-pth FILE")
    builder = getattr(torchvision.models, arch)
    model = builder(weights=weights)
    return model.state_dict(), f"torchvision {torchvision.__version__} {arch} weights={weights}"


def read_pth(path):
    import torch
    state = torch.load(path, map_location="cpu", weights_only=True)
    if isinstance(state, dict) and "state_dict" in state and isinstance(state["state_dict"], dict):
        state = state["state_dict"]
    if not isinstance(state, dict):
        sys.exit(f"error: {path} does not hold a state_dict (a dict of tensors)")
    return state, f"state_dict from {os.path.basename(path)}"


def renamed(state, arch):
    out = {}
    for key, value in state.items():
        if key.startswith("module."):  # saved from nn.DataParallel
            key = key[len("module."):]
        if arch.startswith("densenet"):
            match = OLD_DENSENET_KEY.match(key)
            if match:
                key = match.group(1) + match.group(2)
        if key in out:
            sys.exit(f"error: key {key} appears twice after renaming")
        out[key] = value
    return out


def check(state, arch):
    import torch
    head, stem = ("fc.weight", "conv1.weight") if arch.startswith("resnet") else \
        ("classifier.weight", "features.conv0.weight")
    missing = [k for k in (head, stem) if k not in state]
    if missing:
        sys.exit(f"error: the state_dict has no {', '.join(missing)}: it is not a torchvision {arch}")
    bad = [k for k, v in state.items()
           if not (v.dtype == torch.float32 or (k.endswith("num_batches_tracked") and v.dtype == torch.int64))]
    if bad:
        sys.exit("error: tensors that are neither float32 nor an int64 num_batches_tracked: " + ", ".join(bad[:10]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--arch", required=True, choices=ARCHITECTURES)
    parser.add_argument("--weights", default="DEFAULT",
                        help="torchvision weights enum name, e.g. IMAGENET1K_V1 or IMAGENET1K_V2 (default: DEFAULT)")
    parser.add_argument("--from-pth", help="convert this saved state_dict instead of downloading")
    parser.add_argument("--out", required=True, help="the .safetensors file to write")
    args = parser.parse_args()

    import torch
    from safetensors.torch import save_file

    state, source = read_pth(args.from_pth) if args.from_pth else fetch_from_torchvision(args.arch, args.weights)
    state = renamed(state, args.arch)
    check(state, args.arch)
    tensors = {k: v.detach().to("cpu").contiguous() for k, v in state.items()}
    metadata = {"format": "pt", "arch": args.arch, "source": source, "torch": torch.__version__,
                "exporter": "scripts/export_torchvision_weights.py"}
    folder = os.path.dirname(os.path.abspath(args.out))
    os.makedirs(folder, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".export-", suffix=".safetensors", dir=folder)
    os.close(handle)
    try:
        save_file(tensors, temporary, metadata=metadata)
        os.replace(temporary, args.out)
    except BaseException:
        os.unlink(temporary)
        raise
    parameters = sum(v.numel() for k, v in tensors.items() if not k.endswith("num_batches_tracked"))
    print(json.dumps({"out": args.out, "arch": args.arch, "tensors": len(tensors),
                      "values": parameters, "source": source}))


if __name__ == "__main__":
    main()
