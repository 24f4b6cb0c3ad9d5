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
}
