"""Reference ICCs and mRMR selections for SinoSelection (Tests/Fixtures/selection/icc.json,
Tests/Fixtures/selection/mrmr.json).

Run with the peers venv:
    .venv-peers/bin/python scripts/peers/icc_mrmr.py

icc.json: pingouin 0.7.0 `intraclass_corr` on pingouin's own "icc" data set (8 wines x 4
judges) and on seeded n x k tables (k = 2, 3, 4), with the CI column unrounded
(`pingouin.options["round.column.CI95"] = None`); a long table with duplicated
(target, rater) cells (averaged by pivot_table) and a missing cell (nan_policy "omit" drops the
target, "raise" refuses); and the radiomics use: ICC(C,1) per feature between two
segmentations of the same cases.

mrmr.json: pymrmr 0.1.11 `mRMR(df, "MID" | "MIQ", K)` (column 0 the class) on 3-, 4- and
5-state data with exact ties in mutual information (copied and relabelled columns; pymrmr is
built with -Ofast, so such ties are decided by the compiled rounding), on continuous data
that pymrmr truncates to int, and on data discretised by SinoRad's documented rule (mean +-
k * sample sd, strict); the printed mRMR scores (3 decimals) are captured from pymrmr's C
stdout. mrmr_selection 0.2.8 `mrmr_classif` (F statistic / |Pearson r|, mean and max
denominators) on continuous 3-class and binary data with K = 5 and 10, a column with NaNs and
a constant column; the per-step scores are recomputed from the relevance and redundancy it
returns (return_scores=True).
"""

import contextlib
import os
import re
import sys
import tempfile

import numpy as np
import pandas as pd
import pingouin
import mrmr
import pymrmr
from mrmr import mrmr_classif
from importlib.metadata import version
from fixture_json import write_fixture

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT_DIR = os.path.join(ROOT, "Tests", "Fixtures", "selection")
pingouin.options["round.column.CI95"] = None


# ---------------------------------------------------------------- ICC

def icc_rows(long, targets="t", raters="r", ratings="y", nan_policy="raise"):
    table = pingouin.intraclass_corr(data=long, targets=targets, raters=raters, ratings=ratings,
                                     nan_policy=nan_policy)
    rows = []
    for _, row in table.iterrows():
        ci = [float(v) for v in row["CI95"]]
        rows.append({"type": row["Type"], "icc": float(row["ICC"]), "f": float(row["F"]),
                     "df1": int(row["df1"]), "df2": int(row["df2"]), "p": float(row["pval"]),
                     "ci95": ci})
    return rows


def to_long(matrix):
    n, k = matrix.shape
    return pd.DataFrame({"t": np.repeat(np.arange(n), k), "r": np.tile(np.arange(k), n),
                         "y": matrix.ravel()})


def icc_tables():
    cases = []
    wine = pingouin.read_dataset("icc")
    wide = wine.pivot_table(index="Wine", columns="Judge", values="Scores")
    cases.append({"name": "pingouin icc data set (8 wines x 4 judges)",
                  "ratings": wide.values.astype(float).tolist(),
                  "expected": icc_rows(wine, "Wine", "Judge", "Scores")})
    rng = np.random.default_rng(20261202)
    for n, k, bias, noise in [(10, 2, 0.0, 0.5), (15, 3, 0.8, 1.0), (6, 4, 0.3, 0.4),
                              (30, 2, 1.5, 2.0), (12, 3, 0.0, 3.0)]:
        truth = rng.normal(5, 2, size=(n, 1))
        matrix = truth + bias * np.arange(k)[None, :] + rng.normal(0, noise, size=(n, k))
        matrix = np.round(matrix, 3)
        cases.append({"name": f"seeded n={n} k={k} rater bias {bias} noise {noise}",
                      "ratings": matrix.tolist(), "expected": icc_rows(to_long(matrix))})
    return cases


def icc_long_case():
    """Targets and raters as labels, unsorted, with duplicated cells and one missing cell."""
    rows = [("c", "r2", 4.0), ("a", "r1", 2.0), ("a", "r2", 3.5), ("b", "r1", 5.0),
            ("b", "r2", 6.0), ("c", "r1", 3.0), ("a", "r1", 2.6), ("d", "r1", 7.5),
            ("d", "r2", 8.0), ("e", "r1", 1.0), ("b", "r2", 6.4), ("f", "r2", 2.0),
            ("e", "r2", 1.5), ("a", "r3", 2.2), ("b", "r3", 5.9), ("c", "r3", 3.3),
            ("d", "r3", 7.9), ("e", "r3", 0.7)]
    long = pd.DataFrame(rows, columns=["t", "r", "y"])
    omitted = icc_rows(long, nan_policy="omit")
    try:
        icc_rows(long, nan_policy="raise")
        raised = None
    except ValueError as error:
        raised = str(error)
    wide = long.pivot_table(index="t", columns="r", values="y").dropna()
    return {"targets": [r[0] for r in rows], "raters": [r[1] for r in rows],
            "ratings": [r[2] for r in rows], "pivot_omit": wide.values.tolist(),
            "pivot_targets": list(wide.index), "pivot_raters": list(wide.columns),
            "expected_omit": omitted, "raise_message": raised}


def stable_features_case():
    rng = np.random.default_rng(7)
    n, p = 25, 8
    truth = rng.normal(0, 1, size=(n, p)) * np.array([1, 2, 0.5, 3, 1, 1, 4, 0.2])
    noise = np.array([0.1, 0.5, 0.5, 0.2, 1.0, 2.0, 0.3, 0.25])
    first = truth + rng.normal(0, 1, size=(n, p)) * noise
    second = truth + rng.normal(0, 1, size=(n, p)) * noise + 0.05
    first, second = np.round(first, 4), np.round(second, 4)
    per_feature = {}
    for form in ["ICC(1,1)", "ICC(A,1)", "ICC(C,1)"]:
        values = []
        for j in range(p):
            matrix = np.column_stack([first[:, j], second[:, j]])
            rows = icc_rows(to_long(matrix))
            values.append(next(r["icc"] for r in rows if r["type"] == form))
        per_feature[form] = values
    return {"first": first.tolist(), "second": second.tolist(), "icc": per_feature,
            "threshold": 0.75,
            "kept_icc3": [j for j, v in enumerate(per_feature["ICC(C,1)"]) if v >= 0.75]}


# ---------------------------------------------------------------- pymrmr

@contextlib.contextmanager
def captured_fd1():
    """pymrmr prints from C: capture file descriptor 1 into a temporary file."""
    sys.stdout.flush()
    saved = os.dup(1)
    with tempfile.TemporaryFile(mode="w+b") as sink:
        os.dup2(sink.fileno(), 1)
        box = {}
        try:
            yield box
        finally:
            sys.stdout.flush()
            os.dup2(saved, 1)
            os.close(saved)
            sink.seek(0)
            box["text"] = sink.read().decode()


def run_pymrmr(frame, method, k):
    with captured_fd1() as box:
        names = pymrmr.mRMR(frame, method, k)
    text = box["text"].split("*** mRMR features ***")[1]
    scores = [float(m.group(1)) for m in re.finditer(r"^\d+ \t \d+ \t \S+ \t\s*(-?[\d.]+|-?inf|-?nan)", text, re.M)]
    columns = list(frame.columns)
    return {"selected": [columns.index(name) - 1 if name != columns[0] else -1 for name in names],
            "printed_scores": scores}


def pymrmr_case(name, classes, features, ks, note):
    frame = pd.DataFrame(np.column_stack([classes, features]),
                         columns=["class"] + [f"f{j}" for j in range(features.shape[1])])
    if features.dtype.kind == "i":
        frame = frame.astype(int)
    runs = []
    for k in ks:
        for method in ["MID", "MIQ"]:
            runs.append({"method": method, "k": k, **run_pymrmr(frame, method, k)})
    return {"name": name, "note": note, "classes": np.asarray(classes).tolist(),
            "features": features.tolist(), "runs": runs}


def discretise(x, k=1.0):
    """SinoRad's documented rule: -1 below mean - k sd, 1 above mean + k sd (strict), else 0;
    sd is the sample standard deviation (ddof = 1)."""
    mean = x.mean(axis=0)
    sd = x.std(axis=0, ddof=1)
    out = np.zeros(x.shape, dtype=int)
    out[x < mean - k * sd] = -1
    out[x > mean + k * sd] = 1
    return out


def pymrmr_cases():
    rng = np.random.default_rng(11)
    cases = []
    # 3-state data with ties: f3 copies f0, f5 relabels f1 (same MI with anything), f8 = f2.
    n = 40
    y = rng.integers(0, 3, n)
    base = np.column_stack([np.where(rng.random(n) < 0.6, y, rng.integers(0, 3, n)) - 1
                            for _ in range(6)])
    X = np.column_stack([base[:, 0], base[:, 1], base[:, 2], base[:, 0], base[:, 3],
                         (base[:, 1] + 2) % 3 - 1, base[:, 4], rng.integers(-1, 2, n),
                         base[:, 2], base[:, 5], -base[:, 3], rng.integers(-1, 2, n)])
    cases.append(pymrmr_case("3-state, copied and relabelled columns (MI ties)", y, X,
                             [5, 12], "ties in relevance broken by sort2, in scores by order"))
    # All features equally relevant: relabellings of one column.
    col = rng.integers(-1, 2, 30)
    yy = np.where(rng.random(30) < 0.7, col + 1, rng.integers(0, 3, 30))
    perms = [(0, 1, 2), (1, 2, 0), (2, 0, 1), (0, 2, 1), (2, 1, 0), (1, 0, 2)]
    X = np.column_stack([np.array(perms[j % 6])[col + 1] - 1 for j in range(12)])
    cases.append(pymrmr_case("all 12 features relabellings of one column (all MI equal)", yy, X,
                             [3, 12], "sort2 is not stable"))
    # 5-state features (4 and 5 states exercise the compiled marginal sums), copies and
    # relabellings, a 4-state class.
    n = 50
    y = rng.integers(0, 4, n)
    base = np.column_stack([np.where(rng.random(n) < 0.5, y, rng.integers(0, 5, n)) for _ in range(5)])
    relabel = np.array([3, 0, 4, 1, 2])
    X = np.column_stack([base, relabel[base[:, 0]], base[:, 1], relabel[base[:, 2]],
                         rng.integers(0, 4, n), 4 - base[:, 3]])
    cases.append(pymrmr_case("5-state features, 4-state class, relabelled copies", y, X, [10],
                             "pairs of equal MI resolved by pymrmr's -Ofast arithmetic"))
    # Many 3-state features: near ties everywhere.
    n = 100
    y = rng.integers(0, 2, n)
    X = np.column_stack([np.where(rng.random(n) < 0.15 + 0.01 * j, y, rng.integers(0, 3, n)) - 1
                         for j in range(40)])
    cases.append(pymrmr_case("40 binary-informative 3-state features", y, X, [15], ""))
    # Continuous data, truncated toward zero by the int conversion.
    n = 60
    y = rng.integers(0, 2, n)
    X = rng.normal(0, 1.5, size=(n, 10)) + y[:, None] * np.linspace(0, 2, 10)[None, :]
    X[:, 3] = 0.9 * rng.choice([-1.0, 0.0, 1.0], n)   # truncates to 0: a constant feature
    X = np.round(X, 6)
    cases.append(pymrmr_case("continuous, truncated toward zero", y, X, [4, 10],
                             "C int conversion truncates; f3 becomes constant 0"))
    # K larger than the number of features.
    case = pymrmr_case("K larger than the features", y[:20], X[:20, :4], [7], "pymrmr pads with the class column")
    cases.append(case)
    return cases


def discretised_case():
    rng = np.random.default_rng(5)
    n, p = 50, 9
    y = rng.integers(0, 3, n)
    X = rng.normal(0, 1, size=(n, p)) + y[:, None] * np.linspace(0, 1.2, p)[None, :]
    X[:, 4] = 3.0
    X = np.round(X, 5)
    out = {}
    for k in [1.0, 0.5]:
        D = discretise(X, k)
        case = pymrmr_case(f"discretised at mean +- {k} sd", y, D, [5], "")
        out[str(k)] = {"discretised": D.tolist(), "runs": case["runs"]}
    return {"classes": y.tolist(), "continuous": X.tolist(), "by_k": out}


# ---------------------------------------------------------------- mrmr_selection

def mrmr_selection_case(name, X, y, ks, denominators=("mean", "max")):
    frame = pd.DataFrame(X, columns=[f"f{j}" for j in range(X.shape[1])])
    target = pd.Series(y)
    runs = []
    for denominator in denominators:
        for k in ks:
            selected, relevance, redundancy = mrmr_classif(
                frame, target, K=k, denominator=denominator, return_scores=True,
                show_progress=False, n_jobs=1)
            scores = []
            for i, feature in enumerate(selected):
                if i == 0:
                    scores.append(float(relevance[feature]))
                    continue
                row = redundancy.loc[feature, selected[:i]].to_numpy()
                d = float(np.mean(row) if denominator == "mean" else np.max(row))
                scores.append(0.0 if d == 1.0 else float(relevance[feature]) / d)
            runs.append({"denominator": denominator, "k": k,
                         "selected": [int(s[1:]) for s in selected], "scores": scores})
    full = mrmr.pandas.f_classif(frame, target, n_jobs=1)
    return {"name": name, "features": [[None if np.isnan(v) else float(v) for v in row] for row in X],
            "classes": [int(v) for v in y], "relevance": [float(v) for v in full], "runs": runs}


def mrmr_selection_cases():
    rng = np.random.default_rng(3)
    n, p = 80, 14
    y3 = rng.integers(0, 3, n)
    latent = rng.normal(0, 1, size=(n, 4))
    X = np.column_stack([latent[:, j % 4] * (1 + 0.3 * j) + rng.normal(0, 0.5 + 0.2 * j, n)
                         + y3 * (0.1 * j) for j in range(p)])
    X[:, 6] = 2.5                      # constant: F is NaN -> 0, never a candidate
    X[rng.choice(n, 12, replace=False), 9] = np.nan
    X = np.round(X, 6)
    y2 = (y3 > 0).astype(int)
    cases = [mrmr_selection_case("3-class, a constant column and NaNs", X, y3, [5, 10, 20]),
             mrmr_selection_case("binary, a constant column and NaNs", X, y2, [5, 10])]
    # Exact duplicates, a negated and an affine copy (|r| = 1 in exact arithmetic). Only the
    # mean denominator: with "max", whether pandas' |r| of two copies comes out as exactly 1.0
    # (denominator infinity, score 0) or one ulp below depends on the BLAS dot product's
    # summation order, which SinoRad does not reproduce.
    Z = X[:, [0, 1, 2, 3, 5, 8]].copy()
    Z = np.column_stack([Z, Z[:, 0], -Z[:, 1], 2 * Z[:, 2] + 1])
    cases.append(mrmr_selection_case("duplicated, negated and affine columns", Z, y3, [9], ["mean"]))
    return cases


def main():
    icc = {"generator": "scripts/peers/icc_mrmr.py",
           "versions": {"pingouin": pingouin.__version__, "pandas": pd.__version__,
                        "numpy": np.__version__},
           "tables": icc_tables(), "long": icc_long_case(), "stable": stable_features_case()}
    write_fixture(os.path.join(OUT_DIR, "icc.json"), icc)
    mr = {"generator": "scripts/peers/icc_mrmr.py",
          "versions": {"pymrmr": version("pymrmr"), "mrmr_selection": version("mrmr_selection"),
                       "pandas": pd.__version__, "numpy": np.__version__,
                       "scikit-learn": version("scikit-learn")},
          "pymrmr": pymrmr_cases(), "pymrmr_discretised": discretised_case(),
          "mrmr_selection": mrmr_selection_cases()}
    write_fixture(os.path.join(OUT_DIR, "mrmr.json"), mr)
    print("wrote", os.path.join(OUT_DIR, "icc.json"), os.path.join(OUT_DIR, "mrmr.json"))


if __name__ == "__main__":
    main()
