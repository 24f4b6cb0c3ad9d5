"""Reference AUCs for SinoForest (Tests/Fixtures/extratrees.json).

Run with the peers venv:
    .venv-peers/bin/python scripts/peers/extratrees.py

For breast_cancer, wine and digits (scikit-learn's bundled data sets) the fixture stores X, y,
and for each of SEEDS seeds the test rows of a stratified 75/25 split
(train_test_split(stratify=y, random_state=seed)). For each split it records the test AUC of
sklearn's ExtraTreesClassifier and RandomForestClassifier with N_ESTIMATORS trees and the other
hyper-parameters at their defaults, random_state=seed (binary AUC of class 1 for
breast_cancer, one-vs-rest macro AUC otherwise, as roc_auc_score). SinoForest trains on the
same splits with its own random streams, so the comparison is of mean AUCs, not per seed.
A third model, "shallow", is an ExtraTreesClassifier with max_depth=2, criterion="entropy",
class_weight="balanced", min_samples_leaf=5, max_features=1: its AUC is far from 1, so it
checks the split rule and those hyper-parameters more sharply than the fully grown forests.
Its trees are tiny, so it uses SHALLOW_N_ESTIMATORS = 100 trees: with 15, the mean AUC over
20 seeds moves by 0.02 between random_state offsets in sklearn alone (too noisy for 0.01).
N_ESTIMATORS is below sklearn's 100 so that the Swift test stays fast in debug builds; both
tools use the same number.
"""

import os

import numpy as np
import sklearn
from sklearn.datasets import load_breast_cancer, load_digits, load_wine
from sklearn.ensemble import ExtraTreesClassifier, RandomForestClassifier
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split
from fixture_json import write_fixture

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "extratrees.json")
SEEDS = 20
N_ESTIMATORS = 15
TEST_SIZE = 0.25
SHALLOW_N_ESTIMATORS = 100
SHALLOW = dict(max_depth=2, criterion="entropy", class_weight="balanced", min_samples_leaf=5, max_features=1)


def auc(y, proba):
    if proba.shape[1] == 2:
        return float(roc_auc_score(y, proba[:, 1]))
    return float(roc_auc_score(y, proba, multi_class="ovr", average="macro"))


def plain(values):
    """Ints stay ints (digits); floats keep their shortest repr (the data sets' own precision)."""
    values = np.asarray(values)
    if np.all(values == np.round(values)):
        return values.astype(int).tolist()
    return values.astype(float).tolist()


def dataset_case(name, loader):
    X, y = loader(return_X_y=True)
    rows = np.arange(len(y))
    splits, extra, forest, shallow = [], [], [], []
    for seed in range(SEEDS):
        train, test = train_test_split(rows, test_size=TEST_SIZE, stratify=y, random_state=seed)
        splits.append(sorted(test.tolist()))
        models = ((ExtraTreesClassifier, N_ESTIMATORS, {}, extra), (RandomForestClassifier, N_ESTIMATORS, {}, forest),
                  (ExtraTreesClassifier, SHALLOW_N_ESTIMATORS, SHALLOW, shallow))
        for model, trees, options, out in models:
            fitted = model(n_estimators=trees, random_state=seed, n_jobs=2, **options).fit(X[train], y[train])
            out.append(auc(y[test], fitted.predict_proba(X[test])))
    print(f"{name}: ExtraTrees mean AUC {np.mean(extra):.4f}, RandomForest {np.mean(forest):.4f}, "
          f"shallow ExtraTrees {np.mean(shallow):.4f}")
    return {
        "name": name,
        "classCount": int(len(np.unique(y))),
        "x": [plain(row) for row in X],
        "y": y.astype(int).tolist(),
        "testRows": splits,
        "extraTreesAUC": extra,
        "randomForestAUC": forest,
        "shallowExtraTreesAUC": shallow,
    }


def main():
    fixture = {
        "generator": "scripts/peers/extratrees.py",
        "versions": {"scikit-learn": sklearn.__version__, "numpy": np.__version__},
        "nEstimators": N_ESTIMATORS,
        "hyperParameters": "sklearn defaults (gini, max_features sqrt, min_samples_split 2, "
                           "min_samples_leaf 1; bootstrap false for ExtraTrees, true for RandomForest)",
        "shallow": SHALLOW,
        "shallowNEstimators": SHALLOW_N_ESTIMATORS,
        "auc": "breast_cancer: roc_auc_score(y, p[:, 1]); others: roc_auc_score(multi_class='ovr', average='macro')",
        "datasets": [
            dataset_case("breast_cancer", load_breast_cancer),
            dataset_case("wine", load_wine),
            dataset_case("digits", load_digits),
        ],
    }
    write_fixture(OUT, fixture)
    print(f"wrote {OUT} ({os.path.getsize(OUT) // 1024} KiB)")


if __name__ == "__main__":
    main()
