"""PyRadiomics 3.0.1's image types on small deterministic images: Tests/Fixtures/radiomics/filters.json.

Runs every `radiomics.imageoperations.get<Type>Image` generator (Original, LoG, Wavelet,
Square, SquareRoot, Logarithm, Exponential, Gradient, LBP2D, LBP3D) with several settings on
small images written by this script (numpy's seeded generator; the images' values are in the
fixture) and on larger integer "formula" images that the tests rebuild exactly:

    v(x, y, z) = ((x * 37 + y * 101 + z * 53 + ((x * y) % 17) * 11 + ((y * z) % 13) * 7) % 611) - 120

For every yielded image it records the prefix, the dtype, NaN count, sum (math.fsum over the
non-NaN voxels), min, max and either the whole array (a few small cases) or every `stride`-th
voxel (flat index, x fastest) plus the last one. LBP3D outputs are recorded at the ROI voxels
only: PyRadiomics leaves every other voxel of those images uninitialised.

LBP3D: PyRadiomics 3.0.1 imports `scipy.special.sph_harm`, which SciPy 1.17 no longer has,
so in the reference environment LBP3D yields nothing. Here (in this script only) it is
monkeypatched as `sph_harm = lambda m, n, theta, phi: sph_harm_y(n, m, phi, theta)`: the old
function took theta as the azimuth and phi as the polar angle, `sph_harm_y(n, m, theta, phi)`
takes the polar angle first. The script checks that this equals SciPy's former definition
(`lpmv(|m|, n, cos phi)`, the negative-order relation, the normalisation and `exp(i m theta)`)
on PyRadiomics' icosphere angles and records the largest difference in the notes.

    .venv-peers/bin/python scripts/peers/radiomics_filters.py
"""
import logging
import math
import os
import sys
import warnings

import numpy as np
import pywt
import scipy
import scipy.special
import SimpleITK as sitk
import skimage
import trimesh

import radiomics
from radiomics import imageoperations
from fixture_json import write_fixture

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "radiomics", "filters.json")

logging.getLogger("radiomics").setLevel(logging.ERROR)
warnings.simplefilter("ignore")


# ---------------------------------------------------------------------------------------------
# LBP3D needs scipy.special.sph_harm (gone in SciPy 1.17): patch it for this script only.

def old_sph_harm(m, n, theta, phi):
    """SciPy < 1.15 `sph_harm(m, n, theta, phi)`: theta azimuth, phi polar (its former code)."""
    am = abs(m)
    val = scipy.special.lpmv(am, n, np.cos(phi)).astype(complex)
    if m < 0:
        val *= (-1) ** am * math.factorial(n - am) / math.factorial(n + am)
    val *= np.sqrt((2 * n + 1) / 4.0 / np.pi)
    val *= np.sqrt(math.factorial(n - m) / math.factorial(n + m))
    return val * np.exp(1j * m * theta)


def patched_sph_harm(m, n, theta, phi):
    return scipy.special.sph_harm_y(n, m, phi, theta)


def check_sph_harm():
    worst = 0.0
    for subdivision, radius in [(0, 1.0), (1, 1.0), (1, 1.5), (2, 2.0)]:
        v = np.array(trimesh.creation.icosphere(subdivision, radius).vertices)
        theta = np.arccos(np.true_divide(v[:, 2], radius))
        phi = np.arctan2(v[:, 1], v[:, 0])
        for n in range(0, 4):
            for m in range(-n, n + 1):
                worst = max(worst, float(np.max(np.abs(old_sph_harm(m, n, theta, phi) - patched_sph_harm(m, n, theta, phi)))))
    assert worst < 1e-14, worst
    return worst


scipy.special.sph_harm = patched_sph_harm


# ---------------------------------------------------------------------------------------------
# Images

def formula(shape):
    """The integer formula image (array order z, y, x) the tests rebuild."""
    z, y, x = np.indices(shape, dtype=np.int64)
    return ((x * 37 + y * 101 + z * 53 + ((x * y) % 17) * 11 + ((y * z) % 13) * 7) % 611) - 120


def textured(rng, shape):
    """Smooth structure plus noise, so every filter has something to respond to."""
    idx = np.indices(shape, dtype=np.float64)
    smooth = np.zeros(shape)
    for k, w in enumerate([0.9, 0.55, 0.35][: len(shape)]):
        smooth += np.sin(idx[k] * w + 0.3 * k) * (60 + 20 * k)
    blob = np.exp(-sum((idx[k] - s / 2.0) ** 2 for k, s in enumerate(shape)) / 12.0) * 300
    return smooth + blob + rng.normal(0, 25, size=shape)


def make_image(array, spacing, origin=None, direction=None):
    image = sitk.GetImageFromArray(array)
    image.SetSpacing(spacing)
    if origin is not None:
        image.SetOrigin(origin)
    if direction is not None:
        image.SetDirection(direction)
    return image


def describe_image(image, store_values=True):
    array = sitk.GetArrayFromImage(image)
    d = {
        "size": list(image.GetSize()),
        "spacing": list(image.GetSpacing()),
        "origin": list(image.GetOrigin()),
        "direction": list(image.GetDirection()),
        "pixelType": str(array.dtype),
        "dimension": image.GetDimension(),
    }
    if store_values:
        d["values"] = values_list(array.ravel(), array.dtype)
    return d


def number(v, dtype):
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    if np.issubdtype(dtype, np.integer):
        return int(v)
    if dtype == np.float32:
        text = np.format_float_positional(np.float32(v), unique=True, trim="-")
        short = float(text)
        assert np.float32(short) == np.float32(v)
        return int(short) if short.is_integer() and abs(short) < 2**53 else short
    return v


def values_list(flat, dtype):
    return [number(v, dtype) for v in flat]


def summary(flat):
    finite = flat[~np.isnan(flat)]
    return {
        "count": int(flat.size),
        "nanCount": int(np.isnan(flat).sum()),
        "sum": math.fsum(float(v) for v in finite) if finite.size else 0.0,
        "min": number(finite.min(), np.float64) if finite.size else "nan",
        "max": number(finite.max(), np.float64) if finite.size else "nan",
    }


def record(image, prefix, full=False, stride=None, roi=None):
    array = sitk.GetArrayFromImage(image)
    flat = array.ravel()
    entry = {"prefix": prefix, "dtype": str(array.dtype)}
    if roi is not None:
        values = flat[roi]
        entry["summary"] = summary(values.astype(np.float64))
        entry["roi"] = values_list(values, array.dtype)
        return entry
    entry["summary"] = summary(flat.astype(np.float64))
    if full:
        entry["values"] = values_list(flat, array.dtype)
    else:
        stride = stride or max(1, flat.size // 60)
        idx = list(range(0, flat.size, stride))
        if idx[-1] != flat.size - 1:
            idx.append(flat.size - 1)
        entry["stride"] = stride
        entry["samples"] = values_list(flat[idx], array.dtype)
    return entry


GENERATORS = {
    "Original": imageoperations.getOriginalImage,
    "LoG": imageoperations.getLoGImage,
    "Wavelet": imageoperations.getWaveletImage,
    "Square": imageoperations.getSquareImage,
    "SquareRoot": imageoperations.getSquareRootImage,
    "Logarithm": imageoperations.getLogarithmImage,
    "Exponential": imageoperations.getExponentialImage,
    "Gradient": imageoperations.getGradientImage,
    "LBP2D": imageoperations.getLBP2DImage,
    "LBP3D": imageoperations.getLBP3DImage,
}


def run(images, masks, name, kind, settings, full=(), stride=None):
    image = images[name]
    mask = masks.get(name)
    if mask is None:
        mask = sitk.Image(image.GetSize(), sitk.sitkUInt32)
        mask.CopyInformation(image)
    kwargs = dict(settings)
    outputs = []
    roi = None
    if kind == "LBP3D":
        roi = np.flatnonzero(sitk.GetArrayFromImage(mask).ravel() == kwargs.get("label", 1))
    for out_image, prefix, _ in GENERATORS[kind](image, mask, **kwargs):
        assert out_image.GetSize() == image.GetSize()
        assert np.allclose(out_image.GetSpacing(), image.GetSpacing())
        outputs.append(record(out_image, prefix, full=prefix in full, stride=stride, roi=roi))
    case = {"image": name, "type": kind, "settings": settings, "outputs": outputs}
    if "sigma" in settings:
        case["sigmaText"] = [str(s) for s in settings["sigma"]]  # Python's str(), as the LoG prefix spells it
    return case


def main():
    sph_harm_difference = check_sph_harm()
    rng = np.random.default_rng(20240613)
    images = {}
    # 12 x 11 x 9 (ITK x, y, z), anisotropic, oblique direction and an origin (filters ignore both).
    images["int16"] = make_image(
        np.round(textured(rng, (9, 11, 12))).astype(np.int16), (0.7, 0.9, 2.5), (-10.0, 4.5, 30.0),
        (0.0, 1.0, 0.0, -1.0, 0.0, 0.0, 0.0, 0.0, 1.0))
    images["float32"] = make_image((textured(rng, (8, 10, 13)) / 7.3).astype(np.float32), (1.1, 0.6, 1.9))
    images["float64"] = make_image(textured(rng, (7, 9, 10)) / 3.1, (0.8, 0.8, 1.5))
    images["uint8"] = make_image(np.clip(textured(rng, (6, 9, 8)) / 3 + 100, 0, 255).astype(np.uint8), (1.0, 1.0, 1.0))
    images["image2d"] = make_image(np.round(textured(rng, (13, 14))).astype(np.int16), (0.8, 1.3))
    images["thin"] = make_image(np.round(textured(rng, (3, 11, 12))).astype(np.int16), (1.0, 1.0, 1.0))
    images["tiny"] = make_image(np.round(textured(rng, (6, 5, 4))).astype(np.int16), (1.0, 0.5, 0.8))
    images["zeros"] = make_image(np.zeros((4, 5, 6), dtype=np.int16), (1.0, 1.0, 1.0))
    images["negative"] = make_image(-np.abs(textured(rng, (4, 5, 6))) - 1, (1.0, 1.0, 1.0))
    images["formula"] = make_image(formula((20, 36, 40)).astype(np.int16), (0.75, 0.75, 2.0))
    images["formula32"] = make_image((formula((12, 20, 22)) / 8.0).astype(np.float32), (0.5, 0.6, 1.2))

    masks = {}
    for name in ["int16", "float32", "float64"]:
        shape = sitk.GetArrayFromImage(images[name]).shape
        zz, yy, xx = np.indices(shape)
        centre = [s / 2.0 for s in shape]
        roi = ((zz - centre[0]) ** 2 / 6.0 + (yy - centre[1]) ** 2 / 10.0 + (xx - centre[2]) ** 2 / 14.0) <= 1.0
        # A corner block reaching the image border: samples outside the image are 0 (mode 'constant').
        roi[:2, :3, -3:] = True
        m = sitk.GetImageFromArray(roi.astype(np.uint32))
        m.CopyInformation(images[name])
        masks[name] = m

    cases = []
    add = cases.append
    add(run(images, masks, "int16", "Original", {}, full=("original",)))
    # LoG: integer and float sigmas, 0 and negative (skipped), one too large for the x extent (skipped).
    add(run(images, masks, "int16", "LoG", {"sigma": [1, 1.5, 2.0, 0.0, -1.0, 3.0, 8.0]}, full=("log-sigma-1-5-mm-3D",)))
    add(run(images, masks, "float32", "LoG", {"sigma": [1.0, 2.5]}))
    add(run(images, masks, "float64", "LoG", {"sigma": [0.7]}))
    add(run(images, masks, "image2d", "LoG", {"sigma": [1.0, 2]}))
    add(run(images, masks, "thin", "LoG", {"sigma": [1.0]}))
    add(run(images, masks, "tiny", "LoG", {"sigma": [0.5, 1.0, 3.0]}, full=("log-sigma-0-5-mm-3D",)))
    add(run(images, masks, "formula", "LoG", {"sigma": [2.0, 4]}, stride=997))
    # Wavelet
    for wavelet in ["haar", "coif1", "db2", "sym3", "bior1.3", "rbio2.2", "dmey"]:
        add(run(images, masks, "int16", "Wavelet", {"wavelet": wavelet}, full=("wavelet-HLH",) if wavelet == "coif1" else ()))
    add(run(images, masks, "int16", "Wavelet", {"wavelet": "coif1", "start_level": 1, "level": 2}))
    add(run(images, masks, "int16", "Wavelet", {"wavelet": "db2", "start_level": 0, "level": 3}))
    add(run(images, masks, "int16", "Wavelet", {"wavelet": "sym3", "start_level": 1, "level": 1}))
    for dimension in [0, 1, 2]:
        add(run(images, masks, "int16", "Wavelet", {"wavelet": "coif1", "force2D": True, "force2Ddimension": dimension}))
    add(run(images, masks, "float32", "Wavelet", {"wavelet": "coif1"}))
    add(run(images, masks, "float32", "Wavelet", {"wavelet": "db2", "level": 2}))
    add(run(images, masks, "float32", "Wavelet", {"wavelet": "bior1.3", "force2D": True, "force2Ddimension": 1}))
    add(run(images, masks, "float64", "Wavelet", {"wavelet": "sym3"}))
    add(run(images, masks, "tiny", "Wavelet", {"wavelet": "db4", "level": 2}))
    add(run(images, masks, "uint8", "Wavelet", {"wavelet": "haar", "level": 2}))
    add(run(images, masks, "image2d", "Wavelet", {"wavelet": "coif1"}))
    add(run(images, masks, "image2d", "Wavelet", {"wavelet": "db2", "start_level": 1, "level": 2}))
    add(run(images, masks, "image2d", "Wavelet", {"wavelet": "haar", "force2D": True, "force2Ddimension": 0}))  # x only: one letter
    add(run(images, masks, "int16", "Wavelet", {"wavelet": "haar", "start_level": 1, "level": 0}))  # only wavelet0-LLL
    add(run(images, masks, "formula", "Wavelet", {"wavelet": "coif1"}, stride=997))
    # Intensity filters (float64), including M = 0 (NaN, as NumPy gives) and an all-negative image.
    for kind in ["Square", "SquareRoot", "Logarithm", "Exponential"]:
        for name in ["int16", "float32", "zeros", "negative"]:
            add(run(images, masks, name, kind, {}, full=(kind.lower(),) if name == "zeros" else ()))
    # Gradient (float32)
    add(run(images, masks, "int16", "Gradient", {}, full=("gradient",)))
    add(run(images, masks, "int16", "Gradient", {"gradientUseSpacing": False}))
    add(run(images, masks, "float32", "Gradient", {}))
    add(run(images, masks, "image2d", "Gradient", {}))
    add(run(images, masks, "tiny", "Gradient", {"gradientUseSpacing": True}, full=("gradient",)))
    add(run(images, masks, "formula", "Gradient", {}, stride=997))
    # LBP2D (scikit-image): methods, radii, samples, slice axes; int16 keeps its type (codes cast), 2-D gives float64.
    lbp = [
        ("int16", {"lbp2DMethod": "uniform"}, True),
        ("int16", {"lbp2DMethod": "default", "force2D": True, "force2Ddimension": 1}, False),
        ("int16", {"lbp2DMethod": "ror", "lbp2DRadius": 2, "force2D": True, "force2Ddimension": 2}, False),
        ("int16", {"lbp2DMethod": "var", "lbp2DRadius": 1.5}, False),
        ("int16", {"lbp2DMethod": "default", "lbp2DSamples": 16, "lbp2DRadius": 2.5}, False),
        ("float32", {"lbp2DMethod": "var", "lbp2DSamples": 6, "lbp2DRadius": 1.3}, False),
        ("float32", {"lbp2DMethod": "uniform", "lbp2DSamples": 12, "lbp2DRadius": 3}, False),
        ("uint8", {"lbp2DMethod": "default", "lbp2DSamples": 10}, False),
        ("image2d", {"lbp2DMethod": "uniform", "lbp2DSamples": 16, "lbp2DRadius": 2}, True),
        ("image2d", {"lbp2DMethod": "var"}, False),
    ]
    for name, settings, full in lbp:
        add(run(images, masks, name, "LBP2D", settings, full=("lbp-2D",) if full else ()))
    # LBP3D (spherical harmonics, see the module docstring)
    add(run(images, masks, "int16", "LBP3D", {}))
    add(run(images, masks, "int16", "LBP3D", {"lbp3DLevels": 3, "lbp3DIcosphereRadius": 1.5, "lbp3DIcosphereSubdivision": 2}))
    add(run(images, masks, "float32", "LBP3D", {"lbp3DLevels": 2, "lbp3DIcosphereSubdivision": 0}))
    add(run(images, masks, "float64", "LBP3D", {"lbp3DLevels": 4, "lbp3DIcosphereRadius": 2}))

    fixture = {
        "generator": "scripts/peers/radiomics_filters.py",
        "versions": {
            "pyradiomics": radiomics.__version__,
            "numpy": np.__version__,
            "SimpleITK": sitk.Version_VersionString(),
            "pywt": pywt.__version__,
            "scipy": scipy.__version__,
            "scikit-image": skimage.__version__,
            "trimesh": trimesh.__version__,
        },
        "notes": [
            "images: values in array order (z, y, x; x fastest = ITK's buffer order); formula images are rebuilt by the tests",
            "formula: ((x*37 + y*101 + z*53 + ((x*y) % 17)*11 + ((y*z) % 13)*7) % 611) - 120, int16 (formula32: /8 as float32)",
            "outputs: summary over non-NaN voxels (sum by math.fsum); samples = every stride-th voxel plus the last; roi = LBP3D values at the ROI voxels",
            "LBP3D: scipy.special.sph_harm monkeypatched as sph_harm_y(n, m, phi, theta) in this script only (SciPy 1.17 has no sph_harm, "
            f"so PyRadiomics yields no LBP3D image in the reference environment); largest difference from SciPy's former sph_harm: {sph_harm_difference:.3g}",
            "NaN and infinities are written as the strings nan, inf, -inf",
        ],
        "formulaShapes": {"formula": [20, 36, 40], "formula32": [12, 20, 22]},
        "images": {name: describe_image(img, store_values=not name.startswith("formula")) for name, img in images.items()},
        "masks": {name: [int(i) for i in np.flatnonzero(sitk.GetArrayFromImage(m).ravel() == 1)] for name, m in masks.items()},
        "cases": cases,
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    write_fixture(OUT, fixture)
    print(f"wrote {OUT} ({os.path.getsize(OUT) / 1024:.0f} KB, {len(cases)} cases)")


if __name__ == "__main__":
    sys.exit(main())
