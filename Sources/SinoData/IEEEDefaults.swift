#if canImport(Glibc)
    import Glibc
#endif

/// The floating-point environment SinoRad's results are defined under: IEEE 754's default
/// rounding (to nearest, ties to even), subnormal numbers kept (no flush-to-zero, no
/// denormals-are-zero).
///
/// Rounding mode and the flush flags belong to each thread (x86's MXCSR and x87 control word),
/// and a thread keeps whatever the last code on it left; a thread also starts with its
/// creator's. Code elsewhere in a process (a library, a host application, interval
/// arithmetic) that leaves another mode on a pooled thread would otherwise change SinoRad's
/// float results: a ResNet's 20-step loss curve under upward rounding ends 3.6e-3 away from
/// the same steps rounded to nearest. `run` gives its body the default environment and puts
/// the thread's own back afterwards; where the thread already has the defaults it costs one
/// read of the environment.
public enum IEEEDefaults {
    /// MXCSR's rounding bits, flush-to-zero and denormals-are-zero.
    private static let mxcsrModes: UInt32 = 0x6000 | 0x8000 | 0x0040
    /// The x87 control word's rounding bits (long double arithmetic, some libm paths).
    private static let x87Rounding: UInt16 = 0x0C00

    /// Runs `body` with round-to-nearest and subnormals kept on this thread.
    public static func run<T>(_ body: () throws -> T) rethrows -> T {
        #if arch(x86_64) && canImport(Glibc)
            var saved = fenv_t()
            fegetenv(&saved)
            if saved.__mxcsr & mxcsrModes == 0 && saved.__control_word & x87Rounding == 0 { return try body() }
            var standard = saved
            standard.__mxcsr &= ~mxcsrModes
            standard.__control_word &= ~x87Rounding
            fesetenv(&standard)
            defer { fesetenv(&saved) }
            return try body()
        #else
            return try body()
        #endif
    }

    /// Whether this thread now rounds to nearest and keeps subnormals (tests).
    public static var inEffect: Bool {
        #if arch(x86_64) && canImport(Glibc)
            var env = fenv_t()
            fegetenv(&env)
            return env.__mxcsr & mxcsrModes == 0 && env.__control_word & x87Rounding == 0
        #else
            return true
        #endif
    }
}
