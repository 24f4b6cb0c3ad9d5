import Foundation
import Testing

@testable import SinoStats

/// Outputs with a value that may be undefined or a rule with a parameter are written as plain
/// JSON (a number, or null with a reason; a rule name with its parameter), never as Swift's
/// synthesized enum coding, and read back to the same values.
@Suite("Plain JSON of statistics")
struct PlainJSONTests {
    func object(_ value: some Encodable) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(value)) as? [String: Any])
    }

    @Test("multiclass AUCs: numbers, or null with the reason beside them; decoded back equal")
    func multiclassAUC() throws {
        // Class 2 has no patient: its AUC is undefined, and so are the OvR averages over it.
        let auc = try MulticlassAUC.compute(
            labels: [0, 1, 0, 1], scores: [[0.7, 0.2, 0.1], [0.3, 0.6, 0.1], [0.5, 0.4, 0.1], [0.2, 0.2, 0.6]],
            classCount: 3)
        let json = try object(auc)
        let perClass = try #require(json["perClass"] as? [Any])
        #expect(perClass[0] as? Double == 1 && perClass[2] is NSNull)
        let reasons = try #require(json["perClassUndefinedReasons"] as? [Any])
        #expect(reasons[0] is NSNull && (reasons[2] as? String)?.contains("case") == true)
        #expect(json["micro"] as? Double == auc.micro.value && json["microUndefinedReason"] == nil)
        #expect(json["oneVsOne"] as? Double == auc.oneVsOne.value)
        let text = String(decoding: try JSONEncoder().encode(auc), as: UTF8.self)
        #expect(!text.contains("_0") && !text.contains("\"defined\"") && !text.contains("\"undefined\""), "\(text)")
        #expect(try JSONDecoder().decode(MulticlassAUC.self, from: JSONEncoder().encode(auc)) == auc)

        // One class present: no one-vs-rest AUC and no one-vs-one AUC is defined (the micro
        // AUC is, over the flattened matrix).
        let single = try MulticlassAUC.compute(labels: [0, 0], scores: [[0.6, 0.4], [0.7, 0.3]], classCount: 2)
        let undefined = try object(single)
        #expect((undefined["perClass"] as? [Any])?.allSatisfy { $0 is NSNull } == true)
        #expect(undefined["macro"] is NSNull && undefined["weighted"] is NSNull)
        #expect(undefined["oneVsOne"] is NSNull && undefined["oneVsOneUndefinedReason"] is String)
        #expect(undefined["micro"] as? Double == single.micro.value && undefined["microUndefinedReason"] == nil)
        #expect(try JSONDecoder().decode(MulticlassAUC.self, from: JSONEncoder().encode(single)) == single)
    }

    @Test("the elimination rule: {rule: lrt, alpha} or {rule: aic}; decoded back equal")
    func eliminationCriterion() throws {
        let lrt = try object(["criterion": EliminationCriterion.likelihoodRatio(alpha: 0.1)])["criterion"] as? [String: Any]
        #expect(lrt?["rule"] as? String == "lrt" && lrt?["alpha"] as? Double == 0.1 && lrt?.count == 2)
        let aic = try object(["criterion": EliminationCriterion.aic])["criterion"] as? [String: Any]
        #expect(aic?["rule"] as? String == "aic" && aic?.count == 1)
        for criterion in [EliminationCriterion.likelihoodRatio(alpha: 0.05), .aic] {
            #expect(try JSONDecoder().decode(EliminationCriterion.self, from: JSONEncoder().encode(criterion)) == criterion)
        }
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(EliminationCriterion.self, from: Data("{\"rule\": \"bic\"}".utf8)) }
    }

    @Test("messages built from messages end a sentence with one full stop")
    func sentences() {
        #expect(PredictorSelection.sentence("the estimate does not exist.") == "the estimate does not exist.")
        #expect(PredictorSelection.sentence("no full stop") == "no full stop.")
        let explained = PredictorSelection.explain(.separation("separation: column 'x' separates class 1. Use Firth regression."), screened: ["x"])
        #expect(!"\(explained)".contains(".."), "\(explained)")
        let singular = PredictorSelection.explain(.singular("columns are collinear."), screened: ["x", "y"])
        #expect(!"\(singular)".contains(".."), "\(singular)")
    }
}
