import Foundation
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

    @Test("the radix sort order is the stable order of values: signs, zeros, subnormals, infinities, ties")
    func sortOrder() {
        var random = SplitMix64(seed: 17)
        let special: [Double] = [
            -0.0, 0.0, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .leastNormalMagnitude, -.greatestFiniteMagnitude,
            .greatestFiniteMagnitude, .infinity, -.infinity, 1, -1, 1e-300, -1e300
        ]
        let samples: [[Double]] = [
            [], [2], special, special + special.reversed(),
            (0..<500).map { _ in Double(Int.random(in: -20..<20, using: &random)) / 8 },
            (0..<777).map { _ in Double.random(in: -1...1, using: &random) * pow(10, Double(Int.random(in: -300...300, using: &random))) },
            (0..<64).map { _ in special[Int.random(in: 0..<special.count, using: &random)] }
        ]
        for (k, values) in samples.enumerated() {
            // Swift's sort is stable; -0 goes before +0 in the radix order, so compare with that.
            let expected = values.indices.sorted { a, b in
                let (x, y) = (values[a], values[b])
                if x != y { return x < y }
                if x == 0 && x.sign != y.sign { return x.sign == .minus }
                return a < b
            }
            #expect(MidRanks.sortOrder(values) == expected, "sample \(k)")
        }
    }
}
