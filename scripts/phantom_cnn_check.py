"""Learnability check of the SYNTHETIC imaging phantom: can a small CNN learn the class from
preprocessed 2-D slices, beyond what single summary numbers of the ROI carry?

Input: the folder written by the PhantomSliceExport suite (slices.f32: N x 3 x S x S Float32,
channels T2WI, CE-T1WI, ADC, z-scored in the ROI; slices.csv: patient_id, cohort, label,
slice), i.e. the default 465-patient cohort, largest-ROI slice +- 1.

A 4-block CNN (conv-BN-ReLU-maxpool, 16-32-64-128 channels, global average pooling, linear) is
trained from scratch on the training cohort's slices (random flips and 90-degree turns), one
model per sequence and one on the three stacked; the validation + test patients (140) are
scored by the mean softmax of their slices, and the one-vs-rest macro-AUC is reported
(scikit-learn roc_auc_score). Seeds fixed; CPU.

    SINORAD_PHANTOM_EXPORT=/tmp/phantom swift test -c release -Xswiftc -enable-testing --filter PhantomSliceExport
    .venv-peers/bin/python scripts/phantom_cnn_check.py /tmp/phantom
"""
import csv, sys, time
import numpy as np, torch, torch.nn as nn
from sklearn.metrics import roc_auc_score

folder = sys.argv[1]
epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 30
rows = list(csv.DictReader(open(f"{folder}/slices.csv")))
n = len(rows)
x = np.fromfile(f"{folder}/slices.f32", dtype=np.float32)
size = int(round((x.size / n / 3) ** 0.5))
x = x.reshape(n, 3, size, size)
y = np.array([int(r["label"]) for r in rows])
ids = np.array([r["patient_id"] for r in rows])
train = np.array([r["cohort"] == "train" for r in rows])
torch.set_num_threads(2)


def model(channels):
    layers, c = [], channels
    for out in (16, 32, 64, 128):
        layers += [nn.Conv2d(c, out, 3, padding=1, bias=False), nn.BatchNorm2d(out), nn.ReLU(), nn.MaxPool2d(2)]
        c = out
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(0.3), nn.Linear(c, 3))


def run(channels, name):
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    net = model(len(channels))
    opt = torch.optim.AdamW(net.parameters(), lr=2e-3, weight_decay=1e-3)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, epochs)
    xt, yt = torch.from_numpy(x[train][:, channels]), torch.from_numpy(y[train])
    start = time.time()
    for _ in range(epochs):
        net.train()
        order = rng.permutation(len(yt))
        for b in range(0, len(order), 32):
            idx = order[b:b + 32]
            batch = xt[idx]
            if rng.random() < 0.5: batch = batch.flip(3)
            if rng.random() < 0.5: batch = batch.flip(2)
            batch = torch.rot90(batch, int(rng.integers(4)), (2, 3))
            loss = nn.functional.cross_entropy(net(batch), yt[idx])
            opt.zero_grad(); loss.backward(); opt.step()
        sched.step()
    net.eval()
    with torch.no_grad():
        p = torch.softmax(net(torch.from_numpy(x[~train][:, channels])), 1).numpy()
    held = ids[~train]
    patients = sorted(set(held))
    scores = np.array([p[held == pid].mean(0) for pid in patients])
    labels = np.array([y[~train][held == pid][0] for pid in patients])
    auc = roc_auc_score(labels, scores, multi_class="ovr", average="macro")
    accuracy = (scores.argmax(1) == labels).mean()
    print(f"{name:24s} macro-AUC {auc:.3f}  accuracy {accuracy:.3f}  ({len(patients)} held-out patients, {time.time() - start:.0f} s)")


print(f"{n} slices of {size} x {size}; train {train.sum()}, held out {(~train).sum()}; torch {torch.__version__}")
for channels, name in (([0], "T2WI"), ([1], "CE-T1WI"), ([2], "ADC"), ([0, 1, 2], "T2WI + CE-T1WI + ADC")):
    run(channels, name)
