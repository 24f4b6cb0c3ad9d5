import Foundation
import TestSupport
import Testing

/// `sinorad radiomics extract` run as a user would, on the end-to-end fixtures of
/// Tests/Fixtures/radiomics/extract (scripts/peers/radiomics_extract.py, PyRadiomics 3.0.1).
@Suite("sinorad radiomics extract")
struct RadiomicsCommandTests {
    static let folder = Fixtures.url("radiomics/extract")

    func file(_ name: String) -> String { Self.folder.appendingPathComponent(name).path }

    /// PyRadiomics' output of a fixture case, features only, as key -> value.
    func expected(_ name: String) throws -> [(String, Double)] {
        let cases = try #require(try Fixtures.json("radiomics/extract/extract.json")["cases"] as? [[String: Any]])
        let item = try #require(cases.first { $0["name"] as? String == name })
        let output = try #require(item["output"] as? [[Any]])
        return output.compactMap { entry in
            let key = entry[0] as! String
            guard !key.hasPrefix("diagnostics_"), let value = entry[1] as? Double else { return nil }
            return (key, value)
        }
    }

    func csv(_ text: String) -> (header: [String], rows: [[String]]) {
        let lines = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        return (lines.first ?? [], Array(lines.dropFirst()))
    }

    @Test("one case: PyRadiomics' feature columns and values (CSV and JSON), diagnostics only on request")
    func oneCase() throws {
        let result = try SinoRadCommand.run([
            "radiomics", "extract", "--image", file("ellipsoid_int16.nrrd"), "--mask", file("ellipsoid_mask.nrrd"), "--params", file("all_image_types.yaml")
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let table = csv(result.stdout)
        let reference = try expected("all_image_types")
        #expect(table.header == ["Image", "Mask"] + reference.map(\.0))
        #expect(table.rows.count == 1)
        var worst = 0.0
        for ((key, value), cell) in zip(reference, table.rows[0].dropFirst(2)) {
            let actual = try #require(Double(cell), "\(key): \(cell)")
            #expect(isClose(actual, value, rel: 1e-6, abs: 1e-9), "\(key): SinoRad \(actual), PyRadiomics \(value)")
            if value != 0 { worst = max(worst, abs(actual - value) / abs(value)) }
        }
        reportComparison("sinorad radiomics extract (CSV, every image type)", tool: "PyRadiomics 3.0.1", maxRelDiff: worst)

        let json = try SinoRadCommand.run([
            "radiomics", "extract", "--image", file("ellipsoid_int16.nii.gz"), "--mask", file("ellipsoid_mask.nii.gz"), "--format", "json", "--diagnostics"
        ])
        #expect(json.status == 0, "\(json.stderr)")
        let rows = try #require(try Fixtures.parseJSON(Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(rows.count == 1)
        #expect(rows[0]["diagnostics_Image-original_Hash"] as? String == "df3c6e5ef63ad7e0febcdfc3cf815217b9c1643f")
        for (key, value) in try expected("defaults_nifti") {
            let actual = try #require(rows[0][key] as? Double, "\(key)")
            #expect(isClose(actual, value, rel: 1e-6, abs: 1e-9), "\(key)")
        }
    }

    @Test("batch: every column passed through, rows in input order whatever --jobs, failures listed at the end with status 1")
    func batch() throws {
        let dir = try SinoRadCommand.temporaryFolder()
        let cases = """
            patient,Image,Mask,Label
            A,\(file("ellipsoid_int16.nrrd")),\(file("ellipsoid_mask.nrrd")),
            B,\(file("ellipsoid_int16.nrrd")),\(file("empty_mask.nrrd")),
            C,\(file("ellipsoid_int16.nrrd")),\(file("labels_mask.nrrd")),3
            D,\(file("irregular_float32.nrrd")),\(file("irregular_mask.nrrd")),1

            """
        let csvPath = dir.appendingPathComponent("cases.csv").path
        try cases.write(toFile: csvPath, atomically: true, encoding: .utf8)
        var outputs: [String] = []
        for jobs in ["1", "2"] {
            let out = dir.appendingPathComponent("features\(jobs).csv").path
            let result = try SinoRadCommand.run(["radiomics", "extract", "--batch", csvPath, "--jobs", jobs, "--out", out])
            #expect(result.status == 1, "one case fails: \(result.stderr)")
            #expect(result.stderr.contains("1 of 4 case(s) failed") && result.stderr.contains("empty_mask.nrrd"), "\(result.stderr)")
            #expect(result.stderr.contains("ETA"), "progress lines with ETA")
            let text = try String(contentsOfFile: out, encoding: .utf8)
            outputs.append(text)
            let table = csv(text)
            #expect(Array(table.header.prefix(4)) == ["patient", "Image", "Mask", "Label"])
            #expect(table.rows.map { $0[0] } == ["A", "C", "D"])
            let reference = try expected("label_3")
            let contrast = try #require(table.header.firstIndex(of: "original_glcm_Contrast"))
            let value = try #require(reference.first { $0.0 == "original_glcm_Contrast" }?.1)
            #expect(isClose(Double(table.rows[1][contrast])!, value, rel: 1e-6))
        }
        #expect(outputs[0] == outputs[1], "the table does not depend on --jobs")
    }

    @Test("study layout: one row per patient, the sequence in each column name")
    func studyLayout() throws {
        let dir = try SinoRadCommand.temporaryFolder()
        let images = dir.appendingPathComponent("images")
        for patient in ["P1", "P2"] {
            let folder = images.appendingPathComponent(patient)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: file("ellipsoid_int16.nrrd"), toPath: folder.appendingPathComponent("T2WI.nrrd").path)
            try FileManager.default.copyItem(atPath: file("ellipsoid_int16.nii.gz"), toPath: folder.appendingPathComponent("ADC.nii.gz").path)
            try FileManager.default.copyItem(atPath: file("ellipsoid_mask.nii.gz"), toPath: folder.appendingPathComponent("mask.nii.gz").path)
        }
        let cohort = dir.appendingPathComponent("cohort.csv").path
        try "patient_id,label\nP1,SCC\nP2,ACC\n".write(toFile: cohort, atomically: true, encoding: .utf8)
        let result = try SinoRadCommand.run(["radiomics", "extract", "--images", images.path, "--cohort", cohort, "--sequences", "T2WI,ADC"])
        #expect(result.status == 0, "\(result.stderr)")
        let table = csv(result.stdout)
        let reference = try expected("defaults_nrrd")
        #expect(table.header == ["patient_id"] + reference.map { "T2WI_\($0.0)" } + reference.map { "ADC_\($0.0)" })
        #expect(table.rows.map { $0[0] } == ["P1", "P2"])

        let missing = try SinoRadCommand.run(["radiomics", "extract", "--images", images.path, "--cohort", cohort, "--sequences", "T2WI,CE-T1WI"])
        #expect(missing.status == 1 && missing.stdout.isEmpty && missing.stderr.contains("no CE-T1WI image"), "\(missing.stderr)")
    }

    @Test("voxel-based: one float64 map per feature on the cropped grid, as PyRadiomics' maps")
    func voxelMaps() throws {
        let dir = try SinoRadCommand.temporaryFolder()
        let maps = dir.appendingPathComponent("maps").path
        let result = try SinoRadCommand.run([
            "radiomics", "extract", "--image", file("ellipsoid_int16.nrrd"), "--mask", file("small_mask.nrrd"), "--params", file("voxel.yaml"), "--voxel",
            "--out-dir", maps
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let written = try FileManager.default.contentsOfDirectory(atPath: maps).sorted()
        let reference = try #require(
            (try Fixtures.json("radiomics/extract/extract.json")["cases"] as? [[String: Any]])?.first { $0["name"] as? String == "voxel_glcm_glrlm" })
        let keys = (reference["output"] as! [[Any]]).map { $0[0] as! String }.filter { !$0.hasPrefix("diagnostics_") }
        #expect(written == keys.map { "\($0).nrrd" }.sorted())
        let info = try SinoRadCommand.run(["image", "info", (maps as NSString).appendingPathComponent("original_glcm_Contrast.nrrd"), "--format", "json"])
        #expect(info.status == 0 && info.stdout.contains("\"double\""), "\(info.stdout)")
    }

    @Test("bad input: an invalid parameter file lists every problem; a refused case names its file and reason; nothing is written")
    func badInput() throws {
        let dir = try SinoRadCommand.temporaryFolder()
        let params = dir.appendingPathComponent("bad.yaml").path
        try "setting:\n  binWidth: -5\n  interpolater: sitkLinear\nimageType:\n  Wavelett: {}\n".write(toFile: params, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("f.csv").path
        let bad = try SinoRadCommand.run(["radiomics", "extract", "--image", file("ellipsoid_int16.nrrd"), "--mask", file("ellipsoid_mask.nrrd"), "--params", params, "--out", out])
        #expect(bad.status == 1 && !FileManager.default.fileExists(atPath: out))
        for text in ["binWidth", "interpolater", "Wavelett"] { #expect(bad.stderr.contains(text), "missing \(text): \(bad.stderr)") }

        let other = try SinoRadCommand.run(["radiomics", "extract", "--image", file("ellipsoid_int16.nrrd"), "--mask", file("shifted_mask.nrrd"), "--out", out])
        #expect(other.status == 1 && !FileManager.default.fileExists(atPath: out))
        #expect(other.stderr.hasPrefix("error: ") && other.stderr.contains("shifted_mask.nrrd"), "\(other.stderr)")

        let usage = try SinoRadCommand.run(["radiomics", "extract", "--image", file("ellipsoid_int16.nrrd")])
        #expect(usage.status == 2 && usage.stderr.contains("--mask"))
    }
}
