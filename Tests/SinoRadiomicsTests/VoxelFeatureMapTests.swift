import Foundation
import TestSupport
import XCTest

@testable import SinoRadiomics

final class VoxelFeatureMapTests: XCTestCase {
    func testVoxelMapsMatchPyRadiomics() throws {
        let fixture = try Fixtures.json("radiomics/voxel_classes.json")
        let runs = fixture["runs"] as! [[String: Any]]
        var worst = [FeatureClassKind: Double]()
        var compared = [FeatureClassKind: Int]()
        for run in runs {
            let box = TextureFixture.box(run["input"] as! [String: Any])
            let voxelSettings = run["voxelSettings"] as! [String: Any]
            let settings = TextureFixture.settings(run["settings"] as! [String: Any], voxel: voxelSettings)
            let expected = run["maps"] as! [String: [Any]]
            let kinds = TextureFixture.classes.filter { kind in expected.keys.contains { $0.hasPrefix(kind.rawValue + "_") } }
            let maps = try VoxelFeatureMaps.compute(box, classes: kinds.map { FeatureClassSetting(kind: $0) }, settings: settings)
            XCTAssertEqual(Set(maps.map(\.name)), Set(expected.keys), "\(run["name"]!) \(voxelSettings)")
            let roi = box.mask.indices.filter { box.mask[$0] }
            for (name, values) in maps {
                guard let reference = expected[name] else { continue }
                let kind = FeatureClassKind(rawValue: String(name.prefix { $0 != "_" }))!
                XCTAssertEqual(reference.count, roi.count)
                for (k, i) in roi.enumerated() {
                    let e = TextureFixture.number(reference[k])
                    let ok = isClose(values[i], e, rel: 1e-6, abs: 1e-9)
                    XCTAssert(ok, "\(run["name"]!) \(voxelSettings) \(name) voxel \(i): \(values[i]) vs \(e)")
                    if ok && abs(e) > 1e-9 { worst[kind] = max(worst[kind] ?? 0, TextureFixture.relativeDifference(values[i], e)) }
                }
                for i in box.mask.indices where !box.mask[i] {
                    XCTAssertEqual(values[i], settings.initValue, "\(name) outside the ROI")
                }
                compared[kind, default: 0] += roi.count
            }
        }
        let tool = "PyRadiomics voxelBased (\(Fixtures.versions(fixture)))"
        for kind in TextureFixture.classes {
            reportComparison("\(kind.rawValue) voxel maps (\(compared[kind] ?? 0) voxel values)", tool: tool, maxRelDiff: worst[kind] ?? 0)
        }
    }

    func testShapeIsSkippedAndDeprecatedTextureFeaturesGiveNoMap() throws {
        let values = (0..<27).map { Double(($0 * 7) % 11) }
        let box = ROIBox(shape: [3, 3, 3], spacing: [1, 1, 1], values: values, pixelType: .int16, mask: [Bool](repeating: true, count: 27))
        var settings = RadiomicsSettings()
        settings.binWidth = 2
        let maps = try VoxelFeatureMaps.compute(
            box, classes: [FeatureClassSetting(kind: .shape), FeatureClassSetting(kind: .glcm, features: ["Dissimilarity", "Contrast"])], settings: settings)
        XCTAssertEqual(maps.map(\.name), ["glcm_Contrast"])
        settings.kernelRadius = 0
        XCTAssertThrowsError(try VoxelFeatureMaps.compute(box, classes: [FeatureClassSetting(kind: .glcm)], settings: settings))
    }
}
