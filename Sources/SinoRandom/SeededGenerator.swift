import Foundation

/// xoshiro256** 1.0 (Blackman & Vigna 2018), its 256-bit state filled from a 64-bit seed by
/// `SplitMix64` as the authors suggest: the random stream of SinoData (splits, the synthetic
/// cohort), SinoStats (bootstrap, Monte Carlo tests), SinoImaging (the phantom) and
/// SinoForest (one stream per tree). Same seed, same stream, on every platform and thread
/// count; every draw below is written out rather than taken from the standard library, whose
/// algorithms may change between releases.
///
///     var generator = SeededGenerator(seed: 20250056)
///     let u = generator.uniform()          // [0, 1)
///     var tree = SeededGenerator(seed: 7, stream: 3)   // tree 3 of a model seeded with 7
///
/// `@frozen` and `@inlinable` let other modules inline the draws (the forest's split loops).
@frozen
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    @usableFromInline var s0, s1, s2, s3: UInt64

    @inlinable
    public init(seed: UInt64) {
        var expander = SplitMix64(seed: seed)
        s0 = expander.next(); s1 = expander.next(); s2 = expander.next(); s3 = expander.next()
    }

    /// The stream of tree `index` (or of any other numbered task) of a model seeded with
    /// `seed`: the generator of seed XOR the first SplitMix64 output of `index`.
    @inlinable
    public init(seed: UInt64, stream index: Int) {
        var mixer = SplitMix64(seed: UInt64(truncatingIfNeeded: index))
        self.init(seed: seed ^ mixer.next())
    }

    @inlinable
    public mutating func next() -> UInt64 {
        let result = Self.rotate(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = Self.rotate(s3, 45)
        return result
    }

    @inlinable
    static func rotate(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// Uniform in [0, 1) with 53 random bits.
    @inlinable
    public mutating func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform integer in low..<high (sklearn's rand_int: next() modulo the width; the bias is
    /// below 2^-40 for the widths used).
    @inlinable
    public mutating func nextInt(_ low: Int, _ high: Int) -> Int {
        low + Int(next() % UInt64(high - low))
    }

    /// Standard normal by the Box-Muller transform (one value per call; deterministic).
    public mutating func normal() -> Double {
        let u1 = 1 - uniform(), u2 = uniform()
        return (-2 * Foundation.log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    public mutating func normal(mean: Double, sd: Double) -> Double { mean + sd * normal() }

    public mutating func bernoulli(_ p: Double) -> Bool { uniform() < p }

    /// An index drawn with the given (not necessarily normalised) weights.
    public mutating func categorical(_ weights: [Double]) -> Int {
        let total = weights.reduce(0, +)
        var u = uniform() * total
        for (index, weight) in weights.enumerated() {
            u -= weight
            if u < 0 { return index }
        }
        return weights.count - 1
    }

    /// Fisher-Yates shuffle driven by this generator (Swift's `shuffle(using:)` may change its
    /// algorithm between releases; this one never does).
    public mutating func shuffle<T>(_ items: inout [T]) {
        guard items.count > 1 else { return }
        for i in stride(from: items.count - 1, to: 0, by: -1) {
            let j = Int(next() % UInt64(i + 1))
            items.swapAt(i, j)
        }
    }
}
