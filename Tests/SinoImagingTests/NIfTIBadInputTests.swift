import Foundation
import TestSupport
import Testing

@testable import SinoImaging

/// Files SinoImaging must refuse, each with a typed error that names the file and says what
/// was expected.
@Suite("NIfTI bad inputs")
struct NIfTIBadInputTests {
    /// functional.nii: little-endian NIfTI-1, 17x21x3x20 int16, vox_offset 352.
    static let source = Fixtures.url("nifti/functional.nii").path

    func bytes(_ path: String = source) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) }

    /// Writes `bytes` into a fresh file and returns the error reading it raises.
    func readError(_ bytes: [UInt8], name: String, test: String = #function, allowNaN: Bool = false) throws -> NIfTIError {
        let path = try SinoRadTemporary.folder(test).appendingPathComponent(name).path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        do {
            _ = try NIfTI.read(path, allowNaN: allowNaN)
        } catch let error as NIfTIError {
            #expect(error.file == path && error.description.hasPrefix(path + ": "), "the error names the file: \(error)")
            return error
        }
        Issue.record("\(name) was read without error")
        return NIfTIError(.unreadable, file: path, "no error")
    }

    func store16(_ bytes: inout [UInt8], _ offset: Int, _ value: Int16) {
        withUnsafeBytes(of: value.littleEndian) { for i in 0..<2 { bytes[offset + i] = $0[i] } }
    }

    @Test("a truncated file: the data it lacks is named in bytes")
    func truncated() throws {
        let full = try bytes()
        let error = try readError(Array(full.prefix(5000)), name: "cut.nii")
        #expect(error.kind == .truncated)
        #expect(error.message.contains("17x21x3x20 int16 voxels (42840 bytes from offset 352)") && error.message.contains("4648 bytes of data"), "\(error)")
        #expect(error.expected == "43192 bytes")
        let header = try readError(Array(full.prefix(200)), name: "header-cut.nii")
        #expect(header.kind == .truncated && header.description.contains("at least 348 bytes"))
    }

    @Test("a file that is not NIfTI (a CSV, an empty file, a wrong magic)")
    func notNIfTI() throws {
        let csv = try readError(Array("patient_id,cohort\nP001,train\n".utf8), name: "cohort.nii")
        #expect(csv.kind == .notNIfTI && csv.description.contains("sizeof_hdr 348 (NIfTI-1) or 540 (NIfTI-2)"))
        let empty = try readError([], name: "empty.nii")
        #expect(empty.kind == .truncated)
        var magic = try bytes()
        magic[344] = UInt8(ascii: "x")
        let wrong = try readError(magic, name: "magic.nii")
        #expect(wrong.kind == .notNIfTI && wrong.message.contains("magic 'x+1'") && wrong.expected!.contains("'n+1'"))
    }

    @Test("gzip that is corrupt or cut short")
    func corruptGzip() throws {
        let gz = try bytes(Fixtures.url("nifti/example4d.nii.gz").path)
        var corrupt = gz
        for i in stride(from: 2000, to: 2400, by: 7) { corrupt[i] ^= 0x5A }
        let error = try readError(corrupt, name: "corrupt.nii.gz")
        #expect(error.kind == .corruptCompression && error.message.contains("gzip data are corrupt"), "\(error)")
        let short = try readError(Array(gz.prefix(gz.count / 2)), name: "short.nii.gz")
        #expect(short.kind == .truncated && short.message.contains("gzip stream ends early"), "\(short)")
        var badCRC = gz
        badCRC[gz.count - 6] ^= 0xFF // the CRC-32 in the trailer
        #expect(try readError(badCRC, name: "crc.nii.gz").kind == .corruptCompression)
    }

    @Test("invalid dims and offsets are named with the expected values")
    func invalidHeader() throws {
        var noAxes = try bytes()
        store16(&noAxes, 40, 0)
        let dim0 = try readError(noAxes, name: "dim0.nii")
        #expect(dim0.kind == .invalidHeader && dim0.message == "dim[0] is 0" && dim0.expected == "the number of axes, 1 to 7")
        var eight = try bytes()
        store16(&eight, 40, 8)
        #expect(try readError(eight, name: "dim8.nii").kind == .invalidHeader)
        var zero = try bytes()
        store16(&zero, 44, 0) // dim[2]
        let dim2 = try readError(zero, name: "dim2.nii")
        #expect(dim2.message == "dim[2] is 0" && dim2.expected!.contains("positive size"))
        var negative = try bytes()
        store16(&negative, 42, -17)
        #expect(try readError(negative, name: "negative.nii").message == "dim[1] is -17")
        var offset = try bytes()
        withUnsafeBytes(of: Float(100).bitPattern.littleEndian) { for i in 0..<4 { offset[108 + i] = $0[i] } }
        let inside = try readError(offset, name: "offset.nii")
        #expect(inside.kind == .invalidHeader && inside.message.contains("vox_offset 100") && inside.expected == "at least 352 in a single-file NIfTI-1")
    }

    @Test("a byte-swapped header is read in its own byte order; a .nii with pair magic is refused")
    func byteOrderAndPairs() throws {
        // anatomical.nii is big-endian: the parity suite reads it; here a pair magic in a .nii.
        var pair = try bytes()
        pair[345] = UInt8(ascii: "i")
        let error = try readError(pair, name: "pair.nii")
        #expect(error.kind == .invalidHeader && error.message.contains(".hdr/.img pair"))
        let header = try NIfTI.readHeader(Fixtures.url("nifti/anatomical.nii").path)
        #expect(header.byteOrder == .big && header.datatype == .int16)
    }

    @Test("unsupported datatypes are refused by name")
    func unsupportedDatatype() throws {
        let error = try readError(try bytes(Fixtures.url("nifti/bad_complex64.nii").path), name: "complex.nii")
        #expect(error.kind == .unsupportedDatatype)
        #expect(error.message == "datatype complex64 (code 32) is not supported")
        #expect(error.expected!.contains("uint8 (2), int8 (256), int16 (4), uint16 (512), int32 (8), float32 (16), float64 (64)"))
        var rgb = try bytes()
        store16(&rgb, 70, 128)
        #expect(try readError(rgb, name: "rgb.nii").message.contains("RGB24"))
    }

    @Test("NaN voxels: an error naming the file, the count and the first voxel, unless allowed")
    func nanVoxels() throws {
        let path = Fixtures.url("nifti/bad_nan_float32.nii").path
        let error = try readError(try bytes(path), name: "nan.nii")
        #expect(error.kind == .nanVoxels)
        #expect(error.message == "2 of 48 voxels are NaN (the first at voxel (1, 2, 0))", "\(error)")
        let image = try NIfTI.read(path, allowNaN: true)
        let summary = image.intensitySummary()
        #expect(summary.nanCount == 2 && summary.count == 46 && summary.min.isFinite)
    }

    @Test("a missing file, a folder or a device is unreadable, named, never read")
    func missing() throws {
        let folder = try SinoRadTemporary.folder(#function)
        for path in [folder.appendingPathComponent("none.nii.gz").path, folder.path, "/dev/zero"] {
            do {
                _ = try NIfTI.read(path)
                Issue.record("read \(path)")
            } catch let error as NIfTIError {
                #expect(error.kind == .unreadable && error.file == path)
                if path == "/dev/zero" { #expect(error.message == "is not a regular file (a device, pipe or socket)") }
            }
        }
    }

    @Test("absurd sizes fail at once, without a crash or an allocation: 32767^7 voxels, a 1e30 vox_offset, 2^40 voxels behind 60 bytes of gzip")
    func absurdSizes() throws {
        var seven = try bytes()
        store16(&seven, 40, 7)
        for axis in 1...7 { store16(&seven, 40 + 2 * axis, 32767) }
        let many = try readError(seven, name: "seven.nii")
        #expect(many.kind == .invalidHeader && many.message.contains("32767 x 32767") && many.expected!.contains("2^40, SinoRad's limit"), "\(many)")
        var offset = try bytes()
        withUnsafeBytes(of: Float(1e30).bitPattern.littleEndian) { for i in 0..<4 { offset[108 + i] = $0[i] } }
        let far = try readError(offset, name: "offset.nii")
        #expect(far.kind == .invalidHeader && far.message.contains("vox_offset"), "\(far)")
        // 2^40 int16 voxels (1024 x 1024 x 1024 x 1024) declared in a header of a few dozen gzip bytes.
        var claim = Array(try bytes().prefix(352))
        store16(&claim, 40, 4)
        for axis in 1...4 { store16(&claim, 40 + 2 * axis, 1024) }
        let gz = try Gzip.compress(claim)
        let start = Date()
        let lie = try readError(gz, name: "lie.nii.gz")
        #expect(lie.kind == .truncated && lie.message.contains("more than the \(gz.count) gzip-compressed bytes can hold"), "\(lie)")
        #expect(Date().timeIntervalSince(start) < 5)
    }

    @Test("a gzip bomb behind a small header is inflated only as far as the header's data end")
    func gzipBomb() throws {
        // functional.nii's header and data, then 64 MiB of zeros the header does not describe.
        let full = try bytes()
        let bomb = try Gzip.compress(full + [UInt8](repeating: 0, count: 64 << 20), level: 9)
        let path = try SinoRadTemporary.folder(#function).appendingPathComponent("bomb.nii.gz").path
        try Data(bomb).write(to: URL(fileURLWithPath: path))
        let limited = try NIfTI.contents(of: path) { _ in full.count }
        #expect(limited.compressed && limited.bytes.count == full.count + 1, "inflated \(limited.bytes.count) bytes")
        let image = try NIfTI.read(path)
        let plain = try NIfTI.read(Self.source)
        #expect(image.header.shape == plain.header.shape && image.count == plain.count)
    }
}
