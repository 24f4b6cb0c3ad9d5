"""PyRadiomics 3.0.1 shape (3-D) and shape2D features on deterministic masks.

Generates masks with a seeded numpy RNG (ellipsoids, rotated ellipsoids, irregular blobs with
holes and several components, random noise that hits every marching-cubes configuration, a
single voxel, lines, flat plates, masks larger than their ROI, 2-D SimpleITK images, force2D
slices along each axis), crops image and mask to the ROI's bounding box as
`RadiomicsFeatureExtractor.computeShape` does (`imageoperations.cropToTumorMask`, no padding),
and runs `radiomics.shape.RadiomicsShape` / `radiomics.shape2D.RadiomicsShape2D` on the crop
with every feature enabled by name, the deprecated ones included (PyRadiomics computes those
when named). Cases where the class raises (shape on a 2-D image, shape2D without force2D, a
force2D axis longer than 1) record the exception instead of values.

The fixture stores each crop compactly: shape and spacing in array order (z, y, x; a 2-D image
is one slice with z spacing 1, as SinoRadiomics' ROIBox holds it) and the boolean mask as run
lengths over the C-order flattening, alternating false/true and starting with false. NaN
values are written as null. `timing` holds PyRadiomics' seconds for the large ellipsoid (the
class's initialisation and execute, CPU seconds, best of 3), for the speed comparison the test prints.

    .venv-peers/bin/python scripts/peers/radiomics_shape.py
"""
import logging
import math
import os
import time

import numpy as np
import pywt
import radiomics
import scipy
import scipy.ndimage as ndi
import SimpleITK as sitk
from fixture_json import write_fixture
from radiomics import imageoperations, shape, shape2D

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "radiomics", "shape.json")
logging.getLogger("radiomics").setLevel(logging.CRITICAL)

RNG = np.random.default_rng(20240611)


def rle(mask):
    """Run lengths of the C-order flattening, alternating false/true, starting with false."""
    flat = mask.ravel().astype(np.int8)
    runs, current, count = [], 0, 0
    for v in flat:
        if v == current:
            count += 1
        else:
            runs.append(count)
            current, count = v, 1
    runs.append(count)
    return runs


def ellipsoid(shape, radii, center=None, rotation=None):
    """Voxels whose centre lies inside an ellipsoid (array order), optionally rotated."""
    idx = np.indices(shape, dtype=np.float64)
    c = np.array(center if center is not None else [(n - 1) / 2 for n in shape])
    p = np.stack([idx[d] - c[d] for d in range(3)], axis=-1)
    if rotation is not None:
        p = p @ rotation
    return (p[..., 0] / radii[0]) ** 2 + (p[..., 1] / radii[1]) ** 2 + (p[..., 2] / radii[2]) ** 2 <= 1.0


def rotation(a, b, c):
    ca, sa, cb, sb, cc, sc = math.cos(a), math.sin(a), math.cos(b), math.sin(b), math.cos(c), math.sin(c)
    rz = np.array([[ca, -sa, 0], [sa, ca, 0], [0, 0, 1]])
    ry = np.array([[cb, 0, sb], [0, 1, 0], [-sb, 0, cb]])
    rx = np.array([[1, 0, 0], [0, cc, -sc], [0, sc, cc]])
    return rz @ ry @ rx


def blob(shape, sigma, level):
    """An irregular mask: smoothed noise thresholded (several components, holes)."""
    field = ndi.gaussian_filter(RNG.normal(size=shape), sigma)
    return field > level


def images(mask, spacing):
    """SimpleITK image (random intensities) and UInt32 mask; spacing in array order."""
    image = sitk.GetImageFromArray(RNG.normal(size=mask.shape))
    image.SetSpacing([float(s) for s in spacing[::-1]])
    image.SetOrigin([float(v) for v in RNG.uniform(-50, 50, size=mask.ndim)])
    label = sitk.GetImageFromArray(mask.astype(np.uint32))
    label.CopyInformation(image)
    return image, label


def bounding_box(mask):
    """checkMask's bounding box (ITK order: Lx, Ux, Ly, Uy, Lz, Uz)."""
    where = np.nonzero(mask)
    bb = []
    for axis in reversed(range(mask.ndim)):
        bb += [int(where[axis].min()), int(where[axis].max())]
    return np.array(bb)


def run_class(cls, image, mask, settings):
    instance = cls(image, mask, label=1, **settings)
    names = sorted(cls.getFeatureNames())
    for name in names:
        instance.enableFeatureByName(name)
    values = instance.execute()
    return {name: (None if math.isnan(float(values[name])) else float(values[name])) for name in names}


def case(name, kind, mask, spacing, settings=None, crop=True):
    """One fixture case: crop as the extractor does, run the class, keep the crop."""
    settings = settings or {}
    image, label = images(mask, spacing)
    if crop:
        image, label = imageoperations.cropToTumorMask(image, label, bounding_box(mask))
    cropped = sitk.GetArrayFromImage(label) == 1
    cls = shape.RadiomicsShape if kind == "shape" else shape2D.RadiomicsShape2D
    entry = {"name": name, "kind": kind, "dimension": mask.ndim}
    if mask.ndim == 2:
        entry["shape"] = [1] + list(cropped.shape)
        entry["spacing"] = [1.0] + [float(s) for s in label.GetSpacing()[::-1]]
    else:
        entry["shape"] = list(cropped.shape)
        entry["spacing"] = [float(s) for s in label.GetSpacing()[::-1]]
    entry["settings"] = settings
    entry["roiVoxels"] = int(cropped.sum())
    entry["mask"] = rle(cropped)
    try:
        entry["expected"] = run_class(cls, image, label, settings)
    except (AssertionError, ValueError) as error:
        entry["error"] = "%s: %s" % (type(error).__name__, error)
    return entry


def timed(kind, mask, spacing, repeats=3):
    image, label = images(mask, spacing)
    image, label = imageoperations.cropToTumorMask(image, label, bounding_box(mask))
    cls = shape.RadiomicsShape if kind == "shape" else shape2D.RadiomicsShape2D
    best = math.inf
    for _ in range(repeats):
        start = time.process_time()
        instance = cls(image, label, label=1)
        instance.execute()
        best = min(best, time.process_time() - start)
    return best


def main():
    cases = []
    # --- 3-D shape -------------------------------------------------------------------------------
    cases.append(case("ellipsoid", "shape", ellipsoid((17, 21, 25), (7, 9.3, 11.2)), [1.0, 1.0, 1.0]))
    cases.append(case("ellipsoid anisotropic", "shape", ellipsoid((13, 29, 31), (5.5, 12.1, 13.7)), [2.5, 0.7, 0.7]))
    cases.append(
        case("rotated ellipsoid", "shape", ellipsoid((24, 26, 28), (10.2, 4.1, 6.3), rotation=rotation(0.4, 1.1, -0.7)),
             [3.0, 0.8, 0.65]))
    cases.append(case("blob with holes and components", "shape", blob((18, 22, 20), 1.6, 0.05), [1.0, 1.0, 1.0]))
    cases.append(case("blob anisotropic", "shape", blob((14, 26, 24), 2.0, 0.0), [2.2, 0.9, 1.3]))
    shell = ellipsoid((15, 17, 19), (7, 8, 9)) & ~ellipsoid((15, 17, 19), (4, 5, 5.5))
    cases.append(case("hollow shell", "shape", shell, [1.25, 0.5, 0.75]))
    for density in (0.3, 0.5, 0.7):
        noise = RNG.random((9, 10, 11)) < density
        cases.append(case("noise %.1f" % density, "shape", noise, [1.1, 0.9, 1.7]))
    one = np.zeros((3, 3, 3), bool)
    one[1, 1, 1] = True
    cases.append(case("single voxel", "shape", one, [1.0, 1.0, 1.0]))
    cases.append(case("single voxel anisotropic", "shape", one, [2.0, 0.5, 0.3]))
    line = np.zeros((3, 3, 9), bool)
    line[1, 1, 1:8] = True
    cases.append(case("line along x", "shape", line, [1.5, 0.8, 0.6]))
    cases.append(case("line along z", "shape", line.transpose(2, 1, 0).copy(), [1.5, 0.8, 0.6]))
    diagonal = np.zeros((7, 7, 7), bool)
    for i in range(7):
        diagonal[i, i, 6 - i] = True
    cases.append(case("diagonal voxels", "shape", diagonal, [1.0, 1.0, 1.0]))
    plate = np.zeros((1, 12, 15), bool)
    plate[0] = blob((12, 15), 1.2, -0.2)
    plate[0, 2:10, 3:12] |= True
    plate[0, 5:7, 6:9] = False
    cases.append(case("flat plate (one slice)", "shape", plate, [3.3, 0.77, 0.61]))
    cases.append(case("flat plate in y", "shape", plate.transpose(1, 0, 2).copy(), [2.0, 1.0, 0.5]))
    loose = np.zeros((12, 13, 14), bool)
    loose[0:5, 0:6, 0:4] = ellipsoid((5, 6, 4), (2.5, 3.2, 2.4))
    loose[7:10, 9:13, 10:14] = True
    cases.append(case("box larger than the ROI (uncropped)", "shape", loose, [1.0, 2.0, 1.5], crop=False))
    full = np.ones((4, 5, 6), bool)
    cases.append(case("full box", "shape", full, [0.9, 1.1, 1.3]))
    # --- shape2D on 2-D images -------------------------------------------------------------------
    yy, xx = np.indices((23, 31))
    ellipse = ((yy - 11) / 9.4) ** 2 + ((xx - 15) / 13.2) ** 2 <= 1
    cases.append(case("2-D ellipse", "shape2D", ellipse, [0.8, 0.55]))
    cases.append(case("2-D blob with holes and components", "shape2D", blob((26, 30), 1.7, 0.02), [1.0, 1.0]))
    cases.append(case("2-D noise 0.5", "shape2D", RNG.random((12, 14)) < 0.5, [1.3, 0.7]))
    pixel = np.zeros((3, 3), bool)
    pixel[1, 1] = True
    cases.append(case("2-D single pixel", "shape2D", pixel, [1.0, 1.0]))
    cases.append(case("2-D single pixel anisotropic", "shape2D", pixel, [0.6, 2.5]))
    row = np.zeros((3, 12), bool)
    row[1, 1:11] = True
    cases.append(case("2-D line", "shape2D", row, [0.9, 0.45]))
    cases.append(case("shape on a 2-D image", "shape", ellipse, [0.8, 0.55]))
    # --- shape2D on 3-D images with force2D -------------------------------------------------------
    slab = blob((20, 24), 1.5, -0.1)
    slab[4:16, 5:19] |= ellipse[5:17, 8:22]
    for dim, sp in ((0, [2.7, 0.6, 0.8]), (1, [1.1, 3.0, 0.7]), (2, [0.9, 1.3, 4.0])):
        volume = np.expand_dims(slab, axis=dim)
        settings = {"force2D": True, "force2Ddimension": dim}
        cases.append(case("force2D dimension %d" % dim, "shape2D", volume, sp, settings))
        cases.append(case("shape on a force2D dimension %d slice" % dim, "shape", volume, sp, settings))
    thick = np.zeros((3, 10, 12), bool)
    thick[:, 2:8, 1:11] = True
    cases.append(case("force2D axis longer than 1", "shape2D", thick, [1.0, 1.0, 1.0], {"force2D": True, "force2Ddimension": 0}))
    cases.append(case("shape2D on 3-D without force2D", "shape2D", thick, [1.0, 1.0, 1.0], {}))
    # --- the large ROI of the speed comparison -------------------------------------------------------
    large = ellipsoid((40, 60, 60), (20.2, 30.2, 30.2))
    cases.append(case("large ellipsoid 40x60x60", "shape", large, [1.0, 0.8, 0.8]))
    timing = {
        "case": "large ellipsoid 40x60x60",
        "pyradiomicsSeconds": timed("shape", large, [1.0, 0.8, 0.8]),
        "what": "RadiomicsShape(...) init + execute, all features: CPU seconds (time.process_time), best of 3",
    }
    fixture = {
        "generator": "scripts/peers/radiomics_shape.py",
        "versions": {
            "pyradiomics": radiomics.__version__,
            "numpy": np.__version__,
            "SimpleITK": sitk.Version_VersionString(),
            "scipy": scipy.__version__,
            "pywt": pywt.__version__,
        },
        "featureNames": {
            "shape": [n for n, dep in sorted(shape.RadiomicsShape.getFeatureNames().items()) if not dep],
            "shapeDeprecated": [n for n, dep in sorted(shape.RadiomicsShape.getFeatureNames().items()) if dep],
            "shape2D": [n for n, dep in sorted(shape2D.RadiomicsShape2D.getFeatureNames().items()) if not dep],
            "shape2DDeprecated": [n for n, dep in sorted(shape2D.RadiomicsShape2D.getFeatureNames().items()) if dep],
        },
        "timing": timing,
        "cases": cases,
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    write_fixture(OUT, fixture)
    print("wrote %s (%d cases); PyRadiomics %.3f s on the large ellipsoid" % (OUT, len(cases), timing["pyradiomicsSeconds"]))


if __name__ == "__main__":
    main()
