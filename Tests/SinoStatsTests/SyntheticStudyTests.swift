import Foundation
import SinoData
import TestSupport
import Testing

@testable import SinoStats

/// The study's own analysis (Table 1, univariate screening, backward elimination of the
/// multinomial logit) on the default SYNTHETIC cohort, against scipy, R fisher.test and
/// statsmodels run by scripts/peers/synthetic_study.py on the same CSV.
@Suite("Study analysis on the synthetic cohort vs scipy / R / statsmodels")
struct SyntheticStudyTests {
    let fixture: [String: Any]
    let cohort: Cohort

    init() throws {
        fixture = try Fixtures.json("synthetic_study.json")
        cohort = try CohortLoader.load(path: Fixtures.url("synthetic_cohort.csv").path, dictionary: .sinonasal()).cohort
    }

    func checkTableOne(_ table: TableOne, _ key: String) {
        let expected = fixture[key] as! [String: [String: Any]]
        var worst = 0.0
        for variable in table.strata[0].variables {
            let reference = expected[variable.name]!
            let comparison = variable.comparison
            #expect(comparison?.test == reference["test"] as? String, "\(variable.name): test")
            let p = reference["p"] as! Double
            #expect(isClose(comparison?.pValue ?? .nan, p, rel: 1e-9), "\(variable.name): p \(comparison?.pValue ?? .nan) vs \(p)")
            worst = max(worst, abs((comparison?.pValue ?? .nan) - p) / p)
            if let statistic = reference["statistic"] as? Double {
                #expect(isClose(comparison?.statistic ?? .nan, statistic, rel: 1e-9), "\(variable.name): statistic")
            }
        }
        reportComparison("Table 1 tests and p (\(key))", tool: Fixtures.versions(fixture), maxRelDiff: worst)
    }

    @Test("Table 1 test choice and p-values match scipy 1.17 and R fisher.test, all patients")
    func tableOneAll() throws {
        checkTableOne(try TableOne.build(cohort), "table1_all")
    }

    @Test("Table 1 test choice and p-values match scipy 1.17 and R fisher.test, training cohort")
    func tableOneTrain() throws {
        checkTableOne(try TableOne.build(try cohort.split("train")), "table1_train")
    }

    @Test("predictor selection matches statsmodels 0.15: screening, separation, elimination steps, final MNLogit")
    func selection() throws {
        let expected = fixture["selection"] as! [String: Any]
        let result = try PredictorSelection.run(cohort, split: "train")
        #expect(result.screened == expected["screened"] as! [String])
        #expect(result.separating == expected["separating"] as! [String])
        #expect(result.analysed == expected["analysed"] as! Int)
        let steps = expected["steps"] as! [[String: Any]]
        let elimination = try #require(result.elimination)
        #expect(elimination.steps.map(\.dropped) == steps.map { $0["dropped"] as! String })
        for (step, reference) in zip(elimination.steps, steps) {
            #expect(isClose(step.test.statistic, reference["statistic"] as! Double, rel: 1e-6, abs: 1e-9))
            #expect(isClose(step.test.pValue, reference["p"] as! Double, rel: 1e-6))
        }
        #expect(result.predictors == expected["predictors"] as! [String])
        let fit = elimination.finalFit
        #expect(fit.featureNames == (expected["feature_names"] as! [String]).map { $0 == "const" ? "Intercept" : $0 })
        var worst = 0.0
        let params = expected["params"] as! [[Double]], bse = expected["bse"] as! [[Double]]
        for (equation, (p, s)) in zip(fit.equations, zip(params, bse)) {
            for j in p.indices {
                #expect(isClose(equation.coefficients[j], p[j], rel: 1e-6))
                #expect(isClose(equation.standardErrors[j], s[j], rel: 1e-6))
                worst = max(worst, abs(equation.coefficients[j] - p[j]) / abs(p[j]), abs(equation.standardErrors[j] - s[j]) / s[j])
            }
        }
        for (name, key) in [("llf", \MultinomialLogitFit.logLikelihood), ("llnull", \.nullLogLikelihood), ("aic", \.aic), ("bic", \.bic), ("prsquared", \.mcFaddenR2)] {
            #expect(isClose(fit[keyPath: key], expected[name] as! Double, rel: 1e-9), "\(name)")
        }
        reportComparison("synthetic-cohort MNLogit params and SEs", tool: Fixtures.versions(fixture), maxRelDiff: worst)
    }
}
