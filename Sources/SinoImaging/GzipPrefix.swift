import CIsal

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A one-member gzip stream inflated from its start only as far as asked, with Intel's ISA-L
/// (`igzip`, Debian `libisal-dev`; libdeflate only inflates whole streams), its compressed bytes
/// read only as far as that needs: a file is read 64 KiB at a time with pread(2). On a phantom's
/// float32 images ISA-L is as fast per byte as libdeflate.
///
/// The CRC-32 covers the whole stream, so it cannot be checked; nibabel and SimpleITK do not
/// check it either when they read a file's voxels. What vouches for the stream is its trailer:
/// `trailerSize` is the last member's decompressed size modulo 2^32, which a caller compares
/// with the size the file's header describes (a stream cut short ends in deflate data, whose
/// last four bytes match by chance once in 2^32; one followed by more data or members records
/// another size).
final class GzipPrefix {
    /// The compressed stream's size in bytes.
    let compressedSize: Int
    /// The trailer's size field.
    let trailerSize: UInt32
    /// Reads up to `count` compressed bytes from `offset` into the buffer; how many (0 at the
    /// end, negative on an error).
    private let source: (_ offset: Int, _ into: UnsafeMutableRawPointer, _ count: Int) -> Int
    private let close: () -> Void
    private let state = UnsafeMutablePointer<inflate_state>.allocate(capacity: 1)
    private let chunk = UnsafeMutablePointer<UInt8>.allocate(capacity: GzipPrefix.chunkSize)
    private var offset = 0
    private var started = false
    private static let chunkSize = 1 << 16

    /// The stream at the start of `bytes`; nil unless it starts with the gzip magic.
    convenience init?(bytes: [UInt8]) {
        self.init(
            size: bytes.count,
            source: { offset, into, count in
                let n = max(0, min(count, bytes.count - offset))
                if n > 0 { bytes.withUnsafeBytes { into.copyMemory(from: $0.baseAddress! + offset, byteCount: n) } }
                return n
            }, close: {})
    }

    /// The regular file at `path`; nil when it cannot be opened or does not start with the
    /// gzip magic (the whole read then says why).
    convenience init?(path: String) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG else {
            _ = Glibc.close(descriptor)
            return nil
        }
        self.init(
            size: Int(status.st_size),
            source: { offset, into, count in
                while true {
                    let got = pread(descriptor, into, count, off_t(offset))
                    if got < 0 && errno == EINTR { continue }
                    return got
                }
            }, close: { _ = Glibc.close(descriptor) })
    }

    private init?(size: Int, source: @escaping (Int, UnsafeMutableRawPointer, Int) -> Int, close: @escaping () -> Void) {
        self.compressedSize = size
        self.source = source
        self.close = close
        var tail = [UInt8](repeating: 0, count: 4)
        var magic = [UInt8](repeating: 0, count: 2)
        guard size >= 18, source(size - 4, &tail, 4) == 4, source(0, &magic, 2) == 2, magic == [0x1F, 0x8B] else {
            trailerSize = 0
            return nil
        }
        trailerSize = tail.reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        isal_inflate_init(state)
    }

    /// Whether the trailer vouches for a stream of `total` decompressed bytes (see the type's
    /// notes).
    func records(_ total: Int) -> Bool { trailerSize == UInt32(truncatingIfNeeded: total) }

    deinit {
        state.deallocate()
        chunk.deallocate()
        close()
    }

    /// Whether another chunk of compressed bytes could be read into ISA-L's input.
    private func refill() -> Bool {
        guard offset < compressedSize else { return false }
        let got = source(offset, chunk, min(Self.chunkSize, compressedSize - offset))
        guard got > 0 else { return false }
        offset += got
        state.pointee.next_in = chunk
        state.pointee.avail_in = UInt32(got)
        return true
    }

    /// The next `count` decompressed bytes, into `out`; false when the stream is not valid gzip,
    /// fails, or ends before them.
    func inflate(into out: UnsafeMutablePointer<UInt8>, count: Int) -> Bool {
        if !started {
            // The header (with its optional name, comment and extra fields), then raw deflate:
            // the gzip mode would compute a CRC that can never be compared.
            started = true
            var header = isal_gzip_header()
            isal_gzip_header_init(&header)
            while true {
                if state.pointee.avail_in == 0 && !refill() { return false }
                let status = isal_read_gzip_header(state, &header)
                if status == ISAL_DECOMP_OK { break }
                guard status == ISAL_END_INPUT else { return false }
            }
            state.pointee.crc_flag = UInt32(ISAL_DEFLATE)
        }
        var done = 0
        while done < count {
            if state.pointee.avail_in == 0 && !refill() { return false }
            let room = UInt32(min(count - done, Int(UInt32.max)))
            state.pointee.next_out = out + done
            state.pointee.avail_out = room
            guard isal_inflate(state) == ISAL_DECOMP_OK else { return false }
            let wrote = Int(room - state.pointee.avail_out)
            done += wrote
            // The stream ended (a final block) before the bytes asked for.
            if done < count && state.pointee.block_state == ISAL_BLOCK_FINISH { return false }
            if wrote == 0 && state.pointee.avail_in > 0 { return false }
        }
        return true
    }

    /// The next `count` decompressed bytes as an array, or nil as `inflate` fails.
    func bytes(_ count: Int) -> [UInt8]? {
        var ok = false
        // The bytes are written by ISA-L before they are read: no zero fill.
        let output = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            ok = count == 0 || inflate(into: buffer.baseAddress!, count: count)
            initialized = ok ? count : 0
        }
        return ok ? output : nil
    }
}
