import Foundation
import SinoData

/// Reading and writing NIfTI-1 and NIfTI-2 files (.nii, .nii.gz, and .hdr/.img pairs for
/// reading), checked against nibabel 5.4 (scripts/peers/nifti.py).
///
///     let image = try NIfTI.read("images/P001/T2WI.nii.gz")   // header, stored voxels, affine
///     let volume = try NIfTI.readVolume("images/P001/T2WI.nii.gz").canonical()  // Float32, RAS+
///     try NIfTI.write(volume, to: "out/T2WI_ras.nii.gz")
public enum NIfTI {
    // MARK: - Reading

    /// Reads a whole image. NaN voxels are an error naming the file unless `allowNaN`.
    ///
    /// A .nii.gz is inflated in two steps: the header first, then only as far as the header's
    /// data end (vox_offset + the voxels' bytes), so a gzip bomb or a lying header never makes
    /// it allocate more than the header justifies; a header that needs more than the gzip
    /// stream can hold (deflate expands at most 1032:1) fails before inflating the data.
    public static func read(_ path: String, allowNaN: Bool = false) throws -> NIfTIImage {
        let stored = try storedBytes(path)
        let head = try inflated(stored, file: path) { _ in headerBytes }
        let header = try NIfTIHeader.parse(head.bytes, file: path)
        let image: NIfTIImage
        if header.isSingleFile {
            let bytes = head.compressed ? try inflated(stored, file: path) { try dataEnd(header, file: path, compressedSize: $0) }.bytes : head.bytes
            image = try decodeData(bytes, header: header, file: path, compressed: head.compressed)
        } else {
            let dataPath = try pairedDataPath(path, header: header)
            let data = try contents(of: dataPath) { try dataEnd(header, file: dataPath, compressedSize: $0) }
            image = try decodeData(data.bytes, header: header, file: dataPath, compressed: data.compressed, headerPath: path)
        }
        if !allowNaN { try checkNoNaN(image) }
        return image
    }

    /// Reads the slices `slices` (indices on the third axis) of a single-file .nii.gz, inflating
    /// it only as far as their last voxel and reading the file only as far as that needs
    /// (`GzipPrefix`): an image whose region of interest ends half-way up costs half. The
    /// result is the file's header and those slices as an image of their own: its header's
    /// `dim[3]` is `slices.count` and its affine is the file's moved to the first of them
    /// (voxel (0, 0, k) of the file is voxel (0, 0, k - slices.lowerBound)).
    ///
    /// nil where the whole file has to be read (`read` then names any problem): an
    /// uncompressed file or a .hdr/.img pair (nothing to save), fewer than three axes or a
    /// fourth axis longer than 1, slices outside the image, or a gzip stream that is not one
    /// member ending where the header's data end (cut short, data or members after it), or a
    /// header `read` would refuse. NaN voxels are not looked for.
    public static func readSlices(_ path: String, _ slices: Range<Int>) throws -> (header: NIfTIHeader, slices: NIfTIImage)? {
        // The header's bytes (all of a stream shorter than that, as its trailer says).
        guard InputFile.problem(path) == nil, let stream = GzipPrefix(path: path), let head = stream.bytes(min(headerBytes, Int(stream.trailerSize)))
        else { return nil }
        guard let header = try? NIfTIHeader.parse(head, file: path) else { return nil }
        let shape = header.shape
        guard header.isSingleFile, shape.count >= 3, shape.dropFirst(3).allSatisfy({ $0 == 1 }), slices.lowerBound >= 0,
            slices.upperBound <= shape[2], !slices.isEmpty
        else { return nil }
        let type = header.datatype! // validated by parse
        guard let total = try? dataEnd(header, file: path, compressedSize: stream.compressedSize) else { return nil }
        let sliceVoxels = shape[0] * shape[1]
        let start = header.dataOffset + slices.lowerBound * sliceVoxels * type.bytesPerVoxel
        let end = header.dataOffset + slices.upperBound * sliceVoxels * type.bytesPerVoxel
        guard stream.records(total) else { return nil }
        // The header's bytes, then the rest up to the last slice, inflated straight after them.
        var ok = end <= head.count
        let bytes =
            ok
            ? head
            : [UInt8](unsafeUninitializedCapacity: end) { buffer, initialized in
                buffer.baseAddress!.initialize(from: head, count: head.count)
                ok = stream.inflate(into: buffer.baseAddress! + head.count, count: end - head.count)
                initialized = ok ? end : 0
            }
        guard ok else { return nil }
        let count = slices.count * sliceVoxels
        let swapped = (header.byteOrder == .little) != hostIsLittleEndian
        let voxels = bytes.withUnsafeBytes { raw in
            NIfTIVoxels.decode(UnsafeRawBufferPointer(rebasing: raw[start..<end]), type: type, count: count, swapped: swapped)
        }
        var part = header
        part.dim[3] = slices.count
        var affine = header.affine
        for r in 0..<3 { affine[r][3] += affine[r][2] * Double(slices.lowerBound) }
        return (header, NIfTIImage(path: path, header: part, voxels: voxels, affine: affine, compressed: true))
    }

    /// Reads only the header (a .nii.gz is still decompressed to reach it).
    public static func readHeader(_ path: String) throws -> NIfTIHeader {
        try NIfTIHeader.parse(contents(of: path) { _ in headerBytes }.bytes, file: path)
    }

    /// SinoRad's cap on a NIfTI image's voxel count (2^40): a header asking for more fails
    /// with a message naming it, whatever the file holds.
    public static let maximumVoxels = 1 << 40

    /// Enough decompressed bytes for either header version (540 for NIfTI-2, 348 + 4 for NIfTI-1).
    static let headerBytes = 544

    /// Where the header's data end (vox_offset + voxels x bytes per voxel), checked against
    /// what a gzip stream of `compressedSize` bytes can hold.
    static func dataEnd(_ header: NIfTIHeader, file: String, compressedSize: Int) throws -> Int {
        let type = header.datatype! // validated by parse
        let (needed, overflow) = header.voxelCount.multipliedReportingOverflow(by: type.bytesPerVoxel)
        let (end, endOverflow) = header.dataOffset.addingReportingOverflow(needed)
        let (capacity, capacityOverflow) = compressedSize.multipliedReportingOverflow(by: 1032)
        guard !overflow, !endOverflow, capacityOverflow || end <= capacity + 1024 else {
            let dims = header.shape.map(String.init).joined(separator: "x")
            throw NIfTIError(
                .truncated, file: file,
                "truncated: the header describes \(dims) \(type.name) voxels (\(overflow ? "more than \(Int.max)" : String(needed)) bytes from offset \(header.dataOffset)), more than the \(compressedSize) gzip-compressed bytes can hold",
                expected: "a header that describes the data the file holds")
        }
        return end
    }

    /// Reads an image as a Float32 `Volume` (scaled values, nibabel's affine).
    public static func readVolume(_ path: String, allowNaN: Bool = false) throws -> Volume {
        try read(path, allowNaN: allowNaN).volume()
    }

    /// The file's bytes, decompressed when they start with the gzip magic.
    /// A compressed file is inflated only as far as `limit(its size on disk)` (plus one byte,
    /// the sign that more follows).
    static func contents(of path: String, limit: (Int) throws -> Int) throws -> (bytes: [UInt8], compressed: Bool) {
        try inflated(storedBytes(path), file: path, limit: limit)
    }

    /// `stored`, decompressed when it starts with the gzip magic, only as far as
    /// `limit(stored.count)` (plus one byte, the sign that more follows).
    static func inflated(_ stored: [UInt8], file: String, limit: (Int) throws -> Int) throws -> (bytes: [UInt8], compressed: Bool) {
        if Gzip.isCompressed(stored) { return (try Gzip.decompress(stored, file: file, limit: limit(stored.count)), true) }
        return (stored, false)
    }

    /// The file's bytes as stored on disk.
    static func storedBytes(_ path: String) throws -> [UInt8] {
        if let problem = InputFile.problem(path) {
            throw NIfTIError(
                .unreadable, file: path, problem == "does not exist" ? "the file does not exist" : problem,
                expected: problem == "does not exist" ? "a NIfTI file (.nii or .nii.gz)" : "a readable NIfTI file (.nii or .nii.gz)")
        }
        guard let bytes = InputFile.bytes(path) else {
            throw NIfTIError(.unreadable, file: path, "cannot read the file (permissions?)", expected: "a readable NIfTI file (.nii or .nii.gz)")
        }
        return bytes
    }

    /// The .img (or .img.gz) beside a pair's .hdr.
    static func pairedDataPath(_ path: String, header: NIfTIHeader) throws -> String {
        for (suffix, replacement) in [(".hdr", ".img"), (".hdr.gz", ".img.gz"), (".HDR", ".IMG")] where path.hasSuffix(suffix) {
            return String(path.dropLast(suffix.count)) + replacement
        }
        throw NIfTIError(
            .invalidHeader, file: path, "magic '\(header.magic)' marks the header of a .hdr/.img pair, but the file is not a .hdr",
            expected: "magic 'n+\(header.version.rawValue)' in a single .nii file, or a .hdr file with its .img beside it")
    }

    static func decodeData(
        _ bytes: [UInt8], header: NIfTIHeader, file: String, compressed: Bool,
        headerPath: String? = nil
    ) throws -> NIfTIImage {
        let type = header.datatype! // validated by parse
        let offset = header.dataOffset
        let count = header.voxelCount
        let (needed, overflow) = count.multipliedReportingOverflow(by: type.bytesPerVoxel)
        let (end, endOverflow) = offset.addingReportingOverflow(needed)
        guard !overflow, !endOverflow, end <= bytes.count else {
            let dims = header.shape.map(String.init).joined(separator: "x")
            let have = max(0, bytes.count - offset)
            throw NIfTIError(
                .truncated, file: file,
                "truncated: the header describes \(dims) \(type.name) voxels (\(needed) bytes from offset \(offset)), but the \(compressed ? "decompressed " : "")file has \(have) bytes of data",
                expected: "\(offset + needed) bytes")
        }
        let swapped = (header.byteOrder == .little) != hostIsLittleEndian
        let voxels = bytes.withUnsafeBytes { raw in
            NIfTIVoxels.decode(UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + needed)]), type: type, count: count, swapped: swapped)
        }
        return NIfTIImage(path: headerPath ?? file, header: header, voxels: voxels, compressed: compressed)
    }

    static func checkNoNaN(_ image: NIfTIImage) throws {
        let (count, first) = image.nanVoxels()
        guard count > 0, let first else { return }
        let at = image.coordinates(of: first).map(String.init).joined(separator: ", ")
        throw NIfTIError(
            .nanVoxels, file: image.path,
            "\(count) of \(image.count) voxels are NaN (the first at voxel (\(at)))",
            expected: "finite voxel values (replace NaN, e.g. by 0, before the analysis)")
    }

    // MARK: - Writing

    /// Writes a volume as a single-file NIfTI-1 (.nii, or gzip-compressed .nii.gz), atomically
    /// (a temporary file renamed into place). The affine goes into the sform and, as closely as
    /// a rotation allows, the qform; pixdim[1...3] are its column norms. Integer datatypes
    /// store the values unscaled, so every value must be a whole number in the type's range.
    public static func write(
        _ volume: Volume, to path: String, datatype: NIfTIDataType = .float32,
        sformCode: Int = 1, qformCode: Int = 1, description: String = "SinoRad"
    ) throws {
        guard volume.shape.count <= 7 else {
            throw NIfTIError(.unwritable, file: path, "a volume with \(volume.shape.count) axes", expected: "at most 7 axes")
        }
        guard volume.affine.joined().allSatisfy(\.isFinite) else {
            throw NIfTIError(.unwritable, file: path, "the affine has non-finite entries", expected: "a finite affine")
        }
        var header = NIfTIHeader()
        header.dim = [volume.shape.count] + volume.shape + [Int](repeating: 1, count: 7 - volume.shape.count)
        header.datatypeCode = datatype.rawValue
        header.bitpix = datatype.bitpix
        header.xyztUnits = 2 // NIFTI_UNITS_MM
        header.descrip = description
        header.setAffine(volume.affine, sformCode: sformCode, qformCode: qformCode)
        let voxels = try storedValues(volume.voxels, as: datatype, path: path, shape: volume.shape)
        try write(NIfTIImage(path: path, header: header, voxels: voxels), to: path)
    }

    /// Writes an image with its own header (version, byte order, scaling, transforms) as a
    /// single file, atomically; .nii.gz is compressed.
    public static func write(_ image: NIfTIImage, to path: String) throws {
        let bytes = encode(image)
        let lowered = path.lowercased()
        guard lowered.hasSuffix(".nii") || lowered.hasSuffix(".nii.gz") else {
            throw NIfTIError(.unwritable, file: path, "unknown extension", expected: "a path ending in .nii or .nii.gz")
        }
        let output = lowered.hasSuffix(".gz") ? try Gzip.compress(bytes) : bytes
        do {
            try AtomicFile.write(output, to: path)
        } catch let error as ValidationError {
            throw NIfTIError(.unwritable, file: path, error.problems.map(\.message).joined(separator: "; "))
        }
    }

    /// The uncompressed single-file bytes of an image: header, extension flag, data.
    public static func encode(_ image: NIfTIImage) -> [UInt8] {
        var header = image.header
        header.magic = header.version == .nifti1 ? "n+1" : "n+2"
        header.datatypeCode = image.datatype.rawValue
        header.bitpix = image.datatype.bitpix
        if Int(header.voxOffset) < header.singleFileOffset { header.voxOffset = Double(header.singleFileOffset) }
        let swapped = (header.byteOrder == .little) != hostIsLittleEndian
        return header.encoded() + image.voxels.encoded(swapped: swapped)
    }

    static func storedValues(_ values: [Float], as type: NIfTIDataType, path: String, shape: [Int]) throws -> NIfTIVoxels {
        func integers<T: FixedWidthInteger>(_: T.Type) throws -> [T] {
            try values.enumerated().map { index, value in
                guard value == value.rounded(), let stored = T(exactly: value) else {
                    var rest = index
                    let at = shape.map { size in
                        defer { rest /= size }; return String(rest % size)
                    }.joined(separator: ", ")
                    throw NIfTIError(
                        .unwritable, file: path, "value \(value) at voxel (\(at)) cannot be stored as \(type.name)",
                        expected: "whole numbers from \(T.min) to \(T.max) (or write float32)")
                }
                return stored
            }
        }
        switch type {
        case .float32: return .float32(values)
        case .float64: return .float64(values.map(Double.init))
        case .uint8: return .uint8(try integers(UInt8.self))
        case .int8: return .int8(try integers(Int8.self))
        case .int16: return .int16(try integers(Int16.self))
        case .uint16: return .uint16(try integers(UInt16.self))
        case .int32: return .int32(try integers(Int32.self))
        }
    }
}
