"""Tie-heavy predictions: rank statistics on probabilities exactly as a file gives them.

Two models' class probabilities for the held-out half of scikit-learn's wine data (3 classes):
- "extratrees": ExtraTreesClassifier(n_estimators=4, max_depth=2): few leaves, so many
  patients share a probability and rows sum to 1 only within a few 1e-16 (as sklearn's forests
  produce);
- "rounded": a logistic regression's probabilities rounded to 2 decimals (the remainder put on
  the row's largest class so each row sums to 1.00 in decimal), as outside tools export them.

Both go to Tests/Fixtures/ties/predictions.csv with 17 significant digits (input data for the
test, read through SinoRad's predictions reader), the truth to truth.csv. Expected values, in
Tests/Fixtures/ties/expected.json, all computed on the values as written:
- scikit-learn: roc_auc_score per class, OvR macro/weighted/micro, OvO macro; roc_curve
  (drop_intermediate=False) per class and micro; calibration_curve (uniform and quantile,
  10 bins) and brier_score_loss per class; confusion_matrix of the argmax (first maximum);
- R pROC: DeLong ci.auc per class and the paired DeLong roc.test between the two models;
- scipy: mannwhitneyu of each class's scores, cases vs controls (asymptotic, tie-corrected);
- dcurves: one-vs-rest net benefit at thresholds 0.01..0.99 (several fall exactly on rounded
  probabilities);
- bootstrap replicates: for three fixed stratified resamples (counts per patient), scikit-learn's
  macro and micro AUC on the repeated rows (what one bootstrap replicate computes).

    PYTHONPATH=.venv-peers/dcurves-lib MPLBACKEND=Agg .venv-peers/bin/python scripts/peers/ties.py
"""
import csv, json, subprocess, warnings
from pathlib import Path
import numpy as np, pandas as pd, scipy, sklearn, dcurves
from dcurves import dca
from scipy.stats import mannwhitneyu
from sklearn.datasets import load_wine
from sklearn.ensemble import ExtraTreesClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (roc_auc_score, roc_curve, brier_score_loss, confusion_matrix)
from sklearn.calibration import calibration_curve
from sklearn.preprocessing import label_binarize, StandardScaler
from fixture_json import write_fixture

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "Tests/Fixtures/ties"
CLASSES = ["A", "B", "C"]
THRESHOLDS = [i / 100 for i in range(1, 100)]


def models():
    x, y = load_wine(return_X_y=True)
    rng = np.random.default_rng(3)
    order = rng.permutation(len(y))
    train, test = order[:89], order[89:]
    trees = ExtraTreesClassifier(n_estimators=4, max_depth=2, random_state=0).fit(x[train], y[train])
    p_trees = trees.predict_proba(x[test])
    scaler = StandardScaler().fit(x[train][:, :3])
    logit = LogisticRegression(max_iter=2000).fit(scaler.transform(x[train][:, :3]), y[train])
    p = np.round(logit.predict_proba(scaler.transform(x[test][:, :3])), 2)
    for row in p:
        row[row.argmax()] = round(row[row.argmax()] + round(1 - row.sum(), 2), 2)
    return y[test], {"extratrees": p_trees, "rounded": p}


def read_back(path):
    """The probabilities as the CSV holds them, parsed by Python's float() (correctly rounded;
    pandas' default C parser can be an ulp off, which would move ties)."""
    models = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            models.setdefault(row["model"], []).append([float(row[f"p_{c}"]) for c in CLASSES])
    return {name: np.array(rows) for name, rows in models.items()}


def proc(y, models):
    fmt = lambda v: ",".join(f"{x:.17g}" for x in v)
    results = []
    for k in range(len(CLASSES)):
        a, b = models["extratrees"][:, k], models["rounded"][:, k]
        script = f"""suppressMessages(library(pROC))
y <- c({fmt((y == k).astype(int))}); a <- c({fmt(a)}); b <- c({fmt(b)})
r1 <- roc(y, a, levels = c(0, 1), direction = "<", quiet = TRUE)
r2 <- roc(y, b, levels = c(0, 1), direction = "<", quiet = TRUE)
c1 <- ci.auc(r1, method = "delong"); c2 <- ci.auc(r2, method = "delong")
t <- roc.test(r1, r2, method = "delong", paired = TRUE)
cat(sprintf("%.17g", c(c1, c2, t$statistic, t$p.value)), sep = "\\n")
cat(as.character(packageVersion("pROC")), "\\n")"""
        out = subprocess.run(["Rscript", "-e", script], capture_output=True, text=True, check=True).stdout.split()
        v = [float(s) for s in out[:8]]
        results.append({"extratrees": v[0:3], "rounded": v[3:6], "paired_z": v[6], "paired_p": v[7]})
        version = out[8]
    return results, version


def curve(truth, scores):
    fpr, tpr, thr = roc_curve(truth, scores, drop_intermediate=False)
    return {"fpr": fpr.tolist(), "tpr": tpr.tolist(), "thresholds": [None if np.isinf(t) else float(t) for t in thr]}


def evaluate(y, p):
    k = p.shape[1]
    indicator = label_binarize(y, classes=list(range(k)))
    entry = {
        "per_class_auc": [roc_auc_score(indicator[:, c], p[:, c]) for c in range(k)],
        "ovr_macro": roc_auc_score(y, p, multi_class="ovr", average="macro"),
        "ovr_weighted": roc_auc_score(y, p, multi_class="ovr", average="weighted"),
        "ovr_micro": roc_auc_score(y, p, multi_class="ovr", average="micro"),
        "ovo_macro": roc_auc_score(y, p, multi_class="ovo", average="macro"),
        "roc": [curve(indicator[:, c], p[:, c]) for c in range(k)],
        "micro_roc": curve(indicator.ravel(), p.ravel()),
        "confusion": confusion_matrix(y, p.argmax(axis=1), labels=list(range(k))).tolist(),
        "calibration": [], "mann_whitney": [], "decision_curves": [],
    }
    for c in range(k):
        truth = indicator[:, c]
        cal = {"brier": brier_score_loss(truth, p[:, c])}
        for strategy in ("uniform", "quantile"):
            prob_true, prob_pred = calibration_curve(truth, p[:, c], n_bins=10, strategy=strategy)
            cal[strategy] = {"prob_true": prob_true.tolist(), "prob_pred": prob_pred.tolist()}
        entry["calibration"].append(cal)
        test = mannwhitneyu(p[truth == 1, c], p[truth == 0, c], method="asymptotic", use_continuity=True)
        entry["mann_whitney"].append({"u": float(test.statistic), "p": float(test.pvalue)})
        frame = pd.DataFrame({"outcome": truth, "model": p[:, c]})
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = dca(data=frame, outcome="outcome", modelnames=["model"], thresholds=THRESHOLDS)
        rows = result[result.model == "model"].sort_values("threshold")
        entry["decision_curves"].append({"thresholds": rows.threshold.astype(float).tolist(),
                                         "net_benefit": rows.net_benefit.astype(float).tolist()})
    return entry


def bootstrap_replicates(y, models):
    """Counts of three stratified resamples and sklearn's AUCs on the repeated rows."""
    rng = np.random.default_rng(11)
    out = []
    for _ in range(3):
        counts = np.zeros(len(y), dtype=int)
        for c in np.unique(y):
            members = np.flatnonzero(y == c)
            np.add.at(counts, rng.choice(members, size=len(members), replace=True), 1)
        idx = np.repeat(np.arange(len(y)), counts)
        entry = {"counts": counts.tolist()}
        for name, p in models.items():
            entry[name] = {"macro": roc_auc_score(y[idx], p[idx], multi_class="ovr", average="macro"),
                           "micro": roc_auc_score(y[idx], p[idx], multi_class="ovr", average="micro")}
        out.append(entry)
    return out


def main():
    y, fitted = models()
    OUT.mkdir(parents=True, exist_ok=True)
    ids = [f"W{i:03d}" for i in range(len(y))]
    rows = [[ids[i], "test", name, *(f"{v:.17g}" for v in p[i])] for name, p in fitted.items() for i in range(len(y))]
    pd.DataFrame(rows, columns=["patient_id", "cohort", "model"] + [f"p_{c}" for c in CLASSES]).to_csv(
        OUT / "predictions.csv", index=False)
    pd.DataFrame({"patient_id": ids, "cohort": "test", "label": [CLASSES[v] for v in y]}).to_csv(OUT / "truth.csv", index=False)
    read = read_back(OUT / "predictions.csv")
    sums = {name: float(np.abs(p.sum(axis=1) - 1).max()) for name, p in read.items()}
    delong, proc_version = proc(y, read)
    expected = {
        "generator": "scripts/peers/ties.py",
        "versions": {"scikit-learn": sklearn.__version__, "scipy": scipy.__version__, "numpy": np.__version__,
                     "pandas": pd.__version__, "dcurves": dcurves.__version__, "pROC": proc_version},
        "classes": CLASSES, "labels": y.tolist(), "largest_row_sum_error": sums,
        "models": {name: evaluate(y, p) for name, p in read.items()},
        "delong": delong,
        "bootstrap_replicates": bootstrap_replicates(y, read),
    }
    write_fixture(OUT / "expected.json", expected)
    print("row-sum errors", sums, "micro", {n: m["ovr_micro"] for n, m in expected["models"].items()})


if __name__ == "__main__":
    main()
