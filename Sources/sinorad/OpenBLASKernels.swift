import CBLAS
import Foundation

/// Debian 12's OpenBLAS (0.3.21, built for every x86-64 core and choosing at load time) does
/// not recognise CPUs newer than it (Sapphire Rapids and later Xeons report themselves as a
/// plain "Intel(R) Xeon(R) Processor" family it has no entry for) and falls back to its Prescott
/// (SSE3) kernels: sgemm, and so CNN training, runs at half speed or less. When that happens on a
/// CPU that has AVX-512 (or AVX2 and FMA), sinorad starts itself again, once, with
/// OPENBLAS_CORETYPE naming the kernels the CPU can run (SkylakeX or Haswell); OpenBLAS reads
/// that variable only when it loads. Setting OPENBLAS_CORETYPE yourself turns this off.
enum OpenBLASKernels {
    static func ensureNativeKernels() {
        #if os(Linux) && arch(x86_64)
            guard ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == nil,
                let name = openblas_get_corename(), String(cString: name).lowercased() == "prescott",
                let core = nativeCore()
            else { return }
            setenv("OPENBLAS_CORETYPE", core, 1)
            execv("/proc/self/exe", CommandLine.unsafeArgv)
        // execv returns only on failure: carry on with the slower kernels.
        #endif
    }

    /// The OpenBLAS core type the CPU's flags (/proc/cpuinfo) allow, best first.
    static func nativeCore() -> String? {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") })
        else { return nil }
        let flags = Set(line.split(separator: " ").map(String.init))
        if ["avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512cd"].allSatisfy(flags.contains) { return "SKYLAKEX" }
        if ["avx2", "fma"].allSatisfy(flags.contains) { return "HASWELL" }
        return nil
    }

    /// OpenBLAS starts its worker threads when it loads, and each spins (sched_yield) for about
    /// 0.1 s before it sleeps, taking a core from whatever sinorad does first (reading a feature
    /// table for `radiomics select` and `model`). Stopping them gives that time back; OpenBLAS starts
    /// them again at its first call that uses them (`blas_thread_shutdown_`, the function its
    /// own fork handler calls; looked up at run time, skipped where the library lacks it).
    static func stopIdleThreads() {
        #if os(Linux)
            guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "blas_thread_shutdown_") else { return }
            typealias Shutdown = @convention(c) () -> Int32
            _ = unsafeBitCast(symbol, to: Shutdown.self)()
        #endif
    }
}
