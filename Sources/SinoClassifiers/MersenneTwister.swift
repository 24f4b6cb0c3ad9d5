/// MT19937 (Matsumoto & Nishimura 1998) with its 32-bit tempered outputs: the generator behind
/// both numpy's legacy `RandomState` and C++'s `std::mt19937`, which share `init_genrand`.
///
/// SinoClassifiers needs it to reproduce scikit-learn's SVC: sklearn derives libsvm's seed from
/// `random_state` with numpy and its libsvm fork shuffles with `std::mt19937`
/// (`sklearn/svm/src/newrand/newrand.h`).
struct MersenneTwister {
    private var state: [UInt32]
    private var index: Int

    /// `init_genrand(seed)`: numpy's `RandomState(seed)` for an integer seed, and
    /// `std::mt19937(seed)`.
    init(seed: UInt32) {
        state = Array(repeating: 0, count: 624)
        state[0] = seed
        for i in 1..<624 {
            let previous = state[i - 1]
            state[i] = 1_812_433_253 &* (previous ^ (previous >> 30)) &+ UInt32(i)
        }
        index = 624
    }

    /// The next tempered 32-bit output (`genrand_int32`, `std::mt19937::operator()`).
    mutating func next() -> UInt32 {
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

/// The random stream of scikit-learn's libsvm fork (`newrand.h`): a `std::mt19937` that every
/// `svm_train` call re-seeds with the same seed, drawn from by a tweaked Lemire bounded draw.
struct SklearnLibSVMRandom {
    /// The seed sklearn's `fit` passes to libsvm (`random_seed`).
    let seed: UInt32
    private var generator: MersenneTwister

    init(seed: UInt32) {
        self.seed = seed
        generator = MersenneTwister(seed: seed)
    }

    /// The seed `BaseLibSVM.fit` derives from an integer `random_state`:
    /// `np.random.RandomState(random_state).randint(2**31 - 1)`, i.e. the first MT19937 output
    /// masked to 31 bits, redrawn while it equals 2^31 - 1 (numpy's masked rejection).
    static func seed(randomState: UInt32) -> UInt32 {
        var generator = MersenneTwister(seed: randomState)
        while true {
            let value = generator.next() & 0x7FFF_FFFF
            if value != 0x7FFF_FFFF { return value }
        }
    }

    /// `set_seed(random_seed)`, which the fork's `svm_train` runs at every call.
    mutating func reseed() { generator = MersenneTwister(seed: seed) }

    /// `bounded_rand_int(range)`: a draw in 0..<range by Lemire's multiply-and-shift with
    /// rejection of the biased low products.
    mutating func bounded(_ range: UInt32) -> UInt32 {
        var m = UInt64(generator.next()) * UInt64(range)
        var low = UInt32(truncatingIfNeeded: m)
        if low < range {
            let threshold = (0 &- range) % range
            while low < threshold {
                m = UInt64(generator.next()) * UInt64(range)
                low = UInt32(truncatingIfNeeded: m)
            }
        }
        return UInt32(truncatingIfNeeded: m >> 32)
    }
}
