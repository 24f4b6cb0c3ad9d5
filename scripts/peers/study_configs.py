"""Study configs and what the JSON Schema says of each: the corpus that keeps the study
config's Swift types (Sources/SinoStudy/Config) and data-schema/study.schema.json in step.

Each case is a config object (one change from a valid base: a wrong type, a value out of range,
an unknown key or name, null, a repeated entry, a missing or forbidden input) and jsonschema's
verdict on it (Draft 2020-12 validator of the schema). Tests/SinoStudyTests decodes every case
with StudyConfig's decoder (structure only: files are not checked, as a schema cannot) and
expects the same verdict.

    .venv-peers/bin/python scripts/peers/study_configs.py
"""
import copy, json
from importlib.metadata import version
from pathlib import Path
import jsonschema

root = Path(__file__).resolve().parents[2]
schema = json.loads((root / "data-schema/study.schema.json").read_text())
validator = jsonschema.Draft202012Validator(schema)

own = {"study": "own", "profile": "paper", "seed": 7, "inputs": {"cohort": "cohort.csv", "dictionary": "sinonasal",
       "images": "images", "reads": "reads.csv"}, "label": "pathology", "classes": ["SCC", "ACC", "ONB"],
       "selection": {"screening_alpha": 0.1, "elimination_alpha": 0.05, "reference": "SCC", "method": "firth"},
       "conventional": {"classifiers": ["extratrees", "randomforest", "logistic"], "trees": 100, "folds": 3,
                        "grid": {"max_depth": [3, None], "min_samples_leaf": [5, 1], "max_features": ["sqrt"]}},
       "cnn": {"enabled": True, "architectures": ["resnet50", "densenet121"], "sequences": ["T2WI", "ADC"], "fusion": ["mean", "max"],
               "size": 224, "epochs": 30, "batch": 16, "optimizer": "sgd", "learning_rate": 0.01, "weight_decay": 0.0001,
               "select_from": 5, "slices_around": 1, "margin": 10, "outside_roi": "keep", "normalisation": "percentile",
               "augment": False, "weights": {"resnet50": "w/resnet50.safetensors"}, "parallel": 2, "gradcam_per_class": 3,
               "gradcam_layer": "layer3", "gradcam_min_map": 7, "tta": True},
       "radiomics": {"enabled": True, "params": "radiomics.yaml", "sequences": ["T2WI", "ADC"], "classifiers": ["svm", "xgboost"],
                     "per_sequence": True, "combined": True, "combined_classifier": "logistic", "folds": 5, "jobs": 2,
                     "selection": {"impute": "median", "standardise": True, "variance": {"enabled": True, "freqCut": 19, "uniqueCut": 10},
                                   "stability": {"enabled": False}, "univariate": {"test": "auto", "alpha": 0.05},
                                   "redundancy": {"method": "spearman", "threshold": 0.9},
                                   "mrmr": {"enabled": True, "variant": "mrmr_selection", "count": 20},
                                   "lasso": {"alpha": 1, "folds": 10, "seed": 1, "loss": "deviance", "rule": "lambda.1se", "grouped": False}}},
       "evaluation": {"cohorts": ["test"], "bootstrap": 500, "reference": "resnet50-mean"},
       "readers": True, "figure_formats": ["png", "pdf"], "executor": "slurm",
       "slurm": {"partition": "cpu", "account": "lab", "time": "1-02:00:00", "cpus": 2, "memory": "4G", "cnn_cpus": 4,
                 "cnn_memory": "16G", "cnn_time": "720", "radiomics_shards": 8, "sbatch_options": ["--qos=long"],
                 "scratch": "/scratch/me", "sinorad": "/opt/sinorad/bin/sinorad", "check_shared": False, "poll_seconds": 10}}
synthetic = {"study": "syn", "inputs": {"synthetic": {"patients": 120, "seed": 3, "images": True, "image_grid": "reduced"}}}

def changed(base, path, value):
    config = copy.deepcopy(base)
    node = config
    for key in path[:-1]:
        node = node[key]
    if value is DELETE:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return config

DELETE = object()
cases = [("own, every key", own), ("synthetic", synthetic), ("empty object", {}), ("schema key", {"$schema": "x"})]
edits = [
    (["seed"], -1), (["seed"], 1.5), (["seed"], "1"), (["seed"], None), (["seed"], True), (["seeed"], 1),
    (["study"], ""), (["study"], "a/b"), (["study"], ".hidden"), (["profile"], "fast"), (["profile"], "paper"),
    (["classes"], []), (["classes"], ["SCC", "SCC"]), (["label"], 3), (["readers"], "yes"),
    (["figure_formats"], ["svg"]), (["figure_formats"], ["png", "png"]), (["figure_formats"], ["png", "gif"]), (["figure_formats"], []),
    (["inputs", "cohort"], DELETE), (["inputs", "synthetic"], {"patients": 50}), (["inputs", "cohort"], 5), (["inputs", "extra"], "x"),
    (["selection", "screening_alpha"], 0), (["selection", "screening_alpha"], 1), (["selection", "screening_alpha"], 0.5),
    (["selection", "elimination_alpha"], "0.05"), (["selection", "method"], "firt"), (["selection", "method"], "ml"),
    (["selection", "reference"], None), (["selection", "alpha"], 0.1),
    (["conventional", "classifiers"], []), (["conventional", "classifiers"], ["svm"]), (["conventional", "classifiers"], ["logistic", "logistic"]),
    (["conventional", "trees"], 0), (["conventional", "trees"], 100001), (["conventional", "folds"], 1), (["conventional", "folds"], 21),
    (["conventional", "grid", "max_depth"], []), (["conventional", "grid", "max_depth"], [0]), (["conventional", "grid", "max_depth"], [None]),
    (["conventional", "grid", "min_samples_leaf"], [None]), (["conventional", "grid", "min_samples_leaf"], [0]),
    (["conventional", "grid", "max_features"], ["log2"]), (["conventional", "grid", "max_features"], ["all", "all"]),
    (["conventional", "grid", "depth"], [3]),
    (["cnn", "architectures"], ["vgg16"]), (["cnn", "architectures"], []), (["cnn", "architectures"], ["resnet18", "resnet18"]),
    (["cnn", "sequences"], []), (["cnn", "fusion"], []), (["cnn", "fusion"], ["median"]), (["cnn", "size"], 15), (["cnn", "size"], 1025),
    (["cnn", "epochs"], 0), (["cnn", "batch"], 4097), (["cnn", "optimizer"], "adam"), (["cnn", "learning_rate"], 0),
    (["cnn", "learning_rate"], 10), (["cnn", "weight_decay"], 0), (["cnn", "weight_decay"], 1), (["cnn", "weight_decay"], -0.1),
    (["cnn", "select_from"], 0), (["cnn", "slices_around"], -1), (["cnn", "margin"], 1001), (["cnn", "outside_roi"], "crop"),
    (["cnn", "normalisation"], "minmax"), (["cnn", "augment"], 1), (["cnn", "weights"], {"vgg16": "x"}), (["cnn", "weights"], {"resnet50": 3}),
    (["cnn", "parallel"], 0), (["cnn", "gradcam_per_class"], 51), (["cnn", "gradcam_layer"], ""), (["cnn", "gradcam_min_map"], 0),
    (["cnn", "tta"], None), (["cnn", "optimiser"], "sgd"),
    (["evaluation", "cohorts"], []), (["evaluation", "cohorts"], ["test", "test"]), (["evaluation", "bootstrap"], 99),
    (["evaluation", "bootstrap"], "lots"), (["evaluation", "reference"], 1),
    (["cnn"], []), (["selection"], "strict"),
    (["radiomics", "classifiers"], ["svc"]), (["radiomics", "classifiers"], []), (["radiomics", "sequences"], []),
    (["radiomics", "folds"], 1), (["radiomics", "per_sequence"], "yes"), (["radiomics", "combined_classifier"], "tree"),
    (["radiomics", "jobs"], 0), (["radiomics", "param"], "x.yaml"), (["radiomics", "selection"], "lasso"),
    (["radiomics", "selection", "lasso", "alpha"], 1.5), (["radiomics", "selection", "lasso", "rule"], "lambda.2se"),
    (["radiomics", "selection", "lasso", "folds"], 2), (["radiomics", "selection", "mrmr", "variant"], "pymrmr"),
    (["radiomics", "selection", "mrmr", "count"], 0), (["radiomics", "selection", "univariate", "alpha"], 0),
    (["radiomics", "selection", "impute"], "zero"), (["radiomics", "selection", "lassoo"], {}),
    (["radiomics", "selection", "variance", "enabled"], 1), (["radiomics", "selection", "stability", "form"], "ICC3"),
    (["radiomics", "selection", "redundancy", "threshold"], 1.1), (["radiomics", "enabled"], False),
    (["executor"], "slrum"), (["executor"], "local"), (["slurm", "partiton"], "cpu"), (["slurm", "partition"], "my cpu"),
    (["slurm", "time"], "two hours"), (["slurm", "time"], "UNLIMITED"), (["slurm", "time"], "30:00"), (["slurm", "time"], "1:30:00:00"),
    (["slurm", "memory"], "4 GB"), (["slurm", "memory"], "0G"), (["slurm", "memory"], 4096), (["slurm", "cpus"], 0),
    (["slurm", "cnn_cpus"], 1.5), (["slurm", "radiomics_shards"], 0), (["slurm", "sbatch_options"], ["qos=long"]),
    (["slurm", "sbatch_options"], "--qos=long"), (["slurm", "scratch"], ""), (["slurm", "check_shared"], "no"),
    (["slurm", "poll_seconds"], 0), (["slurm"], DELETE), (["slurm"], {}),
]
for path, value in edits:
    cases.append((".".join(path) + " = " + ("(deleted)" if value is DELETE else json.dumps(value)), changed(own, path, value)))
cases.append(("synthetic with a cohort", changed(synthetic, ["inputs", "cohort"], "c.csv")))
cases.append(("synthetic with reads", changed(synthetic, ["inputs", "reads"], "r.csv")))
cases.append(("synthetic patients 29", changed(synthetic, ["inputs", "synthetic", "patients"], 29)))
cases.append(("synthetic image_grid small", changed(synthetic, ["inputs", "synthetic", "image_grid"], "small")))
cases.append(("synthetic images 0", changed(synthetic, ["inputs", "synthetic", "images"], 0)))
cases.append(("synthetic unknown key", changed(synthetic, ["inputs", "synthetic", "grid"], "reduced")))

out = {"tool": {"jsonschema": version("jsonschema")}, "schema": "data-schema/study.schema.json",
       "cases": [{"name": name, "config": config, "valid": validator.is_valid(config)} for name, config in cases]}
path = root / "Tests/Fixtures/study_configs.json"
path.write_text(json.dumps(out, separators=(",", ":")) + "\n")
print(f"{len(cases)} configs, {sum(c['valid'] for c in out['cases'])} valid -> {path.relative_to(root)}")
