import Foundation

/// The scratch folder of one test process, under the system temporary directory: every test's
/// files go in a subfolder of it, and the whole folder is removed when the process exits, so
/// repeated `make test` runs do not fill the disk. Set SINORAD_KEEP_TEST_FILES=1 to keep it for
/// a look after a failure (its path is printed then).
public enum TestScratch {
    public static let root: URL = {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("sinorad-tests-\(getpid())")
        try? FileManager.default.removeItem(at: root)
        if ProcessInfo.processInfo.environment["SINORAD_KEEP_TEST_FILES"] == "1" {
            FileHandle.standardError.write(Data("test files are kept in \(root.path)\n".utf8))
        } else {
            atexit { try? FileManager.default.removeItem(at: TestScratch.root) }
        }
        return root
    }()

    /// A fresh, empty folder `<root>/<prefix>/<name>` (any earlier one of that name is removed).
    public static func folder(_ name: String, in prefix: String = "") throws -> URL {
        var folder = prefix.isEmpty ? root : root.appendingPathComponent(prefix)
        folder.appendPathComponent(name.filter { $0.isLetter || $0.isNumber })
        try? FileManager.default.removeItem(at: folder)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }
}
