import Foundation
import SinoData
import SinoStats
import TestSupport
import Testing

/// Cases from Tests/Fixtures/firth.json, written by scripts/peers/firth.R with R brglm2 0.9
/// `brmultinom(type = "AS_mean")` (see its `versions`); the nested penalised LR tests come
/// from the script's constrained maximisation of brglm2's penalised log-likelihood.
enum FirthFixture {
    static var fixture: [String: Any] { (try? Fixtures.json("firth.json")) ?? [:] }
    static var tool: String {
        let versions = fixture["versions"] as? [String: Any] ?? [:]
        return "brglm2 \(versions["brglm2"] ?? "?") (\(versions["R"] ?? "R ?"))"
    }

    static func fitCase(_ name: String) -> [String: Any] {
        let fits = fixture["fits"] as? [[String: Any]] ?? []
        return fits.first { $0["name"] as? String == name } ?? [:]
    }

    static var caseNames: [String] {
        ((fixture["fits"] as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String }
    }
}

/// Relative agreement within 1e-6 (absolute below 1e-12, for values that are zero).
private func checkAll(
    _ label: String, _ actual: [Double], _ expected: [Double], into comparison: inout Comparison
) {
    #expect(actual.count == expected.count, "\(label): \(actual.count) values vs \(expected.count)")
    for (i, (a, e)) in zip(actual, expected).enumerated() {
        comparison.check("\(label) [\(i)]", a, e)
    }
}

private func doubles(_ value: Any?) -> [Double] { value as? [Double] ?? [] }
private func rows(_ value: Any?) -> [[Double]] { value as? [[Double]] ?? [] }

/// Compares a fit with brglm2's coefficients, SEs, Wald z and p, log-likelihoods and AIC.
private func compareFit(
    _ fit: MultinomialLogitFit, _ expected: [String: Any], _ label: String,
    into comparison: inout Comparison
) {
    #expect(fit.method == .firth)
    for (e, equation) in fit.equations.enumerated() {
        checkAll("coef \(label) eq \(e)", equation.coefficients, rows(expected["coefficients"])[e], into: &comparison)
        checkAll("se \(label) eq \(e)", equation.standardErrors, rows(expected["standardErrors"])[e], into: &comparison)
        checkAll("z \(label) eq \(e)", equation.z, rows(expected["z"])[e], into: &comparison)
        checkAll("p \(label) eq \(e)", equation.pValues, rows(expected["pValues"])[e], into: &comparison)
    }
    comparison.check("llf \(label)", fit.logLikelihood, expected["logLikelihood"] as! Double)
    comparison.check("pllf \(label)", fit.penalizedLogLikelihood ?? .nan, expected["penalizedLogLikelihood"] as! Double)
    comparison.check("aic \(label)", fit.aic, expected["aic"] as! Double)
}

/// The drop-one nested penalised LR tests and the separately fitted reduced models.
private func compareFirthDropOne(
    _ fit: MultinomialLogitFit, _ input: MNLogitInput, _ tests: [[String: Any]],
    into comparison: inout Comparison
) throws {
    for test in tests {
        let group = test["group"] as! String
        let columns = test["columns"] as! [Int]
        let names = columns.map { input.featureNames[$0] }
        let lr = try MultinomialLogit.penalizedLikelihoodRatioTest(
            full: fit, x: input.x, y: input.y, dropping: names)
        comparison.check("plr \(group)", lr.statistic, test["statistic"] as! Double)
        comparison.check("plrp \(group)", lr.pValue, test["pValue"] as! Double)
        #expect(lr.degreesOfFreedom == test["df"] as? Int)
        let keep = input.featureNames.indices.filter { !columns.contains($0) }
        let reduced = try input.selecting(keep).fit(method: .firth)
        comparison.check("llf reduced \(group)", reduced.logLikelihood, test["reducedLogLikelihood"] as! Double)
        comparison.check(
            "pllf reduced \(group)", reduced.penalizedLogLikelihood ?? .nan,
            test["reducedPenalizedLogLikelihood"] as! Double)
        comparison.check("aic reduced \(group)", reduced.aic, test["reducedAic"] as! Double)
    }
}

extension MNLogitInput {
    func fit(method: LogitMethod) throws -> MultinomialLogitFit {
        try MultinomialLogit.fit(
            x: x, y: y, classCount: classCount, reference: reference, featureNames: featureNames,
            method: method)
    }
}

private func compareWithBrglm2(_ name: String) throws {
    let c = FirthFixture.fitCase(name)
    #expect(!c.isEmpty, "no fixture case \(name)")
    let input = MNLogitInput(c)
    let fit = try input.fit(method: .firth)
    #expect(fit.equations.map(\.classIndex) == c["nonReferenceClasses"] as? [Int])
    var comparison = Comparison()
    compareFit(fit, c, name, into: &comparison)
    try compareFirthDropOne(fit, input, c["dropOne"] as! [[String: Any]], into: &comparison)
    reportComparison("Firth \(name) (worst: \(comparison.worst))", tool: FirthFixture.tool, maxRelDiff: comparison.maxRelDiff)
    #expect(comparison.failures.isEmpty, "\(comparison.failures)")
}

@Suite("Firth multinomial logit")
struct FirthTests {
    @Test("The fixture covers the planned cases and brglm2's own checks hold")
    func fixtureChecks() throws {
        #expect(FirthFixture.caseNames.count == 8)
        let checks = FirthFixture.fixture["checks"] as? [String: Any] ?? [:]
        // brglm2's logLik and penalised logLik equal the written-out l and l*, and the
        // gradient of l* vanishes at brglm2's estimates.
        #expect((checks["logLikelihood"] as? Double ?? 1) < 1e-9)
        #expect((checks["penalized"] as? Double ?? 1) < 1e-9)
        #expect((checks["gradientAtEstimate"] as? Double ?? 1) < 1e-6)
        #expect((checks["gradientVsFiniteDifference"] as? Double ?? 1) < 1e-6)
        // Every constrained maximum behind a nested penalised LR test is one (gradient ~ 0).
        let fits = FirthFixture.fixture["fits"] as? [[String: Any]] ?? []
        let elimination = FirthFixture.fixture["elimination"] as? [String: Any] ?? [:]
        let tables =
            fits.flatMap { $0["dropOne"] as? [[String: Any]] ?? [] }
            + (elimination["steps"] as? [[String: Any]] ?? []).flatMap { $0["candidates"] as? [[String: Any]] ?? [] }
            + (elimination["finalTests"] as? [[String: Any]] ?? [])
        #expect(tables.count > 20)
        #expect(tables.allSatisfy { ($0["constrainedMaxGradient"] as? Double ?? 1) < 1e-7 })
    }

    @Test("Firth matches brglm2 on palmerpenguins species ~ bill length + body mass")
    func penguins() throws { try compareWithBrglm2("penguins_bill_mass") }

    @Test("Firth matches brglm2 with Gentoo as the reference class")
    func penguinsReference() throws { try compareWithBrglm2("penguins_bill_mass_ref_gentoo") }

    @Test("Firth matches brglm2 on palmerpenguins with all six variables (separated: ML diverges)")
    func penguinsAll() throws { try compareWithBrglm2("penguins_all") }

    @Test("Firth matches brglm2 on iris sepal + petal length (setosa separated)")
    func iris() throws { try compareWithBrglm2("iris_sepal_petal") }

    @Test("Firth matches brglm2 on iris, all measurements, virginica as the reference")
    func irisReference() throws { try compareWithBrglm2("iris_all_ref_virginica") }

    @Test("Firth matches brglm2 on hand-made quasi-complete separation")
    func quasi() throws { try compareWithBrglm2("handmade_quasi") }

    @Test("Firth matches brglm2 on hand-made complete separation (binary)")
    func complete() throws { try compareWithBrglm2("handmade_complete_binary") }

    @Test("Without separation Firth matches brglm2 and differs slightly from ML, which matches brglm2's ML")
    func overlap() throws {
        try compareWithBrglm2("penguins_island_overlap")
        let c = FirthFixture.fitCase("penguins_island_overlap")
        let input = MNLogitInput(c)
        let ml = try input.fit()
        let firth = try input.fit(method: .firth)
        var comparison = Comparison()
        for (e, equation) in ml.equations.enumerated() {
            checkAll("ml coef eq \(e)", equation.coefficients, rows(c["mlCoefficients"])[e], into: &comparison)
        }
        reportComparison("ML penguins_island_overlap (worst: \(comparison.worst))", tool: FirthFixture.tool, maxRelDiff: comparison.maxRelDiff)
        #expect(comparison.failures.isEmpty, "\(comparison.failures)")
        let shift =
            zip(ml.equations.flatMap(\.coefficients), firth.equations.flatMap(\.coefficients))
            .map { abs($0 - $1) / max(abs($0), 1e-12) }.max() ?? 0
        #expect(shift > 1e-4 && shift < 0.2, "Firth vs ML relative shift \(shift)")
        #expect(ml.method == .ml && ml.penalizedLogLikelihood == nil)
    }

    @Test("ML on separated penguins and iris throws separation naming the Firth option", arguments: ["penguins_all", "iris_sepal_petal"])
    func mlSeparationNamesFirth(_ name: String) throws {
        let input = MNLogitInput(FirthFixture.fitCase(name))
        do {
            _ = try input.fit()
            Issue.record("ML fit on separated data did not throw")
        } catch let error as StatsError {
            guard case .separation(let message) = error else {
                Issue.record("expected separation, got \(error)")
                return
            }
            #expect(message.contains("--method firth"), "\(message)")
            #expect(message.contains("\"method\": \"firth\""), "\(message)")
        }
    }

    @Test("A Firth fit survives a Codable round trip; a fit without method decodes as ML")
    func codable() throws {
        let fit = try MNLogitInput(FirthFixture.fitCase("handmade_quasi")).fit(method: .firth)
        let data = try JSONEncoder().encode(fit)
        let object = try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["method"] as? String == "firth")
        #expect(try JSONDecoder().decode(MultinomialLogitFit.self, from: data) == fit)
        let ml = try MNLogitInput(FirthFixture.fitCase("penguins_island_overlap")).fit()
        var legacy = try #require(JSONSerialization.jsonObject(with: JSONEncoder().encode(ml)) as? [String: Any])
        legacy["method"] = nil
        let decoded = try JSONDecoder().decode(
            MultinomialLogitFit.self, from: JSONSerialization.data(withJSONObject: legacy))
        #expect(decoded.method == .ml && decoded.logLikelihood == ml.logLikelihood)
    }

    @Test("The penalised LR test refuses ML fits and unknown predictors")
    func testInputs() throws {
        let input = MNLogitInput(FirthFixture.fitCase("penguins_island_overlap"))
        let ml = try input.fit()
        #expect(throws: StatsError.self) {
            try MultinomialLogit.penalizedLikelihoodRatioTest(full: ml, x: input.x, y: input.y, dropping: ["bill_depth_mm"])
        }
        let firth = try input.fit(method: .firth)
        #expect(throws: StatsError.self) {
            try MultinomialLogit.penalizedLikelihoodRatioTest(full: firth, x: input.x, y: input.y, dropping: ["nope"])
        }
        #expect(throws: StatsError.self) { try MultinomialLogit.likelihoodRatioTest(full: firth, reduced: firth) }
    }
}

@Suite("Firth backward elimination")
struct FirthEliminationTests {
    static var section: [String: Any] { FirthFixture.fixture["elimination"] as? [String: Any] ?? [:] }

    @Test("Backward elimination with Firth fits on palmerpenguins matches the brglm2 loop step by step")
    func elimination() throws {
        let c = Self.section
        let input = MNLogitInput(c)
        let groups = (c["groups"] as! [[String: Any]]).map {
            PredictorGroup(name: $0["name"] as! String, columns: $0["columns"] as! [Int])
        }
        let result = try BackwardElimination.run(
            x: input.x, y: input.y, classCount: input.classCount, reference: input.reference,
            featureNames: input.featureNames, groups: groups,
            criterion: .likelihoodRatio(alpha: c["alpha"] as! Double), method: .firth)
        let steps = c["steps"] as? [[String: Any]] ?? []
        #expect(result.steps.map(\.dropped) == steps.map { $0["dropped"] as! String })
        #expect(result.remainingGroups == c["remainingGroups"] as? [String])
        var comparison = Comparison()
        for (step, expected) in zip(result.steps, steps) {
            comparison.check("plr \(step.dropped)", step.test.statistic, expected["statistic"] as! Double)
            comparison.check("plrp \(step.dropped)", step.test.pValue, expected["pValue"] as! Double)
            comparison.check("aic before \(step.dropped)", step.aicBefore, expected["aicBefore"] as! Double)
            comparison.check("aic after \(step.dropped)", step.aicAfter, expected["aicAfter"] as! Double)
            compareTables(step.candidates, expected["candidates"] as! [[String: Any]], into: &comparison)
        }
        #expect(result.finalFit.featureNames == ["Intercept"] + (c["finalFeatureNames"] as! [String]))
        compareFit(result.finalFit, c["finalFit"] as! [String: Any], "final", into: &comparison)
        compareTables(result.finalTests, c["finalTests"] as! [[String: Any]], into: &comparison)
        #expect(result.warnings.isEmpty, "\(result.warnings)")
        reportComparison("Firth elimination on palmerpenguins (worst: \(comparison.worst))", tool: FirthFixture.tool, maxRelDiff: comparison.maxRelDiff)
        #expect(comparison.failures.isEmpty, "\(comparison.failures)")
    }

    private func compareTables(_ actual: [DropOneTest], _ expected: [[String: Any]], into comparison: inout Comparison) {
        #expect(actual.map(\.group) == expected.map { $0["group"] as! String })
        for (row, e) in zip(actual, expected) {
            comparison.check("plr \(row.group)", row.test?.statistic ?? .nan, e["statistic"] as! Double)
            comparison.check("plrp \(row.group)", row.test?.pValue ?? .nan, e["pValue"] as! Double)
            comparison.check("aic without \(row.group)", row.aicWithout ?? .nan, e["reducedAic"] as! Double)
            #expect(row.test?.degreesOfFreedom == e["df"] as? Int)
        }
    }

    @Test("With ML the elimination on palmerpenguins cannot start and names the Firth option")
    func mlCannotStart() throws {
        let c = Self.section
        let input = MNLogitInput(c)
        let groups = (c["groups"] as! [[String: Any]]).map {
            PredictorGroup(name: $0["name"] as! String, columns: $0["columns"] as! [Int])
        }
        do {
            _ = try BackwardElimination.run(
                x: input.x, y: input.y, classCount: 3, featureNames: input.featureNames, groups: groups,
                criterion: .likelihoodRatio(alpha: 0.05))
            Issue.record("ML elimination on separated penguins did not throw")
        } catch let error as StatsError {
            #expect(error.description.contains("cannot start"), "\(error)")
            #expect(error.description.contains("--method firth"), "\(error)")
        }
    }

    /// The penguins data as a cohort CSV (species, four measurements, sex, island).
    static func penguinsCohort() throws -> Cohort {
        let c = section
        let x = rows(c["x"]), y = c["y"] as! [Int]
        let species = ["Adelie", "Chinstrap", "Gentoo"]
        var lines = ["patient_id,species,bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g,sex,island"]
        for (i, row) in x.enumerated() {
            let island = row[5] == 1 ? "Dream" : row[6] == 1 ? "Torgersen" : "Biscoe"
            let values = row[0..<4].map { String($0) }.joined(separator: ",")
            lines.append("P\(i),\(species[y[i]]),\(values),\(row[4] == 1 ? "male" : "female"),\(island)")
        }
        let table = try CSVTable.parse(text: lines.joined(separator: "\n"), source: "penguins.csv")
        return try CohortLoader.load(table: table, dictionary: nil, labelColumn: "species", classOrder: species).cohort
    }

    @Test("Predictor selection on palmerpenguins completes with Firth; with ML it stops naming --method firth")
    func selection() throws {
        let cohort = try Self.penguinsCohort()
        var options = SelectionOptions()
        options.method = .firth
        let result = try PredictorSelection.run(cohort, split: nil, options: options)
        #expect(result.method == .firth)
        #expect(result.separating.isEmpty)
        #expect(result.elimination?.finalFit.method == .firth)
        #expect(!result.predictors.isEmpty && Set(result.predictors).isSubset(of: result.entered))
        if Set(result.entered) == Set((Self.section["groups"] as! [[String: Any]]).map { $0["name"] as! String }) {
            #expect(Set(result.predictors) == Set(Self.section["remainingGroups"] as! [String]))
        }
        do {
            _ = try PredictorSelection.run(cohort, split: nil)
            Issue.record("ML selection on separated penguins did not throw")
        } catch let error as StatsError {
            #expect(error.description.contains("--method firth"), "\(error)")
        }
    }
}
