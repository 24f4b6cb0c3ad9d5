"""Checks the files in data-schema/ against their JSON Schemas (draft 2020-12).

- every dictionary (sinonasal.dictionary.json, examples/custom.dictionary.json) against
  dictionary.schema.json, plus the rules JSON Schema cannot express (reference among the
  levels, unique variable names, minimum <= maximum), as VariableDictionary.problems does;
- sinonasal.cohort.schema.json against the schema derived from sinonasal.dictionary.json
  (same columns, levels and missing markers);
- every row of examples/cohort.example.csv against cohort.schema.json and
  sinonasal.cohort.schema.json, and every row of examples/custom.cohort.example.csv against
  cohort.schema.json and the row schema derived from custom.dictionary.json; plus plausible
  ranges and unique ids, which a per-row schema cannot express;
- the JSON outputs of the sinorad binary (--sinorad PATH, default .build/debug/sinorad; skipped
  with a message when it does not exist): it simulates a cohort into a temporary folder, runs
  table1, select, stat and demo with --format json, and validates each output against
  table1.schema.json, selection.schema.json or stat.schema.json, plus cross-field rules a schema
  cannot express (one entry per class, counts that add up); then checks that deliberately
  broken copies (a p-value as a string, a missing required key, null for an absent optional,
  ...) are rejected.

Prints what it checked; exits 1 on any failure.

    python3 scripts/peers/check_schemas.py            # check
    python3 scripts/peers/check_schemas.py --write    # regenerate sinonasal.cohort.schema.json
    python3 scripts/peers/check_schemas.py --sinorad /tmp/sr-build/debug/sinorad

Needs the `jsonschema` package (4.x).
"""
import argparse, copy, csv, importlib.metadata, json, subprocess, sys, tempfile
from pathlib import Path

import jsonschema

ROOT = Path(__file__).resolve().parents[2] / "data-schema"
NUMBER = r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$"
NAME = r"^\S(.*\S)?$"
failures = 0


def fail(message):
    global failures
    failures += 1
    print(f"  FAIL {message}")


def load_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def read_csv(path):
    """RFC 4180 CSV, UTF-8 with or without BOM; header first; blank lines skipped."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f, strict=True)
        header = next(reader)
        rows = [row for row in reader if row != [] and row != [""]]
    for n, row in enumerate(rows, start=1):
        if len(row) != len(header):
            fail(f"{path.name} row {n}: {len(row)} fields, header has {len(header)}")
    return header, [dict(zip(header, row)) for row in rows]


def validator(schema):
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def short_message(error):
    """The error's message, or the rule it broke when the message quotes a whole large instance."""
    if len(error.message) <= 200:
        return error.message
    return f"fails the schema's '{error.validator}' rule ({'/'.join(str(p) for p in error.schema_path)})"


def report(errors, where):
    ok = True
    for error in errors:
        path = "/".join(str(p) for p in error.absolute_path) or "(top)"
        message = short_message(error)
        if error.context:  # oneOf / anyOf: say which branch came closest and why it failed
            best = jsonschema.exceptions.best_match(error.context)
            inner = "/".join(str(p) for p in best.absolute_path) or "(top)"
            message = f"{message} (closest branch: at {inner}: {short_message(best)})"
        fail(f"{where} at {path}: {message}")
        ok = False
    return ok


def dictionary_problems(d):
    """The checks of VariableDictionary.problems that JSON Schema cannot express."""
    problems = []
    seen = {d["id_column"], d["label"]["column"]}
    if d.get("cohort_column"):
        seen.add(d["cohort_column"])
    for v in d["variables"]:
        if v["name"] in seen:
            problems.append(f"variable '{v['name']}' repeats a name or the id/label/cohort column")
        seen.add(v["name"])
        levels = v.get("levels") or []
        if v.get("reference") is not None and v["reference"] not in levels:
            problems.append(f"variable '{v['name']}': reference '{v['reference']}' is not among the levels")
        lo, hi = v.get("minimum"), v.get("maximum")
        if lo is not None and hi is not None and lo > hi:
            problems.append(f"variable '{v['name']}': minimum {lo} is above maximum {hi}")
        for key in (v.get("level_labels") or {}):
            if key not in levels:
                problems.append(f"variable '{v['name']}': level_labels key '{key}' is not a level")
        for marker in d["missing"]:
            if marker in levels:
                problems.append(f"variable '{v['name']}': level '{marker}' is also a missing marker")
    return problems


def row_schema(d, title):
    """The row schema a dictionary implies (the generator of sinonasal.cohort.schema.json)."""
    missing = d["missing"]
    props = {
        d["id_column"]: {"type": "string", "pattern": NAME, "not": {"enum": [m for m in missing if m]},
                         "description": "Patient id: non-empty, not a missing marker, unique in the file."},
    }
    if d.get("cohort_column"):
        cohort = {"description": "Cohort (split). Optional column; when present every row needs a value."}
        if d.get("cohorts"):
            cohort = {"enum": d["cohorts"], **cohort}
        else:
            cohort = {"type": "string", "pattern": NAME, **cohort}
        props[d["cohort_column"]] = cohort
    labels = d["label"].get("class_labels") or {}
    props[d["label"]["column"]] = {
        "enum": d["label"]["classes"],
        "description": "Pathology: " + "; ".join(f"{c} = {labels.get(c, c)}" for c in d["label"]["classes"])
        + ". Never missing."}
    for v in d["variables"]:
        text = v.get("label") or v["name"]
        if v["kind"] == "continuous":
            unit = f" ({v['unit']})" if v.get("unit") else ""
            bounds = ""
            if v.get("minimum") is not None or v.get("maximum") is not None:
                lo = "-inf" if v.get("minimum") is None else f"{v['minimum']:g}"
                hi = "inf" if v.get("maximum") is None else f"{v['maximum']:g}"
                bounds = (f" Plausible range {lo} to {hi}{' ' + v['unit'] if v.get('unit') else ''};"
                          " checked by sinorad validate, not by this pattern.")
            props[v["name"]] = {"anyOf": [{"type": "string", "pattern": NUMBER}, {"enum": missing}],
                                "description": f"{text}{unit}: a decimal number or a missing marker.{bounds}"}
        else:
            reference = v.get("reference") or v["levels"][0]
            props[v["name"]] = {"enum": v["levels"] + missing,
                                "description": f"{text} ({v['kind']}; reference {reference}): one of the levels or a missing marker."}
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": title, "type": "object",
            "required": [d["id_column"], d["label"]["column"]] + [v["name"] for v in d["variables"]],
            "properties": props, "additionalProperties": {"type": "string"}}


def check_ranges_and_ids(d, rows, name):
    ids = set()
    missing = set(d["missing"])
    for n, row in enumerate(rows, start=1):
        pid = row.get(d["id_column"], "")
        if pid in ids:
            fail(f"{name} row {n}: duplicate patient id '{pid}'")
        ids.add(pid)
        for v in d["variables"]:
            text = row.get(v["name"], "").strip()
            if v["kind"] != "continuous" or text in missing:
                continue
            try:
                value = float(text)
            except ValueError:
                continue  # reported by the schema
            if v.get("minimum") is not None and value < v["minimum"]:
                fail(f"{name} row {n} {v['name']}: {text} below minimum {v['minimum']}")
            if v.get("maximum") is not None and value > v["maximum"]:
                fail(f"{name} row {n} {v['name']}: {text} above maximum {v['maximum']}")
    classes = {row.get(d["label"]["column"]) for row in rows}
    absent = [c for c in d["label"]["classes"] if c not in classes]
    if absent:
        fail(f"{name}: class(es) {', '.join(absent)} have no rows")


def check_rows(path, schemas, d):
    header, rows = read_csv(path)
    for schema_name, v in schemas:
        bad = sum(not report(v.iter_errors(row), f"{path.name} row {n} vs {schema_name}")
                  for n, row in enumerate(rows, start=1))
        print(f"  {path.name}: {len(rows)} rows vs {schema_name}: {'ok' if bad == 0 else f'{bad} row(s) invalid'}")
    before = failures
    check_ranges_and_ids(d, rows, path.name)
    print(f"  {path.name}: ranges, unique ids, every class present: {'ok' if failures == before else 'FAILED'}")


# ---------------------------------------------------------------------------------------------
# JSON outputs of the sinorad binary

OUTPUT_SCHEMAS = {"table1": "table1.schema.json", "selection": "selection.schema.json", "stat": "stat.schema.json"}


def run_sinorad(binary, argv, cwd):
    """Runs sinorad; returns its stdout, or None (after a failure) when it exits non-zero."""
    try:
        done = subprocess.run([str(binary)] + argv, cwd=cwd, capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as error:
        fail(f"sinorad {' '.join(argv)}: {error}")
        return None
    if done.returncode != 0:
        fail(f"sinorad {' '.join(argv)} exited {done.returncode}: {done.stderr.strip()[-500:]}")
        return None
    return done.stdout


def table1_problems(t):
    """Rules of TableOne that JSON Schema cannot express: per-class arrays and counts that add up."""
    k, problems = len(t["classes"]), []
    if len(t["classLabels"]) != k:
        problems.append(f"{len(t['classLabels'])} classLabels for {k} classes")
    for s in t["strata"]:
        where = s.get("name", "all patients")
        if len(s["classCounts"]) != k or sum(s["classCounts"]) != s["n"]:
            problems.append(f"{where}: classCounts {s['classCounts']} do not give n = {s['n']} over {k} classes")
        for v in s["variables"]:
            name = f"{where}/{v['name']}"
            if len(v["missingByClass"]) != k or sum(v["missingByClass"]) != v["missingOverall"]:
                problems.append(f"{name}: missingByClass does not add up to missingOverall")
            if "byClass" in v:
                if len(v["byClass"]) != k:
                    problems.append(f"{name}: {len(v['byClass'])} byClass summaries for {k} classes")
                elif sum(g["n"] for g in v["byClass"]) != v["overall"]["n"]:
                    problems.append(f"{name}: byClass n do not add up to overall n")
                elif any(g["n"] + m != c for g, m, c in zip(v["byClass"], v["missingByClass"], s["classCounts"])):
                    problems.append(f"{name}: present + missing differs from the class count")
            for level in v.get("levels", []):
                if len(level["byClass"]) != k or sum(level["byClass"]) != level["overall"]:
                    problems.append(f"{name}={level['level']}: byClass does not add up to overall")
            if "levels" in v and sum(l["overall"] for l in v["levels"]) + v["missingOverall"] != s["n"]:
                problems.append(f"{name}: level counts + missing differ from n")
    return problems


def selection_problems(s):
    """Rules of PredictorSelection that JSON Schema cannot express."""
    problems = []
    if s["referenceClass"] not in s["classes"]:
        problems.append(f"referenceClass '{s['referenceClass']}' is not a class")
    if s["screened"] != [u["variable"] for u in s["univariate"] if u["selected"]]:
        problems.append("screened differs from the univariate entries with selected = true")
    if s["entered"] != [v for v in s["screened"] if v not in s["separating"]]:
        problems.append("entered differs from screened minus separating")
    if s["analysed"] > s["patients"]:
        problems.append(f"analysed {s['analysed']} exceeds patients {s['patients']}")
    e = s.get("elimination")
    if e is None:
        if s["predictors"] or s["columns"]:
            problems.append("predictors or columns without an elimination")
        return problems
    if e["criterion"] != s["criterion"]:
        problems.append("elimination.criterion differs from criterion")
    if s["predictors"] != e["remainingGroups"]:
        problems.append("predictors differ from elimination.remainingGroups")
    if sorted(s["columns"]) != sorted(s["entered"]) or sorted(s["variableLabels"]) != sorted(s["entered"]):
        problems.append("columns / variableLabels are not keyed by the entered variables")
    design = [c for cols in s["columns"].values() for c in cols]
    if sorted(s["columnLabels"]) != sorted(design):
        problems.append("columnLabels are not keyed by the design columns")
    dropped = [step["dropped"] for step in e["steps"]]
    if sorted(dropped + e["remainingGroups"]) != sorted(s["entered"]):
        problems.append("dropped + remaining variables differ from entered")
    fit = e["finalFit"]
    p, k = len(fit["featureNames"]), fit["classCount"]
    if k != len(s["classes"]) or fit["observations"] != s["analysed"]:
        problems.append("finalFit classCount / observations differ from classes / analysed")
    if s["referenceClass"] in s["classes"] and fit["reference"] != s["classes"].index(s["referenceClass"]):
        problems.append("finalFit.reference is not the index of referenceClass")
    if [q["classIndex"] for q in fit["equations"]] != [i for i in range(k) if i != fit["reference"]]:
        problems.append("equations are not the non-reference classes in ascending order")
    for q in fit["equations"]:
        for key in ("coefficients", "standardErrors", "z", "pValues", "lower", "upper", "oddsRatios", "oddsRatioLower", "oddsRatioUpper"):
            if len(q[key]) != p:
                problems.append(f"equation {q['classIndex']}: {len(q[key])} {key} for {p} features")
    size = (k - 1) * p
    if len(fit["covariance"]) != size or any(len(row) != size for row in fit["covariance"]):
        problems.append(f"covariance is not {size} x {size}")
    if [t["group"] for t in e["finalTests"]] != e["remainingGroups"]:
        problems.append("finalTests do not cover the remaining variables in order")
    return problems


def stat_problems(r):
    if isinstance(r, list):
        return [f"pair {n}: adjusted p below raw p" for n, c in enumerate(r) if c["adjustedPValue"] < c["pValue"] - 1e-12]
    return []


CROSS_CHECKS = {"table1": table1_problems, "selection": selection_problems, "stat": stat_problems}


def output_runs(data, examples):
    """(what, schema key, sinorad arguments) of every command whose JSON output is checked."""
    cohort = str(data / "cohort.csv")
    return [
        ("table1", "table1", ["table1", cohort, "--format", "json"]),
        ("table1 --strata cohort", "table1", ["table1", cohort, "--strata", "cohort", "--format", "json"]),
        ("table1 --quartiles type2 --test age=welch,epicenter=fisher", "table1",
         ["table1", cohort, "--quartiles", "type2", "--test", "age=welch", "--test", "epicenter=fisher", "--format", "json"]),
        ("table1 examples/cohort.example.csv (untested variables)", "table1",
         ["table1", str(examples / "cohort.example.csv"), "--format", "json"]),
        ("table1 examples/custom.cohort.example.csv --dictionary custom", "table1",
         ["table1", str(examples / "custom.cohort.example.csv"), "--dictionary", str(examples / "custom.dictionary.json"), "--format", "json"]),
        ("select (lrt)", "selection", ["select", cohort, "--format", "json"]),
        ("select --criterion aic", "selection", ["select", cohort, "--criterion", "aic", "--format", "json"]),
        ("select --on all (no split)", "selection", ["select", cohort, "--on", "all", "--format", "json"]),
        ("select --alpha 1e-300 (no model)", "selection", ["select", cohort, "--alpha", "1e-300", "--format", "json"]),
        ("stat chisq", "stat", ["stat", "chisq", "--table", "12,5,9;3,14,8", "--format", "json"]),
        ("stat chisq 2 x 2 (Yates)", "stat", ["stat", "chisq", "--table", "3,1;1,3", "--format", "json"]),
        ("stat fisher", "stat", ["stat", "fisher", "--table", "3,1;1,3", "--format", "json"]),
        ("stat fisher --simulate", "stat", ["stat", "fisher", "--table", "3,1,2;1,3,5", "--simulate", "2000", "--format", "json"]),
        ("stat kruskal", "stat", ["stat", "kruskal", "--csv", cohort, "--value", "adc_mean", "--by", "pathology", "--format", "json"]),
        ("stat anova", "stat", ["stat", "anova", "--group", "5.1,4.9,5.0", "--group", "6.2,5.9,6.4", "--group", "7.0,6.8,7.3", "--format", "json"]),
        ("stat welch", "stat", ["stat", "welch", "--csv", cohort, "--value", "age", "--by", "pathology", "--format", "json"]),
        ("stat mannwhitney", "stat", ["stat", "mannwhitney", "--group", "1,2,3,4", "--group", "5,6,7,8,9", "--format", "json"]),
        ("stat shapiro", "stat", ["stat", "shapiro", "--group", "1,2,3,4,7,9", "--format", "json"]),
        ("stat pairwise", "stat", ["stat", "pairwise", "--csv", cohort, "--value", "age", "--by", "pathology", "--format", "json"]),
    ]


def first(items, test):
    return next(x for x in items if test(x))


def broken_copies(outputs):
    """(schema key, what, document) that every schema must reject, made from real outputs."""
    t1, sel, chi, fisher = (copy.deepcopy(outputs[n]) for n in ("table1", "select (lrt)", "stat chisq", "stat fisher"))
    variables = t1["strata"][0]["variables"]
    continuous = first(variables, lambda v: v["kind"] == "continuous" and "comparison" in v)
    categorical = first(variables, lambda v: v["kind"] != "continuous" and "comparison" in v)
    cases = []

    def case(key, what, doc, change):
        doc = copy.deepcopy(doc)
        change(doc)
        cases.append((key, what, doc))

    tv = lambda d, v: first(d["strata"][0]["variables"], lambda x: x["name"] == v["name"])
    case("table1", "comparison.pValue as a string", t1, lambda d: tv(d, continuous)["comparison"].update(pValue=str(continuous["comparison"]["pValue"])))
    case("table1", "pValue above 1", t1, lambda d: tv(d, categorical)["comparison"].update(pValue=1.5))
    case("table1", "missing required key quantileMethod", t1, lambda d: d.pop("quantileMethod"))
    case("table1", "quantileMethod not type7/type2", t1, lambda d: d.update(quantileMethod="type6"))
    case("table1", "missing required key missingByClass", t1, lambda d: tv(d, continuous).pop("missingByClass"))
    case("table1", "unknown key in a variable", t1, lambda d: tv(d, continuous).update(pvalue=0.5))
    case("table1", "null for an absent optional (stratum name)", t1, lambda d: d["strata"][0].update(name=None))
    case("table1", "both comparison and untested", t1, lambda d: tv(d, continuous).update(untested="no values"))
    case("table1", "continuous variable without byClass", t1, lambda d: tv(d, continuous).pop("byClass"))
    case("table1", "categorical variable with summary mean_sd", t1, lambda d: tv(d, categorical).update(summary="mean_sd"))
    case("table1", "negative level count", t1, lambda d: tv(d, categorical)["levels"][0].update(overall=-1))
    case("table1", "statistic \"Infinity\" (only \"NaN\" allowed)", t1, lambda d: tv(d, continuous)["comparison"].update(statistic="Infinity"))
    case("table1", "GroupSummary with n = 0 and a mean", t1, lambda d: tv(d, continuous)["overall"].update(n=0))
    fit = lambda d: d["elimination"]["finalFit"]
    case("selection", "criterion likelihoodRatio without alpha", sel, lambda d: d.update(criterion={"likelihoodRatio": {}}))
    case("selection", "criterion as a plain string", sel, lambda d: d.update(criterion="aic"))
    case("selection", "criterion with two cases", sel, lambda d: d.update(criterion={"aic": {}, "likelihoodRatio": {"alpha": 0.05}}))
    case("selection", "missing required key predictors", sel, lambda d: d.pop("predictors"))
    case("selection", "null for an absent optional (split)", sel, lambda d: d.update(split=None))
    case("selection", "univariate pValue as a string", sel, lambda d: first(d["univariate"], lambda u: "pValue" in u).update(pValue="0.01"))
    case("selection", "selected variable without a test", sel, lambda d: [first(d["univariate"], lambda u: u["selected"]).pop(k) for k in ("test", "pValue", "effectSizeName")])
    case("selection", "finalFit pValues entry \"NaN\"", sel, lambda d: fit(d)["equations"][0]["pValues"].__setitem__(0, "NaN"))
    case("selection", "finalFit converged false", sel, lambda d: fit(d).update(converged=False))
    case("selection", "drop-one test with both test and failure", sel, lambda d: d["elimination"]["finalTests"][0].update(failure="singular"))
    case("selection", "LRT degreesOfFreedom 1.5", sel, lambda d: d["elimination"]["finalTests"][0]["test"].update(degreesOfFreedom=1.5))
    case("stat", "pValue as a string", chi, lambda d: d.update(pValue=str(d["pValue"])))
    case("stat", "missing required key details", chi, lambda d: d.pop("details"))
    case("stat", "chi-square without df", chi, lambda d: d.pop("df"))
    case("stat", "details value as a number", chi, lambda d: d["details"].update({"Cramér's V": 0.44}))
    case("stat", "Fisher with a statistic", fisher, lambda d: d.update(statistic=1.0))
    case("stat", "unknown test name", fisher, lambda d: d.update(test="Barnard's test"))
    case("stat", "null statistic", chi, lambda d: d.update(statistic=None))
    return cases


def check_outputs(binary):
    """Runs sinorad, validates every JSON output against its schema, and checks broken copies fail."""
    print(f"sinorad JSON outputs ({binary}):")
    if not binary.is_file():
        print(f"  SKIPPED: no sinorad binary at {binary} (build it with `swift build`, or pass --sinorad PATH)")
        return
    validators = {}
    for key, name in OUTPUT_SCHEMAS.items():
        validators[key] = validator(load_json(ROOT / name))
        print(f"  data-schema/{name}: valid draft 2020-12 schema")
    outputs = {}
    with tempfile.TemporaryDirectory(prefix="sinorad-schemas-") as tmp:
        tmp = Path(tmp)
        if run_sinorad(binary, ["simulate", "--out", str(tmp / "data")], tmp) is None:
            return
        runs = [(what, key, argv, None) for what, key, argv in output_runs(tmp / "data", ROOT / "examples")]
        if run_sinorad(binary, ["demo", "--out", str(tmp / "demo")], tmp) is not None:
            runs += [(f"demo {rel}", key, None, tmp / "demo" / rel)
                     for rel, key in [("tables/table1.json", "table1"), ("tables/table1_by_cohort.json", "table1"), ("select.json", "selection")]]
        for what, key, argv, path in runs:
            if argv is not None:
                text = run_sinorad(binary, argv, tmp)
                if text is None:
                    continue
            else:
                text = path.read_text(encoding="utf-8")
            try:
                doc = json.loads(text)
            except json.JSONDecodeError as error:
                fail(f"{what}: not JSON ({error})")
                continue
            ok = report(validators[key].iter_errors(doc), f"{what} vs {OUTPUT_SCHEMAS[key]}")
            problems = CROSS_CHECKS[key](doc) if ok else []
            for p in problems:
                fail(f"{what}: {p}")
            if ok and not problems:
                outputs[what] = doc  # the broken copies below start from valid outputs only
            print(f"  {what} vs {OUTPUT_SCHEMAS[key]}: {'ok' if ok and not problems else 'INVALID'}")
    needed = ("table1", "select (lrt)", "stat chisq", "stat fisher")
    if not all(n in outputs for n in needed):
        fail("broken-output checks not run: they start from valid table1, select (lrt), stat chisq and stat fisher outputs")
        return
    cases = broken_copies(outputs)
    accepted = [f"{what} ({key})" for key, what, doc in cases if validators[key].is_valid(doc)]
    for what in accepted:
        fail(f"broken output accepted: {what}")
    print(f"  {len(cases)} deliberately broken outputs rejected: "
          f"{'ok' if not accepted else f'{len(accepted)} accepted'}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write", action="store_true", help="regenerate data-schema/sinonasal.cohort.schema.json")
    ap.add_argument("--sinorad", default=".build/debug/sinorad", metavar="PATH",
                    help="sinorad binary whose JSON outputs to check (default: .build/debug/sinorad, "
                         "relative to the current folder, else to the repository root)")
    args = ap.parse_args()
    print(f"jsonschema {importlib.metadata.version('jsonschema')}, Python {sys.version.split()[0]}")
    dict_schema = load_json(ROOT / "dictionary.schema.json")
    dict_validator = validator(dict_schema)
    print("data-schema/dictionary.schema.json: valid draft 2020-12 schema")

    dictionaries = {}
    for rel in ["sinonasal.dictionary.json", "examples/custom.dictionary.json"]:
        d = load_json(ROOT / rel)
        dictionaries[rel] = d
        ok = report(dict_validator.iter_errors(d), rel)
        print(f"  {rel}: {len(d['variables'])} variables vs dictionary.schema.json: {'ok' if ok else 'INVALID'}")
        if ok:
            problems = dictionary_problems(d)
            for p in problems:
                fail(f"{rel}: {p}")
            print(f"  {rel}: references, unique names, ranges, level labels: {'ok' if not problems else 'FAILED'}")

    sinonasal = dictionaries["sinonasal.dictionary.json"]
    custom = dictionaries["examples/custom.dictionary.json"]
    derived = row_schema(sinonasal, "SinoRad cohort CSV row (sinonasal dictionary)")
    committed_path = ROOT / "sinonasal.cohort.schema.json"
    if args.write:
        committed = load_json(committed_path)
        committed.update({k: derived[k] for k in ("required", "properties", "additionalProperties")})
        committed_path.write_text(json.dumps(committed, indent=2) + "\n", encoding="utf-8")
        print(f"  wrote {committed_path.relative_to(ROOT.parent)}")
    committed = load_json(committed_path)
    same = all(committed.get(k) == derived[k] for k in ("required", "properties", "additionalProperties"))
    if not same:
        fail("sinonasal.cohort.schema.json differs from the schema derived from sinonasal.dictionary.json "
             "(run with --write to regenerate)")
    print(f"  sinonasal.cohort.schema.json matches sinonasal.dictionary.json: {'ok' if same else 'NO'}")

    generic = validator(load_json(ROOT / "cohort.schema.json"))
    sino = validator(committed)
    custom_rows = validator(row_schema(custom, "row of the parotid example"))
    print("cohort rows:")
    check_rows(ROOT / "examples/cohort.example.csv",
               [("cohort.schema.json", generic), ("sinonasal.cohort.schema.json", sino)], sinonasal)
    check_rows(ROOT / "examples/custom.cohort.example.csv",
               [("cohort.schema.json", generic), ("schema derived from custom.dictionary.json", custom_rows)], custom)

    binary = Path(args.sinorad)
    if not binary.is_absolute() and not binary.exists():
        binary = ROOT.parent / binary
    check_outputs(binary.absolute())

    if failures:
        print(f"{failures} failure(s)")
        sys.exit(1)
    print("all checks passed")


if __name__ == "__main__":
    main()
