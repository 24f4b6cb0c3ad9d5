import Foundation
import SinoRandom
import TestSupport
import Testing

/// SinoRandom's generators against the authors' C code (scripts/peers/prng_reference.c,
/// written from prng.di.unimi.it's splitmix64.c and xoshiro256starstar.c; scripts/peers/prng.sh
/// writes Tests/Fixtures/prng.json).
@Suite("SinoRandom reference outputs")
struct ReferenceOutputTests {
    struct Case: Decodable {
        let seed: String
        let splitmix64: [String]
        let xoshiro256starstar: [String]
    }

    struct Fixture: Decodable {
        let cases: [Case]
    }

    static func cases() throws -> [Case] { try Fixtures.decode(Fixture.self, "prng.json").cases }

    @Test("SplitMix64 gives splitmix64.c's first outputs")
    func splitMix64() throws {
        let cases = try Self.cases()
        #expect(cases.count == 5)
        for c in cases {
            var generator = SplitMix64(seed: try #require(UInt64(c.seed)))
            let ours = c.splitmix64.map { _ in String(generator.next()) }
            #expect(ours == c.splitmix64, "seed \(c.seed)")
        }
    }

    @Test("SeededGenerator gives xoshiro256starstar.c's first outputs from a splitmix64-filled state")
    func xoshiro256StarStar() throws {
        for c in try Self.cases() {
            var generator = SeededGenerator(seed: try #require(UInt64(c.seed)))
            let ours = c.xoshiro256starstar.map { _ in String(generator.next()) }
            #expect(ours == c.xoshiro256starstar, "seed \(c.seed)")
        }
    }

    @Test("a numbered stream is the generator of seed XOR SplitMix64(index)'s first output")
    func streams() {
        for (seed, index) in [(UInt64(0), 0), (7, 3), (20250056, 499)] {
            var mixer = SplitMix64(seed: UInt64(index))
            var expected = SeededGenerator(seed: seed ^ mixer.next())
            var stream = SeededGenerator(seed: seed, stream: index)
            #expect((0..<8).map { _ in stream.next() } == (0..<8).map { _ in expected.next() })
        }
    }

    @Test("uniform draws use the top bits: [0, 1) doubles from 53 bits, floats from 24")
    func unitDraws() {
        var a = SeededGenerator(seed: 42), b = SeededGenerator(seed: 42)
        for _ in 0..<100 {
            let u = a.uniform()
            #expect(u == Double(b.next() >> 11) / 9_007_199_254_740_992 && u >= 0 && u < 1)
        }
        var c = SplitMix64(seed: 42), d = SplitMix64(seed: 42)
        for _ in 0..<100 {
            let u = c.nextUnitFloat()
            #expect(u == Float(d.next() >> 40) / 16_777_216 && u >= 0 && u < 1)
        }
        var e = SeededGenerator(seed: 1), f = SeededGenerator(seed: 1)
        for _ in 0..<100 { #expect(e.nextInt(3, 10) == 3 + Int(f.next() % 7)) }
    }
}
