import Foundation
import SinoData
import SinoImaging
import SinoReport
import SinoStats
import TestSupport
import Testing

@testable import SinoStudy

/// The study config: typed decoding with every problem listed, defaults written once, and the
/// same verdicts as data-schema/study.schema.json.
@Suite("Study config")
struct StudyConfigTests {
    static let base = URL(fileURLWithPath: "/nonexistent-base")

    func decode(_ text: String, checkFiles: Bool = false) throws -> StudyConfig {
        try StudyConfig.read(data: Data(text.utf8), source: "test.json", base: Self.base, checkFiles: checkFiles)
    }

    func problems(_ text: String) -> [String] {
        do {
            _ = try decode(text)
            return []
        } catch let error as StudyConfigError {
            return error.problems
        } catch {
            return ["\(error)"]
        }
    }

    struct Case: Decodable, Sendable, CustomTestStringConvertible {
        var name: String
        var config: JSONValue
        var valid: Bool
        var testDescription: String { name }
    }

    struct Corpus: Decodable { var tool: [String: String]; var cases: [Case] }

    static let corpus: Corpus = try! JSONDecoder().decode(Corpus.self, from: Data(contentsOf: Fixtures.url("study_configs.json")))

    @Test("the types accept and reject the same configs as the JSON Schema (jsonschema's verdicts)", arguments: corpus.cases)
    func schemaAgreement(_ c: Case) throws {
        let data = try JSONEncoder().encode(c.config)
        let found = problems(String(decoding: data, as: UTF8.self))
        #expect(found.isEmpty == c.valid, "schema says \(c.valid ? "valid" : "invalid"); SinoRad found: \(found)")
    }

    @Test("an empty config is every default: the quick profile, the SYNTHETIC cohort, the default grid")
    func defaults() throws {
        let config = try decode("{}")
        #expect(config == StudyConfig())
        #expect(config.conventional.grid.settings == ForestSetting.defaultGrid)
        #expect(config.conventional.grid.settings.count == 18)
        #expect(config.cnn.architectures == [.resnet18] && config.cnn.size == 64 && config.cnn.selectFrom == 5)
        let paper = try decode(#"{"profile": "paper", "cnn": {"epochs": 12}}"#)
        #expect(paper.cnn.architectures == [.resnet50, .resnet101, .densenet121] && paper.cnn.size == 224 && paper.cnn.epochs == 12)
        #expect(paper.cnn.selectFrom == nil)
    }

    @Test("every problem at once, each naming its key, with the nearest known key or name")
    func everyProblem() {
        let found = problems(
            """
            {"seeed": 3, "cnn": {"architectures": ["resnet18", "resnet5"], "size": 8, "optimiser": "adamw"},
             "evaluation": {"bootstrap": "lots"}, "selection": {"method": "firt"}, "figure_formats": ["svg"]}
            """)
        let expected = [
            "seeed: unknown key (did you mean 'seed'?)", "cnn.architectures[1]: 'resnet5' is not one of resnet18",
            "cnn.size: 8 is out of range (expected 16 to 1024)", "cnn.optimiser: unknown key (did you mean 'optimizer'?)",
            "evaluation.bootstrap: expected an integer", "selection.method: 'firt' is not one of ml, firth",
            "figure_formats: must include png"
        ]
        #expect(found.count == expected.count, "\(found)")
        for text in expected { #expect(found.contains { $0.hasPrefix(text) }, "missing '\(text)' in \(found)") }
    }

    @Test("what a schema cannot see: files, CNNs without images, readers without reads, select_from after the last epoch")
    func fileAndCrossChecks() throws {
        let folder = try SinoRadCommand.temporaryFolder()
        let text = #"{"inputs": {"cohort": "c.csv", "images": "im"}, "cnn": {"epochs": 3, "select_from": 4}, "radiomics": {"params": "r.yaml"}}"#
        do {
            _ = try StudyConfig.read(data: Data(text.utf8), source: "t.json", base: folder)
            Issue.record("expected problems")
        } catch let error as StudyConfigError {
            let expected = [
                "inputs.cohort: \(folder.path)/c.csv does not exist", "inputs.images: \(folder.path)/im does not exist",
                "cnn.select_from: 4 is after the last epoch (3)", "readers: the reader study needs inputs.reads",
                "radiomics.params: \(folder.path)/r.yaml does not exist"
            ]
            for e in expected { #expect(error.problems.contains { $0.hasPrefix(e) }, "missing '\(e)' in \(error.problems)") }
            #expect(error.description.contains("\(error.problems.count) problem(s), nothing was run"))
        }
        let noImages = try decode(#"{"inputs": {"synthetic": {"images": false}}}"#)
        #expect(noImages.problems(base: folder).contains { $0.hasPrefix("cnn.enabled: the CNN stages need images") })
    }

    @Test("JSON that does not parse says where")
    func syntax() {
        #expect(throws: StudyError.self) { try decode("{\"study\": 1,") }
        do { _ = try decode("{\n  \"study\": \"x\",\n  \"seed\": 1,,\n}\n") } catch {
            #expect(userMessage(error).contains("not valid JSON, line 3, column"), "\(userMessage(error))")
        }
    }
}

/// A JSON value as the corpus holds it, re-encoded exactly (numbers keep their integer or
/// decimal form).
enum JSONValue: Codable, Sendable {
    case null, bool(Bool), int(Int), double(Double), string(String), array([JSONValue]), object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let i = try? c.decode(Int.self) {
            self = .int(i)
        } else if let d = try? c.decode(Double.self) {
            self = .double(d)
        } else if let s = try? c.decode(String.self) {
            self = .string(s)
        } else if let a = try? c.decode([JSONValue].self) {
            self = .array(a)
        } else {
            self = .object(try c.decode([String: JSONValue].self))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .int(let i): try c.encode(i)
        case .double(let d): try c.encode(d)
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }
}
