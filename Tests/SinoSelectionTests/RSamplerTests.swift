import Foundation
import TestSupport
import Testing

@testable import SinoSelection

/// RSampler against R's own `set.seed` + `runif` / `sample` (scripts/peers/r_sample.R).
@Suite("R's sampler")
struct RSamplerTests {
    struct Fixture: Decodable {
        struct Folds: Decodable {
            var seed: Int32
            var n: Int
            var folds: Int
            var foldid: [Int]
        }
        struct Uniform: Decodable {
            var seed: Int32
            var words: [Double]
        }
        struct SampleInt: Decodable {
            var seed: Int32
            var n: Int
            var values: [Int]
        }
        var folds: [Folds]
        var uniform: [Uniform]
        var sampleInt: [SampleInt]
    }

    static let fixture = try! Fixtures.decode(Fixture.self, "selection/r_sample.json")

    @Test("set.seed(s); runif(1000) bit for bit (as the integers runif * 2^32)")
    func uniform() {
        for case_ in Self.fixture.uniform {
            var sampler = RSampler(seed: case_.seed)
            let words = (0..<case_.words.count).map { _ in sampler.uniform() * 4_294_967_296 }
            let differing = zip(words, case_.words).filter { $0 != $1 }.count
            #expect(differing == 0, "seed \(case_.seed): \(differing) of \(words.count) draws differ from R's")
        }
    }

    @Test("cv.glmnet's folds: set.seed(s); sample(rep(seq(k), length = n))")
    func folds() {
        for case_ in Self.fixture.folds {
            let ids = RSampler.foldIDs(count: case_.n, folds: case_.folds, seed: case_.seed)
            #expect(ids == case_.foldid, "seed \(case_.seed), n \(case_.n), k \(case_.folds)")
        }
        print("[compare] RSampler folds: \(Self.fixture.folds.count) (seed, n, k) cases equal to R's sample")
    }

    @Test("sample.int(100000, 200) needs two 16-bit words per index")
    func largeIndices() {
        for case_ in Self.fixture.sampleInt {
            var sampler = RSampler(seed: case_.seed)
            var pool = Array(1...case_.n)
            var remaining = case_.n
            var drawn: [Int] = []
            for _ in case_.values.indices {
                let j = sampler.index(below: remaining)
                drawn.append(pool[j])
                pool[j] = pool[remaining - 1]
                remaining -= 1
            }
            #expect(drawn == case_.values, "seed \(case_.seed)")
        }
    }
}
