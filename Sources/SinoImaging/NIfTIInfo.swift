/// What `sinorad image info` reports about a file: the header as stored, the grid, the
/// affine nibabel would use, the orientation and a summary of the scaled voxel values
/// (data-schema/image_info.schema.json).
public struct NIfTIInfo: Sendable, Encodable {
    /// Header fields under their nifti1.h / nifti2.h names.
    public struct Header: Sendable, Encodable {
        public var sizeofHdr: Int
        public var magic: String
        public var datatype: Int
        public var bitpix: Int
        public var dim: [Int]
        public var pixdim: [Double]
        public var voxOffset: Double
        public var sclSlope: Double
        public var sclInter: Double
        public var calMin: Double
        public var calMax: Double
        public var qformCode: Int
        public var sformCode: Int
        public var quatern: [Double]
        public var qoffset: [Double]
        public var srowX: [Double]
        public var srowY: [Double]
        public var srowZ: [Double]
        public var xyztUnits: Int
        public var intentCode: Int
        public var descrip: String

        enum CodingKeys: String, CodingKey {
            case sizeofHdr = "sizeof_hdr", magic, datatype, bitpix, dim, pixdim, voxOffset = "vox_offset"
            case sclSlope = "scl_slope", sclInter = "scl_inter", calMin = "cal_min", calMax = "cal_max"
            case qformCode = "qform_code", sformCode = "sform_code", quatern, qoffset
            case srowX = "srow_x", srowY = "srow_y", srowZ = "srow_z", xyztUnits = "xyzt_units"
            case intentCode = "intent_code", descrip
        }
    }

    public struct Scaling: Sendable, Encodable {
        public var slope: Double
        public var intercept: Double
    }

    public var file: String
    /// 1 or 2 (NIfTI-1, NIfTI-2).
    public var version: Int
    public var byteOrder: String
    public var compressed: Bool
    /// uint8, int8, int16, uint16, int32, float32 or float64.
    public var datatype: String
    public var header: Header
    public var shape: [Int]
    /// Voxel size per axis (pixdim[1...dim[0]]; mm and s when xyzt_units says so).
    public var voxelSize: [Double]
    public var affine: [[Double]]
    /// sform, qform or fallback (nibabel's precedence).
    public var affineSource: String
    /// The names of the sform and qform codes (unknown, scanner, aligned, talairach, mni, template).
    public var sformName: String
    public var qformName: String
    /// Axis codes of the affine ("LAS"); "RAS" after `canonical()`.
    public var orientation: String
    /// What is applied to the stored values; absent when they are used as stored.
    public var scaling: Scaling?
    /// Min, max, mean and sum of the scaled values (NaN voxels left out and counted).
    public var intensity: IntensitySummary

    public static let xformNames = ["unknown", "scanner", "aligned", "talairach", "mni", "template"]

    static func xformName(_ code: Int) -> String {
        xformNames.indices.contains(code) ? xformNames[code] : "invalid (\(code))"
    }

    public init(_ image: NIfTIImage) {
        let h = image.header
        file = image.path
        version = h.version.rawValue
        byteOrder = h.byteOrder.rawValue
        compressed = image.compressed
        datatype = image.datatype.name
        header = Header(
            sizeofHdr: h.sizeofHdr, magic: h.magic, datatype: h.datatypeCode, bitpix: h.bitpix, dim: h.dim,
            pixdim: h.pixdim, voxOffset: h.voxOffset, sclSlope: h.sclSlope, sclInter: h.sclInter,
            calMin: h.calMin, calMax: h.calMax, qformCode: h.qformCode, sformCode: h.sformCode,
            quatern: h.quatern, qoffset: h.qoffset, srowX: h.srowX, srowY: h.srowY, srowZ: h.srowZ,
            xyztUnits: h.xyztUnits, intentCode: h.intentCode, descrip: h.descrip)
        shape = image.shape
        voxelSize = h.zooms
        affine = image.affine
        affineSource = h.affineSource.rawValue
        sformName = Self.xformName(h.sformCode)
        qformName = Self.xformName(h.qformCode)
        orientation = image.orientation
        scaling = h.scaling.map { Scaling(slope: $0.slope, intercept: $0.intercept) }
        intensity = image.intensitySummary()
    }
}
