/// MT19937 (Matsumoto & Nishimura 1998) with its 32-bit tempered outputs: the generator behind
/// numpy's legacy `RandomState`, C++'s `std::mt19937` (both seeded by `init_genrand`) and R's
/// default "Mersenne-Twister" (seeded by R's own scrambling, given here as the raw state).
/// SinoClassifiers reproduces scikit-learn's SVC with it, SinoSelection R's `sample`.
public struct MersenneTwister: Sendable {
    private var state: [UInt32]
    private var index: Int

    /// `init_genrand(seed)`: numpy's `RandomState(seed)` for an integer seed, and
    /// `std::mt19937(seed)`.
    public init(seed: UInt32) {
        state = Array(repeating: 0, count: 624)
        state[0] = seed
        for i in 1..<624 {
            let previous = state[i - 1]
            state[i] = 1_812_433_253 &* (previous ^ (previous >> 30)) &+ UInt32(i)
        }
        index = 624
    }

    /// A generator from its 624 state words and position (624: regenerate before the next draw).
    public init(state: [UInt32], position: Int) {
        precondition(state.count == 624 && (0...624).contains(position), "MT19937 has 624 state words")
        self.state = state
        index = position
    }

    /// The next tempered 32-bit output (`genrand_int32`, `std::mt19937::operator()`).
    @inlinable
    public mutating func next() -> UInt32 {
        nextTempered()
    }

    @usableFromInline
    mutating func nextTempered() -> UInt32 {
        if index >= 624 { twist() }
        var y = state[index]
        index += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C_5680
        y ^= (y << 15) & 0xEFC6_0000
        y ^= y >> 18
        return y
    }

    private mutating func twist() {
        for i in 0..<624 {
            let y = (state[i] & 0x8000_0000) | (state[(i + 1) % 624] & 0x7FFF_FFFF)
            var value = state[(i + 397) % 624] ^ (y >> 1)
            if y & 1 != 0 { value ^= 0x9908_B0DF }
            state[i] = value
        }
        index = 0
    }
}
