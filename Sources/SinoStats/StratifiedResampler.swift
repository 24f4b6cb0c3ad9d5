import SinoData
import SinoRandom

/// Stratified bootstrap resampling as multiplicities: each draw resamples every stratum
/// with replacement to its own size (pROC's `stratified.ci.auc` resamples cases and controls
/// separately; SinoRad's multiclass bootstrap resamples each class) and records how many
/// times each item was drawn. Statistics then weight items by these counts, so a replicate
/// allocates nothing.
struct StratifiedResampler {
    let strata: [[Int]]
    /// counts[i] = times item i was drawn in the current replicate.
    private(set) var counts: [Double]

    init(strata: [[Int]], itemCount: Int) {
        self.strata = strata
        counts = [Double](repeating: 0, count: itemCount)
    }

    mutating func draw(using generator: inout SeededGenerator) {
        for i in counts.indices { counts[i] = 0 }
        for stratum in strata {
            let size = UInt64(stratum.count)
            for _ in stratum.indices {
                counts[stratum[Self.uniformIndex(below: size, using: &generator)]] += 1
            }
        }
    }

    /// An index in 0..<bound from the high word of next() x bound (Lemire 2019, without the
    /// rejection step: the bias, bound / 2^64, is far below Monte Carlo error). Written out
    /// rather than `Int.random(in:using:)`, whose algorithm may change between Swift releases.
    @inline(__always)
    static func uniformIndex(below bound: UInt64, using generator: inout SeededGenerator) -> Int {
        Int(truncatingIfNeeded: generator.next().multipliedFullWidth(by: bound).high)
    }
}
