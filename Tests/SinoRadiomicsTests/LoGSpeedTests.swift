import Foundation
import XCTest

@testable import SinoRadiomics

/// Timing of `LoGImageFilter.images` (the recursive Gaussian passes) on its own.
final class LoGSpeedTests: XCTestCase {
    /// LoG sigma 1, 2, 3 on a 128 x 128 x 24 float32 image, whole and restricted to a 30 x 30 x 10
    /// box (the extractor's case), best of 8 (the machine is shared). The restricted run is
    /// dominated by the 9 full-volume first passes; ns per sample is reported for them.
    func testLoGThroughput() {
        let size = [128, 128, 24]
        var values = ImageFilterTests.formula([size[2], size[1], size[0]])
        for i in values.indices { values[i] = Double(Float(values[i])) }
        let image = RadiomicsImage(size: size, spacing: [0.7, 0.7, 2.5], values: values, pixelType: .float32)
        let region = ImageTypeFilters.clampedRegion([49, 78, 40, 69, 7, 16], size: size)
        var settings = RadiomicsSettings()
        settings.sigma = [SigmaValue(1.0), SigmaValue(2.0), SigmaValue(3.0)]
        func best(_ box: [ClosedRange<Int>]?) -> (seconds: Double, checksum: Double) {
            var seconds = Double.infinity
            var checksum = 0.0
            for _ in 0..<8 {
                let start = Date()
                var sum = 0.0
                for (_, filtered) in LoGImageFilter.images(image, settings: settings, region: box) { sum += filtered.values[0] }
                seconds = min(seconds, Date().timeIntervalSince(start))
                checksum = sum
            }
            return (seconds, checksum)
        }
        let full = best(nil)
        let restricted = best(region)
        XCTAssert(full.checksum.isFinite && restricted.checksum.isFinite)
        let samples = Double(size.reduce(1, *)) * 9
        print(
            String(
                format: "[timing] LoGImageFilter.images sigma 1,2,3 on 128x128x24 float32, best of 8: full %.4f s, 30x30x10 region %.4f s (%.2f ns per first-pass sample)",
                full.seconds, restricted.seconds, restricted.seconds / samples * 1e9))
    }
}
