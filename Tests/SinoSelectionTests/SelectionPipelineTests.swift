import Foundation
import TestSupport
import Testing

@testable import SinoSelection

/// RadiomicsSelection end to end against the same steps run with the reference tools
/// (scripts/peers/selection_pipeline.py: scikit-learn, R caret, pingouin, scipy, statsmodels,
/// mrmr_selection, R glmnet).
@Suite("Radiomics selection pipeline")
struct SelectionPipelineTests {
    struct Fixture: Decodable {
        var versions: [String: String]
        var names: [String]
        var train: [[Double]]
        var trainLabels: [Int]
        var secondSegmentation: [[Double]]
        var test: [[Double]]
        var classes: [String]
        var steps: [String: [String]]
        var lambdaMin: Double
        var lambda1se: Double
        var radscores: [[Double]]
        var univariateAlpha: Double
        var mrmrCount: Int
    }

    static let fixture = try! Fixtures.decode(Fixture.self, "selection/pipeline.json")

    @Test("Each step keeps what the reference tools keep; lambda.min, lambda.1se and the rad-scores agree")
    func endToEnd() throws {
        let f = Self.fixture
        var config = RadiomicsSelectionConfig()
        config.univariate.alpha = f.univariateAlpha
        config.mrmr.enabled = true
        config.mrmr.count = f.mrmrCount
        config.lasso.grouped = true // the script fits type.multinomial = "grouped"
        let selection = try RadiomicsSelection(
            training: f.train, labels: f.trainLabels, featureNames: f.names, classNames: f.classes,
            secondSegmentation: f.secondSegmentation, config: config)
        #expect(selection.steps.map(\.step) == ["variance", "stability", "univariate", "redundancy", "mrmr", "lasso"])
        for step in selection.steps {
            let kept = step.features.filter(\.kept).map(\.feature)
            #expect(kept == f.steps[step.step], "step \(step.step)")
        }
        #expect(selection.selectedNames == f.steps["lasso"])
        let lasso = try #require(selection.lasso)
        var worst = max(abs(lasso.lambdaMin / f.lambdaMin - 1), abs(lasso.lambda1SE / f.lambda1se - 1))
        let scores = try selection.radScores(f.train + f.test)
        for (row, expected) in zip(scores, f.radscores) {
            for (a, e) in zip(row, expected) { worst = max(worst, abs(a - e) / max(abs(e), 1e-3)) }
        }
        reportComparison(
            "selection pipeline, 6 steps (kept sets equal: \(selection.steps.map { "\($0.step) \($0.kept)" }.joined(separator: ", "))), lambdas and 200 x 3 rad-scores",
            tool: f.versions.keys.sorted().map { "\($0) \(f.versions[$0]!)" }.joined(separator: ", "), maxRelDiff: worst)
        #expect(worst < 1e-6)
    }

    @Test("Problems are named: missing values without imputation, a step that leaves nothing, too few patients per fold")
    func refusals() throws {
        let f = Self.fixture
        var withGap = f.train
        withGap[4][7] = .nan
        let missing = thrownMessage { _ = try RadiomicsSelection(training: withGap, labels: f.trainLabels, featureNames: f.names, classNames: f.classes) }
        #expect(missing.contains("training row 5, feature 'T2WI_original_feature07'") && missing.contains("impute"))
        var strict = RadiomicsSelectionConfig()
        strict.univariate.alpha = 1e-12
        let empty = thrownMessage {
            _ = try RadiomicsSelection(training: f.train, labels: f.trainLabels, featureNames: f.names, classNames: f.classes, config: strict)
        }
        #expect(empty.contains("univariate step left no feature"))
        var labels = f.trainLabels
        let onbRows = labels.indices.filter { labels[$0] == 2 }
        for i in onbRows.dropFirst(2) { labels[i] = 0 }
        let folds = thrownMessage { _ = try RadiomicsSelection(training: f.train, labels: labels, featureNames: f.names, classNames: f.classes) }
        #expect(folds.contains("class ONB has too few training patients for 10-fold cross-validation"))
        var imputed = RadiomicsSelectionConfig()
        imputed.impute = .median
        let selection = try RadiomicsSelection(training: withGap, labels: f.trainLabels, featureNames: f.names, classNames: f.classes, config: imputed)
        #expect(!selection.fillValues[7].isNaN)
    }

    @Test("Config files: every unknown key, wrong type and impossible value is listed")
    func configProblems() throws {
        let object: [String: Any] = [
            "univariat": [:], "lasso": ["alpha": 1.5, "folds": "ten", "rule": "lambda.2se"], "mrmr": ["enabled": 1]
        ]
        let message = thrownMessage { _ = try RadiomicsSelectionConfig.decode(object, source: "sel.json") }
        for part in ["univariat", "lasso.alpha", "lasso.folds", "lasso.rule", "mrmr.enabled", "lambda.1se"] {
            #expect(message.contains(part), "\(part) in: \(message)")
        }
    }

}
