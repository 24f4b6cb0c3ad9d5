import Foundation
import SinoImaging
import TestSupport
import XCTest

@testable import SinoRadiomics

/// End to end against PyRadiomics 3.0.1's RadiomicsFeatureExtractor.execute on files
/// (scripts/peers/radiomics_extract.py): every key in PyRadiomics' order, every feature within
/// 1e-6 relative (1e-9 absolute), numeric diagnostics too, and the same refusals.
final class RadiomicsExtractionTests: XCTestCase {
    static let folder = "radiomics/extract"

    func testEveryCaseMatchesPyRadiomics() throws {
        let fixture = try Fixtures.json("\(Self.folder)/extract.json")
        let tool = "PyRadiomics (\(Fixtures.versions(fixture)))"
        let cases = try XCTUnwrap(fixture["cases"] as? [[String: Any]])
        var worstOverall = 0.0
        for item in cases {
            let name = item["name"] as! String
            let worst = try check(item, name: name)
            worstOverall = max(worstOverall, worst)
            if item["error"] == nil { reportComparison("radiomics extract \(name)", tool: tool, maxRelDiff: worst) }
        }
        reportComparison("radiomics extract, all \(cases.count) cases", tool: tool, maxRelDiff: worstOverall)
    }

    /// Runs one case; returns the largest relative difference of its values.
    func check(_ item: [String: Any], name: String) throws -> Double {
        let dir = Fixtures.url(Self.folder)
        func path(_ key: String) -> String? { (item[key] as? String).map { dir.appendingPathComponent($0).path } }
        let parameters = try path("params").map { try ParameterFile.read(path: $0) } ?? RadiomicsParameters()
        let extractor = RadiomicsExtractor(parameters: parameters)
        let label = (item["label"] as? Double).map { Int($0) } ?? (item["label"] as? Int)
        let voxel = item["voxel"] as? Bool ?? false
        if let expectedError = item["error"] as? String {
            XCTAssertThrowsError(try extractor.execute(imagePath: path("image")!, maskPath: path("mask")!, label: label), "\(name): PyRadiomics refuses it (\(expectedError))")
            return 0
        }
        let result: RadiomicsResult
        do {
            result = try extractor.execute(imagePath: path("image")!, maskPath: path("mask")!, label: label, voxelBased: voxel)
        } catch {
            XCTFail("\(name): \(error)")
            return .infinity
        }
        let output = try XCTUnwrap(item["output"] as? [[Any]])
        var worst = 0.0
        func compare(_ key: String, _ actual: Double, _ expected: Double) {
            if !isClose(actual, expected, rel: 1e-6, abs: 1e-9) { XCTFail("\(name) \(key): SinoRad \(actual), PyRadiomics \(expected)") }
            if expected != 0 && actual.isFinite { worst = max(worst, abs(actual - expected) / abs(expected)) }
        }
        // Keys: the features (and the diagnostics SinoRad computes the same way) in PyRadiomics' order.
        let expectedKeys = output.map { $0[0] as! String }.filter(Self.compared)
        let actualKeys = (result.keys + result.maps.map(\.key)).filter(Self.compared)
        XCTAssertEqual(actualKeys, expectedKeys, "\(name): keys and their order")
        for entry in output {
            let key = entry[0] as! String
            guard Self.compared(key) else { continue }
            if voxel, let map = entry[1] as? [String: Any] {
                guard let actual = result.maps.first(where: { $0.key == key })?.image else { continue }
                let expected = map["values"] as! [Double]
                XCTAssertEqual(actual.size, (map["size"] as! [Double]).map { Int($0) }, "\(name) \(key): map size")
                guard actual.values.count == expected.count else { continue }
                for (a, e) in zip(actual.values, expected) { compare(key, a, e) }
                continue
            }
            guard let actual = result[key] else { continue }
            switch (actual, entry[1]) {
            case (.number(let a), let e as Double): compare(key, a, e)
            case (.number(let a), "nan" as String): XCTAssertTrue(a.isNaN, "\(name) \(key): expected NaN, got \(a)")
            case (.numbers(let a), let e as [Double]):
                XCTAssertEqual(a.count, e.count, "\(name) \(key)")
                for (x, y) in zip(a, e) { compare(key, x, y) }
            case (.text(let a), let e as String) where key.hasSuffix("_Hash") || key.hasSuffix("_Dimensionality"): XCTAssertEqual(a, e, "\(name) \(key)")
            default: XCTFail("\(name) \(key): SinoRad \(actual), PyRadiomics \(entry[1])")
            }
        }
        return worst
    }

    /// Without diagnostics, an Original-only extraction from a .nii.gz inflates the image only as
    /// far as the ROI's last slice: every such fixture case still gives PyRadiomics' values, and
    /// exactly the values of the whole image's extraction.
    func testReadingOnlyTheROISlicesMatchesPyRadiomics() throws {
        let fixture = try Fixtures.json("\(Self.folder)/extract.json")
        let dir = Fixtures.url(Self.folder)
        var checked = 0
        var worst = 0.0
        for item in try XCTUnwrap(fixture["cases"] as? [[String: Any]]) where item["error"] == nil && item["voxel"] == nil {
            let name = item["name"] as! String
            func path(_ key: String) -> String? { (item[key] as? String).map { dir.appendingPathComponent($0).path } }
            let parameters = try path("params").map { try ParameterFile.read(path: $0) } ?? RadiomicsParameters()
            var extractor = RadiomicsExtractor(parameters: parameters)
            extractor.diagnostics = false
            let label = (item["label"] as? Double).map { Int($0) } ?? (item["label"] as? Int) ?? parameters.settings.label
            let (imagePath, maskPath) = (path("image")!, path("mask")!)
            let mask = try RadiomicsImage.read(maskPath)
            guard extractor.readsOnlyROISlices(voxelBased: false), let slices = RadiomicsExtractor.roiSlices(mask: mask, label: label),
                try RadiomicsImage.read(imagePath, slices: slices.range, gridOf: mask) != nil
            else { continue }
            checked += 1
            let part = try extractor.execute(imagePath: imagePath, maskPath: maskPath, label: label)
            let whole = try extractor.execute(image: RadiomicsImage.read(imagePath), mask: mask, label: label, imageName: imagePath, maskName: maskPath)
            XCTAssertEqual(part.features.map(\.key), whole.features.map(\.key), name)
            XCTAssertEqual(part.features.map(\.value.bitPattern), whole.features.map(\.value.bitPattern), "\(name): the whole image's values")
            for entry in try XCTUnwrap(item["output"] as? [[Any]]) {
                guard let key = entry[0] as? String, !key.hasPrefix("diagnostics_"), let expected = entry[1] as? Double else { continue }
                let actual = try XCTUnwrap(part[key]?.number, "\(name) \(key)")
                XCTAssertTrue(isClose(actual, expected, rel: 1e-6, abs: 1e-9), "\(name) \(key): \(actual) vs \(expected)")
                if expected != 0 { worst = max(worst, abs(actual - expected) / abs(expected)) }
            }
        }
        XCTAssertGreaterThanOrEqual(checked, 5, "the NIfTI cases with the Original image only")
        reportComparison("radiomics extract, \(checked) cases reading only the ROI's slices", tool: "PyRadiomics 3.0.1", maxRelDiff: worst)
    }

    /// NaN voxels are refused where they reach a feature: inside the ROI (named with the file's
    /// index, whether the image was read whole or only the ROI's slices), or anywhere when a
    /// filter reads the whole image. Outside the ROI of an Original-only extraction they change
    /// nothing, as in PyRadiomics.
    func testNaNVoxelsOutsideTheROIAreLetBe() throws {
        let dir = try Self.scratch("nan-roi")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        func write(_ path: String, _ f: (Int, Int, Int) -> Float) throws { try NIfTI.write(Self.volume([12, 10, 9], f), to: path) }
        func inROI(_ x: Int, _ y: Int, _ z: Int) -> Bool { abs(x - 6) + abs(y - 5) + 2 * abs(z - 4) <= 4 } // slices 2...6
        let maskPath = "\(dir)/mask.nii.gz"
        try write(maskPath) { inROI($0, $1, $2) ? 1 : 0 }
        func intensity(_ x: Int, _ y: Int, _ z: Int) -> Float { Float((x * 7 + y * 3 + z * 5) % 17) * 10.5 }
        let clean = "\(dir)/clean.nii.gz", outside = "\(dir)/outside.nii.gz", inside = "\(dir)/inside.nii.gz"
        try write(clean, intensity)
        // NaN below the ROI's slices, beside the ROI in its slices, and above them.
        try write(outside) { x, y, z in (z == 0 || z == 8 || (z == 4 && x == 0)) && !inROI(x, y, z) ? .nan : intensity(x, y, z) }
        try write(inside) { x, y, z in (x, y, z) == (6, 5, 5) || (x, y, z) == (6, 4, 4) ? .nan : intensity(x, y, z) }
        var quick = RadiomicsExtractor()
        quick.diagnostics = false
        let expected = try quick.execute(imagePath: clean, maskPath: maskPath).features.map(\.value)
        for extractor in [quick, RadiomicsExtractor()] {
            XCTAssertEqual(try extractor.execute(imagePath: outside, maskPath: maskPath).features.map(\.value), expected)
            XCTAssertThrowsError(try extractor.execute(imagePath: inside, maskPath: maskPath)) { error in
                XCTAssertTrue("\(error)".contains("holds 2 NaN or infinite voxel(s), the first at index (x 6, y 4, z 4), inside the ROI (label 1)"), "\(error)")
            }
        }
        let filtered = RadiomicsExtractor(parameters: try ParameterFile.parse(text: "imageType:\n  Original: {}\n  LoG:\n    sigma: [1.0]\n", source: "log.yaml"))
        XCTAssertThrowsError(try filtered.execute(imagePath: outside, maskPath: maskPath)) { error in
            XCTAssertTrue("\(error)".contains("NaN or infinite voxel(s), the first at index (x 0, y 0, z 0); radiomics needs"), "\(error)")
        }
    }

    /// The API on SinoImaging volumes (float32, RAS+ affine) gives PyRadiomics' values of the
    /// same files.
    func testVolumesInMemoryMatchPyRadiomics() throws {
        let fixture = try Fixtures.json("\(Self.folder)/extract.json")
        let item = try XCTUnwrap((fixture["cases"] as? [[String: Any]])?.first { $0["name"] as? String == "float32_binwidth_nifti" })
        let dir = Fixtures.url(Self.folder)
        let image = try RadiomicsImage(volume: NIfTI.readVolume(dir.appendingPathComponent("irregular_float32.nii.gz").path))
        let mask = try RadiomicsImage(volume: NIfTI.readVolume(dir.appendingPathComponent("irregular_mask.nii.gz").path), pixelType: .uint8)
        let extractor = RadiomicsExtractor(parameters: try ParameterFile.read(path: dir.appendingPathComponent("binwidth_small.yaml").path))
        let result = try extractor.execute(image: image, mask: mask)
        var worst = 0.0
        var compared = 0
        for entry in try XCTUnwrap(item["output"] as? [[Any]]) {
            guard let key = entry[0] as? String, !key.hasPrefix("diagnostics_"), let expected = entry[1] as? Double else { continue }
            let actual = try XCTUnwrap(result[key]?.number, key)
            XCTAssertTrue(isClose(actual, expected, rel: 1e-6, abs: 1e-9), "\(key): \(actual) vs \(expected)")
            if expected != 0 { worst = max(worst, abs(actual - expected) / abs(expected)) }
            compared += 1
        }
        XCTAssertEqual(compared, 107)
        reportComparison("radiomics on in-memory volumes (float32_binwidth_nifti)", tool: "PyRadiomics 3.0.1", maxRelDiff: worst)
    }

    /// NaN voxels and 4-D images are refused with the reason.
    func testNaNVoxelsAndSeriesAreRefused() throws {
        var values = [Double](repeating: 1, count: 64)
        values[21] = .nan
        let image = RadiomicsImage(size: [4, 4, 4], spacing: [1, 1, 1], values: values)
        var maskValues = [Double](repeating: 0, count: 64)
        for i in [21, 22, 25, 26, 37, 38] { maskValues[i] = 1 }
        let mask = RadiomicsImage(size: [4, 4, 4], spacing: [1, 1, 1], values: maskValues, pixelType: .uint8)
        XCTAssertThrowsError(try RadiomicsExtractor().execute(image: image, mask: mask, imageName: "t2.nii.gz")) { error in
            XCTAssertTrue("\(error)".contains("t2.nii.gz: holds 1 NaN or infinite voxel(s), the first at index (x 1, y 1, z 1)"), "\(error)")
        }
        let series = Volume(shape: [4, 4, 4, 2], spacing: [1, 1, 1], affine: (0..<4).map { r in (0..<4).map { r == $0 ? 1.0 : 0.0 } }, voxels: [Float](repeating: 0, count: 128))
        XCTAssertThrowsError(try RadiomicsImage(volume: series)) { error in
            XCTAssertTrue("\(error)".contains("not a series"), "\(error)")
        }
    }

    /// A batch reads a mask shared by several cases once, but a mask file rewritten between
    /// cases is read again: every row equals the single-case extraction of its files as they
    /// were when it ran.
    func testBatchMaskCacheFollowsTheFiles() throws {
        let dir = try Self.scratch("maskcache")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        func volume(_ f: (Int, Int, Int) -> Float) -> Volume { Self.volume([12, 10, 6], f) }
        let images = (0..<3).map { k in "\(dir)/image\(k).nii.gz" }
        for (k, path) in images.enumerated() {
            try NIfTI.write(volume { x, y, z in Float((x * 7 + y * 3 + z * 5 + k * 11) % 17) * 10 }, to: path, datatype: .int16)
        }
        let maskPath = "\(dir)/mask.nii.gz"
        func writeMask(_ radius: Int) throws {
            try NIfTI.write(volume { x, y, z in abs(x - 6) + abs(y - 5) + abs(z - 3) <= radius ? 1 : 0 }, to: maskPath, datatype: .uint8)
        }
        let extractor = RadiomicsExtractor()
        let cases = images.enumerated().map { RadiomicsCase(id: "case\($0.offset)", image: $0.element, mask: maskPath) }
        try writeMask(3)
        let first = RadiomicsBatch.run(cases, extractor: extractor)
        let expected = try images.map { try extractor.execute(imagePath: $0, maskPath: maskPath).features.map(\.value) }
        XCTAssertEqual(try first.map { try $0.get().features.map(\.value) }, expected)
        // A different mask under the same name (another size on disk): read again.
        try writeMask(4)
        let second = RadiomicsBatch.run(cases, extractor: extractor)
        let expectedAfter = try images.map { try extractor.execute(imagePath: $0, maskPath: maskPath).features.map(\.value) }
        XCTAssertEqual(try second.map { try $0.get().features.map(\.value) }, expectedAfter)
        XCTAssertNotEqual(expected, expectedAfter)
        let cache = MaskCache(capacity: 2)
        let before = try cache.read(maskPath)
        try writeMask(2)
        XCTAssertNotEqual(try cache.read(maskPath).image.values, before.image.values)
    }

    /// A new temporary folder (the caller removes it).
    static func scratch(_ name: String) throws -> String {
        let dir = NSTemporaryDirectory() + "sinorad-\(name)-\(ProcessInfo.processInfo.processIdentifier)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// A volume of `shape` on a 0.8 x 0.8 x 2 mm grid (origin 1 mm on each axis), voxel (x, y, z)
    /// holding f(x, y, z).
    static func volume(_ shape: [Int], _ f: (Int, Int, Int) -> Float) -> Volume {
        let affine = (0..<4).map { r in (0..<4).map { r == $0 ? (r == 2 ? 2.0 : (r == 3 ? 1.0 : 0.8)) : 0.0 } }
        var v = [Float]()
        for z in 0..<shape[2] { for y in 0..<shape[1] { for x in 0..<shape[0] { v.append(f(x, y, z)) } } }
        return Volume(shape: shape, spacing: [0.8, 0.8, 2], affine: affine, voxels: v)
    }

    /// Diagnostics about versions and the configuration text describe the program, not the
    /// case; everything else is compared.
    static func compared(_ key: String) -> Bool {
        !key.hasPrefix("diagnostics_Versions_") && !key.hasPrefix("diagnostics_Configuration_")
    }
}
