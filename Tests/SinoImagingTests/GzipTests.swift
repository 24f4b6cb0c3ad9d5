import Foundation
import Testing

@testable import SinoImaging

/// Reading gzip has two paths: libdeflate's whole-buffer inflation (the fast one) and zlib's
/// streamed inflation (limits, errors). Both must give the bytes that were compressed, and the
/// fast one must step aside wherever it cannot give exactly those bytes.
@Suite("gzip reading: libdeflate and zlib agree")
struct GzipTests {
    /// Bytes that compress a little (float-like noise with runs), from a fixed recurrence.
    static func sample(_ count: Int, seed: UInt64) -> [UInt8] {
        var state = seed
        return (0..<count).map { i in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return i % 7 == 0 ? 0 : UInt8(truncatingIfNeeded: state >> 59)
        }
    }

    @Test("one member, several members, an empty member, trailing bytes")
    func streams() throws {
        let a = Self.sample(300_000, seed: 1)
        let b = Self.sample(70_001, seed: 2)
        let cases: [(String, [UInt8], [UInt8])] = [
            ("one member", try Gzip.compress(a), a),
            ("two members", try Gzip.compress(a) + Gzip.compress(b), a + b),
            // The trailer's size is the last member's: far too small a first guess for the whole.
            ("a small last member", try Gzip.compress(a) + Gzip.compress(Array(b.prefix(10))), a + b.prefix(10)),
            ("an empty member", try Gzip.compress([]) + Gzip.compress(b), b),
            ("trailing zeros", try Gzip.compress(b) + [0, 0, 0, 0], b),
            ("stored blocks", try Gzip.compress(a, level: 0), a)
        ]
        for (name, stream, expected) in cases {
            let whole = Gzip.inflateWhole(stream, limit: nil)
            #expect(whole == expected, "\(name): libdeflate")
            #expect(try Gzip.inflateStreamed(stream, file: name, limit: nil) == expected, "\(name): zlib")
            #expect(try Gzip.decompress(stream, file: name) == expected, "\(name)")
        }
    }

    @Test("a limit: exactly limit + 1 bytes when the stream holds more, through zlib")
    func limits() throws {
        let a = Self.sample(200_000, seed: 3)
        let stream = try Gzip.compress(a)
        #expect(Gzip.inflateWhole(stream, limit: 1000) == nil)
        #expect(try Gzip.decompress(stream, file: "f", limit: 1000) == Array(a.prefix(1001)))
        #expect(try Gzip.decompress(stream, file: "f", limit: a.count - 1) == a)
        #expect(Gzip.inflateWhole(stream, limit: a.count) == a)
        #expect(try Gzip.decompress(stream, file: "f", limit: a.count + 5) == a)
    }

    @Test("truncated and corrupt streams: libdeflate steps aside, zlib's message names the file")
    func damaged() throws {
        let stream = try Gzip.compress(Self.sample(100_000, seed: 4))
        let short = Array(stream.prefix(stream.count / 2))
        #expect(Gzip.inflateWhole(short, limit: nil) == nil)
        let cut = #expect(throws: NIfTIError.self) { try Gzip.decompress(short, file: "cut.nii.gz") }
        #expect(cut?.kind == .truncated && cut?.description.contains("cut.nii.gz") == true, "\(String(describing: cut))")
        var flipped = stream
        flipped[stream.count - 6] ^= 0xFF // the CRC-32
        #expect(Gzip.inflateWhole(flipped, limit: nil) == nil)
        let bad = #expect(throws: NIfTIError.self) { try Gzip.decompress(flipped, file: "crc.nii.gz") }
        #expect(bad?.kind == .corruptCompression, "\(String(describing: bad))")
    }

    @Test("a stream's first bytes (ISA-L), and nil wherever the trailer does not vouch for the whole")
    func prefixes() throws {
        let a = Self.sample(300_000, seed: 3)
        let b = Self.sample(70_001, seed: 4)
        let one = try Gzip.compress(a)
        for count in [0, 1, 4_096, 123_457, 299_999, 300_000] {
            #expect(Gzip.inflatePrefix(one, count: count, total: a.count) == Array(a.prefix(count)), "first \(count) bytes")
        }
        #expect(Gzip.inflatePrefix(try Gzip.compress(a, level: 0), count: 200_000, total: a.count) == Array(a.prefix(200_000)), "stored blocks")
        // A gzip header with a file name (as gzip(1) writes it): skipped like the bare one.
        var named = one
        named[3] |= 0x08
        named.insert(contentsOf: Array("T2WI.nii".utf8) + [0], at: 10)
        #expect(Gzip.inflatePrefix(named, count: 1_000, total: a.count) == Array(a.prefix(1_000)), "FNAME header")
        // Declined: another total, a stream cut short (its last four bytes are deflate data), a
        // second member (the trailer records only the last), bytes after the trailer, more
        // bytes than the total, a stream that is not gzip.
        #expect(Gzip.inflatePrefix(one, count: 10, total: a.count + 1) == nil, "another total")
        #expect(Gzip.inflatePrefix(Array(one.prefix(one.count - 1_000)), count: 10, total: a.count) == nil, "cut short")
        let two = try one + Gzip.compress(b)
        #expect(Gzip.inflatePrefix(two, count: 10, total: a.count + b.count) == nil, "two members")
        #expect(Gzip.inflatePrefix(one + [0, 0, 0, 0], count: 10, total: a.count) == nil, "trailing zeros")
        #expect(Gzip.inflatePrefix(one, count: a.count + 1, total: a.count) == nil, "more than the total")
        #expect(Gzip.inflatePrefix(a, count: 10, total: a.count) == nil, "not gzip")
        // An invalid block type (3) at the start: nil (the whole read names the problem).
        var corrupt = one
        corrupt[10] |= 0x06
        #expect(Gzip.inflatePrefix(corrupt, count: 200_000, total: a.count) == nil, "corrupt")
    }
}
