import Foundation
import SinoData
import Testing

@Suite("input files")
struct InputFileTests {
    @Test("bytes: empty, small and large regular files whole; nothing from a device, a folder or a missing path")
    func bytes() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sinorad-input-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for count in [0, 1, 4096, 65536, 200_003] {
            let content = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
            let path = folder.appendingPathComponent("f\(count)").path
            try Data(content).write(to: URL(fileURLWithPath: path))
            #expect(InputFile.problem(path) == nil)
            #expect(InputFile.bytes(path) == content, "\(count) bytes")
        }
        #expect(InputFile.bytes("/dev/zero") == nil && InputFile.problem("/dev/zero") == "is not a regular file (a device, pipe or socket)")
        #expect(InputFile.bytes(folder.path) == nil && InputFile.problem(folder.path) == "is a folder")
        #expect(InputFile.bytes(folder.path + "/none") == nil && InputFile.problem(folder.path + "/none") == "does not exist")
    }
}
