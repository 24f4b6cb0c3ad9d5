import Foundation
import TestSupport
import Testing

@testable import SinoImaging

/// `NIfTI.readSlices`: some slices of a .nii.gz, inflated only as far as the last of them.
/// Every nibabel fixture (big- and little-endian, scaled int16, NIfTI-2 float64, a fallback
/// affine that depends on the shape, 2-D and 4-D images) is gzipped and read both ways: the
/// slices' values must be the whole read's, bit for bit, and the affine the whole one's moved
/// to the first slice.
@Suite("NIfTI: reading only some slices of a .nii.gz")
struct NIfTISliceTests {
    @Test("the slices equal the whole read's", arguments: NibabelFixture.names())
    func slicesOfFixtures(_ name: String) throws {
        let fixture = try NibabelFixture.load(name)
        guard !fixture.file.hasSuffix(".hdr") else { return } // a pair: nothing to save, read whole
        let stored = try [UInt8](Data(contentsOf: URL(fileURLWithPath: fixture.path)))
        let plain = Gzip.isCompressed(stored) ? try Gzip.decompress(stored, file: fixture.path) : stored
        let path = try SinoRadTemporary.folder("slices-\(name)").appendingPathComponent("image.nii.gz").path
        try Data(Gzip.compress(plain)).write(to: URL(fileURLWithPath: path))
        let whole = try NIfTI.read(path, allowNaN: true)
        let shape = whole.shape
        guard shape.count >= 3, shape.dropFirst(3).allSatisfy({ $0 == 1 }) else {
            #expect(try NIfTI.readSlices(path, 0..<1) == nil, "\(name): shape \(shape) is read whole")
            return
        }
        let nz = shape[2], plane = shape[0] * shape[1]
        let values = whole.scaledValues()
        for range in Set([0..<1, (nz / 2)..<(nz / 2 + 1), (nz / 3)..<max(nz / 3 + 1, 2 * nz / 3), (nz - 1)..<nz, 0..<nz]) {
            let (header, part) = try #require(try NIfTI.readSlices(path, range), "\(name) slices \(range)")
            #expect(header.dim == whole.header.dim, "\(name): the file's header")
            #expect(part.shape == [shape[0], shape[1], range.count] + shape.dropFirst(3), "\(name) \(range)")
            let expected = values[(range.lowerBound * plane)..<(range.upperBound * plane)].map(\.bitPattern)
            #expect(part.scaledValues().map(\.bitPattern) == expected, "\(name) \(range): values")
            for r in 0..<4 {
                for c in 0..<3 { #expect(part.affine[r][c] == whole.affine[r][c]) }
                let moved = whole.affine[r][3] + whole.affine[r][2] * Double(range.lowerBound)
                #expect(abs(part.affine[r][3] - moved) <= 1e-9 * max(1, abs(moved)), "\(name) \(range): affine row \(r)")
            }
        }
        #expect(try NIfTI.readSlices(path, 0..<(nz + 1)) == nil, "\(name): slices beyond the image")
    }

    @Test("read whole where the stream cannot vouch for the slices: uncompressed, cut short, more after it")
    func declined() throws {
        let dir = try SinoRadTemporary.folder("slices-declined")
        let volume = NIfTIWritingTests.sampleVolume([6, 5, 8])
        let plain = dir.appendingPathComponent("v.nii").path
        let packed = dir.appendingPathComponent("v.nii.gz").path
        try NIfTI.write(volume, to: plain)
        try NIfTI.write(volume, to: packed)
        #expect(try NIfTI.readSlices(plain, 0..<2) == nil, "uncompressed")
        #expect(try NIfTI.readSlices(packed, 0..<2) != nil)
        let stored = try [UInt8](Data(contentsOf: URL(fileURLWithPath: packed)))
        // Cut after the first slices' data: the whole read must say so, and so slices are declined.
        let cut = dir.appendingPathComponent("cut.nii.gz").path
        try Data(stored.prefix(stored.count - 40)).write(to: URL(fileURLWithPath: cut))
        #expect(try NIfTI.readSlices(cut, 0..<1) == nil, "cut short")
        #expect(throws: NIfTIError.self) { try NIfTI.read(cut) }
        // A second member after the image (its bytes would be more data): read whole.
        let more = dir.appendingPathComponent("more.nii.gz").path
        try Data(stored + Gzip.compress([1, 2, 3, 4])).write(to: URL(fileURLWithPath: more))
        #expect(try NIfTI.readSlices(more, 0..<1) == nil, "another member")
        #expect(try NIfTI.read(more).count == volume.voxels.count)
    }
}

/// `NRRD.readSlices` on every SimpleITK fixture: a 3-D gzip-encoded file with space directions
/// (attached or detached data, any type and byte order) gives the whole read's slices and a
/// space origin moved to the first of them; anything else, and every broken file, is left to
/// the whole read (nil, or the header's own error).
@Suite("NRRD: reading only some slices of a gzip-encoded file")
struct NRRDSliceTests {
    @Test("the slices equal the whole read's", arguments: NRRDParityTests.cases + NRRDParityTests.bad)
    func slicesOfFixtures(_ file: String) throws {
        let path = SimpleITKFixture.path(file)
        guard let whole = try? NRRD.read(path, allowNaN: true) else {
            // A broken file: never slices (the header's errors are the whole read's).
            #expect((try? NRRD.readSlices(path, 0..<1)) ?? nil == nil, "\(file)")
            return
        }
        let h = whole.header
        guard h.encoding == .gzip, h.dimension == 3, h.spaceDirections?[2] != nil else {
            #expect(try NRRD.readSlices(path, 0..<1) == nil, "\(file): read whole")
            return
        }
        let nz = h.sizes[2], plane = h.sizes[0] * h.sizes[1]
        for range in Set([0..<1, (nz / 2)..<(nz / 2 + 1), (nz - 1)..<nz, 0..<nz]) {
            let (header, part) = try #require(try NRRD.readSlices(path, range), "\(file) \(range)")
            #expect(header.sizes == h.sizes)
            #expect(part.shape == [h.sizes[0], h.sizes[1], range.count])
            let expected = whole.values[(range.lowerBound * plane)..<(range.upperBound * plane)].map(\.bitPattern)
            #expect(part.values.map(\.bitPattern) == expected, "\(file) \(range): values")
            #expect(part.spacing == whole.spacing && part.direction == whole.direction)
            for r in 0..<3 {
                let moved = whole.origin[r] + whole.direction[r][2] * whole.spacing[2] * Double(range.lowerBound)
                #expect(abs(part.origin[r] - moved) <= 1e-9 * max(1, abs(moved)), "\(file) \(range): origin")
            }
        }
        #expect(try NRRD.readSlices(path, 0..<(nz + 1)) == nil)
    }
}
