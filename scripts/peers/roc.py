"""Reference numbers for SinoStats' ROC/AUC statistics (Tests/Fixtures/roc.json).

Run from the repository root:
    .venv-peers/bin/python scripts/peers/roc.py

- scikit-learn roc_auc_score (multi_class="ovr" macro/weighted/micro and per class,
  multi_class="ovo" macro = Hand & Till) and roc_curve(drop_intermediate=False), on
  cross-validated predicted probabilities of models fitted to datasets scikit-learn ships
  (iris, wine, digits, breast_cancer). Probabilities are rounded (2 to 6 decimals) so that
  some cases have many tied scores.
- R pROC 1.18 (scripts/peers/roc_proc.R): ci.auc(method="delong"), var(roc),
  roc.test(method="delong", paired=TRUE), ci.auc(method="bootstrap") and
  roc.test(method="bootstrap", paired=TRUE), on pROC's aSAH data and on one-vs-rest problems
  of the multiclass cases, always with direction="<" (higher score = case).
- A Monte Carlo reference for the multiclass bootstrap (no tool ships one): stratified by
  class, numpy's generator, sklearn roc_auc_score on every replicate, np.quantile (R type 7).
- Tests/Fixtures/roc_bench_93.csv: the study-sized case (93 patients x 3 classes) that
  bench/roc.sh times in SinoRad and in pROC.
"""
import os
import subprocess
import tempfile

import numpy as np
import pandas as pd
import scipy
import sklearn
from sklearn.datasets import load_breast_cancer, load_digits, load_iris, load_wine
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score, roc_curve
from sklearn.model_selection import StratifiedKFold, cross_val_predict, train_test_split
from sklearn.naive_bayes import GaussianNB
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from fixture_json import write_fixture

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
R_SCRIPT = os.path.join(ROOT, "scripts", "peers", "roc_proc.R")
FIXTURES = os.path.join(ROOT, "Tests", "Fixtures")
CV = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
MC_REPLICATES = 4000
MC_SEED = 20260101
WINE93_MODEL1 = "wine93 alcohol+malic logistic (4 decimals)"
WINE93_MODEL2 = "wine93 alcohol+malic+alcalinity naive Bayes (4 decimals)"


def logistic():
    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=5000))


def probabilities(model, x, y, decimals):
    """Cross-validated probabilities rounded to `decimals` (rounding creates ties); each
    row's largest entry is 1 minus the others so that rows still sum to 1, as sklearn requires."""
    proba = np.round(cross_val_predict(model, x, y, cv=CV, method="predict_proba"), decimals)
    for row in proba:
        top = np.argmax(row)
        row[top] = np.round(1 - (row.sum() - row[top]), decimals)
    assert (proba >= 0).all() and np.allclose(1, proba.sum(axis=1))
    return proba


def wine93():
    """93 wine samples stratified by cultivar: the study's size (93 patients, 3 classes)."""
    x, y = load_wine(return_X_y=True)
    x93, _, y93, _ = train_test_split(x, y, train_size=93, stratify=y, random_state=0)
    return x93, y93


def multiclass_inputs():
    """Models given few features on purpose, so that AUCs stay well below 1."""
    iris_x, iris_y = load_iris(return_X_y=True)
    sepals = (iris_x[:, :2], iris_y)
    wine_x, wine_y = load_wine(return_X_y=True)
    digits_x, digits_y = load_digits(return_X_y=True)
    keep = digits_y < 5
    digits = (digits_x[keep][:400, 28:36], digits_y[keep][:400])
    x93, y93 = wine93()
    return [
        ("iris sepals logistic (6 decimals)", *sepals, probabilities(logistic(), *sepals, 6)),
        ("iris sepals naive Bayes (2 decimals, ties)", *sepals, probabilities(GaussianNB(), *sepals, 2)),
        ("wine alcohol+malic logistic (6 decimals)", wine_x[:, :2], wine_y,
         probabilities(logistic(), wine_x[:, :2], wine_y, 6)),
        ("wine alcohol+malic+ash naive Bayes (3 decimals, ties)", wine_x[:, :3], wine_y,
         probabilities(GaussianNB(), wine_x[:, :3], wine_y, 3)),
        ("digits 0-4 pixel row 4 logistic (3 decimals, ties)", *digits, probabilities(logistic(), *digits, 3)),
        (WINE93_MODEL1, x93[:, :2], y93, probabilities(logistic(), x93[:, :2], y93, 4)),
        (WINE93_MODEL2, x93[:, [0, 1, 3]], y93, probabilities(GaussianNB(), x93[:, [0, 1, 3]], y93, 4)),
    ]


def nan_to_none(value):
    value = float(value)
    return None if np.isnan(value) else value


def sklearn_multiclass(name, y, proba, labels=None):
    k = proba.shape[1]
    classes = list(range(k)) if labels is None else labels
    per_class = []
    for c in range(k):
        indicator = (y == c).astype(int)
        with np.errstate(all="ignore"):
            import warnings
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                per_class.append(nan_to_none(roc_auc_score(indicator, proba[:, c]))
                                 if 0 < indicator.sum() < len(y) else None)
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scores = {avg: nan_to_none(roc_auc_score(y, proba, multi_class="ovr", average=avg,
                                                 labels=labels))
                  for avg in ("macro", "weighted", "micro")}
        ovo = nan_to_none(roc_auc_score(y, proba, multi_class="ovo", average="macro",
                                        labels=labels))
    return {"name": name, "class_count": k, "labels": y.astype(int).tolist(),
            "scores": proba.tolist(), "per_class": per_class, "ovr_macro": scores["macro"],
            "ovr_weighted": scores["weighted"], "ovr_micro": scores["micro"], "ovo_macro": ovo,
            "sklearn_labels_argument": labels}


def absent_class_case():
    """iris setosa and versicolor only, with the 3-column probabilities of a model that knows
    virginica: sklearn needs labels=[0, 1, 2] and then gives NaN for virginica and for the
    OvR averages, while OvO averages over the one pair present."""
    x, y = load_iris(return_X_y=True)
    proba = probabilities(logistic(), x[:, :2], y, 6)
    keep = y < 2
    try:
        roc_auc_score(y[keep], proba[keep], multi_class="ovr")
        raised = None
    except ValueError as error:
        raised = str(error)
    case = sklearn_multiclass("iris without virginica (class 2 absent)", y[keep], proba[keep],
                              labels=[0, 1, 2])
    case["sklearn_error_without_labels"] = raised
    return case


def binary_curve():
    x, y = load_breast_cancer(return_X_y=True)
    proba = probabilities(logistic(), x, y, 3)[:, 1]
    fpr, tpr, thresholds = roc_curve(y, proba, drop_intermediate=False)
    return {"name": "breast_cancer logistic (3 decimals, ties)", "labels": y.astype(int).tolist(),
            "scores": proba.tolist(), "auc": float(roc_auc_score(y, proba)),
            "fpr": fpr.tolist(), "tpr": tpr.tolist(),
            "thresholds": [t if np.isfinite(t) else "inf" for t in thresholds.tolist()]}


# MARK: Monte Carlo reference for the multiclass bootstrap

def stratified_resample(rng, y):
    return np.concatenate([rng.choice(np.flatnonzero(y == c), size=(y == c).sum(), replace=True)
                           for c in np.unique(y)])


def multiclass_bootstrap(y, proba1, proba2, level=0.95):
    rng = np.random.default_rng(MC_SEED)
    macro1, micro1, diffs = [], [], []
    for _ in range(MC_REPLICATES):
        idx = stratified_resample(rng, y)
        a = roc_auc_score(y[idx], proba1[idx], multi_class="ovr", average="macro")
        b = roc_auc_score(y[idx], proba2[idx], multi_class="ovr", average="macro")
        macro1.append(a)
        diffs.append(a - b)
        micro1.append(roc_auc_score(y[idx], proba1[idx], multi_class="ovr", average="micro"))
    probs = [(1 - level) / 2, 0.5, 1 - (1 - level) / 2]
    observed1 = roc_auc_score(y, proba1, multi_class="ovr", average="macro")
    observed2 = roc_auc_score(y, proba2, multi_class="ovr", average="macro")
    sd = float(np.std(diffs, ddof=1))
    d = (observed1 - observed2) / sd
    return {"replicates": MC_REPLICATES, "level": level,
            "macro_quantiles": np.quantile(macro1, probs).tolist(),
            "macro_sd": float(np.std(macro1, ddof=1)),
            "micro_quantiles": np.quantile(micro1, probs).tolist(),
            "micro_sd": float(np.std(micro1, ddof=1)),
            "difference": observed1 - observed2, "difference_sd": sd,
            "difference_quantiles": np.quantile(diffs, probs).tolist(),
            "D": d, "p": float(2 * scipy.stats.norm.sf(abs(d)))}


# MARK: pROC

def asah():
    out = subprocess.run(["Rscript", "-e", "suppressMessages(library(pROC)); data(aSAH); "
                          "write.csv(data.frame(outcome=aSAH$outcome, s100b=aSAH$s100b, "
                          "ndka=aSAH$ndka, wfns=as.numeric(aSAH$wfns)), stdout(), row.names=FALSE)"],
                         check=True, capture_output=True, text=True).stdout
    from io import StringIO
    frame = pd.read_csv(StringIO(out))
    return (frame.outcome == "Poor").astype(int).to_numpy(), frame


def proc_problems(multiclass):
    """Binary problems (labels 1 = case) for pROC, named as the fixture keys them."""
    y, frame = asah()
    markers = {m: frame[m].to_numpy(dtype=float) for m in ("s100b", "ndka", "wfns")}
    delong = {f"aSAH {m}": (y, s) for m, s in markers.items()}
    paired = {f"aSAH {a} vs {b}": (y, markers[a], markers[b])
              for a, b in (("s100b", "ndka"), ("s100b", "wfns"), ("ndka", "wfns"))}
    by_name = {c["name"]: c for c in multiclass}
    lr, nb = by_name[WINE93_MODEL1], by_name[WINE93_MODEL2]
    y93 = np.array(lr["labels"])
    for c in range(3):
        ind = (y93 == c).astype(int)
        s1, s2 = np.array(lr["scores"])[:, c], np.array(nb["scores"])[:, c]
        delong[f"wine93 logistic class {c}"] = (ind, s1)
        delong[f"wine93 naive Bayes class {c}"] = (ind, s2)
        paired[f"wine93 class {c} logistic vs naive Bayes"] = (ind, s1, s2)
    iris_nb = by_name["iris sepals naive Bayes (2 decimals, ties)"]
    yi = np.array(iris_nb["labels"])
    for c in range(3):
        delong[f"iris sepals naive Bayes class {c}"] = ((yi == c).astype(int), np.array(iris_nb["scores"])[:, c])
    delong["single case"] = (np.array([1, 0, 0, 0]), np.array([0.9, 0.1, 0.5, 0.3]))
    boot = {f"aSAH {m} B={n}": (y, markers[m], n, seed)
            for m in ("s100b", "ndka") for n, seed in ((2000, 1), (20000, 2))}
    boottest = {f"aSAH s100b vs ndka B={n}": (y, markers["s100b"], markers["ndka"], n, seed)
                for n, seed in ((2000, 3), (20000, 4))}
    return delong, paired, boot, boottest


def join(values):
    return ",".join(repr(float(v)) for v in values)


def run_proc(delong, paired, boot, boottest):
    with tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False) as f:
        for name, (y, s) in delong.items():
            f.write(f"delong\t{name}\t{join(y)}\t{join(s)}\n")
        for name, (y, s1, s2) in paired.items():
            f.write(f"paired\t{name}\t{join(y)}\t{join(s1)}\t{join(s2)}\n")
        for name, (y, s, n, seed) in boot.items():
            f.write(f"boot\t{name}\t{join(y)}\t{join(s)}\t{n}\t{seed}\n")
        for name, (y, s1, s2, n, seed) in boottest.items():
            f.write(f"boottest\t{name}\t{join(y)}\t{join(s1)}\t{join(s2)}\t{n}\t{seed}\n")
        path = f.name
    out = subprocess.run(["Rscript", R_SCRIPT, path], check=True, capture_output=True, text=True)
    os.unlink(path)
    results, versions = {}, {}
    for line in out.stdout.splitlines():
        name, key, value = line.split("\t")[:3]
        if name == "versions":
            versions[key] = value
            continue
        results.setdefault(name, {})[key] = None if value == "NA" else float(value)
    return results, versions


def section(problems, results, fields):
    cases = []
    for name, problem in problems.items():
        case = {"name": name, "labels": problem[0].astype(int).tolist()}
        for field, value in zip(fields, problem[1:]):
            case[field] = value.tolist() if isinstance(value, np.ndarray) else value
        case["proc"] = results[name]
        cases.append(case)
    return cases


def write_bench_csv(case):
    path = os.path.join(FIXTURES, "roc_bench_93.csv")
    frame = pd.DataFrame(case["scores"], columns=["p0", "p1", "p2"])
    frame.insert(0, "label", case["labels"])
    frame.to_csv(path, index=False, float_format="%.4f")


def main():
    multiclass = [sklearn_multiclass(name, y, proba) for name, _, y, proba in multiclass_inputs()]
    by_name = {c["name"]: c for c in multiclass}
    lr, nb = by_name[WINE93_MODEL1], by_name[WINE93_MODEL2]
    mc = multiclass_bootstrap(np.array(lr["labels"]), np.array(lr["scores"]), np.array(nb["scores"]))
    delong, paired, boot, boottest = proc_problems(multiclass)
    results, r_versions = run_proc(delong, paired, boot, boottest)
    fixture = {
        "generator": "scripts/peers/roc.py + scripts/peers/roc_proc.R",
        "versions": {"scikit-learn": sklearn.__version__, "numpy": np.__version__,
                     "scipy": scipy.__version__, **r_versions},
        "multiclass": multiclass + [absent_class_case()],
        "binary_curve": binary_curve(),
        "multiclass_bootstrap": {"model1": lr["name"], "model2": nb["name"], "seed": MC_SEED, **mc},
        "delong": section(delong, results, ["scores"]),
        "delong_paired": section(paired, results, ["scores1", "scores2"]),
        "bootstrap_ci": section(boot, results, ["scores", "boot_n", "seed"]),
        "bootstrap_test": section(boottest, results, ["scores1", "scores2", "boot_n", "seed"]),
    }
    write_fixture(os.path.join(FIXTURES, "roc.json"), fixture)
    write_bench_csv(lr)


if __name__ == "__main__":
    main()
