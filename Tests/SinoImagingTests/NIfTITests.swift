import Foundation
import TestSupport
import Testing

@testable import SinoImaging

/// NIfTI reading against nibabel 5.4 (Tests/Fixtures/nifti/, scripts/peers/nifti.py): files
/// nibabel ships (big- and little-endian, NIfTI-1 and -2, gzip, scaled int16) and files
/// nibabel wrote with known data (every datatype, oblique and permuted axes, qform-only and
/// transform-less headers, a .hdr/.img pair, a 2-D image). Voxel values must be identical
/// (max abs difference 0), affines within 1e-6.
@Suite("NIfTI vs nibabel")
struct NIfTIParityTests {
    static let fixtures = NibabelFixture.names()

    @Test("the fixtures are there")
    func fixturesPresent() {
        #expect(Self.fixtures.count >= 14, "run scripts/peers/nifti.py")
    }

    @Test("header fields as stored", arguments: fixtures)
    func header(_ name: String) throws {
        let fixture = try NibabelFixture.load(name)
        let image = try NIfTI.read(fixture.path)
        let h = image.header, f = fixture.header
        #expect(h.version == (fixture.class.hasPrefix("Nifti2") ? .nifti2 : .nifti1))
        #expect(h.sizeofHdr == f.sizeofHdr && h.magic == f.magic && h.byteOrder.rawValue == f.endianness)
        #expect(h.datatypeCode == f.datatype && h.bitpix == f.bitpix && image.datatype.name == fixture.dataDtype)
        #expect(h.dim == f.dim)
        #expect(h.pixdim == f.pixdim, "\(h.pixdim) vs \(f.pixdim)")
        #expect(h.voxOffset == f.voxOffset)
        #expect((h.sclSlope.isNaN ? nil : h.sclSlope) == f.sclSlope && (h.sclInter.isNaN ? nil : h.sclInter) == f.sclInter)
        #expect(h.qformCode == f.qformCode && h.sformCode == f.sformCode)
        #expect(h.quatern == f.quatern && h.qoffset == f.qoffset)
        #expect(h.srowX == f.srowX && h.srowY == f.srowY && h.srowZ == f.srowZ)
        // Text fields end at the first NUL, as in C (niftilib); numpy keeps what follows it
        // ("FSL3.3\0 v2.25 NIfTI-1 Single file format" in example4d.nii.gz).
        #expect(h.xyztUnits == f.xyztUnits && h.descrip == String(f.descrip.prefix { $0 != "\0" }))
        #expect(image.shape == fixture.shape && h.zooms == fixture.zooms)
        let scaling = h.scaling ?? (1, 0)
        #expect(scaling.slope == fixture.slope && scaling.intercept == fixture.inter)
    }

    @Test("affines: img.affine, sform, qform, fallback; orientation codes", arguments: fixtures)
    func affines(_ name: String) throws {
        let fixture = try NibabelFixture.load(name)
        let image = try NIfTI.read(fixture.path)
        let diffs = [
            maxAbsDiff(image.affine, fixture.affine), maxAbsDiff(image.header.sformAffine, fixture.sform),
            maxAbsDiff(image.header.qformAffine, fixture.qform), maxAbsDiff(image.header.fallbackAffine, fixture.baseAffine)
        ]
        printComparison("\(fixture.file) affine, sform, qform, fallback", tool: fixture.tool, maxAbsDiff: diffs.max()!)
        #expect(diffs.allSatisfy { $0 <= 1e-6 }, "\(diffs)")
        #expect(image.orientation == fixture.axcodes)
        #expect(image.volume().affine == image.affine)
    }

    @Test("voxel values: get_fdata() samples identical, statistics", arguments: fixtures)
    func voxels(_ name: String) throws {
        let fixture = try NibabelFixture.load(name)
        let image = try NIfTI.read(fixture.path)
        let values = image.scaledValues()
        let volume = image.volume()
        var worst = 0.0, worstFloat: Float = 0
        for sample in fixture.samples {
            let i = linearIndex(sample.index, fixture.shape)
            worst = max(worst, abs(values[i] - sample.value))
            worstFloat = max(worstFloat, abs(volume.voxels[i] - Float(sample.value)))
            #expect(image.value(at: i) == values[i])
        }
        printComparison("\(fixture.file) \(fixture.samples.count) voxels of get_fdata()", tool: fixture.tool, maxAbsDiff: worst)
        #expect(worst == 0)
        #expect(worstFloat == 0, "Volume holds Float(get_fdata())")
        try expectStats(values, fixture.stats, "\(fixture.file)", fixture.tool)
    }

    @Test("as_closest_canonical: shape, affine, codes, voxel values", arguments: fixtures)
    func canonical(_ name: String) throws {
        let fixture = try NibabelFixture.load(name)
        guard let expected = fixture.canonical else { return } // nibabel reorients 3-D and up only
        let image = try NIfTI.read(fixture.path)
        let ornt = try NIfTIImage.definedAxes(image.affine, file: fixture.path)
        #expect(ornt.map { [$0.worldAxis, $0.flipped ? -1 : 1] } == expected.ornt)
        let canonical = try image.canonical()
        #expect(canonical.shape == expected.shape)
        let affineDiff = maxAbsDiff(canonical.affine, expected.affine)
        #expect(affineDiff <= 1e-6)
        #expect(canonical.orientation == expected.axcodes)
        #expect(maxAbsDiff(canonical.header.zooms, expected.zooms) <= 1e-6, "\(canonical.header.zooms) vs \(expected.zooms)")
        #expect(canonical.header.effectiveQformCode == expected.qformCode && canonical.header.effectiveSformCode == expected.sformCode)
        let values = canonical.scaledValues()
        let volume = try image.volume().canonical()
        #expect(volume.shape == expected.shape)
        #expect(maxAbsDiff(volume.affine, expected.affine) <= 1e-6)
        var worst = 0.0
        for sample in expected.samples {
            let i = linearIndex(sample.index, expected.shape)
            worst = max(worst, abs(values[i] - sample.value))
            #expect(volume.voxels[i] == Float(sample.value))
        }
        printComparison("\(fixture.file) canonical (\(image.orientation) -> \(canonical.orientation)) affine", tool: fixture.tool, maxAbsDiff: affineDiff)
        printComparison("\(fixture.file) canonical \(expected.samples.count) voxels", tool: fixture.tool, maxAbsDiff: worst)
        #expect(worst == 0)
        try expectStats(values, expected.stats, "\(fixture.file) canonical", fixture.tool)
    }

    func expectStats(_ values: [Double], _ stats: NibabelFixture.Stats, _ what: String, _ tool: String) throws {
        let sum = values.reduce(0, +)
        let mean = sum / Double(values.count)
        #expect(values.count == stats.count)
        #expect(values.min() == stats.min && values.max() == stats.max)
        let rel = max(abs(sum - stats.sum) / max(abs(stats.sum), 1), abs(mean - stats.mean) / max(abs(stats.mean), 1e-300))
        reportComparison("\(what) sum and mean of get_fdata()", tool: tool, maxRelDiff: rel)
        #expect(rel <= 1e-12)
        let summary = IntensitySummary(values)
        #expect(summary.sum == sum && summary.min == stats.min && summary.max == stats.max)
    }
}

/// SinoRad's writer: what it writes it reads back identically, in every layout it can write.
@Suite("NIfTI writing")
struct NIfTIWritingTests {
    /// An oblique, permuted grid with non-integer data.
    static func sampleVolume(_ shape: [Int] = [5, 4, 3]) -> Volume {
        let a = 0.3, c = cos(a), s = sin(a)
        let affine: [[Double]] = [[0, -0.9 * s, 3.0 * c, -12.5], [-0.8, 0, 0, 40.25], [0, -0.9 * c, -3.0 * s, 7.0], [0, 0, 0, 1]]
        let n = shape.reduce(1, *)
        return Volume(
            shape: shape, spacing: [0.8, 0.9, 3.0], affine: affine,
            voxels: (0..<n).map { Float($0) * 0.37 - Float(n % 7) * 1.25 + (Float($0 % 3) / 3) })
    }

    func folder(_ name: String = #function) throws -> URL { try SinoRadTemporary.folder(name) }

    @Test("write → read is exact for float32, in .nii and .nii.gz; the sform is the affine in float32")
    func roundTripFloat() throws {
        let dir = try folder()
        let volume = Self.sampleVolume([5, 4, 3, 2])
        for name in ["v.nii", "v.nii.gz"] {
            let path = dir.appendingPathComponent(name).path
            try NIfTI.write(volume, to: path)
            let image = try NIfTI.read(path)
            #expect(image.compressed == name.hasSuffix(".gz"))
            #expect(image.header.version == .nifti1 && image.header.magic == "n+1" && image.header.sclSlope == 1)
            #expect(image.header.sformCode == 1 && image.header.qformCode == 1)
            let back = image.volume()
            #expect(back.shape == volume.shape && back.voxels == volume.voxels)
            #expect(back.affine == volume.affine.map { $0.map { Double(Float($0)) } })
            let qformDiff = maxAbsDiff(image.header.qformAffine, volume.affine)
            printComparison("SinoRad-written \(name): qform vs the affine written", tool: "itself", maxAbsDiff: qformDiff)
            #expect(qformDiff < 1e-5)
            #expect(maxAbsDiff(back.spacing, [0.8, 0.9, 3.0]) < 1e-6)
            #expect(image.orientation == "PIR")
            // Nothing left behind but the file itself.
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix(".") }.isEmpty)
        }
    }

    @Test("int16 and uint8 store whole numbers exactly; fractions or out-of-range values are refused")
    func roundTripIntegers() throws {
        let dir = try folder()
        var volume = Self.sampleVolume()
        volume.voxels = volume.voxels.indices.map { Float($0 * 997 % 60001) - 30000 }
        let path = dir.appendingPathComponent("i16.nii.gz").path
        try NIfTI.write(volume, to: path, datatype: .int16)
        let back = try NIfTI.read(path)
        #expect(back.datatype == .int16 && back.volume().voxels == volume.voxels)

        var mask = volume
        mask.voxels = volume.voxels.map { $0 > 0 ? 1 : 0 }
        try NIfTI.write(mask, to: dir.appendingPathComponent("mask.nii").path, datatype: .uint8)
        #expect(try NIfTI.readVolume(dir.appendingPathComponent("mask.nii").path).voxels == mask.voxels)

        let refused = dir.appendingPathComponent("bad.nii").path
        #expect(throws: NIfTIError.self) { try NIfTI.write(Self.sampleVolume(), to: refused, datatype: .int16) }
        do {
            try NIfTI.write(volume, to: refused, datatype: .uint8)
            Issue.record("negative values written as uint8")
        } catch let error as NIfTIError {
            #expect(error.kind == .unwritable && error.file == refused && error.description.contains("0 to 255"))
        }
        #expect(!FileManager.default.fileExists(atPath: refused))
        #expect(throws: NIfTIError.self) { try NIfTI.write(volume, to: dir.appendingPathComponent("v.img").path) }
    }

    @Test("NIfTI-2 and big-endian headers written from an image read back field for field")
    func otherLayouts() throws {
        let dir = try folder()
        let source = try NIfTI.read(Fixtures.url("nifti/functional.nii").path) // scaled int16
        for (version, order) in [(NIfTIHeader.Version.nifti2, NIfTIHeader.ByteOrder.big), (.nifti2, .little), (.nifti1, .big)] {
            var image = source
            image.header.version = version
            image.header.byteOrder = order
            image.header.voxOffset = 0
            let path = dir.appendingPathComponent("f-\(version.rawValue)-\(order.rawValue).nii.gz").path
            try NIfTI.write(image, to: path)
            let back = try NIfTI.read(path)
            #expect(back.header.version == version && back.header.byteOrder == order)
            #expect(back.header.magic == (version == .nifti1 ? "n+1" : "n+2"))
            #expect(back.voxels == source.voxels && back.scaledValues() == source.scaledValues())
            #expect(back.affine == source.affine && back.header.zooms == source.header.zooms)
            #expect(back.header.sclSlope == source.header.sclSlope && back.header.quatern == source.header.quatern)
        }
    }

    @Test("the canonical image written and read back keeps its RAS+ grid")
    func canonicalRoundTrip() throws {
        let dir = try folder()
        let volume = try Self.sampleVolume().canonical()
        #expect(volume.orientation == "RAS")
        let path = dir.appendingPathComponent("ras.nii.gz").path
        try NIfTI.write(volume, to: path)
        let back = try NIfTI.readVolume(path)
        #expect(back.voxels == volume.voxels && back.shape == volume.shape)
        #expect(maxAbsDiff(back.affine, volume.affine) < 1e-5)
    }

    @Test("gzip: concatenated members are read as one stream")
    func gzipMembers() throws {
        let dir = try folder()
        let bytes = NIfTI.encode(try NIfTI.read(Fixtures.url("nifti/anatomical.nii").path))
        let split = 1000
        let joined = try Gzip.compress(Array(bytes[..<split])) + Gzip.compress(Array(bytes[split...]))
        let path = dir.appendingPathComponent("two-members.nii.gz").path
        try Data(joined).write(to: URL(fileURLWithPath: path))
        let image = try NIfTI.read(path)
        #expect(image.voxels == (try NIfTI.read(Fixtures.url("nifti/anatomical.nii").path)).voxels)
    }
}

/// Temporary folders for one test (removed and recreated).
enum SinoRadTemporary {
    static func folder(_ name: String) throws -> URL {
        try TestScratch.folder(name, in: "sinoimaging")
    }
}
