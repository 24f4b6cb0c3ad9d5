"""PyRadiomics 3.0.1 side of bench/radiomics.sh (one thread, its C extensions).

    pyradiomics_bench.py batch CASES.csv LIMIT PARAMS   extract the first LIMIT cases (0: all) of a batch CSV
    pyradiomics_bench.py case IMAGE MASK PARAMS REPEATS extract one case REPEATS times
    pyradiomics_bench.py voxel IMAGE MASK PARAMS        voxel-based extraction of one case, once

Prints one JSON object: seconds per case (the fastest of the repeats, and their median, where
there are repeats), the cases run, the feature count and the peak resident memory (MiB).
"""
import csv
import json
import logging
import os
import resource
import statistics
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import radiomics  # noqa: E402
from radiomics import featureextractor  # noqa: E402

radiomics.setVerbosity(logging.CRITICAL)
logging.getLogger("radiomics").setLevel(logging.CRITICAL)


def peak_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def extractor(params):
    return featureextractor.RadiomicsFeatureExtractor(params) if params not in ("", "-") else featureextractor.RadiomicsFeatureExtractor()


def main():
    mode = sys.argv[1]
    if mode == "batch":
        path, limit, params = sys.argv[2], int(sys.argv[3]), sys.argv[4]
        with open(path) as handle:
            rows = list(csv.DictReader(handle))
        if limit > 0:
            rows = rows[:limit]
        ext = extractor(params)
        base = os.path.dirname(path)
        start = time.perf_counter()
        features = 0
        for row in rows:
            result = ext.execute(os.path.join(base, row["Image"]), os.path.join(base, row["Mask"]))
            features = sum(1 for k in result if not k.startswith("diagnostics_"))
        seconds = time.perf_counter() - start
        print(json.dumps({"cases": len(rows), "seconds": seconds, "seconds_per_case": seconds / len(rows),
                          "features": features, "peak_memory_mib": peak_mib()}))
    elif mode == "case":
        image, mask, params, repeats = sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
        ext = extractor(params)
        times = []
        features = 0
        for _ in range(repeats):
            start = time.perf_counter()
            result = ext.execute(image, mask)
            times.append(time.perf_counter() - start)
            features = sum(1 for k in result if not k.startswith("diagnostics_"))
        # The fastest run, as bench/radiomics.sh takes the fastest of three SinoRad processes.
        print(json.dumps({"cases": repeats, "seconds_per_case": min(times), "median_seconds": statistics.median(times),
                          "features": features, "peak_memory_mib": peak_mib()}))
    elif mode == "voxel":
        image, mask, params = sys.argv[2], sys.argv[3], sys.argv[4]
        ext = extractor(params)
        start = time.perf_counter()
        result = ext.execute(image, mask, voxelBased=True)
        seconds = time.perf_counter() - start
        maps = sum(1 for k in result if not k.startswith("diagnostics_"))
        print(json.dumps({"cases": 1, "seconds_per_case": seconds, "features": maps, "peak_memory_mib": peak_mib()}))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
