import Foundation
import Testing

@testable import SinoForest

/// max_features in model files and outputs is written as scikit-learn spells it, and model
/// files written before (Swift's synthesized enum coding) are still read.
@Suite("max_features JSON")
struct MaxFeaturesCodingTests {
    func encoded(_ value: MaxFeatures) throws -> String {
        String(decoding: try JSONEncoder().encode([value]), as: UTF8.self)
    }

    @Test("sqrt, log2, all, a count, a fraction; read back equal")
    func plain() throws {
        #expect(try encoded(.sqrt) == "[\"sqrt\"]" && encoded(.log2) == "[\"log2\"]" && encoded(.all) == "[\"all\"]")
        #expect(try encoded(.count(3)) == "[3]" && encoded(.fraction(0.5)) == "[0.5]")
        #expect(try encoded(.fraction(1)) == "[\"all\"]", "a fraction of 1 draws every feature")
        for value in [MaxFeatures.sqrt, .log2, .all, .count(1), .count(7), .fraction(0.25)] {
            #expect(try JSONDecoder().decode([MaxFeatures].self, from: JSONEncoder().encode([value])) == [value])
        }
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([MaxFeatures].self, from: Data("[\"half\"]".utf8)) }
    }

    @Test("the synthesized coding of earlier model files is still read")
    func legacy() throws {
        let old = "[{\"sqrt\": {}}, {\"count\": {\"_0\": 4}}, {\"fraction\": {\"_0\": 0.3}}, {\"all\": {}}]"
        #expect(try JSONDecoder().decode([MaxFeatures].self, from: Data(old.utf8)) == [.sqrt, .count(4), .fraction(0.3), .all])
    }
}
