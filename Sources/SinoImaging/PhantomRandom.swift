import Foundation
import SinoData
import SinoRandom

/// Seeds of the phantom. Each patient gets its own seed from the study seed and its id, and
/// each part of a patient's phantom (anatomy, tumour, texture, bias, noise of each image) its
/// own stream from that seed, so that changing how one part draws leaves the others unchanged
/// and patients can be generated in any order on any number of threads.
public enum PhantomSeeds {
    /// SplitMix64's output function (Steele, Lea & Flood 2014): the first output of a
    /// SplitMix64 seeded with `value`.
    static func mix(_ value: UInt64) -> UInt64 {
        var generator = SplitMix64(seed: value)
        return generator.next()
    }

    /// 64-bit FNV-1a of the id's UTF-8 bytes.
    static func hash(_ text: String) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return h
    }

    /// The seed of one patient's phantom: mix(studySeed XOR FNV-1a(patientID)).
    public static func patient(studySeed: UInt64, patientID: String) -> UInt64 {
        mix(studySeed ^ hash(patientID))
    }

    /// Stream `part` of a patient's seed.
    static func stream(_ seed: UInt64, _ part: PhantomStream) -> UInt64 {
        mix(seed &+ part.rawValue &* 0xD1B5_4A32_D192_ED03)
    }
}

/// The independent random streams of one patient's phantom.
enum PhantomStream: UInt64 {
    case anatomy = 1, tumour, texture, bias, noiseT2, noiseCE, noiseB0, noiseB
}

/// Convenience draws on top of SinoRandom's xoshiro256** generator.
struct PhantomRandom {
    var generator: SeededGenerator

    init(seed: UInt64) { generator = SeededGenerator(seed: seed) }

    mutating func uniform(_ a: Double, _ b: Double) -> Double { a + (b - a) * generator.uniform() }
    mutating func normal(_ mean: Double, _ sd: Double) -> Double { generator.normal(mean: mean, sd: sd) }
    mutating func chance(_ p: Double) -> Bool { generator.bernoulli(p) }
    mutating func pick(_ weights: [Double]) -> Int { generator.categorical(weights) }
    mutating func sign() -> Double { generator.bernoulli(0.5) ? 1 : -1 }

    /// A uniformly distributed unit vector.
    mutating func direction() -> PhantomPoint {
        let z = uniform(-1, 1), phi = uniform(0, 2 * Double.pi)
        let r = (1 - z * z).squareRoot()
        return PhantomPoint(r * cos(phi), r * sin(phi), z)
    }
}

/// Standard normal Float32 pairs for image noise: SinoRandom's xoshiro256** `SeededGenerator`
/// (inlined into the per-voxel loop: its draws are `@inlinable`), then Marsaglia's polar
/// method on two 24-bit uniforms taken from one 64-bit output (no trigonometry; a pair is
/// rejected about 21% of the time, deterministically).
struct PhantomNoiseStream {
    private var generator: SeededGenerator

    init(seed: UInt64) { generator = SeededGenerator(seed: seed) }

    @inline(__always) mutating func next() -> UInt64 { generator.next() }

    /// Two independent standard normal values: the real and imaginary parts of complex
    /// Gaussian noise.
    @inline(__always) mutating func normalPair() -> (Float, Float) {
        while true {
            let bits = next()
            let u = Float(bits >> 40) * 0x1p-23 - 1 // [-1, 1)
            let v = Float((bits >> 16) & 0xFF_FFFF) * 0x1p-23 - 1
            let s = u * u + v * v
            if s > 0 && s < 1 {
                let factor = (-2 * log(s) / s).squareRoot()
                return (u * factor, v * factor)
            }
        }
    }
}
