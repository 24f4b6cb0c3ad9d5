import SinoStats
import Testing

/// Inputs the group tests refuse (scipy would return NaN, inf or warn) and small cases
/// whose answers are known by hand.
@Suite("Group tests: invalid input and hand-checked cases")
struct GroupTestsErrorTests {
    /// True when `body` throws `StatsError.invalidInput`.
    func rejects(_ body: () throws -> Void) -> Bool {
        do {
            try body()
            return false
        } catch let error as StatsError {
            if case .invalidInput = error { return true }
            return false
        } catch {
            return false
        }
    }

    @Test("NaN in any group is rejected by every test")
    func nanIsRejected() {
        let clean = [1.0, 2, 3, 4], dirty = [1.0, .nan, 3]
        #expect(rejects { _ = try OneWayANOVA.test([clean, dirty]) })
        #expect(rejects { _ = try WelchANOVA.test([dirty, clean]) })
        #expect(rejects { _ = try KruskalWallis.test([clean, dirty]) })
        #expect(rejects { _ = try MannWhitneyU.test(clean, dirty) })
        #expect(rejects { _ = try TTest.welch(dirty, clean) })
        #expect(rejects { _ = try TTest.student(clean, dirty) })
        #expect(rejects { _ = try ShapiroWilk.test(dirty + clean) })
        #expect(rejects { _ = try Descriptives(dirty) })
        #expect(rejects { _ = try Descriptives.quantile(dirty, 0.5, method: .type2) })
    }

    @Test("fewer than two groups or empty groups are rejected")
    func tooFewGroups() {
        #expect(rejects { _ = try OneWayANOVA.test([[1, 2, 3]]) })
        #expect(rejects { _ = try WelchANOVA.test([[1, 2, 3]]) })
        #expect(rejects { _ = try KruskalWallis.test([[1, 2, 3]]) })
        #expect(rejects { _ = try KruskalWallis.test([[1, 2, 3], []]) })
        #expect(rejects { _ = try MannWhitneyU.test([], [1, 2]) })
        #expect(rejects { _ = try PairwiseComparisons.compare([[1, 2]], names: ["a"], test: .welchT) })
        #expect(
            rejects {
                _ = try PairwiseComparisons.compare([[1, 2], [3, 4]], names: ["a"], test: .welchT)
            })
    }

    @Test("groups too small for a variance are rejected")
    func groupsTooSmall() {
        // Welch needs n >= 2 per group; ANOVA needs N > k.
        #expect(rejects { _ = try WelchANOVA.test([[1, 2, 3], [4]]) })
        #expect(rejects { _ = try OneWayANOVA.test([[1], [2], [3]]) })
        #expect(rejects { _ = try TTest.student([1], [2, 3, 4]) })
        #expect(rejects { _ = try Descriptives.variance([5]) })
        #expect(rejects { _ = try ShapiroWilk.test([1, 2]) })
        #expect(rejects { _ = try ShapiroWilk.test((0..<5001).map(Double.init)) })
        #expect(throws: Never.self) { _ = try OneWayANOVA.test([[1], [2, 3]]) }
    }

    @Test("zero variance where the test is undefined is rejected")
    func zeroVariance() {
        #expect(rejects { _ = try OneWayANOVA.test([[2, 2, 2], [3, 3]]) })
        #expect(rejects { _ = try WelchANOVA.test([[2, 2, 2], [3, 4, 5]]) })
        #expect(rejects { _ = try KruskalWallis.test([[4, 4], [4, 4, 4]]) })
        #expect(rejects { _ = try MannWhitneyU.test([4, 4, 4], [4, 4], method: .asymptotic) })
        #expect(rejects { _ = try TTest.welch([1, 1, 1], [2, 2]) })
        #expect(rejects { _ = try ShapiroWilk.test([7, 7, 7, 7]) })
    }

    @Test("p-values outside [0, 1] and quantile probabilities outside [0, 1] are rejected")
    func outOfRange() {
        #expect(rejects { _ = try PValueAdjustment.adjust([0.2, 1.5], method: .holm) })
        #expect(rejects { _ = try PValueAdjustment.adjust([.nan], method: .bonferroni) })
        #expect(rejects { _ = try Descriptives.quantile([1, 2, 3], 1.2) })
        #expect(rejects { _ = try Descriptives([]) })
    }

    @Test("exact Mann-Whitney U for 2 vs 2 values: P(U >= 4) = 1/6 by enumeration")
    func exactSmallCase() throws {
        // The 6 equally likely rank sets of x among 4 values give U1 = 0, 1, 2, 2, 3, 4.
        let greater = try MannWhitneyU.test([3, 4], [1, 2], alternative: .greater)
        #expect(greater.statistic == 4)
        #expect(greater.method == .exact)
        #expect(abs(greater.pValue - 1.0 / 6) < 1e-15)
        let twoSided = try MannWhitneyU.test([3, 4], [1, 2])
        #expect(abs(twoSided.pValue - 2.0 / 6) < 1e-15)
        let less = try MannWhitneyU.test([3, 4], [1, 2], alternative: .less)
        #expect(less.pValue == 1)
    }

    @Test("type 2 and type 7 quantiles of 1...4 by the definitions")
    func quantileDefinitions() throws {
        let x: [Double] = [4, 1, 3, 2]
        // Type 7: h = 3 p, interpolate; type 2: n p = 4 p, average at integers.
        #expect(try Descriptives.quantiles(x, [0.25, 0.5, 0.75], method: .type7) == [1.75, 2.5, 3.25])
        #expect(try Descriptives.quantiles(x, [0.25, 0.5, 0.6, 0.75], method: .type2) == [1.5, 2.5, 3, 3.5])
        #expect(try Descriptives.quantiles(x, [0, 1], method: .type2) == [1, 4])
    }

    @Test("Holm and BH on a hand-worked vector")
    func adjustmentByHand() throws {
        let p = [0.01, 0.04, 0.03]
        // Holm: sorted 0.01, 0.03, 0.04 times 3, 2, 1 -> 0.03, 0.06, 0.04 -> cummax 0.06.
        let holm = try PValueAdjustment.adjust(p, method: .holm)
        #expect(zip(holm, [0.03, 0.06, 0.06]).allSatisfy { abs($0 - $1) < 1e-15 })
        // BH: 0.01*3/1, 0.03*3/2, 0.04*3/3 = 0.03, 0.045, 0.04 -> cummin from top.
        let bh = try PValueAdjustment.adjust(p, method: .benjaminiHochberg)
        #expect(zip(bh, [0.03, 0.04, 0.04]).allSatisfy { abs($0 - $1) < 1e-15 })
        #expect(try PValueAdjustment.adjust([0.5, 0.6], method: .bonferroni) == [1, 1])
    }
}
