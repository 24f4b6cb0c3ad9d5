import Foundation
import TestSupport
import Testing

@testable import SinoClassifiers

/// GradientBoostingClassifier (Debian's XGBoost 1.7.4 C API) against python xgboost 1.7.4's
/// XGBClassifier (scripts/peers/xgboost_classifier.py).
@Suite("GradientBoostingClassifier vs XGBClassifier")
struct GradientBoostingClassifierTests {
    static let fixture = XGBoostFixture.shared

    /// The number of probabilities that differ from the reference as Floats.
    static func differing(_ actual: [[Float]], _ expected: [[Double]]) -> Int {
        guard actual.count == expected.count else { return max(actual.count, expected.count) }
        return zip(actual, expected).reduce(0) { sum, rows in
            sum + (rows.0.count == rows.1.count ? zip(rows.0, rows.1).filter { $0 != Float($1) }.count : rows.1.count)
        }
    }

    @Test("predict_proba Float for Float", arguments: XGBoostFixture.shared.cases.map(\.name))
    func probabilities(name: String) throws {
        let reference = try #require(Self.fixture.cases.first { $0.name == name })
        let data = try #require(Self.fixture.data[reference.data])
        var model = reference.parameters.classifier
        #expect(model.parameters(classCount: data.classCount).contains { $0 == ("objective", reference.objective) })
        try model.fit(x: data.training, y: data.y, classCount: data.classCount)
        let probabilities = try model.predictProbabilitiesFloat(x: data.test)
        let differing = Self.differing(probabilities, reference.probabilities)
        #expect(differing == 0, "\(differing) probabilities differ from XGBClassifier's")
        let widened = try model.predictProbabilities(x: data.test)
        #expect(widened == probabilities.map { $0.map(Double.init) })
        let count = reference.probabilities.reduce(0) { $0 + $1.count }
        print(
            "[compare] XGBoost \(name): \(count) probabilities, \(count - differing) equal Float for Float, "
                + "\(differing) differ (\(Self.fixture.tool), \(reference.objective), tree_method \(reference.configTreeMethod))")
    }

    @Test("Two threads give the same model as one on the hist and subsampled cases")
    func threadCountDoesNotMatter() throws {
        for name in ["three hist subsample", "binary hist subsample", "three exact subsample"] {
            let reference = try #require(Self.fixture.cases.first { $0.name == name })
            let data = try #require(Self.fixture.data[reference.data])
            var model = reference.parameters.classifier
            model.threads = 2
            try model.fit(x: data.training, y: data.y, classCount: data.classCount)
            #expect(Self.differing(try model.predictProbabilitiesFloat(x: data.test), reference.probabilities) == 0, "\(name)")
        }
    }

    @Test("A fitted model predicts from several tasks at once (XGBoost calls take turns)")
    func concurrentPrediction() async throws {
        let reference = try #require(Self.fixture.cases.first { $0.name == "three hist subsample" })
        let data = try #require(Self.fixture.data[reference.data])
        var model = reference.parameters.classifier
        try model.fit(x: data.training, y: data.y, classCount: data.classCount)
        let fitted = model
        let test = data.test
        let results = try await withThrowingTaskGroup(of: [[Float]].self) { group in
            for _ in 0..<4 { group.addTask { try fitted.predictProbabilitiesFloat(x: test) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.allSatisfy { Self.differing($0, reference.probabilities) == 0 })
    }

    @Test("saveModel / loadModel (XGBoost JSON) round trip predicts the same Floats")
    func saveAndLoad() throws {
        for name in ["three exact defaults", "binary exact base_score"] {
            let reference = try #require(Self.fixture.cases.first { $0.name == name })
            let data = try #require(Self.fixture.data[reference.data])
            var model = reference.parameters.classifier
            try model.fit(x: data.training, y: data.y, classCount: data.classCount)
            let url = try TestScratch.folder(name, in: "xgboost").appendingPathComponent("model.json")
            try model.saveModel(to: url)
            let loaded = try GradientBoostingClassifier.loadModel(from: url)
            #expect(loaded.model?.classCount == data.classCount)
            #expect(loaded.model?.featureCount == data.training[0].count)
            #expect(Self.differing(try loaded.predictProbabilitiesFloat(x: data.test), reference.probabilities) == 0, "\(name)")
        }
    }
}
