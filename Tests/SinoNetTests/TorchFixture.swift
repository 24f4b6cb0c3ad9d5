import Foundation
import TestSupport
import Testing

@testable import SinoNet

/// `Tests/Fixtures/sinonet_layers.json`, written by scripts/peers/sinonet_layers.py: cases of
/// PyTorch inputs, parameters, outputs and gradients, each tensor base64 little-endian Float32.
struct TorchFixture {
    struct Case {
        let name: String
        let layer: String
        let config: [String: Any]
        let tensors: [String: Tensor]

        func tensor(_ key: String) throws -> Tensor {
            guard let t = tensors[key] else { throw FixtureFormatError("case \(name) has no tensor \(key)") }
            return t
        }

        func int(_ key: String) throws -> Int {
            guard let v = config[key] as? Int else { throw FixtureFormatError("case \(name): config \(key) is not an integer") }
            return v
        }

        func float(_ key: String) throws -> Float {
            guard let v = config[key] as? Double else { throw FixtureFormatError("case \(name): config \(key) is not a number") }
            return Float(v)
        }

        func bool(_ key: String) throws -> Bool {
            guard let v = config[key] as? Bool else { throw FixtureFormatError("case \(name): config \(key) is not a boolean") }
            return v
        }
    }

    static let name = "sinonet_layers.json"

    let tool: String
    let cases: [Case]

    init() throws {
        let json = try Fixtures.json(Self.name)
        let versions = json["versions"] as? [String: Any] ?? [:]
        tool = "torch \(versions["torch"] ?? "?")"
        guard let rawCases = json["cases"] as? [[String: Any]] else {
            throw FixtureFormatError("\(Self.name) has no cases array")
        }
        cases = try rawCases.map { raw in
            guard let name = raw["name"] as? String, let layer = raw["layer"] as? String,
                let rawTensors = raw["tensors"] as? [String: [String: Any]]
            else {
                throw FixtureFormatError("a case in \(Self.name) lacks name, layer or tensors")
            }
            var tensors: [String: Tensor] = [:]
            for (key, value) in rawTensors { tensors[key] = try Self.decodeTensor(value, "\(name).\(key)") }
            return Case(
                name: name, layer: layer, config: raw["config"] as? [String: Any] ?? [:],
                tensors: tensors)
        }
    }

    func cases(layer: String) -> [Case] { cases.filter { $0.layer == layer } }

    func `case`(_ name: String) throws -> Case {
        guard let c = cases.first(where: { $0.name == name }) else { throw FixtureFormatError("no case \(name)") }
        return c
    }

    static func decodeTensor(_ value: [String: Any], _ label: String) throws -> Tensor {
        guard let dims = value["shape"] as? [Int], let text = value["data"] as? String,
            let data = Data(base64Encoded: text)
        else {
            throw FixtureFormatError("tensor \(label) lacks shape or base64 data")
        }
        let shape = Shape(dims)
        guard data.count == shape.count * 4 else {
            throw FixtureFormatError("tensor \(label): \(data.count) bytes for shape \(shape)")
        }
        let tensor = Tensor(shape)
        data.withUnsafeBytes { raw in
            for i in 0..<shape.count {
                tensor[i] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
            }
        }
        return tensor
    }
}

struct FixtureFormatError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Parity check in llm.c's style: max |actual - expected| relative to max |expected| must be
/// within `tolerance`; every comparison is printed with reportComparison. `scaleFloor` is for
/// tensors that are analytically zero (only rounding noise on both sides): the difference is
/// then measured against that floor, the magnitude of a related non-zero tensor.
func expectParity(
    _ actual: Tensor, _ expected: Tensor, _ label: String, tool: String,
    tolerance: Float = 1e-4, scaleFloor: Float = 0,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    guard actual.count == expected.count else {
        Issue.record("\(label): \(actual.shape) versus expected \(expected.shape)", sourceLocation: sourceLocation)
        return
    }
    let (diff, scale) = actual.maxAbsDifference(to: expected)
    let relative = diff / max(scale, scaleFloor, Float.leastNormalMagnitude)
    let floorNote = scaleFloor > scale ? ", scale floor \(String(format: "%.3g", scaleFloor))" : ""
    reportComparison(
        "\(label) (max abs diff \(String(format: "%.3g", diff)), max |ref| \(String(format: "%.3g", scale))\(floorNote))",
        tool: tool, maxRelDiff: Double(relative))
    #expect(
        relative <= tolerance, "\(label): max abs diff \(diff), max |expected| \(scale)",
        sourceLocation: sourceLocation)
}
