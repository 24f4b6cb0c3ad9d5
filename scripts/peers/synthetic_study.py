"""Reference numbers for the study's own analysis on the default SYNTHETIC cohort.

Input: Tests/Fixtures/synthetic_cohort.csv, written by `sinorad simulate --out DIR` (default
seed) and committed as input data. Output: Tests/Fixtures/synthetic_study.json with, for the
whole cohort and for the training cohort, every variable's Table 1 test and p-value (scipy
shapiro / f_oneway / kruskal / chi2_contingency; R fisher.test for sparse tables), then the
univariate screening and the backward elimination of a statsmodels MNLogit by drop-one LRT on
the training cohort, with the final model's params, bse and log-likelihoods.

The test choice mirrors SinoRad's documented rule: Shapiro-Wilk p > 0.05 in every class ->
one-way ANOVA, else Kruskal-Wallis; categorical levels nobody has are dropped; chi-square when
every expected count is >= 5 (Yates only for 2 x 2), else Fisher / Fisher-Freeman-Halton.

    .venv-peers/bin/python scripts/peers/synthetic_study.py
"""
import json, subprocess, sys
from pathlib import Path
import numpy as np, pandas as pd
import scipy, scipy.stats as st
import statsmodels, statsmodels.api as sm
from fixture_json import write_fixture

ROOT = Path(__file__).resolve().parents[2]
DICT = json.loads((ROOT / "data-schema/sinonasal.dictionary.json").read_text())
CLASSES = DICT["label"]["classes"]
VARS = {v["name"]: v for v in DICT["variables"]}
R_VERSION = subprocess.run(["Rscript", "-e", "cat(paste(R.version$major, R.version$minor, sep='.'))"],
                           capture_output=True, text=True, check=True).stdout.strip()

def fisher_r(table):
    rows = ";".join(",".join(str(int(x)) for x in r) for r in table)
    script = f"m <- do.call(rbind, lapply(strsplit(strsplit('{rows}', ';')[[1]], ','), as.numeric)); " \
             f"cat(sprintf('%.17g', fisher.test(m, workspace = 2e8)$p.value))"
    return float(subprocess.run(["Rscript", "-e", script], capture_output=True, text=True, check=True).stdout)

def compare(df, name):
    v, y = VARS[name], df.pathology
    if v["kind"] == "continuous":
        groups = [df.loc[y == c, name].dropna().to_numpy(float) for c in CLASSES]
        normal = all(3 <= len(g) <= 5000 and st.shapiro(g).pvalue > 0.05 for g in groups)
        if normal:
            r = st.f_oneway(*groups)
            return {"test": "One-way ANOVA", "statistic": r.statistic, "p": r.pvalue}
        r = st.kruskal(*groups)
        return {"test": "Kruskal-Wallis", "statistic": r.statistic, "p": r.pvalue}
    tab = pd.crosstab(pd.Categorical(df[name].dropna(), categories=v["levels"]), y[df[name].notna()])
    tab = tab.reindex(columns=CLASSES, fill_value=0).to_numpy()
    tab = tab[tab.sum(axis=1) > 0]
    chi = st.chi2_contingency(tab)
    if chi.expected_freq.min() >= 5:
        return {"test": "Chi-square (Yates)" if tab.shape == (2, 2) else "Chi-square", "statistic": chi.statistic, "p": chi.pvalue}
    return {"test": "Fisher exact" if tab.shape == (2, 2) else "Fisher-Freeman-Halton exact", "statistic": None, "p": fisher_r(tab)}

def design(df, names):
    cols = []
    for n in names:
        v = VARS[n]
        if v["kind"] == "continuous":
            cols.append(df[[n]].astype(float))
            continue
        ref = v.get("reference", v["levels"][0])
        present = set(df[n])
        for level in v["levels"]:
            if level != ref and level in present:
                cols.append((df[n] == level).astype(float).rename(f"{n}={level}"))
    return pd.concat(cols, axis=1)

def fit(df, names):
    X = sm.add_constant(design(df, names), has_constant="add")
    y = df.pathology.map({c: i for i, c in enumerate(CLASSES)})
    return sm.MNLogit(y, X).fit(disp=0, method="newton", maxiter=35)

def backward(df, names, alpha=0.05):
    names, steps = list(names), []
    while names:
        full = fit(df, names)
        tests = {}
        for n in names:
            rest = [x for x in names if x != n]
            ll0 = fit(df, rest).llf if rest else full.llnull
            k = design(df, [n]).shape[1] * (len(CLASSES) - 1)
            stat = 2 * (full.llf - ll0)
            tests[n] = (stat, k, st.chi2.sf(stat, k))
        worst = max(names, key=lambda n: (tests[n][2], -names.index(n)))
        if tests[worst][2] <= alpha:
            return names, steps, full, tests
        steps.append({"dropped": worst, "statistic": tests[worst][0], "df": tests[worst][1], "p": tests[worst][2]})
        names.remove(worst)
    return names, steps, None, {}

def main():
    df = pd.read_csv(ROOT / "Tests/Fixtures/synthetic_cohort.csv", keep_default_na=False, na_values=["", "NA", "N/A", "."])
    train = df[df.cohort == "train"]
    out = {"generator": "scripts/peers/synthetic_study.py", "input": "Tests/Fixtures/synthetic_cohort.csv",
           "versions": {"scipy": scipy.__version__, "statsmodels": statsmodels.__version__, "numpy": np.__version__,
                        "pandas": pd.__version__, "R": R_VERSION},
           "table1_all": {n: compare(df, n) for n in VARS},
           "table1_train": {n: compare(train, n) for n in VARS}}
    screened = [n for n in VARS if out["table1_train"][n]["p"] < 0.05]
    # A categorical variable with a level that never occurs in some class has no finite MLE
    # (quasi-complete separation); SinoRad leaves it out of the model with a warning.
    complete = train.dropna(subset=screened)
    separating = [n for n in screened if VARS[n]["kind"] != "continuous"
                  and (pd.crosstab(complete[n], complete.pathology).reindex(columns=CLASSES, fill_value=0) == 0).any(axis=None)]
    entered = [n for n in screened if n not in separating]
    complete = train.dropna(subset=entered)
    final, steps, model, tests = backward(complete, entered)
    out["selection"] = {
        "screened": screened, "separating": separating, "entered": entered,
        "analysed": len(complete), "steps": steps, "predictors": final,
        "final_lrt": {n: {"statistic": t[0], "df": t[1], "p": t[2]} for n, t in tests.items()},
        "feature_names": list(model.params.index),
        "params": model.params.to_numpy().T.tolist(), "bse": model.bse.to_numpy().T.tolist(),
        "llf": model.llf, "llnull": model.llnull, "aic": model.aic, "bic": model.bic, "prsquared": model.prsquared,
    }
    path = ROOT / "Tests/Fixtures/synthetic_study.json"
    write_fixture(path, out, default=float)
    print(f"wrote {path}: screened {screened}, predictors {final}")

main()
