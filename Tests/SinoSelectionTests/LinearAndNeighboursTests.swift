import Foundation
import SinoClassifiers
import SinoData
import TestSupport
import Testing

@testable import SinoSelection

/// L2LogisticClassifier against scikit-learn's LogisticRegression(C) and
/// NearestNeighboursClassifier against KNeighborsClassifier (scripts/peers/linear_knn.py).
@Suite("L2 logistic regression and k-nearest neighbours (scikit-learn)")
struct LinearAndNeighboursTests {
    struct Fixture: Decodable {
        struct Logistic: Decodable {
            var C: Double
            var proba: [[Double]]
        }
        struct Neighbours: Decodable {
            var k: Int
            var proba: [[Double]]
        }
        struct Case: Decodable {
            var name: String
            var classes: Int
            var train: [[Double]]
            var labels: [Int]
            var test: [[Double]]
            var logistic: [Logistic]
            var knn: [Neighbours]
        }
        var versions: [String: String]
        var cases: [Case]
    }

    static let fixture = try! Fixtures.decode(Fixture.self, "selection/linear_knn.json")

    @Test("LogisticRegression(C) probabilities through glmnet's ridge at lambda = 1 / (C n)")
    func logistic() throws {
        var worst = 0.0
        for c in Self.fixture.cases {
            for reference in c.logistic {
                var model = L2LogisticClassifier(c: reference.C)
                try model.fit(x: c.train, y: c.labels, classCount: c.classes)
                let p = try model.predictProbabilities(x: c.test)
                for (row, expected) in zip(p, reference.proba) {
                    for (a, e) in zip(row, expected) { worst = max(worst, abs(a - e)) }
                }
            }
        }
        reportComparison(
            "L2 logistic (3-class and binary, C 0.05, 1, 20) probabilities, max abs diff", tool: "scikit-learn \(Self.fixture.versions["scikit-learn"]!)",
            maxRelDiff: worst)
        // scikit-learn's lbfgs stops on a relative objective decrease of 64 eps (its ftol), which
        // leaves its coefficients about 1e-7 from the optimum, probabilities about 1e-6.
        #expect(worst < 5e-6)
    }

    @Test("KNeighborsClassifier probabilities, k = 1, 5, 9")
    func neighbours() throws {
        for c in Self.fixture.cases {
            for reference in c.knn {
                var model = NearestNeighboursClassifier(neighbours: reference.k)
                try model.fit(x: c.train, y: c.labels, classCount: c.classes)
                let p = try model.predictProbabilities(x: c.test)
                let differing = zip(p, reference.proba).filter { zip($0, $1).contains { abs($0 - $1) > 1e-12 } }.count
                #expect(differing == 0, "\(c.name), k = \(reference.k)")
            }
        }
    }
}
