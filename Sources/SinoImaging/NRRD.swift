import Foundation
import SinoData

/// Reading NRRD files (3D Slicer's format, and PyRadiomics' examples) with the geometry
/// SimpleITK 2.5 gives them, and writing them for tests; checked against SimpleITK
/// (scripts/peers/nrrd.py).
///
///     let image = try NRRD.read("case1_image.nrrd")          // header, values, ITK geometry
///     let mask = try NRRD.readVolume("case1_label.nrrd")      // Float32 Volume, RAS+ affine
///     try NRRD.write(mask, to: "out/label.nrrd", encoding: .gzip)
///
/// Read: attached (.nrrd) and detached (.nhdr + `data file:`) headers; raw, gzip (gz) and
/// ascii (text, txt) encodings; every scalar type and byte order; 2-D and 3-D scalar images.
/// Refused with an `NRRDError` naming the file and the field: 4-D and vector images, bzip2 /
/// hex, and any header that does not describe the data exactly (the data length is checked
/// against the header before anything the size of the image is allocated).
public enum NRRD {
    /// Whether `path` names an NRRD file by its extension (.nrrd, .nhdr; any case).
    public static func handles(_ path: String) -> Bool {
        let lowered = path.lowercased()
        return lowered.hasSuffix(".nrrd") || lowered.hasSuffix(".nhdr")
    }

    // MARK: - Reading

    /// Reads a whole image. NaN values are an error naming the file unless `allowNaN`.
    public static func read(_ path: String, allowNaN: Bool = false) throws -> NRRDImage {
        let bytes = try contents(of: path, field: nil)
        let header = try NRRDHeader.parse(bytes, file: path)
        let values: [Double]
        var dataPath: String?
        if let dataFile = header.dataFile {
            let resolved = dataFile.hasPrefix("/") ? dataFile : ((path as NSString).deletingLastPathComponent as NSString).appendingPathComponent(dataFile)
            dataPath = resolved
            values = try decode(contents(of: resolved, field: "data file", header: path)[...], header: header, file: resolved)
        } else {
            guard let offset = header.dataOffset else {
                throw NRRDError(.missingField, file: path, field: "data file", "the header ends without data and names no data file", expected: "data after a blank line, or a 'data file:' field")
            }
            values = try decode(bytes[offset...], header: header, file: path)
        }
        let image = NRRDImage(path: path, dataPath: dataPath, header: header, values: values)
        if !allowNaN, let first = values.firstIndex(where: \.isNaN) {
            let count = values.reduce(0) { $0 + ($1.isNaN ? 1 : 0) }
            throw NRRDError(
                .dataMismatch, file: path, "\(count) of \(values.count) values are NaN (the first at index \(first), first axis fastest)",
                expected: "finite values (replace NaN, e.g. by 0, before the analysis)")
        }
        return image
    }

    /// Reads the slices `slices` (indices on the third axis) of a 3-D gzip-encoded NRRD,
    /// inflating its data only as far as their last value (`Gzip.inflatePrefix`), as
    /// `NIfTI.readSlices` does for a .nii.gz. The result is the file's header and those slices
    /// as an image of their own: its header's third size is `slices.count` and its `space
    /// origin` is moved to the first of them (along the third `space directions` vector).
    ///
    /// nil where the whole file has to be read (`read` then names any problem): another
    /// encoding, another dimension, no `space directions`, slices outside the image, a header
    /// or data the whole read would refuse, or a gzip stream that is not one member ending where
    /// the data end. NaN values are not looked for.
    public static func readSlices(_ path: String, _ slices: Range<Int>) throws -> (header: NRRDHeader, slices: NRRDImage)? {
        let bytes = try contents(of: path, field: nil)
        let header = try NRRDHeader.parse(bytes, file: path)
        guard header.encoding == .gzip, header.dimension == 3, let directions = header.spaceDirections, let third = directions[2],
            slices.lowerBound >= 0, slices.upperBound <= header.sizes[2], !slices.isEmpty, header.byteSkip >= 0
        else { return nil }
        var dataPath: String?
        let stored: ArraySlice<UInt8>
        if let dataFile = header.dataFile {
            let resolved = dataFile.hasPrefix("/") ? dataFile : ((path as NSString).deletingLastPathComponent as NSString).appendingPathComponent(dataFile)
            dataPath = resolved
            stored = try contents(of: resolved, field: "data file", header: path)[...]
        } else {
            guard let offset = header.dataOffset else { return nil }
            stored = bytes[offset...]
        }
        guard let data = try? skippingLines(stored, header.lineSkip, file: path) else { return nil }
        let width = header.type.bytesPerValue
        let plane = header.sizes[0] * header.sizes[1]
        let (needed, overflow) = header.count.multipliedReportingOverflow(by: width)
        guard !overflow else { return nil }
        let start = header.byteSkip + slices.lowerBound * plane * width
        let end = header.byteSkip + slices.upperBound * plane * width
        guard let inflated = Gzip.inflatePrefix(Array(data), count: end, total: needed + header.byteSkip) else { return nil }
        var part = header
        part.sizes[2] = slices.count
        if let origin = header.spaceOrigin, origin.count == third.count {
            part.spaceOrigin = zip(origin, third).map { $0 + $1 * Double(slices.lowerBound) }
        } else {
            part.spaceOrigin = third.map { $0 * Double(slices.lowerBound) }
        }
        let values = binary(inflated[start..<end], header: part)
        return (header, NRRDImage(path: path, dataPath: dataPath, header: part, values: values))
    }

    /// Reads an image as a Float32 `Volume` (see `NRRDImage.volume()` for the geometry).
    public static func readVolume(_ path: String, allowNaN: Bool = false) throws -> Volume {
        try read(path, allowNaN: allowNaN).volume()
    }

    static func contents(of path: String, field: String?, header: String? = nil) throws -> [UInt8] {
        let problem = InputFile.problem(path)
        guard problem == nil, let bytes = InputFile.bytes(path) else {
            let why = problem ?? "cannot be read (permissions?)"
            let message = header.map { "the data file \(path) named by \($0) \(why)" } ?? "the file \(why)"
            throw NRRDError(.unreadable, file: header ?? path, field: field, message, expected: header == nil ? "a readable NRRD file (.nrrd or .nhdr)" : "the data file beside its header")
        }
        return bytes
    }

    /// The values of the data block `data` (everything after the header, or the whole data
    /// file), decoded as the header says. `file` is the file the data are in.
    static func decode(_ data: ArraySlice<UInt8>, header: NRRDHeader, file: String) throws -> [Double] {
        let count = header.count
        var data = try skippingLines(data, header.lineSkip, file: file)
        let (needed, overflow) = count.multipliedReportingOverflow(by: header.type.bytesPerValue)
        let dims = header.sizes.map(String.init).joined(separator: " x ")
        func mismatch(_ have: String, _ need: String) -> NRRDError {
            NRRDError(.dataMismatch, file: file, field: "sizes", "sizes \(dims) of \(header.type.rawValue) need \(need), the file has \(have)", expected: "a header that describes the data exactly")
        }
        guard !overflow else { throw mismatch("\(data.count) bytes", "more bytes than memory holds") }
        switch header.encoding {
        case .raw:
            if header.byteSkip == -1 {
                guard data.count >= needed else { throw mismatch("\(data.count) bytes", "\(needed) bytes") }
                data = data.suffix(needed)
            } else {
                guard header.byteSkip <= data.count else { throw mismatch("\(data.count) bytes", "a byte skip of \(header.byteSkip)") }
                data = data.dropFirst(header.byteSkip)
                guard data.count == needed else { throw mismatch("\(data.count) bytes of data", "\(needed) bytes") }
            }
            return binary(data, header: header)
        case .gzip:
            // deflate cannot expand more than 1032:1; a header asking for more is lying.
            let (expected, _) = needed.addingReportingOverflow(header.byteSkip)
            guard expected / 1032 <= data.count + 64 else { throw mismatch("\(data.count) compressed bytes", "\(needed) bytes (more than gzip can hold in that)") }
            let inflated: [UInt8]
            do {
                inflated = try Gzip.decompress(Array(data), file: file, limit: expected)
            } catch let error as NIfTIError {
                throw NRRDError(.corruptCompression, file: file, field: "encoding", error.message, expected: "a complete gzip stream of \(expected) bytes")
            }
            guard inflated.count == expected else { throw mismatch("\(inflated.count > expected ? "more than \(expected)" : String(inflated.count)) bytes after gzip", "\(expected) bytes") }
            return binary(inflated[header.byteSkip...], header: header)
        case .ascii:
            guard header.byteSkip <= data.count else { throw mismatch("\(data.count) bytes", "a byte skip of \(header.byteSkip)") }
            return try ascii(data.dropFirst(header.byteSkip), header: header, file: file, mismatch: mismatch)
        }
    }

    static func skippingLines(_ data: ArraySlice<UInt8>, _ lines: Int, file: String) throws -> ArraySlice<UInt8> {
        var rest = data
        for skipped in 0..<lines {
            guard let end = rest.firstIndex(of: UInt8(ascii: "\n")) else {
                throw NRRDError(.dataMismatch, file: file, field: "line skip", "line skip \(lines), but the data have only \(skipped) lines", expected: "at least \(lines) lines before the data")
            }
            rest = rest[(end + 1)...]
        }
        return rest
    }

    static func binary(_ data: ArraySlice<UInt8>, header: NRRDHeader) -> [Double] {
        let swapped = header.endian.map { ($0 == .little) != hostIsLittleEndian } ?? false
        return data.withUnsafeBytes { header.type.decode($0, count: header.count, swapped: swapped) }
    }

    /// Text values separated by whitespace (or commas); exactly `count` of them.
    static func ascii(_ data: ArraySlice<UInt8>, header: NRRDHeader, file: String, mismatch: (String, String) -> NRRDError) throws -> [Double] {
        let count = header.count
        // Each value takes at least two bytes (a digit and a separator), but the last.
        guard count <= data.count / 2 + 1 else { throw mismatch("\(data.count) bytes of text", "\(count) values") }
        var values = [Double]()
        values.reserveCapacity(count)
        var start: Int?
        func flush(_ end: Int) throws {
            guard let s = start else { return }
            start = nil
            let word = String(decoding: data[s..<end], as: UTF8.self)
            guard values.count < count else { throw mismatch("more than \(count) values", "\(count) values") }
            guard let value = Double(word), header.type.isFloatingPoint || header.type.holds(value) else {
                throw NRRDError(
                    .dataMismatch, file: file, field: "type", "value \(values.count) '\(word)' is not a \(header.type.rawValue)", expected: "\(count) \(header.type.rawValue) values as text")
            }
            values.append(header.type == .float ? Double(Float(value)) : value)
        }
        for i in data.indices {
            let b = data[i]
            if b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 || b == UInt8(ascii: ",") { try flush(i) } else if start == nil { start = i }
        }
        try flush(data.endIndex)
        guard values.count == count else { throw mismatch("\(values.count) values", "\(count) values") }
        return values
    }

    // MARK: - Writing

    public enum WriteEncoding: String, Sendable, CaseIterable {
        case raw, gzip
    }

    /// Writes a volume as an attached NRRD (atomically): `space: left-posterior-superior`
    /// with the volume's affine as space directions and origin in LPS (the RAS+ affine's first
    /// two rows negated, as ITK writes), kinds domain, little-endian, `type` (float by
    /// default; an integer type needs whole numbers in its range).
    public static func write(_ volume: Volume, to path: String, encoding: WriteEncoding = .gzip, type: NRRDScalarType = .float) throws {
        guard volume.shape.count == 3 || volume.shape[3...].allSatisfy({ $0 == 1 }) else {
            throw NRRDError(.unwritable, file: path, field: "dimension", "a volume of shape \(volume.shape)", expected: "one 3-D volume")
        }
        guard volume.affine.joined().allSatisfy(\.isFinite) else {
            throw NRRDError(.unwritable, file: path, field: "space directions", "the affine has non-finite entries", expected: "a finite affine")
        }
        if let bad = volume.voxels.firstIndex(where: { !type.holds(Double($0)) }) {
            throw NRRDError(
                .unwritable, file: path, field: "type", "value \(volume.voxels[bad]) at index \(bad) cannot be stored as \(type.rawValue)",
                expected: "whole numbers in the type's range (or write float)")
        }
        let lps: [Double] = [-1, -1, 1]
        func vector(_ v: [Double]) -> String { "(" + v.map { "\($0)" }.joined(separator: ",") + ")" }
        let directions = (0..<3).map { c in vector((0..<3).map { r in lps[r] * volume.affine[r][c] }) }
        let lines = [
            "NRRD0004", "# written by SinoRad (SinoImaging NRRD.write)", "type: \(type.headerName)", "dimension: 3",
            "space: left-posterior-superior", "sizes: " + volume.shape.prefix(3).map(String.init).joined(separator: " "),
            "space directions: " + directions.joined(separator: " "), "kinds: domain domain domain",
            "endian: little", "encoding: \(encoding.rawValue)",
            "space origin: " + vector((0..<3).map { lps[$0] * volume.affine[$0][3] }), "", ""
        ]
        let data = type.encode(volume.voxels)
        let bytes = Array(lines.joined(separator: "\n").utf8) + (encoding == .gzip ? try Gzip.compress(data) : data)
        do {
            try AtomicFile.write(bytes, to: path)
        } catch let error as ValidationError {
            throw NRRDError(.unwritable, file: path, error.problems.map(\.message).joined(separator: "; "))
        }
    }
}
