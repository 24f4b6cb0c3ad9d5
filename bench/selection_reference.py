"""The radiomics selection + LASSO CV + classifier grid search of `sinorad radiomics model
--classifier svm`, as a statistician writes it with the reference tools: scikit-learn,
scipy, statsmodels, and R glmnet (Rscript, cv.glmnet) for the LASSO. Timed as a whole (the R
process included), one thread for every library.

    python bench/selection_reference.py FEATURES.csv COHORT.csv OUTDIR

Steps (SinoRad's defaults, docs/SELECTION.md): StandardScaler on the training cohort; caret's
nearZeroVar rule (freqCut 95/5, uniqueCut 10) in numpy; Kruskal-Wallis per feature + Benjamini-
Hochberg q < 0.05; Spearman |r| > 0.9 pairs, largest first, the larger p dropped; cv.glmnet
(multinomial, ungrouped, 10 folds from set.seed(1), deviance, lambda.1se); SVC(probability=True)
with C in 0.1, 1, 10 by 5-fold stratified CV macro-AUC (one-vs-rest), refitted; predict_proba of
every patient. Prints the seconds and the count kept by each step.
"""
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import pandas as pd
from scipy import stats
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC
from statsmodels.stats.multitest import multipletests


def near_zero_var(x, freq_cut=95 / 5, unique_cut=10):
    keep = []
    for j in range(x.shape[1]):
        values, counts = np.unique(x[:, j], return_counts=True)
        if len(values) == 1:
            keep.append(False)
            continue
        top = np.sort(counts)[::-1]
        ratio = top[0] / top[1]
        unique = 100 * len(values) / x.shape[0]
        keep.append(not (ratio > freq_cut and unique <= unique_cut))
    return np.array(keep)


def main(features_path, cohort_path, out):
    start = time.perf_counter()
    features = pd.read_csv(features_path)
    cohort = pd.read_csv(cohort_path)
    features = features.set_index("patient_id").loc[cohort["patient_id"]]
    names = [c for c in features.columns if not c.startswith("diagnostics_")]
    X = features[names].to_numpy(float)
    classes = ["SCC", "ACC", "ONB"]
    y = cohort["pathology"].map({c: i for i, c in enumerate(classes)}).to_numpy()
    train = (cohort["cohort"] == "train").to_numpy()
    steps = {}
    scaler = StandardScaler().fit(X[train])
    Z = scaler.transform(X)
    keep = near_zero_var(X[train])
    current = np.flatnonzero(keep)
    steps["variance"] = len(current)
    ztr = Z[train][:, current]
    ytr = y[train]
    p = np.array([stats.kruskal(*[ztr[ytr == c, k] for c in range(3)]).pvalue for k in range(len(current))])
    q = multipletests(p, method="fdr_bh")[1]
    current, p = current[q < 0.05], p[q < 0.05]
    steps["univariate"] = len(current)
    rho = np.abs(stats.spearmanr(Z[train][:, current]).statistic)
    upper = np.triu(rho, 1)
    a, b = np.nonzero(upper > 0.9)
    order = np.lexsort((b, a, -upper[a, b]))
    kept = np.ones(len(current), bool)
    for i, j in zip(a[order], b[order]):
        if kept[i] and kept[j]:
            kept[j if p[j] >= p[i] else i] = False
    current = current[kept]
    steps["redundancy"] = len(current)
    with tempfile.TemporaryDirectory() as tmp:
        pd.DataFrame(Z[train][:, current]).to_csv(os.path.join(tmp, "x.csv"), index=False)
        pd.DataFrame({"y": ytr}).to_csv(os.path.join(tmp, "y.csv"), index=False)
        code = (
            "suppressPackageStartupMessages(library(glmnet));"
            f"x <- as.matrix(read.csv('{tmp}/x.csv')); y <- factor(read.csv('{tmp}/y.csv')$y);"
            "set.seed(1); cv <- cv.glmnet(x, y, family = 'multinomial', nfolds = 10, type.measure = 'deviance');"
            "b <- coef(cv, s = 'lambda.1se'); nz <- which(rowSums(abs(sapply(b, function(m) as.matrix(m)[-1, 1]))) > 0);"
            f"writeLines(as.character(nz - 1), '{tmp}/nz.txt')"
        )
        subprocess.run(["Rscript", "-e", code], check=True, stderr=subprocess.DEVNULL)
        nz = [int(v) for v in open(os.path.join(tmp, "nz.txt")).read().split()]
    current = current[nz]
    steps["lasso"] = len(current)
    search = GridSearchCV(
        SVC(probability=True, random_state=1), {"C": [0.1, 1, 10]}, scoring="roc_auc_ovr",
        cv=StratifiedKFold(5, shuffle=True, random_state=1), n_jobs=1)
    search.fit(Z[train][:, current], ytr)
    proba = search.predict_proba(Z[:, current])
    os.makedirs(out, exist_ok=True)
    pd.DataFrame(proba, columns=[f"p_{c}" for c in classes]).assign(patient_id=cohort["patient_id"]).to_csv(
        os.path.join(out, "predictions.csv"), index=False)
    seconds = time.perf_counter() - start
    print(f"{seconds:.2f} " + " ".join(f"{k}={v}" for k, v in steps.items()) + f" C={search.best_params_['C']}")


if __name__ == "__main__":
    main(*sys.argv[1:4])
