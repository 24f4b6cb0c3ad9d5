/// SplitMix64 (Steele, Lea & Flood 2014): used only to expand a 64-bit seed into the
/// 256-bit state of `Xoshiro256StarStar`, as Blackman & Vigna recommend.
struct SplitMix64 {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// xoshiro256** 1.0 (Blackman & Vigna 2018): the random stream of one tree.
///
/// Each tree gets its own stream derived from (seed, tree index), so a forest is the same
/// whatever the number of threads that build it. sklearn uses MT19937 + a per-node xorshift;
/// we match it statistically, not draw for draw (docs/REFERENCES.md section 2).
struct Xoshiro256StarStar: RandomNumberGenerator {
    private var s0, s1, s2, s3: UInt64

    init(seed: UInt64) {
        var expander = SplitMix64(state: seed)
        s0 = expander.next(); s1 = expander.next(); s2 = expander.next(); s3 = expander.next()
    }

    /// The stream of tree `index` (or of any other numbered task) of a model seeded with `seed`.
    init(seed: UInt64, stream index: Int) {
        var mixer = SplitMix64(state: UInt64(truncatingIfNeeded: index))
        self.init(seed: seed ^ mixer.next())
    }

    mutating func next() -> UInt64 {
        let result = rotate(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = rotate(s3, 45)
        return result
    }

    /// Uniform in [0, 1) with 53 random bits.
    mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Uniform integer in low..<high (sklearn's rand_int; the modulo bias is below 2^-40 here).
    mutating func nextInt(_ low: Int, _ high: Int) -> Int {
        low + Int(next() % UInt64(high - low))
    }

    private func rotate(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
}
