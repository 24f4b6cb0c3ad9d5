import Foundation
import SinoRandom
import Testing

@testable import SinoClassifiers

/// With probabilities, an RBF fit's libsvm trainings read one precomputed table of kernel
/// values (`SVMKernelRows`); libsvm's own RBF evaluations must give the same models, bit for
/// bit: Platt coefficients, support vectors, decision values of new rows.
@Suite("SVC: precomputed RBF kernel rows")
struct SVMKernelRowsTests {
    @Test("the Platt sigmoids and the final model equal libsvm's own RBF kernel, bit for bit")
    func sameBits() throws {
        var random = SplitMix64(seed: 17)
        for (n, p, classes, c) in [(60, 5, 3, 1.0), (45, 12, 2, 10.0), (90, 3, 4, 0.1)] {
            // Rows grouped by class, as SupportVectorClassifier hands them to libsvm.
            let labels = (0..<n).map { Double($0 * classes / n) }
            let rows = labels.map { label in (0..<p).map { k in Double.random(in: -1...1, using: &random) + (k == 0 ? label * 0.7 : 0) } }
            let nodes = SVMNodeMatrix(rows: rows)
            let settings = LibSVMSettings(
                kernel: .rbf, degree: 3, gamma: 1 / Double(p), coef0: 0, cacheSize: 200, tolerance: 1e-3, c: c,
                weights: (0..<classes).map { (label: Int32($0), factor: 1.0 + 0.1 * Double($0)) }, shrinking: true)
            let kernelRows = try #require(SVMKernelRows(nodes: nodes, settings: settings))
            var classRows: [[Int]] = Array(repeating: [], count: classes)
            for (i, label) in labels.enumerated() { classRows[Int(label)].append(i) }
            let factors = (0..<classes).map { 1.0 + 0.1 * Double($0) }
            let own = try SVMPlattCalibration.sigmoids(nodes: nodes, classRows: classRows, classFactors: factors, settings: settings, seed: 7)
            let shared = try SVMPlattCalibration.sigmoids(
                nodes: nodes, classRows: classRows, classFactors: factors, settings: settings, seed: 7, kernelRows: kernelRows)
            #expect(own.map(\.a.bitPattern) == shared.map(\.a.bitPattern) && own.map(\.b.bitPattern) == shared.map(\.b.bitPattern), "n \(n)")
            let plain = try LibSVMModel(nodes: nodes, labels: labels, settings: settings, sigmoids: own)
            let precomputed = try LibSVMModel(nodes: nodes, labels: labels, settings: settings, sigmoids: shared, kernelRows: kernelRows)
            #expect(plain.supportCounts == precomputed.supportCounts)
            let new = (0..<25).map { _ in (0..<p).map { _ in Double.random(in: -1.5...1.5, using: &random) } } + rows
            #expect(plain.decisionValues(new).map { $0.map(\.bitPattern) } == precomputed.decisionValues(new).map { $0.map(\.bitPattern) })
            #expect(plain.probabilities(new).map { $0.map(\.bitPattern) } == precomputed.probabilities(new).map { $0.map(\.bitPattern) })
        }
        let linear = LibSVMSettings(
            kernel: .linear, degree: 3, gamma: 1, coef0: 0, cacheSize: 200, tolerance: 1e-3, c: 1, weights: [], shrinking: true)
        #expect(SVMKernelRows(nodes: SVMNodeMatrix(rows: [[1, 2]]), settings: linear) == nil)
    }
}
