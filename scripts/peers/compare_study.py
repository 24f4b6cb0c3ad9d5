"""Reference numbers for `sinorad compare` on the default SYNTHETIC cohort.

Two scikit-learn logistic regressions (all of T2 signal, intracranial invasion, perineural spread
and enhancement pattern; T2 signal alone) are trained on the training cohort of
Tests/Fixtures/synthetic_cohort.csv; their predictions for every patient are written to
Tests/Fixtures/synthetic_predictions.csv (input data for the test). On the test cohort the script
records scikit-learn's roc_auc_score (ovr macro/micro, per class), accuracy and per-class
precision/recall, statsmodels' Wilson CI of the accuracy and mcnemar (exact and corrected), and R
pROC's DeLong CI per class and paired roc.test per class, into Tests/Fixtures/compare_study.json.

    .venv-peers/bin/python scripts/peers/compare_study.py
"""
import json, subprocess
from pathlib import Path
import numpy as np, pandas as pd, sklearn, statsmodels
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score, accuracy_score, precision_recall_fscore_support
from statsmodels.stats.contingency_tables import mcnemar
from statsmodels.stats.proportion import proportion_confint
from fixture_json import write_fixture

ROOT = Path(__file__).resolve().parents[2]
CLASSES = ["SCC", "ACC", "ONB"]

def proc(cases, s1, s2):
    """pROC DeLong CI of both models and the paired roc.test, through Rscript."""
    fmt = lambda v: ",".join(f"{x:.17g}" for x in v)
    script = f"""suppressMessages(library(pROC))
y <- c({fmt(cases)}); a <- c({fmt(s1)}); b <- c({fmt(s2)})
r1 <- roc(y, a, levels = c(0, 1), direction = "<", quiet = TRUE)
r2 <- roc(y, b, levels = c(0, 1), direction = "<", quiet = TRUE)
c1 <- ci.auc(r1, method = "delong"); c2 <- ci.auc(r2, method = "delong")
t <- roc.test(r1, r2, method = "delong", paired = TRUE)
cat(sprintf("%.17g", c(c1, c2, t$statistic, t$p.value, t$conf.int)), sep = "\\n")
cat(as.character(packageVersion("pROC")), "\\n")"""
    out = subprocess.run(["Rscript", "-e", script], capture_output=True, text=True, check=True).stdout.split()
    v = [float(x) for x in out[:10]]
    return {"ci1": v[0:3], "ci2": v[3:6], "z": v[6], "p": v[7], "diff_ci": v[8:10]}, out[10]

def main():
    df = pd.read_csv(ROOT / "Tests/Fixtures/synthetic_cohort.csv")
    y = df.pathology.map({c: i for i, c in enumerate(CLASSES)}).to_numpy()
    train = (df.cohort == "train").to_numpy()
    X = pd.get_dummies(df[["t2_signal", "intracranial_invasion", "perineural_spread", "enhancement_pattern"]]).astype(float)
    models = {"logistic": list(X.columns), "logistic-t2": [c for c in X.columns if c.startswith("t2_signal")]}
    probs, rows = {}, []
    for name, cols in models.items():
        m = LogisticRegression(max_iter=2000).fit(X.loc[train, cols], y[train])
        p = np.round(m.predict_proba(X[cols]), 6)
        p[:, 0] = 1 - p[:, 1] - p[:, 2]  # rounded rows still sum to 1
        probs[name] = p
        rows += [[df.patient_id[i], df.cohort[i], name, *map(lambda x: f"{x:.6f}", p[i])] for i in range(len(df))]
    pd.DataFrame(rows, columns=["patient_id", "cohort", "model", "p_SCC", "p_ACC", "p_ONB"]).to_csv(
        ROOT / "Tests/Fixtures/synthetic_predictions.csv", index=False)
    test = (df.cohort == "test").to_numpy()
    yt = y[test]
    out = {"generator": "scripts/peers/compare_study.py", "cohort": "test", "models": {}, "pairs": {}}
    pred = {}
    for name, p in probs.items():
        pt = p[test]
        pred[name] = pt.argmax(axis=1)
        prec, rec, _, _ = precision_recall_fscore_support(yt, pred[name], labels=[0, 1, 2], zero_division=0)
        correct = int((pred[name] == yt).sum())
        out["models"][name] = {
            "macro": roc_auc_score(yt, pt, multi_class="ovr", average="macro"),
            "micro": roc_auc_score(np.eye(3)[yt], pt, average="micro"),
            "per_class": [roc_auc_score(yt == k, pt[:, k]) for k in range(3)],
            "accuracy": accuracy_score(yt, pred[name]),
            "accuracy_wilson": list(proportion_confint(correct, len(yt), method="wilson")),
            "precision": list(prec), "recall": list(rec),
        }
    a, b = probs["logistic"][test], probs["logistic-t2"][test]
    per_class = []
    for k in range(3):
        r, version = proc((yt == k).astype(int), a[:, k], b[:, k])
        per_class.append(r)
    ca, cb = pred["logistic"] == yt, pred["logistic-t2"] == yt
    table = [[int((ca & cb).sum()), int((ca & ~cb).sum())], [int((~ca & cb).sum()), int((~ca & ~cb).sum())]]
    out["pairs"]["logistic vs logistic-t2"] = {
        "delong": per_class,
        "mcnemar_exact_p": mcnemar(table, exact=True).pvalue,
        "mcnemar_corrected": [mcnemar(table, exact=False, correction=True).statistic, mcnemar(table, exact=False, correction=True).pvalue],
        "b": table[0][1], "c": table[1][0],
    }
    out["versions"] = {"scikit-learn": sklearn.__version__, "statsmodels": statsmodels.__version__, "pROC": version}
    write_fixture(ROOT / "Tests/Fixtures/compare_study.json", out)
    print("wrote Tests/Fixtures/compare_study.json and synthetic_predictions.csv")

main()
