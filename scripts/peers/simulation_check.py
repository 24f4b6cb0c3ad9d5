"""Runs the paper's analysis on a SinoRad synthetic cohort with the reference tools.

Used to tune and check CohortSimulator: univariate tests on the training cohort, backward
elimination of a multinomial logit (statsmodels) by likelihood-ratio p, then ExtraTrees
(scikit-learn) on the selected predictors, scored by macro-AUC on the external test cohort.

    .venv-peers/bin/python scripts/peers/simulation_check.py data/cohort.csv [--big big.csv]
"""
import argparse, json, sys, warnings
import numpy as np, pandas as pd
import scipy.stats as st
import statsmodels.api as sm
from sklearn.ensemble import ExtraTreesClassifier
from sklearn.metrics import roc_auc_score

warnings.filterwarnings("ignore")
CLASSES = ["SCC", "ACC", "ONB"]
CONT = ["age", "max_diameter", "adc_mean"]

def univariate(train):
    out = {}
    y = train.pathology
    for col in train.columns[3:]:
        if col in CONT:
            groups = [train.loc[y == c, col].dropna() for c in CLASSES]
            out[col] = st.kruskal(*groups).pvalue
        else:
            tab = pd.crosstab(train[col], y)
            out[col] = st.chi2_contingency(tab)[1]
    return out

def design(df, cols):
    parts = []
    for c in cols:
        if c in CONT:
            parts.append(df[[c]].astype(float))
        else:
            parts.append(pd.get_dummies(df[c], prefix=c, drop_first=False).astype(float).drop(columns=[f"{c}_{ref(c, df)}"]))
    return pd.concat(parts, axis=1)

REFS = {"sex": "male", "epicenter": "nasal_cavity", "t1_signal": "iso", "t2_signal": "intermediate",
        "signal_homogeneity": "homogeneous", "enhancement_degree": "mild", "enhancement_pattern": "homogeneous",
        "bone_change": "none"}
def ref(c, df):
    return REFS.get(c, "no")

def fit(df, cols):
    X = sm.add_constant(design(df, cols))
    y = df.pathology.map({c: i for i, c in enumerate(CLASSES)})
    return sm.MNLogit(y, X).fit(disp=0, maxiter=100)

def backward(train, cols, alpha=0.05):
    cols = list(cols)
    df = train.dropna(subset=cols)
    steps = []
    while cols:
        full = fit(df, cols)
        ps = {}
        for c in cols:
            rest = [x for x in cols if x != c]
            red = fit(df, rest) if rest else None
            llr = 2 * (full.llf - (red.llf if red else full.llnull))
            dfree = (len(CLASSES) - 1) * design(df, [c]).shape[1]
            ps[c] = st.chi2.sf(llr, dfree)
        worst = max(ps, key=ps.get)
        if ps[worst] <= alpha:
            return cols, ps, steps
        steps.append((worst, ps[worst]))
        cols.remove(worst)
    return cols, {}, steps

def et_auc(train, test, cols, seed):
    Xtr = design(train, cols); Xte = design(test, cols).reindex(columns=Xtr.columns, fill_value=0)
    code = {c: i for i, c in enumerate(CLASSES)}
    m = ExtraTreesClassifier(n_estimators=500, random_state=seed, min_samples_leaf=5).fit(Xtr, train.pathology.map(code))
    return roc_auc_score(test.pathology.map(code), m.predict_proba(Xte), multi_class="ovr", average="macro")

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("csv"); ap.add_argument("--big")
    a = ap.parse_args()
    df = pd.read_csv(a.csv, keep_default_na=True)
    train, test = df[df.cohort == "train"], df[df.cohort == "test"]
    uni = univariate(train)
    for k, v in sorted(uni.items(), key=lambda kv: kv[1]):
        print(f"  univariate {k:24s} p={v:.3g}")
    screened = [k for k, v in uni.items() if v < 0.05]
    final, ps, steps = backward(train, screened)
    print("dropped:", [(s, round(p, 3)) for s, p in steps])
    print("final:", {k: round(v, 5) for k, v in ps.items()})
    aucs = [et_auc(train, test, ["t2_signal", "intracranial_invasion"], s) for s in range(5)]
    print("ExtraTrees(T2, IC) test macro-AUC", np.round(aucs, 3))
    if a.big:
        big = pd.read_csv(a.big)
        half = len(big) // 2
        print("population macro-AUC (T2, IC):", round(et_auc(big.iloc[:half], big.iloc[half:], ["t2_signal", "intracranial_invasion"], 0), 4))
        print("population macro-AUC (all):", round(et_auc(big.iloc[:half].dropna(), big.iloc[half:].dropna(), list(big.columns[3:]), 0), 4))

main()
