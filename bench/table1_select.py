"""The Table 1 + predictor selection analysis in Python (scipy + statsmodels), for timing.

Mirrors what `sinorad table1` and `sinorad select` compute on a cohort CSV with the sinonasal
dictionary: per variable Shapiro-Wilk by class then ANOVA or Kruskal-Wallis, chi-square or
Fisher-Freeman-Halton (scipy has no exact r x c; a 2 x 2 uses fisher_exact and larger sparse
tables fall back to chi-square here, which only makes Python faster); then univariate screening
on the training cohort and backward elimination of a statsmodels MNLogit by drop-one LRT.

    python bench/table1_select.py COHORT.csv
"""
import json, sys, time, warnings
import numpy as np, pandas as pd
import scipy.stats as st
import statsmodels.api as sm

warnings.filterwarnings("ignore")
here = __file__.rsplit("/", 2)[0]
DICT = json.load(open(f"{here}/data-schema/sinonasal.dictionary.json"))
CLASSES = DICT["label"]["classes"]
VARS = DICT["variables"]

def table1(df):
    y = df.pathology
    out = {}
    for v in VARS:
        col = df[v["name"]]
        if v["kind"] == "continuous":
            groups = [col[y == c].dropna().to_numpy() for c in CLASSES]
            normal = all(3 <= len(g) <= 5000 and st.shapiro(g).pvalue > 0.05 for g in groups)
            if normal:
                p = st.f_oneway(*groups).pvalue
            else:
                p = st.kruskal(*groups).pvalue
            for g in groups:
                np.percentile(g, [25, 50, 75]); g.mean(); g.std(ddof=1)
        else:
            tab = pd.crosstab(col, y).to_numpy()
            chi = st.chi2_contingency(tab)
            if chi.expected_freq.min() >= 5 or tab.shape != (2, 2):
                p = chi.pvalue
            else:
                p = st.fisher_exact(tab).pvalue
        out[v["name"]] = p
    return out

def design(df, names):
    parts = []
    for n in names:
        v = next(x for x in VARS if x["name"] == n)
        if v["kind"] == "continuous":
            parts.append(df[[n]].astype(float))
        else:
            ref = v.get("reference", v["levels"][0])
            d = pd.get_dummies(pd.Categorical(df[n], categories=v["levels"]), prefix=n).astype(float)
            d = d.loc[:, d.sum() > 0].drop(columns=[f"{n}_{ref}"], errors="ignore")
            d.index = df.index
            parts.append(d)
    return pd.concat(parts, axis=1)

def fit(df, names):
    X = sm.add_constant(design(df, names), has_constant="add")
    return sm.MNLogit(df.pathology.map({c: i for i, c in enumerate(CLASSES)}), X).fit(disp=0, method="newton", maxiter=35)

def select(df, alpha=0.05):
    train = df[df.cohort == "train"]
    uni = table1(train)
    names = [n for n, p in uni.items() if p < alpha]
    data = train.dropna(subset=names)
    while names:
        full = fit(data, names)
        ps = {}
        for n in names:
            rest = [x for x in names if x != n]
            ll0 = fit(data, rest).llf if rest else full.llnull
            k = design(data, [n]).shape[1] * (len(CLASSES) - 1)
            ps[n] = st.chi2.sf(2 * (full.llf - ll0), k)
        worst = max(ps, key=ps.get)
        if ps[worst] <= alpha:
            break
        names.remove(worst)
    return names

if __name__ == "__main__":
    t0 = time.perf_counter()
    df = pd.read_csv(sys.argv[1], keep_default_na=False, na_values=["", "NA", "N/A", "."])
    table1(df)
    predictors = select(df)
    print(json.dumps({"seconds": time.perf_counter() - t0, "predictors": predictors}))
