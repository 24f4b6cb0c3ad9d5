import CDeflate
import CZlib

/// gzip (RFC 1952): what .nii.gz files are. Reading follows concatenated members, as gunzip
/// does: first with libdeflate's whole-buffer inflation (1.6 times zlib's speed on a phantom's
/// float32 T2WI, 8 times on its mostly empty mask: bench/imaging_pipeline.sh), and where that
/// does not give exactly the bytes (a stream larger than the limit, a truncated or corrupt
/// one), with zlib's streamed inflation (windowBits 15 + 32), whose messages name the problem.
/// Writing deflates with libdeflate (one member with a gzip header and trailer).
public enum Gzip {
    static func isCompressed(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
    }

    /// The decompressed bytes; a truncated or corrupt stream is an error naming `file`. With a
    /// `limit`, decompression stops once more than `limit` bytes are out (the caller sees
    /// `limit + 1` bytes and knows the stream holds too much): a lying header or a gzip bomb
    /// never makes it allocate more than the header justifies.
    static func decompress(_ input: [UInt8], file: String, limit: Int? = nil) throws -> [UInt8] {
        if let whole = inflateWhole(input, limit: limit) { return whole }
        return try inflateStreamed(input, file: file, limit: limit)
    }

    /// The members' bytes through libdeflate, when the stream inflates cleanly and fits
    /// `limit + 1` bytes; nil otherwise (zlib's path then gives the same bytes or the error).
    /// Only tried when the trailer's size fits the limit: a header-only read (a few hundred
    /// bytes of a large file) goes straight to the streamed path, which stops early.
    static func inflateWhole(_ input: [UInt8], limit: Int?) -> [UInt8]? {
        let bound = min(1032 * input.count + 1024, limit.map { $0 + 1 } ?? Int.max)
        let hint = sizeHint(input)
        guard input.count >= 18, hint <= bound, let decompressor = libdeflate_alloc_decompressor() else { return nil }
        defer { libdeflate_free_decompressor(decompressor) }
        var capacity = max(1 << 12, min(hint + 1, bound))
        var output = [UInt8]()
        return input.withUnsafeBufferPointer { source -> [UInt8]? in
            var consumed = 0
            var produced = 0
            while true {
                if output.count < capacity {
                    // The bytes are written by libdeflate before they are read: no zero fill.
                    output = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
                        output.withUnsafeBufferPointer { old in
                            if produced > 0 { buffer.baseAddress!.initialize(from: old.baseAddress!, count: produced) }
                        }
                        count = capacity
                    }
                }
                var read = 0
                var written = 0
                let status = output.withUnsafeMutableBufferPointer { out in
                    libdeflate_gzip_decompress_ex(
                        decompressor, source.baseAddress! + consumed, source.count - consumed, out.baseAddress! + produced,
                        capacity - produced, &read, &written)
                }
                switch status {
                case LIBDEFLATE_SUCCESS:
                    produced += written
                    consumed += read
                    // Another gzip member follows (files written by concatenation).
                    guard consumed + 1 < source.count, source[consumed] == 0x1F, source[consumed + 1] == 0x8B else {
                        output.removeSubrange(produced...)
                        return output
                    }
                case LIBDEFLATE_INSUFFICIENT_SPACE where capacity < bound:
                    capacity = min(capacity * 2, bound) // this member again, with more room
                default:
                    return nil
                }
            }
        }
    }

    /// zlib's streamed inflation: stops once more than `limit` bytes are out, and names a
    /// truncated or corrupt stream.
    static func inflateStreamed(_ input: [UInt8], file: String, limit: Int?) throws -> [UInt8] {
        var stream = z_stream()
        guard inflateInit2_(&stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw NIfTIError(.corruptCompression, file: file, "zlib could not start decompressing")
        }
        defer { inflateEnd(&stream) }
        // Inflate straight into the output, grown as needed, so the bytes are written once. The
        // first guess is the gzip trailer's size, never more than deflate can expand this input
        // to (1032:1) nor than `limit` allows: a lying trailer cannot make it allocate.
        let bound = min(1032 * input.count + 1024, limit.map { $0 + 1 } ?? Int.max)
        var capacity = max(1 << 12, min(sizeHint(input), bound))
        var output = [UInt8](repeating: 0, count: capacity)
        var produced = 0
        return try input.withUnsafeBufferPointer { source -> [UInt8] in
            var consumed = 0
            while true {
                if stream.avail_in == 0 && consumed < source.count {
                    let take = min(source.count - consumed, 1 << 30)
                    stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress! + consumed)
                    stream.avail_in = UInt32(take)
                    consumed += take
                }
                if produced == capacity {
                    capacity = capacity * 2
                    output.append(contentsOf: repeatElement(0, count: capacity - output.count))
                }
                let room = min(capacity - produced, 1 << 30)
                let status = output.withUnsafeMutableBufferPointer { out -> Int32 in
                    stream.next_out = out.baseAddress! + produced
                    stream.avail_out = UInt32(room)
                    return inflate(&stream, Z_NO_FLUSH)
                }
                produced += room - Int(stream.avail_out)
                if let limit, produced > limit {
                    output.removeSubrange((limit + 1)...)
                    return output
                }
                switch status {
                case Z_STREAM_END:
                    let next = consumed - Int(stream.avail_in)
                    // Another gzip member follows (files written by concatenation).
                    guard next + 1 < source.count, source[next] == 0x1F, source[next + 1] == 0x8B else {
                        output.removeSubrange(produced...)
                        return output
                    }
                    inflateReset(&stream)
                case Z_OK:
                    continue
                case Z_BUF_ERROR where stream.avail_in == 0 && consumed == source.count:
                    throw NIfTIError(
                        .truncated, file: file, "the gzip stream ends early (after \(produced) decompressed bytes)",
                        expected: "a complete .nii.gz file (was the copy interrupted?)")
                default:
                    let reason = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                    throw NIfTIError(
                        .corruptCompression, file: file, "the gzip data are corrupt (\(reason))",
                        expected: "a valid gzip stream")
                }
            }
        }
    }

    /// The first `count` bytes of a one-member gzip stream whose trailer records `total`
    /// decompressed bytes (`GzipPrefix`): the rest of the stream is neither inflated nor
    /// checked. nil (the caller then reads the whole stream, whose path names any problem)
    /// unless the trailer's size is `total` modulo 2^32, or when inflation fails or ends before
    /// `count` bytes.
    static func inflatePrefix(_ input: [UInt8], count: Int, total: Int) -> [UInt8]? {
        guard count >= 0, count <= total, let stream = GzipPrefix(bytes: input), stream.records(total) else {
            return nil
        }
        return stream.bytes(count)
    }

    /// gzip's trailer holds the uncompressed size modulo 2^32: a good first capacity.
    private static func sizeHint(_ input: [UInt8]) -> Int {
        guard input.count >= 18 else { return 0 }
        let tail = input.suffix(4)
        let size = tail.reversed().reduce(0) { $0 << 8 | Int($1) }
        return min(size, 1 << 31)
    }

    /// One gzip member of `input`, deflated by libdeflate at `level` (0 stored, 1-12; 6 is
    /// zlib's default). Any gunzip reads it; at level 6 the files are within 1% of zlib's size,
    /// and `simulate --images` (465 patients) took 29 s instead of zlib's 49 s on 2 cores.
    public static func compress(_ input: [UInt8], level: Int32 = 6) throws -> [UInt8] {
        guard let compressor = libdeflate_alloc_compressor(level) else {
            throw NIfTIError(.unwritable, file: "<gzip>", "libdeflate could not start compressing at level \(level)")
        }
        defer { libdeflate_free_compressor(compressor) }
        let bound = libdeflate_gzip_compress_bound(compressor, input.count)
        let output = [UInt8](unsafeUninitializedCapacity: bound) { buffer, count in
            count = input.withUnsafeBufferPointer { source in
                // An empty input still gets its header and trailer (an empty array has no base address).
                var empty: UInt8 = 0
                return libdeflate_gzip_compress(compressor, source.baseAddress ?? UnsafePointer(&empty), source.count, buffer.baseAddress, bound)
            }
        }
        guard !output.isEmpty else { throw NIfTIError(.unwritable, file: "<gzip>", "libdeflate could not compress \(input.count) bytes") }
        return output
    }
}
