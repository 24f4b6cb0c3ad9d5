"""The whole radiomics selection, step by step, with the reference tools, for
SinoSelection.RadiomicsSelection (Tests/Fixtures/selection/pipeline.json).

Run with the peers venv (needs R with glmnet and caret, and pingouin, mrmr_selection):
    .venv-peers/bin/python scripts/peers/selection_pipeline.py

A SYNTHETIC feature table made here (seeded numpy): 150 training and 50 test patients, 3
classes, 40 features (class-shifted ones on different scales, near-copies, a near-zero-variance
and a constant column, pure noise) and a second segmentation (the same features with
feature-dependent measurement noise). The steps, in RadiomicsSelection's order and with its
default settings, each from the tool users run:
 1. z-score: scikit-learn StandardScaler fitted on the training rows;
 2. near-zero variance: R caret nearZeroVar (freqCut 95/5, uniqueCut 10) on the raw values;
 3. stability: pingouin intraclass_corr ICC3 (ICC(C,1)) per feature between the two
    segmentations, kept when >= 0.75;
 4. univariate: scipy kruskal per feature, statsmodels multipletests fdr_bh, kept when q < 0.5;
 5. redundancy: scipy spearmanr |r| > 0.9, pairs in descending |r|, the feature with the larger
    Kruskal-Wallis p dropped (the later column on equal p);
 6. mRMR: mrmr_selection mrmr_classif, K = 20;
 7. LASSO: R cv.glmnet, multinomial grouped, alpha 1, 10 folds from set.seed(1), deviance,
    lambda.1se; kept: nonzero coefficients. The rad-scores of every patient are
    predict(fit, newx, s = lambda.1se, type = "link") on the standardised features.
"""

import json
import os
import subprocess
import tempfile

import numpy as np
import pandas as pd
import pingouin
import scipy
import sklearn
import statsmodels
from mrmr import mrmr_classif
from scipy import stats
from sklearn.preprocessing import StandardScaler
from statsmodels.stats.multitest import multipletests
from fixture_json import write_fixture

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "selection", "pipeline.json")
ALPHA = 0.5  # the univariate q threshold (the test sets the same), so weak features reach the LASSO


def data():
    rng = np.random.default_rng(2025)
    n, p = 200, 40
    y = rng.integers(0, 3, n)
    latent = rng.normal(0, 1, size=(n, 4))
    X = np.empty((n, p))
    for j in range(p):
        scale = 10.0 ** ((j % 5) - 2)
        signal = 0.0
        if j < 36:
            amplitude = 0.25 + 0.06 * (j % 6) if j < 18 else 0.22
            signal = amplitude * np.array([0.0, 1.0, -0.8])[y] * (1 if j % 2 == 0 else -1)
            if j % 3 == 2:
                signal = (0.3 + 0.03 * j) * (y == 2)
        X[:, j] = scale * (latent[:, j % 4] * 0.6 + rng.normal(0, 1, n) + signal)
    for j, source in [(12, 0), (13, 2), (14, 5)]:          # near-copies of informative features
        X[:, j] = X[:, source] * 1.05 + rng.normal(0, 0.02 * np.std(X[:, source]), n)
    X[:, 15] = np.where(rng.random(n) < 0.97, 1.0, 2.0)     # near-zero variance
    X[:, 16] = 4.2                                          # constant
    X = np.round(X, 6)
    noise_level = np.where(np.arange(p) % 7 == 3, 1.2, 0.15)  # features 3, 10, 17, ... unstable
    X2 = X + rng.normal(0, 1, size=(n, p)) * noise_level * np.std(X, axis=0)
    X2[:, 16] = 4.2
    X2 = np.round(X2, 6)
    names = [f"T2WI_original_feature{j:02d}" for j in range(p)]
    return X[:150], y[:150], X2[:150], X[150:], y[150:], names


def r_json(script, files):
    with tempfile.TemporaryDirectory() as tmp:
        paths = {}
        for name, frame in files.items():
            paths[name] = os.path.join(tmp, name + ".csv")
            frame.to_csv(paths[name], index=False)
        out = os.path.join(tmp, "out.json")
        code = "Sys.setenv(TZ = 'UTC'); suppressPackageStartupMessages({library(jsonlite); library(glmnet); library(caret)})\n"
        code += "".join(f'{k} <- read.csv("{v}")\n' for k, v in paths.items())
        code += script + f'\nwriteLines(toJSON(out, digits = NA, auto_unbox = TRUE), "{out}")\n'
        subprocess.run(["Rscript", "-e", code], check=True)
        with open(out) as f:
            return json.load(f)


def main():
    Xtr, ytr, X2tr, Xte, yte, names = data()
    p = Xtr.shape[1]
    steps = {}
    scaler = StandardScaler().fit(Xtr)
    Ztr = scaler.transform(Xtr)
    Zall = scaler.transform(np.vstack([Xtr, Xte]))
    current = list(range(p))

    nzv = r_json("m <- nearZeroVar(x, saveMetrics = TRUE); out <- list(nzv = m$nzv, versions = list(R = paste(R.version$major, R.version$minor, sep = '.'), caret = as.character(packageVersion('caret')), glmnet = as.character(packageVersion('glmnet'))))",
                 {"x": pd.DataFrame(Xtr[:, current])})
    current = [current[k] for k, bad in enumerate(nzv["nzv"]) if not bad]
    steps["variance"] = [names[j] for j in current]

    icc = []
    for j in current:
        long = pd.DataFrame({"target": list(range(150)) * 2, "rater": [0] * 150 + [1] * 150,
                             "rating": np.concatenate([Xtr[:, j], X2tr[:, j]])})
        table = pingouin.intraclass_corr(long, targets="target", raters="rater", ratings="rating")
        icc.append(float(table.set_index("Type").loc["ICC3", "ICC"]) if "ICC3" in set(table["Type"]) else float(table.set_index("Type").loc["ICC(C,1)", "ICC"]))
    current = [j for j, v in zip(current, icc) if v >= 0.75]
    steps["stability"] = [names[j] for j in current]

    pvals = [stats.kruskal(*[Ztr[ytr == c, j] for c in range(3)]).pvalue for j in current]
    q = multipletests(pvals, method="fdr_bh")[1]
    keep = [k for k in range(len(current)) if q[k] < ALPHA]
    relevance = [pvals[k] for k in keep]
    current = [current[k] for k in keep]
    steps["univariate"] = [names[j] for j in current]

    rho = np.abs(stats.spearmanr(Ztr[:, current]).statistic)
    pairs = sorted([(rho[a, b], a, b) for a in range(len(current)) for b in range(a + 1, len(current)) if rho[a, b] > 0.9],
                   key=lambda t: (-t[0], t[1], t[2]))
    kept = [True] * len(current)
    for _, a, b in pairs:
        if kept[a] and kept[b]:
            worse = b if relevance[b] >= relevance[a] else a
            kept[worse] = False
    current = [j for j, k in zip(current, kept) if k]
    steps["redundancy"] = [names[j] for j in current]

    frame = pd.DataFrame(Ztr[:, current], columns=[names[j] for j in current])
    chosen = mrmr_classif(X=frame, y=pd.Series(ytr), K=20, show_progress=False)
    current = sorted(names.index(c) for c in chosen)
    steps["mrmr"] = [names[j] for j in current]

    lasso = r_json(
        "x <- as.matrix(z); y <- factor(yy$y); set.seed(1)\n"
        "cv <- cv.glmnet(x, y, family = 'multinomial', type.multinomial = 'grouped', nfolds = 10, type.measure = 'deviance')\n"
        "b <- coef(cv$glmnet.fit, s = cv$lambda.1se)\n"
        "nz <- which(rowSums(abs(sapply(b, function(m) as.matrix(m)[-1, 1]))) > 0)\n"
        "out <- list(lambdaMin = cv$lambda.min, lambda1se = cv$lambda.1se, kept = unname(nz) - 1,\n"
        "  radscores = unname(predict(cv$glmnet.fit, as.matrix(zall), s = cv$lambda.1se, type = 'link')[, , 1]))",
        {"z": pd.DataFrame(Ztr[:, current]), "yy": pd.DataFrame({"y": ytr}), "zall": pd.DataFrame(Zall[:, current])})
    lasso_input = current
    current = [current[k] for k in lasso["kept"]]
    steps["lasso"] = [names[j] for j in current]

    versions = {"numpy": np.__version__, "scikit-learn": sklearn.__version__, "scipy": scipy.__version__,
                "statsmodels": statsmodels.__version__, "pingouin": pingouin.__version__, "mrmr_selection": "0.2.8",
                "R": nzv["versions"]["R"], "caret": nzv["versions"]["caret"], "glmnet": nzv["versions"]["glmnet"]}
    write_fixture(OUT, {
        "generator": "scripts/peers/selection_pipeline.py", "versions": versions,
        "names": names, "train": Xtr.tolist(), "trainLabels": ytr.tolist(), "secondSegmentation": X2tr.tolist(),
        "test": Xte.tolist(), "testLabels": yte.tolist(), "classes": ["SCC", "ACC", "ONB"],
        "steps": steps, "lassoInput": [names[j] for j in lasso_input], "lambdaMin": lasso["lambdaMin"],
        "lambda1se": lasso["lambda1se"], "radscores": lasso["radscores"], "univariateAlpha": ALPHA, "mrmrCount": 20,
    })
    print({k: len(v) for k, v in steps.items()})


if __name__ == "__main__":
    main()
