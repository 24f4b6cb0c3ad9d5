"""Reference numbers for SinoStats' contingency-table tests (Tests/Fixtures/contingency.json).

Run from the repository root:
    .venv-peers/bin/python scripts/peers/contingency.py

- scipy.stats.chi2_contingency (default Yates correction, applied only when df == 1):
  statistic, p, df, expected counts; and without correction for Cramer's V.
- scipy.stats.contingency.association(method="cramer").
- scipy.stats.fisher_exact for 2 x 2 tables (three alternatives, sample odds ratio).
- R's fisher.test (scripts/peers/fisher_rxc.R): 2 x 2 p-values and the conditional MLE odds
  ratio, r x c Fisher-Freeman-Halton p (or R's FEXACT error when its workspace is too small).

Tables come from data the tools ship (R datasets, statsmodels anes96, scikit-learn wine and
breast_cancer) plus small, sparse and edge-case tables written out here.
"""
import os
import subprocess
import sys
import tempfile

import numpy as np
import pandas as pd
import scipy
import sklearn
import statsmodels
import statsmodels.api as sm
from scipy.stats import chi2_contingency, fisher_exact
from scipy.stats.contingency import association
from sklearn.datasets import load_breast_cancer, load_wine
from fixture_json import fixture_text, write_fixture

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
R_SCRIPT = os.path.join(ROOT, "scripts", "peers", "fisher_rxc.R")


def crosstab(rows, cols):
    return pd.crosstab(rows, cols).to_numpy().astype(int).tolist()


def real_tables():
    """Cross-tabs of data shipped with R, statsmodels and scikit-learn."""
    tables = {
        # ?fisher.test examples (Agresti 2002): tea tasting, convictions of twins, job satisfaction.
        "R TeaTasting": [[3, 1], [1, 3]],
        "R Convictions": [[2, 15], [10, 3]],
        "R Job satisfaction (income x satisfaction)": [
            [1, 3, 10, 6], [2, 3, 10, 7], [1, 6, 14, 12], [0, 1, 9, 11]],
        # margin.table(HairEyeColor, c(1, 2)) and c(1, 3), c(2, 3).
        "R HairEyeColor hair x eye": [
            [68, 20, 15, 5], [119, 84, 54, 29], [26, 17, 14, 14], [7, 94, 10, 16]],
        "R HairEyeColor hair x sex": [[56, 52], [143, 143], [34, 37], [46, 81]],
        "R HairEyeColor eye x sex": [[98, 122], [101, 114], [47, 46], [33, 31]],
        # margin.table(Titanic, c(1, 4)), c(3, 4), c(2, 4).
        "R Titanic class x survived": [[122, 203], [167, 118], [528, 178], [673, 212]],
        "R Titanic age x survived": [[52, 57], [1438, 654]],
        "R Titanic sex x survived": [[1364, 367], [126, 344]],
    }
    anes = sm.datasets.anes96.load_pandas().data
    party = pd.cut(anes.PID, [-1, 2, 3, 6], labels=["Dem", "Ind", "Rep"])
    education = pd.cut(anes.educ, [0, 3, 4, 5, 7], labels=["<=HS", "some college", "AA", ">=BA"])
    tables["statsmodels anes96 party (3) x education (4)"] = crosstab(party, education)
    tables["statsmodels anes96 vote x education (7)"] = crosstab(anes.vote, anes.educ)
    tables["statsmodels anes96 party (3) x vote"] = crosstab(party, anes.vote)

    wine = load_wine(as_frame=True).frame
    alcohol = pd.qcut(wine["alcohol"], 3, labels=False)
    tables["sklearn wine class x alcohol tertile"] = crosstab(wine["target"], alcohol)
    color = pd.qcut(wine["color_intensity"], 4, labels=False)
    tables["sklearn wine class x color intensity quartile"] = crosstab(wine["target"], color)
    hue = pd.qcut(wine["hue"], 6, labels=False)
    tables["sklearn wine class x hue sextile"] = crosstab(wine["target"], hue)

    cancer = load_breast_cancer(as_frame=True).frame
    radius = pd.qcut(cancer["mean radius"], 3, labels=False)
    tables["sklearn breast_cancer target x mean radius tertile"] = crosstab(cancer["target"], radius)
    return tables


def made_up_tables():
    """Small, sparse and edge-case tables (Table-1 sized)."""
    return {
        "2x2 with a zero cell": [[0, 5], [3, 2]],
        "2x2 Yates capped at |O-E| < 0.5": [[5, 5], [5, 6]],
        "2x2 Yates moderate": [[12, 5], [7, 9]],
        "2x2 strong association": [[20, 2], [3, 25]],
        "2x3 sparse": [[1, 0, 2], [0, 3, 1]],
        "3x2 sparse": [[3, 0], [1, 4], [0, 2]],
        "3x3 small counts": [[2, 1, 0], [1, 3, 2], [0, 2, 5]],
        "3x4 n=465 small cells": [[150, 80, 20, 3], [90, 60, 15, 2], [25, 12, 6, 2]],
        "3x5 n=300": [[30, 22, 15, 9, 4], [25, 30, 20, 12, 8], [10, 15, 25, 30, 45]],
        "3x6 n=240 Table-1 like": [
            [20, 15, 10, 8, 4, 3], [18, 16, 14, 10, 6, 4], [12, 14, 16, 20, 14, 16]],
        "4x3 sparse n=40": [[5, 1, 0], [3, 4, 1], [1, 5, 4], [0, 3, 13]],
    }


def scipy_case(table):
    observed = np.asarray(table)
    corrected = chi2_contingency(observed)
    uncorrected = chi2_contingency(observed, correction=False)
    case = {
        "table": table,
        "chi2": {
            "statistic": float(corrected.statistic),
            "pvalue": float(corrected.pvalue),
            "df": int(corrected.dof),
            "expected": corrected.expected_freq.tolist(),
            "statistic_uncorrected": float(uncorrected.statistic),
            "pvalue_uncorrected": float(uncorrected.pvalue),
        },
        "cramers_v": float(association(observed, method="cramer")),
    }
    if observed.shape == (2, 2):
        case["scipy_fisher_2x2"] = {
            alternative: float(fisher_exact(observed, alternative=alternative).pvalue)
            for alternative in ("two-sided", "less", "greater")
        }
        case["scipy_fisher_2x2"]["odds_ratio"] = float(fisher_exact(observed).statistic)
    return case


def run_r(tables):
    with tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False) as handle:
        for name, table in tables.items():
            flat = ",".join(str(v) for row in table for v in row)
            handle.write(f"{name}\t{len(table)}\t{len(table[0])}\t{flat}\n")
        path = handle.name
    output = subprocess.run(["Rscript", R_SCRIPT, path], check=True, capture_output=True,
                            text=True).stdout
    os.unlink(path)
    results, version = {}, None
    for line in output.splitlines():
        name, key, value = line.rstrip("\t ").split("\t")[:3]
        value = value.strip()
        if name == "R_version":
            version = value
            continue
        try:
            results.setdefault(name, {})[key] = float(value)
        except ValueError:
            results.setdefault(name, {})[key] = value
    return version, results


def main():
    tables = {**real_tables(), **made_up_tables()}
    r_version, r_results = run_r(tables)
    cases = []
    for name, table in tables.items():
        case = {"name": name, **scipy_case(table)}
        r = r_results[name]
        if len(table) == 2 and len(table[0]) == 2:
            case["r_fisher_2x2"] = {k: r[k] for k in ("two.sided", "less", "greater", "cond_mle_or")}
        else:
            case["r_fisher_rxc"] = r
        cases.append(case)
    fixture = {
        "generator": "scripts/peers/contingency.py (calls scripts/peers/fisher_rxc.R)",
        "versions": {"scipy": scipy.__version__, "statsmodels": statsmodels.__version__,
                     "scikit-learn": sklearn.__version__, "R": r_version},
        "monte_carlo": {
            "note": "R's random stream cannot be reproduced: SinoStats' Monte Carlo p with "
                    "B = 20000 must lie within 4 binomial standard errors of R's exact p.",
            "case": "R Job satisfaction (income x satisfaction)",
            "replicates": 20000,
        },
        "errors": {
            "note": "scipy.stats.chi2_contingency raises ValueError on a table whose "
                    "expected frequencies contain a zero (an all-zero row or column).",
            "all_zero_row_table": [[0, 0], [3, 4]],
        },
        "cases": cases,
    }
    if "--stdout" in sys.argv:
        sys.stdout.write(fixture_text(fixture))
    else:
        write_fixture(os.path.join(ROOT, "Tests", "Fixtures", "contingency.json"), fixture)


if __name__ == "__main__":
    main()
