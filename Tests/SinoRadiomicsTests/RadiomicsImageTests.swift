import SinoImaging
import XCTest

@testable import SinoRadiomics

final class RadiomicsImageTests: XCTestCase {
    func testCropMovesTheOriginAlongTheDirection() {
        let values = (0..<24).map(Double.init)
        let image = RadiomicsImage(
            size: [4, 3, 2], spacing: [0.5, 1, 2], origin: [10, 20, 30], direction: [0, -1, 0, 1, 0, 0, 0, 0, 1], values: values, pixelType: .int16)
        let crop = image.cropped(lower: [1, 1, 1], extent: [2, 2, 1])
        XCTAssertEqual(crop.values, [17, 18, 21, 22])
        // index (1, 1, 1): x moves along (0, 1, 0) by 0.5, y along (-1, 0, 0) by 1, z by 2.
        XCTAssertEqual(crop.origin, [9, 20.5, 32])
    }

    func testIntegerTypesTruncateTowardZeroAndClamp() {
        XCTAssertEqual(PixelType.int16.stored(2.75), 2)
        XCTAssertEqual(PixelType.int16.stored(-1.5), -1)
        XCTAssertEqual(PixelType.uint8.stored(300), 255)
        XCTAssertEqual(PixelType.float32.stored(0.1), Double(Float(0.1)))
    }
}
