import Foundation
import SinoData
import Testing

@testable import SinoImaging

/// ROI masks against their images, and the study's image folder checked as a whole.
@Suite("ROI masks and the image manifest")
struct ImageManifestTests {
    static let identity: [[Double]] = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]

    static func volume(_ shape: [Int] = [5, 4, 3], affine: [[Double]] = identity, fill: (Int) -> Float = { Float($0) }) -> Volume {
        Volume(shape: shape, spacing: [1, 1, 1], affine: affine, voxels: (0..<shape.reduce(1, *)).map(fill))
    }

    static func shifted(_ dx: Double) -> [[Double]] {
        var a = identity
        a[0][3] = dx
        return a
    }

    @Test("a mask is binarised (> 0) on its image's grid")
    func binarise() throws {
        let dir = try SinoRadTemporary.folder(#function)
        let image = Self.volume()
        let values: [Float] = [-1, 0, 0.5, 2]
        let mask = Self.volume(fill: { values[$0 % 4] })
        let path = dir.appendingPathComponent("mask.nii.gz").path
        try NIfTI.write(mask, to: path)
        let roi = try ROIMask.load(path, for: image, imagePath: "T2WI.nii.gz")
        #expect(roi.voxelCount == 30 && roi.volume.voxels.prefix(4) == [0, 0, 1, 1])
        #expect(roi.volume.sameGrid(as: image))
    }

    @Test("a mask of another size or position: the error names both files")
    func gridMismatch() throws {
        let dir = try SinoRadTemporary.folder(#function)
        let image = Self.volume()
        for (name, mask, fragment) in [
            ("small.nii", Self.volume([4, 4, 3]), "shape 4x4x3, the image T2WI.nii.gz has shape 5x4x3"),
            ("moved.nii", Self.volume(affine: Self.shifted(2)), "affine [1 0 0 2;")
        ] {
            let path = dir.appendingPathComponent(name).path
            try NIfTI.write(mask, to: path, datatype: .uint8)
            do {
                _ = try ROIMask.load(path, for: image, imagePath: "T2WI.nii.gz")
                Issue.record("\(name) accepted")
            } catch let error as NIfTIError {
                #expect(error.kind == .gridMismatch && error.file == path && error.otherFile == "T2WI.nii.gz")
                #expect(error.description.hasPrefix(path) && error.description.contains(fragment), "\(error)")
            }
        }
    }

    @Test("an empty mask is an error naming it")
    func emptyMask() throws {
        let dir = try SinoRadTemporary.folder(#function)
        let path = dir.appendingPathComponent("mask.nii").path
        try NIfTI.write(Self.volume(fill: { _ in 0 }), to: path, datatype: .uint8)
        do {
            _ = try ROIMask.load(path, for: Self.volume(), imagePath: "T2WI.nii")
            Issue.record("empty mask accepted")
        } catch let error as NIfTIError {
            #expect(error.kind == .emptyMask && error.file == path && error.message.contains("no voxel > 0 among 60"))
        }
    }

    /// P001 complete (shared mask), P002 per-sequence masks with problems, P003 no folder,
    /// P004 a truncated image and no mask, P005 a shared mask off the ADC grid.
    static func makeStudy(_ dir: URL) throws {
        func write(_ volume: Volume, _ patient: String, _ name: String, _ type: NIfTIDataType = .float32) throws {
            try NIfTI.write(volume, to: dir.appendingPathComponent(patient).appendingPathComponent(name).path, datatype: type)
        }
        let image = volume(), mask = volume(fill: { $0 % 5 == 0 ? 1 : 0 })
        for sequence in ImageManifest.defaultSequences { try write(image, "P001", "\(sequence).nii.gz") }
        try write(mask, "P001", "mask.nii.gz", .uint8)

        try write(image, "P002", "T2WI.nii.gz")
        try write(image, "P002", "ADC.nii")
        try write(image, "P002", "ce-t1.nii.gz") // misnamed CE-T1WI
        try write(volume(fill: { _ in 0 }), "P002", "T2WI_mask.nii.gz", .uint8)
        try write(volume([4, 4, 3], fill: { _ in 1 }), "P002", "ADC_mask.nii.gz", .uint8)

        try write(image, "P004", "T2WI.nii")
        let t2 = dir.appendingPathComponent("P004/T2WI.nii")
        try Data(try Data(contentsOf: t2).prefix(400)).write(to: t2)
        try write(image, "P004", "CE-T1WI.nii.gz")
        try write(image, "P004", "ADC.nii.gz")

        try write(image, "P005", "T2WI.nii.gz")
        try write(image, "P005", "CE-T1WI.nii.gz")
        try write(volume(affine: shifted(0.5)), "P005", "ADC.nii.gz")
        try write(mask, "P005", "mask.nii", .uint8)
    }

    @Test("every missing or unreadable file and every mask problem is listed at once")
    func manifest() throws {
        let dir = try SinoRadTemporary.folder(#function)
        try Self.makeStudy(dir)
        let manifest = ImageManifest.check(root: dir.path, patients: ["P001", "P002", "P003", "P004", "P005"])
        let problems = manifest.problems.map(\.description)
        let expected = [
            "P002/CE-T1WI.nii.gz: missing CE-T1WI image of patient P002 (the folder has: ce-t1.nii.gz); expected CE-T1WI.nii.gz, CE-T1WI.nii, CE-T1WI.nrrd or CE-T1WI.nhdr",
            "P002/T2WI_mask.nii.gz: the mask is empty",
            "P002/ADC_mask.nii.gz: the mask is not on the grid of its image: the mask has shape 4x4x3, the image \(dir.path)/P002/ADC.nii has shape 5x4x3",
            "P003: no image folder for patient P003",
            "P004/T2WI.nii: truncated",
            "P004/mask.nii.gz: no ROI mask of patient P004 for CE-T1WI, ADC",
            "P005/mask.nii: the mask is not on the grid of its image: the mask has affine"
        ]
        #expect(problems.count == expected.count, "\(problems.joined(separator: "\n"))")
        for fragment in expected {
            #expect(problems.contains { $0.contains(fragment) }, "missing: \(fragment)\n\(problems.joined(separator: "\n"))")
        }
        #expect(!manifest.isValid)
        #expect(throws: ValidationError.self) { try manifest.validated() }

        let p001 = manifest.entries.filter { $0.patientID == "P001" }
        #expect(p001.count == 3 && p001.allSatisfy { $0.maskVoxels == 12 && $0.shape == [5, 4, 3] && $0.orientation == "RAS" })
        #expect(p001.allSatisfy { $0.mask == dir.appendingPathComponent("P001/mask.nii.gz").path })
        #expect(manifest.entries.count == 15)

        let fine = ImageManifest.check(root: dir.path, patients: ["P001"])
        #expect(fine.isValid && (try? fine.validated()) != nil)
        let t2Only = ImageManifest.check(root: dir.path, patients: ["P001", "P005"], sequences: ["T2WI"])
        #expect(t2Only.isValid, "\(t2Only.problems)")
    }

    @Test("an empty shared mask is one problem, not one per sequence")
    func emptySharedMask() throws {
        let dir = try SinoRadTemporary.folder(#function)
        for name in ["T2WI.nii", "CE-T1WI.nii", "ADC.nii"] {
            try NIfTI.write(Self.volume(), to: dir.appendingPathComponent("P9/\(name)").path)
        }
        let mask = dir.appendingPathComponent("P9/mask.nii.gz").path
        try NIfTI.write(Self.volume(fill: { _ in 0 }), to: mask, datatype: .uint8)
        let manifest = ImageManifest.check(root: dir.path, patients: ["P9"])
        #expect(manifest.problems.map(\.description) == ["\(mask): the mask is empty (no voxel > 0 among 60); expected at least one voxel of the region of interest (value > 0)"])
        #expect(manifest.entries.allSatisfy { $0.mask == mask && $0.maskVoxels == nil && $0.shape == [5, 4, 3] })
    }

    @Test("a missing images folder is one problem")
    func missingRoot() {
        let manifest = ImageManifest.check(root: "/nonexistent/images", patients: ["P001"])
        #expect(manifest.problems.map(\.description) == ["/nonexistent/images: the images folder does not exist; expected a folder with one sub-folder per patient"])
    }

    @Test("NRRD images and masks in the layout (3D Slicer's format): found, read and checked like NIfTI; two files of one image are reported")
    func nrrdLayout() throws {
        let dir = try SinoRadTemporary.folder(#function)
        let image = Self.volume()
        let mask = Self.volume(fill: { $0 % 3 == 0 ? 1 : 0 })
        let p1 = dir.appendingPathComponent("P1")
        try FileManager.default.createDirectory(at: p1, withIntermediateDirectories: true)
        for sequence in ["T2WI", "ADC"] { try NRRD.write(image, to: p1.appendingPathComponent("\(sequence).nrrd").path) }
        try NRRD.write(mask, to: p1.appendingPathComponent("mask.nrrd").path, type: .uint8)
        let manifest = ImageManifest.check(root: dir.path, patients: ["P1"], sequences: ["T2WI", "ADC"])
        #expect(manifest.isValid, "\(manifest.problems)")
        #expect(manifest.entries.map(\.maskVoxels) == [20, 20] && manifest.entries.allSatisfy { $0.image?.hasSuffix(".nrrd") == true })
        #expect(try ImageManifest.readVolume(p1.appendingPathComponent("T2WI.nrrd").path).sameGrid(as: image))

        try NIfTI.write(image, to: p1.appendingPathComponent("T2WI.nii.gz").path)
        let twice = ImageManifest.check(root: dir.path, patients: ["P1"], sequences: ["T2WI", "ADC"])
        #expect(twice.problems.map(\.message) == ["both T2WI.nii.gz and T2WI.nrrd exist; T2WI.nii.gz is used"])
    }
}
