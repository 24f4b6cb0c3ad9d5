"""NRRD fixtures from SimpleITK: what SimpleITK (the reader PyRadiomics uses) reads from NRRD files.

Writes small NRRD files of every kind SinoImaging reads into Tests/Fixtures/nrrd/ (attached
and detached headers; raw, gzip and ascii encodings under their alternative names; every
scalar type under several spellings; big- and little-endian; RAS, LPS, LAS and 3D-right-handed
spaces with oblique, anisotropic space directions; byte skip, -1 byte skip and line skip;
2-D images; a multi-label segmentation; files written by SimpleITK and by pynrrd), and
broken files SinoImaging must refuse. The headers are written here by hand (so each field's
spelling is known); the data are numpy arrays with the first axis fastest (order="F").

SimpleITK reads each good file and `expected.json` records its size, spacing, origin,
direction (row-major, LPS as ITK), pixel type, sum/min/max and sampled voxels (index with
the first axis first). For each broken file it records whether SimpleITK reads it anyway
(SinoImaging is stricter: a header that does not describe the data exactly is refused).

    .venv-peers/bin/python scripts/peers/nrrd.py            # writes the fixtures
    .venv-peers/bin/python scripts/peers/nrrd.py FILE.nrrd  # prints what SimpleITK reads
"""
import gzip
import os
import sys

import numpy as np
import SimpleITK as sitk
from fixture_json import write_fixture

# This script is itself named nrrd.py: import pynrrd's `nrrd` package, not this file.
_HERE = sys.path.pop(0)
import nrrd as pynrrd  # noqa: E402
sys.path.insert(0, _HERE)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "nrrd")
SAMPLES = 24


def smooth(shape, dtype, scale=1.0, offset=0.0):
    """Deterministic, non-symmetric data (a wrong flip or transpose changes values)."""
    idx = np.indices(shape, dtype=np.float64)
    weights = [1.0, 7.3, 31.7][: len(shape)]
    value = sum(w * i for w, i in zip(weights, idx)) + 5.0 * np.sin(idx.sum(axis=0))
    return np.round(value * scale + offset).astype(dtype) if np.dtype(dtype).kind in "iu" else (value * scale + offset).astype(dtype)


def rotation(angles):
    a, b, c = np.deg2rad(angles)
    rx = np.array([[1, 0, 0], [0, np.cos(a), -np.sin(a)], [0, np.sin(a), np.cos(a)]])
    ry = np.array([[np.cos(b), 0, np.sin(b)], [0, 1, 0], [-np.sin(b), 0, np.cos(b)]])
    rz = np.array([[np.cos(c), -np.sin(c), 0], [np.sin(c), np.cos(c), 0], [0, 0, 1]])
    return rz @ ry @ rx


def directions(spacing, angles=(0, 0, 0), permutation=(0, 1, 2), signs=(1, 1, 1)):
    """Space direction vectors (one per axis) of a permuted, flipped, rotated, anisotropic grid."""
    p = np.zeros((3, 3))
    for column, (row, sign) in enumerate(zip(permutation, signs)):
        p[row, column] = sign
    m = rotation(angles) @ p @ np.diag(spacing)
    return [m[:, i] for i in range(3)]


def vec(v):
    return "(" + ",".join(repr(float(x)) for x in v) + ")"


def data_bytes(data, endian, encoding):
    flat = data.flatten(order="F")
    if encoding in ("ascii", "text", "txt"):
        fmt = (lambda x: repr(float(x))) if flat.dtype.kind == "f" else (lambda x: str(int(x)))
        # Several values per line, as unu writes.
        lines = [" ".join(fmt(x) for x in flat[i:i + 7]) for i in range(0, flat.size, 7)]
        return ("\n".join(lines) + "\n").encode()
    raw = flat.astype(flat.dtype.newbyteorder("<" if endian == "little" else ">")).tobytes()
    return gzip.compress(raw, mtime=0) if encoding in ("gzip", "gz") else raw


def header_text(fields, magic="NRRD0004"):
    lines = [magic]
    for f in fields:
        lines.append(f)
    return ("\n".join(lines) + "\n").encode()


def write_case(name, data, type_name, encoding, endian="little", space=None, dirs=None, origin=None,
               extra=(), detached=None, prefix=b"", byte_skip=None, line_skip=None, kinds=None,
               field_names=None, space_dimension=None):
    """Writes `name` (attached) or `name` + `detached` (the data file) and returns the path."""
    names = {"data file": "data file", "space directions": "space directions"}
    names.update(field_names or {})
    fields = ["# written by scripts/peers/nrrd.py", f"type: {type_name}", f"dimension: {data.ndim}"]
    if space:
        fields.append(f"space: {space}")
    if space_dimension:
        fields.append(f"space dimension: {space_dimension}")
    fields.append("sizes: " + " ".join(str(s) for s in data.shape))
    if dirs is not None:
        fields.append(names["space directions"] + ": " + " ".join(d if isinstance(d, str) else vec(d) for d in dirs))
    if kinds:
        fields.append("kinds: " + " ".join(kinds))
    if data.dtype.itemsize > 1 and encoding not in ("ascii", "text", "txt"):
        fields.append(f"endian: {endian}")
    fields.append(f"encoding: {encoding}")
    if origin is not None:
        fields.append("space origin: " + vec(origin))
    if line_skip is not None:
        fields.append(f"line skip: {line_skip}")
    if byte_skip is not None:
        fields.append(f"byte skip: {byte_skip}")
    fields += list(extra)
    payload = prefix + data_bytes(data, endian, encoding)
    path = os.path.join(OUT, name)
    if detached:
        fields.append(f"{names['data file']}: {detached}")
        with open(path, "wb") as f:
            f.write(header_text(fields))
        with open(os.path.join(OUT, detached), "wb") as f:
            f.write(payload)
    else:
        with open(path, "wb") as f:
            f.write(header_text(fields) + b"\n" + payload)
    return path


def good_cases():
    """(file, note) of every file SinoImaging must read as SimpleITK does."""
    cases = []

    def case(name, note, *args, **kwargs):
        write_case(name, *args, **kwargs)
        cases.append((name, note))

    d = directions([0.8, 0.9, 3.0], [8, -5, 12], [1, 2, 0], [-1, -1, 1])
    case("raw_lps_float32.nrrd", "attached, raw, float, little-endian, LPS, permuted oblique anisotropic directions",
         smooth((7, 6, 5), np.float32, 0.37, -20.0), "float", "raw", space="left-posterior-superior",
         dirs=d, origin=[12.5, -30.25, 4.0], kinds=["domain"] * 3)
    d = directions([1.1, 1.2, 2.5], [-20, 10, 30], [0, 1, 2], [-1, 1, 1])
    case("gzip_ras_int16.nrrd", "attached, gzip, int16, RAS (short name), oblique, comments and key:=value pairs",
         smooth((6, 5, 4), np.int16, 17.0, -300.0), "int16", "gzip", space="RAS", dirs=d,
         origin=[90.0, -126.0, -72.0], kinds=["space"] * 3,
         extra=["# a comment", "modality:=MR", "Segmentation_Note:=a value: with a colon"])
    d = directions([0.5, 0.5, 1.5], [0, 0, 0], [0, 1, 2], [1, 1, 1])
    case("gz_big_ushort.nrrd", "attached, encoding gz, ushort, big-endian, right-anterior-superior",
         smooth((5, 4, 3), np.uint16, 10.0, 100.0), "ushort", "gz", endian="big",
         space="right-anterior-superior", dirs=d, origin=[-1.5, 2.5, 3.5])
    d = directions([2.0, 3.0, 4.0], [3, 2, 1], [2, 0, 1], [1, -1, -1])
    case("text_lps_double.nrrd", "attached, encoding text, double, LPS (short name)",
         smooth((4, 3, 5), np.float64, 1.0 / 3.0, 0.1), "double", "text", space="LPS", dirs=d, origin=[1.0, 2.0, 3.0])
    d = directions([1.0, 1.0, 2.0], [0, 0, 0], [0, 1, 2], [1, 1, 1])
    case("txt_las_schar.nrrd", "attached, encoding txt, signed char, left-anterior-superior",
         smooth((4, 5, 3), np.int8, 0.5, -20.0), "signed char", "txt", space="left-anterior-superior", dirs=d,
         origin=[-3.0, -4.0, -5.0])
    d = directions([0.7, 0.7, 1.0], [0, 15, 0], [0, 1, 2], [1, 1, 1])
    case("ascii_uchar.nrrd", "attached, encoding ascii, uchar, 3D-right-handed space",
         smooth((3, 4, 2), np.uint8, 2.0, 10.0), "uchar", "ascii", space="3D-right-handed", dirs=d, origin=[0.0, 0.0, 0.0])
    d = directions([0.6, 1.1, 1.7], [-9, 3, 25], [2, 1, 0], [1, -1, 1])
    case("scanner_xyz_float.nrrd", "attached, raw, float, scanner-xyz space (taken as LPS by ITK)",
         smooth((4, 3, 3), np.float32, 0.75, 2.0), "float", "raw", space="scanner-xyz", dirs=d, origin=[7.0, -8.0, 9.0])
    case("left_handed_int16.nrrd", "attached, gzip, signed short, 3D-left-handed space (taken as is by ITK)",
         smooth((3, 4, 3), np.int16, 9.0, -100.0), "signed short", "gzip", space="3D-left-handed",
         dirs=directions([1.0, 0.5, 2.0], [0, 0, 0], [0, 1, 2], [1, 1, -1]), origin=[1.0, 2.0, 3.0])
    d = directions([1.0, 1.5, 2.0], [5, 10, -15], [0, 1, 2], [1, 1, 1])
    case("detached_raw_uint8.nhdr", "detached (data file:), raw, unsigned char, byte skip 7",
         smooth((4, 3, 3), np.uint8, 3.0, 1.0), "unsigned char", "raw", space="left-posterior-superior", dirs=d,
         origin=[-10.0, 20.0, 30.0], detached="detached_raw_uint8.raw", prefix=b"JUNK123", byte_skip=7)
    d = directions([0.9, 0.9, 1.1], [0, 0, 90], [0, 1, 2], [1, 1, 1])
    case("detached_gzip_int32.nhdr", "detached (datafile:), gzip, int32, big-endian, RAS",
         smooth((3, 4, 3), np.int32, 1000.0, -50000.0), "int32", "gzip", endian="big", space="RAS", dirs=d,
         origin=[5.0, 6.0, 7.0], detached="detached_gzip_int32.raw.gz", field_names={"data file": "datafile"})
    d = directions([1.25, 1.25, 1.25], [0, 0, 0], [1, 0, 2], [1, 1, -1])
    case("detached_lineskip_uint.nhdr", "detached, raw, unsigned int, line skip 2",
         smooth((3, 3, 4), np.uint32, 1000.0, 70000.0), "unsigned int", "raw", space="LPS", dirs=d,
         origin=[0.5, 0.5, 0.5], detached="detached_lineskip_uint.raw", prefix=b"first line\nsecond line\n", line_skip=2)
    d = directions([1.0, 2.0, 3.0], [0, 0, 0], [0, 1, 2], [1, 1, 1])
    case("detached_byteskip_last_longlong.nhdr", "detached, raw, long long, byte skip -1 (data at the end of the file)",
         smooth((3, 2, 2), np.int64, 100.0, -500.0), "long long", "raw", space="LPS", dirs=d, origin=[0.0, 0.0, 0.0],
         detached="detached_byteskip_last_longlong.raw", prefix=b"\x00" * 37, byte_skip=-1)
    case("raw_ulonglong_big.nrrd", "attached, raw, unsigned long long int, big-endian, no space (spacings only)",
         smooth((3, 2, 2), np.uint64, 100.0, 5.0), "unsigned long long int", "raw", endian="big",
         extra=["spacings: 1.5 2 3"])
    case("raw_short_int.nrrd", "attached, raw, short int, no geometry at all (spacing 1, identity, origin 0)",
         smooth((3, 3, 2), np.int16, 3.0, -7.0), "short int", "raw")
    case("raw_uint16_2d.nrrd", "2-D, raw, uint16, spacings only",
         smooth((5, 4), np.uint16, 10.0, 3.0), "uint16", "raw", extra=["spacings: 0.6 0.8"])
    case("gzip_float_2d_space2.nrrd", "2-D, gzip, float, space dimension 2",
         smooth((6, 3), np.float32, 0.25, 1.0), "float", "gzip",
         dirs=[[0.6, 0.8], [-1.6, 1.2]], origin=[1.0, -2.0], space_dimension=2)
    # A multi-label segmentation as 3D Slicer writes it (.seg.nrrd with one layer).
    labels = np.zeros((6, 5, 4), np.uint8)
    labels[1:3, 1:4, 1:3] = 1
    labels[3:5, 2:4, 1:2] = 2
    labels[2:4, 0:2, 3:4] = 3
    d = directions([0.8, 0.8, 2.0], [0, 0, 0], [0, 1, 2], [-1, -1, 1])
    segment_keys = []
    for i, (value, name) in enumerate([(1, "tumour"), (2, "necrosis"), (3, "oedema")]):
        segment_keys += [f"Segment{i}_ID:=Segment_{value}", f"Segment{i}_LabelValue:={value}",
                         f"Segment{i}_Layer:=0", f"Segment{i}_Name:={name}"]
    case("segmentation_labels.seg.nrrd", "multi-label segmentation (3D Slicer-style keys), gzip, uint8, labels 1, 2, 3",
         labels, "uint8", "gzip", space="left-posterior-superior", dirs=d, origin=[40.0, 30.0, -12.0],
         kinds=["domain"] * 3, extra=segment_keys)

    # Written by SimpleITK itself (the files PyRadiomics' tools produce) and by pynrrd.
    img = sitk.GetImageFromArray(np.transpose(smooth((5, 4, 3), np.float32, 0.5, -2.0), (2, 1, 0)))
    img.SetSpacing((0.7, 0.8, 2.5))
    img.SetOrigin((-20.0, 15.0, 7.5))
    img.SetDirection(tuple(rotation([10, -20, 30]).flatten()))
    sitk.WriteImage(img, os.path.join(OUT, "simpleitk_written.nrrd"), useCompression=True)
    cases.append(("simpleitk_written.nrrd", "written by SimpleITK (gzip, float, LPS, oblique)"))
    d = np.stack(directions([1.2, 0.6, 1.8], [-7, 4, 2], [0, 1, 2], [1, -1, 1]))
    header = {"space": "right-anterior-superior", "space directions": d, "space origin": np.array([3.0, -4.0, 5.0]),
              "kinds": ["domain"] * 3, "encoding": "gzip"}
    pynrrd.write(os.path.join(OUT, "pynrrd_written.nrrd"), smooth((4, 4, 3), np.int16, 5.0, -40.0), header, index_order="F")
    path = os.path.join(OUT, "pynrrd_written.nrrd")
    raw = open(path, "rb").read()
    start = raw.index(b"# on ")  # pynrrd's time stamp: dropped so that reruns give the same file
    open(path, "wb").write(raw[:start] + raw[raw.index(b"\n", start) + 1:])
    cases.append(("pynrrd_written.nrrd", "written by pynrrd (gzip, int16, RAS, oblique)"))
    return cases


def bad_cases():
    """(file, field, what) of files SinoImaging must refuse, with the field its error names."""
    bad = []
    data = smooth((4, 3, 2), np.int16, 3.0)
    d = directions([1.0, 1.0, 1.0])

    def case(name, field, what, *args, **kwargs):
        write_case(name, *args, **kwargs)
        bad.append((name, field, what))

    def patched(name, field, what, source, old, new):
        text = open(os.path.join(OUT, source), "rb").read()
        assert old in text, (source, old)
        open(os.path.join(OUT, name), "wb").write(text.replace(old, new, 1))
        bad.append((name, field, what))

    case("bad_source.nrrd", "", "(source for the patched files below)", data, "int16", "raw", space="LPS", dirs=d, origin=[0, 0, 0])
    patched("bad_sizes_short.nrrd", "sizes", "sizes describe more data than the file holds", "bad_source.nrrd", b"sizes: 4 3 2", b"sizes: 4 3 3")
    patched("bad_sizes_long.nrrd", "sizes", "sizes describe less data than the file holds", "bad_source.nrrd", b"sizes: 4 3 2", b"sizes: 4 3 1")
    patched("bad_sizes_huge.nrrd", "sizes", "sizes of 10^15 voxels in a file of a few hundred bytes", "bad_source.nrrd",
            b"sizes: 4 3 2", b"sizes: 100000 100000 100000")
    patched("bad_type.nrrd", "type", "unknown type", "bad_source.nrrd", b"type: int16", b"type: complex")
    patched("bad_type_block.nrrd", "type", "block type (not a scalar)", "bad_source.nrrd", b"type: int16", b"type: block")
    patched("bad_encoding.nrrd", "encoding", "unknown encoding", "bad_source.nrrd", b"encoding: raw", b"encoding: zip")
    patched("bad_encoding_bzip2.nrrd", "encoding", "bzip2 (not supported)", "bad_source.nrrd", b"encoding: raw", b"encoding: bzip2")
    patched("bad_missing_sizes.nrrd", "sizes", "no sizes field", "bad_source.nrrd", b"sizes: 4 3 2\n", b"")
    patched("bad_missing_type.nrrd", "type", "no type field", "bad_source.nrrd", b"type: int16\n", b"")
    patched("bad_dimension_sizes.nrrd", "sizes", "dimension 3 but two sizes", "bad_source.nrrd", b"sizes: 4 3 2", b"sizes: 4 6")
    patched("bad_dimension_directions.nrrd", "space directions", "three axes but two space directions", "bad_source.nrrd",
            b"space directions: (1.0,0.0,0.0) ", b"space directions: ")
    patched("bad_magic.nrrd", "magic", "not NRRD magic", "bad_source.nrrd", b"NRRD0004", b"NRRX0004")
    patched("bad_endian.nrrd", "endian", "unknown endian", "bad_source.nrrd", b"endian: little", b"endian: middle")
    patched("bad_space.nrrd", "space", "unknown space", "bad_source.nrrd", b"space: LPS", b"space: upside-down")
    patched("bad_number.nrrd", "space origin", "not a number", "bad_source.nrrd", b"space origin: (0.0,", b"space origin: (zero,")
    case("bad_kinds_count.nrrd", "kinds", "three axes but two kinds", data, "int16", "raw", space="LPS", dirs=d,
         origin=[0, 0, 0], kinds=["domain", "domain"])
    good = write_case("bad_truncated_gzip.nrrd", data, "int16", "gzip", space="LPS", dirs=d, origin=[0, 0, 0])
    raw = open(good, "rb").read()
    open(good, "wb").write(raw[:-12])
    bad.append(("bad_truncated_gzip.nrrd", "encoding", "gzip stream cut short"))
    case("bad_4d.nrrd", "dimension", "a 4-D image", smooth((3, 2, 2, 2), np.int16), "int16", "raw", space="LPS",
         dirs=list(directions([1, 1, 1])) + ["none"], origin=[0, 0, 0], kinds=["domain"] * 3 + ["list"])
    case("bad_vector.nrrd", "kinds", "a 2-D vector image (RGB)", smooth((3, 4, 5), np.uint8), "uint8", "raw", space="LPS",
         dirs=["none", [1.0, 0, 0], [0, 1.0, 0]], origin=[0, 0, 0], kinds=["RGB-color", "domain", "domain"])
    case("bad_missing_datafile.nhdr", "data file", "the data file does not exist", data, "int16", "raw", space="LPS",
         dirs=d, origin=[0, 0, 0], detached="bad_missing_datafile.raw")
    os.remove(os.path.join(OUT, "bad_missing_datafile.raw"))
    case("bad_ascii_short.nrrd", "sizes", "ascii data with fewer values than sizes describe", data[:, :, :1], "int16", "ascii",
         space="LPS", dirs=d, origin=[0, 0, 0])
    text = open(os.path.join(OUT, "bad_ascii_short.nrrd"), "rb").read().replace(b"sizes: 4 3 1", b"sizes: 4 3 2")
    open(os.path.join(OUT, "bad_ascii_short.nrrd"), "wb").write(text)
    case("bad_2d_in_3d_space.nrrd", "space directions", "2-D image with 3-D space directions (ITK refuses it too)",
         smooth((5, 4), np.uint16), "uint16", "raw", space="RAS", dirs=[[0.0, -0.6, 0.0], [0.0, 0.0, 0.8]],
         origin=[10.0, 20.0, 30.0])
    os.remove(os.path.join(OUT, "bad_source.nrrd"))
    return [b for b in bad if b[0] != "bad_source.nrrd"]


def matrix_rows(flat, n):
    return [[float(flat[r * n + c]) for c in range(n)] for r in range(n)]


def describe(name, note):
    img = sitk.ReadImage(os.path.join(OUT, name))
    array = sitk.GetArrayFromImage(img)  # numpy order: last axis of NRRD first
    data = np.transpose(array, tuple(reversed(range(array.ndim)))).astype(np.float64)  # first axis first
    generator = np.random.default_rng(20250713)
    n = data.size
    flat = np.arange(n) if n <= SAMPLES else np.sort(generator.choice(n, SAMPLES, replace=False))
    multi = np.unravel_index(flat, data.shape, order="F")
    samples = [{"index": [int(m[i]) for m in multi], "value": float(data[tuple(m[i] for m in multi)])} for i in range(len(flat))]
    entry = {
        "file": name,
        "note": note,
        "dimension": img.GetDimension(),
        "pixel_type": img.GetPixelIDTypeAsString(),
        "components": img.GetNumberOfComponentsPerPixel(),
        "size": list(img.GetSize()),
        "spacing": list(img.GetSpacing()),
        "origin": list(img.GetOrigin()),
        "direction": matrix_rows(img.GetDirection(), img.GetDimension()),
        "sum": float(np.sum(data)), "min": float(np.min(data)), "max": float(np.max(data)),
        "samples": samples,
    }
    labels = np.unique(data)
    if name.startswith("segmentation"):
        entry["label_counts"] = {str(int(v)): int(np.sum(data == v)) for v in labels}
    return entry


def sitk_reads(name):
    try:
        sitk.ReadImage(os.path.join(OUT, name))
        return True
    except RuntimeError:
        return False


def versions():
    return {"SimpleITK": sitk.Version.VersionString(), "pynrrd": pynrrd.__version__, "numpy": np.__version__}


def main():
    os.makedirs(OUT, exist_ok=True)
    for old in os.listdir(OUT):
        os.remove(os.path.join(OUT, old))
    cases = [describe(name, note) for name, note in good_cases()]
    bad = [{"file": f, "field": field, "what": what, "simpleitk_reads": sitk_reads(f)} for f, field, what in bad_cases()]
    write_fixture(os.path.join(OUT, "expected.json"),
                  {"generator": "scripts/peers/nrrd.py", "versions": versions(), "cases": cases, "bad": bad})
    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    print(f"wrote {len(cases)} readable and {len(bad)} broken NRRD files ({total} bytes) to {OUT} ({versions()})")


def check(path):
    img = sitk.ReadImage(path)
    print(f"{path}: {img.GetPixelIDTypeAsString()} size {img.GetSize()} spacing {img.GetSpacing()}")
    print(f"origin {img.GetOrigin()} direction {img.GetDirection()}")
    a = sitk.GetArrayFromImage(img).astype(np.float64)
    print(f"sum {np.sum(a)!r} min {np.min(a)!r} max {np.max(a)!r}")


if __name__ == "__main__":
    if len(sys.argv) > 1:
        for p in sys.argv[1:]:
            check(p)
    else:
        main()
