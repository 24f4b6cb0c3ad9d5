import Foundation
import Testing

@testable import SinoData

@Suite("Predictions CSV")
struct PredictionsTests {
    let classes = ClassSet(["SCC", "ACC", "ONB"])

    @Test("round trip: several models, probabilities written with 17 digits read back exactly")
    func roundTrip() throws {
        let a = Predictions(
            model: "m1", classes: classes, patientIds: ["A", "B"], cohorts: ["test", "test"],
            probabilities: [[0.1, 0.2, 0.7], [1.0 / 3, 1.0 / 3, 1.0 / 3]])
        var b = a
        b.model = "m2"
        let parsed = try Predictions.parse(CSVTable.parse(text: Predictions.csv([a, b]), source: "p.csv"), classes: classes)
        #expect(parsed.map(\.model) == ["m1", "m2"])
        #expect(parsed[0].patientIds == ["A", "B"])
        for (row, expected) in zip(parsed[0].probabilities, a.probabilities) {
            for (x, y) in zip(row, expected) { #expect(abs(x - y) <= 1e-15) }
        }
    }

    @Test("columns in any order; rounded rows within the tolerance are accepted exactly as written, never rescaled")
    func tolerance() throws {
        let text = "model,p_ONB,patient_id,p_ACC,cohort,p_SCC\nx,0.3333,A,0.3334,test,0.3333\nx,0.1,B,0.2,test,0.69995\n"
        let p = try Predictions.parse(CSVTable.parse(text: text), classes: classes)
        // Class order SCC, ACC, ONB. Row B sums to 0.99995: dividing by the sum would move all
        // three values (and, in general, break ties between rows).
        #expect(p[0].probabilities == [[0.3333, 0.3334, 0.3333], [0.69995, 0.2, 0.1]])
    }

    @Test("bad rows are all reported: sum off, not a number, duplicate, missing class column")
    func problems() throws {
        let text = "patient_id,cohort,model,p_SCC,p_ACC,p_ONB\nA,test,x,0.5,0.5,0.5\nB,test,x,abc,0.5,0.5\nC,test,x,0.2,0.3,0.5\nC,test,x,0.2,0.3,0.5\n"
        let error = try #require(throws: ValidationError.self) { try Predictions.parse(CSVTable.parse(text: text, source: "p.csv"), classes: classes) }
        #expect(error.problems.count == 3)
        #expect(error.problems[0].description.contains("sum to 1.5"))
        #expect(error.problems[1].column == "p_SCC" && error.problems[1].value == "abc")
        #expect(error.problems[2].description.contains("duplicate row"))
        let missing = try #require(throws: ValidationError.self) {
            try Predictions.parse(CSVTable.parse(text: "patient_id,cohort,model,p_SCC,p_ACC\nA,test,x,0.5,0.5\n"), classes: classes)
        }
        #expect(missing.description.contains("p_ONB"))
    }
}
