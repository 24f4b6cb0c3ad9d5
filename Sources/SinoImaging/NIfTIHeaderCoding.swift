import Foundation

/// Field offsets and widths of the two header layouts (nifti1.h, nifti2.h).
struct NIfTILayout {
    var size: Int
    var magic: (offset: Int, length: Int)
    var real: Int // width of the real fields: float32 or float64
    var dim: (offset: Int, width: Int)
    var datatype: Int, bitpix: Int // int16 in both
    var intentP: Int, pixdim: Int
    var voxOffset: (offset: Int, isInteger: Bool)
    var sclSlope: Int, sclInter: Int, calMax: Int, calMin: Int, sliceDuration: Int, toffset: Int
    var sliceStart: (offset: Int, width: Int), sliceEnd: (offset: Int, width: Int)
    var descrip: Int, auxFile: Int
    var qformCode: (offset: Int, width: Int), sformCode: (offset: Int, width: Int)
    var quatern: Int, qoffset: Int, srow: Int
    var sliceCode: (offset: Int, width: Int), xyztUnits: (offset: Int, width: Int)
    var intentCode: (offset: Int, width: Int)
    var intentName: Int, dimInfo: Int

    static let nifti1 = NIfTILayout(
        size: 348, magic: (344, 4), real: 4, dim: (40, 2), datatype: 70, bitpix: 72, intentP: 56, pixdim: 76,
        voxOffset: (108, false), sclSlope: 112, sclInter: 116, calMax: 124, calMin: 128, sliceDuration: 132,
        toffset: 136, sliceStart: (74, 2), sliceEnd: (120, 2), descrip: 148, auxFile: 228,
        qformCode: (252, 2), sformCode: (254, 2), quatern: 256, qoffset: 268, srow: 280,
        sliceCode: (122, 1), xyztUnits: (123, 1), intentCode: (68, 2), intentName: 328, dimInfo: 39)

    static let nifti2 = NIfTILayout(
        size: 540, magic: (4, 8), real: 8, dim: (16, 8), datatype: 12, bitpix: 14, intentP: 80, pixdim: 104,
        voxOffset: (168, true), sclSlope: 176, sclInter: 184, calMax: 192, calMin: 200, sliceDuration: 208,
        toffset: 216, sliceStart: (224, 8), sliceEnd: (232, 8), descrip: 240, auxFile: 320,
        qformCode: (344, 4), sformCode: (348, 4), quatern: 352, qoffset: 376, srow: 400,
        sliceCode: (496, 4), xyztUnits: (500, 4), intentCode: (504, 4), intentName: 508, dimInfo: 524)

    static func of(_ version: NIfTIHeader.Version) -> NIfTILayout { version == .nifti1 ? nifti1 : nifti2 }
}

let hostIsLittleEndian = 1.littleEndian == 1

extension NIfTIHeader {
    /// Reads and validates a header from the first bytes of a file. The version and byte
    /// order come from sizeof_hdr (348 or 540, as stored or byte-swapped), as nifti1_io does.
    public static func parse(_ bytes: [UInt8], file: String) throws -> NIfTIHeader {
        var header = try bytes.withUnsafeBytes { try decode($0, file: file) }
        try header.validate(file: file)
        header.bitpix = header.datatype?.bitpix ?? header.bitpix // nibabel repairs bitpix silently
        return header
    }

    static func decode(_ raw: UnsafeRawBufferPointer, file: String) throws -> NIfTIHeader {
        guard raw.count >= 4 else {
            throw NIfTIError(.truncated, file: file, "the file has \(raw.count) bytes", expected: "a NIfTI header of 348 (NIfTI-1) or 540 (NIfTI-2) bytes")
        }
        let stored = raw.loadUnaligned(as: Int32.self)
        var header = NIfTIHeader()
        let swapped: Bool
        switch (stored, stored.byteSwapped) {
        case (348, _): header.version = .nifti1; swapped = false
        case (540, _): header.version = .nifti2; swapped = false
        case (_, 348): header.version = .nifti1; swapped = true
        case (_, 540): header.version = .nifti2; swapped = true
        default:
            throw NIfTIError(
                .notNIfTI, file: file, "not a NIfTI file: the first 4 bytes (sizeof_hdr) read \(stored) (\(stored.byteSwapped) byte-swapped)",
                expected: "sizeof_hdr 348 (NIfTI-1) or 540 (NIfTI-2) in either byte order")
        }
        let fileIsLittle = hostIsLittleEndian != swapped
        header.byteOrder = fileIsLittle ? .little : .big
        let layout = NIfTILayout.of(header.version)
        guard raw.count >= layout.size else {
            throw NIfTIError(
                .truncated, file: file, "truncated header: the file has \(raw.count) bytes",
                expected: "at least \(layout.size) bytes for a NIfTI-\(header.version.rawValue) header")
        }
        header.read(ByteReader(bytes: raw, swapped: swapped), layout)
        return header
    }

    private mutating func read(_ r: ByteReader, _ l: NIfTILayout) {
        magic = r.text(l.magic.offset, min(l.magic.length, 4))
        dimInfo = r.int(l.dimInfo, 1)
        dim = (0..<8).map { r.int(l.dim.offset + $0 * l.dim.width, l.dim.width) }
        intentP = (0..<3).map { r.real(l.intentP + $0 * l.real, l.real) }
        intentCode = r.int(l.intentCode.offset, l.intentCode.width)
        datatypeCode = r.int(l.datatype, 2)
        bitpix = r.int(l.bitpix, 2)
        sliceStart = r.int(l.sliceStart.offset, l.sliceStart.width)
        pixdim = (0..<8).map { r.real(l.pixdim + $0 * l.real, l.real) }
        voxOffset = l.voxOffset.isInteger ? Double(r.int(l.voxOffset.offset, 8)) : r.real(l.voxOffset.offset, 4)
        sclSlope = r.real(l.sclSlope, l.real)
        sclInter = r.real(l.sclInter, l.real)
        sliceEnd = r.int(l.sliceEnd.offset, l.sliceEnd.width)
        sliceCode = r.int(l.sliceCode.offset, l.sliceCode.width)
        xyztUnits = r.int(l.xyztUnits.offset, l.xyztUnits.width)
        calMax = r.real(l.calMax, l.real)
        calMin = r.real(l.calMin, l.real)
        sliceDuration = r.real(l.sliceDuration, l.real)
        toffset = r.real(l.toffset, l.real)
        descrip = r.text(l.descrip, 80)
        auxFile = r.text(l.auxFile, 24)
        qformCode = r.int(l.qformCode.offset, l.qformCode.width)
        sformCode = r.int(l.sformCode.offset, l.sformCode.width)
        quatern = (0..<3).map { r.real(l.quatern + $0 * l.real, l.real) }
        qoffset = (0..<3).map { r.real(l.qoffset + $0 * l.real, l.real) }
        let row = { (i: Int) in (0..<4).map { r.real(l.srow + (4 * i + $0) * l.real, l.real) } }
        srowX = row(0); srowY = row(1); srowZ = row(2)
        intentName = r.text(l.intentName, 16)
    }

    /// The checks nibabel makes on load that it does not repair, plus the ones SinoImaging
    /// needs to read the data (a supported datatype, a usable offset and scaling).
    func validate(file: String) throws {
        func invalid(_ message: String, _ expected: String) -> NIfTIError {
            NIfTIError(.invalidHeader, file: file, message, expected: expected)
        }
        let v = version.rawValue
        let magics = version == .nifti1 ? ["n+1", "ni1"] : ["n+2", "ni2"]
        guard magics.contains(magic) else {
            throw NIfTIError(
                .notNIfTI, file: file, "not a NIfTI-\(v) file: magic '\(magic)'",
                expected: "'\(magics[0])' (single file) or '\(magics[1])' (.hdr/.img pair)")
        }
        guard (1...7).contains(dim[0]) else { throw invalid("dim[0] is \(dim[0])", "the number of axes, 1 to 7") }
        for axis in 1...dim[0] where dim[axis] < 1 {
            throw invalid("dim[\(axis)] is \(dim[axis])", "a positive size for each of the \(dim[0]) axes")
        }
        // The voxel count must be a number this machine can count (NIfTI-1 allows 32767^7,
        // NIfTI-2 2^63 per axis); whether the file holds that many is checked on reading.
        var voxels = 1
        for axis in 1...dim[0] {
            let (product, overflow) = voxels.multipliedReportingOverflow(by: dim[axis])
            guard !overflow, product <= NIfTI.maximumVoxels else {
                let sizes = (1...dim[0]).map { String(dim[$0]) }.joined(separator: " x ")
                throw invalid("dim \(sizes) is more than \(NIfTI.maximumVoxels) voxels", "at most \(NIfTI.maximumVoxels) voxels (2^40, SinoRad's limit)")
            }
            voxels = product
        }
        guard datatype != nil else {
            throw NIfTIError(
                .unsupportedDatatype, file: file,
                "datatype \(NIfTIDataType.name(ofCode: datatypeCode)) (code \(datatypeCode)) is not supported",
                expected: NIfTIDataType.supportedList)
        }
        guard voxOffset.isFinite, voxOffset >= 0, voxOffset == voxOffset.rounded(), voxOffset <= 0x1p53 else {
            throw invalid("vox_offset is \(voxOffset)", "a whole, non-negative number of bytes, at most 2^53")
        }
        if isSingleFile && voxOffset != 0 && Int(voxOffset) < singleFileOffset {
            throw invalid("vox_offset \(Int(voxOffset)) points inside the header", "at least \(singleFileOffset) in a single-file NIfTI-\(v)")
        }
        for i in 1...3 where !pixdim[i].isFinite {
            throw invalid("pixdim[\(i)] is \(pixdim[i])", "a finite voxel size")
        }
        if scaling != nil && !sclInter.isFinite {
            throw invalid("scl_slope is \(sclSlope) but scl_inter is \(sclInter)", "a finite scl_inter when scl_slope is set")
        }
        if affineSource == .qform && quaternion == nil {
            throw invalid("quatern_b, c, d (\(quatern)) have a squared norm above 1", "the b, c, d parts of a unit quaternion")
        }
        if affineSource == .sform && !(srowX + srowY + srowZ).allSatisfy(\.isFinite) {
            throw invalid("the sform (srow_x, srow_y, srow_z) has non-finite entries", "finite numbers")
        }
    }

    /// Where the data start: vox_offset, or just past the header (and extension flag) when
    /// a single file leaves it 0, as niftilib does.
    public var dataOffset: Int {
        isSingleFile && voxOffset == 0 ? singleFileOffset : Int(voxOffset)
    }

    /// The header block followed, for a single file, by the 4-byte extension flag (no
    /// extensions) and padding up to vox_offset.
    public func encoded() -> [UInt8] {
        let l = NIfTILayout.of(version)
        let swapped = (byteOrder == .little) != hostIsLittleEndian
        var w = ByteWriter(count: isSingleFile ? max(dataOffset, l.size + 4) : l.size, swapped: swapped)
        w.int(l.size, 0, 4)
        w.text(magic, l.magic.offset, 4)
        if version == .nifti2 { // "n+2\0" then the line-ending check bytes "\r\n\032\n"
            for (i, byte) in [0x0D, 0x0A, 0x1A, 0x0A].enumerated() { w.bytes[l.magic.offset + 4 + i] = UInt8(byte) }
        }
        w.int(dimInfo, l.dimInfo, 1)
        for i in 0..<8 { w.int(dim[i], l.dim.offset + i * l.dim.width, l.dim.width) }
        for i in 0..<3 { w.real(intentP[i], l.intentP + i * l.real, l.real) }
        w.int(intentCode, l.intentCode.offset, l.intentCode.width)
        w.int(datatypeCode, l.datatype, 2)
        w.int(bitpix, l.bitpix, 2)
        w.int(sliceStart, l.sliceStart.offset, l.sliceStart.width)
        for i in 0..<8 { w.real(pixdim[i], l.pixdim + i * l.real, l.real) }
        if l.voxOffset.isInteger { w.int(Int(voxOffset), l.voxOffset.offset, 8) } else { w.real(voxOffset, l.voxOffset.offset, 4) }
        w.real(sclSlope, l.sclSlope, l.real)
        w.real(sclInter, l.sclInter, l.real)
        w.int(sliceEnd, l.sliceEnd.offset, l.sliceEnd.width)
        w.int(sliceCode, l.sliceCode.offset, l.sliceCode.width)
        w.int(xyztUnits, l.xyztUnits.offset, l.xyztUnits.width)
        w.real(calMax, l.calMax, l.real)
        w.real(calMin, l.calMin, l.real)
        w.real(sliceDuration, l.sliceDuration, l.real)
        w.real(toffset, l.toffset, l.real)
        w.text(descrip, l.descrip, 80)
        w.text(auxFile, l.auxFile, 24)
        w.int(qformCode, l.qformCode.offset, l.qformCode.width)
        w.int(sformCode, l.sformCode.offset, l.sformCode.width)
        for i in 0..<3 { w.real(quatern[i], l.quatern + i * l.real, l.real) }
        for i in 0..<3 { w.real(qoffset[i], l.qoffset + i * l.real, l.real) }
        for (r, row) in [srowX, srowY, srowZ].enumerated() {
            for c in 0..<4 { w.real(row[c], l.srow + (4 * r + c) * l.real, l.real) }
        }
        w.text(intentName, l.intentName, 16)
        return w.bytes
    }
}
