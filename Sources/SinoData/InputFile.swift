import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What stands in the way of reading a path as a file, said the same way by every reader.
public enum InputFile {
    /// Why `path` cannot be read as a file ("does not exist", "is a folder", "is not a regular
    /// file (a device, pipe or socket)", or the system's reason), or nil when it is a regular
    /// file. Devices and pipes are refused before any read: /dev/zero never ends.
    public static func problem(_ path: String) -> String? {
        var status = stat()
        guard stat(path, &status) == 0 else {
            return errno == ENOENT || errno == ENOTDIR ? "does not exist" : "cannot be read (\(String(cString: strerror(errno))))"
        }
        switch status.st_mode & S_IFMT {
        case S_IFREG: return nil
        case S_IFDIR: return "is a folder"
        default: return "is not a regular file (a device, pipe or socket)"
        }
    }

    /// The size in bytes of what `path` names, or nil when it cannot be examined.
    public static func size(_ path: String) -> Int? {
        var status = stat()
        return stat(path, &status) == 0 ? Int(status.st_size) : nil
    }

    /// The whole content of the regular file at `path`, or nil when it cannot be opened or read
    /// (call `problem(_:)` first to say why). Read with open(2)/read(2): Foundation's
    /// `FileManager.contents(atPath:)` leaks a 4 KiB buffer for every empty file it reads
    /// (swift-corelibs-foundation with Swift 6.3.1; docs/RELIABILITY.md).
    public static func bytes(_ path: String) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { return nil }
        // The size stat gave, read straight into the array, then whatever a file that grew
        // since holds, 64 KiB at a time.
        let size = max(Int(status.st_size), 0)
        var failed = false
        var bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            var filled = 0
            while filled < size {
                let got = read(descriptor, buffer.baseAddress! + filled, size - filled)
                if got < 0 {
                    if errno == EINTR { continue }
                    failed = true
                    break
                }
                if got == 0 { break }
                filled += got
            }
            count = filled
        }
        guard !failed else { return nil }
        var filled = bytes.count
        guard filled == size else { return bytes }
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress!, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[..<count])
            filled += count
        }
        return bytes
    }

    /// A non-empty regular file mapped into memory read-only (`bytes`: its content), its pages
    /// taken from the page cache when mapped. Nil when it cannot be.
    public final class Mapped: @unchecked Sendable {
        public let bytes: UnsafeBufferPointer<UInt8>

        public init?(_ path: String) {
            let descriptor = open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { return nil }
            defer { close(descriptor) }
            var status = stat()
            guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG, status.st_size > 0 else { return nil }
            let size = Int(status.st_size)
            let address = mmap(nil, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, descriptor, 0)
            guard let address, address != MAP_FAILED else { return nil }
            bytes = UnsafeBufferPointer(start: address.assumingMemoryBound(to: UInt8.self), count: size)
        }

        deinit { munmap(UnsafeMutableRawPointer(mutating: bytes.baseAddress), bytes.count) }
    }
}
