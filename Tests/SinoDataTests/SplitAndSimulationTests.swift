import Foundation
import Testing

@testable import SinoData

@Suite("Stratified splits and the synthetic cohort")
struct SplitAndSimulationTests {
    @Test("the study's 229/128/108 patients split 325/47/93 by largest remainder")
    func studyAllocation() throws {
        // Train shares 160.06 / 89.46 / 75.48 -> 160, 89, 76 (ONB has the largest remainder);
        // validation from the 69 / 39 / 32 left: 23.16 / 13.09 / 10.74 -> 23, 13, 11.
        let allocation = try StratifiedSplit.allocation(classCounts: [229, 128, 108], cohortSizes: [325, 47, 93])
        #expect(allocation == [[160, 23, 46], [89, 13, 26], [76, 11, 21]])
    }

    @Test("cohort sizes that do not add up are rejected")
    func badSizes() {
        #expect(throws: ValidationError.self) { try StratifiedSplit.allocation(classCounts: [10, 10], cohortSizes: [15, 6]) }
    }

    @Test("the default synthetic cohort has the study's proportions and ids marked SYN")
    func defaultCohort() throws {
        let table = try CohortSimulator(settings: .init()).table()
        let cohort = try CohortLoader.load(table: table, dictionary: .sinonasal()).cohort
        #expect(cohort.count == 465)
        #expect(cohort.classCounts == [229, 128, 108])
        let sizes = cohort.splitNames.map { name in cohort.splits!.filter { $0 == name }.count }
        #expect(cohort.splitNames == ["train", "validation", "test"])
        #expect(sizes == [325, 47, 93])
        #expect(cohort.ids.allSatisfy { $0.hasPrefix("SYN") })
    }

    @Test("the same seed gives the same cohort; another seed a different one")
    func determinism() throws {
        var settings = CohortSimulator.Settings()
        let a = try CohortSimulator(settings: settings).table().rows
        let b = try CohortSimulator(settings: settings).table().rows
        settings.seed = 7
        let c = try CohortSimulator(settings: settings).table().rows
        #expect(a == b)
        #expect(a != c)
    }

    @Test("scaling keeps the proportions")
    func scaled() throws {
        let settings = try CohortSimulator.Settings.scaled(to: 50_000, seed: 1)
        #expect(settings.classCounts.reduce(0, +) == 50_000)
        #expect(settings.cohortSizes.reduce(0, +) == 50_000)
        #expect(settings.classCounts == [24624, 13763, 11613])
    }

    @Test("design matrix: one-hot against the reference, complete cases only")
    func design() throws {
        let dictionary = VariableDictionary(
            name: "t", label: LabelSpec(column: "y", classes: ["a", "b"]),
            variables: [
                Variable(name: "t2", kind: .ordinal, levels: ["low", "mid", "high"], reference: "mid"),
                Variable(name: "x", kind: .continuous)
            ])
        let table = try CSVTable.parse(text: "patient_id,y,t2,x\n1,a,low,1.5\n2,b,high,2\n3,a,mid,NA\n4,b,mid,3\n")
        let cohort = try CohortLoader.load(table: table, dictionary: dictionary).cohort
        let design = try DesignMatrix.build(cohort, variables: ["t2", "x"])
        #expect(design.columnNames == ["t2=low", "t2=high", "x"])
        #expect(design.x == [[1, 0, 1.5], [0, 1, 2], [0, 0, 3]])
        #expect(design.rows == [0, 1, 3])
        #expect(design.droppedIncomplete == 1)
        #expect(design.groups.map(\.columns) == [[0, 1], [2]])
    }
}
