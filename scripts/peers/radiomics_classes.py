"""PyRadiomics 3.0.1 feature classes (firstorder, glcm, glrlm, glszm, gldm, ngtdm) on small,
deterministic volumes: the expected values of SinoRadiomics' texture area.

Writes two fixtures:

- Tests/Fixtures/radiomics/classes.json: segment-based values. Each input (a volume and a mask,
  already cropped to the ROI's bounding box as the extractor hands them to the classes) is
  stored once: shape and spacing in array order (z, y, x), values in C order (x fastest), the
  numpy dtype, the mask as a string of 0/1 and the dimension (2 for a 2-D SimpleITK image).
  Each case names an input and the settings passed to every class
  (`radiomics.<class>.Radiomics<Class>(image, mask, **settings)`, all features enabled plus the
  deprecated ones by name) and records what `execute()` returns. A "discretisation" section
  records `imageoperations.binImage` levels for many dtypes, bin widths and bin counts.
- Tests/Fixtures/radiomics/voxel_classes.json: voxel-based maps (`voxelBased=True`) on two small
  ROIs, the image cropped to the ROI box padded by kernelRadius (as the extractor crops it). Map
  values are stored at the ROI's voxels only (C order), rounded to 12 significant digits; every
  other voxel of a map must be initValue (checked here).

NaN is written as null. Run from the repository root:

    .venv-peers/bin/python scripts/peers/radiomics_classes.py
"""
import logging
import os

import numpy as np
import pywt
import radiomics
import scipy
import scipy.ndimage as ndi
import SimpleITK as sitk
from fixture_json import write_fixture
from radiomics import firstorder, glcm, gldm, glrlm, glszm, imageoperations, ngtdm

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "radiomics")
logging.getLogger("radiomics").setLevel(logging.CRITICAL)

CLASSES = {
    "firstorder": firstorder.RadiomicsFirstOrder,
    "glcm": glcm.RadiomicsGLCM,
    "glrlm": glrlm.RadiomicsGLRLM,
    "glszm": glszm.RadiomicsGLSZM,
    "gldm": gldm.RadiomicsGLDM,
    "ngtdm": ngtdm.RadiomicsNGTDM,
}
VERSIONS = {
    "pyradiomics": radiomics.__version__,
    "numpy": np.__version__,
    "SimpleITK": sitk.Version_VersionString(),
    "pywt": pywt.__version__,
    "scipy": scipy.__version__,
}


def num(value, digits=None):
    value = float(value)
    if np.isnan(value):
        return None
    if digits is not None:
        return float(f"{value:.{digits}g}")
    return value


def textured(rng, shape, mean, sd, smooth=1.0):
    """Smoothed Gaussian noise: neighbouring voxels are correlated, so texture matrices are not flat."""
    x = rng.normal(0.0, 1.0, shape)
    if smooth > 0:
        x = ndi.gaussian_filter(x, smooth)
        x /= x.std()
    return mean + sd * x


def ellipsoid(shape, radii):
    idx = np.indices(shape, dtype=np.float64)
    centre = [(s - 1) / 2 for s in shape]
    return sum(((i - c) / r) ** 2 for i, c, r in zip(idx, centre, radii)) <= 1.0


def blob(rng, shape, fraction):
    """An irregular mask: the `fraction` highest voxels of smoothed noise."""
    noise = ndi.gaussian_filter(rng.normal(size=shape), 1.2)
    return noise >= np.quantile(noise, 1.0 - fraction)


def crop(image, mask, pad=0):
    """Crops to the mask's bounding box padded by `pad` (clamped), as cropToTumorMask does."""
    where = np.argwhere(mask)
    lo = np.maximum(where.min(0) - pad, 0)
    hi = np.minimum(where.max(0) + pad, np.array(mask.shape) - 1)
    sl = tuple(slice(a, b + 1) for a, b in zip(lo, hi))
    return image[sl], mask[sl]


def to_sitk(image, mask, spacing, dimension):
    """sitk images from arrays in array order; spacing in array order."""
    if dimension == 2:
        image, mask = image[0], mask[0]
        spacing = spacing[1:]
    img = sitk.GetImageFromArray(image)
    msk = sitk.GetImageFromArray(mask.astype(np.uint32))
    img.SetSpacing([float(s) for s in spacing[::-1]])
    msk.SetSpacing([float(s) for s in spacing[::-1]])
    return img, msk


def input_record(image, mask, spacing, dimension):
    return {
        "shape": list(image.shape),
        "spacing": list(spacing),
        "dtype": str(image.dtype),
        "dimension": dimension,
        "values": [v.item() for v in image.ravel()],
        "mask": "".join("1" if m else "0" for m in mask.ravel()),
    }


def run_class(name, img, msk, settings, voxel=False):
    cls = CLASSES[name](img, msk, **settings)
    cls.enableAllFeatures()
    deprecated = sorted(k for k, v in cls.getFeatureNames().items() if v)
    if not voxel:
        for feature in deprecated:
            cls.enableFeatureByName(feature)
    return cls.execute()


def make_inputs(rng):
    inputs = {}

    # A: textured int16 ellipsoid, anisotropic spacing.
    shape = (9, 13, 15)
    image = np.round(textured(rng, shape, 200, 60, 1.0)).astype(np.int16)
    mask = ellipsoid(shape, (4.2, 6.1, 7.3))
    inputs["ellipsoid_int16"] = (image, mask, (2.5, 0.9, 0.8), 3)

    # B: irregular float64 blob.
    shape = (8, 11, 12)
    image = textured(rng, shape, 0.0, 30.0, 0.8)
    mask = blob(rng, shape, 0.35)
    inputs["irregular_float64"] = (image, mask, (1.2, 1.0, 1.0), 3)

    # C: float32 values on and next to bin edges of width 0.1 (float32 edge arithmetic).
    shape = (6, 9, 10)
    k = rng.integers(3, 30, shape)
    jitter = rng.choice([-1, 0, 0, 1], shape)
    base = (k * np.float32(0.1)).astype(np.float32)
    image = np.nextafter(base, np.where(jitter > 0, np.float32(np.inf), np.float32(-np.inf))).astype(np.float32)
    image = np.where(jitter == 0, base, image).astype(np.float32)
    mask = blob(rng, shape, 0.5)
    inputs["edges_float32"] = (image, mask, (1.5, 0.7, 0.7), 3)

    # D: a 2-D image (SimpleITK 2-D) with an irregular mask.
    shape = (1, 14, 16)
    image = np.round(textured(rng, shape[1:], 80, 25, 1.0)).astype(np.int16)[None]
    mask = blob(rng, shape[1:], 0.45)[None]
    inputs["slice2d_int16"] = (image, mask, (1.0, 0.7, 0.5), 2)

    # E: a single-slice ROI in a 3-D image (dimension 3, z extent 1), float32.
    shape = (1, 10, 11)
    image = textured(rng, shape, 50, 20, 1.0).astype(np.float32)
    mask = blob(rng, shape, 0.5)
    inputs["single_slice_float32"] = (image, mask, (3.0, 0.8, 0.8), 3)

    # F: a tiny ROI (5 voxels in a 3 x 3 x 2 box).
    image = np.array(rng.integers(0, 120, (2, 3, 3)), dtype=np.int16)
    mask = np.zeros((2, 3, 3), bool)
    for idx in [(0, 0, 0), (0, 1, 1), (1, 1, 2), (1, 2, 2), (0, 2, 0)]:
        mask[idx] = True
    inputs["tiny_int16"] = (image, mask, (1.0, 1.0, 1.0), 3)

    # G: a flat ROI (one value, not exactly representable) in an irregular mask.
    shape = (5, 7, 6)
    image = np.full(shape, 0.3)  # its float mean is not exactly 0.3: skewness 1, kurtosis 1 in NumPy
    mask = blob(rng, shape, 0.5)
    image[~mask] = 7.0
    inputs["flat_float64"] = (image, mask, (1.0, 1.0, 1.0), 3)

    # H: few levels in a small box: product-form co-occurrence matrices (HXY1/HXY2 equal to
    # HXY exactly in NumPy) and second MCC eigenvalues at 0 up to rounding.
    image = (rng.integers(0, 4, (3, 5, 4)) * 10).astype(np.int16)
    mask = rng.random((3, 5, 4)) < 0.7
    inputs["few_levels_int16"] = (image, mask, (1.0, 1.0, 1.0), 3)

    # Crop every input to its ROI's bounding box.
    return {name: crop(image, mask) + (spacing, dimension) for name, (image, mask, spacing, dimension) in inputs.items()}


CASES = [
    ("ellipsoid_int16", {}),
    ("ellipsoid_int16", {"binWidth": 10, "distances": [1, 2], "voxelArrayShift": 50}),
    ("ellipsoid_int16", {"binCount": 12, "symmetricalGLCM": False}),
    ("ellipsoid_int16", {"binWidth": 15, "distances": [2], "gldm_a": 1, "weightingNorm": "infinity"}),
    ("ellipsoid_int16", {"binWidth": 20, "force2D": True, "force2Ddimension": 0, "weightingNorm": "euclidean"}),
    ("ellipsoid_int16", {"binWidth": 20, "force2D": True, "force2Ddimension": 1, "weightingNorm": "manhattan"}),
    ("ellipsoid_int16", {"binWidth": 20, "force2D": True, "force2Ddimension": 2, "weightingNorm": "no_weighting"}),
    ("irregular_float64", {"binWidth": 5}),
    ("irregular_float64", {"binCount": 20, "distances": [1, 2], "gldm_a": 1}),
    ("edges_float32", {"binWidth": 0.1}),
    ("edges_float32", {"binCount": 7, "symmetricalGLCM": False}),
    ("slice2d_int16", {"binWidth": 15}),
    ("slice2d_int16", {"binWidth": 10, "force2D": True, "force2Ddimension": 0, "distances": [1, 2]}),
    ("single_slice_float32", {"binWidth": 8, "weightingNorm": "manhattan"}),
    ("tiny_int16", {}),
    ("tiny_int16", {"binWidth": 10, "distances": [2]}),
    ("flat_float64", {}),
    ("flat_float64", {"binCount": 8, "voxelArrayShift": 3}),
    ("few_levels_int16", {"binWidth": 10}),
    ("few_levels_int16", {"binCount": 6, "distances": [2], "symmetricalGLCM": False, "gldm_a": 1}),
]


def discretisation_cases(rng):
    """binImage levels for many dtypes and settings (values on, next to and between edges)."""
    cases = []
    specs = [
        ("int16", {"binWidth": 25}), ("int16", {"binWidth": 7}), ("uint8", {"binWidth": 10}), ("int16", {"binCount": 16}),
        ("uint8", {"binCount": 5}), ("int16", {"binCount": 1}), ("float64", {"binWidth": 0.1}), ("float64", {"binWidth": 2.5}),
        ("float64", {"binWidth": 0.3}), ("float64", {"binCount": 9}), ("float32", {"binWidth": 0.1}), ("float32", {"binWidth": 0.3}),
        ("float32", {"binWidth": 2.5}), ("float32", {"binWidth": 0.7}), ("float32", {"binCount": 9}), ("float32", {"binCount": 32}),
        ("float64", {"binWidth": 25}), ("float32", {"binWidth": 25}), ("int16", {"binWidth": 0.3}), ("float32", {"binWidth": 0.05}),
    ]
    for dtype, settings in specs:
        for variant in range(3):
            n = 40
            if dtype in ("int16", "uint8"):
                lo = 0 if dtype == "uint8" else -300
                values = rng.integers(lo, lo + 250, n)
            else:
                w = settings.get("binWidth", 0.37)
                k = rng.integers(-40, 40, n)
                values = k * w + rng.choice([0.0, 0.0, 1e-7, -1e-7, 0.5 * w, 1e-15], n)
            if variant == 2:
                values[:] = values[0]  # flat
            values = np.asarray(values).astype(dtype)
            levels, _ = imageoperations.binImage(values, np.ones(n, bool), **settings)
            cases.append({"dtype": dtype, "settings": settings, "values": [v.item() for v in values], "levels": [int(v) for v in levels]})
    # Integer bounds that wrap (uint8 + 2 x 10 > 255): one edge (the flat-region branch), and a
    # wrapped second edge (decreasing edges, digitize's mirrored rule).
    for values in ([9, 100, 246, 13], [250, 250, 250], [200, 251, 255, 230]):
        values = np.array(values, dtype=np.uint8)
        levels, _ = imageoperations.binImage(values, np.ones(len(values), bool), binWidth=10)
        cases.append({"dtype": "uint8", "settings": {"binWidth": 10}, "values": [v.item() for v in values], "levels": [int(v) for v in levels]})
    return cases


def segment_fixture(rng):
    inputs = make_inputs(rng)
    fixture = {"generator": "scripts/peers/radiomics_classes.py", "versions": VERSIONS, "inputs": {}, "cases": []}
    for name, (image, mask, spacing, dimension) in inputs.items():
        fixture["inputs"][name] = input_record(image, mask, spacing, dimension)
    for input_name, settings in CASES:
        image, mask, spacing, dimension = inputs[input_name]
        img, msk = to_sitk(image, mask, spacing, dimension)
        case = {"input": input_name, "settings": settings, "expected": {}}
        for cls in CLASSES:
            values = run_class(cls, img, msk, settings)
            case["expected"][cls] = {k: num(v) for k, v in values.items()}
        fixture["cases"].append(case)
    fixture["discretisation"] = discretisation_cases(rng)
    return fixture


VOXEL_RUNS = [
    ("box_int16", {"binWidth": 20}, {"kernelRadius": 1}, list(CLASSES)),
    ("blob_float64", {"binWidth": 8}, {"kernelRadius": 1, "initValue": -1}, list(CLASSES)),
    ("blob_float64", {"binWidth": 8}, {"kernelRadius": 1, "maskedKernel": False}, ["firstorder", "glcm", "glrlm", "ngtdm"]),
    ("blob_float64", {"binCount": 6, "distances": [1, 2]}, {"kernelRadius": 2}, ["glcm", "glrlm", "glszm", "gldm"]),
    ("flat_float64", {"binWidth": 25}, {"kernelRadius": 1}, ["glcm", "ngtdm"]),
]


def voxel_fixture(rng):
    # Full images; each run crops them to the ROI box padded by kernelRadius.
    images = {}
    shape = (7, 8, 9)
    image = np.round(textured(rng, shape, 100, 40, 0.8)).astype(np.int16)
    mask = np.zeros(shape, bool)
    mask[2:5, 2:6, 2:7] = True  # a full box: every kernel has every angle
    images["box_int16"] = (image, mask, (2.0, 0.8, 0.9))
    shape = (8, 9, 9)
    image = textured(rng, shape, 10, 12, 0.8)
    noise = ndi.gaussian_filter(rng.normal(size=shape), 1.0)
    core = np.zeros(shape, bool)
    core[2:6, 2:7, 2:7] = True
    mask = core & (noise >= np.quantile(noise[core], 0.45))
    images["blob_float64"] = (image, mask, (1.0, 1.1, 0.9))

    # One grey level (Ng = 1): MCC is 1, InverseVariance 0 even in kernels with empty angles.
    shape = (4, 6, 6)
    mask = np.zeros(shape, bool)
    mask[1:3, 1:5, 1:5] = rng.random((2, 4, 4)) < 0.6
    images["flat_float64"] = (np.full(shape, 3.0), mask, (1.0, 1.0, 1.0))

    fixture = {"generator": "scripts/peers/radiomics_classes.py", "versions": VERSIONS, "runs": []}
    for name, settings, voxel_settings, classes in VOXEL_RUNS:
        full_image, full_mask, spacing = images[name]
        image, mask = crop(full_image, full_mask, voxel_settings["kernelRadius"])
        img, msk = to_sitk(image, mask, spacing, 3)
        run = {"input": input_record(image, mask, spacing, 3), "name": name, "settings": settings, "voxelSettings": voxel_settings, "maps": {}}
        init = voxel_settings.get("initValue", 0)
        for cls in classes:
            maps = run_class(cls, img, msk, dict(settings, voxelBased=True, **voxel_settings), voxel=True)
            for feature, value in maps.items():
                array = sitk.GetArrayFromImage(value)
                assert np.all(array[~mask] == init), (cls, feature)
                run["maps"][f"{cls}_{feature}"] = [num(v, 12) for v in array[mask]]
        fixture["runs"].append(run)
    return fixture


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(20250607)
    write_fixture(os.path.join(OUT, "classes.json"), segment_fixture(rng))
    write_fixture(os.path.join(OUT, "voxel_classes.json"), voxel_fixture(rng))


if __name__ == "__main__":
    main()
