import Foundation
import TestSupport
import XCTest

@testable import SinoRadiomics

/// Image preparation against PyRadiomics 3.0.1 on SimpleITK 2.5.7 (scripts/peers/radiomics_resample.py).
final class ResamplingTests: XCTestCase {
    nonisolated(unsafe) static let fixture: [String: Any] = {
        do { return try Fixtures.json("radiomics/resample.json") } catch { fatalError("resample fixture: \(error)") }
    }()
    static var tool: String { "PyRadiomics/SimpleITK (\(Fixtures.versions(fixture)))" }

    // MARK: Fixture decoding

    static func numbers(_ any: Any?) -> [Double] { (any as? [Any] ?? []).map { ($0 as! NSNumber).doubleValue } }

    /// An image as the peer script described it (2-D images become single-slice grids).
    static func image(_ d: [String: Any], values override: [Double]? = nil) -> RadiomicsImage {
        var size = (d["size"] as! [Any]).map { ($0 as! NSNumber).intValue }
        var spacing = numbers(d["spacing"])
        var origin = numbers(d["origin"])
        var direction = numbers(d["direction"])
        let type = PixelType(rawValue: d["pixelType"] as! String)!
        let dimension = size.count
        if dimension == 2 {
            size.append(1)
            spacing.append(1)
            origin.append(0)
            direction = [direction[0], direction[1], 0, direction[2], direction[3], 0, 0, 0, 1]
        }
        var values: [Double]
        if let override {
            values = override
        } else if let runs = d["runs"] as? [Any] {
            let r = runs.map { ($0 as! NSNumber).doubleValue }
            values = []
            for i in stride(from: 0, to: r.count, by: 2) { values += [Double](repeating: r[i], count: Int(r[i + 1])) }
        } else if d["values"] != nil {
            values = numbers(d["values"])
            if type == .float32 { values = values.map { Double(Float($0)) } }
        } else {
            values = [Double](repeating: 0, count: size.reduce(1, *))
        }
        return RadiomicsImage(
            size: size, spacing: spacing, origin: origin, direction: direction, values: values, pixelType: type, dimension: dimension)
    }

    /// Largest |a - e| / |e| (|a - e| where e is 0) and the number of identical values.
    static func difference(_ actual: [Double], _ expected: [Double]) -> (maxRel: Double, identical: Int, close: Bool) {
        var maxRel = 0.0
        var identical = 0
        var close = true
        for (a, e) in zip(actual, expected) {
            if a == e {
                identical += 1
                continue
            }
            maxRel = Swift.max(maxRel, Swift.abs(a - e) / (e == 0 ? 1 : Swift.abs(e)))
            if !isClose(a, e, rel: 1e-6, abs: 1e-9) { close = false }
        }
        return (maxRel, identical, close && actual.count == expected.count)
    }

    func assertSameGrid(_ actual: RadiomicsImage, _ expected: RadiomicsImage, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.size, expected.size, "\(what): size", file: file, line: line)
        XCTAssertEqual(actual.spacing, expected.spacing, "\(what): spacing", file: file, line: line)
        XCTAssertEqual(actual.origin, expected.origin, "\(what): origin", file: file, line: line)
        XCTAssertEqual(actual.direction, expected.direction, "\(what): direction", file: file, line: line)
        XCTAssertEqual(actual.pixelType, expected.pixelType, "\(what): pixel type", file: file, line: line)
    }

    static func settings(_ d: [String: Any]) -> RadiomicsSettings {
        var s = RadiomicsSettings()
        if let v = d["resampledPixelSpacing"] { s.resampledPixelSpacing = numbers(v) }
        if let v = d["padDistance"] as? NSNumber { s.padDistance = v.intValue }
        if let v = d["label"] as? NSNumber { s.label = v.intValue }
        if let v = d["correctMask"] as? Bool { s.correctMask = v }
        if let v = d["geometryTolerance"] as? NSNumber { s.geometryTolerance = v.doubleValue }
        if let v = d["minimumROIDimensions"] as? NSNumber { s.minimumROIDimensions = v.intValue }
        if let v = d["minimumROISize"] as? NSNumber { s.minimumROISize = v.intValue }
        if let v = d["normalizeScale"] as? NSNumber { s.normalizeScale = v.doubleValue }
        if let v = d["removeOutliers"] as? NSNumber { s.removeOutliers = v.doubleValue }
        return s
    }

    /// The kind of RadiomicsError a PyRadiomics error message corresponds to.
    static func kind(ofPythonError message: String) -> RadiomicsError.Kind {
        if message.contains("geometry mismatch") || message.contains("does not match the primary input's size")
            || message.contains("LabelStatisticsImageFilter") || message.contains("larger than image space")
        {
            return .geometry
        }
        if message.contains("too few dimensions") || message.contains("1 segmented voxel") || message.contains("too small")
            || message.contains("excluded too many")
        {
            return .roiTooSmall
        }
        return .mask
    }

    // MARK: Geometry

    func testPhysicalToIndexMatrixIsVNLsSVDInverse() {
        let cases = Self.fixture["inverse"] as! [[String: Any]]
        var identical = 0
        var maxRel = 0.0
        for c in cases {
            let geometry = ITKGeometry(size: [2, 2, 2], spacing: Self.numbers(c["spacing"]), origin: [0, 0, 0], direction: Self.numbers(c["direction"]))
            let expected = Self.numbers(c["inverse"])
            let d = Self.difference(geometry.toIndex, expected)
            if d.identical == 9 { identical += 1 }
            maxRel = Swift.max(maxRel, d.maxRel)
            XCTAssertTrue(d.close)
        }
        // Bit-identical on all but the rare grid where the SVD's last bit differs.
        XCTAssertGreaterThanOrEqual(identical, cases.count - 2, "\(identical) of \(cases.count) inverse matrices bit-identical")
        reportComparison("ITK physical-to-index matrix (\(identical)/\(cases.count) bit-identical)", tool: "SimpleITK 2.5.7", maxRelDiff: maxRel)
    }

    // MARK: resampleImage

    func testResampleImageWithEachInterpolator() throws {
        let cases = Self.fixture["resample"] as! [[String: Any]]
        var images: [String: RadiomicsImage] = [:]
        var perInterpolator: [String: (maxRel: Double, identical: Int, total: Int)] = [:]
        for c in cases {
            let name = c["name"] as! String
            let image = c["imageFrom"].map { images[$0 as! String]! } ?? Self.image(c["image"] as! [String: Any])
            images[name] = image
            let mask = Self.image(c["mask"] as! [String: Any])
            var settings = Self.settings(c["settings"] as! [String: Any])
            if let error = c["error"] as? String {
                settings.interpolator = .linear
                XCTAssertThrowsError(try Resampling.resample(image: image, mask: mask, settings: settings), name) { thrown in
                    XCTAssertEqual((thrown as? RadiomicsError)?.kind, Self.kind(ofPythonError: error), "\(name): \(thrown)")
                }
                continue
            }
            let expectedMask = Self.image(c["outputMask"] as! [String: Any])
            let outputs = c["outputs"] as! [String: Any]
            for (interpolatorName, output) in outputs.sorted(by: { $0.key < $1.key }) {
                settings.interpolator = Interpolator(rawValue: interpolatorName)!
                let expected = Self.image(output as! [String: Any])
                let (newImage, newMask) = try Resampling.resample(image: image, mask: mask, settings: settings)
                assertSameGrid(newImage, expected, "\(name) \(interpolatorName) image")
                assertSameGrid(newMask, expectedMask, "\(name) \(interpolatorName) mask")
                XCTAssertEqual(newMask.values, expectedMask.values, "\(name) \(interpolatorName): resampled mask")
                let d = Self.difference(newImage.values, expected.values)
                XCTAssertTrue(d.close, "\(name) \(interpolatorName): max rel diff \(d.maxRel), \(d.identical)/\(expected.count) identical")
                var record = perInterpolator[interpolatorName] ?? (0, 0, 0)
                record.maxRel = Swift.max(record.maxRel, d.maxRel)
                record.identical += d.identical
                record.total += expected.count
                perInterpolator[interpolatorName] = record
            }
        }
        for (name, r) in perInterpolator.sorted(by: { $0.key < $1.key }) {
            reportComparison("resampleImage \(name) (\(r.identical)/\(r.total) voxels identical)", tool: Self.tool, maxRelDiff: r.maxRel)
        }
    }

    func testResampleNeedsOneSpacingPerMaskAxis() {
        let image = RadiomicsImage(size: [3, 3, 3], spacing: [1, 1, 1], values: (0..<27).map { Double($0 % 2) }, pixelType: .uint32)
        var settings = RadiomicsSettings()
        settings.resampledPixelSpacing = [2, 2]
        XCTAssertThrowsError(try Resampling.resample(image: image, mask: image, settings: settings)) { error in
            XCTAssertEqual((error as? RadiomicsError)?.kind, .settings)
        }
        settings.resampledPixelSpacing = [2, 2, 2]
        settings.interpolator = nil
        XCTAssertThrowsError(try Resampling.resample(image: image, mask: image, settings: settings))
    }

    // MARK: normalizeImage

    func testNormalizeImage() {
        var maxRel = 0.0
        for c in Self.fixture["normalize"] as! [[String: Any]] {
            let image = Self.image(c["image"] as! [String: Any])
            let settings = Self.settings(c["settings"] as! [String: Any])
            let expected = Self.image(c["output"] as! [String: Any])
            let out = Normalisation.normalize(image, scale: settings.normalizeScale, removeOutliers: settings.removeOutliers)
            assertSameGrid(out, expected, c["name"] as! String)
            let d = Self.difference(out.values, expected.values)
            XCTAssertTrue(d.close, "\(c["name"]!): \(d.maxRel)")
            maxRel = Swift.max(maxRel, d.maxRel)
        }
        reportComparison("normalizeImage", tool: Self.tool, maxRelDiff: maxRel)
    }

    // MARK: checkMask, getMask

    func testCheckMask() {
        let section = Self.fixture["checkMask"] as! [String: Any]
        let image = Self.image(section["image"] as! [String: Any])
        for c in section["cases"] as! [[String: Any]] {
            let name = c["name"] as! String
            let mask = Self.image(c["mask"] as! [String: Any])
            let settings = Self.settings(c["settings"] as! [String: Any])
            do {
                let result = try MaskChecks.checkMask(image: image, mask: mask, settings: settings)
                guard let box = c["boundingBox"] as? [Any] else {
                    XCTFail("\(name): PyRadiomics raised \(c["message"] ?? "")")
                    continue
                }
                XCTAssertEqual(result.boundingBox, box.map { ($0 as! NSNumber).intValue }, name)
                if let corrected = c["corrected"] as? [String: Any] {
                    let expected = Self.image(corrected)
                    guard let mine = result.correctedMask else {
                        XCTFail("\(name): no corrected mask")
                        continue
                    }
                    assertSameGrid(mine, expected, name)
                    XCTAssertEqual(mine.values, expected.values, "\(name): corrected mask")
                } else {
                    XCTAssertNil(result.correctedMask, name)
                }
            } catch let error as RadiomicsError {
                guard let message = c["message"] as? String else {
                    XCTFail("\(name): PyRadiomics accepted it, SinoRadiomics: \(error)")
                    continue
                }
                XCTAssertEqual(error.kind, Self.kind(ofPythonError: message), "\(name): \(error)")
            } catch {
                XCTFail("\(name): \(error)")
            }
        }
        reportComparison("checkMask (\((section["cases"] as! [Any]).count) cases, bounding boxes and corrected masks)", tool: Self.tool, maxRelDiff: 0)
    }

    func testGeometryErrorSaysWhatDiffers() {
        let image = RadiomicsImage(size: [2, 2, 2], spacing: [0.7, 0.8, 2.5], values: [Double](repeating: 0, count: 8))
        var mask = image
        mask.origin = [0, 0.3, 0]
        let reason = MaskChecks.geometryMismatch(image: image, mask: mask) ?? ""
        XCTAssertTrue(reason.contains("origin differs by 0.3 mm"), reason)
        XCTAssertNil(MaskChecks.geometryMismatch(image: image, mask: mask, tolerance: 0.5))
    }

    func testGetMask() {
        for c in Self.fixture["getMask"] as! [[String: Any]] {
            let name = c["name"] as! String
            let mask = Self.image(c["mask"] as! [String: Any])
            let label = (c["label"] as! NSNumber).intValue
            do {
                let out = try MaskChecks.getMask(mask, label: label)
                guard let expected = c["output"] as? [String: Any] else {
                    XCTFail("\(name): PyRadiomics raised \(c["message"] ?? "")")
                    continue
                }
                XCTAssertEqual(out.values, Self.image(expected).values, name)
                XCTAssertEqual(out.pixelType, .uint32, name)
            } catch let error as RadiomicsError {
                XCTAssertNotNil(c["message"], "\(name): \(error)")
                XCTAssertEqual(error.kind, .mask, name)
                if name == "label absent" { XCTAssertTrue(error.message.contains("labels present are 1, 2"), error.message) }
            } catch {
                XCTFail("\(name): \(error)")
            }
        }
    }

    // MARK: resegmentMask

    func testResegmentMask() {
        let section = Self.fixture["resegment"] as! [String: Any]
        var count = 0
        for part in [section, section["float32"] as! [String: Any]] {
            count += resegmentCases(part)
        }
        reportComparison("resegmentMask (\(count) masks identical, absolute/relative/sigma, int16 and float32)", tool: Self.tool, maxRelDiff: 0)
    }

    func resegmentCases(_ section: [String: Any]) -> Int {
        let image = Self.image(section["image"] as! [String: Any])
        let mask = Self.image(section["mask"] as! [String: Any])
        var count = 0
        for c in section["cases"] as! [[String: Any]] {
            var settings = RadiomicsSettings()
            settings.resegmentMode = ResegmentMode(rawValue: c["mode"] as! String)!
            settings.resegmentRange = Self.numbers(c["range"])
            if let label = c["label"] as? NSNumber { settings.label = label.intValue }
            let what = "\(settings.resegmentMode) \(settings.resegmentRange!)"
            do {
                let out = try Resegmentation.resegment(image: image, mask: mask, settings: settings)
                guard let expected = c["output"] as? [String: Any] else {
                    XCTFail("\(what): PyRadiomics raised \(c["message"] ?? "")")
                    continue
                }
                let e = Self.image(expected)
                assertSameGrid(out, e, what)
                XCTAssertEqual(out.values, e.values, what)
                count += 1
            } catch let error as RadiomicsError {
                XCTAssertNotNil(c["message"], "\(what): \(error)")
                XCTAssertEqual(error.kind, .roiTooSmall)
            } catch {
                XCTFail("\(what): \(error)")
            }
        }
        return count
    }

    // MARK: cropToTumorMask

    func testCropToTumorMask() {
        for c in Self.fixture["crop"] as! [[String: Any]] {
            let name = c["name"] as! String
            let image = Self.image(c["image"] as! [String: Any])
            let mask = Self.image(c["mask"] as! [String: Any])
            let label = (c["label"] as! NSNumber).intValue
            let box = Resampling.boundingBox(mask: mask, label: label)!
            XCTAssertEqual(box, (c["boundingBox"] as! [Any]).map { ($0 as! NSNumber).intValue }, name)
            let (croppedImage, croppedMask) = Resampling.cropToTumorMask(image, mask, box, padDistance: (c["padDistance"] as! NSNumber).intValue)
            let expected = Self.image(c["croppedImage"] as! [String: Any])
            assertSameGrid(croppedImage, expected, name)
            XCTAssertEqual(croppedImage.values, expected.values, name)
            let expectedMask = Self.image(c["croppedMask"] as! [String: Any], values: croppedMask.values)
            assertSameGrid(croppedMask, expectedMask, name)
        }
    }
}
