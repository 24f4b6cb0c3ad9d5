import CBLAS
import Dispatch
import Foundation
import SinoData

/// SinoNet's own threads: how a network splits the work of one pass over `count` threads.
///
/// The split never changes a result. Work is cut into tasks whose boundaries depend only on
/// the layer's shape (an image, a group of images, a range of channels or elements, one of the
/// two halves of a GEMM), each task writes its own part of the output, and a task's result
/// does not depend on which thread ran it; where tasks' results are summed (weight gradients
/// over groups of images) they are added in group order afterwards. So a network computes the
/// same bits on 1, 2 or 16 threads.
///
/// OpenBLAS runs one thread inside a pass: its threaded `sgemm` partitions a product by the
/// thread count, and the partition can change the rounding (its kernels sum each block of the
/// inner dimension separately); it also leaves its threads spinning between calls. A pass holds
/// OpenBLAS on one thread (`OpenBLASThreads.one`) and the process's setting comes back when it
/// ends.
public struct Workers: Sendable {
    /// Threads a pass uses (at least 1).
    public let count: Int

    public init(_ count: Int) {
        precondition(count >= 1, "a network needs at least one thread, got \(count)")
        self.count = count
    }

    /// One thread: everything serial.
    public static let serial = Workers(1)

    /// The thread count from the environment: SINORAD_THREADS, else OPENBLAS_NUM_THREADS, else
    /// every active core.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> Int {
        for key in ["SINORAD_THREADS", "OPENBLAS_NUM_THREADS"] {
            if let value = environment[key].flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }), value >= 1 { return value }
        }
        return max(1, ProcessInfo.processInfo.activeProcessorCount)
    }

    var isParallel: Bool { count > 1 }

    /// Runs body(task, slot) for task in 0 ..< tasks on up to `count` threads; `slot` (0 ..<
    /// min(count, tasks)) names the thread running it, for per-thread scratch space. Threads
    /// take the next unclaimed task when free.
    func run(_ tasks: Int, _ body: (_ task: Int, _ slot: Int) -> Void) {
        ParallelLoop.run(count: tasks, threads: count, body)
    }

    /// Runs body(range) over `total` items cut into ranges, about four per thread, each of at
    /// least `grain` floats of work (`itemCost` per item); serial when there is less.
    func ranges(_ total: Int, itemCost: Int = 1, grain: Int = 1 << 18, _ body: (Range<Int>) -> Void) {
        let pieces = isParallel ? min(4 * count, total, total * itemCost / grain) : 1
        guard pieces > 1 else {
            body(0..<total)
            return
        }
        run(pieces) { p, _ in body(total * p / pieces..<total * (p + 1) / pieces) }
    }

    /// C = alpha op(A) op(B) + beta C (row-major `cblas_sgemm`) as two products over the halves
    /// of C's longer side when it is large enough, on two threads when there are. The halves
    /// depend only on the shape, so the bits do not depend on the thread count. `split: false`:
    /// one product on the calling thread.
    func gemm(
        _ transA: CBLAS_TRANSPOSE, _ transB: CBLAS_TRANSPOSE, _ m: Int, _ n: Int, _ k: Int,
        _ alpha: Float, _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int,
        _ beta: Float, _ c: UnsafeMutablePointer<Float>, _ ldc: Int, split: Bool = true
    ) {
        func product(_ rows: Range<Int>, _ columns: Range<Int>) {
            // Row r of op(A) starts at a + r*lda untransposed, at a + r transposed; column j of
            // op(B) at b + j untransposed, at b + j*ldb transposed.
            let ar = transA == CblasNoTrans ? a + rows.lowerBound * lda : a + rows.lowerBound
            let bc = transB == CblasNoTrans ? b + columns.lowerBound : b + columns.lowerBound * ldb
            sgemm(
                transA, transB, rows.count, columns.count, k, alpha, ar, lda, bc, ldb, beta,
                c + rows.lowerBound * ldc + columns.lowerBound, ldc)
        }
        guard split && m * n * k >= Self.splitGEMMWork && max(m, n) >= 32 else {
            product(0..<m, 0..<n)
            return
        }
        let rows = m >= n, length = rows ? m : n, half = (length / 2 + 15) / 16 * 16
        run(2) { piece, _ in
            let part = piece == 0 ? 0..<half : half..<length
            if rows { product(part, 0..<n) } else { product(0..<m, part) }
        }
    }

    /// Multiply-adds from which a GEMM is computed in two halves (about 0.3 ms on one core with
    /// AVX2: below it, handing a half to the other thread costs more than it saves; measured
    /// with ResNet-50, ResNet-101 and DenseNet-121 at batch 1 against 2^22 and 2^25).
    static let splitGEMMWork = 1 << 24

    /// Runs `pass` with OpenBLAS on one thread (`OpenBLASThreads.one`).
    func pass<T>(_ pass: () -> T) -> T { OpenBLASThreads.one(pass) }
}

/// Row-major `cblas_sgemm`, C = alpha op(A) op(B) + beta C, where beta 0 clears C with `memset`
/// and asks OpenBLAS for beta 1. For beta 0, OpenBLAS 0.3.21 clears C itself one float per
/// store (`sgemm_beta`, the generic kernel in its Zen and Haswell builds: 4.2 % of ResNet-50's
/// batch-1 forward pass in `perf`, the memset 2.2 %) and then adds the products to C, as it does for beta 1; so
/// both give the same bits.
@inline(__always)
func sgemm(
    _ transA: CBLAS_TRANSPOSE, _ transB: CBLAS_TRANSPOSE, _ m: Int, _ n: Int, _ k: Int,
    _ alpha: Float, _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int,
    _ beta: Float, _ c: UnsafeMutablePointer<Float>, _ ldc: Int
) {
    var beta = beta
    if beta == 0 && m > 0 && n > 0 {
        if ldc == n {
            c.update(repeating: 0, count: m * n)
        } else {
            for r in 0..<m { (c + r * ldc).update(repeating: 0, count: n) }
        }
        beta = 1
    }
    cblas_sgemm(
        CblasRowMajor, transA, transB, Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
}
