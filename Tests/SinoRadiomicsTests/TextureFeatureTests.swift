import CSinoKernels
import Foundation
import TestSupport
import XCTest

@testable import SinoRadiomics

/// Reading the texture fixtures of scripts/peers/radiomics_classes.py.
enum TextureFixture {
    static func pixelType(_ dtype: String) -> PixelType {
        switch dtype {
        case "float32": return .float32
        case "float64": return .float64
        default: return PixelType(rawValue: dtype)!
        }
    }

    /// An input record (shape and spacing in array order, values in C order, mask as 0/1 text).
    static func box(_ record: [String: Any]) -> ROIBox {
        let shape = record["shape"] as! [Int]
        let spacing = (record["spacing"] as! [NSNumber]).map(\.doubleValue)
        let values = (record["values"] as! [NSNumber]).map(\.doubleValue)
        let mask = (record["mask"] as! String).map { $0 == "1" }
        return ROIBox(
            shape: shape, spacing: spacing, values: values, pixelType: pixelType(record["dtype"] as! String), mask: mask,
            dimension: record["dimension"] as! Int)
    }

    /// PyRadiomics keyword settings as RadiomicsSettings.
    static func settings(_ json: [String: Any], voxel: [String: Any] = [:]) -> RadiomicsSettings {
        var s = RadiomicsSettings()
        for (key, value) in json.merging(voxel, uniquingKeysWith: { $1 }) {
            switch key {
            case "binWidth": s.binWidth = (value as! NSNumber).doubleValue
            case "binCount": s.binCount = value as? Int
            case "distances": s.distances = (value as! [NSNumber]).map(\.intValue)
            case "voxelArrayShift": s.voxelArrayShift = (value as! NSNumber).doubleValue
            case "symmetricalGLCM": s.symmetricalGLCM = value as! Bool
            case "gldm_a": s.gldmA = (value as! NSNumber).doubleValue
            case "weightingNorm": s.weightingNorm = WeightingNorm(rawValue: value as! String)
            case "force2D": s.force2D = value as! Bool
            case "force2Ddimension": s.force2Ddimension = value as! Int
            case "kernelRadius": s.kernelRadius = value as! Int
            case "maskedKernel": s.maskedKernel = value as! Bool
            case "initValue": s.initValue = (value as! NSNumber).doubleValue
            default: XCTFail("unknown setting \(key)")
            }
        }
        return s
    }

    /// A fixture number (null = NaN).
    static func number(_ value: Any) -> Double {
        (value as? NSNumber)?.doubleValue ?? .nan
    }

    /// |a − e| / max(|e|, tiny), 0 for equal values (both NaN included).
    static func relativeDifference(_ a: Double, _ e: Double) -> Double {
        if a == e || (a.isNaN && e.isNaN) { return 0 }
        if a.isNaN || e.isNaN { return .infinity }
        return abs(a - e) / max(abs(e), 1e-300)
    }

    static func compute(_ kind: FeatureClassKind, _ box: ROIBox, _ settings: RadiomicsSettings, _ names: [String]) throws -> [Double] {
        switch kind {
        case .firstorder: return try FirstOrderFeatures.compute(box, settings: settings, names: names)
        case .glcm: return try GLCMFeatures.compute(box, settings: settings, names: names)
        case .glrlm: return try GLRLMFeatures.compute(box, settings: settings, names: names)
        case .glszm: return try GLSZMFeatures.compute(box, settings: settings, names: names)
        case .gldm: return try GLDMFeatures.compute(box, settings: settings, names: names)
        case .ngtdm: return try NGTDMFeatures.compute(box, settings: settings, names: names)
        case .shape, .shape2D: fatalError("not a texture class")
        }
    }

    static let classes: [FeatureClassKind] = [.firstorder, .glcm, .glrlm, .glszm, .gldm, .ngtdm]
}

final class TextureFeatureTests: XCTestCase {
    func testSegmentBasedClassesMatchPyRadiomics() throws {
        let fixture = try Fixtures.json("radiomics/classes.json")
        let inputs = fixture["inputs"] as! [String: [String: Any]]
        let cases = fixture["cases"] as! [[String: Any]]
        var worst = [FeatureClassKind: Double]()
        for (n, testCase) in cases.enumerated() {
            let box = TextureFixture.box(inputs[testCase["input"] as! String]!)
            let settings = TextureFixture.settings(testCase["settings"] as! [String: Any])
            let expected = testCase["expected"] as! [String: [String: Any]]
            for kind in TextureFixture.classes {
                let reference = expected[kind.rawValue]!
                let names = reference.keys.sorted()
                let values = try TextureFixture.compute(kind, box, settings, names)
                for (name, actual) in zip(names, values) {
                    let e = TextureFixture.number(reference[name]!)
                    XCTAssert(
                        isClose(actual, e, rel: 1e-6, abs: 1e-9),
                        "case \(n) (\(testCase["input"]!), \(testCase["settings"]!)) \(kind.rawValue)_\(name): \(actual) vs \(e)")
                    if isClose(actual, e, rel: 1e-6, abs: 1e-9) { worst[kind] = max(worst[kind] ?? 0, abs(e) > 1e-9 ? TextureFixture.relativeDifference(actual, e) : 0) }
                }
            }
        }
        let tool = "PyRadiomics (\(Fixtures.versions(fixture)))"
        for kind in TextureFixture.classes { reportComparison("\(kind.rawValue) (\(cases.count) cases)", tool: tool, maxRelDiff: worst[kind] ?? 0) }
    }

    func testFeatureNamesFollowPyRadiomicsOrder() {
        for names in [
            FirstOrderFeatures.featureNames, GLCMFeatures.featureNames, GLRLMFeatures.featureNames, GLSZMFeatures.featureNames, GLDMFeatures.featureNames,
            NGTDMFeatures.featureNames
        ] {
            // Python's sorted(): code-point order.
            XCTAssertEqual(names, names.sorted { Array($0.unicodeScalars.map(\.value)).lexicographicallyPrecedes($1.unicodeScalars.map(\.value)) })
        }
        XCTAssertEqual(
            [
                FirstOrderFeatures.featureNames.count, GLCMFeatures.featureNames.count, GLRLMFeatures.featureNames.count, GLSZMFeatures.featureNames.count,
                GLDMFeatures.featureNames.count, NGTDMFeatures.featureNames.count
            ], [18, 24, 16, 16, 14, 5])
        XCTAssertEqual(FirstOrderFeatures.deprecatedNames, ["StandardDeviation"])
    }

    func testDiscretisationMatchesBinImage() throws {
        let fixture = try Fixtures.json("radiomics/classes.json")
        let cases = fixture["discretisation"] as! [[String: Any]]
        var mismatches = 0
        for testCase in cases {
            let values = (testCase["values"] as! [NSNumber]).map(\.doubleValue)
            let expected = testCase["levels"] as! [Int]
            let dtype = testCase["dtype"] as! String
            let box = ROIBox(
                shape: [1, 1, values.count], spacing: [1, 1, 1], values: values, pixelType: TextureFixture.pixelType(dtype),
                mask: [Bool](repeating: true, count: values.count))
            let settings = TextureFixture.settings(testCase["settings"] as! [String: Any])
            let d = try Discretisation.discretise(box, settings: settings)
            let levels = d.levels.map(Int.init)
            if levels != expected { mismatches += 1 }
            XCTAssertEqual(levels, expected, "\(dtype) \(testCase["settings"]!)")
            XCTAssertEqual(d.grayLevels, Array(Set(expected)).sorted())
            XCTAssertEqual(d.ng, expected.max())
        }
        reportComparison("discretisation levels (\(cases.count) cases)", tool: "PyRadiomics binImage (\(Fixtures.versions(fixture)))", maxRelDiff: Double(mismatches))
    }

    func testAnglesFollowBuildAngles() throws {
        let mono = try TextureAngles.build(size: [5, 5, 5], distances: [1], bidirectional: false, excludedAxis: nil)
        XCTAssertEqual(mono.count / 3, 13)
        XCTAssertEqual(Array(mono.prefix(6)), [1, 1, 1, 1, 1, 0])
        XCTAssertEqual(Array(mono.suffix(3)), [0, 0, 1])
        XCTAssertEqual(try TextureAngles.build(size: [1, 5, 5], distances: [1], bidirectional: false, excludedAxis: nil), [0, 1, 1, 0, 1, 0, 0, 1, -1, 0, 0, 1])
        XCTAssertEqual(try TextureAngles.build(size: [5, 5, 5], distances: [1, 2], bidirectional: true, excludedAxis: nil).count / 3, 124)
        XCTAssertEqual(try TextureAngles.build(size: [5, 5, 5], distances: [2], bidirectional: false, excludedAxis: 0).count / 3, 8)
        XCTAssertThrowsError(try TextureAngles.build(size: [5, 5, 5], distances: [0], bidirectional: false, excludedAxis: nil))
    }

    func testUnknownFeatureAndBadSettingsThrow() throws {
        let box = ROIBox(shape: [1, 2, 2], spacing: [1, 1, 1], values: [1, 2, 3, 4], pixelType: .int16, mask: [true, true, true, false])
        XCTAssertThrowsError(try GLCMFeatures.compute(box, settings: RadiomicsSettings(), names: ["Dissimilarity"]))
        var settings = RadiomicsSettings()
        settings.binWidth = 0
        XCTAssertThrowsError(try FirstOrderFeatures.compute(box, settings: settings, names: ["Mean"]))
    }

    func testEigenvaluesOfSmallMatrices() {
        let solver = GeneralEigenvalues(capacity: 3)
        defer { solver.deallocate() }
        // Rotation-like block: eigenvalues 2 ± 3i and 5 (column-major).
        let a: [Double] = [2, -3, 0, 3, 2, 0, 1, 1, 5]
        for (k, v) in a.enumerated() { solver.matrix[k] = v }
        XCTAssertTrue(solver.solve(n: 3))
        var pairs: [(Double, Double)] = (0..<3).map { k in (solver.wr[k], solver.wi[k]) }
        pairs.sort { (l: (Double, Double), r: (Double, Double)) -> Bool in l.0 < r.0 || (l.0 == r.0 && l.1 < r.1) }
        XCTAssertEqual(pairs[0].0, 2, accuracy: 1e-12)
        XCTAssertEqual(pairs[0].1, -3, accuracy: 1e-12)
        XCTAssertEqual(pairs[1].1, 3, accuracy: 1e-12)
        XCTAssertEqual(pairs[2].0, 5, accuracy: 1e-12)
        XCTAssertEqual(pairs[2].1, 0)
    }

    /// MCC's fast path wants only max(min², max²) of a tridiagonal matrix's eigenvalues: with
    /// `largerSquareOnly` the bracket that cannot give it stops narrowing, and the result has the
    /// bits of narrowing both (random matrices of 1 to 40 rows, spectra of either sign, and pairs
    /// of nearly equal magnitude).
    func testExtremesForTheLargerSquareEqualBothNarrowed() {
        var state: UInt64 = 99
        func next() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53) * 2 - 1
        }
        var settledOne = 0
        for trial in 0..<300 {
            let n = 1 + trial % 40
            let shift = [0.0, 0.6, -0.6, 0.0][trial % 4]
            var d = (0..<n).map { _ in next() * 0.5 + shift }
            var e = (0..<n).map { _ in next() * 0.3 }
            if trial % 4 == 3 && n > 1 {
                // A spectrum symmetric about 0 (zero diagonal): min = -max.
                d = [Double](repeating: 0, count: n)
                e[n - 1] = 0
            }
            d.withUnsafeBufferPointer { dp in
                e.withUnsafeBufferPointer { ep in
                    let both = SymmetricEigenvalues.extremes(d: dp.baseAddress!, e: ep.baseAddress!, n: n, needMin: true)
                    let fast = SymmetricEigenvalues.extremes(d: dp.baseAddress!, e: ep.baseAddress!, n: n, needMin: true, largerSquareOnly: true)
                    let expected = max(both.min * both.min, both.max * both.max)
                    let got = max(fast.min * fast.min, fast.max * fast.max)
                    XCTAssertEqual(got.bitPattern, expected.bitPattern, "n \(n), trial \(trial)")
                    if fast.min != both.min || fast.max != both.max { settledOne += 1 }
                }
            }
        }
        // The option must have stopped a bracket early in some of them.
        XCTAssertGreaterThan(settledOne, 50)
    }
    /// The C eigenvalue helpers give the same bits in their AVX2 and plain builds (the plain one
    /// is what a CPU without AVX2 runs): Householder tridiagonalisation of random symmetric
    /// matrices of 1 to 70 rows and Sturm counts at points across and around their spectra.
    func testEigenKernelsGiveTheSameBitsAtEveryVectorWidth() {
        var state: UInt64 = 7
        func next() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53) * 2 - 1
        }
        for n in 1...70 {
            var a = [Double](repeating: 0, count: n * n)
            for i in 0..<n {
                for j in 0...i {
                    let v = next()
                    a[i * n + j] = v
                    a[j * n + i] = v
                }
            }
            var results: [[UInt64]] = []
            for bits: Int32 in [0, 256] {
                var copy = a
                var d = [Double](repeating: 0, count: n)
                var e = [Double](repeating: 0, count: n)
                copy.withUnsafeMutableBufferPointer { sino_tridiagonalise($0.baseAddress!, n, &d, &e, bits) }
                var out = (d + e).map(\.bitPattern)
                let points = (0..<24).map { Double($0) / 11.5 - 1 }
                var counts = [Int64](repeating: 0, count: 24)
                sino_sturm_counts24(d, e, n, points, 1e-300, &counts, bits)
                out += counts.map { UInt64(bitPattern: $0) }
                results.append(out)
            }
            XCTAssertEqual(results[0], results[1], "n \(n)")
        }
    }

    /// `NumpyMath.select` puts at each asked position the value a full sort puts there: random
    /// values, many repeats (integer intensities), sorted and reversed input, every size to 300.
    func testSelectPlacesTheOrderStatistics() {
        var state: UInt64 = 11
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 11
        }
        for n in 1...300 {
            for kind in 0..<4 {
                var values: [Double] = (0..<n).map { _ in
                    kind == 1 ? Double(next() % 5) : Double(next() % 1_000_000) / 977
                }
                if kind == 2 { values.sort() }
                if kind == 3 { values.sort(by: >) }
                let sorted = values.sorted()
                let positions = [0, n / 2, n - 1, n / 10, n / 10 + 1, (9 * n) / 10, n / 3, n / 3, n + 4, -1]
                var work = values
                work.withUnsafeMutableBufferPointer { NumpyMath.select($0.baseAddress!, n, positions: positions) }
                for p in positions where p >= 0 && p < n {
                    XCTAssertEqual(work[p], sorted[p], "n \(n), kind \(kind), position \(p)")
                }
                XCTAssertEqual(work.sorted(), sorted, "n \(n), kind \(kind): a rearrangement")
            }
        }
    }
}
