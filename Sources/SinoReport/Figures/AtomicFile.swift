import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes whole files so readers never see a half-written figure: bytes go to a temporary file
/// in the same folder (rename(2) is atomic only within one file system), then replace the target.
enum AtomicFile {
    static func write(_ bytes: [UInt8], to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        var template = Array((folder + "/." + url.lastPathComponent + ".XXXXXX").utf8CString)
        let fd = mkstemp(&template)
        guard fd >= 0 else { throw systemError(path) }
        let temporary = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        do {
            try writeAll(bytes, to: fd, path: path)
            // mkstemp creates 0600; figures are ordinary documents.
            fchmod(fd, 0o644)
            guard close(fd) == 0 else { throw systemError(path) }
            guard rename(temporary, path) == 0 else { throw systemError(path) }
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
    }

    private static func writeAll(_ bytes: [UInt8], to fd: Int32, path: String) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw systemError(path)
            }
            offset += written
        }
    }

    private static func systemError(_ path: String) -> FigureError {
        .writeFailed(path: path, reason: String(cString: strerror(errno)))
    }
}
