"""Reference values for SinoRadiomics' image preparation (PyRadiomics 3.0.1 on SimpleITK 2.5.7).

Writes Tests/Fixtures/radiomics/resample.json from PyRadiomics' own functions in
radiomics/imageoperations.py:

- "resample": resampleImage(image, mask, **settings) for small deterministic images (int16 with a
  flat "air" block and int16-range extremes, float32 on an oblique grid, float64 whose spacing halves
  exactly, a mask on another grid than its image, a 2-D image), once per SimpleITK interpolator;
  the no-interpolation branch (image spacing already equals the requested one) and the _checkROI
  error (ROI outside the image).
- "normalize": normalizeImage with and without normalizeScale / removeOutliers.
- "checkMask": checkMask with and without correctMask, geometry offsets just inside and outside
  the tolerance (default 1e-6 and a global geometryTolerance), size mismatch, ROI dimension and
  size limits.
- "getMask": its errors (nothing segmented, no background (3.0.1), label absent).
- "resegment": resegmentMask in each mode with one and two thresholds, and its error.
- "crop": cropToTumorMask (the preCrop path).
- "inverse": ITK's physical-point-to-index matrix of random oblique grids (vnl's SVD inverse).

Images are stored as size/spacing/origin/direction (ITK order) and values in
sitk.GetArrayFromImage's C order (x fastest). float32 values are written as their shortest
float32 text (parse as Double, round to Float); int values as integers; float64 in full.

Run: /work/main/.venv-peers/bin/python scripts/peers/radiomics_resample.py
"""
import sys
from pathlib import Path

import numpy as np
import pywt
import radiomics
import SimpleITK as sitk
from radiomics import imageoperations as io

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fixture_json import write_fixture  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "Tests" / "Fixtures" / "radiomics" / "resample.json"
rng = np.random.default_rng(20250731)
radiomics.setVerbosity(60)

INTERPOLATORS = ["sitkNearestNeighbor", "sitkLinear", "sitkBSpline", "sitkGaussian", "sitkLabelGaussian",
                 "sitkHammingWindowedSinc", "sitkCosineWindowedSinc", "sitkWelchWindowedSinc",
                 "sitkLanczosWindowedSinc", "sitkBlackmanWindowedSinc"]
PIXEL = {sitk.sitkInt16: "int16", sitk.sitkUInt8: "uint8", sitk.sitkUInt32: "uint32", sitk.sitkFloat32: "float32",
         sitk.sitkFloat64: "float64", sitk.sitkInt64: "int64", sitk.sitkInt32: "int32"}


def number_list(arr):
    flat = np.asarray(arr).ravel()
    if flat.dtype == np.float32:
        return [float(np.format_float_positional(v, unique=True, trim="-")) for v in flat]
    if flat.dtype.kind in "iu":
        return [int(v) for v in flat]
    return [float(v) for v in flat]


def runs(arr):
    """Run-length code of a label array: [value, count, value, count, ...] in C order."""
    flat = np.asarray(arr).ravel()
    out = []
    start = 0
    for i in range(1, len(flat) + 1):
        if i == len(flat) or flat[i] != flat[start]:
            out += [int(flat[start]), i - start]
            start = i
    return out


def describe(image, values=True):
    d = {"size": list(image.GetSize()), "spacing": list(image.GetSpacing()), "origin": list(image.GetOrigin()),
         "direction": list(image.GetDirection()), "pixelType": PIXEL[image.GetPixelID()]}
    if values and d["pixelType"] in ("uint8", "uint32", "int64"):
        d["runs"] = runs(sitk.GetArrayFromImage(image))
    elif values:
        d["values"] = number_list(sitk.GetArrayFromImage(image))
    return d


def make(arr, spacing, origin, direction=None):
    image = sitk.GetImageFromArray(arr)
    image.SetSpacing([float(s) for s in spacing])
    image.SetOrigin([float(o) for o in origin])
    if direction is not None:
        image.SetDirection([float(v) for v in np.asarray(direction).ravel()])
    return image


def rotation(a, b, c):
    ca, sa, cb, sb, cc, sc = np.cos(a), np.sin(a), np.cos(b), np.sin(b), np.cos(c), np.sin(c)
    rz = np.array([[ca, -sa, 0], [sa, ca, 0], [0, 0, 1]])
    ry = np.array([[cb, 0, sb], [0, 1, 0], [-sb, 0, cb]])
    rx = np.array([[1, 0, 0], [0, cc, -sc], [0, sc, cc]])
    return rz @ ry @ rx


def blob(shape, centre, radii, label=1):
    z, y, x = np.indices(shape)
    r = ((z - centre[0]) / radii[0]) ** 2 + ((y - centre[1]) / radii[1]) ** 2 + ((x - centre[2]) / radii[2]) ** 2
    return np.where(r <= 1.0, label, 0).astype(np.uint8)


def field(shape, scale, offset):
    """A smooth pattern plus noise, rounded to multiples of 1/64 (exact in binary, short in JSON)."""
    z, y, x = np.indices(shape).astype(float)
    smooth = scale * (np.sin(0.7 * x + 0.3) * np.cos(0.45 * y - 0.2) + 0.5 * np.sin(0.9 * z + 0.1 * x))
    return np.round((smooth + offset + rng.normal(0, scale * 0.3, shape)) * 64) / 64


def int16_case():
    shape = (8, 14, 16)  # z, y, x
    arr = np.clip(np.round(field(shape, 300, 40)), -32768, 32767).astype(np.int16)
    arr[:, :4, :5] = -1000          # flat "air": interpolated values must stay -1000 exactly
    arr[3, 12, 8] = 32767           # extremes next to each other, outside the ROI: B-spline/sinc
    arr[3, 12, 9] = -32768          # overshoot is clamped to the int16 range
    arr[4, 12, 8] = 32767
    mask = blob(shape, (3.6, 7.2, 8.3), (2.2, 4.1, 5.2))
    mask[4, 6:8, 5:7] = 2
    image = make(arr, (0.7, 0.8, 2.5), (-10.2, 5.3, 20.0))
    return image, make(mask, (0.7, 0.8, 2.5), (-10.2, 5.3, 20.0))


def float32_oblique_case():
    shape = (6, 9, 10)
    arr = (field(shape, 55.5, -12.25) + rng.uniform(0, 0.01, shape)).astype(np.float32)
    d = rotation(0.35, -0.2, 0.15)
    mask = blob(shape, (2.6, 4.2, 4.8), (1.6, 2.6, 3.1))
    return make(arr, (1.1, 0.9, 1.6), (3.3, -7.1, 12.5), d), make(mask, (1.1, 0.9, 1.6), (3.3, -7.1, 12.5), d)


def float64_half_case():
    shape = (6, 16, 16)
    arr = field(shape, 12.0, 100.0)
    mask = blob(shape, (2.5, 7.5, 8.0), (1.6, 5.0, 5.5))
    return make(arr, (0.5, 0.5, 1.0), (1.0, 2.0, 3.0)), make(mask, (0.5, 0.5, 1.0), (1.0, 2.0, 3.0))


def other_grid_case():
    shape = (7, 14, 14)
    arr = field(shape, 25.0, 0.0)
    image = make(arr, (0.5, 0.5, 1.0), (0.0, 0.0, 0.0))
    mshape = (4, 7, 7)
    mask = blob(mshape, (1.6, 3.1, 3.4), (1.2, 2.1, 2.4))
    return image, make(mask, (1.0, 1.0, 2.0), (0.3, 0.2, 0.4))


def two_d_case():
    arr = np.clip(np.round(field((1, 18, 20), 200, 0)[0]), -32768, 32767).astype(np.int16)
    mask = blob((1, 18, 20), (0, 9.1, 10.2), (1, 5.3, 6.4))[0]
    image = sitk.GetImageFromArray(arr)
    image.SetSpacing((0.6, 0.7))
    image.SetOrigin((-3.0, 4.0))
    m = sitk.GetImageFromArray(mask)
    m.CopyInformation(image)
    return image, m


def run_resample(name, image, mask, settings, interpolators, image_from=None):
    mask32 = io.getMask(mask, label=settings.get("label", 1))
    case = {"name": name, "image": describe(image, values=image_from is None), "mask": describe(mask32), "settings": settings,
            "outputs": {}}
    if image_from is not None:
        case["imageFrom"] = image_from
    mask_out = None
    for interpolator in interpolators:
        try:
            out_image, out_mask = io.resampleImage(image, mask32, interpolator=interpolator, **settings)
        except ValueError as error:
            case["error"] = str(error).split("\n")[0]
            return case
        case["outputs"][interpolator] = describe(out_image)
        described = describe(out_mask)
        if mask_out is None:
            mask_out = described
        assert described == mask_out, "the mask does not depend on the image interpolator"
    case["outputMask"] = mask_out
    return case


def beyond_case():
    """An image smaller than its mask's grid, offset by half a voxel: samples land exactly on the
    buffer's edges (-0.5 inside, size - 0.5 outside) and the padded box leaves the image."""
    shape = (6, 10, 10)
    arr = np.clip(np.round(field(shape, 150, 20)), -32768, 32767).astype(np.int16)
    image = make(arr, (1, 1, 1), (0, 0, 0))
    mask = np.zeros((6, 11, 14), np.uint8)
    mask[1:4, 1:5, 4:8] = 1
    return image, make(mask, (1, 1, 1), (-3.5, -0.5, 0))


def resample_cases():
    a_image, a_mask = int16_case()
    b_image, b_mask = float32_oblique_case()
    c_image, c_mask = float64_half_case()
    d_image, d_mask = other_grid_case()
    e_image, e_mask = two_d_case()
    f_image, f_mask = beyond_case()
    outside = sitk.Image(d_mask)
    outside.SetOrigin((7.0, 0.2, 0.4))
    return [
        run_resample("int16 anisotropic to 1 mm", a_image, a_mask, {"resampledPixelSpacing": [1, 1, 1.5], "padDistance": 1}, INTERPOLATORS),
        run_resample("float32 oblique, z kept (0)", b_image, b_mask, {"resampledPixelSpacing": [0.8, 0.8, 0], "padDistance": 1},
                     INTERPOLATORS),
        run_resample("float64 0.5 mm to 1 mm (ties)", c_image, c_mask, {"resampledPixelSpacing": [1, 1, 1], "padDistance": 1},
                     ["sitkNearestNeighbor", "sitkLinear", "sitkBSpline"]),
        run_resample("mask on another grid", d_image, d_mask, {"resampledPixelSpacing": [0.75, 0.75, 1.5], "padDistance": 3},
                     ["sitkNearestNeighbor", "sitkLinear", "sitkBSpline", "sitkLanczosWindowedSinc"]),
        run_resample("mask grid beyond the image, half-voxel offset", f_image, f_mask,
                     {"resampledPixelSpacing": [0.5, 1, 1], "padDistance": 3}, INTERPOLATORS),
        run_resample("2-D int16", e_image, e_mask, {"resampledPixelSpacing": [1, 1], "padDistance": 2},
                     ["sitkLinear", "sitkBSpline"]),
        run_resample("spacing already equal (no interpolation)", a_image, a_mask,
                     {"resampledPixelSpacing": [0.7, 0.8, 2.5], "padDistance": 3}, ["sitkBSpline"], image_from="int16 anisotropic to 1 mm"),
        run_resample("label 2, single slice kept", a_image, a_mask, {"resampledPixelSpacing": [0.5, 0.5, 0.5], "padDistance": 1, "label": 2},
                     ["sitkLinear"], image_from="int16 anisotropic to 1 mm"),
        run_resample("ROI outside the image", d_image, outside, {"resampledPixelSpacing": [1, 1, 1], "padDistance": 1}, ["sitkLinear"],
                     image_from="mask on another grid"),
    ]


def normalize_cases():
    base = np.round(field((6, 7, 8), 80, 30)).astype(np.int16)
    base[0, 0, 0] = 900  # an outlier
    image = make(base, (1, 1, 1), (0, 0, 0))
    fimage = make(field((5, 4, 6), 3.5, -1.25).astype(np.float32), (1, 1, 1), (0, 0, 0))
    cases = []
    for label, img, settings in [("int16 default", image, {}), ("int16 scale 100", image, {"normalizeScale": 100}),
                                 ("int16 outliers 1.5 scale 2", image, {"normalizeScale": 2, "removeOutliers": 1.5}),
                                 ("float32 outliers 1", fimage, {"removeOutliers": 1.0})]:
        out = io.normalizeImage(img, **settings)
        cases.append({"name": label, "image": describe(img), "settings": settings, "output": describe(out)})
    return cases


def check_mask_case(name, image, mask, settings, tolerance=None):
    if tolerance is not None:
        sitk.ProcessObject.SetGlobalDefaultCoordinateTolerance(tolerance)
        sitk.ProcessObject.SetGlobalDefaultDirectionTolerance(tolerance)
    case = {"name": name, "mask": describe(mask), "settings": settings}
    if tolerance is not None:
        case["settings"] = dict(settings, geometryTolerance=tolerance)
    try:
        bb, corrected = io.checkMask(image, mask, **settings)
        case["boundingBox"] = [int(v) for v in bb]
        case["corrected"] = None if corrected is None else describe(corrected)
    except (ValueError, RuntimeError) as error:
        case["error"] = type(error).__name__
        case["message"] = str(error).split("\n")[0][:160]
    finally:
        sitk.ProcessObject.SetGlobalDefaultCoordinateTolerance(1e-6)
        sitk.ProcessObject.SetGlobalDefaultDirectionTolerance(1e-6)
    return case


def shifted(mask, origin=None, spacing=None, direction=None):
    m = sitk.Image(mask)
    if origin is not None:
        m.SetOrigin(origin)
    if spacing is not None:
        m.SetSpacing(spacing)
    if direction is not None:
        m.SetDirection(direction)
    return m


def check_mask_cases():
    image, mask8 = int16_case()
    mask = io.getMask(mask8)
    o = np.array(image.GetOrigin())
    single = np.zeros((8, 14, 16), np.uint8)
    single[4, 5, 6] = 1
    line = np.zeros((8, 14, 16), np.uint8)
    line[4, 5, 3:9] = 1
    count = int(np.sum(sitk.GetArrayFromImage(mask) == 1))
    fine = make(blob((16, 28, 32), (7.5, 14.0, 16.5), (4.0, 8.0, 10.0)), (0.35, 0.4, 1.25), tuple(o + [0.11, -0.07, 0.3]))
    far = make(blob((8, 14, 16), (4, 7, 8), (2, 3, 3)), (0.7, 0.8, 2.5), tuple(o + [40.0, 0, 0]))
    tilt = list(rotation(0, 0, 2e-6).ravel())
    cases = [
        check_mask_case("same grid", image, mask, {}),
        check_mask_case("origin off by 1e-6 * 0.7 * 0.9", image, shifted(mask, origin=tuple(o + [0, 0.7e-6 * 0.9, 0])), {}),
        check_mask_case("origin off by 2e-6", image, shifted(mask, origin=tuple(o + [2e-6, 0, 0])), {}),
        check_mask_case("origin off by 2e-6, geometryTolerance 1e-5", image, shifted(mask, origin=tuple(o + [2e-6, 0, 0])), {}, 1e-5),
        check_mask_case("spacing off by 3e-6", image, shifted(mask, spacing=(0.7, 0.8, 2.500003)), {}),
        check_mask_case("direction off by 2e-6", image, shifted(mask, direction=tilt), {}),
        check_mask_case("direction off by 2e-6, geometryTolerance 1e-5", image, shifted(mask, direction=tilt), {}, 1e-5),
        check_mask_case("origin off by 2e-6, correctMask", image, shifted(mask, origin=tuple(o + [2e-6, 0, 0])), {"correctMask": True}),
        check_mask_case("size mismatch", image, io.getMask(make(sitk.GetArrayFromImage(mask8)[:7], (0.7, 0.8, 2.5), o)), {}),
        check_mask_case("finer mask grid, correctMask", image, io.getMask(fine), {"correctMask": True}),
        check_mask_case("finer mask grid", image, io.getMask(fine), {}),
        check_mask_case("ROI outside the image, correctMask", image, io.getMask(far), {"correctMask": True}),
        check_mask_case("label 3 absent", image, mask, {"label": 3}),
        check_mask_case("label 2 (2-D ROI)", image, mask, {"label": 2}),
        check_mask_case("label 2, minimumROIDimensions 3", image, mask, {"label": 2, "minimumROIDimensions": 3}),
        check_mask_case("single voxel", image, io.getMask(make(single, (0.7, 0.8, 2.5), o)), {"minimumROIDimensions": 1}),
        check_mask_case("line, minimumROIDimensions 2", image, io.getMask(make(line, (0.7, 0.8, 2.5), o)), {}),
        check_mask_case("line, minimumROIDimensions 1", image, io.getMask(make(line, (0.7, 0.8, 2.5), o)), {"minimumROIDimensions": 1}),
        check_mask_case("minimumROISize = count", image, mask, {"minimumROISize": count}),
        check_mask_case("minimumROISize = count - 1", image, mask, {"minimumROISize": count - 1}),
    ]
    return {"image": describe(image, values=False), "mask": describe(mask), "fineMask": describe(io.getMask(fine)),
            "cases": cases}


def get_mask_cases():
    cases = []
    base = np.zeros((3, 4, 5), np.uint8)
    two = base.copy()
    two[1, 1:3, 1:4] = 1
    two[1, 2, 4] = 2
    for name, arr, label in [("nothing segmented", base, 1), ("no background", np.ones_like(base), 1),
                             ("label absent", two, 3), ("label 2 present", two, 2), ("int16 labels", two.astype(np.int16), 1),
                             ("float labels", two.astype(np.float32) + 0.25, 1)]:
        case = {"name": name, "mask": describe(make(arr, (1, 1, 1), (0, 0, 0))), "label": label}
        try:
            out = io.getMask(make(arr, (1, 1, 1), (0, 0, 0)), label=label)
            case["output"] = describe(out)
        except ValueError as error:
            case["message"] = str(error)
        cases.append(case)
    return cases


def resegment_cases():
    image, mask8 = int16_case()
    mask = io.getMask(mask8)
    cases = []
    for mode, rng_ in [("absolute", [200, -100]), ("absolute", [0]), ("relative", [0.5]), ("relative", [0.8, 0.2]),
                       ("sigma", [-1, 1]), ("sigma", [0.5]), ("absolute", [30000])]:
        case = {"mode": mode, "range": rng_}
        try:
            out = io.resegmentMask(image, mask, resegmentRange=rng_, resegmentMode=mode, label=1)
            case["output"] = describe(out)
        except ValueError as error:
            case["message"] = str(error)
        cases.append(case)
    label2 = io.resegmentMask(image, mask, resegmentRange=[-5000], resegmentMode="absolute", label=2)
    cases.append({"mode": "absolute", "range": [-5000], "label": 2, "output": describe(label2)})
    # float32: NumPy 2 keeps float32 (a Python float threshold is rounded to float32; max, mean and
    # SD are float32). Thresholds just above an ROI value separate float32 from float64 arithmetic.
    f_image, f_mask8 = float32_oblique_case()
    f_mask = io.getMask(f_mask8)
    roi = np.sort(sitk.GetArrayFromImage(f_image)[sitk.GetArrayFromImage(f_mask) == 1])
    just_above = float(roi[len(roi) // 3]) + 1e-9
    float_cases = []
    for mode, rng_ in [("absolute", [just_above]), ("absolute", [float(roi[2]) + 1e-9, float(roi[-3]) - 1e-9]),
                       ("relative", [0.25, 0.9]), ("sigma", [-0.7, 1.1]), ("sigma", [0.0])]:
        out = io.resegmentMask(f_image, f_mask, resegmentRange=rng_, resegmentMode=mode, label=1)
        float_cases.append({"mode": mode, "range": rng_, "output": describe(out)})
    return {"image": describe(image), "mask": describe(mask), "cases": cases,
            "float32": {"image": describe(f_image), "mask": describe(f_mask), "cases": float_cases}}


def crop_cases():
    image, mask8 = int16_case()
    mask = io.getMask(mask8)
    b_image, b_mask8 = float32_oblique_case()
    b_mask = io.getMask(b_mask8)
    cases = []
    for name, img, m, pad, label in [("int16 pad 3", image, mask, 3, 1), ("int16 pad 0 label 2", image, mask, 0, 2),
                                     ("oblique float32 pad 10 (clipped)", b_image, b_mask, 10, 1)]:
        bb, _ = io.checkMask(img, m, label=label, minimumROIDimensions=1)
        ci, cm = io.cropToTumorMask(img, m, bb, padDistance=pad)
        cases.append({"name": name, "image": describe(img), "mask": describe(m), "label": label,
                      "padDistance": pad, "boundingBox": [int(v) for v in bb],
                      "croppedImage": describe(ci), "croppedMask": describe(cm, values=False)})
    return cases


def inverse_cases():
    """ITK's physical-point-to-index matrix (vnl SVD inverse of direction x diag(spacing)) of random
    oblique grids, read back as the continuous indices of the unit vectors (origin 0)."""
    cases = []
    for t in range(120):
        d = rotation(*rng.uniform(-3.1, 3.1, 3)) if t % 4 else rotation(rng.uniform(-3.1, 3.1), 0, 0)
        if t % 5 == 0:
            d[:, 0] *= -1
        spacing = rng.choice([0.5, 0.7, 0.78125, 1.0, 1.25, 2.5, 3.0, 5.0], 3) if t % 2 else np.round(rng.uniform(0.3, 5, 3), 4)
        image = sitk.Image(2, 2, 2, sitk.sitkUInt8)
        image.SetSpacing([float(v) for v in spacing])
        image.SetDirection([float(v) for v in d.ravel()])
        columns = [image.TransformPhysicalPointToContinuousIndex(tuple(float(v) for v in np.eye(3)[j])) for j in range(3)]
        inverse = np.array(columns).T
        cases.append({"direction": list(image.GetDirection()), "spacing": list(image.GetSpacing()),
                      "inverse": [float(v) for v in inverse.ravel()]})
    return cases


def main():
    fixture = {
        "generator": "scripts/peers/radiomics_resample.py",
        "versions": {"pyradiomics": radiomics.__version__, "SimpleITK": sitk.Version.VersionString(), "numpy": np.__version__,
                     "pywt": pywt.__version__},
        "resample": resample_cases(),
        "normalize": normalize_cases(),
        "checkMask": check_mask_cases(),
        "getMask": get_mask_cases(),
        "resegment": resegment_cases(),
        "crop": crop_cases(),
        "inverse": inverse_cases(),
    }
    write_fixture(OUT, fixture)
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
