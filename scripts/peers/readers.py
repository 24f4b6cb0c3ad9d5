"""Reference numbers for SinoStats.ReaderStudy (`sinorad readers`): Tests/Fixtures/readers/.

Writes a small SYNTHETIC reader study as input files (numpy default_rng(20250056)):
- truth.csv: 48 patients (patient_id, cohort, pathology), 20 validation and 28 test;
- reads.csv: patient_id, reader, assisted, call, rows shuffled, with
  senior and junior (every patient, unaided and AI-assisted), fellow (the first 30 patients,
  both conditions: readers overlap only in part; AI-assisted calls keep most unaided calls,
  correct some wrong ones and abandon a few right ones) and resident (unaided only, never calls
  ONB: ONB precision is undefined, 0.0 in the averages as scikit-learn's zero_division).
Then, for every patient read and for the test cohort alone, writes expected.json with:
- scikit-learn: accuracy_score, precision_recall_fscore_support (per class, labels 0..2,
  zero_division=0.0, and average="macro"), confusion_matrix, cohen_kappa_score (reader
  against the truth, and each pair of readers per condition on the patients both read);
- statsmodels: proportion_confint(method="wilson") of the accuracy, cohens_kappa (std_kappa
  and the 95% CI), mcnemar(table, exact=True) of unaided against AI-assisted correctness,
  table [[both right, right unaided only], [right aided only, both wrong]].

    .venv-peers/bin/python scripts/peers/readers.py
"""
import csv
from pathlib import Path

import numpy as np
import sklearn
import statsmodels
from sklearn.metrics import accuracy_score, cohen_kappa_score, confusion_matrix, precision_recall_fscore_support
from statsmodels.stats.contingency_tables import mcnemar
from statsmodels.stats.inter_rater import cohens_kappa
from statsmodels.stats.proportion import proportion_confint
from fixture_json import write_fixture

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "Tests" / "Fixtures" / "readers"
CLASSES = ["SCC", "ACC", "ONB"]
LABELS = [0, 1, 2]
CONDITIONS = [("unaided", "no"), ("aided", "yes")]


def simulate():
    rng = np.random.default_rng(20250056)
    n = 48
    labels = rng.permutation([0] * 22 + [1] * 14 + [2] * 12)
    cohorts = ["validation"] * 20 + ["test"] * 28
    ids = [f"R{i + 1:02d}" for i in range(n)]

    def calls(accuracy, allowed=(0, 1, 2)):
        out = []
        for y in labels:
            if y in allowed and rng.random() < accuracy:
                out.append(int(y))
            else:
                out.append(int(rng.choice([c for c in allowed if c != y])))
        return out

    def aided(first, fix):
        """Mostly the unaided call: a wrong call corrected with probability `fix`, a right
        one abandoned with probability 0.08."""
        out = []
        for c, y in zip(first, labels):
            if c != y:
                out.append(int(y) if rng.random() < fix else c)
            else:
                out.append(int(rng.choice([k for k in LABELS if k != y])) if rng.random() < 0.08 else c)
        return out

    reads = []
    for reader, accuracy, fix, patients in [("senior", 0.75, 0.4, n), ("junior", 0.6, 0.7, n), ("fellow", 0.68, 0.3, 30)]:
        unaided = calls(accuracy)
        for condition, c in [("no", unaided), ("yes", aided(unaided, fix))]:
            reads += [(ids[i], reader, condition, CLASSES[c[i]]) for i in range(patients)]
    resident = calls(0.62, allowed=(0, 1))
    reads += [(ids[i], "resident", "no", CLASSES[resident[i]]) for i in range(n)]
    order = rng.permutation(len(reads))
    reads = [reads[i] for i in order]
    OUT.mkdir(parents=True, exist_ok=True)
    with open(OUT / "truth.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["patient_id", "cohort", "pathology"])
        w.writerows([ids[i], cohorts[i], CLASSES[labels[i]]] for i in range(n))
    with open(OUT / "reads.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["patient_id", "reader", "assisted", "call"])
        w.writerows(reads)


def load():
    with open(OUT / "truth.csv", encoding="utf-8") as f:
        truth = list(csv.DictReader(f))
    with open(OUT / "reads.csv", encoding="utf-8") as f:
        reads = list(csv.DictReader(f))
    return truth, reads


def kappa(table):
    """statsmodels' kappa, std_kappa and 95% CI of a square table (rows = rater A)."""
    r = cohens_kappa(np.asarray(table), wt=None)
    return {"statsmodels_kappa": float(r.kappa), "std": float(r.std_kappa), "ci": [float(r.kappa_low), float(r.kappa_upp)]}


def scope(truth, reads, cohort):
    label = {t["patient_id"]: CLASSES.index(t["pathology"]) for t in truth if cohort is None or t["cohort"] == cohort}
    order = [t["patient_id"] for t in truth if t["patient_id"] in label]
    readers = list(dict.fromkeys(r["reader"] for r in reads))
    calls = {(r["reader"], r["assisted"]): {} for r in reads}
    for r in reads:
        calls[(r["reader"], r["assisted"])][r["patient_id"]] = CLASSES.index(r["call"])
    read_ids = {r["patient_id"] for r in reads}
    out = {"cohort": cohort, "patients": sum(1 for p in order if p in read_ids), "performance": [], "mcnemar": [], "agreement": []}
    for reader in readers:
        for condition, cell in CONDITIONS:
            c = calls.get((reader, cell), {})
            ids = [p for p in order if p in c]
            if not ids:
                continue
            y, pred = [label[p] for p in ids], [c[p] for p in ids]
            precision, recall, f1, support = precision_recall_fscore_support(y, pred, labels=LABELS, zero_division=0.0)
            mp, mr, mf, _ = precision_recall_fscore_support(y, pred, labels=LABELS, average="macro", zero_division=0.0)
            matrix = confusion_matrix(y, pred, labels=LABELS)
            correct = int(np.trace(matrix))
            out["performance"].append({
                "reader": reader, "condition": condition, "patients": len(ids),
                "accuracy": float(accuracy_score(y, pred)),
                "accuracy_wilson": [float(v) for v in proportion_confint(correct, len(ids), alpha=0.05, method="wilson")],
                "precision": precision.tolist(), "recall": recall.tolist(), "f1": f1.tolist(), "support": support.tolist(),
                "macro": {"precision": float(mp), "recall": float(mr), "f1": float(mf)},
                "confusion": matrix.tolist(),
                "kappa": float(cohen_kappa_score(y, pred, labels=LABELS)), **{f"kappa_{k}": v for k, v in kappa(matrix).items()},
            })
        unaided, aided = calls.get((reader, "no"), {}), calls.get((reader, "yes"), {})
        ids = [p for p in order if p in unaided and p in aided]
        if ids:
            before = np.array([unaided[p] == label[p] for p in ids])
            after = np.array([aided[p] == label[p] for p in ids])
            table = [[int(np.sum(before & after)), int(np.sum(before & ~after))],
                     [int(np.sum(~before & after)), int(np.sum(~before & ~after))]]
            result = mcnemar(table, exact=True)
            out["mcnemar"].append({"reader": reader, "patients": len(ids), "table": table,
                                   "statistic": float(result.statistic), "pvalue": float(result.pvalue)})
    for condition, cell in CONDITIONS:
        for i, a in enumerate(readers):
            for b in readers[i + 1:]:
                ca, cb = calls.get((a, cell), {}), calls.get((b, cell), {})
                ids = [p for p in order if p in ca and p in cb]
                if not ids:
                    continue
                x, y = [ca[p] for p in ids], [cb[p] for p in ids]
                table = confusion_matrix(x, y, labels=LABELS)
                out["agreement"].append({"condition": condition, "reader_a": a, "reader_b": b, "patients": len(ids),
                                         "agreed": int(np.trace(table)),
                                         "kappa": float(cohen_kappa_score(x, y, labels=LABELS)),
                                         **{f"kappa_{k}": v for k, v in kappa(table).items()}})
    return out


def main():
    simulate()
    truth, reads = load()
    expected = {
        "generator": "scripts/peers/readers.py",
        "versions": {"scikit-learn": sklearn.__version__, "statsmodels": statsmodels.__version__, "numpy": np.__version__},
        "classes": CLASSES,
        "scopes": [scope(truth, reads, None), scope(truth, reads, "test")],
    }
    write_fixture(OUT / "expected.json", expected)
    print(f"wrote {OUT.relative_to(ROOT)}/truth.csv, reads.csv, expected.json")


if __name__ == "__main__":
    main()
