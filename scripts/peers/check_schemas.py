"""Checks the files in data-schema/ against their JSON Schemas (draft 2020-12).

- every dictionary (sinonasal.dictionary.json, examples/custom.dictionary.json) against
  dictionary.schema.json, plus the rules JSON Schema cannot express (reference among the
  levels, unique variable names, minimum <= maximum), as VariableDictionary.problems does;
- sinonasal.cohort.schema.json against the schema derived from sinonasal.dictionary.json
  (same columns, levels and missing markers);
- every row of examples/cohort.example.csv against cohort.schema.json and
  sinonasal.cohort.schema.json, and every row of examples/custom.cohort.example.csv against
  cohort.schema.json and the row schema derived from custom.dictionary.json; plus plausible
  ranges and unique ids, which a per-row schema cannot express.

Prints what it checked; exits 1 on any failure.

    python3 scripts/peers/check_schemas.py            # check
    python3 scripts/peers/check_schemas.py --write    # regenerate sinonasal.cohort.schema.json

Needs the `jsonschema` package (4.x).
"""
import argparse, csv, importlib.metadata, json, sys
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


def report(errors, where):
    ok = True
    for error in errors:
        path = "/".join(str(p) for p in error.absolute_path) or "(top)"
        fail(f"{where} at {path}: {error.message}")
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


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write", action="store_true", help="regenerate data-schema/sinonasal.cohort.schema.json")
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

    if failures:
        print(f"{failures} failure(s)")
        sys.exit(1)
    print("all checks passed")


if __name__ == "__main__":
    main()
