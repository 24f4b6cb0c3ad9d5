import SinoData
import SinoStats
import TestSupport
import Testing

@testable import SinoReport

/// The multivariable model table says the confidence level its intervals were computed at.
@Suite("Selection layout")
struct SelectionLayoutTests {
    @Test("OR column headers and the footnote name the level used (95% by default, 90% when asked)")
    func intervalLevelInHeaders() throws {
        let cohort = try CohortLoader.load(
            path: Fixtures.url("synthetic_cohort.csv").path, dictionary: .sinonasal()
        ).cohort
        for (level, text) in [(0.95, "95%"), (0.9, "90%")] {
            var options = SelectionOptions()
            options.confidenceLevel = level
            let selection = try PredictorSelection.run(cohort, split: "train", options: options)
            let elimination = try #require(selection.elimination)
            #expect(elimination.finalFit.confidenceLevel == level)
            let table = selection.modelTable(elimination, "")
            let orColumns = table.columns.filter { $0.contains("OR (") }
            #expect(!orColumns.isEmpty && orColumns.allSatisfy { $0.hasSuffix("OR (\(text) CI)") }, "\(table.columns)")
            #expect(table.footnotes.contains { $0.contains("\(text) Wald CI") }, "\(table.footnotes)")
        }
    }

    @Test("Confidence levels as headers say them")
    func percentLevel() {
        #expect(NumberFormat.percentLevel(0.95) == "95%")
        #expect(NumberFormat.percentLevel(0.9) == "90%")
        #expect(NumberFormat.percentLevel(0.975) == "97.5%")
        #expect(NumberFormat.percentLevel(0.999) == "99.9%")
    }
}
