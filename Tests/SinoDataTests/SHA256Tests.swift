import Foundation
import Testing
import SinoData
import TestSupport

/// SHA256 against Python's hashlib (Tests/Fixtures/sha256.json, scripts/peers/sha256.py).
@Suite("SHA-256")
struct SHA256Tests {
    func message(_ n: Int) -> Data { Data((0..<n).map { UInt8((7 * $0 + 3) % 256) }) }

    @Test("digests equal hashlib's at the padding boundaries and over several blocks")
    func digests() throws {
        let fixture = try Fixtures.json("sha256.json")
        #expect(SHA256.hex("abc") == fixture["abc"] as? String)
        let cases = try #require(fixture["cases"] as? [[String: Any]])
        #expect(cases.count == 15)
        for c in cases {
            let n = try #require(c["length"] as? Int), expected = try #require(c["sha256"] as? String)
            #expect(SHA256.hex(message(n)) == expected, "length \(n)")
            // The same bytes fed in uneven pieces.
            var hash = SHA256()
            let data = message(n)
            var start = 0, piece = 1
            while start < n {
                let end = min(n, start + piece)
                hash.update(data.subdata(in: start..<end))
                start = end; piece = piece * 3 % 97 + 1
            }
            #expect(hash.hexDigest == expected, "length \(n) in pieces")
        }
    }

    @Test("a file's digest equals the digest of its bytes")
    func file() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sha-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try message(3_000_001).write(to: URL(fileURLWithPath: path))
        #expect(try SHA256.hex(fileAt: path) == SHA256.hex(message(3_000_001)))
        #expect(throws: (any Error).self) { try SHA256.hex(fileAt: path + ".missing") }
    }
}
