"""Reference values for SinoSelection's training-cohort filters (Tests/Fixtures/selection/filters.json).

Run with the peers venv:
    .venv-peers/bin/python scripts/peers/selection_filters.py

On seeded data (80 training rows, 12 features: correlated pairs, a constant column, a
near-constant column; 3-class and binary outcomes, and 20 test rows):
- sklearn StandardScaler fitted on the training rows: mean_, scale_ (population sd, 1 for a
  constant column) and transform() of the test rows;
- univariate screens: scipy kruskal, f_oneway (3 classes), mannwhitneyu (two-sided, auto
  method, continuity), ttest_ind with equal_var False and True (2 classes), each per feature,
  then statsmodels multipletests(method="fdr_bh") and the features with q < 0.05;
- scipy spearmanr and pearsonr |r| matrices and the redundancy filter's decision, written out
  here in plain Python from the rule SinoSelection documents (pairs with |r| > threshold in
  descending |r|, ties by (i, j); drop the less relevant of a pair whose features are both still
  kept, relevance = smaller Kruskal-Wallis p, equal p: drop the later column); its indices
  ("kept", "dropped_by") count the varying columns only.
The constant column is left out of the screens and correlations (scipy gives NaN there).
caret's nearZeroVar is checked separately (scripts/peers/near_zero_var.R).
"""

import os

import numpy as np
import scipy
import sklearn
import statsmodels
from scipy import stats
from sklearn.preprocessing import StandardScaler
from statsmodels.stats.multitest import multipletests
from fixture_json import write_fixture

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "selection", "filters.json")


def data():
    rng = np.random.default_rng(42)
    n, p = 100, 12
    y3 = rng.integers(0, 3, n)
    latent = rng.normal(0, 1, size=(n, 3))
    X = np.empty((n, p))
    for j in range(p):
        X[:, j] = latent[:, j % 3] * (0.5 + 0.4 * j) + rng.normal(0, 0.4 + 0.15 * j, n) + y3 * 0.7 * (j % 4)
    X[:, 4] = 1.7                                    # constant
    X[:, 7] = np.where(rng.random(n) < 0.97, 0.0, 1.0)  # near-constant
    X[:, 10] = X[:, 1] * 1.1 + rng.normal(0, 0.05, n)   # near-duplicate of f1
    X[:, 11] = np.round(X[:, 11], 1)                 # ties for the rank tests
    X = np.round(X, 6)
    return X[:80], y3[:80], X[80:]


def redundancy_rule(abs_r, relevance_p, threshold):
    p = abs_r.shape[0]
    pairs = [(abs_r[i, j], i, j) for i in range(p) for j in range(i + 1, p) if abs_r[i, j] > threshold]
    pairs.sort(key=lambda t: (-t[0], t[1], t[2]))
    kept = [True] * p
    dropped_by = [None] * p
    for r, i, j in pairs:
        if not (kept[i] and kept[j]):
            continue
        loser = j if relevance_p[j] >= relevance_p[i] else i
        kept[loser] = False
        dropped_by[loser] = i if loser == j else j
    return kept, dropped_by


def main():
    X, y3, test = data()
    y2 = (y3 == 2).astype(int)
    scaler = StandardScaler().fit(X)
    varying = [j for j in range(X.shape[1]) if np.ptp(X[:, j]) > 0]
    screens = {}
    groups3 = lambda x: [x[y3 == g] for g in range(3)]
    groups2 = lambda x: [x[y2 == g] for g in range(2)]
    tests = {
        "kruskal": lambda x: stats.kruskal(*groups3(x)).pvalue,
        "anova": lambda x: stats.f_oneway(*groups3(x)).pvalue,
        "mannwhitney": lambda x: stats.mannwhitneyu(*groups2(x)).pvalue,
        "welch": lambda x: stats.ttest_ind(*groups2(x), equal_var=False).pvalue,
        "student": lambda x: stats.ttest_ind(*groups2(x), equal_var=True).pvalue,
    }
    for name, test_fn in tests.items():
        p_values = [float(test_fn(X[:, j])) for j in varying]
        reject, q, _, _ = multipletests(p_values, alpha=0.05, method="fdr_bh")
        screens[name] = {"p": p_values, "q": [float(v) for v in q],
                         "kept": [varying[i] for i, v in enumerate(q) if v < 0.05]}
    sub = X[:, varying]
    spearman = np.abs(stats.spearmanr(sub).statistic)
    pearson = np.abs(np.corrcoef(sub, rowvar=False))
    pearson_scipy = np.array([[abs(stats.pearsonr(sub[:, a], sub[:, b]).statistic) if a != b else 1.0
                               for b in range(len(varying))] for a in range(len(varying))])
    relevance = screens["kruskal"]["p"]
    redundancy = {}
    for method, matrix in [("spearman", spearman), ("pearson", pearson_scipy)]:
        for threshold in [0.8, 0.6]:
            kept, dropped_by = redundancy_rule(matrix, relevance, threshold)
            redundancy[f"{method} {threshold}"] = {
                "method": method, "threshold": threshold,
                "kept": [i for i in range(len(varying)) if kept[i]], "dropped_by": dropped_by}
    fixture = {
        "generator": "scripts/peers/selection_filters.py",
        "versions": {"scipy": scipy.__version__, "scikit-learn": sklearn.__version__,
                     "statsmodels": statsmodels.__version__, "numpy": np.__version__},
        "train": X.tolist(), "classes3": y3.tolist(), "classes2": y2.tolist(), "test": test.tolist(),
        "scaler": {"mean": scaler.mean_.tolist(), "scale": scaler.scale_.tolist(),
                   "test_transformed": scaler.transform(test).tolist()},
        "varying": varying, "screens": screens,
        "spearman_abs": spearman.tolist(), "pearson_abs": pearson_scipy.tolist(),
        "pearson_numpy_max_diff": float(np.max(np.abs(pearson - pearson_scipy))),
        "redundancy": redundancy,
    }
    write_fixture(OUT, fixture)
    print("wrote", OUT)


if __name__ == "__main__":
    main()
