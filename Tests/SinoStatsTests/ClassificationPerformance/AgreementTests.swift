import Testing

@testable import SinoStats

/// Cohen's kappa and Cochran's Q against statsmodels 0.15.0 and scikit-learn 1.9.1
/// (Tests/Fixtures/metrics.json).
struct AgreementTests {
    @Test("Cohen's kappa matches sklearn 1.9.1 cohen_kappa_score and statsmodels 0.15.0 cohens_kappa (SE, CI)")
    func kappaMatchesSklearnAndStatsmodels() throws {
        var sklearn = MaxDifference(), statsmodels = MaxDifference()
        for entry in try MetricsFixture.load().kappa {
            let weightings: [(CohensKappa.Weighting, MetricsFixture.KappaCase.Result)] = [
                (.unweighted, entry.none), (.linear, entry.linear), (.quadratic, entry.quadratic)
            ]
            for (weighting, reference) in weightings {
                let result = try CohensKappa.compute(
                    ratingsA: entry.ratingsA, ratingsB: entry.ratingsB, classCount: entry.classes, weighting: weighting)
                let what = "\(entry.name) \(weighting)"
                sklearn.check(result.kappa, reference.sklearnKappa, rel: 1e-12, what)
                statsmodels.check(result.kappa, reference.statsmodelsKappa, rel: 1e-12, what)
                statsmodels.check(result.standardError, reference.stdKappa, rel: 1e-12, "\(what) SE")
                statsmodels.check(result.interval.lower, reference.kappaLow, rel: 1e-12, "\(what) lower")
                statsmodels.check(result.interval.upper, reference.kappaUpp, rel: 1e-12, "\(what) upper")
            }
        }
        sklearn.report("kappa (unweighted, linear, quadratic)", tool: "scikit-learn 1.9.1 cohen_kappa_score")
        statsmodels.report("kappa, std_kappa, 95% CI", tool: "statsmodels 0.15.0 cohens_kappa")
    }

    @Test func kappaOfASingleClassIsRejected() {
        #expect(throws: StatsError.self) { try CohensKappa.compute(table: [[5, 0], [0, 0]]) }
    }

    @Test("Cochran's Q matches statsmodels 0.15.0 cochrans_q")
    func cochranQMatchesStatsmodels() throws {
        var statistic = MaxDifference(), pValue = MaxDifference()
        for entry in try MetricsFixture.load().cochranQ {
            let result = try CochranQ.test(entry.x.map { $0.map { $0 == 1 } })
            #expect(result.df == entry.df, "\(entry.name)")
            statistic.check(result.statistic, entry.statistic, rel: 1e-12, "\(entry.name) Q")
            pValue.check(result.pValue, entry.pvalue, rel: 1e-9, "\(entry.name) p")
        }
        statistic.report("Cochran's Q statistic", tool: "statsmodels 0.15.0 cochrans_q")
        pValue.report("Cochran's Q p", tool: "statsmodels 0.15.0 cochrans_q")
    }

    @Test func cochranQRejectsAllConcordantRows() {
        #expect(throws: StatsError.self) { try CochranQ.test([[true, true], [false, false]]) }
        #expect(throws: StatsError.self) { try CochranQ.test([[true], [false]]) }
    }
}
