"""End-to-end check of scripts/export_torchvision_weights.py's offline path (--from-pth).

Builds ResNet-18 and DenseNet-121 with torchvision's module names (sinonet_models.py), saves
their state_dicts with torch.save as torchvision's .pth files are (DenseNet with the OLD key
style "denselayer1.norm.1.weight" that torchvision's download files still use), converts them
with the export script, runs `sinorad cnn forward` on the result and compares SinoNet's eval
logits with torch's (max |diff| / max |torch| must stay below 1e-4).

    .venv-peers/bin/python scripts/peers/check_export.py [path/to/sinorad]
"""
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file

sys.path.insert(0, str(Path(__file__).resolve().parent))
import sinonet_models as sm  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else str(ROOT / ".build" / "release" / "sinorad")
    cases = [("resnet18", sm.ResNet(sm.BasicBlock, [2, 2, 2, 2], num_classes=1000, in_channels=3)),
             ("densenet121", sm.DenseNet(32, (6, 12, 24, 16), 64, 4, num_classes=1000, in_channels=3))]
    worst = 0.0
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        for arch, model in cases:
            torch.manual_seed(7)
            sm.randomise_batchnorm(model)
            model.eval()
            state = model.state_dict()
            if arch.startswith("densenet"):  # the key style of torchvision's .pth downloads
                state = {re.sub(r"(denselayer\d+\.(?:norm|relu|conv))([12])\.", r"\1.\2.", k): v
                         for k, v in state.items()}
                assert any(".norm.1." in k for k in state)
            torch.save(state, work / f"{arch}.pth")
            out = work / f"{arch}.safetensors"
            subprocess.run([sys.executable, str(ROOT / "scripts" / "export_torchvision_weights.py"), "--arch", arch,
                            "--from-pth", str(work / f"{arch}.pth"), "--out", str(out)], check=True)
            x = torch.randn(2, 3, 64, 64)
            save_file({"input": x}, str(work / "x.safetensors"))
            with torch.no_grad():
                expected = model(x)
            subprocess.run([binary, "cnn", "forward", "--arch", arch, "--classes", "1000", "--weights", str(out),
                            "--input", str(work / "x.safetensors"), "--out", str(work / "y.safetensors")], check=True)
            got = load_file(str(work / "y.safetensors"))["logits"]
            rel = ((got - expected).abs().max() / expected.abs().max()).item()
            worst = max(worst, rel)
            print(json.dumps({"arch": arch, "max_rel_diff_logits": rel, "torch": torch.__version__}))
    if worst > 1e-4:
        sys.exit(f"export check failed: relative logit difference {worst:.3g}")


if __name__ == "__main__":
    main()
