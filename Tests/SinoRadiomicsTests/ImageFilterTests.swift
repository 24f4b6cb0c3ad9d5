import Foundation
import TestSupport
import XCTest

@testable import SinoRadiomics

/// PyRadiomics 3.0.1's image types against `scripts/peers/radiomics_filters.py`'s fixture
/// (SimpleITK 2.5.7, PyWavelets 1.8.0, scikit-image 0.26, SciPy 1.17.1, trimesh 5.2).
final class ImageFilterTests: XCTestCase {
    nonisolated(unsafe) static let fixture: [String: Any] = (try? Fixtures.json("radiomics/filters.json")) ?? [:]

    static var cases: [[String: Any]] { fixture["cases"] as! [[String: Any]] }

    static var tools: String { "PyRadiomics 3.0.1 (\(Fixtures.versions(fixture)))" }

    // MARK: Fixture reading

    /// A fixture number: JSON numbers, or the strings nan, inf, -inf.
    static func number(_ value: Any) -> Double {
        if let text = value as? String {
            switch text {
            case "nan": return .nan
            case "inf": return .infinity
            case "-inf": return -.infinity
            default: return Double(text)!
            }
        }
        return (value as! NSNumber).doubleValue
    }

    static func numbers(_ value: Any?) -> [Double] { (value as! [Any]).map(number) }

    /// The integer formula image the script describes (array order z, y, x).
    static func formula(_ shape: [Int]) -> [Double] {
        var out = [Double]()
        out.reserveCapacity(shape.reduce(1, *))
        for z in 0..<shape[0] {
            for y in 0..<shape[1] {
                for x in 0..<shape[2] {
                    out.append(Double(((x * 37 + y * 101 + z * 53 + ((x * y) % 17) * 11 + ((y * z) % 13) * 7) % 611) - 120))
                }
            }
        }
        return out
    }

    static func image(_ name: String) -> RadiomicsImage {
        let images = fixture["images"] as! [String: [String: Any]]
        let d = images[name]!
        let dimension = d["dimension"] as! Int
        var size = (d["size"] as! [Any]).map { ($0 as! NSNumber).intValue }
        var spacing = numbers(d["spacing"])
        var origin = numbers(d["origin"])
        var direction = numbers(d["direction"])
        if dimension == 2 {
            size.append(1)
            spacing.append(1)
            origin.append(0)
            direction = [direction[0], direction[1], 0, direction[2], direction[3], 0, 0, 0, 1]
        }
        let type = PixelType(rawValue: d["pixelType"] as! String)!
        var values: [Double]
        if let stored = d["values"] {
            // float32 values are written in float32's shortest form: round them back.
            values = numbers(stored).map { type == .float32 ? Double(Float($0)) : $0 }
        } else {
            let shapes = fixture["formulaShapes"] as! [String: [Any]]
            values = formula(shapes[name]!.map { ($0 as! NSNumber).intValue })
            if type == .float32 { values = values.map { Double(Float($0 / 8)) } }
        }
        return RadiomicsImage(size: size, spacing: spacing, origin: origin, direction: direction, values: values, pixelType: type, dimension: dimension)
    }

    static func mask(_ name: String, like image: RadiomicsImage) -> RadiomicsImage {
        var values = [Double](repeating: 0, count: image.count)
        if let masks = fixture["masks"] as? [String: [Any]], let roi = masks[name] {
            for i in roi { values[(i as! NSNumber).intValue] = 1 }
        }
        return image.withValues(values, pixelType: .uint32)
    }

    static func settings(_ c: [String: Any]) -> RadiomicsSettings {
        var s = RadiomicsSettings()
        let d = c["settings"] as! [String: Any]
        if let sigma = d["sigma"] {
            let texts = c["sigmaText"] as! [String]
            s.sigma = zip(numbers(sigma), texts).map { SigmaValue($0, text: $1) }
        }
        if let w = d["wavelet"] as? String { s.wavelet = w }
        if let v = d["start_level"] { s.startLevel = (v as! NSNumber).intValue }
        if let v = d["level"] { s.level = (v as! NSNumber).intValue }
        if let v = d["force2D"] as? Bool { s.force2D = v }
        if let v = d["force2Ddimension"] { s.force2Ddimension = (v as! NSNumber).intValue }
        if let v = d["gradientUseSpacing"] as? Bool { s.gradientUseSpacing = v }
        if let v = d["lbp2DRadius"] { s.lbp2DRadius = number(v) }
        if let v = d["lbp2DSamples"] { s.lbp2DSamples = (v as! NSNumber).intValue }
        if let v = d["lbp2DMethod"] as? String { s.lbp2DMethod = LBP2DMethod(rawValue: v)! }
        if let v = d["lbp3DLevels"] { s.lbp3DLevels = (v as! NSNumber).intValue }
        if let v = d["lbp3DIcosphereRadius"] { s.lbp3DIcosphereRadius = number(v) }
        if let v = d["lbp3DIcosphereSubdivision"] { s.lbp3DIcosphereSubdivision = (v as! NSNumber).intValue }
        return s
    }

    // MARK: Comparison

    /// Relative difference with an absolute floor of 1e-9 (0 when isClose would call it equal at rel 0).
    static func relDiff(_ a: Double, _ e: Double) -> Double {
        if a.isNaN || e.isNaN { return a.isNaN && e.isNaN ? 0 : .infinity }
        if a == e { return 0 }
        return abs(a - e) / max(abs(e), 1e-9)
    }

    /// Runs every fixture case of `type` and compares prefixes, pixel types, values and
    /// summaries; returns the largest relative difference.
    func compareCases(_ type: String, file: StaticString = #filePath, line: UInt = #line) throws -> Double {
        var worst = 0.0
        var checked = 0
        for c in Self.cases where c["type"] as! String == type {
            let name = c["image"] as! String
            let image = Self.image(name)
            let mask = Self.mask(name, like: image)
            let kind = ImageTypeKind(rawValue: type)!
            let setting = ImageTypeSetting(kind: kind, settings: Self.settings(c))
            let results = try ImageTypeFilters.images(for: setting, image: image, mask: mask)
            let outputs = c["outputs"] as! [[String: Any]]
            let what = "\(type) on \(name) \(c["settings"]!)"
            XCTAssertEqual(results.map(\.prefix), outputs.map { $0["prefix"] as! String }, what, file: file, line: line)
            guard results.count == outputs.count else { continue }
            let roi = (Self.fixture["masks"] as? [String: [Any]])?[name]?.map { ($0 as! NSNumber).intValue } ?? []
            for (result, expected) in zip(results, outputs) {
                let label = "\(what) \(result.prefix)"
                let dtype = expected["dtype"] as! String
                XCTAssertEqual(result.image.pixelType.rawValue, dtype, label, file: file, line: line)
                XCTAssertEqual(result.image.size, image.size, label, file: file, line: line)
                XCTAssertEqual(result.image.spacing, image.spacing, label, file: file, line: line)
                XCTAssertEqual(result.image.origin, image.origin, label, file: file, line: line)
                XCTAssertEqual(result.image.direction, image.direction, label, file: file, line: line)
                let values = result.image.values
                let round: (Double) -> Double = dtype == "float32" ? { Double(Float($0)) } : { $0 }
                var pairs = [(Int, Double)]()
                if let full = expected["values"] {
                    pairs = Self.numbers(full).enumerated().map { ($0.offset, $0.element) }
                } else if let samples = expected["samples"] {
                    let stride = expected["stride"] as! Int
                    var indices = Array(Swift.stride(from: 0, to: values.count, by: stride))
                    if indices.last != values.count - 1 { indices.append(values.count - 1) }
                    pairs = Array(zip(indices, Self.numbers(samples)))
                } else if let roiValues = expected["roi"] {
                    pairs = Array(zip(roi, Self.numbers(roiValues)))
                }
                XCTAssertFalse(pairs.isEmpty, label, file: file, line: line)
                var caseWorst = 0.0
                for (index, e) in pairs {
                    let a = values[index]
                    let ok = isClose(a, round(e), rel: 1e-6, abs: 1e-9)
                    caseWorst = max(caseWorst, Self.relDiff(a, round(e)))
                    if !ok {
                        XCTFail("\(label) voxel \(index): \(a) vs \(round(e))", file: file, line: line)
                        break
                    }
                }
                // Summary: over all voxels, or the ROI for LBP3D.
                let summary = expected["summary"] as! [String: Any]
                let pool = expected["roi"] != nil ? roi.map { values[$0] } : values
                let finite = pool.filter { !$0.isNaN }
                XCTAssertEqual(pool.count - finite.count, summary["nanCount"] as! Int, label, file: file, line: line)
                if !finite.isEmpty {
                    let sum = finite.reduce(0, +)
                    let absSum = finite.reduce(0) { $0 + abs($1) }
                    XCTAssert(isClose(sum, Self.number(summary["sum"]!), rel: 1e-9, abs: 1e-12 * absSum + 1e-9), "\(label) sum \(sum)", file: file, line: line)
                    XCTAssert(isClose(finite.min()!, Self.number(summary["min"]!), rel: 1e-6, abs: 1e-9), "\(label) min", file: file, line: line)
                    XCTAssert(isClose(finite.max()!, Self.number(summary["max"]!), rel: 1e-6, abs: 1e-9), "\(label) max", file: file, line: line)
                    caseWorst = max(caseWorst, Self.relDiff(finite.min()!, Self.number(summary["min"]!)), Self.relDiff(finite.max()!, Self.number(summary["max"]!)))
                }
                worst = max(worst, caseWorst)
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 0, "no \(type) outputs compared", file: file, line: line)
        return worst
    }

    // MARK: Tests

    func testOriginal() throws {
        let worst = try compareCases("Original")
        reportComparison("image type Original", tool: Self.tools, maxRelDiff: worst)
    }

    func testLoG() throws {
        let worst = try compareCases("LoG")
        reportComparison("image type LoG (LaplacianRecursiveGaussian, float32)", tool: Self.tools, maxRelDiff: worst)
    }

    func testWavelet() throws {
        let worst = try compareCases("Wavelet")
        reportComparison("image type Wavelet (swtn: haar, coif1, db2, sym3, bior1.3, rbio2.2, dmey; levels, force2D, 2-D)", tool: Self.tools, maxRelDiff: worst)
    }

    func testIntensityFilters() throws {
        for type in ["Square", "SquareRoot", "Logarithm", "Exponential"] {
            let worst = try compareCases(type)
            reportComparison("image type \(type) (float64, incl. max|x| = 0)", tool: Self.tools, maxRelDiff: worst)
        }
    }

    func testGradient() throws {
        let worst = try compareCases("Gradient")
        reportComparison("image type Gradient (GradientMagnitude, float32)", tool: Self.tools, maxRelDiff: worst)
    }

    func testLBP2D() throws {
        let worst = try compareCases("LBP2D")
        reportComparison("image type LBP2D (local_binary_pattern default/ror/uniform/var)", tool: Self.tools, maxRelDiff: worst)
    }

    func testLBP3D() throws {
        let worst = try compareCases("LBP3D")
        reportComparison("image type LBP3D (ROI voxels; sph_harm via sph_harm_y, see fixture notes)", tool: Self.tools, maxRelDiff: worst)
    }

    /// The recursive Gaussian's lines: the AVX2 and AVX-512 kernels (where the CPU has them) and
    /// the Swift loop give the same bits, for both filter orders, several sigmas, line lengths
    /// and widths (multiples of 8 and not: the AVX-512 kernel's last four lanes run as AVX2's).
    func testRecursiveGaussianKernelsAgreeBitForBit() throws {
        let kernels = LoGImageFilter.Kernel.available
        try XCTSkipUnless(kernels.count > 1, "this CPU has no AVX2: only the Swift loop runs")
        var state: UInt64 = 12345
        func next() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53) * 2000 - 1000
        }
        for (sigma, spacing, order, ln, width) in [
            (1.0, 0.7, RecursiveGaussianCoefficients.Order.second, 24, 8), (2.0, 1.0, .zero, 128, 132), (3.0, 2.5, .second, 4, 4),
            (0.5, 1.3, .zero, 5, 12), (1.5, 0.9, .second, 31, 64)
        ] {
            let c = RecursiveGaussianCoefficients(sigma: sigma, spacing: spacing, order: order, normalizeAcrossScale: true)
            var x = (0..<(ln * width)).map { _ in next() }
            var results: [[Double]] = []
            for kernel in kernels {
                var s1 = [Double](repeating: .nan, count: ln * width), s2 = s1
                x.withUnsafeMutableBufferPointer { xb in
                    s1.withUnsafeMutableBufferPointer { a in
                        s2.withUnsafeMutableBufferPointer { b in
                            LoGImageFilter.filterLines(xb, a, b, ln: ln, width: width, c, kernel: kernel)
                        }
                    }
                }
                results.append(s1)
            }
            for (kernel, result) in zip(kernels, results).dropFirst() {
                XCTAssertEqual(result.map(\.bitPattern), results[0].map(\.bitPattern), "\(kernel), sigma \(sigma), \(order), \(ln) x \(width)")
            }
        }
    }

    /// The lines read in place (rows of the input `xstride` apart, any number of lanes: eight,
    /// four and one at a time) give the bits of the same lines copied side by side.
    func testRecursiveGaussianInPlaceLinesAgreeWithCopiedOnes() {
        var state: UInt64 = 4242
        func next() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53) * 2000 - 1000
        }
        var checked = 0
        for (sigma, order, ln, lanes, xstride) in [
            (1.0, RecursiveGaussianCoefficients.Order.second, 24, 30, 128), (2.0, .zero, 128, 128, 128), (3.0, .second, 4, 3, 7), (0.7, .zero, 9, 13, 40),
            (1.5, .second, 17, 1, 5)
        ] {
            let c = RecursiveGaussianCoefficients(sigma: sigma, spacing: 0.9, order: order, normalizeAcrossScale: true)
            let image = (0..<(ln * xstride)).map { _ in next() }
            let width = (lanes + 3) & ~3
            // The copy the kernels read: lane k of row i at i * width + k (padding lanes repeat the last).
            var copied = [Double](repeating: 0, count: ln * width)
            for i in 0..<ln { for k in 0..<width { copied[i * width + k] = image[i * xstride + min(k, lanes - 1)] } }
            for needed in [nil, 0...(ln - 1), (ln / 2)...(ln / 2), 1...max(1, ln - 2)] as [ClosedRange<Int>?] {
                var s1 = [Double](repeating: .nan, count: ln * width), s2 = s1
                copied.withUnsafeMutableBufferPointer { xb in
                    s1.withUnsafeMutableBufferPointer { a in
                        s2.withUnsafeMutableBufferPointer { b in LoGImageFilter.filterLines(xb, a, b, ln: ln, width: width, c, needed: needed, kernel: .portable) }
                    }
                }
                let rows = needed ?? 0...(ln - 1)
                for kernel in LoGImageFilter.Kernel.available {
                    var t1 = [Double](repeating: .nan, count: ln * lanes)
                    image.withUnsafeBufferPointer { x in
                        t1.withUnsafeMutableBufferPointer { a in
                            LoGImageFilter.filterLinesStrided(x.baseAddress!, xstride: xstride, a, ln: ln, width: lanes, c, needed: needed, kernel: kernel)
                        }
                    }
                    let expected = rows.flatMap { i in (0..<lanes).map { s1[i * width + $0].bitPattern } }
                    let got = rows.flatMap { i in (0..<lanes).map { t1[i * lanes + $0].bitPattern } }
                    XCTAssertEqual(got, expected, "\(kernel), \(ln) x \(lanes) lanes, rows \(xstride) apart, needed \(String(describing: needed))")
                    checked += 1
                }
            }
        }
        XCTAssertGreaterThan(checked, 20)
    }

    /// Stopping the causal pass after the last needed element and the anticausal one at the
    /// first leaves the needed sums with the whole lines' bits, in the Swift loop and in C.
    func testRecursiveGaussianStopsWhereTheNeededElementsAreComplete() {
        var state: UInt64 = 777
        func next() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53) * 2000 - 1000
        }
        var checked = 0
        for (sigma, order, ln, width) in [
            (1.0, RecursiveGaussianCoefficients.Order.second, 24, 8), (2.0, .zero, 128, 36), (3.0, .second, 4, 4), (0.5, .zero, 5, 12), (1.5, .zero, 9, 4)
        ] {
            let c = RecursiveGaussianCoefficients(sigma: sigma, spacing: 0.8, order: order, normalizeAcrossScale: true)
            var x = (0..<(ln * width)).map { _ in next() }
            let ranges = [0...(ln - 1), 0...0, (ln - 1)...(ln - 1), (ln / 3)...(ln / 2), 1...(ln - 2), (ln / 2)...(ln - 1), 0...(ln / 2)].filter { !$0.isEmpty }
            for kernel in LoGImageFilter.Kernel.available {
                func run(_ needed: ClosedRange<Int>?) -> [Double] {
                    var s1 = [Double](repeating: .nan, count: ln * width), s2 = s1
                    x.withUnsafeMutableBufferPointer { xb in
                        s1.withUnsafeMutableBufferPointer { a in
                            s2.withUnsafeMutableBufferPointer { b in
                                LoGImageFilter.filterLines(xb, a, b, ln: ln, width: width, c, needed: needed, kernel: kernel)
                            }
                        }
                    }
                    return s1
                }
                let whole = run(nil)
                for range in ranges {
                    let part = run(range)
                    let at = range.flatMap { i in (0..<width).map { i * width + $0 } }
                    XCTAssertEqual(at.map { part[$0].bitPattern }, at.map { whole[$0].bitPattern }, "\(ln) x \(width), \(range), \(kernel)")
                    checked += 1
                }
            }
        }
        XCTAssertGreaterThan(checked, 30)
    }

    func testUnknownWaveletIsASettingsError() {
        var settings = RadiomicsSettings()
        settings.wavelet = "db99"
        let image = Self.image("int16")
        XCTAssertThrowsError(try ImageTypeFilters.images(for: ImageTypeSetting(kind: .wavelet, settings: settings), image: image, mask: image)) { error in
            let e = error as? RadiomicsError
            XCTAssertEqual(e?.kind, .settings)
            XCTAssert(e?.message.contains("'db99'") == true, "\(String(describing: e))")
        }
        settings.wavelet = "morl" // continuous: pywt.Wavelet refuses it too
        XCTAssertThrowsError(try ImageTypeFilters.images(for: ImageTypeSetting(kind: .wavelet, settings: settings), image: image, mask: image))
    }

    /// PyRadiomics' `axes.remove(force2Ddimension)` raises ValueError when the axis is not one of
    /// the image's (a 2-D image has array axes 0 and 1): a settings error here.
    func testWaveletForce2DDimensionOutsideTheImageIsASettingsError() {
        var settings = RadiomicsSettings()
        settings.force2D = true
        settings.force2Ddimension = 2
        let image = Self.image("image2d")
        XCTAssertThrowsError(try ImageTypeFilters.images(for: ImageTypeSetting(kind: .wavelet, settings: settings), image: image, mask: image)) { error in
            XCTAssertEqual((error as? RadiomicsError)?.kind, .settings)
        }
    }

    func testFilterBankHasEveryDiscreteWavelet() {
        XCTAssertEqual(WaveletFilterBank.names.count, 106)
        for name in WaveletFilterBank.names {
            guard let f = WaveletFilterBank.filters(name) else { return XCTFail(name) }
            XCTAssertEqual(f.decLo.count, f.decHi.count, name)
            XCTAssertEqual(f.decLo32.count, f.decLo.count, name)
            XCTAssertEqual(f.decLo.count % 2, 0, name)
        }
        for family in ["haar", "db1", "db38", "sym20", "coif17", "bior6.8", "rbio3.9", "dmey"] { XCTAssertNotNil(WaveletFilterBank.filters(family), family) }
    }

    // MARK: Region-restricted filtering

    /// The voxels of `image` inside `region` (ITK order, inclusive, clamped as the filters do).
    static func regionIndices(_ region: [Int], size: [Int]) -> [Int] {
        var out = [Int]()
        let box = ImageTypeFilters.clampedRegion(region, size: size)
        for z in box[2] { for y in box[1] { for x in box[0] { out.append(x + size[0] * (y + size[1] * z)) } } }
        return out
    }

    /// Counts the voxels inside `region` where `restricted` (the images cropped to the region)
    /// differs from `full` bit for bit (NaN included); checks that both yield the same images and
    /// that the restricted ones have the cropped grid's size and origin.
    func mismatches(
        _ kind: ImageTypeKind, _ settings: RadiomicsSettings, image: RadiomicsImage, region: [Int], file: StaticString = #filePath, line: UInt = #line
    ) throws -> (voxels: Int, bad: Int) {
        let setting = ImageTypeSetting(kind: kind, settings: settings)
        let mask = image.withValues([Double](repeating: 1, count: image.count), pixelType: .uint32)
        let full = try ImageTypeFilters.images(for: setting, image: image, mask: mask)
        let restricted = try ImageTypeFilters.images(for: setting, image: image, mask: mask, region: region)
        let what = "\(kind) \(image.size) region \(region)"

        XCTAssertEqual(full.map(\.prefix), restricted.map(\.prefix), what, file: file, line: line)
        let inside = Self.regionIndices(region, size: image.size)
        let box = ImageTypeFilters.clampedRegion(region, size: image.size)
        let cropped = image.cropped(lower: box.map(\.lowerBound), extent: box.map(\.count))
        var bad = 0
        var voxels = 0
        for (f, r) in zip(full, restricted) {
            XCTAssertEqual(f.image.pixelType, r.image.pixelType, what, file: file, line: line)
            XCTAssertEqual(r.image.size, cropped.size, what, file: file, line: line)
            XCTAssertEqual(r.image.origin, cropped.origin, what, file: file, line: line)
            XCTAssertEqual(r.image.values.count, inside.count, what, file: file, line: line)
            for (k, i) in inside.enumerated() where k < r.image.values.count {
                voxels += 1
                if f.image.values[i].bitPattern != r.image.values[k].bitPattern {
                    if bad == 0 { XCTFail("\(what) \(f.prefix) voxel \(i): \(r.image.values[k]) vs full \(f.image.values[i])", file: file, line: line) }
                    bad += 1
                }
            }
        }
        return (voxels, bad)
    }

    /// Every filter, restricted to boxes inside, at the edges of, and over the whole image (and
    /// single voxels), gives bit for bit the full computation's values inside the box.
    func testRegionRestrictedFiltersMatchTheFullImageInsideTheRegion() throws {
        func settings(_ edit: (inout RadiomicsSettings) -> Void) -> RadiomicsSettings {
            var s = RadiomicsSettings()
            edit(&s)
            return s
        }
        let configurations: [(ImageTypeKind, RadiomicsSettings)] = [
            (.original, settings { _ in }),
            (.log, settings { $0.sigma = [SigmaValue(1.0), SigmaValue(2.0), SigmaValue(0.7)] }),
            (.wavelet, settings { $0.wavelet = "coif1" }),
            (.wavelet, settings { $0.wavelet = "haar" }),
            (
                .wavelet,
                settings {
                    $0.wavelet = "db2"; $0.level = 3
                }
            ),
            (
                .wavelet,
                settings {
                    $0.wavelet = "sym3"; $0.startLevel = 1; $0.level = 2
                }
            ),
            (
                .wavelet,
                settings {
                    $0.wavelet = "bior1.3"; $0.startLevel = 2; $0.level = 1
                }
            ),
            (.wavelet, settings { $0.wavelet = "dmey" }),
            (
                .wavelet,
                settings {
                    $0.wavelet = "haar"; $0.startLevel = 1; $0.level = 0
                }
            ),
            (
                .wavelet,
                settings {
                    $0.wavelet = "coif1"; $0.force2D = true; $0.force2Ddimension = 0
                }
            ),
            (
                .wavelet,
                settings {
                    $0.wavelet = "db2"; $0.force2D = true; $0.force2Ddimension = 1; $0.level = 2
                }
            ),
            (
                .wavelet,
                settings {
                    $0.wavelet = "coif1"; $0.force2D = true; $0.force2Ddimension = 2
                }
            ),
            (.square, settings { _ in }),
            (.squareRoot, settings { _ in }),
            (.logarithm, settings { _ in }),
            (.exponential, settings { _ in }),
            (.gradient, settings { _ in }),
            (.gradient, settings { $0.gradientUseSpacing = false })
        ]
        var voxels = 0
        var bad = 0
        var runs = 0
        for name in ["int16", "float32", "float64", "thin", "tiny", "negative", "image2d", "formula32"] {
            let image = Self.image(name)
            let (nx, ny, nz) = (image.size[0], image.size[1], image.size[2])
            let regions: [[Int]] = [
                [0, nx - 1, 0, ny - 1, 0, nz - 1], // the whole image
                [2, nx - 3, 1, ny - 3, nz / 2, nz - 1 - nz / 3], // inside
                [0, 3, 0, 2, 0, 1], // low corner
                [nx - 4, nx - 1, ny - 3, ny - 1, nz - 2, nz - 1], // high corner
                [1, nx - 1, 0, 4, 0, nz - 1], // full along z, edges in x and y
                [nx / 2, nx / 2, ny / 2, ny / 2, nz / 2, nz / 2], // one voxel inside
                [nx - 1, nx - 1, 0, 0, nz - 1, nz - 1], // one voxel in a corner
                [-3, 2, ny - 2, ny + 5, -1, 0] // reaching outside: clamped
            ]
            for (kind, s) in configurations {
                if image.dimension == 2 && kind == .wavelet && s.force2D && s.force2Ddimension == 2 { continue }
                for region in regions {
                    let r = try mismatches(kind, s, image: image, region: region)
                    voxels += r.voxels
                    bad += r.bad
                    runs += 1
                }
            }
        }
        XCTAssertEqual(bad, 0)
        XCTAssertGreaterThan(voxels, 100_000)
        print("[compare] region-restricted image types vs the full image: \(runs) filter runs, \(voxels) voxels, \(bad) not bit-identical")
    }

    /// LoG sigma 1, 2, 3 and Wavelet coif1 on a 128 x 128 x 24 int16 image restricted to a
    /// 30 x 30 x 10 box (the extractor's case, cropped to it) equal, bit for bit inside the box,
    /// to the whole image's filtering. (Speed is measured by bench/radiomics.sh, not here.)
    func testRegionRestrictedEqualsFullOnALargeImage() throws {
        let size = [128, 128, 24]
        let image = RadiomicsImage(size: size, spacing: [0.7, 0.7, 2.5], values: Self.formula([size[2], size[1], size[0]]), pixelType: .int16)
        let region = [49, 78, 40, 69, 7, 16]
        var settings = RadiomicsSettings()
        settings.sigma = [SigmaValue(1.0), SigmaValue(2.0), SigmaValue(3.0)]
        settings.wavelet = "coif1"
        func images(_ region: [Int]?) throws -> [(prefix: String, image: RadiomicsImage)] {
            try ImageTypeFilters.images(for: ImageTypeSetting(kind: .log, settings: settings), image: image, mask: image, region: region)
                + ImageTypeFilters.images(for: ImageTypeSetting(kind: .wavelet, settings: settings), image: image, mask: image, region: region)
        }
        let full = try images(nil)
        let restricted = try images(region)
        XCTAssertEqual(full.count, 11)
        XCTAssertEqual(full.map(\.prefix), restricted.map(\.prefix))
        let inside = Self.regionIndices(region, size: size)
        for (f, r) in zip(full, restricted) {
            XCTAssertEqual(r.image.size, [30, 30, 10], f.prefix)
            XCTAssertEqual(r.image.values.count, inside.count, f.prefix)
            let bad = zip(inside, r.image.values).filter { f.image.values[$0].bitPattern != $1.bitPattern }.count
            XCTAssertEqual(bad, 0, f.prefix)
        }
    }
}
