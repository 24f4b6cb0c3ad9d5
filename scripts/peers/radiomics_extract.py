"""End-to-end radiomics fixtures: PyRadiomics 3.0.1's RadiomicsFeatureExtractor.execute on files.

Writes small image and mask files (NIfTI .nii.gz and NRRD .nrrd, written by SimpleITK) and
PyRadiomics parameter files into Tests/Fixtures/radiomics/extract/, runs the reference
extractor on each case and records, in extract.json, every output key in PyRadiomics' order:
features as numbers, diagnostics as numbers or lists of numbers where they are numeric (hashes,
versions and the configuration as text). Cases that PyRadiomics refuses are recorded with
"error" (the exception's text) and SinoRad must refuse them too.

The volumes are made here from a seeded numpy generator: textured ellipsoids and irregular
shapes (holes, two components), anisotropic spacing, an oblique direction, a 2-D image, a tiny
ROI, a flat ROI, a multi-label mask, float32 and int16 images.

    .venv-peers/bin/python scripts/peers/radiomics_extract.py
"""
import logging
import os
import sys

import numpy as np
import pywt
import SimpleITK as sitk
import radiomics
from radiomics import featureextractor
from fixture_json import write_fixture

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "radiomics", "extract")
logging.getLogger("radiomics").setLevel(logging.CRITICAL)
radiomics.setVerbosity(logging.CRITICAL)


def rotation(degrees):
    a, b, c = np.deg2rad(degrees)
    rx = np.array([[1, 0, 0], [0, np.cos(a), -np.sin(a)], [0, np.sin(a), np.cos(a)]])
    ry = np.array([[np.cos(b), 0, np.sin(b)], [0, 1, 0], [-np.sin(b), 0, np.cos(b)]])
    rz = np.array([[np.cos(c), -np.sin(c), 0], [np.sin(c), np.cos(c), 0], [0, 0, 1]])
    return rz @ ry @ rx


def textured(shape, rng, base=300.0, amplitude=120.0, noise=25.0, slope=1.0):
    """A smooth texture plus noise, array order (z, y, x)."""
    z, y, x = np.indices(shape, dtype=np.float64)
    value = base + amplitude * np.sin(0.9 * x + 0.3 * z) * np.cos(0.7 * y) + slope * (2.5 * x - 1.5 * y + 4.0 * z)
    return value + noise * rng.standard_normal(shape)


def ellipsoid(shape, centre, radii):
    z, y, x = np.indices(shape, dtype=np.float64)
    return ((z - centre[0]) / radii[0]) ** 2 + ((y - centre[1]) / radii[1]) ** 2 + ((x - centre[2]) / radii[2]) ** 2 <= 1.0


def irregular(shape, rng):
    """Three overlapping blobs, a hole and a separate small component."""
    mask = np.zeros(shape, dtype=bool)
    for _ in range(3):
        centre = [rng.uniform(0.35, 0.65) * s for s in shape]
        radii = [rng.uniform(0.15, 0.3) * s for s in shape]
        mask |= ellipsoid(shape, centre, radii)
    centre = [s // 2 for s in shape]
    mask[centre[0], centre[1] - 1:centre[1] + 1, centre[2] - 1:centre[2] + 2] = False
    mask[1:3, 1:3, 1:3] = True
    return mask


def image_of(array, spacing, origin=(0.0, 0.0, 0.0), direction=None, dtype=None):
    arr = array.astype(dtype) if dtype is not None else array
    img = sitk.GetImageFromArray(arr)
    img.SetSpacing(tuple(float(s) for s in spacing))
    img.SetOrigin(tuple(float(o) for o in origin))
    if direction is not None:
        img.SetDirection(tuple(float(v) for v in np.asarray(direction).ravel()))
    return img


def write(img, name):
    path = os.path.join(OUT, name)
    sitk.WriteImage(img, path, True)
    return name


def write_params(name, text):
    with open(os.path.join(OUT, name), "w") as handle:
        handle.write(text)
    return name


def jsonable(value):
    """A PyRadiomics output value as JSON: numbers as numbers, tuples as lists, the rest as text."""
    if isinstance(value, np.ndarray):
        value = value.item() if value.ndim == 0 else value.tolist()
    if isinstance(value, (np.floating, np.integer)):
        value = value.item()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        return float(value) if not (isinstance(value, float) and np.isnan(value)) else "nan"
    if isinstance(value, tuple) and all(isinstance(v, (int, float, np.integer, np.floating)) for v in value):
        return [float(v) for v in value]
    return str(value)


def run_case(case):
    params = os.path.join(OUT, case["params"]) if case.get("params") else None
    extractor = featureextractor.RadiomicsFeatureExtractor(params) if params else featureextractor.RadiomicsFeatureExtractor()
    record = {key: case[key] for key in ("name", "image", "mask", "params", "label", "voxel", "notes") if case.get(key) is not None}
    try:
        result = extractor.execute(os.path.join(OUT, case["image"]), os.path.join(OUT, case["mask"]),
                                   label=case.get("label"), voxelBased=case.get("voxel", False))
    except Exception as error:  # the reference refuses the case: SinoRad must refuse it too
        record["error"] = f"{type(error).__name__}: {error}"
        return record
    if case.get("voxel"):
        maps = {}
        for key, value in result.items():
            if isinstance(value, sitk.Image):
                array = sitk.GetArrayFromImage(value).astype(np.float64)
                maps[key] = {"size": list(value.GetSize()), "origin": list(value.GetOrigin()),
                             "values": [float(v) for v in array.ravel()]}
            else:
                maps[key] = jsonable(value)
        record["output"] = [[k, v] for k, v in maps.items()]
    else:
        record["output"] = [[k, jsonable(v)] for k, v in result.items()]
    return record


ALL_TYPES = """imageType:
  Original: {}
  LoG:
    sigma: [1.0, 2, 3.0]
  Wavelet: {}
  Square: {}
  SquareRoot: {}
  Logarithm: {}
  Exponential: {}
  Gradient: {}
  LBP2D: {}
featureClass:
  firstorder:
  glcm:
  glrlm:
  glszm:
  gldm:
  ngtdm:
setting:
  binWidth: 25
  label: 1
"""


def main():
    os.makedirs(OUT, exist_ok=True)
    for old in os.listdir(OUT):
        os.remove(os.path.join(OUT, old))
    rng = np.random.default_rng(20261202)
    cases = []

    # 1-2. A textured ellipsoid, anisotropic, int16; NIfTI and NRRD; defaults and every image type.
    shape = (12, 26, 24)
    tex = textured(shape, rng)
    ell = ellipsoid(shape, (5.5, 12.5, 11.0), (4.2, 8.5, 7.5))
    spacing = (0.8, 0.75, 2.5)
    write(image_of(tex, spacing, (10.0, -20.0, 5.0), dtype=np.int16), "ellipsoid_int16.nii.gz")
    write(image_of(ell.astype(np.uint8), spacing, (10.0, -20.0, 5.0)), "ellipsoid_mask.nii.gz")
    write(image_of(tex, spacing, (10.0, -20.0, 5.0), dtype=np.int16), "ellipsoid_int16.nrrd")
    write(image_of(ell.astype(np.uint8), spacing, (10.0, -20.0, 5.0)), "ellipsoid_mask.nrrd")
    cases.append({"name": "defaults_nifti", "image": "ellipsoid_int16.nii.gz", "mask": "ellipsoid_mask.nii.gz"})
    cases.append({"name": "defaults_nrrd", "image": "ellipsoid_int16.nrrd", "mask": "ellipsoid_mask.nrrd"})
    cases.append({"name": "all_image_types", "image": "ellipsoid_int16.nrrd", "mask": "ellipsoid_mask.nrrd",
                  "params": write_params("all_image_types.yaml", ALL_TYPES)})
    cases.append({"name": "all_classes_file", "image": "ellipsoid_int16.nii.gz", "mask": "ellipsoid_mask.nii.gz",
                  "params": write_params("all_classes.yaml", "setting:\n  binWidth: 10\n  additionalInfo: true\n")})

    # 3. An irregular ROI in a float32 image with an oblique direction; bin count, normalisation, resegmentation.
    shape = (14, 22, 20)
    irr = irregular(shape, rng)
    flt = (textured(shape, rng, base=1.5, amplitude=0.6, noise=0.15, slope=0.02)).astype(np.float32)
    oblique = rotation((12.0, -7.0, 25.0))
    write(image_of(flt, (1.1, 0.9, 1.7), (-3.0, 4.0, 50.0), oblique), "irregular_float32.nrrd")
    write(image_of(irr.astype(np.uint8), (1.1, 0.9, 1.7), (-3.0, 4.0, 50.0), oblique), "irregular_mask.nrrd")
    write(image_of(flt, (1.1, 0.9, 1.7), (-3.0, 4.0, 50.0), oblique), "irregular_float32.nii.gz")
    write(image_of(irr.astype(np.uint8), (1.1, 0.9, 1.7), (-3.0, 4.0, 50.0), oblique), "irregular_mask.nii.gz")
    cases.append({"name": "float32_bincount", "image": "irregular_float32.nrrd", "mask": "irregular_mask.nrrd",
                  "params": write_params("bincount.yaml", "setting:\n  binCount: 16\n")})
    cases.append({"name": "float32_binwidth_nifti", "image": "irregular_float32.nii.gz", "mask": "irregular_mask.nii.gz",
                  "params": write_params("binwidth_small.yaml", "setting:\n  binWidth: 0.05\n  voxelArrayShift: 2\n")})
    cases.append({"name": "normalize_outliers", "image": "irregular_float32.nrrd", "mask": "irregular_mask.nrrd",
                  "params": write_params("normalize.yaml", "setting:\n  normalize: true\n  normalizeScale: 100\n"
                                         "  removeOutliers: 2.5\n  binWidth: 5\n")})
    for mode, values in (("absolute", "[1.2, 2.0]"), ("relative", "[0.5]"), ("sigma", "[-1.5, 1.5]")):
        cases.append({"name": f"resegment_{mode}", "image": "irregular_float32.nrrd", "mask": "irregular_mask.nrrd",
                      "params": write_params(f"resegment_{mode}.yaml", f"setting:\n  binWidth: 0.1\n  resegmentRange: {values}\n"
                                             f"  resegmentMode: {mode}\n")})
    cases.append({"name": "resegment_shape", "image": "irregular_float32.nrrd", "mask": "irregular_mask.nrrd",
                  "params": write_params("resegment_shape.yaml", "setting:\n  binWidth: 0.1\n  resegmentRange: [1.0]\n"
                                         "  resegmentShape: true\n")})

    # 4. Resampling with each interpolator (int16 and float32 images).
    for name in ("sitkNearestNeighbor", "sitkLinear", "sitkBSpline", "sitkGaussian", "sitkLabelGaussian",
                 "sitkHammingWindowedSinc", "sitkCosineWindowedSinc", "sitkWelchWindowedSinc",
                 "sitkLanczosWindowedSinc", "sitkBlackmanWindowedSinc"):
        cases.append({"name": f"resample_{name}", "image": "ellipsoid_int16.nrrd", "mask": "ellipsoid_mask.nrrd",
                      "params": write_params(f"resample_{name}.yaml", f"setting:\n  resampledPixelSpacing: [1, 1, 1]\n"
                                             f"  interpolator: {name}\n  padDistance: 3\n")})
    cases.append({"name": "resample_float32_bspline", "image": "irregular_float32.nrrd", "mask": "irregular_mask.nrrd",
                  "params": write_params("resample_float.yaml", "setting:\n  resampledPixelSpacing: [1.5, 0, 1.2]\n"
                                         "  binWidth: 0.1\n")})
    cases.append({"name": "precrop", "image": "ellipsoid_int16.nrrd", "mask": "ellipsoid_mask.nrrd",
                  "params": write_params("precrop.yaml", "setting:\n  preCrop: true\n  padDistance: 2\n"
                                         "imageType:\n  Original: {}\n  Square: {}\n  Exponential: {}\n")})

    # 5. Texture settings: force2D, distances, weighting norms, asymmetric GLCM, gldm_a.
    for dim in (0, 1, 2):
        cases.append({"name": f"force2D_{dim}", "image": "ellipsoid_int16.nii.gz", "mask": "ellipsoid_mask.nii.gz",
                      "params": write_params(f"force2d_{dim}.yaml", f"setting:\n  force2D: true\n  force2Ddimension: {dim}\n"
                                             "featureClass:\n  firstorder:\n  glcm:\n  glrlm:\n  glszm:\n  gldm:\n  ngtdm:\n")})
    for norm in ("infinity", "euclidean", "manhattan", "no_weighting"):
        cases.append({"name": f"weighting_{norm}", "image": "irregular_float32.nrrd", "mask": "irregular_mask.nrrd",
                      "params": write_params(f"weighting_{norm}.yaml", f"setting:\n  binWidth: 0.1\n  weightingNorm: {norm}\n"
                                             "  distances: [1, 2]\nfeatureClass:\n  glcm:\n  glrlm:\n")})
    cases.append({"name": "distances_texture", "image": "ellipsoid_int16.nrrd", "mask": "ellipsoid_mask.nrrd",
                  "params": write_params("distances.yaml", "setting:\n  distances: [2]\n  symmetricalGLCM: false\n  gldm_a: 1\n"
                                         "featureClass:\n  glcm:\n  gldm:\n  ngtdm:\n  firstorder: [Mean, StandardDeviation, Entropy]\n")})

    # 6. A 2-D image (NRRD and NIfTI) with shape2D.
    tex2 = textured((1, 30, 28), rng)[0]
    disk = ellipsoid((1, 30, 28), (0, 14.0, 13.5), (1, 10.5, 9.0))[0]
    write(image_of(tex2, (0.7, 0.9), (1.0, 2.0), dtype=np.int16), "slice2d_int16.nrrd")
    write(image_of(disk.astype(np.uint8), (0.7, 0.9), (1.0, 2.0)), "slice2d_mask.nrrd")
    write(image_of(tex2, (0.7, 0.9), (1.0, 2.0), dtype=np.int16), "slice2d_int16.nii.gz")
    write(image_of(disk.astype(np.uint8), (0.7, 0.9), (1.0, 2.0)), "slice2d_mask.nii.gz")
    twod = "featureClass:\n  shape2D:\n  firstorder:\n  glcm:\n  glrlm:\n  glszm:\n  gldm:\n  ngtdm:\n"
    cases.append({"name": "image2d_nrrd", "image": "slice2d_int16.nrrd", "mask": "slice2d_mask.nrrd",
                  "params": write_params("image2d.yaml", twod + "imageType:\n  Original: {}\n  Wavelet: {}\n  LBP2D: {}\n")})
    cases.append({"name": "image2d_nifti", "image": "slice2d_int16.nii.gz", "mask": "slice2d_mask.nii.gz",
                  "params": "image2d.yaml"})

    # 7. Tiny, flat and multi-label ROIs; a single-slice ROI in a 3-D image.
    tiny = np.zeros((12, 26, 24), dtype=np.uint8)
    tiny[5, 10:12, 9:12] = 1
    tiny[6, 10, 10] = 1
    write(image_of(tiny, spacing, (10.0, -20.0, 5.0)), "tiny_mask.nrrd")
    cases.append({"name": "tiny_roi", "image": "ellipsoid_int16.nrrd", "mask": "tiny_mask.nrrd",
                  "params": write_params("tiny.yaml", "setting:\n  binWidth: 5\n")})
    flat = np.full((12, 26, 24), 120, dtype=np.int16)
    write(image_of(flat, spacing, (10.0, -20.0, 5.0)), "flat_int16.nrrd")
    cases.append({"name": "flat_roi", "image": "flat_int16.nrrd", "mask": "ellipsoid_mask.nrrd"})
    cases.append({"name": "flat_roi_bincount", "image": "flat_int16.nrrd", "mask": "ellipsoid_mask.nrrd", "params": "bincount.yaml"})
    labels = ell.astype(np.uint8) + (irregular((12, 26, 24), rng) & ~ell).astype(np.uint8) * 3
    write(image_of(labels, spacing, (10.0, -20.0, 5.0)), "labels_mask.nrrd")
    cases.append({"name": "label_3", "image": "ellipsoid_int16.nrrd", "mask": "labels_mask.nrrd", "label": 3})
    cases.append({"name": "label_3_in_file", "image": "ellipsoid_int16.nrrd", "mask": "labels_mask.nrrd",
                  "params": write_params("label3.yaml", "setting:\n  label: 3\n  minimumROISize: 10\n")})
    slab = np.zeros((12, 26, 24), dtype=np.uint8)
    slab[6, 5:20, 4:18] = ell[6, 5:20, 4:18]
    write(image_of(slab, spacing, (10.0, -20.0, 5.0)), "slab_mask.nrrd")
    cases.append({"name": "single_slice_roi", "image": "ellipsoid_int16.nrrd", "mask": "slab_mask.nrrd",
                  "params": write_params("single_slice.yaml", "imageType:\n  Original: {}\n  LoG:\n    sigma: [1.5]\n"
                                         "featureClass:\n  firstorder:\n  glcm:\n  glszm:\n  shape:\n")})

    # 8. Voxel-based maps (small ROI).
    small = np.zeros((12, 26, 24), dtype=np.uint8)
    small[4:8, 9:15, 8:14] = ell[4:8, 9:15, 8:14]
    small[5, 11, 10] = 0
    write(image_of(small, spacing, (10.0, -20.0, 5.0)), "small_mask.nrrd")
    cases.append({"name": "voxel_glcm_glrlm", "image": "ellipsoid_int16.nrrd", "mask": "small_mask.nrrd", "voxel": True,
                  "params": write_params("voxel.yaml", "setting:\n  binWidth: 20\nvoxelSetting:\n  kernelRadius: 1\n"
                                         "featureClass:\n  firstorder: [Mean, Entropy, Kurtosis]\n  glcm: [Contrast, Correlation, JointEntropy, Imc2]\n"
                                         "  glrlm: [RunEntropy, ShortRunEmphasis, GrayLevelNonUniformity]\n  gldm: [DependenceEntropy]\n"
                                         "  glszm: [ZoneEntropy]\n  ngtdm: [Coarseness, Strength]\n")})

    # 9. Inputs PyRadiomics refuses.
    empty = np.zeros((12, 26, 24), dtype=np.uint8)
    write(image_of(empty, spacing, (10.0, -20.0, 5.0)), "empty_mask.nrrd")
    cases.append({"name": "error_empty_mask", "image": "ellipsoid_int16.nrrd", "mask": "empty_mask.nrrd"})
    cases.append({"name": "error_label_absent", "image": "ellipsoid_int16.nrrd", "mask": "ellipsoid_mask.nrrd", "label": 2})
    write(image_of(ell.astype(np.uint8), spacing, (10.5, -20.0, 5.0)), "shifted_mask.nrrd")
    cases.append({"name": "error_other_grid", "image": "ellipsoid_int16.nrrd", "mask": "shifted_mask.nrrd"})
    cases.append({"name": "corrected_mask", "image": "ellipsoid_int16.nrrd", "mask": "shifted_mask.nrrd",
                  "params": write_params("correct_mask.yaml", "setting:\n  correctMask: true\n")})
    cases.append({"name": "geometry_tolerance", "image": "ellipsoid_int16.nrrd", "mask": "shifted_mask.nrrd",
                  "params": write_params("tolerance.yaml", "setting:\n  geometryTolerance: 0.7\n")})
    line = np.zeros((12, 26, 24), dtype=np.uint8)
    line[6, 12, 5:15] = 1
    write(image_of(line, spacing, (10.0, -20.0, 5.0)), "line_mask.nrrd")
    cases.append({"name": "error_roi_dimensions", "image": "ellipsoid_int16.nrrd", "mask": "line_mask.nrrd"})
    cases.append({"name": "error_roi_size", "image": "ellipsoid_int16.nrrd", "mask": "tiny_mask.nrrd",
                  "params": write_params("roi_size.yaml", "setting:\n  minimumROISize: 7\n")})

    records = []
    for case in cases:
        record = run_case(case)
        print(case["name"], "error: " + record["error"] if "error" in record else f"{len(record['output'])} keys", file=sys.stderr)
        records.append(record)
    fixture = {
        "versions": {"pyradiomics": radiomics.__version__, "numpy": np.__version__, "SimpleITK": sitk.Version_VersionString(),
                     "pywt": pywt.__version__},
        "notes": "RadiomicsFeatureExtractor(params).execute(image, mask, label, voxelBased) on the files in this folder.",
        "cases": records,
    }
    write_fixture(os.path.join(OUT, "extract.json"), fixture)


if __name__ == "__main__":
    main()
