"""NIfTI fixtures from nibabel: what nibabel reads from real files, for SinoImaging's tests.

Copies NIfTI files that nibabel ships in nibabel/tests/data (big- and little-endian,
NIfTI-1 and NIfTI-2, .nii and .nii.gz, scaled int16, float32, uint8) into
Tests/Fixtures/nifti/, writes a few more with nibabel itself (every datatype SinoImaging
reads, oblique and permuted affines, qform-only and no-transform headers, a .hdr/.img pair,
a 2-D image; and the bad inputs NaN voxels and an unsupported datatype), and writes one
JSON fixture per file with nibabel's header fields, shape, zooms, affines (sform, qform,
fallback, img.affine), orientation codes, voxel statistics of get_fdata() and sampled voxel
values, and the same for nibabel.as_closest_canonical(img).

    .venv-peers/bin/python scripts/peers/nifti.py            # writes the fixtures
    .venv-peers/bin/python scripts/peers/nifti.py FILE.nii   # prints what nibabel reads from FILE
                                                             # (e.g. a file written by SinoRad)
"""
import os
import shutil
import struct
import sys

import nibabel as nib
import numpy as np
from nibabel.orientations import aff2axcodes, io_orientation
from fixture_json import write_fixture

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "nifti")
SHIPPED = os.path.join(os.path.dirname(nib.__file__), "tests", "data")
# Real files from nibabel's test data (about 530 kB together).
SHIPPED_FILES = {
    "anatomical.nii": "NIfTI-1, big-endian int16, qform and sform codes 2",
    "example4d.nii.gz": "NIfTI-1 gzip, 4-D int16, oblique sform",
    "example_nifti2.nii.gz": "NIfTI-2 gzip, 4-D int16, oblique sform",
    "functional.nii": "NIfTI-1, 4-D int16 with scl_slope 0.0754 and scl_inter 3100.76",
    "reoriented_anat_moved.nii": "NIfTI-1, big-endian float32, RAS",
    "standard.nii.gz": "NIfTI-1 gzip, uint8, sform only",
}
SAMPLES = 300


def rng():
    return np.random.default_rng(20250056)


def raw_header(path):
    """The header fields as stored (nibabel's loaded image header resets scl_slope/inter)."""
    img = nib.load(path)
    klass = type(img.header)
    header_path = path if not path.endswith(".img") else path[:-4] + ".hdr"
    with nib.openers.ImageOpener(header_path) as f:
        return klass.from_fileobj(f, check=False)


def finite_or_none(x):
    x = float(x)
    return x if np.isfinite(x) else None


def header_fields(h):
    return {
        "sizeof_hdr": int(h["sizeof_hdr"]),
        "magic": h["magic"].item().decode("latin1").rstrip("\x00"),
        "endianness": "big" if h.endianness == ">" else "little",
        "datatype": int(h["datatype"]),
        "bitpix": int(h["bitpix"]),
        "dim": [int(d) for d in h["dim"]],
        "pixdim": [float(p) for p in h["pixdim"]],
        "vox_offset": float(h["vox_offset"]),
        "scl_slope": finite_or_none(h["scl_slope"]),
        "scl_inter": finite_or_none(h["scl_inter"]),
        "qform_code": int(h["qform_code"]),
        "sform_code": int(h["sform_code"]),
        "quatern": [float(h["quatern_b"]), float(h["quatern_c"]), float(h["quatern_d"])],
        "qoffset": [float(h["qoffset_x"]), float(h["qoffset_y"]), float(h["qoffset_z"])],
        "srow_x": [float(v) for v in h["srow_x"]],
        "srow_y": [float(v) for v in h["srow_y"]],
        "srow_z": [float(v) for v in h["srow_z"]],
        "xyzt_units": int(h["xyzt_units"]),
        "descrip": h["descrip"].item().decode("latin1").rstrip("\x00"),
    }


def samples(data, generator):
    """Up to SAMPLES voxels (all of them for small images): index (x fastest) and value."""
    n = data.size
    flat = np.arange(n) if n <= SAMPLES else np.sort(generator.choice(n, SAMPLES, replace=False))
    multi = np.unravel_index(flat, data.shape, order="F")
    values = data[multi]
    return [{"index": [int(m[i]) for m in multi], "value": float(values[i])} for i in range(len(flat))]


def stats(data):
    return {"sum": float(np.sum(data)), "min": float(np.min(data)), "max": float(np.max(data)),
            "mean": float(np.mean(data)), "count": int(data.size)}


def matrix(m):
    return [[float(v) for v in row] for row in np.asarray(m)]


def describe(path, note):
    img = nib.load(path)
    h = raw_header(path)
    data = img.get_fdata()  # float64, scaled
    generator = rng()
    entry = {
        "file": os.path.basename(path),
        "note": note,
        "class": type(img).__name__,
        "header": header_fields(h),
        "shape": [int(s) for s in img.shape],
        "zooms": [float(z) for z in img.header.get_zooms()],
        "data_dtype": img.get_data_dtype().name,
        "slope": float(img.dataobj.slope),
        "inter": float(img.dataobj.inter),
        "affine": matrix(img.affine),
        # The transforms of the header as loaded (after nibabel's check_fix repairs).
        "sform": matrix(img.header.get_sform()),
        "qform": matrix(img.header.get_qform()),
        "base_affine": matrix(img.header.get_base_affine()),
        "axcodes": "".join(aff2axcodes(img.affine)),
        "stats": stats(data),
        "samples": samples(data, generator),
    }
    if data.ndim >= 3:
        ornt = io_orientation(img.affine)
        canonical = nib.as_closest_canonical(img)
        cdata = canonical.get_fdata()
        entry["canonical"] = {
            "ornt": [[int(a), int(f)] for a, f in ornt],
            "shape": [int(s) for s in canonical.shape],
            "affine": matrix(canonical.affine),
            "axcodes": "".join(aff2axcodes(canonical.affine)),
            "zooms": [float(z) for z in canonical.header.get_zooms()],
            "qform_code": int(canonical.header["qform_code"]),
            "sform_code": int(canonical.header["sform_code"]),
            "stats": stats(cdata),
            "samples": samples(cdata, generator),
        }
    else:
        entry["canonical"] = None  # nibabel's apply_orientation needs three axes
    return entry


def oblique(zooms, angles, permutation, signs, translation):
    """An affine with permuted, flipped and rotated axes (a sagittal-like acquisition)."""
    a, b, c = np.deg2rad(angles)
    rx = np.array([[1, 0, 0], [0, np.cos(a), -np.sin(a)], [0, np.sin(a), np.cos(a)]])
    ry = np.array([[np.cos(b), 0, np.sin(b)], [0, 1, 0], [-np.sin(b), 0, np.cos(b)]])
    rz = np.array([[np.cos(c), -np.sin(c), 0], [np.sin(c), np.cos(c), 0], [0, 0, 1]])
    p = np.zeros((3, 3))
    for column, (row, sign) in enumerate(zip(permutation, signs)):
        p[row, column] = sign
    aff = np.eye(4)
    aff[:3, :3] = rz @ ry @ rx @ p @ np.diag(zooms)
    aff[:3, 3] = translation
    return aff


def smooth(shape, dtype, scale=1.0, offset=0.0):
    """Deterministic, non-symmetric data (so a wrong flip or transpose changes values)."""
    idx = np.indices(shape, dtype=np.float64)
    weights = [1.0, 7.3, 31.7, 101.1, 3.3][: len(shape)]
    value = sum(w * i for w, i in zip(weights, idx)) + 5.0 * np.sin(idx.sum(axis=0))
    return (value * scale + offset).astype(dtype)


def write_nibabel_files():
    """Files nibabel writes with known data: (name, note)."""
    made = []

    def save(img, name, note):
        nib.save(img, os.path.join(OUT, name))
        made.append((name, note))

    # Float32, permuted + rotated axes (PSR-like), sform and qform both set (code 1).
    aff = oblique([0.8, 0.9, 3.0], [8, -5, 12], [1, 2, 0], [-1, -1, 1], [12.5, -30.25, 4.0])
    img = nib.Nifti1Image(smooth((7, 6, 5), np.float32, 0.37, -20.0), aff)
    img.set_qform(aff, code=1)
    img.set_sform(aff, code=1)
    save(img, "nibabel_oblique_float32.nii.gz", "written by nibabel: float32, permuted and rotated axes, sform and qform code 1")

    # int16 scaled by nibabel (float data stored as int16 with scl_slope/scl_inter), qform only (qfac -1).
    aff = oblique([1.1, 1.2, 2.5], [-20, 10, 30], [0, 1, 2], [-1, 1, 1], [90.0, -126.0, -72.0])
    img = nib.Nifti1Image(smooth((6, 5, 4), np.float64, 1.7, -300.25), aff)
    img.set_data_dtype(np.int16)
    img.set_qform(aff, code=1)
    img.set_sform(None, code=0)
    save(img, "nibabel_qform_scaled_int16.nii", "written by nibabel: float64 data stored as int16 with scl_slope/scl_inter, qform only (qfac -1)")

    # uint16 without any transform: the fallback (Analyze) affine.
    hdr = nib.Nifti1Header()
    hdr.set_data_dtype(np.uint16)
    hdr.set_data_shape((5, 4, 3))
    hdr.set_zooms((2.0, 3.0, 4.0))
    img = nib.Nifti1Image(smooth((5, 4, 3), np.uint16, 10.0, 100.0), None, hdr)
    save(img, "nibabel_fallback_uint16.nii", "written by nibabel: uint16, qform_code and sform_code 0 (fallback affine)")

    # int8, big-endian.
    hdr = nib.Nifti1Header(endianness=">")
    hdr.set_data_dtype(np.int8)
    aff = np.diag([1.5, 1.5, 2.0, 1.0])
    aff[:3, 3] = [-3, -4, -5]
    img = nib.Nifti1Image(smooth((4, 5, 3), np.float64, 0.5, -20.0).astype(np.int8), aff, hdr)
    save(img, "nibabel_bigendian_int8.nii", "written by nibabel: big-endian int8")

    # int32 4-D, gzip.
    aff = oblique([2.0, 2.0, 2.0], [0, 0, 90], [0, 1, 2], [1, 1, 1], [0.0, 0.0, 0.0])
    img = nib.Nifti1Image(smooth((3, 4, 3, 2), np.int32, 1000.0, -50000.0), aff)
    img.set_data_dtype(np.int32)
    save(img, "nibabel_int32_4d.nii.gz", "written by nibabel: 4-D int32, axes rotated by 90 degrees")

    # float64 NIfTI-2.
    aff = oblique([0.5, 0.6, 0.7], [3, 2, 1], [2, 0, 1], [1, -1, -1], [1.0, 2.0, 3.0])
    img = nib.Nifti2Image(smooth((4, 3, 5), np.float64, 1.0 / 3.0, 0.1), aff)
    save(img, "nibabel_nifti2_float64.nii", "written by nibabel: NIfTI-2, float64, permuted axes")

    # A .hdr/.img pair (magic ni1).
    aff = np.diag([-1.0, 1.0, 1.0, 1.0])
    img = nib.Nifti1Pair(smooth((3, 3, 2), np.float32, 2.5), aff)
    save(img, "nibabel_pair_float32.hdr", "written by nibabel: Nifti1Pair (.hdr + .img, magic ni1), float32")

    # A header nibabel repairs on load (check_fix): qfac 0 (-> 1), a negative voxel size
    # (-> its absolute value), an invalid sform_code 9 (-> 0, so the qform applies).
    aff = oblique([1.0, 1.5, 2.0], [5, 10, -15], [0, 1, 2], [1, 1, 1], [-10.0, 20.0, 30.0])
    img = nib.Nifti1Image(smooth((4, 3, 3), np.int16), aff)
    img.set_qform(aff, code=1)
    name = "nibabel_repaired_header.nii"
    path = os.path.join(OUT, name)
    nib.save(img, path)
    raw = bytearray(open(path, "rb").read())
    struct.pack_into("<f", raw, 76, 0.0)        # pixdim[0] (qfac)
    struct.pack_into("<f", raw, 84, -1.5)       # pixdim[2]
    struct.pack_into("<h", raw, 254, 9)         # sform_code
    open(path, "wb").write(bytes(raw))
    made.append((name, "written by nibabel, then patched: qfac 0, pixdim[2] -1.5, sform_code 9 (nibabel repairs all three on load)"))

    # A 2-D uint8 image (dim[0] = 2).
    img = nib.Nifti1Image(smooth((5, 4), np.uint8, 2.0, 10.0), np.diag([0.5, 0.5, 1.0, 1.0]))
    save(img, "nibabel_2d_uint8.nii", "written by nibabel: 2-D uint8 (dim[0] = 2)")
    return made


def write_bad_files():
    """Inputs SinoRad must refuse; no JSON fixture (the tests name the expected error)."""
    data = smooth((4, 4, 3), np.float32)
    data[1, 2, 0] = np.nan
    data[3, 0, 2] = np.nan
    nib.save(nib.Nifti1Image(data, np.eye(4)), os.path.join(OUT, "bad_nan_float32.nii"))
    nib.save(nib.Nifti1Image(np.ones((3, 3, 2), np.complex64), np.eye(4)), os.path.join(OUT, "bad_complex64.nii"))


def versions():
    return {"nibabel": nib.__version__, "numpy": np.__version__}


def main():
    os.makedirs(OUT, exist_ok=True)
    cases = []
    for name, note in SHIPPED_FILES.items():
        shutil.copyfile(os.path.join(SHIPPED, name), os.path.join(OUT, name))
        cases.append((name, "shipped with nibabel (nibabel/tests/data): " + note))
    cases += write_nibabel_files()
    write_bad_files()
    index = []
    for name, note in cases:
        entry = describe(os.path.join(OUT, name), note)
        entry["generator"] = "scripts/peers/nifti.py"
        entry["versions"] = versions()
        stem = name.split(".")[0]
        write_fixture(os.path.join(OUT, stem + ".json"), entry)
        index.append({"file": name, "fixture": stem + ".json"})
    write_fixture(os.path.join(OUT, "index.json"),
                  {"generator": "scripts/peers/nifti.py", "versions": versions(), "cases": index})
    print(f"wrote {len(index)} fixtures to {OUT} ({versions()})")


def check(path):
    """Prints what nibabel reads from a file, e.g. one written by `NIfTI.write`."""
    img = nib.load(path)
    data = img.get_fdata()
    h = img.header
    np.set_printoptions(precision=9, suppress=True)
    print(f"{path}: {type(img).__name__} shape {img.shape} dtype {img.get_data_dtype()} "
          f"qform_code {int(h['qform_code'])} sform_code {int(h['sform_code'])} axcodes {''.join(aff2axcodes(img.affine))}")
    print("affine (sform):\n", img.affine)
    print("qform:\n", h.get_qform())
    print(f"sum {np.sum(data)!r} min {np.min(data)!r} max {np.max(data)!r} mean {np.mean(data)!r}")


if __name__ == "__main__":
    if len(sys.argv) > 1:
        for p in sys.argv[1:]:
            check(p)
    else:
        main()
