import Foundation
import SinoStats

extension ModelComparison {
    /// Writes the comparison's figures into `folder`, each in every format given (see
    /// `figures(titlePrefix:)`). Returns the base names written.
    @discardableResult
    public func writeFigures(to folder: String, formats: [FigureFormat] = [.png, .svg, .pdf], titlePrefix: String = "") throws -> [String] {
        let figures = try figures(titlePrefix: titlePrefix)
        for (name, figure) in figures {
            for format in formats {
                try figure.write(to: URL(fileURLWithPath: folder).appendingPathComponent("\(name).\(format.rawValue)").path, format: format)
            }
        }
        return figures.map(\.name)
    }

    /// The comparison's figures by base name: per model `roc_<model>`, `confusion_<model>`,
    /// `calibration_<model>`; per class `decision_<class>` (every model's net benefit) and,
    /// with several models, `roc_<class>` (one class across models).
    public func figures(titlePrefix: String = "") throws -> [(name: String, figure: any Figure)] {
        var figures: [(name: String, figure: any Figure)] = []
        func save(_ figure: some Figure, _ name: String) { figures.append((name, figure)) }
        for m in models {
            let slug = Self.slug(m.model)
            save(try ROCFigure(title: "\(titlePrefix)\(m.model)", curves: rocCurves(m)), "roc_\(slug)")
            save(
                try ConfusionMatrixFigure(
                    title: "\(titlePrefix)\(m.model) (n = \(m.patients))", classNames: classes,
                    counts: m.metrics.confusion.counts), "confusion_\(slug)")
            let calibration = zip(classes, m.calibration.classes).map { name, curve in
                CalibrationFigureCurve(
                    label: name, meanPredicted: curve.bins.map(\.meanPredicted),
                    observedFraction: curve.bins.map(\.observedFraction), brierScore: curve.brierScore)
            }
            save(try CalibrationFigure(title: "\(titlePrefix)\(m.model)", curves: calibration), "calibration_\(slug)")
        }
        for (k, name) in classes.enumerated() {
            let events = models[0].decisionCurves[k].events, n = models[0].decisionCurves[k].patients
            if events > 0 && events < n {
                let curves = models.map { m in
                    DecisionFigureCurve(
                        label: m.model, thresholds: m.decisionCurves[k].points.map(\.threshold),
                        netBenefit: m.decisionCurves[k].points.map(\.netBenefit))
                }
                save(
                    try DecisionCurveFigure(title: "\(titlePrefix)\(name) versus rest", prevalence: Double(events) / Double(n), models: curves),
                    "decision_\(Self.slug(name))")
            }
            if models.count > 1 {
                let curves = models.compactMap { m -> ROCFigureCurve? in
                    guard let roc = m.rocCurves[k], let auc = m.perClassAUC[k].auc else { return nil }
                    let ci = m.perClassAUC[k].delong.map { $0.lower...$0.upper }
                    return ROCFigureCurve(label: m.model, fpr: roc.falsePositiveRates, tpr: roc.truePositiveRates, auc: auc, aucInterval: ci)
                }
                if !curves.isEmpty { save(try ROCFigure(title: "\(titlePrefix)\(name) versus rest", curves: curves), "roc_\(Self.slug(name))") }
            }
        }
        return figures
    }

    /// Per-class curves (DeLong CI) plus the micro-average (bootstrap CI), dashed.
    func rocCurves(_ m: ModelPerformance) -> [ROCFigureCurve] {
        var curves: [ROCFigureCurve] = []
        for (k, entry) in m.perClassAUC.enumerated() {
            guard let roc = m.rocCurves[k], let auc = entry.auc else { continue }
            curves.append(
                ROCFigureCurve(
                    label: entry.className, fpr: roc.falsePositiveRates, tpr: roc.truePositiveRates,
                    auc: auc, aucInterval: entry.delong.map { $0.lower...$0.upper }))
        }
        if let micro = m.microROC, let auc = m.auc.micro.value {
            curves.append(
                ROCFigureCurve(
                    label: "Micro-average", fpr: micro.falsePositiveRates, tpr: micro.truePositiveRates,
                    auc: auc, aucInterval: m.aucBootstrap.map { $0.micro.lower...$0.micro.upper }, dash: .dashed))
        }
        return curves
    }

    /// A file-name-safe form of a model or class name ("ResNet-101 mean" -> "resnet-101_mean").
    static func slug(_ name: String) -> String {
        String(name.lowercased().map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "_" })
    }
}
