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
- every row of examples/reads.example.csv, Tests/Fixtures/readers/reads.csv and the reads.csv
  that `sinorad simulate` writes against reads.schema.json, plus one read per (patient,
  reader, assisted) and patients / calls known to the matching cohort;
- the JSON outputs of the sinorad binary (--sinorad PATH, default .build/debug/sinorad; skipped
  with a message when it does not exist): it simulates a cohort into a temporary folder, runs
  table1, select and stat with --format json, and a study (no CNN), and validates each output against
  table1.schema.json, selection.schema.json or stat.schema.json; runs compare --format json on
  Tests/Fixtures/synthetic_predictions.csv (all pairs, --reference logistic, and the test
  patients without ONB so that AUCs are undefined) against comparison.schema.json, and
  conventional (extratrees, randomforest, logistic) against conventional.schema.json (its
  cv.json and model.json); image info on the NIfTI fixtures (Tests/Fixtures/nifti) and on the
  NRRD fixtures (Tests/Fixtures/nrrd, against nrrd_info.schema.json), and image
  check on a study folder made of them against image_info.schema.json and
  images_manifest.schema.json; readers --format json on the simulated reads (all patients and
  --cohort test), on examples/reads.example.csv and on Tests/Fixtures/readers against
  readers.schema.json; plus cross-field rules a schema cannot express (one entry per
  class, counts that add up, model.json's model equal to cv.json); then checks that
  deliberately broken copies (a p-value as a string, a missing required key, null for an
  absent optional, an AUC above 1, ...) are rejected.

Prints what it checked; exits 1 on any failure.

    python3 scripts/peers/check_schemas.py            # check
    python3 scripts/peers/check_schemas.py --write    # regenerate sinonasal.cohort.schema.json
    python3 scripts/peers/check_schemas.py --sinorad /tmp/sr-build/debug/sinorad

Needs the `jsonschema` package (4.x).
"""
import argparse, copy, csv, importlib.metadata, json, subprocess, sys, tempfile
from pathlib import Path

import jsonschema
from referencing import Registry, Resource

ROOT = Path(__file__).resolve().parents[2] / "data-schema"
FIXTURES = ROOT.parent / "Tests" / "Fixtures"
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


def schema_registry():
    """Every data-schema/*.json with an $id, so that one schema can $ref another
    (conventional.schema.json uses selection.schema.json#/$defs/fit)."""
    resources = []
    for path in sorted(ROOT.glob("*.json")):
        doc = load_json(path)
        if isinstance(doc, dict) and "$id" in doc:
            resources.append((doc["$id"], Resource.from_contents(doc)))
    return Registry().with_resources(resources)


def validator(schema):
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, registry=schema_registry())


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


def check_reads(path, cohort_path, classes):
    """Rows of a reads CSV against reads.schema.json, plus what a row schema cannot say: one read
    per (patient, reader, assisted), patients of the cohort, calls among its classes."""
    v = validator(load_json(ROOT / "reads.schema.json"))
    header, rows = read_csv(path)
    bad = sum(not report(v.iter_errors(row), f"{path.name} row {n} vs reads.schema.json") for n, row in enumerate(rows, start=1))
    _, cohort = read_csv(cohort_path)
    ids, seen, before = {row["patient_id"] for row in cohort}, set(), failures
    for n, row in enumerate(rows, start=1):
        key = (row.get("patient_id"), row.get("reader"), row.get("assisted"))
        if key in seen:
            fail(f"{path.name} row {n}: second read of {key}")
        seen.add(key)
        if row.get("patient_id") not in ids:
            fail(f"{path.name} row {n}: patient {row.get('patient_id')} is not in {cohort_path.name}")
        if row.get("call") not in classes:
            fail(f"{path.name} row {n}: call {row.get('call')} is not one of {', '.join(classes)}")
    print(f"  {path.name}: {len(rows)} rows vs reads.schema.json: {'ok' if bad == 0 else f'{bad} row(s) invalid'}; "
          f"unique reads, known patients and classes: {'ok' if failures == before else 'FAILED'}")


# ---------------------------------------------------------------------------------------------
# JSON outputs of the sinorad binary

OUTPUT_SCHEMAS = {"table1": "table1.schema.json", "selection": "selection.schema.json", "stat": "stat.schema.json",
                  "comparison": "comparison.schema.json", "conventional": "conventional.schema.json",
                  "image_info": "image_info.schema.json", "nrrd_info": "nrrd_info.schema.json", "images_manifest": "images_manifest.schema.json",
                  "readers": "readers.schema.json", "radiomics": "radiomics_features.schema.json", "cnn_bench": "cnn_bench.schema.json"}


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


def auc_value(outcome):
    """An AUC as written: a number, or None (JSON null, its reason beside it)."""
    return outcome


def comparison_problems(c):
    """Rules of ModelComparison that JSON Schema cannot express: one entry per class everywhere,
    counts that add up, the same AUC wherever it is repeated, adjusted p >= raw p."""
    k, n, problems = len(c["classes"]), c["patients"], []
    names = [m["model"] for m in c["models"]]
    if len(set(names)) != len(names):
        problems.append(f"model names repeat: {names}")
    for m in c["models"]:
        where = m["model"]
        if m["classes"] != c["classes"] or m["cohort"] != c["cohort"] or m["patients"] != n:
            problems.append(f"{where}: classes / cohort / patients differ from the top level")
        per_class = {"perClassAUC": m["perClassAUC"], "auc.perClass": m["auc"]["perClass"], "auc.prevalence": m["auc"]["prevalence"],
                     "metrics.perClass": m["metrics"]["perClass"], "calibration.classes": m["calibration"]["classes"],
                     "decisionCurves": m["decisionCurves"], "rocCurves": m["rocCurves"]}
        for key, items in per_class.items():
            if len(items) != k:
                problems.append(f"{where}: {len(items)} {key} entries for {k} classes")
        if any(len(items) != k for items in per_class.values()):
            continue
        prevalence = m["auc"]["prevalence"]
        if sum(prevalence) != n:
            problems.append(f"{where}: prevalence {prevalence} does not add up to {n} patients")
        counts = m["metrics"]["confusion"]["counts"]
        if len(counts) != k or any(len(row) != k for row in counts) or [sum(row) for row in counts] != prevalence:
            problems.append(f"{where}: confusion matrix is not {k} x {k} with rows adding up to the prevalence")
        if m["metrics"]["accuracy"]["total"] != n or m["metrics"]["accuracy"]["count"] != sum(counts[i][i] for i in range(min(k, len(counts)))):
            problems.append(f"{where}: accuracy is not the diagonal over {n} patients")
        undefined = [i for i, o in enumerate(m["auc"]["perClass"]) if auc_value(o) is None]
        with_reason = [i for i, r in enumerate(m["auc"]["perClassUndefinedReasons"]) if r is not None]
        if with_reason != undefined:
            problems.append(f"{where}: per-class reasons {with_reason} do not match the null AUCs {undefined}")
        for key in ("micro", "oneVsOne"):
            if (m["auc"][key] is None) != (key + "UndefinedReason" in m["auc"]):
                problems.append(f"{where}: auc.{key} is null without a reason, or has a reason but a value")
        if m["auc"]["averagedOverDefinedClassesOnly"] != bool(undefined):
            problems.append(f"{where}: averagedOverDefinedClassesOnly does not match the undefined classes {undefined}")
        if "aucBootstrap" in m and m["aucBootstrap"]["undefinedClasses"] != undefined:
            problems.append(f"{where}: aucBootstrap.undefinedClasses differ from the undefined per-class AUCs {undefined}")
        for i, (name, entry, outcome, roc) in enumerate(zip(c["classes"], m["perClassAUC"], m["auc"]["perClass"], m["rocCurves"])):
            value = auc_value(outcome)
            if entry["className"] != name:
                problems.append(f"{where}: perClassAUC[{i}] is '{entry['className']}', not '{name}'")
            if (value is None) != ("auc" not in entry) or (value is not None and abs(value - entry["auc"]) > 1e-12):
                problems.append(f"{where}/{name}: perClassAUC.auc differs from auc.perClass")
            if (roc is None) != (value is None):
                problems.append(f"{where}/{name}: rocCurves entry is {'null' if roc is None else 'present'} but the AUC is {'undefined' if value is None else 'defined'}")
            if "delong" in entry and (entry["delong"]["caseCount"] != prevalence[i] or entry["delong"]["caseCount"] + entry["delong"]["controlCount"] != n):
                problems.append(f"{where}/{name}: DeLong case/control counts differ from the prevalence")
        for i, metrics in enumerate(m["metrics"]["perClass"]):
            if metrics["classIndex"] != i or metrics["support"] != prevalence[i] or sum(metrics["counts"].values()) != n:
                problems.append(f"{where}: metrics.perClass[{i}] index, support or counts do not add up")
        for i, curve in enumerate(m["decisionCurves"]):
            if curve.get("classIndex") != i or curve["patients"] != n or curve["events"] != prevalence[i]:
                problems.append(f"{where}: decisionCurves[{i}] index, patients or events are wrong")
        for i, curve in enumerate(m["calibration"]["classes"]):
            if sum(b["count"] for b in curve["bins"]) != n or sum(b["positives"] for b in curve["bins"]) != prevalence[i]:
                problems.append(f"{where}: calibration.classes[{i}] bins do not add up to the patients / events")
        for label, roc in [(f"rocCurves[{i}]", r) for i, r in enumerate(m["rocCurves"]) if r] + [("microROC", m.get("microROC"))]:
            if roc is None:
                continue
            fpr, tpr, thr = roc["falsePositiveRates"], roc["truePositiveRates"], roc["thresholds"]
            if not len(fpr) == len(tpr) == len(thr):
                problems.append(f"{where}: {label} arrays differ in length")
            elif fpr[0] != 0 or tpr[0] != 0 or fpr[-1] != 1 or tpr[-1] != 1 or fpr != sorted(fpr) or tpr != sorted(tpr) \
                    or thr[1:] != sorted(thr[1:], reverse=True):
                problems.append(f"{where}: {label} is not a ROC curve from (0, 0) to (1, 1) with descending thresholds")
    for comparison in c["comparisons"]:
        where = f"{comparison['modelA']} vs {comparison['modelB']}"
        if comparison["modelA"] not in names or comparison["modelB"] not in names or comparison["modelA"] == comparison["modelB"]:
            problems.append(f"{where}: not a pair of the models")
        if [t["className"] for t in comparison["perClass"]] != c["classes"]:
            problems.append(f"{where}: perClass does not follow the classes")
        pairs = [(t["delong"]["pValue"], t["adjustedPValue"]) for t in comparison["perClass"] if "delong" in t]
        if "macroAUC" in comparison:
            pairs.append((comparison["macroAUC"]["pValue"], comparison["macroAdjustedPValue"]))
        pairs.append((comparison["mcnemarExact"]["pValue"], comparison["mcnemarAdjustedPValue"]))
        if any(adjusted < raw - 1e-12 for raw, adjusted in pairs):
            problems.append(f"{where}: an adjusted p-value is below its raw p-value")
        if "mcnemarCorrected" in comparison and (comparison["mcnemarCorrected"]["b"], comparison["mcnemarCorrected"]["c"]) != (comparison["mcnemarExact"]["b"], comparison["mcnemarExact"]["c"]):
            problems.append(f"{where}: the two McNemar tests count different discordant pairs")
    return problems


def conventional_problems(doc, cv=None):
    """Rules of ConventionalResult (cv.json) and of model.json that JSON Schema cannot express."""
    problems = []
    result = doc["model"] if "format" in doc else doc
    encoder = result["encoder"]
    if encoder["variables"] != result["predictors"]:
        problems.append("encoder.variables differ from predictors")
    if sorted(encoder["imputation"]) != sorted(result["predictors"]):
        problems.append("encoder.imputation is not keyed by the predictors")
    if any(f["variable"] not in result["predictors"] for f in encoder["features"]):
        problems.append("an encoder feature comes from a variable that is not a predictor")
    if result["modelName"] != f"conventional-{result['classifier']}":
        problems.append("modelName is not conventional-<classifier>")
    if result["classifier"] != "logistic":
        names = [f["name"] for f in encoder["features"]]
        if sorted(result["importances"]) != sorted(names):
            problems.append("importances are not keyed by the encoder's feature names")
        elif abs(sum(result["importances"].values()) - 1) > 1e-9 and any(result["importances"].values()):
            problems.append("importances do not add up to 1")
        if any(len(g["foldScores"]) != result["folds"] for g in result["grid"]):
            problems.append("a grid entry does not have one score per fold")
        means = [g.get("mean") for g in result["grid"]]
        defined = [x for x in means if x is not None]
        if defined:
            best = means.index(max(defined))
            if result["grid"][best]["parameters"] != result["chosen"]:
                problems.append("chosen is not the first grid setting with the best mean")
            if result.get("crossValidatedMacroAUC") != means[best]:
                problems.append("crossValidatedMacroAUC differs from the chosen setting's mean")
    if "format" in doc:
        if cv is not None and doc["model"] != cv:
            problems.append("model.json's model differs from cv.json")
        if "logistic" in doc:
            fit = doc["logistic"]
            if fit["classCount"] != len(result["classes"]) or len(fit["featureNames"]) != len(encoder["features"]) + fit["addIntercept"]:
                problems.append("logistic fit classCount / featureNames do not match the classes / encoder features")
            if fit["observations"] != result["trainingPatients"]:
                problems.append("logistic fit observations differ from trainingPatients")
    return problems


def image_info_problems(info):
    """NIfTIInfo rules a schema cannot express: shape and voxel sizes from dim, the affine's last row."""
    h, problems = info["header"], []
    if info["shape"] != h["dim"][1:h["dim"][0] + 1]:
        problems.append(f"shape {info['shape']} is not dim[1..dim[0]] of {h['dim']}")
    if len(info["voxelSize"]) != len(info["shape"]):
        problems.append("voxelSize and shape differ in length")
    if info["affine"][3] != [0, 0, 0, 1]:
        problems.append(f"affine's last row is {info['affine'][3]}")
    if info["intensity"]["count"] + info["intensity"]["nanCount"] != _product(info["shape"]):
        problems.append("intensity count + nanCount is not the number of voxels")
    return problems


def _product(values):
    out = 1
    for v in values:
        out *= v
    return out


def manifest_problems(m):
    """ImageManifest rules: one entry per patient and sequence, valid exactly when no problem."""
    problems = []
    if len(m["entries"]) != m["patients"] * len(m["sequences"]):
        problems.append(f"{len(m['entries'])} entries for {m['patients']} patients x {len(m['sequences'])} sequences")
    if m["valid"] != (not m["problems"]):
        problems.append("valid disagrees with the problems list")
    return problems


def readers_problems(r):
    """ReaderStudy rules JSON Schema cannot express: one entry per class, counts that add up,
    accuracies and McNemar counts consistent, readers in the listed order."""
    k, problems = len(r["classes"]), []
    order = {name: i for i, name in enumerate(r["readers"])}
    keys = [(order.get(p["reader"], -1), ["unaided", "aided"].index(p["condition"])) for p in r["performance"]]
    if any(key[0] < 0 for key in keys) or keys != sorted(keys) or len(set(keys)) != len(keys):
        problems.append("performance is not one entry per listed reader and condition, in order")
    for p in r["performance"]:
        where, m = f"{p['reader']} {p['condition']}", p["metrics"]
        counts = m["confusion"]["counts"]
        if len(counts) != k or any(len(row) != k for row in counts) or sum(map(sum, counts)) != p["patients"]:
            problems.append(f"{where}: confusion matrix is not {k} x {k} adding up to {p['patients']} patients")
            continue
        if len(m["perClass"]) != k or m["accuracy"]["total"] != p["patients"] or m["accuracy"]["count"] != sum(counts[i][i] for i in range(k)):
            problems.append(f"{where}: perClass / accuracy do not match the confusion matrix")
        if p["patients"] > r["patients"] or "kappaWithTruth" in p and p["kappaWithTruth"]["patients"] != p["patients"]:
            problems.append(f"{where}: patients exceed the study's, or kappa counts other patients")
    accuracy = {(p["reader"], p["condition"]): p["metrics"]["accuracy"] for p in r["performance"]}
    for a in r["assistance"]:
        where, m = a["reader"], a["mcnemar"]
        if a["unaidedCorrect"] - a["aidedCorrect"] != m["b"] - m["c"] or m["b"] + m["c"] > a["changedCalls"] or a["changedCalls"] > a["patients"]:
            problems.append(f"{where}: b - c differs from the change in correct calls, or b + c exceeds the calls changed")
        if abs(a["unaidedAccuracy"] - a["unaidedCorrect"] / a["patients"]) > 1e-12 or abs(a["accuracyDifference"] - (a["aidedAccuracy"] - a["unaidedAccuracy"])) > 1e-12:
            problems.append(f"{where}: accuracies differ from the counts")
        for condition, correct in [("unaided", a["unaidedCorrect"]), ("aided", a["aidedCorrect"])]:
            full = accuracy.get((a["reader"], condition))
            if full is None or (full["total"] == a["patients"] and full["count"] != correct):
                problems.append(f"{where}: no {condition} performance, or its correct calls differ")
    for g in r["agreement"]:
        if g["readerA"] not in order or g["readerB"] not in order or order[g["readerA"]] >= order[g["readerB"]]:
            problems.append(f"{g['readerA']} vs {g['readerB']}: not a pair of listed readers in order")
        if g["agreed"] > g["patients"] or "kappa" in g and g["kappa"]["patients"] != g["patients"]:
            problems.append(f"{g['readerA']} vs {g['readerB']} {g['condition']}: agreed or kappa patients do not add up")
    return problems


def nrrd_info_problems(info):
    """What the schema cannot say of an NRRD summary: one size, spacing and origin value per axis,
    a direction row per axis, and no more values counted than voxels."""
    problems, n = [], info["dimension"]
    for key in ("sizes", "spacing", "origin", "direction"):
        if len(info[key]) != n:
            problems.append(f"{key} has {len(info[key])} entries for dimension {n}")
    if any(len(row) != n for row in info["direction"]):
        problems.append("a direction row's length differs from the dimension")
    voxels = 1
    for size in info["sizes"]:
        voxels *= size
    if info["intensity"]["count"] + info["intensity"]["nanCount"] != voxels:
        problems.append(f"intensity counts {info['intensity']['count']} + {info['intensity']['nanCount']} values, not the {voxels} voxels")
    return problems


def radiomics_problems(rows):
    """Rules of a feature table a schema cannot express: every row has the same keys; feature
    values that are not numbers are only nan/inf or empty."""
    problems = []
    if rows:
        keys = list(rows[0].keys())
        for n, row in enumerate(rows[1:], 2):
            if list(row.keys()) != keys:
                problems.append(f"row {n} has other columns than row 1")
    return problems


def cnn_bench_problems(r):
    problems = []
    if abs(r["images_per_second"] - r["batch"] / (r["ms_per_batch"] / 1000)) > 1e-9 * r["images_per_second"]:
        problems.append("images_per_second is not batch / mean seconds per batch")
    if not r["ms_per_batch_min"] <= r["ms_per_batch_median"] or not r["ms_per_batch_min"] <= r["ms_per_batch"]:
        problems.append("the fastest batch is slower than the median or the mean")
    if r["convolutions"] == "gemm" and r["winograd_layers"] != 0:
        problems.append("Winograd layers with --convolutions gemm")
    return problems


CROSS_CHECKS = {"cnn_bench": cnn_bench_problems, "radiomics": radiomics_problems, "readers": readers_problems, "table1": table1_problems, "selection": selection_problems, "stat": stat_problems,
                "comparison": comparison_problems, "conventional": conventional_problems,
                "image_info": image_info_problems, "nrrd_info": nrrd_info_problems, "images_manifest": manifest_problems}


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
        ("cnn bench infer", "cnn_bench", ["cnn", "bench", "--arch", "resnet18", "--batch", "2", "--size", "32", "--mode", "infer",
                                          "--iterations", "1", "--warmup", "0", "--format", "json"]),
        ("cnn bench train --convolutions winogradWherePossible", "cnn_bench",
         ["cnn", "bench", "--arch", "resnet18", "--batch", "2", "--size", "32", "--mode", "train", "--iterations", "1", "--warmup", "0",
          "--convolutions", "winogradWherePossible", "--format", "json"]),
    ]


def without_class(predictions, truth, cohort, label, out):
    """The rows of `predictions` of `cohort` whose patient's class (in `truth`) is not `label`
    (as CLITests.compareAbsentClass): a comparison in which that class has no case."""
    _, truth_rows = read_csv(truth)
    classes = {row["patient_id"]: row["pathology"] for row in truth_rows}
    with open(predictions, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    kept = [rows[0]] + [r for r in rows[1:] if r and r[1] == cohort and classes.get(r[0]) != label]
    with open(out, "w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(kept)
    return out


def model_runs(tmp):
    """(what, schema key, sinorad arguments or None, file to read or None) for compare and
    conventional; a file after arguments is read once the command has run."""
    predictions, truth = FIXTURES / "synthetic_predictions.csv", FIXTURES / "synthetic_cohort.csv"
    if not predictions.is_file() or not truth.is_file():
        fail(f"compare / conventional checks not run: {predictions} or {truth} is missing")
        return []
    compare = ["compare", str(predictions), "--truth", str(truth), "--cohort", "test", "--format", "json", "--bootstrap", "200"]
    no_onb = without_class(predictions, truth, "test", "ONB", tmp / "predictions_no_onb.csv")
    runs = [
        ("compare", "comparison", compare, None),
        ("compare --reference logistic", "comparison", compare + ["--reference", "logistic"], None),
        ("compare, test patients without ONB (undefined AUCs)", "comparison",
         ["compare", str(no_onb), "--truth", str(truth), "--cohort", "test", "--format", "json", "--bootstrap", "200"], None),
    ]
    for classifier, cohort, predictors in [("extratrees", truth, "t2_signal,intracranial_invasion"),
                                           ("randomforest", truth, "t2_signal,intracranial_invasion"),
                                           ("logistic", truth, "t2_signal,intracranial_invasion"),
                                           ("extratrees", tmp / "data" / "cohort.csv", "t2_signal,adc_mean,bone_change")]:
        what = f"conventional {classifier}" + ("" if cohort == truth else f" {predictors} (simulated cohort)")
        out = tmp / "conventional" / f"{classifier}-{len(runs)}"
        argv = ["conventional", "--cohort", str(cohort), "--predictors", predictors, "--classifier", classifier,
                "--trees", "20", "--out-dir", str(out)]
        runs += [(f"{what} cv.json", "conventional", argv, out / "cv.json"),
                 (f"{what} model.json", "conventional", None, out / "model.json")]
    return runs


def image_runs(tmp):
    """(what, schema key, sinorad arguments, None) for image info on every readable NIfTI
    fixture and image check on a complete study folder made of them."""
    nifti = FIXTURES / "nifti"
    files = sorted(p for p in nifti.glob("*") if p.name.endswith((".nii", ".nii.gz", ".hdr")) and not p.name.startswith("bad_"))
    if not files:
        fail(f"image checks not run: no NIfTI fixtures in {nifti}")
        return []
    runs = [(f"image info {p.name}", "image_info", ["image", "info", str(p), "--format", "json"], None) for p in files]
    nrrd = FIXTURES / "nrrd"
    runs += [(f"image info {p.name}", "nrrd_info", ["image", "info", str(p), "--format", "json"], None)
             for p in sorted(nrrd.glob("*")) if p.suffix in (".nrrd", ".nhdr") and not p.name.startswith("bad_")]
    runs.append(("image info bad_nan_float32.nii --allow-nan", "image_info",
                 ["image", "info", str(nifti / "bad_nan_float32.nii"), "--allow-nan", "--format", "json"], None))
    image = (nifti / "nibabel_fallback_uint16.nii").read_bytes()
    for patient in ("P1", "P2"):
        folder = tmp / "images" / patient
        folder.mkdir(parents=True, exist_ok=True)
        for name in ("T2WI.nii", "CE-T1WI.nii", "ADC.nii", "mask.nii" if patient == "P1" else "ADC_mask.nii"):
            (folder / name).write_bytes(image)
    (tmp / "images" / "P2" / "mask.nii").write_bytes(image)
    (tmp / "images_cohort.csv").write_text("patient_id,cohort\nP1,train\nP2,test\n", encoding="utf-8")
    runs.append(("image check (two complete patients)", "images_manifest",
                 ["image", "check", "--images", str(tmp / "images"), "--cohort", str(tmp / "images_cohort.csv"), "--format", "json"], None))
    return runs


def radiomics_runs(tmp):
    """(what, schema key, sinorad arguments, None) for radiomics extract --format json on the
    end-to-end radiomics fixtures: one case with diagnostics, every image type, a 2-D image, a
    batch with a label column."""
    extract = FIXTURES / "radiomics" / "extract"
    if not (extract / "extract.json").is_file():
        fail(f"radiomics checks not run: {extract / 'extract.json'} is missing")
        return []
    def case(image, mask, *extra):
        return ["radiomics", "extract", "--image", str(extract / image), "--mask", str(extract / mask), "--format", "json"] + list(extra)
    batch = tmp / "radiomics_cases.csv"
    batch.write_text("patient,Image,Mask,Label\n"
                     f"1,{extract / 'ellipsoid_int16.nrrd'},{extract / 'labels_mask.nrrd'},3\n"
                     f"2,{extract / 'irregular_float32.nii.gz'},{extract / 'irregular_mask.nii.gz'},\n", encoding="utf-8")
    return [("radiomics extract --diagnostics (NRRD)", "radiomics", case("ellipsoid_int16.nrrd", "ellipsoid_mask.nrrd", "--diagnostics"), None),
            ("radiomics extract, every image type", "radiomics",
             case("ellipsoid_int16.nrrd", "ellipsoid_mask.nrrd", "--params", str(extract / "all_image_types.yaml")), None),
            ("radiomics extract, 2-D image with resampled diagnostics", "radiomics",
             case("slice2d_int16.nrrd", "slice2d_mask.nrrd", "--params", str(extract / "image2d.yaml"), "--diagnostics"), None),
            ("radiomics extract --batch", "radiomics", ["radiomics", "extract", "--batch", str(batch), "--format", "json", "--diagnostics"], None)]


def readers_runs(tmp):
    """(what, schema key, sinorad arguments, None) for readers on the simulated reads, the
    example reads and the parity fixture (a reader with one condition, an undefined precision)."""
    data, examples, fixture = tmp / "data", ROOT / "examples", FIXTURES / "readers"
    runs = [("readers (simulated reads)", "readers", ["readers", str(data / "reads.csv"), "--truth", str(data / "cohort.csv"), "--format", "json"], None),
            ("readers --cohort test (simulated reads)", "readers",
             ["readers", str(data / "reads.csv"), "--truth", str(data / "cohort.csv"), "--cohort", "test", "--format", "json"], None),
            ("readers examples/reads.example.csv", "readers",
             ["readers", str(examples / "reads.example.csv"), "--truth", str(examples / "cohort.example.csv"), "--format", "json"], None)]
    if (fixture / "reads.csv").is_file():
        runs.append(("readers Tests/Fixtures/readers (one-condition reader, undefined precision)", "readers",
                     ["readers", str(fixture / "reads.csv"), "--truth", str(fixture / "truth.csv"), "--classes", "SCC,ACC,ONB", "--format", "json"], None))
    else:
        fail(f"readers fixture check not run: {fixture / 'reads.csv'} is missing")
    return runs


def readers_broken_copies(outputs):
    """(schema key, what, document) readers.schema.json must reject."""
    study = outputs.get("readers (simulated reads)")
    if study is None:
        fail("broken readers outputs not checked: readers on the simulated reads did not pass")
        return []
    cases = []

    def case(what, change):
        doc = copy.deepcopy(study)
        change(doc)
        cases.append(("readers", what, doc))

    case("missing required key assistance", lambda d: d.pop("assistance"))
    case("condition 'assisted'", lambda d: d["performance"][0].update(condition="assisted"))
    case("kappa with truth and an undefined reason", lambda d: d["performance"][0].update(kappaUndefinedReason="x"))
    case("neither kappa nor reason", lambda d: d["agreement"][0].pop("kappa"))
    case("kappa above 1", lambda d: d["agreement"][0]["kappa"].update(kappa=1.2))
    case("weighted kappa", lambda d: d["agreement"][0]["kappa"].update(weighting="linear"))
    case("McNemar with the corrected method", lambda d: d["assistance"][0]["mcnemar"].update(method="chi-square with continuity correction (R mcnemar.test default)"))
    case("McNemar pValue as a string", lambda d: d["assistance"][0]["mcnemar"].update(pValue="0.2"))
    case("accuracy above 1", lambda d: d["assistance"][0].update(aidedAccuracy=1.5))
    case("null for an absent optional (cohort)", lambda d: d.update(cohort=None))
    case("unknown key in a performance entry", lambda d: d["performance"][0].update(auc=0.8))
    return cases


def radiomics_broken_copies(outputs):
    """(schema key, what, document) radiomics_features.schema.json must reject."""
    table = outputs.get("radiomics extract --diagnostics (NRRD)")
    if table is None:
        fail("broken radiomics outputs not checked: radiomics extract --diagnostics did not pass")
        return []
    cases = []

    def case(what, change):
        doc = copy.deepcopy(table)
        change(doc)
        cases.append(("radiomics", what, doc))

    case("a feature as a numeric string", lambda d: d[0].update(original_glcm_Contrast="1.5"))
    case("a feature as null", lambda d: d[0].update(original_firstorder_Mean=None))
    case("a feature as a list", lambda d: d[0].update(original_shape_MeshVolume=[1.0]))
    case("a diagnostic as an object", lambda d: d[0].update({"diagnostics_Mask-original_VoxelNum": {"n": 3}}))
    case("a row that is not an object", lambda d: d.append(["original_glcm_Contrast", 1.0]))
    case("an empty row", lambda d: d.append({}))
    return cases


def image_broken_copies(outputs):
    """(schema key, what, document) the image schemas must reject."""
    info, manifest = outputs.get("image info functional.nii"), outputs.get("image check (two complete patients)")
    if info is None or manifest is None:
        fail("broken image outputs not checked: image info functional.nii or image check did not pass")
        return []
    cases = []

    def case(key, what, doc, change):
        doc = copy.deepcopy(doc)
        change(doc)
        cases.append((key, what, doc))

    case("image_info", "missing required key affine", info, lambda d: d.pop("affine"))
    case("image_info", "version 3", info, lambda d: d.update(version=3))
    case("image_info", "unsupported datatype name", info, lambda d: d.update(datatype="complex64"))
    case("image_info", "scl_slope as a numeric string", info, lambda d: d["header"].update(scl_slope="0.5"))
    case("image_info", "null for an absent optional (scaling)", info, lambda d: d.update(scaling=None))
    case("image_info", "orientation of four letters", info, lambda d: d.update(orientation="LASX"))
    case("image_info", "affine row of three numbers", info, lambda d: d["affine"].__setitem__(0, [1, 0, 0]))
    case("image_info", "unknown key in the header", info, lambda d: d["header"].update(slice_code=0))
    case("images_manifest", "missing required key problems", manifest, lambda d: d.pop("problems"))
    case("images_manifest", "problem without a message", manifest, lambda d: d["problems"].append({"file": "x"}))
    case("images_manifest", "entry without a sequence", manifest, lambda d: d["entries"][0].pop("sequence"))
    case("images_manifest", "maskVoxels 0", manifest, lambda d: d["entries"][0].update(maskVoxels=0))
    case("images_manifest", "image that is not NIfTI", manifest, lambda d: d["entries"][0].update(image="P1/T2WI.png"))
    return cases


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
    case("selection", "criterion lrt without alpha", sel, lambda d: d.update(criterion={"rule": "lrt"}))
    case("selection", "criterion as a plain string", sel, lambda d: d.update(criterion="aic"))
    case("selection", "criterion in Swift's enum coding", sel, lambda d: d.update(criterion={"likelihoodRatio": {"alpha": 0.05}}))
    case("selection", "criterion aic with an alpha", sel, lambda d: d.update(criterion={"rule": "aic", "alpha": 0.05}))
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

    cmp, absent = outputs["compare"], outputs["compare, test patients without ONB (undefined AUCs)"]
    model = lambda d: d["models"][0]
    pair = lambda d: d["comparisons"][0]
    delong_test = lambda d: first(pair(d)["perClass"], lambda t: "delong" in t)
    case("comparison", "DeLong paired pValue as a string", cmp, lambda d: delong_test(d)["delong"].update(pValue=str(delong_test(d)["delong"]["pValue"])))
    case("comparison", "macro-AUC bootstrap pValue as a string", cmp, lambda d: pair(d)["macroAUC"].update(pValue="0.03"))
    case("comparison", "exact McNemar pValue above 1", cmp, lambda d: pair(d)["mcnemarExact"].update(pValue=1.2))
    case("comparison", "missing required key models", cmp, lambda d: d.pop("models"))
    case("comparison", "missing required key metrics", cmp, lambda d: model(d).pop("metrics"))
    case("comparison", "missing required key caseCount in a DeLong interval", cmp, lambda d: model(d)["perClassAUC"][0]["delong"].pop("caseCount"))
    case("comparison", "per-class AUC above 1", cmp, lambda d: model(d)["perClassAUC"][0].update(auc=1.02))
    case("comparison", "micro AUC above 1", cmp, lambda d: model(d)["auc"].update(micro=1.5))
    case("comparison", "macro AUC above 1", cmp, lambda d: model(d)["auc"].update(macro=1.0001))
    case("comparison", "DeLong upper bound above 1", cmp, lambda d: model(d)["perClassAUC"][0]["delong"].update(upper=1.01))
    case("comparison", "bootstrap macro estimate above 1", cmp, lambda d: model(d)["aucBootstrap"]["macro"].update(estimate=1.3))
    case("comparison", "AUC in Swift's enum coding", cmp, lambda d: model(d)["auc"].update(oneVsOne={"defined": {"_0": 0.81}}))
    case("comparison", "micro AUC with a value and a reason", cmp, lambda d: model(d)["auc"].update(microUndefinedReason="x"))
    case("comparison", "null micro AUC without a reason", cmp, lambda d: model(d)["auc"].update(micro=None))
    case("comparison", "per-class AUC as an object", cmp, lambda d: model(d)["auc"]["perClass"].__setitem__(0, {"value": 0.8}))
    case("comparison", "weighted AUC left out", cmp, lambda d: model(d)["auc"].pop("weighted"))
    case("comparison", "class AUC with both delong and undefinedReason", cmp, lambda d: model(d)["perClassAUC"][0].update(undefinedReason="x"))
    case("comparison", "aucBootstrap and aucBootstrapUndefinedReason together", cmp, lambda d: model(d).update(aucBootstrapUndefinedReason="x"))
    case("comparison", "macroAUC without macroAdjustedPValue", cmp, lambda d: pair(d).pop("macroAdjustedPValue"))
    case("comparison", "DeLong test without adjustedPValue", cmp, lambda d: delong_test(d).pop("adjustedPValue"))
    case("comparison", "mcnemarExact with the corrected method", cmp, lambda d: pair(d)["mcnemarExact"].update(method=pair(d)["mcnemarCorrected"]["method"]))
    case("comparison", "ROC curve starting at a finite threshold", cmp, lambda d: model(d)["rocCurves"][0]["thresholds"].__setitem__(0, 1.0))
    case("comparison", "ROC true positive rate \"NaN\"", cmp, lambda d: model(d)["rocCurves"][0]["truePositiveRates"].__setitem__(1, "NaN"))
    case("comparison", "Wilson interval with another method", cmp, lambda d: model(d)["metrics"]["accuracy"]["interval"].update(method="Clopper-Pearson"))
    case("comparison", "weighted average with a specificity", cmp, lambda d: model(d)["metrics"]["weighted"].update(specificity=0.8))
    case("comparison", "treatNone not 0", cmp, lambda d: model(d)["decisionCurves"][0]["points"][0].update(treatNone=0.1))
    case("comparison", "unknown key in a model", cmp, lambda d: model(d).update(brier=0.1))
    undefined_recall = lambda d: first(model(d)["metrics"]["perClass"], lambda m: "undefinedReason" in m["recall"])["recall"]
    case("comparison", "undefined proportion with a value", absent, lambda d: undefined_recall(d).update(value=0.0))
    case("comparison", "undefined proportion with total > 0", absent, lambda d: undefined_recall(d).update(total=3))
    case("comparison", "undefined class AUC with a DeLong interval", absent,
         lambda d: model(d)["perClassAUC"][2].update(delong=copy.deepcopy(model(d)["perClassAUC"][0]["delong"])))
    case("comparison", "per-class reasons left out", absent, lambda d: model(d)["auc"].pop("perClassUndefinedReasons"))

    cv, forest, logistic = (outputs[f"conventional {c}"] for c in ("extratrees cv.json", "extratrees model.json", "logistic model.json"))
    case("conventional", "cv.json missing required key encoder", cv, lambda d: d.pop("encoder"))
    case("conventional", "cv.json crossValidatedMacroAUC as a string", cv, lambda d: d.update(crossValidatedMacroAUC=str(d["crossValidatedMacroAUC"])))
    case("conventional", "cv.json fold score (an AUC) above 1", cv, lambda d: d["grid"][0]["foldScores"].__setitem__(0, 1.2))
    case("conventional", "cv.json mean AUC above 1", cv, lambda d: d["grid"][0].update(mean=1.5))
    case("conventional", "cv.json unknown classifier", cv, lambda d: d.update(classifier="svm"))
    case("conventional", "cv.json forest without chosen", cv, lambda d: d.pop("chosen"))
    case("conventional", "cv.json null for an absent optional (maxDepth None)", cv, lambda d: d["chosen"].update(maxDepth=None))
    case("conventional", "cv.json maxFeatures 0.5", cv, lambda d: d["chosen"].update(maxFeatures=0.5))
    case("conventional", "cv.json feature level as a string", cv, lambda d: d["encoder"]["features"][0].update(level="low"))
    case("conventional", "cv.json importance above 1", cv, lambda d: d["importances"].update({next(iter(d["importances"])): 1.5}))
    case("conventional", "cv.json logistic with trees and a grid", cv, lambda d: d.update(classifier="logistic", modelName="conventional-logistic"))
    case("conventional", "model.json version 2", forest, lambda d: d.update(version=2))
    case("conventional", "model.json missing required key model", forest, lambda d: d.pop("model"))
    case("conventional", "model.json forest without forest_file", forest, lambda d: d.pop("forest_file"))
    case("conventional", "model.json forest with logistic coefficients", forest, lambda d: d.update(logistic=copy.deepcopy(logistic["logistic"])))
    case("conventional", "model.json logistic without its fit", logistic, lambda d: d.pop("logistic"))
    case("conventional", "model.json logistic fit pValues entry as a string", logistic, lambda d: d["logistic"]["equations"][0]["pValues"].__setitem__(0, "0.5"))
    case("conventional", "model.json logistic fit missing required key covariance", logistic, lambda d: d["logistic"].pop("covariance"))
    case("conventional", "model.json logistic with trees", logistic, lambda d: d["model"].update(trees=500))
    return cases


FULL_STUDY = {
    "$schema": "../data-schema/study.schema.json", "study": "full", "output": "full", "profile": "quick", "seed": 5,
    "inputs": {"synthetic": {"patients": 60, "seed": 11, "images": False, "image_grid": "reduced"}},
    "label": "pathology", "classes": ["SCC", "ACC", "ONB"],
    "selection": {"screening_alpha": 0.05, "elimination_alpha": 0.1, "reference": "SCC", "method": "firth"},
    "conventional": {"classifiers": ["extratrees", "logistic"], "trees": 10, "folds": 3,
                     "grid": {"max_depth": [3, None], "min_samples_leaf": [5], "max_features": ["sqrt"]}},
    "cnn": {"enabled": False, "architectures": ["resnet18"], "sequences": ["T2WI"], "fusion": ["mean", "max"], "size": 32,
            "epochs": 1, "batch": 8, "optimizer": "sgd", "learning_rate": 0.01, "weight_decay": 0.001, "select_from": 1, "slices_around": 0, "margin": 2,
            "outside_roi": "keep", "normalisation": "percentile", "augment": False, "weights": {}, "parallel": 1,
            "gradcam_per_class": 2, "gradcam_layer": "layer3", "gradcam_min_map": 4, "tta": True},
    # Every radiomics key; off, as the CNNs, since this study has no images.
    "radiomics": {"enabled": False, "params": "radiomics.yaml", "sequences": ["T2WI"], "classifiers": ["svm", "knn"],
                  "per_sequence": False, "combined": True, "combined_classifier": "logistic", "folds": 3, "jobs": 1,
                  "selection": {"impute": "median", "standardise": True, "variance": {"enabled": True, "freqCut": 19, "uniqueCut": 10},
                                "stability": {"enabled": False, "form": "icc3", "threshold": 0.75},
                                "univariate": {"enabled": True, "test": "auto", "alpha": 0.05},
                                "redundancy": {"enabled": True, "method": "spearman", "threshold": 0.9},
                                "mrmr": {"enabled": False, "variant": "mrmr_selection", "count": 20},
                                "lasso": {"enabled": True, "alpha": 1, "folds": 10, "seed": 1, "loss": "deviance",
                                          "rule": "lambda.1se", "grouped": False}}},
    "evaluation": {"cohorts": ["validation", "test"], "bootstrap": 100, "reference": "conventional-logistic"},
    "readers": True, "figure_formats": ["png"],
    # Run here, so the local executor; the slurm section is validated all the same (docs/CLUSTER.md).
    "executor": "local",
    "slurm": {"partition": "cpu", "account": "lab", "time": "01:00:00", "cpus": 2, "memory": "4G", "cnn_cpus": 2, "cnn_memory": "8G",
              "cnn_time": "120", "radiomics_shards": 2, "sbatch_options": ["--qos=normal"], "scratch": "/tmp/sinorad-scratch",
              "sinorad": "/usr/local/bin/sinorad", "check_shared": True, "poll_seconds": 5},
}


def check_study_configs(binary, tmp):
    """The study configs: examples/study.*.json and a config using every key of
    study.schema.json validate against it and pass `sinorad study --check`; broken copies fail
    both; the full config (no CNN) runs, and its folder is returned for the output checks."""
    schema = load_json(ROOT / "study.schema.json")
    check = validator(schema)
    print("  data-schema/study.schema.json: valid draft 2020-12 schema")
    # Every key the schema knows is used by FULL_STUDY (so sinorad must accept each of them).
    def keys(node, prefix=""):
        out = []
        for k, v in node.get("properties", {}).items():
            out.append(prefix + k)
            out += keys(v, prefix + k + ".")
        return out
    def walk(obj, prefix=""):
        found = []
        for k, v in obj.items():
            found.append(prefix + k)
            if isinstance(v, dict) and k not in ("weights",):
                found += walk(v, prefix + k + ".")
        return found
    used = set(walk(FULL_STUDY))
    own = {"cohort", "dictionary", "images", "reads"}
    missing = [k for k in keys(schema) if k not in used and k.split(".")[-1] not in own]
    if missing:
        fail(f"FULL_STUDY does not use the schema keys {missing}")
    examples = sorted((ROOT.parent / "examples").glob("study.*.json"))
    for path in examples:
        ok = report(check.iter_errors(load_json(path)), path.name)
        print(f"  examples/{path.name} vs study.schema.json: {'ok' if ok else 'INVALID'}")
    (tmp / "study").mkdir(exist_ok=True)
    full = tmp / "study" / "full.json"
    full.write_text(json.dumps(FULL_STUDY, indent=1), encoding="utf-8")
    ok = report(check.iter_errors(FULL_STUDY), "full study config")
    own_config = {"study": "own", "inputs": {"cohort": str(tmp / "data" / "cohort.csv"), "dictionary": "sinonasal",
                                              "reads": str(tmp / "data" / "reads.csv")}, "cnn": {"enabled": False}}
    ok = report(check.iter_errors(own_config), "own-inputs study config") and ok
    (tmp / "study" / "own.json").write_text(json.dumps(own_config), encoding="utf-8")
    for name in ["full.json", "own.json"]:
        if run_sinorad(binary, ["study", str(tmp / "study" / name), "--check"], tmp) is None:
            fail(f"sinorad study --check rejected {name}")
    print(f"  a config with every schema key and an own-inputs config: schema {'ok' if ok else 'INVALID'}, sinorad --check ok")
    broken = [("a misspelt key", {**FULL_STUDY, "seeed": 1}), ("an unknown architecture", {**FULL_STUDY, "cnn": {**FULL_STUDY["cnn"], "architectures": ["vgg16"]}}),
              ("a string for an integer", {**FULL_STUDY, "evaluation": {"bootstrap": "lots"}}),
              ("synthetic and own inputs together", {**FULL_STUDY, "inputs": {**FULL_STUDY["inputs"], "cohort": "x.csv"}})]
    for what, config in broken:
        if not list(check.iter_errors(config)):
            fail(f"study.schema.json accepts a config with {what}")
        path = tmp / "study" / "broken.json"
        path.write_text(json.dumps(config), encoding="utf-8")
        result = subprocess.run([str(binary), "study", str(path), "--check"], capture_output=True, text=True, cwd=tmp)
        if result.returncode != 1:
            fail(f"sinorad study --check accepts a config with {what}")
    print(f"  {len(broken)} broken study configs rejected by the schema and by sinorad")
    if run_sinorad(binary, ["study", str(full)], tmp) is None:
        return None
    return tmp / "study" / "full"


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
        check_reads(tmp / "data" / "reads.csv", tmp / "data" / "cohort.csv", ["SCC", "ACC", "ONB"])
        runs = [(what, key, argv, None) for what, key, argv in output_runs(tmp / "data", ROOT / "examples")]
        study = check_study_configs(binary, tmp)
        if study is not None:
            runs += [(f"study {rel}", key, None, study / rel)
                     for rel, key in [("tables/table1.json", "table1"), ("tables/table1_by_cohort.json", "table1"),
                                      ("tables/selection.json", "selection")]]
        runs += model_runs(tmp)
        runs += image_runs(tmp)
        runs += readers_runs(tmp)
        runs += radiomics_runs(tmp)
        for what, key, argv, path in runs:
            if argv is not None:
                text = run_sinorad(binary, argv, tmp)
                if text is None:
                    continue
            if path is not None:
                if not path.is_file():
                    fail(f"{what}: {path.name} was not written")
                    continue
                text = path.read_text(encoding="utf-8")
            try:
                doc = json.loads(text)
            except json.JSONDecodeError as error:
                fail(f"{what}: not JSON ({error})")
                continue
            ok = report(validators[key].iter_errors(doc), f"{what} vs {OUTPUT_SCHEMAS[key]}")
            if key == "conventional" and ok and "format" in doc:  # model.json: same model as cv.json, forest file present
                problems = conventional_problems(doc, outputs.get(what.replace("model.json", "cv.json")))
                if "forest_file" in doc and not (path.parent / doc["forest_file"]).is_file():
                    problems.append(f"forest_file {doc['forest_file']} is not next to model.json")
            else:
                problems = CROSS_CHECKS[key](doc) if ok else []
            for p in problems:
                fail(f"{what}: {p}")
            if ok and not problems:
                outputs[what] = doc  # the broken copies below start from valid outputs only
            print(f"  {what} vs {OUTPUT_SCHEMAS[key]}: {'ok' if ok and not problems else 'INVALID'}")
    needed = ("table1", "select (lrt)", "stat chisq", "stat fisher", "compare", "compare, test patients without ONB (undefined AUCs)",
              "conventional extratrees cv.json", "conventional extratrees model.json", "conventional logistic model.json")
    if not all(n in outputs for n in needed):
        fail(f"broken-output checks not run: they start from valid {', '.join(needed)} outputs")
        return
    cases = broken_copies(outputs) + image_broken_copies(outputs) + readers_broken_copies(outputs) + radiomics_broken_copies(outputs)
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
    print("reads rows:")
    check_reads(ROOT / "examples/reads.example.csv", ROOT / "examples/cohort.example.csv", sinonasal["label"]["classes"])
    check_reads(FIXTURES / "readers/reads.csv", FIXTURES / "readers/truth.csv", sinonasal["label"]["classes"])

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
