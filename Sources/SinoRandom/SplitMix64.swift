/// SplitMix64 (Steele, Lea & Flood 2014; Vigna's splitmix64.c): a 64-bit state advanced by
/// the golden-ratio increment and mixed by Stafford's variant 13. SinoNet draws its
/// initialisation and dropout masks from it; `SeededGenerator` uses it to expand a seed.
///
///     var generator = SplitMix64(seed: 7)
///     let bits = generator.next()
///     let u = generator.nextUnitFloat()   // in [0, 1)
@frozen
public struct SplitMix64: RandomNumberGenerator, Sendable {
    @usableFromInline var state: UInt64

    @inlinable
    public init(seed: UInt64) { state = seed }

    @inlinable
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1) with 24 random bits (every Float step of [0, 1) at that resolution).
    @inlinable
    public mutating func nextUnitFloat() -> Float {
        Float(next() >> 40) * (1.0 / 16_777_216.0)
    }
}
