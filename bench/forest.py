"""scikit-learn side of bench/forest.sh: writes the benchmark data and times sklearn.

    python bench/forest.py OUT_DIR [REPEATS]

Writes OUT_DIR/small.csv (465 x 15) and OUT_DIR/large.csv (50,000 x 50), 3 classes, from
sklearn.datasets.make_classification(random_state=0) rounded to 6 decimals (the CSV is what
both tools read), then times ExtraTreesClassifier(n_estimators=500 / 100, n_jobs=2,
random_state=0) fit + predict_proba on each, best of REPEATS, printing
"[bench] FILE sklearn_seconds S".
"""
import sys
import time

import numpy as np
from sklearn.datasets import make_classification
from sklearn.ensemble import ExtraTreesClassifier

CASES = [("small.csv", 465, 15, 500), ("large.csv", 50_000, 50, 100)]


def write(path, n, p):
    X, y = make_classification(n_samples=n, n_features=p, n_informative=max(3, p // 3), n_classes=3,
                               random_state=0)
    X = np.round(X, 6)
    header = ",".join([f"x{j}" for j in range(p)] + ["y"])
    np.savetxt(path, np.column_stack([X, y]), delimiter=",", header=header, comments="", fmt="%.6f")


def read(path):
    data = np.loadtxt(path, delimiter=",", skiprows=1)
    return data[:, :-1], data[:, -1].astype(int)


def main():
    out, repeats = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 3
    for name, n, p, trees in CASES:
        write(f"{out}/{name}", n, p)
        X, y = read(f"{out}/{name}")
        best = float("inf")
        for _ in range(repeats):
            start = time.perf_counter()
            model = ExtraTreesClassifier(n_estimators=trees, n_jobs=2, random_state=0).fit(X, y)
            model.predict_proba(X)
            best = min(best, time.perf_counter() - start)
        print(f"[bench] {name} sklearn_seconds {best:.4f}", flush=True)


if __name__ == "__main__":
    main()
