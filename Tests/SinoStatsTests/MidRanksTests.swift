import SinoRandom
import Testing

@testable import SinoStats

/// Average ranks from (value, position) pairs sorted by value, against the definition:
/// rank = (number of smaller values) + (number of equal values + 1) / 2.
@Suite("Mid-ranks")
struct MidRanksTests {
    @Test("ranks and tie runs equal the definition, ties, -0 and 0 included")
    func definition() {
        var random = SplitMix64(seed: 5)
        let samples: [[Double]] = [
            [], [3], [2, 2, 2], [0.0, -0.0, 1, -0.0, -1], [5, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5],
            (0..<300).map { _ in Double(Int.random(in: 0..<40, using: &random)) / 4 },
            (0..<301).map { _ in Double.random(in: -1e6...1e6, using: &random) }
        ]
        for (k, values) in samples.enumerated() {
            let ranks = MidRanks(values)
            let expected = values.map { value in
                Double(values.filter { $0 < value }.count) + Double(values.filter { $0 == value }.count + 1) / 2
            }
            #expect(ranks.ranks == expected, "sample \(k)")
            let distinct = Set(values.map { $0 == 0 ? 0 : $0 }).sorted()
            #expect(ranks.tieSizes == distinct.map { d in values.filter { $0 == d }.count }, "sample \(k)")
        }
    }
}
