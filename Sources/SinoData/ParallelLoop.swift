import Dispatch
import Foundation

/// Parallel loops over independent tasks (trees, patients, slices) whose results do not
/// depend on the thread count: each task depends only on its index and results are stored by
/// index. Threads take the next unclaimed task when they are free (tasks differ in cost: a
/// static share would leave a thread idle at the end).
public enum ParallelLoop {
    /// The thread count to use: `requested`, or every active core.
    public static func threadCount(_ requested: Int?) -> Int {
        max(1, requested ?? ProcessInfo.processInfo.activeProcessorCount)
    }

    /// Runs body(0..<count) on up to `threads` threads.
    public static func run(count: Int, threads: Int, _ body: (Int) -> Void) {
        run(count: count, threads: threads) { i, _ in body(i) }
    }

    /// Runs body(task, slot) for task in 0..<count on up to `threads` threads; `slot` (0 ..<
    /// min(threads, count)) names the thread running the task, for per-thread scratch space.
    public static func run(count: Int, threads: Int, _ body: (_ task: Int, _ slot: Int) -> Void) {
        let workers = min(threads, count)
        guard workers > 1 else { for i in 0..<count { body(i, 0) }; return }
        let next = TaskCounter()
        withoutActuallyEscaping(body) { body in
            let task = UncheckedBody(body: body)
            DispatchQueue.concurrentPerform(iterations: workers) { slot in
                while true {
                    let i = next.claim()
                    guard i < count else { return }
                    task.body(i, slot)
                }
            }
        }
    }

    /// An array of `count` results computed in parallel by `make(i)`.
    public static func map<T>(count: Int, threads: Int, _ make: (Int) -> T) -> [T] {
        [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            let output = DisjointWrites(base: buffer)
            run(count: count, threads: threads) { i in (output.base.baseAddress! + i).initialize(to: make(i)) }
            initialized = count
        }
    }

    /// `map` whose tasks also get their thread's slot (as `run(count:threads:_:)` gives it), for
    /// per-thread scratch space.
    public static func mapWithSlot<T>(count: Int, threads: Int, _ make: (_ task: Int, _ slot: Int) -> T) -> [T] {
        [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            let output = DisjointWrites(base: buffer)
            run(count: count, threads: threads) { i, slot in (output.base.baseAddress! + i).initialize(to: make(i, slot)) }
            initialized = count
        }
    }

    /// `map` for throwing tasks: every task runs, then the error of the lowest failing index
    /// is rethrown, whatever the thread count.
    public static func map<T>(count: Int, threads: Int, _ make: (Int) throws -> T) throws -> [T] {
        let outcomes: [Result<T, Error>] = map(count: count, threads: threads) { i in Result { try make(i) } }
        return try outcomes.map { try $0.get() }
    }
}

/// A buffer that parallel tasks write to at disjoint indices (each index by one task only),
/// which is what makes sharing it across threads safe.
struct DisjointWrites<Element>: @unchecked Sendable {
    let base: UnsafeMutableBufferPointer<Element>
}

private struct UncheckedBody: @unchecked Sendable {
    let body: (Int, Int) -> Void
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
