import Foundation
import TestSupport
import Testing

@testable import SinoData

@Suite("Cohort loading and validation")
struct CohortLoaderTests {
    let dictionary = VariableDictionary(
        name: "test", label: LabelSpec(column: "pathology", classes: ["SCC", "ACC", "ONB"]),
        variables: [
            Variable(name: "age", kind: .continuous, unit: "years"),
            Variable(name: "t2", kind: .ordinal, levels: ["low", "intermediate", "high"], reference: "intermediate")
        ])

    func load(_ text: String) throws -> LoadedCohort {
        try CohortLoader.load(table: CSVTable.parse(text: text, source: "c.csv"), dictionary: dictionary)
    }

    @Test("a valid cohort is typed by the dictionary; missing markers become nil")
    func valid() throws {
        let loaded = try load("patient_id,cohort,pathology,age,t2\nP1,train,SCC,50,low\nP2,test,ONB,NA,high\nP3,train,ACC,61.5,\n")
        let cohort = loaded.cohort
        #expect(cohort.count == 3)
        #expect(cohort.labels == [0, 2, 1])
        #expect(cohort.classCounts == [1, 1, 1])
        #expect(cohort.columns["age"] == .continuous([50, nil, 61.5]))
        #expect(cohort.columns["t2"] == .categorical([0, 2, nil]))
        #expect(cohort.splitNames == ["train", "test"])
        #expect(try cohort.split("train").ids == ["P1", "P3"])
    }

    @Test("every problem is reported at once: unknown level, non-numeric value, unknown class, duplicate id")
    func allProblems() throws {
        let text = "patient_id,cohort,pathology,age,t2\nP1,train,SCC,fifty,low\nP2,train,XYZ,40,bright\nP1,test,ONB,30,high\nP4,train,ACC,33,low\n"
        let error = try #require(throws: ValidationError.self) { try load(text) }
        let found = Set(error.problems.map { "\($0.row ?? -1):\($0.column ?? "")" })
        #expect(found == ["1:age", "2:pathology", "2:t2", "3:patient_id"])
        let level = try #require(error.problems.first { $0.column == "t2" })
        #expect(level.value == "bright")
        #expect(level.expected?.contains("low, intermediate, high") == true)
        #expect(level.file == "c.csv")
    }

    @Test("missing columns are all named")
    func missingColumns() throws {
        let error = try #require(throws: ValidationError.self) { try load("patient_id,pathology\nP1,SCC\n") }
        #expect(Set(error.problems.compactMap(\.column)) == ["age", "t2"])
    }

    @Test("a class without patients is an error naming the class")
    func emptyClass() throws {
        let error = try #require(throws: ValidationError.self) { try load("patient_id,cohort,pathology,age,t2\nP1,train,SCC,50,low\nP2,train,ACC,40,high\n") }
        #expect(error.problems.count == 1)
        #expect(error.description.contains("ONB"))
    }

    @Test("an all-missing variable and extra columns are warnings, not errors")
    func warnings() throws {
        let loaded = try load("patient_id,cohort,pathology,age,t2,extra\nP1,train,SCC,NA,low,1\nP2,train,ACC,,high,2\nP3,test,ONB,NA,low,3\n")
        #expect(loaded.warnings.count == 2)
        #expect(loaded.warnings.contains { $0.message.contains("'age' is missing for every patient") })
        #expect(loaded.warnings.contains { $0.message.contains("extra") })
    }

    @Test("a value outside the dictionary's plausible range is an error")
    func range() throws {
        var d = dictionary
        d.variables[0].maximum = 110
        let error = try #require(throws: ValidationError.self) {
            try CohortLoader.load(table: CSVTable.parse(text: "patient_id,pathology,age,t2\nA,SCC,150,low\nB,ACC,1,low\nC,ONB,2,low\n", source: "r.csv"), dictionary: d)
        }
        #expect(error.problems.first?.expected == "a value <= 110.0")
    }

    @Test("without a dictionary, kinds are inferred with their reasons")
    func inference() throws {
        let text = "patient_id,pathology,age,grade,sex\n" + (1...20).map { "P\($0),\($0 % 2 == 0 ? "A" : "B"),\(30 + $0),\($0 % 3),\($0 % 2 == 0 ? "m" : "f")" }.joined(separator: "\n")
        let loaded = try CohortLoader.load(table: CSVTable.parse(text: text), dictionary: nil)
        let kinds = Dictionary(uniqueKeysWithValues: loaded.inferred.map { ($0.name, $0.kind) })
        #expect(kinds == ["age": .continuous, "grade": .categorical, "sex": .categorical])
        #expect(loaded.inferred.first { $0.name == "grade" }?.levels == ["0", "1", "2"])
        #expect(loaded.cohort.classes.names == ["B", "A"])
    }

    @Test("the built-in dictionary is the file data-schema/sinonasal.dictionary.json")
    func builtinMatchesFile() throws {
        let file = try VariableDictionary.load(path: Fixtures.root.appendingPathComponent("data-schema/sinonasal.dictionary.json").path)
        #expect(file == VariableDictionary.sinonasal())
        #expect(file.variables.count >= 17)
    }

    @Test("a dictionary with a reference outside its levels is rejected")
    func badDictionary() throws {
        let json =
            #"{"name":"x","version":1,"id_column":"id","label":{"column":"y","classes":["a","b"]},"missing":[""],"variables":[{"name":"v","kind":"categorical","levels":["p","q"],"reference":"r"}]}"#
        let error = try #require(throws: ValidationError.self) { try VariableDictionary.decode(Data(json.utf8), source: "d.json") }
        #expect(error.description.contains("reference level 'r'"))
    }
}
