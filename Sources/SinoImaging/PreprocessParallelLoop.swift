import Dispatch
import Foundation

/// Parallel map over independent tasks (patients, slices) for SinoImaging. Each task depends
/// only on its index, and results are stored by index, so the output is the same for any
/// thread count or scheduling. A throwing task's error is rethrown after the loop: the error
/// of the lowest index, again whatever the thread count.
enum ImagingParallelLoop {
    static func threadCount(_ requested: Int?) -> Int {
        max(1, requested ?? ProcessInfo.processInfo.activeProcessorCount)
    }

    static func map<T>(count: Int, threads: Int?, _ make: (Int) throws -> T) throws -> [T] {
        var results = [T?](repeating: nil, count: count)
        var errors = [Error?](repeating: nil, count: count)
        let workers = min(threadCount(threads), count)
        if workers <= 1 {
            for i in 0..<count {
                do { results[i] = try make(i) } catch { errors[i] = error; break }
            }
        } else {
            results.withUnsafeMutableBufferPointer { resultBuffer in
                errors.withUnsafeMutableBufferPointer { errorBuffer in
                    let output = ImagingDisjointWrites(results: resultBuffer, errors: errorBuffer)
                    let next = ImagingTaskCounter()
                    withoutActuallyEscaping(make) { make in
                        let task = ImagingUncheckedTask(make: make)
                        DispatchQueue.concurrentPerform(iterations: workers) { _ in
                            while true {
                                let i = next.claim()
                                guard i < count else { return }
                                do { output.results[i] = try task.make(i) } catch { output.errors[i] = error }
                            }
                        }
                    }
                }
            }
        }
        if let error = errors.lazy.compactMap({ $0 }).first { throw error }
        return results.map { $0! }
    }
}

/// Buffers written at disjoint indices, one task per index: safe to share across threads.
private struct ImagingDisjointWrites<T>: @unchecked Sendable {
    let results: UnsafeMutableBufferPointer<T?>
    let errors: UnsafeMutableBufferPointer<Error?>
}

private struct ImagingUncheckedTask<T>: @unchecked Sendable {
    let make: (Int) throws -> T
}

/// Hands out 0, 1, 2, ... to whichever thread asks next.
private final class ImagingTaskCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0

    func claim() -> Int {
        lock.lock()
        defer { lock.unlock() }
        next += 1
        return next - 1
    }
}
