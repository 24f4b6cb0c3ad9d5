"""Reference values for SinoClassifiers' SupportVectorClassifier (Tests/Fixtures/selection/svm.json).

Run with the peers venv:
    .venv-peers/bin/python scripts/peers/svm.py

scikit-learn's SVC (its fork of libsvm 3.24) is fitted on small seeded data sets made here with
numpy's default_rng: "three" (3 classes, 90 x 6, 40/30/20 rows), "binary" (70 x 5, 50/20 rows)
"unscaled" (3 classes, 60 x 4, columns on scales 1 to 1000, so that gamma="scale" matters) and
"four" (4 classes of 25, 20, 15 and 1 rows, 5 features; wide-spread test rows). "three" has 5
more test rows where sklearn's votes tie (found by comparing predict with and without break_ties).
Each data set has its own test rows. For each case the fixture stores the hyper-parameters,
the gamma sklearn resolved (`_gamma`), n_support_, decision_function, predict and, when
probability=True, the Platt coefficients probA_ and probB_ and predict_proba on the test rows. Cases cover the four kernels, gamma
"scale"/"auto"/a value, ovo and ovr, break_ties, class_weight "balanced" and a dict, and
probability=True with random_state 0 and 7; "randomStreams" holds the seed sklearn derives from a
random_state and the first MT19937 outputs for it (sklearn 1.9 deprecates probability=True with a
FutureWarning; the numbers are what it computes).
"""

import os
import warnings

import numpy as np
import sklearn
from sklearn.svm import SVC
from fixture_json import write_fixture

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "selection", "svm.json")


def blobs(rng, counts, features, spread, test_rows, scales=None):
    """Gaussian classes around random centres; test rows drawn from the same classes."""
    centres = rng.normal(0.0, spread, size=(len(counts), features))
    scales = np.ones(features) if scales is None else np.asarray(scales, dtype=float)

    def draw(per_class):
        x = np.vstack([centres[k] + rng.normal(size=(n, features)) for k, n in enumerate(per_class)])
        y = np.concatenate([np.full(n, k) for k, n in enumerate(per_class)])
        order = rng.permutation(len(y))
        return x[order] * scales, y[order]

    x, y = draw(counts)
    test_counts = [test_rows // len(counts)] * len(counts)
    test_x, _ = draw(test_counts)
    return {"classCount": len(counts), "x": x.tolist(), "y": y.astype(int).tolist(), "testX": test_x.tolist()}


def tie_rows(data, count, C):
    """Rows where one-vs-one votes tie, so that break_ties changes sklearn's prediction: drawn
    around the data's centre and kept when SVC(C=C) and SVC(C=C, break_ties=True) disagree."""
    rng = np.random.default_rng(7)
    x, y = np.array(data["x"]), np.array(data["y"])
    candidates = x.mean(axis=0) + rng.normal(size=(20000, x.shape[1])) * x.std(axis=0) * 0.7
    votes = SVC(C=C).fit(x, y).predict(candidates)
    ties = SVC(C=C, break_ties=True).fit(x, y).predict(candidates)
    return candidates[np.nonzero(votes != ties)[0][:count]].tolist()


def make_data():
    rng = np.random.default_rng(20260601)
    data = {
        "three": blobs(rng, [40, 30, 20], 6, 1.2, 30),
        "binary": blobs(rng, [50, 20], 5, 0.8, 20),
        "unscaled": blobs(rng, [20, 20, 20], 4, 1.0, 24, scales=[1.0, 10.0, 100.0, 1000.0]),
        "four": four_classes(rng),
    }
    data["three"]["testX"] += tie_rows(data["three"], 5, C=0.3)
    return data


def four_classes(rng):
    """4 classes of 25, 20, 15 and 1 rows (5 features): the single row's class is missing from
    the training part of one cross-validation fold, which the fork handles without training.
    Test rows are spread wide around the centres so that one-vs-one votes tie."""
    data = blobs(rng, [25, 20, 15, 1], 5, 1.0, 0)
    data["testX"] = rng.normal(0.0, 2.0, size=(32, 5)).tolist()
    return data


# (name, data set, SVC keyword arguments). class_weight dicts are written as lists by class index.
CASES = [
    ("rbf scale ovr", "three", dict()),
    ("rbf scale ovo", "three", dict(decision_function_shape="ovo")),
    ("rbf scale ovr break_ties", "three", dict(break_ties=True, C=0.3)),  # C as in tie_rows
    ("rbf scale ovr ties by votes", "three", dict(C=0.3)),
    ("linear ovr", "three", dict(kernel="linear", C=0.5)),
    ("poly auto ovo", "three", dict(kernel="poly", degree=3, gamma="auto", coef0=1.0, decision_function_shape="ovo")),
    ("poly degree 2 value", "three", dict(kernel="poly", degree=2, gamma=0.3, coef0=0.0, C=2.0)),
    ("sigmoid value ovr", "three", dict(kernel="sigmoid", gamma=0.05, coef0=-0.5, C=0.8)),
    ("rbf balanced ovr", "three", dict(class_weight="balanced", C=2.0)),
    ("rbf weights ovo", "three", dict(class_weight={0: 1.0, 1: 2.5, 2: 0.5}, decision_function_shape="ovo",
                                      tol=1e-4, shrinking=False)),
    ("binary rbf scale", "binary", dict()),
    ("binary linear balanced", "binary", dict(kernel="linear", class_weight="balanced", C=0.2)),
    ("binary sigmoid auto", "binary", dict(kernel="sigmoid", gamma="auto", coef0=0.0)),
    ("unscaled rbf scale", "unscaled", dict(C=10.0)),
    ("unscaled rbf auto", "unscaled", dict(gamma="auto")),
    ("probability rbf rs0", "three", dict(probability=True, random_state=0)),
    ("probability rbf rs7 ovo", "three", dict(probability=True, random_state=7, decision_function_shape="ovo", C=3.0)),
    ("probability linear balanced rs7", "three", dict(kernel="linear", probability=True, random_state=7,
                                                      class_weight="balanced", C=0.1)),
    ("binary probability rbf rs0", "binary", dict(probability=True, random_state=0)),
    ("binary probability balanced rs7", "binary", dict(probability=True, random_state=7, class_weight="balanced",
                                                       kernel="poly", degree=2, coef0=1.0)),
    ("unscaled probability rs0", "unscaled", dict(probability=True, random_state=0, C=5.0)),
    ("four classes ovr", "four", dict()),
    ("four classes break_ties", "four", dict(break_ties=True, C=0.5)),
    ("four classes probability rs0", "four", dict(probability=True, random_state=0)),
    ("four classes probability sigmoid rs7", "four", dict(kernel="sigmoid", gamma="auto", probability=True, random_state=7,
                                                           decision_function_shape="ovo")),
]


def parameters(options, class_count):
    """The hyper-parameters with sklearn's defaults filled in, in plain JSON."""
    full = dict(C=1.0, kernel="rbf", degree=3, gamma="scale", coef0=0.0, shrinking=True, probability=False,
                tol=1e-3, cache_size=200, class_weight=None, decision_function_shape="ovr", break_ties=False,
                random_state=None)
    full.update(options)
    weights = full["class_weight"]
    if isinstance(weights, dict):
        full["class_weight"] = [float(weights.get(k, 1.0)) for k in range(class_count)]
    return full


def run_case(name, data_name, options, data):
    d = data[data_name]
    x, y, test = np.array(d["x"]), np.array(d["y"]), np.array(d["testX"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # probability=True is deprecated in 1.9
        model = SVC(**options).fit(x, y)
        proba = model.predict_proba(test).tolist() if options.get("probability") else None
        platt = (model.probA_.tolist(), model.probB_.tolist()) if options.get("probability") else (None, None)
    case = {
        "name": name,
        "data": data_name,
        "parameters": parameters(options, d["classCount"]),
        "gamma": float(model._gamma),
        "nSupport": model.n_support_.astype(int).tolist(),
        "decision": model.decision_function(test).tolist(),
        "predict": model.predict(test).astype(int).tolist(),
        "probabilities": proba,
        "probA": platt[0],
        "probB": platt[1],
    }
    print(f"{name}: gamma {case['gamma']:.6g}, n_support {case['nSupport']}")
    return case


def random_streams():
    """The seed sklearn's fit derives from random_state (RandomState(rs).randint(2**31 - 1), set into
    the fork's std::mt19937) and the first raw MT19937 outputs for that seed (numpy's legacy
    MT19937 and std::mt19937 share init_genrand and the tempering)."""
    streams = []
    for random_state in (0, 7, 42, 4294967295):
        seed = int(np.random.RandomState(random_state).randint(2**31 - 1))
        outputs = np.random.RandomState(seed).randint(0, 2**32, size=8, dtype=np.uint64).astype(int).tolist()
        streams.append({"randomState": random_state, "seed": seed, "outputs": outputs})
    return streams


def main():
    data = make_data()
    cases = [run_case(name, data_name, options, data) for name, data_name, options in CASES]
    fixture = {
        "generator": "scripts/peers/svm.py",
        "versions": {"scikit-learn": sklearn.__version__, "numpy": np.__version__},
        "randomStreams": random_streams(),
        "data": data,
        "cases": cases,
    }
    write_fixture(OUT, fixture)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
