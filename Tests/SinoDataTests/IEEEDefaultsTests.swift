import Foundation
import Testing

@testable import SinoData

@Suite("IEEE default rounding on pooled threads")
struct IEEEDefaultsTests {
    /// A sum whose last bit depends on the rounding mode: 1 + 2^-30 repeated in Float.
    static func sum(_ count: Int) -> Float {
        var total: Float = 1
        for _ in 0..<count { total += 0x1p-30 }
        return total
    }

    @Test("tasks of a parallel loop run to nearest on 1 and 3 threads while the caller rounds upward; the caller's mode comes back")
    func parallelLoop() {
        let nearest = Self.sum(1000)
        #expect(nearest == 1)
        let before = fegetround()
        fesetround(0x800) // x86 FE_UPWARD
        defer { fesetround(before) }
        #expect(Self.sum(1000) > 1, "upward rounding must change this sum, or the test shows nothing")
        #expect(!IEEEDefaults.inEffect)
        for threads in [1, 3] {
            let results = ParallelLoop.map(count: 12, threads: threads) { _ in (IEEEDefaults.inEffect, Self.sum(1000)) }
            #expect(results.allSatisfy { $0.0 && $0.1 == nearest }, "\(threads) thread(s): \(results)")
            #expect(fegetround() == 0x800)
        }
        let direct = IEEEDefaults.run { Self.sum(1000) }
        #expect(direct == nearest)
        #expect(fegetround() == 0x800)
    }
}
