"""Reference values for SinoSelection.L2LogisticClassifier and SinoClassifiers'
NearestNeighboursClassifier (Tests/Fixtures/selection/linear_knn.json).

Run with the peers venv:
    .venv-peers/bin/python scripts/peers/linear_knn.py

Seeded data (3 classes 90 x 5 and binary 70 x 4, features on different scales, 30 and 20 test
rows). scikit-learn LogisticRegression (lbfgs, L2, tol 1e-12, max_iter 100000) at C = 0.05,
1 and 20: coef_, intercept_ and predict_proba of the test rows; KNeighborsClassifier (uniform
weights, Euclidean) at k = 1, 5, 9: predict_proba of the test rows (continuous features, so
no distance ties).
"""

import os

import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier
from fixture_json import write_fixture

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "selection", "linear_knn.json")


def dataset(seed, n, p, k):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, k, n)
    centres = rng.normal(0, 1, size=(k, p))
    X = centres[y] + rng.normal(0, 1.2, size=(n, p))
    X = X * np.array([0.5, 1, 3, 10, 0.2][:p])
    return np.round(X, 6), y


def main():
    cases = []
    for name, (seed, n, p, k, test) in {"three classes": (5, 120, 5, 3, 30), "binary": (6, 90, 4, 2, 20)}.items():
        X, y = dataset(seed, n, p, k)
        Xtr, ytr, Xte = X[:-test], y[:-test], X[-test:]
        logistic = []
        for C in [0.05, 1.0, 20.0]:
            m = LogisticRegression(C=C, tol=1e-12, max_iter=100000).fit(Xtr, ytr)
            logistic.append({"C": C, "coef": m.coef_.tolist(), "intercept": m.intercept_.tolist(),
                             "proba": m.predict_proba(Xte).tolist()})
        knn = []
        for neighbours in [1, 5, 9]:
            m = KNeighborsClassifier(n_neighbors=neighbours).fit(Xtr, ytr)
            knn.append({"k": neighbours, "proba": m.predict_proba(Xte).tolist()})
        cases.append({"name": name, "classes": k, "train": Xtr.tolist(), "labels": ytr.tolist(), "test": Xte.tolist(),
                      "logistic": logistic, "knn": knn})
    write_fixture(OUT, {"generator": "scripts/peers/linear_knn.py",
                        "versions": {"scikit-learn": sklearn.__version__, "numpy": np.__version__}, "cases": cases})


if __name__ == "__main__":
    main()
