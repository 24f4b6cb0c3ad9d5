import Foundation
import SinoData
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("atomic file writes")
struct AtomicFileTests {
    private func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sinorad-atomic-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test("a write replaces the file whole, as mode 0644, and leaves no temporary file")
    func replaces() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("sub/table.csv").path
        try AtomicFile.write("a,b\n1,2\n", to: path)
        try AtomicFile.write("a,b\n3,4\n", to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "a,b\n3,4\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path + "/sub") == ["table.csv"])
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o644)
    }

    @Test("abandoned temporary files (a writer killed mid-write) are swept, at any depth; nothing else is")
    func sweepsAbandoned() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let manager = FileManager.default
        try manager.createDirectory(at: folder.appendingPathComponent("tables/deep"), withIntermediateDirectories: true)
        try manager.createDirectory(at: folder.appendingPathComponent(".sinorad/previous"), withIntermediateDirectories: true)
        let kept = ["tables/table1.csv", ".hidden", "tables/.table1.csv.XXXXXX", "tables/sinorad-partial-notes.txt"]
        let abandoned = [
            "tables/.table1.json" + AtomicFile.partialMarker + "ZghPrY", "tables/deep/.model.forest" + AtomicFile.partialMarker + "a1B2c3",
            ".sinorad/previous/.record.json" + AtomicFile.partialMarker + "000000"
        ]
        for path in kept + abandoned { #expect(manager.createFile(atPath: folder.path + "/" + path, contents: Data("x".utf8))) }
        // A folder that happens to carry the marker is not a temporary file.
        try manager.createDirectory(at: folder.appendingPathComponent(".odd" + AtomicFile.partialMarker + "folder"), withIntermediateDirectories: true)

        #expect(AtomicFile.removeAbandoned(under: folder) == abandoned.sorted())
        for path in kept { #expect(manager.fileExists(atPath: folder.path + "/" + path), "\(path) was removed") }
        for path in abandoned { #expect(!manager.fileExists(atPath: folder.path + "/" + path), "\(path) is still there") }
        #expect(manager.fileExists(atPath: folder.path + "/.odd" + AtomicFile.partialMarker + "folder"))
        #expect(AtomicFile.removeAbandoned(under: folder).isEmpty)
        #expect(AtomicFile.removeAbandoned(under: folder.appendingPathComponent("missing")).isEmpty)
    }
}
