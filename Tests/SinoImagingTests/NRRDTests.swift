import Foundation
import TestSupport
import Testing

@testable import SinoImaging

/// `Tests/Fixtures/nrrd/expected.json`, written by scripts/peers/nrrd.py: what SimpleITK reads
/// from each NRRD file there, and the broken files with the field each must be refused for.
struct SimpleITKFixture: Decodable {
    struct Sample: Decodable {
        let index: [Int]
        let value: Double
    }

    struct Case: Decodable {
        let file: String
        let note: String
        let dimension: Int
        let pixelType: String
        let components: Int
        let size: [Int]
        let spacing: [Double]
        let origin: [Double]
        let direction: [[Double]]
        let sum: Double, min: Double, max: Double
        let samples: [Sample]
        let labelCounts: [String: Int]?
    }

    struct Bad: Decodable {
        let file: String
        let field: String
        let what: String
        let simpleitkReads: Bool
    }

    let versions: [String: String]
    let cases: [Case]
    let bad: [Bad]

    var tool: String { "SimpleITK \(versions["SimpleITK"] ?? "?")" }

    static let shared: SimpleITKFixture? = {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try? decoder.decode(SimpleITKFixture.self, from: Data(contentsOf: Fixtures.url("nrrd/expected.json")))
    }()

    static func path(_ file: String) -> String { Fixtures.url("nrrd/\(file)").path }
}

/// SimpleITK's pixel type names for NRRD's scalar types.
let simpleITKPixelTypes: [NRRDScalarType: String] = [
    .int8: "8-bit signed integer", .uint8: "8-bit unsigned integer", .int16: "16-bit signed integer",
    .uint16: "16-bit unsigned integer", .int32: "32-bit signed integer", .uint32: "32-bit unsigned integer",
    .int64: "64-bit signed integer", .uint64: "64-bit unsigned integer", .float: "32-bit float", .double: "64-bit float"
]

/// NRRD reading against SimpleITK 2.5 (the reader PyRadiomics uses; Tests/Fixtures/nrrd/,
/// scripts/peers/nrrd.py): every encoding, type, byte order, space and header form. Values
/// must be identical; spacing, origin and direction within 1e-9.
@Suite("NRRD vs SimpleITK")
struct NRRDParityTests {
    static let cases = SimpleITKFixture.shared?.cases.map(\.file) ?? []
    static let bad = SimpleITKFixture.shared?.bad.map(\.file) ?? []

    func fixture(_ file: String) throws -> (SimpleITKFixture.Case, String) {
        let all = try #require(SimpleITKFixture.shared, "run scripts/peers/nrrd.py")
        return (try #require(all.cases.first { $0.file == file }), all.tool)
    }

    @Test("the fixtures are there")
    func fixturesPresent() {
        #expect(Self.cases.count >= 19 && Self.bad.count >= 22, "run scripts/peers/nrrd.py")
    }

    @Test("size, pixel type, spacing, origin, direction as SimpleITK", arguments: cases)
    func geometry(_ file: String) throws {
        let (expected, tool) = try fixture(file)
        let image = try NRRD.read(SimpleITKFixture.path(file))
        #expect(image.shape == expected.size && image.header.dimension == expected.dimension && expected.components == 1)
        #expect(simpleITKPixelTypes[image.header.type] == expected.pixelType)
        let diff = max(
            maxAbsDiff(image.spacing, expected.spacing), maxAbsDiff(image.origin, expected.origin),
            maxAbsDiff(image.direction, expected.direction))
        printComparison("\(file) spacing, origin, direction", tool: tool, maxAbsDiff: diff)
        #expect(diff <= 1e-9)
        // The Volume's RAS+ affine is SimpleITK's LPS geometry with rows 0 and 1 negated.
        let volume = image.volume()
        let d = expected.dimension
        var worst = 0.0
        for r in 0..<3 {
            for c in 0..<3 {
                let lps = r < d && c < d ? expected.direction[r][c] * expected.spacing[c] : (r == c ? 1 : 0)
                worst = max(worst, abs(volume.affine[r][c] - (r < 2 ? -lps : lps)))
            }
            let origin = r < d ? expected.origin[r] : 0
            worst = max(worst, abs(volume.affine[r][3] - (r < 2 ? -origin : origin)))
        }
        printComparison("\(file) Volume affine (RAS+) from the LPS geometry", tool: tool, maxAbsDiff: worst)
        #expect(worst <= 1e-9)
        #expect(volume.shape == (d == 3 ? expected.size : expected.size + [1]))
        #expect(maxAbsDiff(Array(volume.spacing.prefix(d)), expected.spacing) <= 1e-9)
    }

    @Test("voxel values: samples identical, sum, min, max", arguments: cases)
    func values(_ file: String) throws {
        let (expected, tool) = try fixture(file)
        let image = try NRRD.read(SimpleITKFixture.path(file))
        let volume = image.volume()
        var worst = 0.0
        for sample in expected.samples {
            let i = linearIndex(sample.index, expected.size)
            worst = max(worst, abs(image.values[i] - sample.value))
            #expect(volume.voxels[i] == Float(sample.value))
        }
        printComparison("\(file) \(expected.samples.count) voxels", tool: tool, maxAbsDiff: worst)
        #expect(worst == 0)
        let sum = image.values.reduce(0, +)
        reportComparison("\(file) sum of values", tool: tool, maxRelDiff: abs(sum - expected.sum) / max(abs(expected.sum), 1))
        #expect(abs(sum - expected.sum) <= 1e-12 * max(abs(expected.sum), 1))
        #expect(image.values.min() == expected.min && image.values.max() == expected.max)
    }

    @Test("broken and lying files are refused, naming the file and the field", arguments: bad)
    func refused(_ file: String) throws {
        let entry = try #require(SimpleITKFixture.shared?.bad.first { $0.file == file })
        let path = SimpleITKFixture.path(file)
        do {
            _ = try NRRD.read(path)
            Issue.record("\(file) (\(entry.what)) was read")
        } catch let error as NRRDError {
            #expect(error.field == entry.field, "\(file): \(error)")
            #expect(error.description.hasPrefix(path), "\(error)")
            print("[refused] \(file) (\(entry.what); SimpleITK \(entry.simpleitkReads ? "reads it" : "refuses it too")): \(error)")
        }
    }
}

@Suite("NRRD segmentations, writing, bounds")
struct NRRDTests {
    static let segmentation = SimpleITKFixture.path("segmentation_labels.seg.nrrd")

    @Test("a multi-label segmentation: each label as a mask, key/value pairs kept")
    func labels() throws {
        let expected = try #require(SimpleITKFixture.shared?.cases.first { $0.file == "segmentation_labels.seg.nrrd" }?.labelCounts)
        let image = try NRRD.read(Self.segmentation)
        #expect(image.header.keyValues.contains(NRRDHeader.KeyValue(key: "Segment1_Name", value: "necrosis")))
        let grid = image.volume()
        for (label, count) in expected where label != "0" {
            let mask = try ROIMask.load(Self.segmentation, for: grid, imagePath: "image.nrrd", label: Int(label)!)
            #expect(mask.voxelCount == count, "label \(label)")
            #expect(mask.volume.voxels.allSatisfy { $0 == 0 || $0 == 1 })
        }
        let all = try ROIMask.load(Self.segmentation, for: grid, imagePath: "image.nrrd")
        #expect(all.voxelCount == expected.filter { $0.key != "0" }.values.reduce(0, +))
        #expect(throws: NIfTIError.self) { try ROIMask.load(Self.segmentation, for: grid, imagePath: "image.nrrd", label: 7) }
        do {
            _ = try ROIMask.load(Self.segmentation, for: grid, imagePath: "image.nrrd", label: 7)
        } catch let error as NIfTIError {
            #expect(error.kind == .emptyMask && error.message.contains("labels present: 1, 2, 3"))
        }
        // Another grid (the same shape, another affine) is refused naming both files.
        var other = grid
        other.affine[0][3] += 1
        #expect(throws: NIfTIError.self) { try ROIMask.load(Self.segmentation, for: other, imagePath: "image.nrrd") }
    }

    @Test("write then read: raw and gzip, float and integer types, geometry kept", arguments: NRRD.WriteEncoding.allCases)
    func roundTrip(_ encoding: NRRD.WriteEncoding) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nrrd-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        for (source, type) in [("raw_lps_float32.nrrd", NRRDScalarType.float), ("gzip_ras_int16.nrrd", .int16), ("segmentation_labels.seg.nrrd", .uint8)] {
            let original = try NRRD.read(SimpleITKFixture.path(source))
            let volume = original.volume()
            let path = folder.appendingPathComponent("out_\(source)").path
            try NRRD.write(volume, to: path, encoding: encoding, type: type)
            let back = try NRRD.read(path)
            #expect(back.header.type == type && back.header.encoding.rawValue == encoding.rawValue)
            #expect(back.volume().voxels == volume.voxels)
            let diff = max(maxAbsDiff(back.volume().affine, volume.affine), maxAbsDiff(back.direction, original.direction), maxAbsDiff(back.origin, original.origin))
            printComparison("\(source) written \(encoding.rawValue) as \(type.rawValue), read back: geometry", tool: "its source", maxAbsDiff: diff)
            #expect(diff <= 1e-12)
            #expect(maxAbsDiff(back.spacing, original.spacing) <= 1e-12)
        }
        var fractional = try NRRD.read(SimpleITKFixture.path("raw_lps_float32.nrrd")).volume()
        fractional.voxels[3] = 0.5
        #expect(throws: NRRDError.self) { try NRRD.write(fractional, to: folder.appendingPathComponent("x.nrrd").path, type: .int16) }
    }

    /// An attached file built here: header lines, a blank line, then `data`.
    func file(_ header: [String], _ data: [UInt8]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("nrrd-\(UUID().uuidString).nrrd").path
        try Data(Array((["NRRD0004"] + header + ["", ""]).joined(separator: "\n").utf8) + data).write(to: URL(fileURLWithPath: path))
        return path
    }

    func refusal(_ path: String) -> NRRDError? {
        defer { try? FileManager.default.removeItem(atPath: path) }
        do { _ = try NRRD.read(path); return nil } catch { return error as? NRRDError }
    }

    @Test("lying gzip headers: a billion voxels from a few bytes, and more data than the sizes")
    func gzipBounds() throws {
        let small = try Gzip.compress([UInt8](repeating: 0, count: 2000))
        let huge = refusal(try file(["type: uchar", "dimension: 3", "sizes: 1000 1000 1000", "encoding: gzip"], small))
        #expect(huge?.kind == .dataMismatch && huge?.field == "sizes", "\(String(describing: huge))")
        let long = refusal(try file(["type: uchar", "dimension: 3", "sizes: 10 10 10", "encoding: gzip"], small))
        #expect(long?.kind == .dataMismatch && long?.message.contains("more than 1000") == true, "\(String(describing: long))")
        // 2^60 float voxels in 100 raw bytes, and sizes whose product overflows: refused from the header.
        let absurd = refusal(try file(["type: float", "dimension: 3", "sizes: 1048576 1048576 1048576", "encoding: raw", "endian: little"], [UInt8](repeating: 0, count: 100)))
        #expect(absurd?.kind == .dataMismatch && absurd?.message.contains("4611686018427387904 bytes") == true, "\(String(describing: absurd))")
        let overflow = refusal(try file(["type: double", "dimension: 3", "sizes: 9223372036854775807 2 2", "encoding: raw", "endian: little"], [0]))
        #expect(overflow?.field == "sizes" && overflow?.message.contains("overflow") == true, "\(String(describing: overflow))")
        let fits = try file(["type: uchar", "dimension: 2", "sizes: 40 50", "encoding: gz", "byte skip: 0"], small)
        defer { try? FileManager.default.removeItem(atPath: fits) }
        #expect(try NRRD.read(fits).values.count == 2000)
    }

    @Test("a data file that is a device, a folder or missing is refused, never read (/dev/zero never ends)")
    func dataFileNotRegular() throws {
        for (named, why) in [("/dev/zero", "is not a regular file (a device, pipe or socket)"), ("/tmp", "is a folder"), ("/nonexistent/x.raw", "does not exist")] {
            let error = refusal(try file(["type: uchar", "dimension: 3", "sizes: 2 2 2", "encoding: raw", "data file: \(named)"], []))
            #expect(error?.kind == .unreadable && error?.field == "data file" && error?.message.contains("the data file \(named) named by") == true, "\(String(describing: error))")
            #expect(error?.message.hasSuffix(why) == true, "\(String(describing: error))")
        }
        // Not through refusal(_:), which removes its file.
        #expect(throws: NRRDError.self) { try NRRD.read("/dev/zero") }
        do { _ = try NRRD.read("/dev/zero") } catch let error as NRRDError { #expect(error.message == "the file is not a regular file (a device, pipe or socket)") }
    }

    @Test("header details: spellings, comments, key:=value, space dimension, unknown and repeated fields")
    func headerDetails() throws {
        let ok = try file(
            [
                "# comment", "TYPE: Unsigned  Char", "Dimension: 2", "space dimension: 2", "sizes: 2 2", "space directions: (0,2) (3,0)",
                "encoding: raw", "space origin: (1,1)", "content: a note", "my key:=has: colons := and more"
            ], [1, 2, 3, 4])
        defer { try? FileManager.default.removeItem(atPath: ok) }
        let image = try NRRD.read(ok)
        #expect(image.header.type == .uint8 && image.values == [1, 2, 3, 4] && image.spacing == [2, 3])
        #expect(image.direction == [[0, 1], [1, 0]] && image.origin == [1, 1])
        #expect(image.header.keyValues == [NRRDHeader.KeyValue(key: "my key", value: "has: colons := and more")])
        let unknown = refusal(try file(["type: uchar", "dimension: 2", "sizes: 2 2", "encoding: raw", "colour: blue"], [1, 2, 3, 4]))
        #expect(unknown?.field == "colour")
        let twice = refusal(try file(["type: uchar", "dimension: 2", "sizes: 2 2", "sizes: 2 2", "encoding: raw"], [1, 2, 3, 4]))
        #expect(twice?.field == "sizes" && twice?.message.contains("twice") == true)
        let endian = refusal(try file(["type: short", "dimension: 2", "sizes: 2 1", "encoding: raw"], [1, 2, 3, 4]))
        #expect(endian?.kind == .missingField && endian?.field == "endian")
        let time = refusal(try file(["type: uchar", "dimension: 3", "space: RAS-time", "sizes: 2 2 1", "encoding: raw"], [1, 2, 3, 4]))
        #expect(time?.kind == .unsupported && time?.field == "space")
        let hex = refusal(try file(["type: uchar", "dimension: 2", "sizes: 2 2", "encoding: hex"], Array("01020304".utf8)))
        #expect(hex?.kind == .unsupported && hex?.field == "encoding")
        let skip = refusal(try file(["type: uchar", "dimension: 2", "sizes: 2 2", "encoding: gzip", "byte skip: -1"], [1, 2, 3, 4]))
        #expect(skip?.field == "byte skip")
        let nanHeader = ["type: float", "dimension: 2", "sizes: 2 2", "encoding: ascii"]
        let nan = refusal(try file(nanHeader, Array("1 nan 3 4\n".utf8)))
        #expect(nan?.message.contains("1 of 4 values are NaN") == true, "\(String(describing: nan))")
        let allowed = try file(nanHeader, Array("1 nan 3 4\n".utf8))
        defer { try? FileManager.default.removeItem(atPath: allowed) }
        #expect(try NRRD.read(allowed, allowNaN: true).intensitySummary().nanCount == 1)
    }
}
