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

    /// Runs body(0..<count) on `threads` threads, each taking the next unclaimed task when it
    /// is free (tasks differ in cost: a static share would leave a thread idle at the end).
    /// Each task must only depend on its index, so results do not depend on the thread count
    /// or on which thread ran which task.
    static func run(count: Int, threads: Int, _ body: (Int) -> Void) {
        let workers = min(threads, count)
        guard workers > 1 else { for i in 0..<count { body(i) }; return }
        let next = TaskCounter()
        withoutActuallyEscaping(body) { body in
            let task = UncheckedBody(body: body)
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                while true {
                    let i = next.claim()
                    guard i < count else { return }
                    task.body(i)
                }
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

/// Hands out 0, 1, 2, ... to whichever thread asks next.
private final class TaskCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0

    func claim() -> Int {
        lock.lock()
        defer { lock.unlock() }
        next += 1
        return next - 1
    }
}
