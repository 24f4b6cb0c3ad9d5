import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// An exclusive lock on a study's output folder for the length of one run, so that two runs
/// never write the same cache, tables and report at once.
///
/// The lock is `flock(2)` on `<folder>/.sinorad.lock`: the kernel releases it when the run's
/// process ends, however it ends (a kill included), so no stale lock is ever left behind. The
/// holder writes its process id, host, start time and command into the file; a second run
/// that finds the folder locked refuses with those details and touches nothing.
///
///     let lock = try StudyLock.acquire(folder: out, command: "sinorad study config.yaml")
///     defer { lock.release() }
public final class StudyLock: @unchecked Sendable {
    public let path: String
    private var descriptor: Int32

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    deinit { release() }

    /// Takes the folder's lock (creating the folder and the lock file if needed), or throws a
    /// `StudyError` naming the run that holds it. A `shared` lock is what a cluster's one-stage
    /// jobs take: they run side by side on the folder (each writes only its own stage), while a
    /// whole run, which takes the lock exclusively, waits for none of them and refuses instead.
    public static func acquire(folder: URL, command: String, shared: Bool = false) throws -> StudyLock {
        let path = folder.appendingPathComponent(".sinorad.lock").path
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw StudyError("cannot create the output folder: \(userMessage(error))")
        }
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw StudyError("cannot open the lock file \(path): \(String(cString: strerror(errno)).lowercased()) (is the output folder writable?)")
        }
        guard flock(descriptor, (shared ? LOCK_SH : LOCK_EX) | LOCK_NB) == 0 else {
            let reason = errno
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            close(descriptor)
            if reason == EWOULDBLOCK {
                throw StudyError(
                    "another SinoRad run is using \(folder.path) (\(holder.isEmpty ? "it has not yet said which" : holder)); wait for it to finish, or give this run another output folder"
                )
            }
            throw StudyError("cannot lock \(path): \(String(cString: strerror(reason)).lowercased())")
        }
        let stamp = ISO8601DateFormatter().string(from: Date())
        var host = [CChar](repeating: 0, count: 256)
        gethostname(&host, host.count - 1)
        let hostName = String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let text = "\(shared ? "cluster jobs; the last to start: " : "")pid \(getpid()) on \(hostName), started \(stamp): \(command)\n"
        _ = ftruncate(descriptor, 0)
        _ = text.withCString { pwrite(descriptor, $0, strlen($0), 0) }
        return StudyLock(path: path, descriptor: descriptor)
    }

    /// Releases the lock (also done when the lock is freed or the process ends).
    public func release() {
        guard descriptor >= 0 else { return }
        _ = flock(descriptor, LOCK_UN)
        close(descriptor)
        descriptor = -1
    }
}
