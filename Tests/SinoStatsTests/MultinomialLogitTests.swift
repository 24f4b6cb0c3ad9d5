import Foundation
import SinoStats
import TestSupport
import Testing

/// Cases from Tests/Fixtures/mnlogit.json, written by scripts/peers/mnlogit.py with
/// statsmodels 0.15.0 (see its `versions`).
enum MNLogitFixture {
    /// Parsed on each use (~250 KB): a stored [String: Any] is not Sendable.
    static var fixture: [String: Any] { (try? Fixtures.json("mnlogit.json")) ?? [:] }
    static var tool: String { "statsmodels \((fixture["versions"] as? [String: Any])?["statsmodels"] ?? "?")" }

    static func fitCase(_ name: String) -> [String: Any] {
        let fits = fixture["fits"] as? [[String: Any]] ?? []
        return fits.first { $0["name"] as? String == name } ?? [:]
    }

    static func section(_ key: String) -> [String: Any] { fixture[key] as? [String: Any] ?? [:] }
}

/// The inputs of one fixture case.
struct MNLogitInput {
    let x: [[Double]]
    let y: [Int]
    let classCount: Int
    let reference: Int
    let featureNames: [String]

    init(_ c: [String: Any]) {
        x = c["x"] as? [[Double]] ?? []
        y = c["y"] as? [Int] ?? []
        classCount = c["classCount"] as? Int ?? 0
        reference = c["reference"] as? Int ?? 0
        featureNames = c["featureNames"] as? [String] ?? []
    }

    func fit() throws -> MultinomialLogitFit {
        try MultinomialLogit.fit(
            x: x, y: y, classCount: classCount, reference: reference, featureNames: featureNames)
    }

    /// The same data restricted to `columns` (in order).
    func selecting(_ columns: [Int]) -> MNLogitInput {
        MNLogitInput([
            "x": x.map { row in columns.map { row[$0] } }, "y": y, "classCount": classCount,
            "reference": reference, "featureNames": columns.map { featureNames[$0] }
        ])
    }
}

/// Tracks the largest relative difference seen and whether every value was within tolerance.
struct Comparison {
    var maxRelDiff = 0.0
    var failures: [String] = []
    /// The quantity with the largest difference, for the report line.
    var worst = ""
    /// Largest difference per kind of quantity (the first word of its label: coef, se, llf...).
    var byKind: [String: Double] = [:]

    mutating func check(_ what: String, _ actual: Double, _ expected: Double, rel: Double = 1e-6) {
        let diff = abs(actual - expected) / max(abs(expected), 1e-300)
        if actual != expected && diff > maxRelDiff { (maxRelDiff, worst) = (diff, what) }
        let kind = String(what.prefix { $0 != " " })
        byKind[kind] = max(byKind[kind] ?? 0, actual == expected ? 0 : diff)
        if !isClose(actual, expected, rel: rel) { failures.append("\(what): \(actual) vs \(expected)") }
    }
}

/// statsmodels `params`/`bse` are [feature][equation]; SinoStats is per equation.
func compareCoefficients(
    _ fit: MultinomialLogitFit, params: [[Double]], bse: [[Double]], into comparison: inout Comparison
) {
    for (e, equation) in fit.equations.enumerated() {
        for f in fit.featureNames.indices {
            comparison.check("coef \(fit.featureNames[f]) eq \(e)", equation.coefficients[f], params[f][e])
            comparison.check("se \(fit.featureNames[f]) eq \(e)", equation.standardErrors[f], bse[f][e])
        }
    }
}

func compareWithStatsmodels(_ name: String) throws {
    let c = MNLogitFixture.fitCase(name)
    let input = MNLogitInput(c)
    let fit = try input.fit()
    var comparison = Comparison()
    #expect(fit.equations.map(\.classIndex) == c["nonReferenceClasses"] as? [Int])
    compareCoefficients(fit, params: c["params"] as! [[Double]], bse: c["bse"] as! [[Double]], into: &comparison)
    comparison.check("llf", fit.logLikelihood, c["llf"] as! Double)
    comparison.check("llnull", fit.nullLogLikelihood, c["llnullClosedForm"] as! Double)
    comparison.check("llr", fit.llr, c["llrClosedForm"] as! Double)
    comparison.check("llr_pvalue", fit.llrPValue, c["llrPValueClosedForm"] as! Double)
    comparison.check("aic", fit.aic, c["aic"] as! Double)
    comparison.check("bic", fit.bic, c["bic"] as! Double)
    comparison.check("prsquared", fit.mcFaddenR2, c["prsquaredClosedForm"] as! Double)
    #expect(fit.iterations == c["iterations"] as? Int)
    try compareProbabilities(fit, input, c, into: &comparison)
    try compareDropOne(fit, input, c["dropOne"] as! [[String: Any]], into: &comparison)
    let tool = MNLogitFixture.tool
    reportComparison(
        "MNLogit \(name) (worst: \(comparison.worst))", tool: tool, maxRelDiff: comparison.maxRelDiff)
    for kind in ["coef", "se", "llf"] {
        reportComparison("MNLogit \(name) \(kind)", tool: tool, maxRelDiff: comparison.byKind[kind] ?? .nan)
    }
    #expect(comparison.failures.isEmpty, "\(comparison.failures)")
    try compareBFGSNull(fit, c, name)
}

/// statsmodels' own llnull comes from a BFGS fit (~1e-10 relative), and its llr_pvalue
/// inherits that error (~1e-7 relative at p ~ 1e-100): checked, and reported, separately.
func compareBFGSNull(_ fit: MultinomialLogitFit, _ c: [String: Any], _ name: String) throws {
    var comparison = Comparison()
    comparison.check("llnull (BFGS)", fit.nullLogLikelihood, c["llnull"] as! Double)
    comparison.check("llr (BFGS)", fit.llr, c["llr"] as! Double)
    comparison.check("prsquared (BFGS)", fit.mcFaddenR2, c["prsquared"] as! Double)
    comparison.check("llr_pvalue (BFGS)", fit.llrPValue, c["llr_pvalue"] as! Double, rel: 1e-5)
    reportComparison(
        "MNLogit \(name) closed-form null model (worst: \(comparison.worst))",
        tool: "\(MNLogitFixture.tool) BFGS llnull", maxRelDiff: comparison.maxRelDiff)
    #expect(comparison.failures.isEmpty, "\(comparison.failures)")
}

/// statsmodels `predict()` rows are in its class order: reference first, then the others.
func compareProbabilities(
    _ fit: MultinomialLogitFit, _ input: MNLogitInput, _ c: [String: Any], into comparison: inout Comparison
) throws {
    let expected = c["predictedProbabilities"] as! [[Double]]
    let order = [fit.reference] + fit.equations.map(\.classIndex)
    let actual = try fit.predictProbabilities(x: Array(input.x.prefix(expected.count)))
    for (row, probabilities) in expected.enumerated() {
        for (j, p) in probabilities.enumerated() {
            comparison.check("probability row \(row) class \(order[j])", actual[row][order[j]], p)
        }
    }
}

func compareDropOne(
    _ fit: MultinomialLogitFit, _ input: MNLogitInput, _ rows: [[String: Any]],
    into comparison: inout Comparison
) throws {
    for row in rows {
        let dropped = Set(row["columns"] as! [Int])
        let reduced = try input.selecting(input.featureNames.indices.filter { !dropped.contains($0) }).fit()
        let test = try MultinomialLogit.likelihoodRatioTest(full: fit, reduced: reduced)
        comparison.check("LR \(row["group"]!)", test.statistic, row["statistic"] as! Double)
        comparison.check("LR p \(row["group"]!)", test.pValue, row["pValue"] as! Double)
        #expect(test.degreesOfFreedom == row["df"] as? Int)
    }
}

@Suite("MultinomialLogit")
struct MultinomialLogitTests {
    @Test("MNLogit matches statsmodels 0.15.0 on iris (sepal length)")
    func iris() throws { try compareWithStatsmodels("iris") }

    @Test("MNLogit matches statsmodels 0.15.0 on wine (4 standardised features)")
    func wine() throws { try compareWithStatsmodels("wine") }

    @Test("MNLogit matches statsmodels 0.15.0 on anes96 (docs example, 7 classes)")
    func anes96() throws { try compareWithStatsmodels("anes96") }

    @Test("MNLogit with reference class 3 matches statsmodels 0.15.0 on relabelled anes96")
    func anes96Reference() throws { try compareWithStatsmodels("anes96 reference 3") }

    @Test("MNLogit with reference class 2 matches statsmodels 0.15.0 on relabelled iris")
    func irisReference() throws { try compareWithStatsmodels("iris reference 2") }

    @Test("Separation by one column (iris petal length) throws separation naming it; statsmodels 0.15.0 only warns")
    func separationByOneColumn() throws {
        let c = MNLogitFixture.section("separation")
        let warnings = (c["statsmodels"] as? [String: Any])?["warnings"] as? [String] ?? []
        #expect(warnings.contains { $0.contains("ConvergenceWarning") })
        let error = #expect(throws: StatsError.self) { try MNLogitInput(c).fit() }
        guard case .separation(let message)? = error else {
            Issue.record("expected .separation, got \(String(describing: error))"); return
        }
        print("[diagnostic] \(message)")
        #expect(message.contains("'\(c["separatingColumn"] as! String)'"))
        #expect(message.contains("class 0"))
    }

    @Test("Separation by two columns together (iris sepals) throws separation naming them; statsmodels 0.15.0 only warns")
    func separationByTwoColumns() throws {
        let c = MNLogitFixture.section("combinedSeparation")
        #expect((c["statsmodels"] as? [String: Any])?["converged"] as? Bool == false)
        let error = #expect(throws: StatsError.self) { try MNLogitInput(c).fit() }
        guard case .separation(let message)? = error else {
            Issue.record("expected .separation, got \(String(describing: error))"); return
        }
        print("[diagnostic] \(message)")
        #expect(message.contains("'sepal length'") || message.contains("'sepal width'"), "\(message)")
        #expect(message.contains("(class 0)"), "\(message)")
    }

    @Test("A collinear column throws singular naming it and its sources; statsmodels 0.15.0 returns NaN SEs")
    func collinearColumn() throws {
        let c = MNLogitFixture.section("collinear")
        let error = #expect(throws: StatsError.self) { try MNLogitInput(c).fit() }
        guard case .singular(let message)? = error else {
            Issue.record("expected .singular, got \(String(describing: error))"); return
        }
        print("[diagnostic] \(message)")
        #expect(message.contains("'\(c["collinearColumn"] as! String)'"))
        #expect(message.contains("'educ'") && message.contains("'income'") && !message.contains("'age'"))
    }

    @Test("A constant column throws singular naming it; statsmodels 0.15.0 returns NaN SEs")
    func constantColumn() throws {
        let c = MNLogitFixture.section("constant")
        let error = #expect(throws: StatsError.self) { try MNLogitInput(c).fit() }
        guard case .singular(let message)? = error else {
            Issue.record("expected .singular, got \(String(describing: error))"); return
        }
        print("[diagnostic] \(message)")
        #expect(message.contains("'\(c["constantColumn"] as! String)'"))
    }

    @Test("Too few iterations throws notConverged with the max |step| (anes96, 3 iterations)")
    func notConverged() throws {
        let input = MNLogitInput(MNLogitFixture.fitCase("anes96"))
        let error = #expect(throws: StatsError.self) {
            try MultinomialLogit.fit(
                x: input.x, y: input.y, classCount: input.classCount,
                featureNames: input.featureNames, maxIterations: 3)
        }
        guard case .notConverged(let message)? = error else {
            Issue.record("expected .notConverged, got \(String(describing: error))"); return
        }
        #expect(message.contains("3 iterations") && message.contains("max |step|"))
    }

    @Test("Invalid input is rejected at the boundary")
    func invalidInput() {
        #expect(throws: StatsError.self) {
            try MultinomialLogit.fit(x: [[1], [2]], y: [0, 3], classCount: 3, featureNames: ["a"])
        }
        #expect(throws: StatsError.self) {
            try MultinomialLogit.fit(x: [[1], [.nan]], y: [0, 1], classCount: 2, featureNames: ["a"])
        }
        #expect(throws: StatsError.self) {
            try MultinomialLogit.fit(x: [[1], [2]], y: [0, 0], classCount: 2, featureNames: ["a"])
        }
    }

    @Test(
        "Wald intervals at 95% (default) and 90% match statsmodels conf_int(alpha=0.05 / 0.10)",
        arguments: ["iris", "wine", "anes96", "anes96 reference 3", "iris reference 2"])
    func confidenceIntervals(_ name: String) throws {
        let c = MNLogitFixture.fitCase(name)
        let input = MNLogitInput(c)
        for (level, key) in [(0.95, "confInt95"), (0.90, "confInt90")] {
            let fit = try MultinomialLogit.fit(
                x: input.x, y: input.y, classCount: input.classCount, reference: input.reference,
                featureNames: input.featureNames, confidenceLevel: level)
            #expect(fit.confidenceLevel == level)
            // conf_int[e][f] = [lower, upper], equation e, predictor f (Intercept first).
            let expected = try #require(c[key] as? [[[Double]]], "\(key) missing from mnlogit.json")
            var comparison = Comparison()
            for (e, equation) in fit.equations.enumerated() {
                for f in fit.featureNames.indices {
                    comparison.check("lower \(fit.featureNames[f]) eq \(e)", equation.lower[f], expected[e][f][0])
                    comparison.check("upper \(fit.featureNames[f]) eq \(e)", equation.upper[f], expected[e][f][1])
                    #expect(equation.oddsRatioLower[f] == exp(equation.lower[f]))
                    #expect(equation.oddsRatioUpper[f] == exp(equation.upper[f]))
                }
            }
            reportComparison(
                "MNLogit \(name) \(Int(level * 100))% CI", tool: MNLogitFixture.tool,
                maxRelDiff: comparison.maxRelDiff)
            #expect(comparison.failures.isEmpty, "\(comparison.failures)")
        }
    }

    @Test("A confidence level outside (0, 1) is rejected with the level in the message")
    func invalidConfidenceLevel() throws {
        let input = MNLogitInput(MNLogitFixture.fitCase("iris"))
        for level in [0, 1, 95, -0.1, Double.nan] {
            let error = #expect(throws: StatsError.self) {
                try MultinomialLogit.fit(
                    x: input.x, y: input.y, classCount: input.classCount,
                    featureNames: input.featureNames, confidenceLevel: level)
            }
            #expect("\(error.map(String.init(describing:)) ?? "")".contains("confidenceLevel"))
        }
    }

    @Test("A fit written before the level was a choice reads as 95%")
    func confidenceLevelDefaultWhenAbsent() throws {
        let fit = try MNLogitInput(MNLogitFixture.fitCase("iris")).fit()
        var object = try #require(
            try JSONSerialization.jsonObject(with: JSONEncoder().encode(fit)) as? [String: Any])
        #expect(object["confidenceLevel"] as? Double == 0.95)
        object["confidenceLevel"] = nil
        let decoded = try JSONDecoder().decode(
            MultinomialLogitFit.self, from: JSONSerialization.data(withJSONObject: object))
        #expect(decoded.confidenceLevel == 0.95)
    }

    @Test("A fit survives a Codable round trip")
    func codable() throws {
        let fit = try MNLogitInput(MNLogitFixture.fitCase("iris")).fit()
        let decoded = try JSONDecoder().decode(
            MultinomialLogitFit.self, from: JSONEncoder().encode(fit))
        #expect(decoded == fit)
    }
}

@Suite("BackwardElimination")
struct BackwardEliminationTests {
    static func run(_ criterion: EliminationCriterion) throws -> (BackwardEliminationResult, [String: Any]) {
        let c = MNLogitFixture.section("backwardElimination")
        let input = MNLogitInput(c)
        let groups = (c["groups"] as! [[String: Any]]).map {
            PredictorGroup(name: $0["name"] as! String, columns: $0["columns"] as! [Int])
        }
        let result = try BackwardElimination.run(
            x: input.x, y: input.y, classCount: input.classCount, featureNames: input.featureNames,
            groups: groups, criterion: criterion)
        let key: String
        switch criterion {
        case .likelihoodRatio: key = "likelihoodRatio"
        case .aic: key = "aic"
        }
        return (result, c[key] as! [String: Any])
    }

    static func compare(_ result: BackwardEliminationResult, _ expected: [String: Any], _ label: String) {
        let steps = expected["steps"] as! [[String: Any]]
        #expect(result.steps.map(\.dropped) == steps.map { $0["group"] as! String })
        #expect(result.remainingGroups == expected["remainingGroups"] as! [String])
        var comparison = Comparison()
        for (step, row) in zip(result.steps, steps) {
            comparison.check("LR \(step.dropped)", step.test.statistic, row["statistic"] as! Double)
            comparison.check("LR p \(step.dropped)", step.test.pValue, row["pValue"] as! Double)
            comparison.check("AIC before \(step.dropped)", step.aicBefore, row["aicBefore"] as! Double)
            comparison.check("AIC after \(step.dropped)", step.aicAfter, row["aicAfter"] as! Double)
            #expect(step.test.degreesOfFreedom == row["df"] as? Int)
        }
        compareCoefficients(
            result.finalFit, params: expected["finalParams"] as! [[Double]],
            bse: expected["finalBse"] as! [[Double]], into: &comparison)
        comparison.check("final llf", result.finalFit.logLikelihood, expected["finalLlf"] as! Double)
        comparison.check("final aic", result.finalFit.aic, expected["finalAic"] as! Double)
        let finalRows = expected["finalDropOne"] as! [[String: Any]]
        #expect(result.finalTests.map(\.group) == finalRows.map { $0["group"] as! String })
        for (test, row) in zip(result.finalTests, finalRows) {
            comparison.check("final LR \(test.group)", test.test?.statistic ?? .nan, row["statistic"] as! Double)
            comparison.check("final AIC without \(test.group)", test.aicWithout ?? .nan, row["aicWithout"] as! Double)
        }
        #expect(result.warnings.isEmpty)
        reportComparison(
            "BackwardElimination \(label) on wine (worst: \(comparison.worst))",
            tool: MNLogitFixture.tool, maxRelDiff: comparison.maxRelDiff)
        #expect(comparison.failures.isEmpty, "\(comparison.failures)")
    }

    @Test("LRT backward elimination (alpha 0.01) drops the same groups as a statsmodels 0.15.0 loop on wine")
    func likelihoodRatio() throws {
        let (result, expected) = try Self.run(.likelihoodRatio(alpha: 0.01))
        Self.compare(result, expected, "LRT")
        #expect(result.steps.allSatisfy { $0.test.pValue > 0.01 })
        #expect(result.finalTests.allSatisfy { ($0.test?.pValue ?? 1) <= 0.01 })
    }

    @Test("AIC backward elimination drops the same groups as a statsmodels 0.15.0 loop on wine")
    func aic() throws {
        let (result, expected) = try Self.run(.aic)
        Self.compare(result, expected, "AIC")
    }

    @Test("Backward elimination from a separated model throws separation naming the column")
    func separatedStart() throws {
        let c = MNLogitFixture.section("separation")
        let input = MNLogitInput(c)
        let error = #expect(throws: StatsError.self) {
            try BackwardElimination.run(
                x: input.x, y: input.y, classCount: 3, featureNames: input.featureNames,
                groups: [PredictorGroup(name: "sepal", columns: [0]), PredictorGroup(name: "petal", columns: [1])],
                criterion: .aic)
        }
        guard case .separation(let message)? = error else {
            Issue.record("expected .separation, got \(String(describing: error))"); return
        }
        #expect(message.contains("backward elimination cannot start") && message.contains("'petal length'"))
    }

    @Test("Overlapping or out-of-range groups are rejected")
    func invalidGroups() {
        let input = MNLogitInput(MNLogitFixture.fitCase("wine"))
        #expect(throws: StatsError.self) {
            try BackwardElimination.run(
                x: input.x, y: input.y, classCount: 3, featureNames: input.featureNames,
                groups: [PredictorGroup(name: "a", columns: [0, 1]), PredictorGroup(name: "b", columns: [1])],
                criterion: .aic)
        }
        #expect(throws: StatsError.self) {
            try BackwardElimination.run(
                x: input.x, y: input.y, classCount: 3, featureNames: input.featureNames,
                groups: [PredictorGroup(name: "a", columns: [7])], criterion: .likelihoodRatio(alpha: 0.05))
        }
    }
}
