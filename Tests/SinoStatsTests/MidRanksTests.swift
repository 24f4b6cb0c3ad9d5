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

    @Test("ranks from the raw values' order equal the z-scores' own, ties made by the rounding of the z-score included")
    func sharedOrder() {
        var random = SplitMix64(seed: 23)
        let samples: [[Double]] = [
            [5, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5], [0.0, -0.0, 2, -0.0, -2],
            (0..<325).map { _ in Double(Int.random(in: 0..<30, using: &random)) / 3 },
            // Neighbouring doubles, centred far away (below): the subtraction's rounding makes
            // them equal.
            (0..<200).map { _ in 1 + Double(Int.random(in: 0..<50, using: &random)) * (1.0).ulp },
            (0..<301).map { _ in Double.random(in: -1e3...1e3, using: &random) }
        ]
        for (k, raw) in samples.enumerated() {
            let mean = k == 3 ? 1e6 : raw.reduce(0, +) / Double(raw.count)
            let sd = 3.7e-3
            let z = raw.map { ($0 - mean) / sd }
            let shared = MidRanks(z, order: MidRanks.sortOrder(raw))
            let own = MidRanks(z)
            #expect(shared.ranks == own.ranks && shared.tieSizes == own.tieSizes, "sample \(k)")
            if k == 3 { #expect(Set(z).count < Set(raw).count, "the z-score merged no values: the sample tests nothing") }
            let groups = [Array(stride(from: 0, to: z.count, by: 3)), Array(stride(from: 1, to: z.count, by: 3)), Array(stride(from: 2, to: z.count, by: 3))]
            if let h = try? KruskalWallis.test(groups.map { $0.map { z[$0] } }) {
                let fromRanks = try? KruskalWallis.test(ranks: shared, members: groups)
                #expect(fromRanks?.statistic.bitPattern == h.statistic.bitPattern && fromRanks?.pValue.bitPattern == h.pValue.bitPattern, "sample \(k)")
            }
        }
    }
}
