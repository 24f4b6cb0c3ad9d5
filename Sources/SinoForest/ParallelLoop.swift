import Dispatch
import Foundation

/// A buffer that parallel tasks write to at disjoint indices (each index by one task only),
/// which is what makes sharing it across threads safe.
struct DisjointWrites<Element>: @unchecked Sendable {
    let base: UnsafeMutableBufferPointer<Element>
    subscript(i: Int) -> Element {
        get { base[i] }
        nonmutating set { base[i] = newValue }
    }
}

enum ParallelLoop {
    /// The thread count to use: `requested`, or every active core.
    static func threadCount(_ requested: Int?) -> Int {
        max(1, requested ?? ProcessInfo.processInfo.activeProcessorCount)
    }

    /// Runs body(0..<count) on `threads` threads, task i on thread i % threads. Each task must
    /// only depend on its index, so results do not depend on the thread count.
    static func run(count: Int, threads: Int, _ body: (Int) -> Void) {
        let workers = min(threads, count)
        guard workers > 1 else { for i in 0..<count { body(i) }; return }
        withoutActuallyEscaping(body) { body in
            let task = UncheckedBody(body: body)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                for i in stride(from: worker, to: count, by: workers) { task.body(i) }
            }
        }
    }

    /// Fills an array of `count` results computed in parallel by `make(i)`.
    static func map<T>(count: Int, threads: Int, _ make: (Int) -> T) -> [T] {
        [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            let output = DisjointWrites(base: buffer)
            run(count: count, threads: threads) { i in (output.base.baseAddress! + i).initialize(to: make(i)) }
            initialized = count
        }
    }
}

private struct UncheckedBody: @unchecked Sendable {
    let body: (Int) -> Void
}
