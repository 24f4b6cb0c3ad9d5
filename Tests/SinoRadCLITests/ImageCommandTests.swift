import Foundation
import TestSupport
import Testing

/// `sinorad image info` and `sinorad image check` run as a user would, on the NIfTI fixtures
/// of Tests/Fixtures/nifti (scripts/peers/nifti.py).
@Suite("sinorad image")
struct ImageCommandTests {
    func json(_ text: String) throws -> [String: Any] {
        try #require(try Fixtures.parseJSON(Data(text.utf8)) as? [String: Any])
    }

    func fixture(_ name: String) -> String { Fixtures.url("nifti/\(name)").path }

    @Test("info --format json: header, grid, nibabel's affine, orientation, intensities of the scaled values")
    func infoJSON() throws {
        let result = try SinoRadCommand.run(["image", "info", fixture("functional.nii"), "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let info = try json(result.stdout)
        #expect(info["version"] as? Int == 1 && info["datatype"] as? String == "int16" && info["byteOrder"] as? String == "little")
        #expect(info["shape"] as? [Int] == [17, 21, 3, 20] && info["voxelSize"] as? [Double] == [4, 4, 8, 2])
        #expect(info["orientation"] as? String == "LAS" && info["affineSource"] as? String == "sform")
        let header = try #require(info["header"] as? [String: Any])
        #expect(header["sizeof_hdr"] as? Int == 348 && header["qform_code"] as? Int == 2 && header["dim"] as? [Int] == [4, 17, 21, 3, 20, 1, 1, 1])
        let scaling = try #require(info["scaling"] as? [String: Double])
        let expected = try Fixtures.json("nifti/functional.json")
        #expect(scaling["slope"] == expected["slope"] as? Double && scaling["intercept"] == expected["inter"] as? Double)
        #expect(info["affine"] as? [[Double]] == expected["affine"] as? [[Double]])
        let intensity = try #require(info["intensity"] as? [String: Double])
        let stats = try #require(expected["stats"] as? [String: Double])
        #expect(intensity["count"] == 21420 && intensity["nanCount"] == 0)
        #expect(intensity["min"] == stats["min"] && intensity["max"] == stats["max"])
        #expect(isClose(intensity["sum"]!, stats["sum"]!, rel: 1e-12) && isClose(intensity["mean"]!, stats["mean"]!, rel: 1e-12))

        let md = try SinoRadCommand.run(["image", "info", fixture("anatomical.nii")])
        #expect(md.status == 0)
        for text in ["NIfTI-1 (n+1), big-endian", "| shape | 33 x 41 x 25 |", "| orientation | LAS |", "| -2 | 0 | 0 | 32 |"] {
            #expect(md.stdout.contains(text), "missing: \(text)")
        }
    }

    @Test("info on NRRD: SimpleITK's spacing, origin and direction, the RAS+ affine; a lying header is refused naming the field")
    func infoNRRD() throws {
        let file = Fixtures.url("nrrd/gzip_ras_int16.nrrd").path
        let result = try SinoRadCommand.run(["image", "info", file, "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let info = try json(result.stdout)
        let expected = try #require((try Fixtures.json("nrrd/expected.json")["cases"] as? [[String: Any]])?.first { $0["file"] as? String == "gzip_ras_int16.nrrd" })
        #expect(info["format"] as? String == "NRRD" && info["type"] as? String == "int16" && info["encoding"] as? String == "gzip")
        #expect(info["sizes"] as? [Int] == expected["size"] as? [Int] && info["space"] as? String == "right-anterior-superior")
        #expect(info["origin"] as? [Double] == expected["origin"] as? [Double])
        #expect((info["keyValues"] as? [String: String])?["modality"] == "MR")
        let md = try SinoRadCommand.run(["image", "info", file])
        #expect(md.status == 0 && md.stdout.contains("| type | int16 |") && md.stdout.contains("| sizes | 6 x 5 x 4 |"))
        let bad = Fixtures.url("nrrd/bad_sizes_short.nrrd").path
        let refused = try SinoRadCommand.run(["image", "info", bad])
        #expect(refused.status == 1 && refused.stdout.isEmpty && refused.stderr.contains("\(bad): field 'sizes'"), "\(refused.stderr)")
    }

    @Test("info refuses NaN voxels unless --allow-nan, and non-NIfTI files, naming the file")
    func infoErrors() throws {
        let nan = fixture("bad_nan_float32.nii")
        let refused = try SinoRadCommand.run(["image", "info", nan])
        #expect(refused.status == 1 && refused.stdout.isEmpty)
        #expect(refused.stderr.contains(nan) && refused.stderr.contains("2 of 48 voxels are NaN"))
        let allowed = try SinoRadCommand.run(["image", "info", nan, "--allow-nan", "--format", "json"])
        #expect(allowed.status == 0)
        #expect((try json(allowed.stdout)["intensity"] as? [String: Any])?["nanCount"] as? Int == 2)

        let csv = Fixtures.url("synthetic_cohort.csv").path
        let notNIfTI = try SinoRadCommand.run(["image", "info", csv])
        #expect(notNIfTI.status == 1 && notNIfTI.stderr.contains("\(csv): not a NIfTI file"))
        let complex = try SinoRadCommand.run(["image", "info", fixture("bad_complex64.nii")])
        #expect(complex.status == 1 && complex.stderr.contains("datatype complex64 (code 32) is not supported"))
    }

    /// P1 complete with a shared mask; P2 without ADC, a T2WI mask of another size and an
    /// empty CE-T1WI mask; P3 has no folder. Returns the images folder and the cohort CSV.
    func study(_ folder: URL) throws -> (images: String, cohort: String) {
        let images = folder.appendingPathComponent("images")
        let manager = FileManager.default
        let image = fixture("nibabel_fallback_uint16.nii") // 5x4x3 uint16, all values > 0
        for patient in ["P1", "P2"] { try manager.createDirectory(at: images.appendingPathComponent(patient), withIntermediateDirectories: true) }
        for sequence in ["T2WI", "CE-T1WI", "ADC"] {
            try manager.copyItem(atPath: image, toPath: images.appendingPathComponent("P1/\(sequence).nii").path)
        }
        try manager.copyItem(atPath: image, toPath: images.appendingPathComponent("P1/mask.nii").path)
        for sequence in ["T2WI", "CE-T1WI"] {
            try manager.copyItem(atPath: image, toPath: images.appendingPathComponent("P2/\(sequence).nii").path)
        }
        try manager.copyItem(atPath: fixture("nibabel_bigendian_int8.nii"), toPath: images.appendingPathComponent("P2/T2WI_mask.nii").path)
        var empty = [UInt8](try Data(contentsOf: URL(fileURLWithPath: image)))
        for i in 352..<empty.count { empty[i] = 0 }
        try Data(empty).write(to: images.appendingPathComponent("P2/CE-T1WI_mask.nii"))
        let cohort = folder.appendingPathComponent("cohort.csv")
        try "patient_id,cohort,pathology\nP1,train,SCC\nP2,train,ACC\nP3,test,ONB\n".write(to: cohort, atomically: true, encoding: .utf8)
        return (images.path, cohort.path)
    }

    @Test("check: every problem listed at once, exit 1; a complete patient passes")
    func check() throws {
        let folder = try SinoRadCommand.temporaryFolder()
        let (images, cohort) = try study(folder)
        let result = try SinoRadCommand.run(["image", "check", "--images", images, "--cohort", cohort])
        #expect(result.status == 1)
        for text in [
            "4 problems", "P2/ADC.nii.gz: missing ADC image of patient P2",
            "P2/T2WI_mask.nii: the mask is not on the grid of its image: the mask has shape 4x5x3, the image \(images)/P2/T2WI.nii has shape 5x4x3",
            "P2/CE-T1WI_mask.nii: the mask is empty", "P3: no image folder for patient P3"
        ] {
            #expect(result.stderr.contains(text), "missing: \(text)\n\(result.stderr)")
        }
        #expect(result.stdout.contains("| P1 | T2WI | T2WI.nii | 5 x 4 x 3 | 2 x 3 x 4 | LAS | mask.nii | 60 |"), "\(result.stdout)")

        let json = try SinoRadCommand.run(["image", "check", "--images", images, "--cohort", cohort, "--format", "json"])
        #expect(json.status == 1)
        let manifest = try self.json(json.stdout)
        #expect(manifest["valid"] as? Bool == false && manifest["patients"] as? Int == 3)
        #expect((manifest["entries"] as? [Any])?.count == 9 && (manifest["problems"] as? [Any])?.count == 4)

        let onlyP1 = folder.appendingPathComponent("p1.csv")
        try "patient_id\nP1\n".write(to: onlyP1, atomically: true, encoding: .utf8)
        let fine = try SinoRadCommand.run(["image", "check", "--images", images, "--cohort", onlyP1.path])
        #expect(fine.status == 0 && fine.stdout.contains("OK: every image and mask is present"), "\(fine.stderr)")
        let t2 = try SinoRadCommand.run(["image", "check", "--images", images, "--cohort", cohort, "--sequences", "T2WI,CE-T1WI"])
        #expect(t2.status == 1 && t2.stderr.contains("3 problems") && !t2.stderr.contains("ADC"))
    }

    @Test("check: a cohort without patient_id, and bad --sequences, are named")
    func checkInputErrors() throws {
        let folder = try SinoRadCommand.temporaryFolder()
        let cohort = folder.appendingPathComponent("c.csv")
        try "id,cohort\nP1,train\n".write(to: cohort, atomically: true, encoding: .utf8)
        let noColumn = try SinoRadCommand.run(["image", "check", "--images", folder.path, "--cohort", cohort.path])
        #expect(noColumn.status == 1 && noColumn.stderr.contains("column 'patient_id': the column is missing"))
        let duplicate = try SinoRadCommand.run(["image", "check", "--images", folder.path, "--cohort", cohort.path, "--sequences", "T2WI,T2WI"])
        #expect(duplicate.status == 1 && duplicate.stderr.contains("--sequences must list distinct"))
    }
}
