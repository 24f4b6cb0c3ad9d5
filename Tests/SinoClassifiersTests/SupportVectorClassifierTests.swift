import Foundation
import SinoRandom
import TestSupport
import Testing

@testable import SinoClassifiers

/// SupportVectorClassifier (Debian libsvm 3.24) against scikit-learn's SVC and its libsvm fork
/// (scripts/peers/svm.py).
@Suite("SupportVectorClassifier vs scikit-learn SVC")
struct SupportVectorClassifierTests {
    static let fixture = SVMFixture.shared

    @Test("The seed sklearn derives from random_state and the MT19937 stream equal numpy's")
    func randomStreams() {
        for stream in Self.fixture.randomStreams {
            let seed = SklearnLibSVMRandom.seed(randomState: UInt32(stream.randomState))
            #expect(seed == stream.seed, "random_state \(stream.randomState)")
            var generator = MersenneTwister(seed: seed)
            let outputs = stream.outputs.map { _ in generator.next() }
            #expect(outputs == stream.outputs, "random_state \(stream.randomState)")
        }
        print("[compare] SVC random streams: \(Self.fixture.randomStreams.count) random_state seeds and their MT19937 outputs equal (numpy \(Self.fixture.versions["numpy"] ?? "?"))")
    }

    @Test("decision_function, predict, n_support_ and gamma of every case", arguments: SVMFixture.shared.cases.map(\.name))
    func decisionAndPredict(name: String) throws {
        let reference = try #require(Self.fixture.cases.first { $0.name == name })
        let data = try #require(Self.fixture.data[reference.data])
        var svc = reference.parameters.classifier
        try svc.fit(x: data.x, y: data.y, classCount: data.classCount)
        let model = try #require(svc.model)
        #expect(isClose(model.gamma, reference.gamma, rel: 1e-13), "gamma \(model.gamma) vs sklearn's \(reference.gamma)")
        #expect(model.supportVectorCounts == reference.nSupport, "n_support_")

        let decision = try svc.decisionFunction(x: data.testX)
        let comparison = compareValues(decision, reference.decision.rows, rel: 1e-6, abs: 1e-9)
        #expect(comparison.allClose, "decision_function: max rel diff \(comparison.maxRel)")
        let predicted = try svc.predict(x: data.testX)
        #expect(predicted == reference.predict, "predict")
        var line = "[compare] SVC \(name): \(comparison.count) decision values, max rel diff \(String(format: "%.2g", comparison.maxRel))"
        line += ", \(predicted.count) predictions \(predicted == reference.predict ? "equal" : "DIFFER")"

        if let expected = reference.probabilities {
            let probabilities = try svc.predictProbabilities(x: data.testX)
            let probabilityComparison = compareValues(probabilities, expected, rel: 1e-6, abs: 1e-9)
            #expect(probabilityComparison.allClose, "predict_proba: max rel diff \(probabilityComparison.maxRel)")
            line += ", \(probabilityComparison.count) probabilities, max rel diff \(String(format: "%.2g", probabilityComparison.maxRel))"
            let platt = compareValues(
                [try #require(model.probA), try #require(model.probB)], [try #require(reference.probA), try #require(reference.probB)],
                rel: 1e-6, abs: 1e-9)
            #expect(platt.allClose, "probA_, probB_: max rel diff \(platt.maxRel)")
            line += ", Platt A and B max rel diff \(String(format: "%.2g", platt.maxRel))"
        }
        print(line + " (\(Self.fixture.tool))")
    }

    @Test("The fixture's tie rows exercise break_ties: sklearn's two predictions differ there, and SinoRad's with them")
    func tiesAreExercised() throws {
        let votes = try #require(Self.fixture.cases.first { $0.name == "rbf scale ovr ties by votes" })
        let broken = try #require(Self.fixture.cases.first { $0.name == "rbf scale ovr break_ties" })
        let data = try #require(Self.fixture.data[votes.data])
        let changed = zip(votes.predict, broken.predict).filter { $0 != $1 }.count
        #expect(changed >= 3, "sklearn's break_ties changes \(changed) predictions")
        var svc = votes.parameters.classifier
        try svc.fit(x: data.x, y: data.y, classCount: data.classCount)
        #expect(try svc.predict(x: data.testX) == votes.predict)
        svc.breakTies = true
        #expect(try svc.predict(x: data.testX) == broken.predict)
    }

    @Test("A model is shared by copies and predicts from several threads at once")
    func concurrentPrediction() async throws {
        let reference = try #require(Self.fixture.cases.first { $0.name == "probability rbf rs0" })
        let data = try #require(Self.fixture.data[reference.data])
        var svc = reference.parameters.classifier
        try svc.fit(x: data.x, y: data.y, classCount: data.classCount)
        let fitted = svc
        let expected = try fitted.predictProbabilities(x: data.testX)
        let results = try await withThrowingTaskGroup(of: [[Double]].self) { group in
            for _ in 0..<4 { group.addTask { try fitted.predictProbabilities(x: data.testX) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.allSatisfy { $0 == expected })
    }

    @Test("An absent class gets probability 0 and the classes present keep sklearn's numbers")
    func absentClass() throws {
        let reference = try #require(Self.fixture.cases.first { $0.name == "binary probability rbf rs0" })
        let data = try #require(Self.fixture.data[reference.data])
        // Labels 0 and 1 become 0 and 2 of three classes: class 1 is absent.
        var svc = reference.parameters.classifier
        try svc.fit(x: data.x, y: data.y.map { $0 * 2 }, classCount: 3)
        #expect(svc.model?.classes == [0, 2])
        let probabilities = try svc.predictProbabilities(x: data.testX)
        let sklearn: [[Double]] = try #require(reference.probabilities)
        let expected = sklearn.map { [$0[0], 0, $0[1]] }
        #expect(compareValues(probabilities, expected, rel: 1e-6, abs: 1e-9).allClose)
        #expect(try svc.predict(x: data.testX) == reference.predict.map { $0 * 2 })
    }
}
