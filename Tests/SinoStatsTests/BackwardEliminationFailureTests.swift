import Testing

@testable import SinoStats

/// A candidate model that cannot be fitted must be reported in the step's table and in the
/// warnings, and never chosen. On the wine elimination data the full model converges in 8
/// Newton iterations, and so do five of its drop-one models (statsmodels 0.15.0 counts the
/// same, see `iterations` in the fixture); with maxIterations 7 those five fail.
@Test("Drop-one fits that fail are reported in the table, not chosen")
func failedCandidatesAreReported() throws {
    let c = MNLogitFixture.section("backwardElimination")
    let input = MNLogitInput(c)
    let groups = (c["groups"] as! [[String: Any]]).map {
        PredictorGroup(name: $0["name"] as! String, columns: $0["columns"] as! [Int])
    }
    let full = try input.fit()
    #expect(full.iterations == 8)
    let models = BackwardElimination.CandidateModels(
        x: input.x, y: input.y, classCount: 3, reference: 0, featureNames: input.featureNames,
        groups: groups, addIntercept: true, maxIterations: 7, tolerance: 1e-8)
    var warnings: [String] = []
    let candidates = try BackwardElimination.dropOneTests(
        models, Array(groups.indices), full, &warnings)
    let failed = candidates.filter { $0.table.failure != nil }.map(\.table.group)
    #expect(!failed.isEmpty && failed.count < groups.count, "\(failed)")
    #expect(warnings.count == failed.count)
    #expect(
        candidates.filter { $0.table.failure != nil }.allSatisfy {
            $0.table.test == nil && $0.table.failure!.contains("did not converge")
        })
    let choice = BackwardElimination.choose(candidates, current: full, .aic)
    if let choice { #expect(!failed.contains(choice.step.dropped)) }
    // A tiny alpha makes the largest fitted p-value qualify, so a group is always chosen.
    let lrtChoice = try #require(
        BackwardElimination.choose(candidates, current: full, .likelihoodRatio(alpha: 1e-30)))
    #expect(!failed.contains(lrtChoice.step.dropped))
    #expect(lrtChoice.step.candidates.count == groups.count)
}
