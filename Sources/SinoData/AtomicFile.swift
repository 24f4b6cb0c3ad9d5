import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes files so that a reader never sees a half-written one: the content goes to a
/// uniquely named temporary file in the same folder (rename(2) is atomic only within one file
/// system), which then replaces the destination. On failure the temporary file is removed and
/// the destination is left as it was. A process killed between the two steps leaves its
/// temporary file behind; its name carries `partialMarker`, so `removeAbandoned(under:)` can
/// sweep such files away once no writer can be running (the study runner does, under its lock).
public enum AtomicFile {
    /// What every temporary file's name contains: `.<name>.sinorad-partial-XXXXXX`.
    public static let partialMarker = ".sinorad-partial-"

    public static func write(_ data: Data, to path: String) throws {
        try write([UInt8](data), to: path)
    }

    public static func write(_ text: String, to path: String) throws {
        try write(Array(text.utf8), to: path)
    }

    public static func write(_ bytes: [UInt8], to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw failure(path, "cannot create the folder \(folder.path)")
        }
        var template = Array((folder.path + "/." + url.lastPathComponent + partialMarker + "XXXXXX").utf8CString)
        let fd = mkstemp(&template)
        guard fd >= 0 else { throw failure(path, String(cString: strerror(errno))) }
        let temporary = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        do {
            try writeAll(bytes, to: fd, path: path)
            // mkstemp creates 0600; outputs are ordinary documents.
            fchmod(fd, 0o644)
            guard close(fd) == 0 else { throw failure(path, String(cString: strerror(errno))) }
            guard rename(temporary, path) == 0 else { throw failure(path, String(cString: strerror(errno))) }
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
    }

    /// Removes the temporary files that writers killed mid-write left anywhere under `folder`
    /// (hidden files whose name carries `partialMarker`); other files are left alone. Call it
    /// only while no writer can be running in that folder.
    ///
    /// - Returns: the removed files' paths relative to `folder`, sorted.
    @discardableResult
    public static func removeAbandoned(under folder: URL) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: folder.path) else { return [] }
        var removed: [String] = []
        while let relative = walker.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            guard name.hasPrefix("."), name.contains(partialMarker) else { continue }
            let path = folder.path + "/" + relative
            var status = stat()
            guard lstat(path, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { continue }
            if unlink(path) == 0 { removed.append(relative) }
        }
        return removed.sorted()
    }

    private static func writeAll(_ bytes: [UInt8], to fd: Int32, path: String) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw failure(path, String(cString: strerror(errno)))
            }
            offset += written
        }
    }

    static func failure(_ path: String, _ reason: String) -> ValidationError {
        ValidationError(Problem(file: path, message: "cannot write the file: \(reason)"))
    }
}
