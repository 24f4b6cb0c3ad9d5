"""Reference values for SinoClassifiers' GradientBoostingClassifier (Tests/Fixtures/selection/xgboost.json).

Run with the peers venv:
    .venv-peers/bin/python scripts/peers/xgboost_classifier.py

python xgboost 1.7.4's XGBClassifier is fitted on small seeded data sets made here with numpy's
default_rng, each with 5% of its entries (training and test) set to NaN (XGBoost's missing
value): "three" (3 classes, 150 x 6) and "binary" (100 x 5, 20% positives). For each case
the fixture stores the hyper-parameters and predict_proba on the test rows (float32 numbers,
written as the doubles they are exactly). Cases: tree_method exact with the defaults, hist
with subsample 0.8 and colsample_bytree 0.7, and variants of depth, child weight, gamma and
regularisation. n_jobs=1 (nthread 1) and random_state are pinned; base_score is left at
1.7.4's default (0.5). The data are given to xgboost as float64 and rounded to float32 by it,
as SinoRad rounds them.
"""

import json
import os

import numpy as np
import xgboost
from xgboost import XGBClassifier
from fixture_json import write_fixture

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "selection", "xgboost.json")
MISSING = 0.05


def blobs(rng, counts, features, spread, test_rows):
    """Gaussian classes around random centres with 5% missing entries; test rows likewise."""
    centres = rng.normal(0.0, spread, size=(len(counts), features))

    def draw(per_class):
        x = np.vstack([centres[k] + rng.normal(size=(n, features)) for k, n in enumerate(per_class)])
        y = np.concatenate([np.full(n, k) for k, n in enumerate(per_class)])
        order = rng.permutation(len(y))
        x, y = x[order], y[order]
        x[rng.random(x.shape) < MISSING] = np.nan
        return x, y

    x, y = draw(counts)
    test_x, _ = draw([test_rows // len(counts)] * len(counts))
    return {"classCount": len(counts), "x": plain(x), "y": y.astype(int).tolist(), "testX": plain(test_x)}


def plain(x):
    """Rows with NaN written as null (JSON has no NaN)."""
    return [[None if np.isnan(v) else float(v) for v in row] for row in x]


def array(rows):
    return np.array([[np.nan if v is None else v for v in row] for row in rows], dtype=np.float64)


def make_data():
    rng = np.random.default_rng(20260602)
    return {
        "three": blobs(rng, [50, 50, 50], 6, 0.9, 30),
        "binary": blobs(rng, [80, 20], 5, 0.7, 20),
    }


# (name, data set, XGBClassifier keyword arguments besides n_jobs=1).
CASES = [
    ("three exact defaults", "three", dict(tree_method="exact")),
    ("three hist subsample", "three", dict(tree_method="hist", subsample=0.8, colsample_bytree=0.7, random_state=3,
                                           n_estimators=40, learning_rate=0.1, max_depth=4)),
    ("three exact regularised", "three", dict(tree_method="exact", max_depth=3, min_child_weight=3, gamma=0.5,
                                              reg_alpha=0.1, reg_lambda=2.0, n_estimators=50)),
    ("three exact subsample", "three", dict(tree_method="exact", subsample=0.8, colsample_bytree=0.7, random_state=11,
                                            n_estimators=30)),
    ("binary exact defaults", "binary", dict(tree_method="exact")),
    ("binary hist subsample", "binary", dict(tree_method="hist", subsample=0.8, colsample_bytree=0.7, random_state=5,
                                             max_bin=16, reg_lambda=2.0, reg_alpha=0.5, gamma=0.1, min_child_weight=2,
                                             n_estimators=60)),
    ("binary exact base_score", "binary", dict(tree_method="exact", base_score=0.2, n_estimators=20, max_depth=2)),
]


def parameters(options):
    """The hyper-parameters with XGBClassifier 1.7.4's effective defaults filled in."""
    full = dict(n_estimators=100, learning_rate=0.3, max_depth=6, min_child_weight=1.0, subsample=1.0,
                colsample_bytree=1.0, reg_lambda=1.0, reg_alpha=0.0, gamma=0.0, tree_method="exact", max_bin=256,
                base_score=0.5, random_state=0, n_jobs=1)
    full.update(options)
    return full


def run_case(name, data_name, options, data):
    d = data[data_name]
    model = XGBClassifier(n_jobs=1, **options).fit(array(d["x"]), np.array(d["y"]))
    proba = model.predict_proba(array(d["testX"]))
    assert proba.dtype == np.float32
    config = json.loads(model.get_booster().save_config())["learner"]
    print(f"{name}: {len(proba)} rows, objective {model.objective}, mean max proba {proba.max(axis=1).mean():.4f}")
    return {
        "name": name,
        "data": data_name,
        "parameters": parameters(options),
        "objective": model.objective,
        "probabilities": [[float(v) for v in row] for row in proba],
        "configBaseScore": float(config["learner_model_param"]["base_score"]),
        "configTreeMethod": config["gradient_booster"]["gbtree_train_param"]["tree_method"],
    }


def main():
    data = make_data()
    cases = [run_case(name, data_name, options, data) for name, data_name, options in CASES]
    fixture = {
        "generator": "scripts/peers/xgboost_classifier.py",
        "versions": {"xgboost": xgboost.__version__, "numpy": np.__version__},
        "data": data,
        "cases": cases,
    }
    write_fixture(OUT, fixture)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
