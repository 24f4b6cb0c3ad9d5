import Foundation

/// Counts finished items across threads; `increment` returns the count when a progress line
/// is due (about `reports` times over the run, and at the end).
public final class ProgressCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var done = 0
    private let total: Int
    private let every: Int

    /// `reports`: how many progress lines a run gives (10: about every 10 %).
    public init(total: Int, reports: Int = 10) {
        self.total = total
        every = max(1, total / max(1, reports))
    }

    public func increment() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        done += 1
        return done % every == 0 || done == total ? done : nil
    }
}
