"""Reference values for SinoStats' group tests (Tests/Fixtures/group_tests.json).

Run with the peers venv:
    .venv-peers/bin/python scripts/peers/group_tests.py

Every number in the fixture comes from scipy, statsmodels or numpy (and, when Rscript is on
the PATH, R is used to confirm that numpy's quantile method and statsmodels' adjustments
are R's type 2 quantile and p.adjust). Data are real data sets shipped with scikit-learn and
statsmodels; the small edge cases are typed in below and say why they exist.
"""

import os
import shutil
import subprocess
import tempfile
from itertools import combinations

import numpy as np
import scipy
import sklearn
import statsmodels
import statsmodels.api as sm
from scipy import stats
from scipy.stats._mannwhitneyu import _mwu_choose_method
from sklearn.datasets import load_iris, load_wine
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.oneway import anova_oneway
from fixture_json import write_fixture

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "group_tests.json")
PROBS = [0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0]


def floats(values):
    return [float(v) for v in values]


# MARK: - Data

def grouped(values, labels):
    """Groups `values` by `labels` in sorted label order, dropping NaN."""
    values, labels = np.asarray(values, float), np.asarray(labels)
    names = sorted(set(labels.tolist()))
    groups = [values[(labels == name) & ~np.isnan(values)] for name in names]
    return [str(n) for n in names], groups


def group_cases():
    cases = []
    iris = load_iris()
    for j, feature in enumerate(iris.feature_names):
        names, groups = grouped(iris.data[:, j], iris.target_names[iris.target])
        cases.append((f"iris {feature} by species", names, groups))
    wine = load_wine()
    for j, feature in enumerate(wine.feature_names):
        # Classes of 59, 71 and 48: unequal group sizes.
        names, groups = grouped(wine.data[:, j], wine.target)
        cases.append((f"wine {feature} by class", names, groups))
    anes = sm.datasets.anes96.load_pandas().data
    cases.append(("anes96 age by vote", *grouped(anes["age"], anes["vote"])))
    cases.append(("anes96 age by PID", *grouped(anes["age"], anes["PID"])))
    # Integer-valued ordinal outcomes: heavy ties for the rank tests.
    cases.append(("anes96 educ by PID (ordinal, heavy ties)", *grouped(anes["educ"], anes["PID"])))
    cases.append(("anes96 selfLR by vote (ordinal, heavy ties)", *grouped(anes["selfLR"], anes["vote"])))
    fair = sm.datasets.fair.load_pandas().data
    cases.append(("fair rate_marriage by religious (ordinal, n=6366)",
                  *grouped(fair["rate_marriage"], fair["religious"])))
    star = sm.datasets.star98.load_pandas().data
    cases.append(("star98 PTRATIO by LOWINC tercile (unequal sizes)",
                  *grouped(star["PTRATIO"], np.digitize(star["LOWINC"], [20.0, 60.0]))))
    return cases


# MARK: - One case of k groups

def quantile_type2_numpy(x):
    # numpy's "averaged_inverted_cdf" is Hyndman & Fan type 2 (R quantile(type = 2),
    # gtsummary's default); "inverted_cdf" is type 1 and differs where n p is an integer.
    return floats(np.quantile(x, PROBS, method="averaged_inverted_cdf"))


def descriptives(x):
    x = np.asarray(x, float)
    return {
        "n": int(x.size), "mean": float(np.mean(x)), "variance": float(np.var(x, ddof=1)),
        "sd": float(np.std(x, ddof=1)), "median": float(np.median(x)),
        "min": float(np.min(x)), "max": float(np.max(x)),
        "quantileType7": floats(np.quantile(x, PROBS, method="linear")),
        "quantileType2": quantile_type2_numpy(x),
    }


def anova(groups):
    res = stats.f_oneway(*groups)
    allv = np.concatenate(groups)
    ss_total = float(np.sum((allv - allv.mean()) ** 2))
    ss_between = float(sum(g.size * (g.mean() - allv.mean()) ** 2 for g in groups))
    return {"F": float(res.statistic), "pValue": float(res.pvalue),
            "dfBetween": len(groups) - 1, "dfWithin": int(allv.size - len(groups)),
            "etaSquared": ss_between / ss_total}


def welch(groups):
    res = anova_oneway(groups, use_var="unequal", welch_correction=True)
    return {"F": float(res.statistic), "pValue": float(res.pvalue),
            "df1": float(res.df_num), "df2": float(res.df_denom)}


def kruskal(groups):
    res = stats.kruskal(*groups)
    n = sum(g.size for g in groups)
    # Tomczak & Tomczak (2014): epsilon^2 = H / ((n^2 - 1) / (n + 1)) = H / (n - 1).
    return {"H": float(res.statistic), "pValue": float(res.pvalue), "df": len(groups) - 1,
            "epsilonSquared": float(res.statistic) / (n - 1)}


def group_case(name, labels, groups):
    return {"name": name, "labels": labels, "groups": [floats(g) for g in groups],
            "descriptives": [descriptives(g) for g in groups],
            "anova": anova(groups), "welch": welch(groups), "kruskal": kruskal(groups)}


# MARK: - Two-sample tests

def mwu_method_used(x, y):
    has_ties = np.unique(np.concatenate([x, y])).size < len(x) + len(y)
    return _mwu_choose_method(len(x), len(y), has_ties)


def mannwhitney(name, x, y, alternative="two-sided", method="auto", continuity=True):
    x, y = np.asarray(x, float), np.asarray(y, float)
    res = stats.mannwhitneyu(x, y, use_continuity=continuity, alternative=alternative,
                             method=method)
    used = mwu_method_used(x, y) if method == "auto" else method
    return {"name": name, "x": floats(x), "y": floats(y), "alternative": alternative,
            "method": method, "continuity": continuity, "methodUsed": used,
            "U": float(res.statistic), "pValue": float(res.pvalue)}


def ttests(name, x, y):
    w = stats.ttest_ind(x, y, equal_var=False)
    s = stats.ttest_ind(x, y, equal_var=True)
    return {"name": name, "x": floats(x), "y": floats(y),
            "welch": {"t": float(w.statistic), "df": float(w.df), "pValue": float(w.pvalue)},
            "student": {"t": float(s.statistic), "df": float(s.df), "pValue": float(s.pvalue)}}


def mannwhitney_cases(cases):
    by_name = {c[0]: c for c in cases}
    out = []
    _, _, iris_sl = by_name["iris sepal length (cm) by species"]
    _, _, anes_educ = by_name["anes96 educ by PID (ordinal, heavy ties)"]
    for alternative in ("two-sided", "less", "greater"):
        out.append(mannwhitney("iris sepal length setosa vs versicolor", iris_sl[0], iris_sl[1],
                               alternative))
        out.append(mannwhitney("anes96 educ PID 0 vs 6 (ties)", anes_educ[0], anes_educ[6],
                               alternative))
    out.append(mannwhitney("anes96 educ PID 0 vs 6 without continuity", anes_educ[0],
                           anes_educ[6], continuity=False))
    # Small samples without ties: `auto` takes the exact null distribution.
    males, females = [19, 22, 16, 29, 24], [20, 11, 17, 12]
    for alternative in ("two-sided", "less", "greater"):
        out.append(mannwhitney("scipy docs diabetes ages (exact)", males, females, alternative))
    stack = sm.datasets.stackloss.load_pandas().data
    air, loss = stack["AIRFLOW"].to_numpy(), stack["STACKLOSS"].to_numpy()
    scotland = sm.datasets.scotland.load_pandas().data
    out.append(mannwhitney("scotland COUTAX first 8 vs other 24 (exact, one small)",
                           scotland["COUTAX"][:8], scotland["COUTAX"][8:], "less"))
    longley = sm.datasets.longley.load_pandas().data
    out.append(mannwhitney("longley GNP first 8 vs last 8 years (exact)",
                           longley["GNP"][:8], longley["GNP"][8:]))
    out.append(mannwhitney("longley UNEMP first 8 vs last 8 (exact, greater)",
                           longley["UNEMP"][:8], longley["UNEMP"][8:], "greater"))
    # Forced methods: exact with ties (scipy truncates a half-integer U), asymptotic on small n.
    out.append(mannwhitney("stackloss airflow 1-7 vs 8-14 exact despite ties",
                           air[:7], air[7:14], method="exact"))
    out.append(mannwhitney("stackloss loss 1-7 vs 8-21 forced asymptotic",
                           loss[:7], loss[7:], method="asymptotic"))
    out.append(mannwhitney("stackloss loss 1-7 vs 8-21 auto (ties -> asymptotic)",
                           loss[:7], loss[7:]))
    # Both > 8 without ties: asymptotic although exact would be feasible.
    elnino = sm.datasets.elnino.load_pandas().data
    out.append(mannwhitney("elnino JAN 1950-1969 vs 1970-1989", elnino["JAN"][:20],
                           elnino["JAN"][20:40]))
    out.append(mannwhitney("elnino JAN 1950-1969 vs 1970-1989 exact", elnino["JAN"][:20],
                           elnino["JAN"][20:40], method="exact"))
    return out


def ttest_cases(cases):
    out = []
    for name, labels, groups in cases[:4] + cases[17:20]:
        for a, b in combinations(range(len(groups)), 2):
            out.append(ttests(f"{name}: {labels[a]} vs {labels[b]}", groups[a], groups[b]))
    return out


# MARK: - Shapiro-Wilk

def shapiro(name, x):
    res = stats.shapiro(x)
    return {"name": name, "x": floats(x), "W": float(res.statistic), "pValue": float(res.pvalue)}


def shapiro_cases():
    iris = load_iris().data
    anes = sm.datasets.anes96.load_pandas().data
    fair = sm.datasets.fair.load_pandas().data
    randhie = sm.datasets.randhie.load_pandas().data
    return [
        shapiro("n=3 iris sepal length", iris[:3, 0]),
        shapiro("n=3 longley GNP", sm.datasets.longley.load_pandas().data["GNP"][:3]),
        shapiro("n=4 iris petal length", iris[:4, 2]),
        shapiro("n=5 stackloss", sm.datasets.stackloss.load_pandas().data["STACKLOSS"][:5]),
        shapiro("n=8 longley UNEMP", sm.datasets.longley.load_pandas().data["UNEMP"][:8]),
        shapiro("n=11 copper price", sm.datasets.copper.load_pandas().data["COPPERPRICE"][:11]),
        shapiro("n=12 copper consumption", sm.datasets.copper.load_pandas().data["WORLDCONSUMPTION"][:12]),
        shapiro("n=50 iris setosa sepal width", iris[:50, 1]),
        shapiro("n=150 iris petal length (bimodal)", iris[:, 2]),
        shapiro("n=178 wine proline", load_wine().data[:, 12]),
        shapiro("n=944 anes96 age", anes["age"]),
        shapiro("n=2000 randhie lpi (ties)", randhie["lpi"][:2000]),
        shapiro("n=2000 fair yrs_married", fair["yrs_married"][:2000]),
        shapiro("n=5000 fair age", fair["age"][:5000]),
    ]


# MARK: - p-value adjustment and pairwise comparisons

def adjust(p):
    p = np.asarray(p, float)
    return {"p": floats(p), **{m: floats(multipletests(p, method=m)[1])
                               for m in ("bonferroni", "holm", "fdr_bh")}}


def real_p_vector(cases):
    # Kruskal-Wallis p-values of wine and anes96 variables: a realistic mix of tiny, moderate
    # and large p-values as a Table 1 produces them.
    return [float(stats.kruskal(*groups).pvalue) for _, _, groups in cases[4:]]


def pairwise(name, labels, groups, adjustment):
    pairs = list(combinations(range(len(groups)), 2))
    rows = {"mannWhitney": [], "welch": [], "student": []}
    for a, b in pairs:
        rows["mannWhitney"].append(stats.mannwhitneyu(groups[a], groups[b]))
        rows["welch"].append(stats.ttest_ind(groups[a], groups[b], equal_var=False))
        rows["student"].append(stats.ttest_ind(groups[a], groups[b]))
    out = {"name": name, "labels": labels, "groups": [floats(g) for g in groups],
           "adjustment": adjustment}
    for test, results in rows.items():
        raw = np.array([r.pvalue for r in results])
        adjusted = multipletests(raw, method=adjustment)[1]
        out[test] = [{"groupA": labels[a], "groupB": labels[b], "statistic": float(r.statistic),
                      "pValue": float(r.pvalue), "adjustedPValue": float(q)}
                     for (a, b), r, q in zip(pairs, results, adjusted)]
    return out


# MARK: - Cross-check with R (optional)

def run_r(script):
    return subprocess.run(["Rscript", "-e", script], capture_output=True, text=True,
                          check=True).stdout.strip().split("\n")


def r_type2_quantiles(samples, probs):
    """R quantile(type = 2) for each sample, read from a temporary text file."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write("\n".join(" ".join(repr(v) for v in x) for x in samples))
    script = (f"for (l in readLines('{f.name}')) cat(sprintf('%.17g', quantile("
              f"as.numeric(strsplit(l, ' ')[[1]]), c({','.join(map(repr, probs))}), type = 2)),"
              " '\\n')")
    lines = run_r(script)
    os.unlink(f.name)
    return [np.array(line.split(), float) for line in lines]


def r_version_and_check(fixture):
    """Confirms numpy's averaged_inverted_cdf = R type 2 and statsmodels = p.adjust."""
    if shutil.which("Rscript") is None:
        return None
    descriptives = [d for c in fixture["groupCases"] for d in c["descriptives"]]
    samples = [g for c in fixture["groupCases"] for g in c["groups"]]
    for r_q2, d in zip(r_type2_quantiles(samples, PROBS), descriptives, strict=True):
        assert np.array_equal(r_q2, d["quantileType2"]), "numpy averaged_inverted_cdf != R type 2"
    p = fixture["pAdjust"]["p"]
    script = (f"p <- c({','.join(map(repr, p))});"
              "for (m in c('bonferroni', 'holm', 'BH')) cat(sprintf('%.17g', p.adjust(p, m)), '\\n');"
              "cat(paste(R.version$major, R.version$minor, sep = '.'))")
    lines = run_r(script)
    for line, method in zip(lines[:3], ("bonferroni", "holm", "fdr_bh")):
        assert np.allclose(np.array(line.split(), float), fixture["pAdjust"][method],
                           rtol=1e-14, atol=0), f"statsmodels {method} != R p.adjust"
    return lines[3].strip()


def main():
    cases = group_cases()
    fixture = {
        "generator": "scripts/peers/group_tests.py",
        "versions": {"scipy": scipy.__version__, "statsmodels": statsmodels.__version__,
                     "numpy": np.__version__, "sklearn": sklearn.__version__},
        "quantileProbabilities": PROBS,
        "groupCases": [group_case(*c) for c in cases],
        "mannWhitney": mannwhitney_cases(cases),
        "tTests": ttest_cases(cases),
        "shapiroWilk": shapiro_cases(),
        "pAdjust": adjust(real_p_vector(cases)),
        "pairwise": [
            pairwise("iris sepal width (cm) by species", *cases[1][1:], "holm"),
            pairwise("anes96 age by PID", *cases[18][1:], "fdr_bh"),
            pairwise("wine alcohol by class", *cases[4][1:], "bonferroni"),
        ],
    }
    r_version = r_version_and_check(fixture)
    if r_version:
        fixture["versions"]["R (cross-check of type 2 quantiles and p.adjust)"] = r_version
    write_fixture(OUT, fixture)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
