"""Reference numbers for SinoStats' classification-performance statistics
(Tests/Fixtures/metrics.json).

Run from the repository root (scripts/peers/setup.sh puts dcurves and mpmath in
.venv-peers/dcurves-lib: installed into the venv itself dcurves would downgrade pandas):
    PYTHONPATH=.venv-peers/dcurves-lib MPLBACKEND=Agg .venv-peers/bin/python scripts/peers/metrics.py

Predictions are real: scikit-learn models (logistic regression, Gaussian naive Bayes, shallow
decision trees) fitted on a stratified train split of iris, wine, breast_cancer and a 3-class
digits subset, predicting the test split. On the same stored arrays:
- scikit-learn: confusion_matrix, accuracy_score, precision_recall_fscore_support (per class,
  macro, weighted; zero_division="warn" -> 0.0), one-vs-rest specificity and NPV as recall and
  precision of the negative class, calibration_curve (uniform and quantile, 10 bins),
  brier_score_loss (one-vs-rest, and multiclass with labels), cohen_kappa_score.
- statsmodels: proportion_confint(method="wilson"), mcnemar (exact; chi-square with and
  without continuity correction), cohens_kappa (kappa, std_kappa, 95% CI), cochrans_q.
- dcurves: dca net benefit (model, treat all, treat none), one-vs-rest, thresholds 0.01..0.99.
- High-precision McNemar p-values, to show how far scipy's own p is from the exact value: the
  exact binomial tail as a Python rational (float(Fraction) rounds once), and the chi-square
  upper tail (1 df) as mpmath erfc(sqrt(x / 2)) at 40 digits.
"""
import os
from fractions import Fraction
from math import comb
import warnings

import dcurves
import mpmath
import numpy as np
import pandas as pd
import scipy
import sklearn
import statsmodels
from dcurves import dca
from sklearn.calibration import calibration_curve
from sklearn.datasets import load_breast_cancer, load_digits, load_iris, load_wine
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (accuracy_score, brier_score_loss, cohen_kappa_score,
                             confusion_matrix, precision_recall_fscore_support, precision_score,
                             recall_score)
from sklearn.model_selection import train_test_split
from sklearn.naive_bayes import GaussianNB
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier
from statsmodels.stats.contingency_tables import cochrans_q, mcnemar
from statsmodels.stats.inter_rater import cohens_kappa
from statsmodels.stats.proportion import proportion_confint
from fixture_json import write_fixture

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "metrics.json")
THRESHOLDS = [i / 100 for i in range(1, 100)]


def datasets():
    digits = load_digits()
    keep = digits.target < 3
    return {
        "iris": (load_iris().data, load_iris().target),
        "wine": (load_wine().data, load_wine().target),
        "breast_cancer": (load_breast_cancer().data, load_breast_cancer().target),
        "digits 0-2": (digits.data[keep], digits.target[keep]),
    }


def models():
    return {
        "logistic regression": lambda: make_pipeline(
            StandardScaler(), LogisticRegression(max_iter=2000)),
        "naive Bayes": lambda: GaussianNB(),
        "tree depth 2": lambda: DecisionTreeClassifier(max_depth=2, random_state=0),
        # One split: on three classes one class is never predicted (zero_division).
        "tree depth 1": lambda: DecisionTreeClassifier(max_depth=1, random_state=0),
    }


def wilson(count, nobs):
    if nobs == 0:
        return None
    low, upp = proportion_confint(count, nobs, alpha=0.05, method="wilson")
    return [float(low), float(upp)]


def one_vs_rest_metrics(y, pred, k):
    """Specificity and NPV are sklearn's recall and precision of the negative class."""
    truth, called = (y == k).astype(int), (pred == k).astype(int)
    tn = int(((truth == 0) & (called == 0)).sum())
    fp = int(((truth == 0) & (called == 1)).sum())
    fn = int(((truth == 1) & (called == 0)).sum())
    tp = int(((truth == 1) & (called == 1)).sum())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        specificity = recall_score(truth, called, pos_label=0, zero_division="warn")
        npv = precision_score(truth, called, pos_label=0, zero_division="warn")
    return {
        "tp": tp, "fp": fp, "fn": fn, "tn": tn,
        "specificity": float(specificity), "npv": float(npv),
        "wilson": {
            "precision": wilson(tp, tp + fp), "recall": wilson(tp, tp + fn),
            "specificity": wilson(tn, tn + fp), "npv": wilson(tn, tn + fn),
        },
    }


def classification(y, pred, n_classes):
    labels = list(range(n_classes))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        p, r, f, s = precision_recall_fscore_support(y, pred, labels=labels, average=None)
        macro = precision_recall_fscore_support(y, pred, labels=labels, average="macro")
        weighted = precision_recall_fscore_support(y, pred, labels=labels, average="weighted")
    ovr = [one_vs_rest_metrics(y, pred, k) for k in labels]
    correct = int((y == pred).sum())
    return {
        "confusion_matrix": confusion_matrix(y, pred, labels=labels).tolist(),
        "confusion_normalized_true": confusion_matrix(
            y, pred, labels=labels, normalize="true").tolist(),
        "accuracy": float(accuracy_score(y, pred)),
        "accuracy_wilson": wilson(correct, len(y)),
        "precision": p.tolist(), "recall": r.tolist(), "f1": f.tolist(),
        "support": s.tolist(),
        "macro": {"precision": macro[0], "recall": macro[1], "f1": macro[2],
                  "specificity": float(np.mean([o["specificity"] for o in ovr])),
                  "npv": float(np.mean([o["npv"] for o in ovr]))},
        "weighted": {"precision": weighted[0], "recall": weighted[1], "f1": weighted[2]},
        "sklearn_warned_zero_division": any("ill-defined" in str(w.message) for w in caught),
        "one_vs_rest": ovr,
    }


def calibration(y, proba):
    classes = []
    for k in range(proba.shape[1]):
        truth, p = (y == k).astype(int), proba[:, k]
        entry = {"brier": float(brier_score_loss(truth, p))}
        for strategy in ("uniform", "quantile"):
            prob_true, prob_pred = calibration_curve(truth, p, n_bins=10, strategy=strategy)
            entry[strategy] = {"prob_true": prob_true.tolist(), "prob_pred": prob_pred.tolist()}
        classes.append(entry)
    multiclass = brier_score_loss(y, proba, labels=list(range(proba.shape[1])))
    return {"classes": classes, "multiclass_brier": float(multiclass)}


def decision_curves(y, proba):
    """dcurves.dca per class (one vs rest); treat none is dcurves' "none" row."""
    curves = []
    for k in range(proba.shape[1]):
        frame = pd.DataFrame({"outcome": (y == k).astype(int), "model": proba[:, k]})
        result = dca(data=frame, outcome="outcome", modelnames=["model"], thresholds=THRESHOLDS)
        curve = {}
        for name in ("model", "all", "none"):
            rows = result[result.model == name].sort_values("threshold")
            curve[name] = rows.net_benefit.astype(float).tolist()
        curve["thresholds"] = result[result.model == "model"].threshold.astype(float).tolist()
        curves.append(curve)
    return curves


def fitted_cases():
    cases, predictions = [], {}
    for data_name, (X, y) in datasets().items():
        X_train, X_test, y_train, y_test = train_test_split(
            X, y, test_size=0.4, random_state=7, stratify=y)
        for model_name, make in models().items():
            proba = make().fit(X_train, y_train).predict_proba(X_test)
            pred = np.argmax(proba, axis=1)  # ties -> first class, as SinoStats
            n_classes = proba.shape[1]
            predictions[(data_name, model_name)] = (y_test, pred)
            case = {"name": f"{data_name} {model_name}", "labels": y_test.tolist(),
                    "probabilities": proba.tolist(), "predicted": pred.tolist()}
            case.update(classification(y_test, pred, n_classes))
            case["calibration"] = calibration(y_test, proba)
            case["decision_curves"] = decision_curves(y_test, proba)
            cases.append(case)
    return cases, predictions


def mcnemar_entry(name, b, c, both_right=10, both_wrong=5):
    table = [[both_right, b], [c, both_wrong]]
    entry = {"name": name, "b": b, "c": c}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # b + c = 0 divides by zero in the chi-square forms
        for key, kw in (("exact", {"exact": True}),
                        ("corrected", {"exact": False, "correction": True}),
                        ("uncorrected", {"exact": False, "correction": False})):
            r = mcnemar(table, **kw)
            entry[key] = {"statistic": repr(float(r.statistic)), "pvalue": repr(float(r.pvalue))}
    entry["exact"]["pvalue_rational"] = repr(exact_binomial_p(b, c))
    if b + c > 0:
        for key, corr in (("corrected", 1), ("uncorrected", 0)):
            # At statsmodels' statistic as a double, so only the tail's evaluation differs.
            x = mpmath.mpf(float(entry[key]["statistic"]))
            entry[key]["pvalue_mpmath"] = repr(float(mpmath.erfc(mpmath.sqrt(x / 2))))
    return entry


def exact_binomial_p(b, c):
    """min(1, 2 P(X <= min(b, c))), X ~ Binomial(b + c, 1/2), as an exact rational."""
    n, k = b + c, min(b, c)
    tail = Fraction(sum(comb(n, i) for i in range(k + 1)), 2 ** n)
    return float(min(Fraction(1), 2 * tail))


def paired_cases(predictions):
    pairs = [
        (("iris", "logistic regression"), ("iris", "tree depth 1")),
        (("wine", "logistic regression"), ("wine", "naive Bayes")),
        (("wine", "naive Bayes"), ("wine", "tree depth 2")),
        (("digits 0-2", "naive Bayes"), ("digits 0-2", "tree depth 1")),
        (("breast_cancer", "logistic regression"), ("breast_cancer", "tree depth 1")),
        (("iris", "logistic regression"), ("iris", "logistic regression")),
    ]
    mcnemars, kappas = [], []
    for a, b in pairs:
        y, pred_a = predictions[a]
        _, pred_b = predictions[b]
        name = f"{a[0]}: {a[1]} vs {b[1]}"
        right_a, right_b = pred_a == y, pred_b == y
        entry = mcnemar_entry(name, int((right_a & ~right_b).sum()), int((~right_a & right_b).sum()),
                              int((right_a & right_b).sum()), int((~right_a & ~right_b).sum()))
        entry.update({"labels": y.tolist(), "predicted_a": pred_a.tolist(),
                      "predicted_b": pred_b.tolist()})
        mcnemars.append(entry)
        if a != b:
            kappas.append(kappa_entry(name, pred_a, pred_b, int(y.max()) + 1))
    # Hand-made discordant counts: small b + c (exact path), b = c (p capped at 1),
    # b + c = 0, b + c beyond 64 (the exact binomial past the integer path).
    for b, c in ((3, 0), (1, 5), (4, 4), (0, 0), (12, 2), (40, 60), (150, 95)):
        mcnemars.append(mcnemar_entry(f"discordant b={b} c={c}", b, c))
    return mcnemars, kappas


def kappa_entry(name, ratings_a, ratings_b, n_classes):
    labels = list(range(n_classes))
    table = confusion_matrix(ratings_a, ratings_b, labels=labels)
    entry = {"name": name, "ratings_a": ratings_a.tolist(), "ratings_b": ratings_b.tolist(),
             "classes": n_classes, "table": table.tolist()}
    for weighting, sk, sm in (("none", None, None), ("linear", "linear", "linear"),
                              ("quadratic", "quadratic", "quadratic")):
        result = cohens_kappa(table, wt=sm) if sm else cohens_kappa(table)
        entry[weighting] = {
            "sklearn_kappa": float(cohen_kappa_score(ratings_a, ratings_b, labels=labels,
                                                     weights=sk)),
            "statsmodels_kappa": float(result.kappa),
            "std_kappa": float(result.std_kappa),
            "kappa_low": float(result.kappa_low), "kappa_upp": float(result.kappa_upp),
        }
    return entry


def cochran_cases(predictions):
    cases = []
    for data_name in ("iris", "wine", "digits 0-2", "breast_cancer"):
        columns = []
        for model_name in ("logistic regression", "naive Bayes", "tree depth 2", "tree depth 1"):
            y, pred = predictions[(data_name, model_name)]
            columns.append((pred == y).astype(int))
        x = np.column_stack(columns)
        r = cochrans_q(x)
        cases.append({"name": f"{data_name}: correctness of 4 models", "x": x.tolist(),
                      "statistic": float(r.statistic), "pvalue": float(r.pvalue), "df": int(r.df)})
    return cases


def calibration_toys():
    """A perfectly calibrated toy (observed fraction = predicted in every bin) and
    probabilities on bin edges, 0 and 1 (sklearn: edges go to the lower bin, 1.0 to the last)."""
    perfect_p = [0.05] * 20 + [0.25] * 8 + [0.5] * 10 + [0.75] * 12 + [0.95] * 20
    perfect_y = ([1] + [0] * 19) + ([1] * 2 + [0] * 6) + ([1] * 5 + [0] * 5) + \
        ([1] * 9 + [0] * 3) + ([1] * 19 + [0])
    edges_p = [0.0, 0.1, 0.2, 0.3, 0.30000000000000004, 0.5, 0.7, 0.9, 1.0, 1.0, 0.15, 0.65]
    edges_y = [0, 0, 1, 0, 1, 1, 0, 1, 1, 1, 0, 1]
    toys = []
    for name, y, p in (("perfectly calibrated", perfect_y, perfect_p),
                       ("probabilities on bin edges", edges_y, edges_p)):
        y, p = np.array(y), np.array(p)
        entry = {"name": name, "outcomes": y.tolist(), "probabilities": p.tolist(),
                 "brier": float(brier_score_loss(y, p))}
        for strategy in ("uniform", "quantile"):
            prob_true, prob_pred = calibration_curve(y, p, n_bins=10, strategy=strategy)
            entry[strategy] = {"prob_true": prob_true.tolist(), "prob_pred": prob_pred.tolist()}
        toys.append(entry)
    return toys


def main():
    mpmath.mp.dps = 40
    cases, predictions = fitted_cases()
    mcnemars, kappas = paired_cases(predictions)
    fixture = {
        "generator": "scripts/peers/metrics.py",
        "versions": {"scikit-learn": sklearn.__version__, "scipy": scipy.__version__,
                     "statsmodels": statsmodels.__version__, "numpy": np.__version__,
                     "dcurves": dcurves.__version__,
                     "mpmath": mpmath.__version__},
        "thresholds": THRESHOLDS,
        "cases": cases,
        "calibration_toys": calibration_toys(),
        "mcnemar": mcnemars,
        "kappa": kappas,
        "cochran_q": cochran_cases(predictions),
    }
    write_fixture(OUT, fixture)
    print(f"wrote {OUT}: {len(cases)} model cases, {len(mcnemars)} McNemar, {len(kappas)} kappa")


if __name__ == "__main__":
    main()
