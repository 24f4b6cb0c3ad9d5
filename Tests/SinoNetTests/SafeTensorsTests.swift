import Foundation
import TestSupport
import Testing

@testable import SinoNet

/// The safetensors reader's checks (https://github.com/huggingface/safetensors#format), each on a hand-made malformed file, the
/// writer's round trip, and a file written by the Python `safetensors` package.
@Suite("SafeTensors")
struct SafeTensorsTests {
    /// An 8-byte length (the header's own, or `declaredLength`), the header text and `payload`
    /// zero bytes of data.
    static func file(_ header: String, payload: Int, declaredLength: UInt64? = nil) -> Data {
        let json = Data(header.utf8)
        var data = Data()
        withUnsafeBytes(of: (declaredLength ?? UInt64(json.count)).littleEndian) { data.append(contentsOf: $0) }
        data.append(json)
        data.append(Data(repeating: 0, count: payload))
        return data
    }

    static func problem(_ data: Data) -> SafeTensorsError? {
        do {
            _ = try SafeTensors(data: data, source: "bad.safetensors")
            return nil
        } catch let error as SafeTensorsError {
            return error
        } catch {
            return nil
        }
    }

    @Test("round trip of F32 and I64 tensors with metadata")
    func roundTrip() throws {
        var writer = SafeTensors.Writer()
        let w = Tensor(Shape(2, 3, 1, 1), values: [1, -2, 3.5, 0, .pi, -1e-8])
        writer.add("conv.weight", w)
        writer.addInt64("bn.num_batches_tracked", [42], shape: [])
        writer.add("empty", Tensor(Shape(0, 5)))
        writer.metadata = ["format": "pt", "quote": "a \"b\""]
        let data = writer.data()
        let file = try SafeTensors(data: data)
        #expect(file.names == ["conv.weight", "bn.num_batches_tracked", "empty"])
        #expect(try file.floatTensor("conv.weight").values == w.values)
        #expect(try file.floatTensor("conv.weight").shape == Shape(2, 3, 1, 1))
        #expect(try file.int64Values("bn.num_batches_tracked") == [42])
        #expect(try file.floatTensor("empty").count == 0)
        #expect(file.metadata == ["format": "pt", "quote": "a \"b\""])
        let headerLength = data.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        #expect(headerLength % 8 == 0)
    }

    @Test("a file written by the Python safetensors package (F32, I64 scalar, empty, metadata)")
    func pythonSample() throws {
        let file = try SafeTensors(contentsOf: Fixtures.url("sinonet_models_safetensors_sample.safetensors"))
        #expect(Set(file.names) == ["weight", "bn.num_batches_tracked", "empty"])
        let w = try file.floatTensor("weight")
        #expect(w.shape == Shape(2, 3))
        #expect(w.values == [-0.5, -0.25, 0, 0.25, 0.5, 0.75])
        #expect(try file.int64Values("bn.num_batches_tracked") == [7])
        #expect(try file.floatTensor("empty").shape == Shape(0, 4))
        #expect(file.metadata["note"] == "written by the safetensors package")
        #expect(throws: SafeTensorsError.self) { try file.floatTensor("bn.num_batches_tracked") }
        #expect(throws: SafeTensorsError.self) { try file.floatTensor("absent") }
    }

    @Test("truncated files: under 8 bytes, header past the end, data past the end")
    func truncated() {
        guard case .truncated? = Self.problem(Data([1, 2, 3]))?.problem else { Issue.record("short file accepted"); return }
        let header = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#
        let longHeader = Self.file(header, payload: 0, declaredLength: UInt64(header.utf8.count + 10))
        guard case .truncated? = Self.problem(longHeader)?.problem else { Issue.record("header past the end accepted"); return }
        let error = Self.problem(Self.file(header, payload: 5))
        guard case .truncated? = error?.problem else { Issue.record("short data accepted: \(String(describing: error))"); return }
        #expect(error!.description.contains("bad.safetensors"))
    }

    @Test("header length above 100,000,000 is refused before reading")
    func headerTooLong() {
        let data = Self.file("{}", payload: 0, declaredLength: 100_000_001)
        #expect(Self.problem(data)?.problem == .headerTooLong(100_000_001))
    }

    @Test("absurd claims fail at once: a 2^60-byte header, a shape of 2^40 x 2^40 elements, JSON nested 100,000 deep")
    func absurd() {
        #expect(Self.problem(Self.file("{}", payload: 0, declaredLength: 1 << 60))?.problem == .headerTooLong(1 << 60))
        let huge = #"{"w":{"dtype":"F32","shape":[1099511627776,1099511627776],"data_offsets":[0,8]}}"#
        guard case .malformedHeader(let why)? = Self.problem(Self.file(huge, payload: 8))?.problem else {
            Issue.record("an overflowing shape was accepted")
            return
        }
        #expect(why.contains("more bytes than a file can"), "\(why)")
        let deep = "{\"a\":" + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}"
        guard case .malformedHeader(let nesting)? = Self.problem(Self.file(deep, payload: 0))?.problem else {
            Issue.record("deep nesting was accepted")
            return
        }
        #expect(nesting.contains("nested more than 512 deep"), "\(nesting)")
    }

    @Test("overlapping data ranges name the tensor")
    func overlap() {
        let header = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#
        let error = Self.problem(Self.file(header, payload: 12))
        #expect(error?.problem == .overlap(expectedBegin: 8, found: 4))
        #expect(error?.tensor == "b")
        #expect(error?.description.contains("'b'") == true)
    }

    @Test("a hole between data ranges, and data not starting at 0")
    func hole() {
        let header = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[12,16]}}"#
        let error = Self.problem(Self.file(header, payload: 16))
        #expect(error?.problem == .hole(expectedBegin: 8, found: 12))
        #expect(error?.tensor == "b")
        let late = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#
        #expect(Self.problem(Self.file(late, payload: 8))?.problem == .hole(expectedBegin: 0, found: 4))
    }

    @Test("data_offsets span must equal numel x dtype size")
    func wrongSize() {
        let header = #"{"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,20]}}"#
        let error = Self.problem(Self.file(header, payload: 20))
        #expect(error?.problem == .wrongByteCount(expected: 24, found: 20))
        #expect(error?.tensor == "w")
        let i64 = #"{"n":{"dtype":"I64","shape":[],"data_offsets":[0,4]}}"#
        #expect(Self.problem(Self.file(i64, payload: 4))?.problem == .wrongByteCount(expected: 8, found: 4))
    }

    @Test("trailing bytes after the last tensor")
    func trailingBytes() {
        let header = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#
        let data = Self.file(header, payload: 6)
        #expect(Self.problem(data)?.problem == .sizeMismatch(expected: data.count - 2, fileSize: data.count))
    }

    @Test("a key given twice is refused, though JSON parsers usually keep one")
    func duplicateKey() {
        let header = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#
        let error = Self.problem(Self.file(header, payload: 8))
        #expect(error?.problem == .duplicateKey)
        #expect(error?.tensor == "a")
    }

    @Test("unknown dtype, header not starting with '{', malformed entries")
    func badHeader() {
        let bf = #"{"h":{"dtype":"BF16","shape":[2],"data_offsets":[0,4]}}"#
        let error = Self.problem(Self.file(bf, payload: 4))
        #expect(error?.problem == .unsupportedDType("BF16"))
        #expect(error?.tensor == "h")
        guard case .malformedHeader? = Self.problem(Self.file(#" {"a":1}"#, payload: 0))?.problem else {
            Issue.record("header starting with a space accepted"); return
        }
        guard case .malformedHeader? = Self.problem(Self.file(#"{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,0]}}"#, payload: 0))?.problem else {
            Issue.record("negative dimension accepted"); return
        }
        guard case .malformedHeader? = Self.problem(Self.file(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}"#, payload: 0))?.problem else {
            Issue.record("begin > end accepted"); return
        }
        guard case .malformedHeader? = Self.problem(Self.file(#"{"a":{"dtype":"F32","shape":[1]"#, payload: 0))?.problem else {
            Issue.record("unterminated JSON accepted"); return
        }
        guard case .malformedHeader? = Self.problem(Self.file(#"{"__metadata__":{"k":1}}"#, payload: 0))?.problem else {
            Issue.record("non-string metadata accepted"); return
        }
    }

    @Test("header padded with trailing spaces and an empty file table are valid")
    func padding() throws {
        let file = try SafeTensors(data: Self.file("{}      ", payload: 0))
        #expect(file.entries.isEmpty)
    }
}
