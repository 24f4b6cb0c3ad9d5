import Foundation
import SinoData
import TestSupport
import Testing

/// SHA256 (OpenSSL's libcrypto) against FIPS 180 test vectors and Python's hashlib
/// (Tests/Fixtures/sha256.json, scripts/peers/sha256.py).
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

    /// FIPS 180-2 appendix B ("abc", the 448-bit two-block message, one million 'a'), plus the
    /// empty message and the 896-bit message with their published SHA-256 digests.
    @Test("FIPS 180 test vectors: empty, \"abc\", the 448- and 896-bit messages, one million 'a'")
    func fipsVectors() {
        #expect(SHA256.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            SHA256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(
            SHA256.hex("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu")
                == "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1")
        let million = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        #expect(SHA256.hex(Data(repeating: UInt8(ascii: "a"), count: 1_000_000)) == million)
        var streamed = SHA256()
        for _ in 0..<1000 { streamed.update(Data(repeating: UInt8(ascii: "a"), count: 1000)) }
        #expect(streamed.hexDigest == million)
    }

    @Test("hexDigest leaves the hash as it is, and a copy is independent of the original")
    func valueSemantics() {
        var hash = SHA256()
        hash.update(Data("ab".utf8))
        let copy = hash
        #expect(hash.hexDigest == SHA256.hex("ab"))
        hash.update(Data("c".utf8))
        #expect(hash.hexDigest == SHA256.hex("abc"))
        #expect(copy.hexDigest == SHA256.hex("ab"))
        var other = copy
        other.update(Data())
        other.update(Data("x".utf8))
        #expect(other.hexDigest == SHA256.hex("abx") && copy.hexDigest == SHA256.hex("ab"))
    }

    @Test("a streamed file of one million 'a' (read in 1 MiB pieces) has the FIPS digest")
    func streamedFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sha-a-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        // One million 'a' is one read; 3 MiB + 1 byte spans four.
        try Data(repeating: UInt8(ascii: "a"), count: 1_000_000).write(to: URL(fileURLWithPath: path))
        #expect(try SHA256.hex(fileAt: path) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        try Data(repeating: UInt8(ascii: "a"), count: 3 << 20 + 1).write(to: URL(fileURLWithPath: path))
        #expect(try SHA256.hex(fileAt: path) == SHA256.hex(Data(repeating: UInt8(ascii: "a"), count: 3 << 20 + 1)))
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
