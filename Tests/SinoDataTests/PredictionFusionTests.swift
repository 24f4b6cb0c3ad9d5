import Foundation
import Testing

@testable import SinoData

@Suite("Prediction fusion")
struct PredictionFusionTests {
    let classes = ClassSet(["SCC", "ACC", "ONB"])

    func input(_ source: String, _ model: String, _ ids: [String], _ cohorts: [String], _ rows: [[Double]]) -> PredictionFusion.Input {
        PredictionFusion.Input(source: source, predictions: Predictions(model: model, classes: classes, patientIds: ids, cohorts: cohorts, probabilities: rows))
    }

    var a: PredictionFusion.Input { input("a.csv", "t2", ["P1", "P2"], ["test", "test"], [[0.6, 0.3, 0.1], [0.2, 0.5, 0.3]]) }
    /// The same patients in the other order.
    var b: PredictionFusion.Input { input("b.csv", "adc", ["P2", "P1"], ["test", "test"], [[0.4, 0.4, 0.2], [0.2, 0.2, 0.6]]) }

    func expectRows(_ actual: [[Double]], _ expected: [[Double]], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(actual.count == expected.count, sourceLocation: sourceLocation)
        for (x, y) in zip(actual.joined(), expected.joined()) { #expect(abs(x - y) <= 1e-15, "\(actual)", sourceLocation: sourceLocation) }
    }

    @Test("mean: class-by-class average, patients matched by id, first input's order kept")
    func mean() throws {
        let fused = try PredictionFusion.fuse([a, b], method: .mean, model: "mean-fusion")
        #expect(fused.model == "mean-fusion" && fused.patientIds == ["P1", "P2"] && fused.cohorts == ["test", "test"])
        // P1: (0.6 + 0.2) / 2, (0.3 + 0.2) / 2, (0.1 + 0.6) / 2; P2: (0.2 + 0.4) / 2, ...
        expectRows(fused.probabilities, [[0.4, 0.25, 0.35], [0.3, 0.45, 0.25]])
    }

    @Test("max: element-wise maximum, renormalised to sum 1")
    func max() throws {
        let fused = try PredictionFusion.fuse([a, b], method: .max, model: "max-fusion")
        // P1: max (0.6, 0.3, 0.6) / 1.5; P2: max (0.4, 0.5, 0.3) / 1.2.
        expectRows(fused.probabilities, [[0.4, 0.2, 0.4], [1.0 / 3, 5.0 / 12, 0.25]])
        for row in fused.probabilities { #expect(abs(row.reduce(0, +) - 1) <= 1e-15) }
    }

    @Test("three inputs: the mean of three")
    func three() throws {
        let c = input("c.csv", "ce", ["P1", "P2"], ["test", "test"], [[0.1, 0.1, 0.8], [0.9, 0.05, 0.05]])
        let fused = try PredictionFusion.fuse([a, b, c], method: .mean, model: "m")
        expectRows(fused.probabilities, [[0.9 / 3, 0.6 / 3, 1.5 / 3], [1.5 / 3, 0.95 / 3, 0.55 / 3]])
    }

    @Test("every mismatch at once: missing patients (which file), cohort disagreement, duplicates, classes")
    func mismatches() throws {
        let c = input("c.csv", "ce", ["P1", "P3", "P3"], ["validation", "test", "test"], [[1, 0, 0], [0, 1, 0], [0, 1, 0]])
        let error = try #require(throws: ValidationError.self) { try PredictionFusion.fuse([a, b, c], method: .mean, model: "m") }
        let text = error.problems.map(\.description)
        #expect(text.contains { $0.hasPrefix("c.csv, column 'patient_id': patient appears more than once for model 'ce'") })
        #expect(text.contains { $0.hasPrefix("c.csv, column 'cohort': patient P1 is in cohort 'validation' for model 'ce' but in 'test' in a.csv (model t2)") })
        #expect(text.contains { $0.hasPrefix("c.csv, column 'patient_id': patient missing for model 'ce' (present in a.csv (model t2), cohort test) (found 'P2')") })
        #expect(text.contains { $0.hasPrefix("a.csv, column 'patient_id': patient missing for model 't2' (present in c.csv (model ce), cohort test) (found 'P3')") })
        #expect(text.contains { $0.hasPrefix("b.csv, column 'patient_id': patient missing for model 'adc'") && $0.contains("'P3'") })
        #expect(error.problems.count == 5, "\(error)")

        var other = b
        other.predictions.classes = ClassSet(["SCC", "ONB", "ACC"])
        let classError = try #require(throws: ValidationError.self) { try PredictionFusion.fuse([a, other], method: .max, model: "m") }
        #expect(classError.description.contains("has classes SCC, ONB, ACC") && classError.description.contains("the classes of a.csv (model t2)"))
    }

    @Test("fewer than two inputs or an empty model name are refused")
    func refusals() {
        #expect(throws: ValidationError.self) { try PredictionFusion.fuse([a], method: .mean, model: "m") }
        #expect(throws: ValidationError.self) { try PredictionFusion.fuse([a, b], method: .mean, model: " ") }
    }
}
