import Foundation
import TestSupport
import XCTest

@testable import SinoRadiomics

/// Shape (3-D) and shape2D against PyRadiomics 3.0.1 (`scripts/peers/radiomics_shape.py`,
/// fixture `radiomics/shape.json`): every feature, deprecated ones included, on ellipsoids,
/// irregular blobs, noise (every marching-cubes configuration), single voxels, lines, plates,
/// 2-D images and force2D slices, plus the cases where PyRadiomics raises.
final class ShapeFeatureTests: XCTestCase {
    struct Case {
        var name: String
        var kind: String
        var box: ROIBox
        var settings: RadiomicsSettings
        var expected: [String: Double]?
        var error: String?
    }

    nonisolated(unsafe) static let fixture: [String: Any] = {
        do { return try Fixtures.json("radiomics/shape.json") } catch { fatalError("radiomics/shape.json: \(error)") }
    }()

    static let cases: [Case] = (fixture["cases"] as! [[String: Any]]).map { entry in
        let shape = (entry["shape"] as! [NSNumber]).map(\.intValue)
        let spacing = (entry["spacing"] as! [NSNumber]).map(\.doubleValue)
        let runs = (entry["mask"] as! [NSNumber]).map(\.intValue)
        var mask = [Bool]()
        mask.reserveCapacity(shape.reduce(1, *))
        for (k, run) in runs.enumerated() { mask.append(contentsOf: repeatElement(k % 2 == 1, count: run)) }
        let box = ROIBox(
            shape: shape, spacing: spacing, values: [Double](repeating: 0, count: mask.count), pixelType: .float64, mask: mask,
            dimension: (entry["dimension"] as! NSNumber).intValue)
        var settings = RadiomicsSettings()
        let given = entry["settings"] as! [String: Any]
        if let force = given["force2D"] as? Bool { settings.force2D = force }
        if let dimension = given["force2Ddimension"] as? NSNumber { settings.force2Ddimension = dimension.intValue }
        let expected = (entry["expected"] as? [String: Any]).map { values in
            values.mapValues { ($0 as? NSNumber)?.doubleValue ?? .nan }
        }
        return Case(
            name: entry["name"] as! String, kind: entry["kind"] as! String, box: box, settings: settings, expected: expected,
            error: entry["error"] as? String)
    }

    static let tool = "PyRadiomics 3.0.1 (\(Fixtures.versions(fixture)))"

    func names(_ key: String) -> [String] {
        (Self.fixture["featureNames"] as! [String: Any])[key] as! [String]
    }

    func testFeatureNamesFollowPyRadiomics() {
        XCTAssertEqual(ShapeFeatures.featureNames, names("shape"))
        XCTAssertEqual(ShapeFeatures.deprecatedNames, names("shapeDeprecated"))
        XCTAssertEqual(Shape2DFeatures.featureNames, names("shape2D"))
        XCTAssertEqual(Shape2DFeatures.deprecatedNames, names("shape2DDeprecated"))
        XCTAssertEqual(ShapeFeatures.kind, .shape)
        XCTAssertEqual(Shape2DFeatures.kind, .shape2D)
    }

    /// Compares every case of one class; diameters must be bit-identical (same squared
    /// distances, one square root), the rest within 1e-6 relative.
    func compare<C: RadiomicsFeatureClass>(_ type: C.Type, kind: String, diameters: Set<String>) throws {
        let all = C.featureNames + C.deprecatedNames
        var maxRel = 0.0
        var maxNearZero = 0.0
        var compared = 0
        for c in Self.cases where c.kind == kind {
            guard let expected = c.expected else { continue }
            let values = try C.compute(c.box, settings: c.settings, names: all)
            for (name, value) in zip(all, values) {
                let e = expected[name]!
                XCTAssert(isClose(value, e, rel: 1e-6, abs: 1e-9), "\(c.name) \(name): \(value) vs PyRadiomics \(e)")
                if diameters.contains(name) { XCTAssertEqual(value, e, "\(c.name) \(name) is not PyRadiomics' to the bit") }
                // Near-zero values (an eigenvalue of a flat ROI: rounding noise on both sides) pass on
                // the absolute tolerance and stay out of the relative figure.
                if e.isFinite && abs(e) > 1e-9 { maxRel = max(maxRel, abs(value - e) / abs(e)) }
                if e.isFinite && abs(e) <= 1e-9 { maxNearZero = max(maxNearZero, abs(value - e)) }
                compared += 1
            }
        }
        XCTAssertGreaterThan(compared, 80)
        reportComparison("\(kind) features (\(compared) values)", tool: Self.tool, maxRelDiff: maxRel)
        print(String(format: "[compare] %@ values within 1e-9 of 0: max abs diff %.3g", kind, maxNearZero))
    }

    func testShapeMatchesPyRadiomics() throws {
        try compare(
            ShapeFeatures.self, kind: "shape",
            diameters: ["Maximum3DDiameter", "Maximum2DDiameterSlice", "Maximum2DDiameterColumn", "Maximum2DDiameterRow"])
    }

    func testShape2DMatchesPyRadiomics() throws {
        try compare(Shape2DFeatures.self, kind: "shape2D", diameters: ["MaximumDiameter"])
    }

    func testThrowsWherePyRadiomicsRaises() {
        let failing = Self.cases.filter { $0.error != nil }
        XCTAssertEqual(failing.count, 3)
        for c in failing {
            let type: any RadiomicsFeatureClass.Type = c.kind == "shape" ? ShapeFeatures.self : Shape2DFeatures.self
            XCTAssertThrowsError(try type.compute(c.box, settings: c.settings, names: type.featureNames), c.name) { error in
                XCTAssertEqual((error as? RadiomicsError)?.kind, .settings, "\(c.name): \(error)")
            }
        }
        let box = Self.cases.first { $0.name == "ellipsoid" }!.box
        XCTAssertThrowsError(try ShapeFeatures.compute(box, settings: RadiomicsSettings(), names: ["Volume"]))
        var settings = RadiomicsSettings()
        settings.force2D = true
        settings.force2Ddimension = 3
        let slice = Self.cases.first { $0.name == "force2D dimension 0" }!.box
        XCTAssertThrowsError(try Shape2DFeatures.compute(slice, settings: settings, names: ["Perimeter"]))
    }

    /// Named features come back in the order asked, each on its own (only the parts a feature
    /// needs are computed).
    func testSubsetsInTheirOwnOrder() throws {
        let c = Self.cases.first { $0.name == "blob with holes and components" }!
        for name in ShapeFeatures.featureNames + ShapeFeatures.deprecatedNames {
            let value = try ShapeFeatures.compute(c.box, settings: c.settings, names: [name])[0]
            XCTAssert(isClose(value, c.expected![name]!, rel: 1e-6, abs: 1e-9), name)
        }
        let two = try ShapeFeatures.compute(c.box, settings: c.settings, names: ["VoxelVolume", "Elongation"])
        XCTAssertEqual(two[0], c.expected!["VoxelVolume"]!)
        XCTAssert(isClose(two[1], c.expected!["Elongation"]!, rel: 1e-6))
    }

    /// The hull-pruned diameters equal PyRadiomics' all-pairs loop bit for bit on every 3-D case
    /// (the vertices here are found independently: each 6-neighbour pair of voxels that differ).
    func testDiametersEqualAllPairs() throws {
        for c in Self.cases where c.kind == "shape" && c.expected != nil && c.box.roiCount < 2000 {
            let (nz, ny, nx) = (c.box.shape[0], c.box.shape[1], c.box.shape[2])
            func inside(_ z: Int, _ y: Int, _ x: Int) -> Bool {
                z >= 0 && y >= 0 && x >= 0 && z < nz && y < ny && x < nx && c.box.mask[(z * ny + y) * nx + x]
            }
            var points = [[Double]]()
            var keys = [[Int]]()
            for z in -1..<nz {
                for y in -1..<ny {
                    for x in -1..<nx {
                        let here = inside(z, y, x)
                        for (dz, dy, dx) in [(1, 0, 0), (0, 1, 0), (0, 0, 1)] where here != inside(z + dz, y + dy, x + dx) {
                            let k = [2 * (z + 1) + dz, 2 * (y + 1) + dy, 2 * (x + 1) + dx]
                            keys.append(k)
                            points.append((0..<3).map { Double(k[$0]) * 0.5 * c.box.spacing[$0] })
                        }
                    }
                }
            }
            var best = [0.0, 0.0, 0.0, 0.0]
            for i in 0..<points.count {
                for j in 0..<i {
                    let a = points[i]
                    let b = points[j]
                    let d = ((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1])) + (a[2] - b[2]) * (a[2] - b[2])
                    for axis in 0..<3 where keys[i][axis] == keys[j][axis] { best[axis] = max(best[axis], d) }
                    best[3] = max(best[3], d)
                }
            }
            let fast = ShapeFeatures.marchingCubes(c.box, diameters: true).diameters
            XCTAssertEqual(fast, best.map { $0.squareRoot() }, c.name)
        }
    }
}
