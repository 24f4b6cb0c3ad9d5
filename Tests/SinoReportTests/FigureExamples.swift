import Foundation
import SinoRandom

@testable import SinoReport

/// Realistic figure inputs for a 93-patient, three-class cohort (SCC 45, ACC 26, ONB 22),
/// generated deterministically so tests and the visual gallery see the same data.
enum FigureExamples {
    static let classNames = ["SCC", "ACC", "ONB"]
    static let classSizes = [45, 26, 22]

    /// Binormal separations giving AUCs near 0.89, 0.82 and 0.86 (AUC = Φ(d/√2)).
    static let separations = [1.75, 1.30, 1.55]

    static var rocCurves: [ROCFigureCurve] {
        var random = SplitMix64(seed: 7)
        var curves: [ROCFigureCurve] = []
        for (k, name) in classNames.enumerated() {
            let positives = (0..<classSizes[k]).map { _ in random.normal() + separations[k] }
            let negatives = (0..<(93 - classSizes[k])).map { _ in random.normal() }
            let (fpr, tpr) = EmpiricalROC.points(positives: positives, negatives: negatives)
            let auc = EmpiricalROC.area(fpr: fpr, tpr: tpr)
            curves.append(
                ROCFigureCurve(
                    label: name, fpr: fpr, tpr: tpr, auc: auc,
                    aucInterval: max(auc - 0.07, 0)...min(auc + 0.06, 1)))
        }
        return curves
    }

    /// The per-class curves plus micro- and macro-averages (macro drawn dotted, micro dashed).
    static var rocCurvesWithAverages: [ROCFigureCurve] {
        var curves = rocCurves
        let grid = (0...50).map { Double($0) / 50 }
        let macroTPR = grid.map { x in curves.map { EmpiricalROC.interpolate($0, at: x) }.reduce(0, +) / 3 }
        curves.append(
            ROCFigureCurve(
                label: "Micro-average", fpr: grid, tpr: grid.map { 1 - pow(1 - $0, 5.5) },
                auc: 0.871, aucInterval: 0.829...0.910, dash: .dashed))
        curves.append(
            ROCFigureCurve(
                label: "Macro-average", fpr: grid, tpr: macroTPR,
                auc: EmpiricalROC.area(fpr: grid, tpr: macroTPR), aucInterval: 0.812...0.917, dash: .dotted))
        return curves
    }

    /// 93 patients; 76 correct (81.7%).
    static let confusionCounts = [[39, 4, 2], [5, 19, 2], [1, 2, 19]]

    static let calibrationCurves = [
        CalibrationFigureCurve(
            label: "SCC", meanPredicted: [0.08, 0.27, 0.49, 0.71, 0.90],
            observedFraction: [0.05, 0.22, 0.55, 0.78, 0.93], brierScore: 0.118),
        CalibrationFigureCurve(
            label: "ACC", meanPredicted: [0.06, 0.24, 0.46, 0.68, 0.86],
            observedFraction: [0.09, 0.31, 0.40, 0.57, 0.80], brierScore: 0.142),
        CalibrationFigureCurve(
            label: "ONB", meanPredicted: [0.05, 0.25, 0.52, 0.73, 0.91],
            observedFraction: [0.03, 0.20, 0.47, 0.81, 0.95], brierScore: 0.097)
    ]

    static let prevalenceACC = 26.0 / 93

    /// Net benefit of two models for ACC versus rest, thresholds 0.01 ... 0.99.
    static var decisionCurves: [DecisionFigureCurve] {
        let thresholds = (1...99).map { Double($0) / 100 }
        func model(_ label: String, sensitivity: (Double) -> Double, specificity: (Double) -> Double) -> DecisionFigureCurve {
            let p = prevalenceACC
            let nb = thresholds.map { t in sensitivity(t) * p - (1 - specificity(t)) * (1 - p) * t / (1 - t) }
            return DecisionFigureCurve(label: label, thresholds: thresholds, netBenefit: nb)
        }
        return [
            model("Random forest", sensitivity: { 1 - pow($0, 1.6) }, specificity: { pow($0, 0.35) }),
            model("Logistic regression", sensitivity: { 1 - pow($0, 1.2) }, specificity: { pow($0, 0.45) })
        ]
    }
}

/// Empirical ROC from scores: one vertex per distinct threshold (ties move diagonally).
enum EmpiricalROC {
    static func points(positives: [Double], negatives: [Double]) -> (fpr: [Double], tpr: [Double]) {
        let thresholds = Set(positives + negatives).sorted(by: >)
        var fpr = [0.0], tpr = [0.0]
        for t in thresholds {
            tpr.append(Double(positives.count { $0 >= t }) / Double(positives.count))
            fpr.append(Double(negatives.count { $0 >= t }) / Double(negatives.count))
        }
        return (fpr, tpr)
    }

    /// Trapezoidal area under the curve.
    static func area(fpr: [Double], tpr: [Double]) -> Double {
        var area = 0.0
        for i in fpr.indices.dropFirst() {
            area += (fpr[i] - fpr[i - 1]) * (tpr[i] + tpr[i - 1]) / 2
        }
        return area
    }

    /// Highest tpr reached at false-positive rate `x` (linear between vertices).
    static func interpolate(_ curve: ROCFigureCurve, at x: Double) -> Double {
        var best = 0.0
        for i in curve.fpr.indices.dropFirst() where curve.fpr[i - 1] <= x && x <= curve.fpr[i] {
            let run = curve.fpr[i] - curve.fpr[i - 1]
            let t = run > 0 ? (x - curve.fpr[i - 1]) / run : 1
            best = max(best, curve.tpr[i - 1] + (curve.tpr[i] - curve.tpr[i - 1]) * t)
        }
        return best
    }
}

/// Box–Muller normals on SinoRandom's SplitMix64 (Steele, Lea & Flood 2014): small and
/// reproducible. The uniform is centred in its 2^-53 cell, so never 0.
extension SplitMix64 {
    fileprivate mutating func uniform() -> Double { (Double(next() >> 11) + 0.5) / Double(1 << 53) }

    fileprivate mutating func normal() -> Double {
        sqrt(-2 * log(uniform())) * cos(2 * Double.pi * uniform())
    }
}
