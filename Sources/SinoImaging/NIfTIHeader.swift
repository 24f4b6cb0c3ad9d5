import Foundation

/// A NIfTI-1 or NIfTI-2 header, field by field as stored (both versions in one type: integers
/// as `Int`, reals as `Double`, which holds NIfTI-1's float32 values exactly).
///
/// Layouts follow nifti1.h and nifti2.h. What is derived from the fields (shape, scaling,
/// the qform / sform / fallback affines and which one applies) follows nibabel 5.4
/// (`Nifti1Header.get_best_affine`, `get_slope_inter`, `get_zooms`), including the repairs its
/// `check_fix` makes on load: qfac other than -1 counts as 1, voxel sizes 0 count as 1 and
/// negative ones by their absolute value, unknown xform codes count as 0.
public struct NIfTIHeader: Sendable, Equatable {
    public enum Version: Int, Sendable, Codable { case nifti1 = 1, nifti2 = 2 }
    public enum ByteOrder: String, Sendable, Codable { case little, big }
    /// Which transform `affine` comes from (nibabel's precedence: sform, qform, fallback).
    public enum AffineSource: String, Sendable, Codable { case sform, qform, fallback }

    public var version: Version = .nifti1
    public var byteOrder: ByteOrder = .little
    /// "n+1" / "n+2" (single file) or "ni1" / "ni2" (.hdr + .img pair).
    public var magic = "n+1"
    public var dimInfo = 0
    /// dim[0] is the number of axes (1...7), dim[1...dim[0]] their sizes.
    public var dim = [3, 1, 1, 1, 1, 1, 1, 1]
    public var intentP = [0.0, 0.0, 0.0]
    public var intentCode = 0
    public var datatypeCode = NIfTIDataType.float32.rawValue
    public var bitpix = 32
    public var sliceStart = 0
    /// pixdim[0] is qfac (±1), pixdim[1...] the voxel sizes.
    public var pixdim = [1.0, 1, 1, 1, 1, 1, 1, 1]
    public var voxOffset = 352.0
    public var sclSlope = 1.0
    public var sclInter = 0.0
    public var sliceEnd = 0
    public var sliceCode = 0
    public var xyztUnits = 0
    public var calMax = 0.0
    public var calMin = 0.0
    public var sliceDuration = 0.0
    public var toffset = 0.0
    public var descrip = ""
    public var auxFile = ""
    public var qformCode = 0
    public var sformCode = 0
    /// quatern_b, quatern_c, quatern_d.
    public var quatern = [0.0, 0.0, 0.0]
    /// qoffset_x, qoffset_y, qoffset_z.
    public var qoffset = [0.0, 0.0, 0.0]
    public var srowX = [1.0, 0, 0, 0]
    public var srowY = [0.0, 1, 0, 0]
    public var srowZ = [0.0, 0, 1, 0]
    public var intentName = ""

    public init() {}

    public var sizeofHdr: Int { version == .nifti1 ? 348 : 540 }
    /// The smallest vox_offset of a single file (header + 4 extension bytes).
    public var singleFileOffset: Int { version == .nifti1 ? 352 : 544 }
    public var isSingleFile: Bool { magic.hasPrefix("n+") }
    public var datatype: NIfTIDataType? { NIfTIDataType(rawValue: datatypeCode) }
    /// dim[1...dim[0]], as nibabel's `img.shape` (trailing size-1 axes kept).
    public var shape: [Int] { Array(dim[1...max(1, min(dim[0], 7))]) }
    public var voxelCount: Int { shape.reduce(1, *) }

    /// (slope, intercept) to apply, or nil when the data are used as stored: as nibabel,
    /// a slope of 0 or a non-finite slope means no scaling, and so does (1, 0).
    public var scaling: (slope: Double, intercept: Double)? {
        guard sclSlope != 0, sclSlope.isFinite else { return nil }
        if sclSlope == 1 && sclInter == 0 { return nil }
        return (sclSlope, sclInter)
    }

    /// pixdim after nibabel's repairs: qfac ±1, spatial sizes positive (0 -> 1).
    public var repairedPixdim: [Double] {
        var p = pixdim
        if p[0] != 1 && p[0] != -1 { p[0] = 1 }
        for i in 1...3 where p[i] <= 0 { p[i] = p[i] == 0 ? 1 : abs(p[i]) }
        return p
    }

    /// Voxel size per axis (pixdim[1...dim[0]]), nibabel's `header.get_zooms()`.
    public var zooms: [Double] { Array(repairedPixdim[1...shape.count]) }

    static let validXformCodes = 0...5

    var effectiveQformCode: Int { Self.validXformCodes.contains(qformCode) ? qformCode : 0 }
    var effectiveSformCode: Int { Self.validXformCodes.contains(sformCode) ? sformCode : 0 }

    /// nibabel's `img.affine`: the sform when sform_code is set, else the qform when
    /// qform_code is set, else the fallback scaling affine.
    public var affineSource: AffineSource {
        if effectiveSformCode != 0 { return .sform }
        if effectiveQformCode != 0 { return .qform }
        return .fallback
    }

    public var affine: [[Double]] {
        switch affineSource {
        case .sform: return sformAffine
        case .qform: return qformAffine
        case .fallback: return fallbackAffine
        }
    }

    public var sformAffine: [[Double]] { [srowX, srowY, srowZ, [0, 0, 0, 1]] }

    /// The quaternion (a, b, c, d) with a = sqrt(1 - b² - c² - d²), 0 when that is negative
    /// within the precision of the stored values (nibabel's `fillpositive`), nil when b, c, d
    /// are not a rotation.
    public var quaternion: [Double]? {
        let (b, c, d) = (quatern[0], quatern[1], quatern[2])
        let w2 = 1.0 - (b * b + c * c + d * d)
        let threshold = 3 * (version == .nifti1 ? Double(Float.ulpOfOne) : Double.ulpOfOne)
        if abs(w2) < threshold { return [0, b, c, d] }
        guard w2 >= 0, w2.isFinite else { return nil }
        return [w2.squareRoot(), b, c, d]
    }

    /// The affine of the quaternion representation (method 2 of nifti1.h), as nibabel's
    /// `get_qform`: rotation times diag(pixdim[1], pixdim[2], qfac * pixdim[3]), plus qoffset.
    public var qformAffine: [[Double]] {
        let q = quaternion ?? [1, 0, 0, 0]
        let rotation = Self.rotation(fromQuaternion: q)
        let p = repairedPixdim
        let scale = [p[1], p[2], p[3] * p[0]]
        var out = [[Double]](repeating: [0, 0, 0, 0], count: 4)
        for r in 0..<3 {
            for c in 0..<3 { out[r][c] = rotation[r][c] * scale[c] }
            out[r][3] = qoffset[r]
        }
        out[3] = [0, 0, 0, 1]
        return out
    }

    /// The Analyze fallback: voxel sizes on the diagonal with x flipped, the grid centre at
    /// the origin (nibabel's `get_base_affine` / `shape_zoom_affine`).
    public var fallbackAffine: [[Double]] {
        var size = [1.0, 1, 1], zoom = [1.0, 1, 1]
        let p = repairedPixdim
        for i in 0..<min(3, shape.count) { size[i] = Double(shape[i]); zoom[i] = p[i + 1] }
        zoom[0] = -zoom[0]
        var out = [[1.0, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]
        for i in 0..<3 {
            out[i][i] = zoom[i]
            out[i][3] = -((size[i] - 1) / 2) * zoom[i]
        }
        return out
    }

    /// nibabel's `quat2mat` (identity for a zero quaternion).
    static func rotation(fromQuaternion q: [Double]) -> [[Double]] {
        let (w, x, y, z) = (q[0], q[1], q[2], q[3])
        let n = w * w + x * x + y * y + z * z
        guard n >= Double.ulpOfOne else { return [[1, 0, 0], [0, 1, 0], [0, 0, 1]] }
        let s = 2 / n
        let (X, Y, Z) = (x * s, y * s, z * s)
        let (wX, wY, wZ) = (w * X, w * Y, w * Z)
        let (xX, xY, xZ) = (x * X, x * Y, x * Z)
        let (yY, yZ, zZ) = (y * Y, y * Z, z * Z)
        return [
            [1 - (yY + zZ), xY - wZ, xZ + wY],
            [xY + wZ, 1 - (xX + zZ), yZ - wX],
            [xZ - wY, yZ + wX, 1 - (xX + yY)]
        ]
    }
}

// MARK: - Setting the transforms from an affine

extension NIfTIHeader {
    /// Stores `affine` as the sform (exactly, up to the version's float width) and as the
    /// closest qform (voxel sizes from the column norms, qfac from the determinant's sign, the
    /// rotation's quaternion), as nibabel's `set_sform` / `set_qform` do; pixdim[1...3]
    /// become the column norms.
    public mutating func setAffine(_ affine: [[Double]], sformCode: Int = 1, qformCode: Int = 1) {
        srowX = affine[0]; srowY = affine[1]; srowZ = affine[2]
        let columns = (0..<3).map { c in (0..<3).map { affine[$0][c] } }
        var zooms = columns.map { column in column.reduce(0) { $0 + $1 * $1 }.squareRoot() }
        zooms = zooms.map { $0 == 0 ? 1 : $0 }
        var r = (0..<3).map { row in (0..<3).map { affine[row][$0] / zooms[$0] } }
        var qfac = 1.0
        if Matrix3.determinant(r) < 0 {
            qfac = -1
            for row in 0..<3 { r[row][2] = -r[row][2] }
        }
        let q = Self.quaternion(fromRotation: Matrix3.closestOrthogonal(r))
        quatern = [q[1], q[2], q[3]]
        qoffset = [affine[0][3], affine[1][3], affine[2][3]]
        pixdim[0] = qfac
        for i in 0..<3 { pixdim[i + 1] = zooms[i] }
        self.sformCode = sformCode
        self.qformCode = qformCode
    }

    /// The unit quaternion (a >= 0) of a rotation matrix (Shepperd's method, as
    /// nifti_mat44_to_quatern in niftilib).
    static func quaternion(fromRotation m: [[Double]]) -> [Double] {
        let trace = m[0][0] + m[1][1] + m[2][2]
        var q: [Double]
        if trace > 0 {
            let s = (trace + 1).squareRoot() * 2
            q = [s / 4, (m[2][1] - m[1][2]) / s, (m[0][2] - m[2][0]) / s, (m[1][0] - m[0][1]) / s]
        } else if m[0][0] > m[1][1] && m[0][0] > m[2][2] {
            let s = (1 + m[0][0] - m[1][1] - m[2][2]).squareRoot() * 2
            q = [(m[2][1] - m[1][2]) / s, s / 4, (m[0][1] + m[1][0]) / s, (m[0][2] + m[2][0]) / s]
        } else if m[1][1] > m[2][2] {
            let s = (1 + m[1][1] - m[0][0] - m[2][2]).squareRoot() * 2
            q = [(m[0][2] - m[2][0]) / s, (m[0][1] + m[1][0]) / s, s / 4, (m[1][2] + m[2][1]) / s]
        } else {
            let s = (1 + m[2][2] - m[0][0] - m[1][1]).squareRoot() * 2
            q = [(m[1][0] - m[0][1]) / s, (m[0][2] + m[2][0]) / s, (m[1][2] + m[2][1]) / s, s / 4]
        }
        let norm = q.reduce(0) { $0 + $1 * $1 }.squareRoot()
        q = q.map { $0 / norm }
        return q[0] < 0 ? q.map { -$0 } : q
    }
}
