import CBLAS
import Foundation

/// OpenBLAS's thread count is one setting for the whole process. Code that needs OpenBLAS on one
/// thread for a while (its own threads call BLAS side by side, or its results must not depend on
/// how OpenBLAS partitions a product) runs through `one`: the first of any concurrent holders sets
/// one thread, the last restores the process's setting. Setting it directly around such code
/// would let one holder's restore make another's BLAS calls threaded while it still runs.
public enum OpenBLASThreads {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var holders = 0
    nonisolated(unsafe) private static var saved: Int32 = 1

    /// The kernel set OpenBLAS chose when it loaded ("Cooperlake", "SkylakeX", "Haswell", ...):
    /// its own detection of the CPU, or the variable OPENBLAS_CORETYPE where it is set
    /// (docs/PERFORMANCE.md compares the AVX-512 and AVX2 "Haswell" sets).
    public static var core: String { openblas_get_corename().map { String(cString: $0) } ?? "unknown" }

    /// Runs `body` with OpenBLAS on one thread.
    public static func one<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        if holders == 0 {
            saved = openblas_get_num_threads()
            if saved != 1 { openblas_set_num_threads(1) }
        }
        holders += 1
        lock.unlock()
        defer {
            lock.lock()
            holders -= 1
            if holders == 0 && saved != 1 { openblas_set_num_threads(saved) }
            lock.unlock()
        }
        return try body()
    }
}
