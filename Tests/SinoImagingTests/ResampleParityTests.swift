import Foundation
import TestSupport
import Testing

@testable import SinoImaging

/// In-plane resampling and percentiles against PyTorch's F.interpolate and numpy.percentile
/// (Tests/Fixtures/imaging/resample.json, written by scripts/peers/resample.py).
@Suite("Resampling and percentiles vs torch / numpy")
struct ResampleParityTests {
    nonisolated(unsafe) static let fixture: [String: Any] = (try? Fixtures.json("imaging/resample.json")) ?? [:]

    struct Case {
        let name: String, height: Int, width: Int, outHeight: Int, outWidth: Int
        let input: [Float], output: [Float]?, sampleIndex: [Int]?, sampleValue: [Float]?, sum: Double?
    }

    static func cases(_ key: String) -> [Case] {
        (fixture[key] as! [[String: Any]]).map { c in
            func floats(_ k: String) -> [Float]? { (c[k] as? [Double])?.map(Float.init) }
            return Case(
                name: c["name"] as! String, height: c["height"] as! Int, width: c["width"] as! Int,
                outHeight: c["out_height"] as! Int, outWidth: c["out_width"] as! Int, input: floats("input")!,
                output: floats("output"), sampleIndex: c["sample_index"] as? [Int], sampleValue: floats("sample_value"),
                sum: c["sum"] as? Double)
        }
    }

    /// Largest |actual - expected| / max(1, |expected|) over the stored outputs, after checking the sum.
    static func compare(_ c: Case, _ actual: [Float]) -> Double {
        #expect(actual.count == c.outHeight * c.outWidth, "\(c.name)")
        var worst = 0.0
        func check(_ a: Float, _ e: Float) { worst = max(worst, Double(abs(a - e)) / max(1, Double(abs(e)))) }
        if let output = c.output {
            for (a, e) in zip(actual, output) { check(a, e) }
        } else {
            for (i, e) in zip(c.sampleIndex!, c.sampleValue!) { check(actual[i], e) }
            let total = actual.reduce(0.0) { $0 + Double($1) }
            #expect(isClose(total, c.sum!, rel: 1e-6), "\(c.name): sum \(total) vs \(c.sum!)")
        }
        return worst
    }

    /// Within one Float32 rounding (torch's vectorised and scalar loops fuse the multiply-adds
    /// in different orders); the 17 x 17 -> 224 x 224 case is bit-identical.
    @Test("bilinear = F.interpolate(mode='bilinear', align_corners=False)")
    func bilinear() {
        var worst = 0.0
        for c in Self.cases("bilinear") {
            let actual = PreprocessSteps.resizeBilinear(c.input, height: c.height, width: c.width, toHeight: c.outHeight, width: c.outWidth)
            let difference = Self.compare(c, actual)
            #expect(difference <= 2e-7, "\(c.name): max rel diff \(difference)")
            worst = max(worst, difference)
        }
        reportComparison("bilinear resize", tool: Fixtures.versions(Self.fixture), maxRelDiff: worst)
    }

    @Test("nearest = F.interpolate(mode='nearest'), exactly")
    func nearest() {
        for c in Self.cases("nearest") {
            let actual = PreprocessSteps.resizeNearest(c.input, height: c.height, width: c.width, toHeight: c.outHeight, width: c.outWidth)
            #expect(Self.compare(c, actual) == 0, "\(c.name)")
        }
    }

    @Test("percentile = numpy.percentile(method='linear')")
    func percentile() {
        var worst = 0.0
        for entry in Self.fixture["percentile"] as! [[String: Any]] {
            let values = (entry["values"] as! [Double]).sorted()
            for (level, expected) in zip(entry["levels"] as! [Double], entry["expected"] as! [Double]) {
                let actual = PreprocessSteps.percentile(sorted: values, level)
                let difference = abs(actual - expected) / max(1, abs(expected))
                #expect(difference <= 1e-15, "\(entry["name"]!) p\(level): \(actual) vs \(expected)")
                worst = max(worst, difference)
            }
        }
        reportComparison("percentile", tool: Fixtures.versions(Self.fixture), maxRelDiff: worst)
    }
}
