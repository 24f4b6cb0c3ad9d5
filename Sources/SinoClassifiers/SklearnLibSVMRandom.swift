import SinoRandom

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
