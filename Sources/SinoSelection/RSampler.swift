import SinoRandom

/// R's default random numbers (R >= 3.6: `RNGkind("Mersenne-Twister", "Inversion",
/// "Rejection")`), enough to reproduce `set.seed(seed); sample(...)`, which cv.glmnet uses to
/// draw its folds (`sample(rep(seq(nfolds), length = N))`).
///
/// Follows R 4.2's src/main/RNG.c (`Randomize`/`RNG_Init`: 50 scrambles of the seed by the
/// linear congruential 69069x + 1, then one word per MT state word; `MT_genrand`;
/// `R_unif_index` with `rbits`) and src/main/random.c (`do_sample`, whose no-replacement
/// draw swaps the chosen item with the last one of the pool).
public struct RSampler: Sendable {
    private var generator: MersenneTwister

    /// The generator after `set.seed(seed)`.
    public init(seed: Int32) {
        var x = UInt32(bitPattern: seed)
        for _ in 0..<50 { x = x &* 69069 &+ 1 }
        // RNG_Init fills dummy[0] (mti) and the 624 state words; FixupSeeds then sets mti = 624
        // (dummy[0] = 624 forces a regeneration at the first draw).
        x = x &* 69069 &+ 1
        var state = [UInt32](repeating: 0, count: 624)
        for i in 0..<624 {
            x = x &* 69069 &+ 1
            state[i] = x
        }
        generator = MersenneTwister(state: state, position: 624)
    }

    /// `unif_rand()`: one MT19937 output in [0, 1), as R scales it (2^-32, then fixup to (0, 1)).
    public mutating func uniform() -> Double {
        let value = Double(generator.next()) * 2.3283064365386963e-10
        // fixup(): keep strictly inside (0, 1).
        if value <= 0 { return 0.5 * 2.328306437080797e-10 }
        if 1 - value <= 0 { return 1 - 0.5 * 2.328306437080797e-10 }
        return value
    }

    /// `R_unif_index(n)`: a uniform integer in 0..<n by rejection sampling on ceil(log2 n) bits.
    public mutating func index(below n: Int) -> Int {
        precondition(n > 0, "index(below:) needs a positive bound")
        // As R, n = 1 still draws once (rbits(0) runs its loop one time).
        var bits = 0
        while (1 << bits) < n { bits += 1 }
        while true {
            var v = 0
            var c = 0
            while c <= bits {
                v = 65536 * v + Int((65536 * uniform()).rounded(.down))
                c += 16
            }
            v &= (1 << bits) - 1
            if v < n { return v }
        }
    }

    /// `sample(x)` without replacement: a random permutation of `items`.
    public mutating func permutation<T>(of items: [T]) -> [T] {
        var pool = Array(items.indices)
        var remaining = pool.count
        var result: [T] = []
        result.reserveCapacity(items.count)
        for _ in items.indices {
            let j = index(below: remaining)
            result.append(items[pool[j]])
            pool[j] = pool[remaining - 1]
            remaining -= 1
        }
        return result
    }

    /// cv.glmnet's default folds: `set.seed(seed); sample(rep(seq(folds), length = n))`, as
    /// 1-based fold numbers.
    public static func foldIDs(count n: Int, folds: Int, seed: Int32) -> [Int] {
        var sampler = RSampler(seed: seed)
        return sampler.permutation(of: (0..<n).map { $0 % folds + 1 })
    }
}
