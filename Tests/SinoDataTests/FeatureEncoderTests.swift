import Testing

@testable import SinoData

@Suite("Feature encoding and folds")
struct FeatureEncoderTests {
    let dictionary = VariableDictionary(
        name: "t", label: LabelSpec(column: "y", classes: ["a", "b"]),
        variables: [
            Variable(name: "t2", kind: .ordinal, levels: ["low", "mid", "high"], reference: "mid"),
            Variable(name: "x", kind: .continuous)
        ])

    func cohort(_ text: String) throws -> Cohort {
        try CohortLoader.load(table: CSVTable.parse(text: text), dictionary: dictionary).cohort
    }

    @Test("columns come from training; other cohorts get the same columns; missing values imputed")
    func trainColumnsApplied() throws {
        // Training has no 'high' level, so no column for it; median of x is (1 + 3) / 2 = 2.
        let train = try cohort("patient_id,y,t2,x\n1,a,low,1\n2,b,mid,3\n3,a,low,NA\n")
        let encoder = try FeatureEncoder.fit(train, variables: ["t2", "x"])
        #expect(encoder.featureNames == ["t2=low", "x"])
        #expect(encoder.imputation == ["t2": 0, "x": 2])
        let test = try cohort("patient_id,y,t2,x\n4,a,high,5\n5,b,NA,NA\n")
        let (x, imputed) = try encoder.transform(test)
        #expect(x == [[0, 5], [1, 2]])
        #expect(imputed == 2)
    }

    @Test("ordinal encoding gives one score column")
    func ordinalScore() throws {
        var d = dictionary
        d.variables[0].encoding = .ordinal
        let train = try CohortLoader.load(table: CSVTable.parse(text: "patient_id,y,t2,x\n1,a,low,1\n2,b,high,3\n"), dictionary: d).cohort
        let encoder = try FeatureEncoder.fit(train, variables: ["t2"])
        #expect(encoder.featureNames == ["t2 (score)"])
        #expect(try encoder.transform(train).x == [[0], [2]])
    }

    @Test("stratified folds keep every class spread over the folds, deterministically")
    func folds() throws {
        let labels = Array(repeating: 0, count: 10) + Array(repeating: 1, count: 5)
        let folds = try StratifiedSplit.folds(labels: labels, classCount: 2, k: 5, seed: 3)
        for f in 0..<5 {
            #expect(labels.indices.filter { folds[$0] == f && labels[$0] == 0 }.count == 2)
            #expect(labels.indices.filter { folds[$0] == f && labels[$0] == 1 }.count == 1)
        }
        #expect(try StratifiedSplit.folds(labels: labels, classCount: 2, k: 5, seed: 3) == folds)
        #expect(throws: ValidationError.self) { try StratifiedSplit.folds(labels: labels, classCount: 2, k: 6, seed: 3) }
    }
}
