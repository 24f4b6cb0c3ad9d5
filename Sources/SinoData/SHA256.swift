import CCrypto
import Foundation

/// SHA-256 (FIPS 180-4) of bytes, for content hashes: the study's stage cache keys and
/// provenance. Computed by OpenSSL's libcrypto (EVP_Digest*, EVP_sha256). Incremental:
/// `update` any number of times, then `hexDigest`; a copy of a hash is independent of it.
///
///     var hash = SHA256()
///     hash.update(Data("abc".utf8))
///     hash.hexDigest   // "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
public struct SHA256: Sendable {
    private var context = DigestContext()

    public init() {}

    /// The hex digest of `data` in one call.
    public static func hex(_ data: Data) -> String {
        var hash = SHA256()
        hash.update(data)
        return hash.hexDigest
    }

    /// The hex digest of the UTF-8 bytes of `text`.
    public static func hex(_ text: String) -> String { hex(Data(text.utf8)) }

    /// The hex digest of a file's bytes, read in 1 MiB pieces.
    public static func hex(fileAt path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: path])
        }
        defer { try? handle.close() }
        var hash = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hash.update(chunk) }
        return hash.hexDigest
    }

    public mutating func update(_ data: Data) {
        guard !data.isEmpty else { return }
        if !isKnownUniquelyReferenced(&context) { context = context.copy() }
        let ok = data.withUnsafeBytes { EVP_DigestUpdate(context.pointer, $0.baseAddress, $0.count) }
        precondition(ok == 1, "libcrypto's EVP_DigestUpdate (SHA-256) failed")
    }

    /// The digest of everything updated so far (the hash itself is left as it is).
    public var hexDigest: String {
        let final = context.copy()
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        precondition(EVP_DigestFinal_ex(final.pointer, &digest, &length) == 1, "libcrypto's EVP_DigestFinal_ex (SHA-256) failed")
        return Self.hexString(digest.prefix(Int(length)))
    }

    private static func hexString(_ bytes: ArraySlice<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(2 * bytes.count)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}

/// One libcrypto digest context (EVP_MD_CTX) initialised for SHA-256. `SHA256` copies it
/// before changing a shared one, so the struct keeps value semantics; a context is never
/// mutated while shared, hence the unchecked Sendable.
private final class DigestContext: @unchecked Sendable {
    let pointer: OpaquePointer

    init() {
        guard let context = EVP_MD_CTX_new() else { fatalError("libcrypto's EVP_MD_CTX_new failed (out of memory)") }
        precondition(EVP_DigestInit_ex(context, EVP_sha256(), nil) == 1, "libcrypto's EVP_DigestInit_ex (SHA-256) failed")
        pointer = context
    }

    private init(pointer: OpaquePointer) { self.pointer = pointer }

    /// An independent context in the same state.
    func copy() -> DigestContext {
        guard let context = EVP_MD_CTX_new() else { fatalError("libcrypto's EVP_MD_CTX_new failed (out of memory)") }
        precondition(EVP_MD_CTX_copy_ex(context, pointer) == 1, "libcrypto's EVP_MD_CTX_copy_ex failed")
        return DigestContext(pointer: context)
    }

    deinit { EVP_MD_CTX_free(pointer) }
}
