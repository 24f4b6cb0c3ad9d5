"""Single-number separability of an images folder (docs/IMAGING-PHANTOM.md, section 7), read
independently of SinoRad with nibabel: for every patient the ROI mean and SD of each sequence,
the ROI volume and a T2WI texture number (mean |4-neighbour Laplacian| / SD over ROI voxels
whose in-plane neighbours are in the ROI); then, per number, the one-vs-rest AUC per class
with its better orientation, max(AUC, 1 - AUC), averaged over the classes (scikit-learn
roc_auc_score). The SYNTHETIC phantom is meant to keep every such number below 0.80.

    .venv-peers/bin/python scripts/phantom_summaries.py --images syn/images --cohort syn/cohort.csv
"""
import argparse, csv
from pathlib import Path
import numpy as np
import nibabel as nib
from sklearn.metrics import roc_auc_score

ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
ap.add_argument("--images", required=True)
ap.add_argument("--cohort", required=True)
ap.add_argument("--label", default="pathology")
args = ap.parse_args()
rows = list(csv.DictReader(open(args.cohort, newline="", encoding="utf-8-sig")))
classes = list(dict.fromkeys(r[args.label] for r in rows))
labels, features = [], {}
for r in rows:
    folder = Path(args.images) / r["patient_id"]
    mask = np.asanyarray(nib.load(folder / "mask.nii.gz").dataobj) > 0
    spacing = nib.load(folder / "mask.nii.gz").header.get_zooms()[:3]
    labels.append(classes.index(r[args.label]))
    values = {"ROI volume (cm3)": mask.sum() * float(np.prod(spacing)) / 1000}
    for seq in ["T2WI", "CE-T1WI", "ADC"]:
        v = nib.load(folder / f"{seq}.nii.gz").get_fdata(dtype=np.float64)
        values[f"ROI mean {seq}"] = v[mask].mean()
        values[f"ROI SD {seq}"] = v[mask].std()
        if seq == "T2WI":
            inner = mask[1:-1, 1:-1] & mask[:-2, 1:-1] & mask[2:, 1:-1] & mask[1:-1, :-2] & mask[1:-1, 2:]
            lap = np.abs(4 * v[1:-1, 1:-1] - v[:-2, 1:-1] - v[2:, 1:-1] - v[1:-1, :-2] - v[1:-1, 2:])
            values["T2WI texture (mean |Laplacian| / SD)"] = lap[inner].mean() / v[mask].std()
    for k, x in values.items():
        features.setdefault(k, []).append(x)
labels = np.array(labels)
print(f"{len(rows)} patients, classes {', '.join(classes)}")
print(f"| number of the ROI | macro | {' | '.join(classes)} |")
print("| --- | --- |" + " --- |" * len(classes))
worst = 0
for name, xs in features.items():
    xs = np.array(xs)
    per = [roc_auc_score(labels == c, xs) for c in range(len(classes))]
    per = [max(a, 1 - a) for a in per]
    worst = max(worst, np.mean(per))
    print(f"| {name} | {np.mean(per):.3f} | " + " | ".join(f"{a:.3f}" for a in per) + " |")
print(f"largest macro-AUC of a single number: {worst:.3f} ({'below' if worst < 0.8 else 'NOT below'} 0.80)")
