import Foundation
import SinoData
import Testing

@testable import SinoClassifiers

/// Bad input is refused once, at the boundary, with what was given and what was expected.
@Suite("Classifier input checks")
struct ClassifierInputTests {
    static let x: [[Double]] = [[0, 1], [1, 0], [2, 1], [3, 3], [1, 2], [0, 0]]
    static let y = [0, 1, 0, 1, 1, 0]

    static func error(_ body: () throws -> Void) -> ClassifierError? {
        do {
            try body()
            return nil
        } catch let error as ClassifierError {
            return error
        } catch {
            return nil
        }
    }

    @Test("Ragged rows")
    func raggedRows() {
        var svc = SupportVectorClassifier()
        let error = Self.error { try svc.fit(x: [[0, 1], [1, 0], [2]], y: [0, 1, 0], classCount: 2) }
        #expect(error == .raggedRows(row: 2, count: 1, expected: 2))
        #expect(error?.description == "row 2 has 1 values: expected 2, as row 0 has (rows of equal length)")
        var xgb = GradientBoostingClassifier()
        #expect(Self.error { try xgb.fit(x: [[0, 1], [1, 0, 3]], y: [0, 1], classCount: 2) } == .raggedRows(row: 1, count: 3, expected: 2))
    }

    @Test("NaN and infinities in SVC input; NaN is XGBoost's missing value but an infinity is not")
    func nonFinite() throws {
        var svc = SupportVectorClassifier()
        var x = Self.x
        x[3][1] = .nan
        let error = Self.error { try svc.fit(x: x, y: Self.y, classCount: 2) }
        // NaN != NaN, so the case is matched rather than compared.
        if case .nonFiniteValue(3, 1, let value) = error { #expect(value.isNaN) } else { Issue.record("got \(String(describing: error))") }
        #expect(error?.description == "row 3, column 1 is nan: expected finite values (libsvm has no missing values)")
        var xgb = GradientBoostingClassifier(nEstimators: 3)
        try xgb.fit(x: x, y: Self.y, classCount: 2)
        #expect(try xgb.predictProbabilities(x: [[.nan, .nan]]).count == 1)
        x[3][1] = .infinity
        #expect(Self.error { try xgb.fit(x: x, y: Self.y, classCount: 2) } == .nonFiniteValue(row: 3, column: 1, value: .infinity))
        try svc.fit(x: Self.x, y: Self.y, classCount: 2)
        #expect(Self.error { _ = try svc.decisionFunction(x: [[0, .nan]]) }?.description.hasPrefix("row 0, column 1 is nan") == true)
        #expect(Self.error { _ = try svc.predict(x: [[0, .infinity]]) } == .nonFiniteValue(row: 0, column: 1, value: .infinity))
    }

    @Test("One class only")
    func oneClass() {
        var svc = SupportVectorClassifier()
        let error = Self.error { try svc.fit(x: Self.x, y: Array(repeating: 1, count: 6), classCount: 3) }
        #expect(error == .tooFewClasses(present: [1], classCount: 3))
        #expect(error?.description == "y holds 1 class (1) of 3: expected at least 2 classes to train on")
        var xgb = GradientBoostingClassifier()
        #expect(Self.error { try xgb.fit(x: Self.x, y: Array(repeating: 0, count: 6), classCount: 2) } == .tooFewClasses(present: [0], classCount: 2))
        #expect(Self.error { try xgb.fit(x: Self.x, y: Self.y, classCount: 1) } == .invalidClassCount(1))
    }

    @Test("Label out of range")
    func labelOutOfRange() {
        var svc = SupportVectorClassifier()
        let error = Self.error { try svc.fit(x: Self.x, y: [0, 1, 2, 1, 1, 0], classCount: 2) }
        #expect(error == .labelOutOfRange(row: 2, label: 2, classCount: 2))
        #expect(error?.description == "label 2 at row 2: expected a class index in 0..<2")
        #expect(Self.error { try svc.fit(x: Self.x, y: [0, 1, -1, 1, 1, 0], classCount: 2) } == .labelOutOfRange(row: 2, label: -1, classCount: 2))
        #expect(Self.error { try svc.fit(x: Self.x, y: [0, 1], classCount: 2) } == .labelCountMismatch(rows: 6, labels: 2))
        #expect(Self.error { try svc.fit(x: [], y: [], classCount: 2) } == .emptyInput("x"))
    }

    @Test("predictProbabilities without probability, and before fit")
    func probabilityNotEnabled() throws {
        var svc = SupportVectorClassifier()
        #expect(Self.error { _ = try svc.predictProbabilities(x: Self.x) } == .notFitted("SupportVectorClassifier"))
        try svc.fit(x: Self.x, y: Self.y, classCount: 2)
        let error = Self.error { _ = try svc.predictProbabilities(x: Self.x) }
        #expect(error == .probabilityNotEnabled)
        #expect(error?.description.contains("set probability and fit again") == true)
        // The protocol's predict (argmax of probabilities) needs them too; the SVC's own does not.
        func protocolPredict(_ model: some Classifier) throws -> [Int] { try model.predict(x: Self.x) }
        #expect(Self.error { _ = try protocolPredict(svc) } == .probabilityNotEnabled)
        #expect(try svc.predict(x: Self.x).count == 6)
    }

    @Test("Rows to predict must have the training width")
    func featureCount() throws {
        var svc = SupportVectorClassifier()
        try svc.fit(x: Self.x, y: Self.y, classCount: 2)
        let error = Self.error { _ = try svc.decisionFunction(x: [[1, 2, 3]]) }
        #expect(error == .featureCountMismatch(row: 0, count: 3, expected: 2))
        #expect(error?.description == "row 0 has 3 values: expected 2, the number of features the model was fitted on")
    }

    @Test("Hyper-parameters outside their domain")
    func hyperParameters() {
        var svc = SupportVectorClassifier(c: 0)
        #expect(Self.error { try svc.fit(x: Self.x, y: Self.y, classCount: 2) } == .invalidHyperParameter(name: "c", value: "0.0", expected: "a finite number > 0"))
        svc = SupportVectorClassifier(gamma: .value(-1))
        #expect(Self.error { try svc.fit(x: Self.x, y: Self.y, classCount: 2) }?.description == "gamma = -1.0: expected a finite number >= 0, .scale or .auto")
        svc = SupportVectorClassifier(classWeight: .perClass([1]))
        #expect(Self.error { try svc.fit(x: Self.x, y: Self.y, classCount: 2) } == .invalidHyperParameter(name: "classWeight", value: "perClass with 1 weights", expected: "one weight per class (2)"))
        svc = SupportVectorClassifier(decisionFunctionShape: .ovo, breakTies: true)
        #expect(Self.error { try svc.fit(x: Self.x, y: Self.y, classCount: 2) }?.description == "breakTies = true: expected false when decisionFunctionShape is ovo (as sklearn)")
        var xgb = GradientBoostingClassifier(subsample: 0)
        #expect(Self.error { try xgb.fit(x: Self.x, y: Self.y, classCount: 2) } == .invalidHyperParameter(name: "subsample", value: "0.0", expected: "a fraction in (0, 1]"))
        xgb = GradientBoostingClassifier(threads: 0)
        #expect(Self.error { try xgb.fit(x: Self.x, y: Self.y, classCount: 2) }?.description.hasPrefix("threads = 0: expected an integer >= 1") == true)
    }

    @Test("XGBoost's own errors come through with its message")
    func xgboostError() {
        let missing = URL(fileURLWithPath: "/nonexistent/sinorad-model.json")
        let error = Self.error { _ = try GradientBoostingClassifier.loadModel(from: missing) }
        guard case .library(let name, let function, let message) = error else {
            Issue.record("expected a library error, got \(String(describing: error))")
            return
        }
        #expect(name == "XGBoost")
        #expect(function.hasPrefix("XGBoosterLoadModel"))
        #expect(!message.isEmpty)
    }
}
