"""Reference fixtures for SinoStats.MultinomialLogit and BackwardElimination.

Fits statsmodels MNLogit (Newton, tol 1e-8, maxiter 35: its defaults) on real data shipped by
scikit-learn and statsmodels, and writes Tests/Fixtures/mnlogit.json with the design matrices
and labels embedded, so the Swift tests never need Python.

statsmodels always uses class 0 as the reference; the "reference" case relabels the outcome
so that the chosen class becomes 0 and the others keep their order.

Run: .venv-peers/bin/python scripts/peers/mnlogit.py
"""
import os
import warnings

import numpy as np
import pandas as pd
import scipy
import sklearn
import statsmodels
import statsmodels.api as sm
from scipy import stats
from sklearn.datasets import load_iris, load_wine
from fixture_json import write_fixture

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "Fixtures", "mnlogit.json")


def relabel(y, reference):
    """Class codes with `reference` moved to 0 and the other classes in ascending order."""
    order = [int(reference)] + [int(k) for k in sorted(set(y)) if k != reference]
    code = {k: i for i, k in enumerate(order)}
    return np.array([code[k] for k in y]), order


def design(x, add_intercept=True):
    return sm.add_constant(x, has_constant="add") if add_intercept else x


def fit(x, y):
    result = sm.MNLogit(y, design(x)).fit(disp=0, method="newton", maxiter=35)
    assert result.mle_retvals["converged"], "reference fit did not converge"
    return result


def drop_one(x, y, full, groups):
    """LR statistic of dropping each group from the full model (statsmodels refits)."""
    k = len(set(y))
    rows = []
    for name, cols in groups:
        keep = [c for c in range(x.shape[1]) if c not in cols]
        reduced = fit(x[:, keep], y)
        stat = 2 * (full.llf - reduced.llf)
        df = (k - 1) * len(cols)
        rows.append({"group": name, "columns": cols, "statistic": stat, "df": df,
                     "pValue": stats.chi2.sf(stat, df), "aicWithout": reduced.aic})
    return rows


def fit_case(name, source, x, y, feature_names, reference=0, groups=None):
    y_sm, order = relabel(y, reference)
    result = fit(x, y_sm)
    groups = groups or [(f, [i]) for i, f in enumerate(feature_names)]
    # statsmodels fits llnull with BFGS (discrete_model.py `llnull`), accurate to only ~1e-10
    # relative, which moves llr_pvalue ~1e-7 relative when it is ~1e-100. The closed form
    # sum n_j log(n_j / n) is exact; record both, and the LLR p-value from each.
    counts = np.bincount(y_sm)
    llnull_closed = float((counts * np.log(counts / len(y_sm))).sum())
    llr_closed = 2 * (result.llf - llnull_closed)
    return {
        "name": name,
        "source": source,
        "x": x.tolist(),
        "y": [int(v) for v in y],
        "classCount": len(order),
        "reference": reference,
        "nonReferenceClasses": order[1:],
        "featureNames": feature_names,
        # params[i][j]: predictor i (Intercept first), j-th non-reference class (statsmodels layout)
        "params": result.params.tolist(),
        "bse": result.bse.tolist(),
        # conf_int(alpha)[e][i] = [lower, upper]: e-th non-reference class, predictor i; normal
        # (Wald) intervals params -/+ norm.ppf(1 - alpha / 2) bse, at 95% and at 90%.
        "confInt95": result.conf_int(alpha=0.05).tolist(),
        "confInt90": result.conf_int(alpha=0.10).tolist(),
        "llf": result.llf,
        "llnull": result.llnull,
        "llr": result.llr,
        "llr_pvalue": result.llr_pvalue,
        "llnullClosedForm": llnull_closed,
        "llrClosedForm": llr_closed,
        "llrPValueClosedForm": stats.chi2.sf(llr_closed, result.df_model),
        "prsquaredClosedForm": 1 - result.llf / llnull_closed,
        "aic": result.aic,
        "bic": result.bic,
        "prsquared": result.prsquared,
        "iterations": int(result.mle_retvals["iterations"]),
        "dropOne": drop_one(x, y_sm, result, groups),
        "predictedProbabilities": result.predict()[:5].tolist(),
    }


def iris_data(column):
    # One sepal measurement: any two iris measurements together separate setosa linearly
    # (statsmodels does not converge), a single sepal one overlaps between all classes.
    iris = load_iris()
    return iris.data[:, [column]], iris.target, [iris.feature_names[column][:-5]]


def wine_standardised(columns):
    wine = load_wine()
    x = wine.data[:, columns]
    x = (x - x.mean(axis=0)) / x.std(axis=0)
    return x, wine.target, [wine.feature_names[c] for c in columns]


def anes96():
    # The statsmodels docs' MNLogit example: PID ~ logpopul + selfLR + age + educ + income.
    data = sm.datasets.anes96.load_pandas().data
    names = ["logpopul", "selfLR", "age", "educ", "income"]
    return data[names].to_numpy(float), data["PID"].to_numpy(int), names


def backward_elimination(x, y, groups, criterion, alpha=None):
    """Drop-one backward elimination (the loop SinoStats.BackwardElimination runs).

    criterion "lrt": drop the group with the largest LRT p-value while it exceeds alpha.
    criterion "aic": drop the group whose removal lowers AIC most while any lowers it.
    Ties keep the first group in group order (strict comparisons).
    """
    k = len(set(y))
    remaining = list(groups)
    steps = []
    while remaining:
        cols = [c for _, g in remaining for c in g]
        full = fit(x[:, cols], y)
        best = None
        for name, g in remaining:
            keep = [c for c in cols if c not in g]
            reduced = fit(x[:, keep], y)
            stat = 2 * (full.llf - reduced.llf)
            df = (k - 1) * len(g)
            row = {"group": name, "statistic": stat, "df": df, "pValue": stats.chi2.sf(stat, df),
                   "aicBefore": full.aic, "aicAfter": reduced.aic}
            if criterion == "lrt":
                better = best is None or row["pValue"] > best["pValue"]
            else:
                better = best is None or row["aicAfter"] < best["aicAfter"]
            if better:
                best = row
        qualifies = (best["pValue"] > alpha if criterion == "lrt"
                     else best["aicAfter"] < best["aicBefore"])
        if not qualifies:
            break
        steps.append(best)
        remaining = [(n, g) for n, g in remaining if n != best["group"]]
    cols = [c for _, g in remaining for c in g]
    final = fit(x[:, cols], y)
    # Final drop-one table, with each group's columns re-indexed into the final design.
    final_groups = [(n, [cols.index(c) for c in g]) for n, g in remaining]
    return {"steps": steps,
            "remainingGroups": [n for n, _ in remaining],
            "finalParams": final.params.tolist(),
            "finalBse": final.bse.tolist(),
            "finalLlf": final.llf,
            "finalAic": final.aic,
            "finalDropOne": drop_one(x[:, cols], y, final, final_groups)}


def backward_case():
    # Wine: four real features, ash as a 3-level categorical (tertiles, one-hot with the lowest
    # tertile as baseline, so one group spans two columns) and two pure-noise columns drawn
    # with a fixed seed (embedded in the fixture), which elimination should drop.
    x, y, names = wine_standardised([1, 3, 4, 7, 8])
    ash = load_wine().data[:, 2]
    tertile = np.digitize(ash, np.quantile(ash, [1 / 3, 2 / 3]))
    noise = np.random.default_rng(20260101).standard_normal((len(y), 2))
    x = np.column_stack([x[:, :2], noise[:, 0], x[:, 2:], tertile == 1, tertile == 2,
                         noise[:, 1]]).astype(float)
    names = names[:2] + ["noise 1"] + names[2:] + ["ash tertile 2", "ash tertile 3", "noise 2"]
    groups = ([(n, [i]) for i, n in enumerate(names[:6])]
              + [("ash tertile", [6, 7]), ("noise 2", [8])])
    alpha = 0.01
    return {
        "name": "wine backward elimination",
        "source": "sklearn.datasets.load_wine, standardised; ash as tertile dummies; 2 noise columns",
        "x": x.tolist(), "y": [int(v) for v in y], "classCount": 3, "reference": 0,
        "featureNames": names,
        "groups": [{"name": n, "columns": g} for n, g in groups],
        "alpha": alpha,
        "likelihoodRatio": backward_elimination(x, y, groups, "lrt", alpha),
        "aic": backward_elimination(x, y, groups, "aic"),
    }


def statsmodels_outcome(x, y):
    """What statsmodels says about a degenerate design: the exception or warnings it raises."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = sm.MNLogit(y, design(x)).fit(disp=0)
            outcome = {"converged": bool(result.mle_retvals["converged"]),
                       "maxAbsParam": float(np.abs(result.params).max()),
                       "maxBse": float(np.nanmax(result.bse))}
        except Exception as error:  # noqa: BLE001 - we record whatever statsmodels raises
            outcome = {"exception": f"{type(error).__name__}: {error}"}
    outcome["warnings"] = sorted({f"{w.category.__name__}: {w.message}" for w in caught})
    return outcome


def separation_case():
    iris = load_iris()
    # Petal length: every setosa (class 0) is below 2 cm, every other flower above 3 cm.
    x = iris.data[:, [0, 2]]
    return {"name": "iris petal length separates setosa",
            "x": x.tolist(), "y": iris.target.tolist(), "classCount": 3, "reference": 0,
            "featureNames": ["sepal length", "petal length"],
            "separatingColumn": "petal length",
            "statsmodels": statsmodels_outcome(x, iris.target)}


def combined_separation_case():
    iris = load_iris()
    # Sepal length and width together separate setosa, although neither does alone.
    x = iris.data[:, :2]
    return {"name": "iris sepal length and width together separate setosa",
            "x": x.tolist(), "y": iris.target.tolist(), "classCount": 3, "reference": 0,
            "featureNames": ["sepal length", "sepal width"],
            "statsmodels": statsmodels_outcome(x, iris.target)}


def collinear_case():
    # anes96 (whose MLE exists) plus an exact linear combination of two of its columns.
    x, y, names = anes96()
    x = np.column_stack([x, x[:, 3] + 2 * x[:, 4]])
    return {"name": "anes96 with educ + 2 income appended",
            "x": x.tolist(), "y": y.tolist(), "classCount": 7, "reference": 0,
            "featureNames": names + ["educ + 2 income"],
            "collinearColumn": "educ + 2 income",
            "statsmodels": statsmodels_outcome(x, y)}


def constant_case():
    # anes96 plus a constant column, which duplicates the intercept.
    x, y, names = anes96()
    x = np.column_stack([x[:, :2], np.full(len(y), 3.0), x[:, 2:]])
    return {"name": "anes96 with a constant column",
            "x": x.tolist(), "y": y.tolist(), "classCount": 7, "reference": 0,
            "featureNames": names[:2] + ["survey wave"] + names[2:],
            "constantColumn": "survey wave",
            "statsmodels": statsmodels_outcome(x, y)}


def main():
    ix, iy, inames = iris_data(0)
    jx, jy, jnames = iris_data(1)
    wx, wy, wnames = wine_standardised([0, 1, 3, 4])
    ax, ay, anames = anes96()
    fixture = {
        "generator": "scripts/peers/mnlogit.py",
        "versions": {"statsmodels": statsmodels.__version__, "scipy": scipy.__version__,
                     "scikit-learn": sklearn.__version__, "numpy": np.__version__,
                     "pandas": pd.__version__},
        "fits": [
            fit_case("iris", "sklearn.datasets.load_iris, sepal length", ix, iy, inames),
            fit_case("wine", "sklearn.datasets.load_wine, standardised", wx, wy, wnames),
            fit_case("anes96", "statsmodels.datasets.anes96 (docs MNLogit example)", ax, ay, anames),
            fit_case("anes96 reference 3", "anes96 with PID 3 (independent) as reference",
                     ax, ay, anames, reference=3),
            fit_case("iris reference 2", "iris sepal width with virginica as reference",
                     jx, jy, jnames, reference=2),
        ],
        "backwardElimination": backward_case(),
        "separation": separation_case(),
        "combinedSeparation": combined_separation_case(),
        "collinear": collinear_case(),
        "constant": constant_case(),
    }
    write_fixture(OUT, fixture)
    be = fixture["backwardElimination"]
    for criterion in ["likelihoodRatio", "aic"]:
        print(criterion, "dropped:", [s["group"] for s in be[criterion]["steps"]],
              "remaining:", be[criterion]["remainingGroups"])
    print("separation:", fixture["separation"]["statsmodels"])
    print("combined separation:", fixture["combinedSeparation"]["statsmodels"])
    print("collinear:", fixture["collinear"]["statsmodels"])
    print("constant:", fixture["constant"]["statsmodels"])


if __name__ == "__main__":
    main()
