import SinoData
import SinoStats

extension ModelComparison {
    /// The tables of a model comparison, as a paper prints them.
    public func layout(titlePrefix: String = "") -> [Table] {
        var tables = [performanceTable(titlePrefix), perClassTable(titlePrefix)]
        if !comparisons.isEmpty { tables.append(comparisonTable(titlePrefix)) }
        return tables
    }

    var cohortText: String { "\(cohort) cohort, n = \(patients)" }

    static func interval(_ value: Double?, _ lower: Double?, _ upper: Double?, decimals: Int = 3) -> String {
        guard let value else { return "—" }
        let point = NumberFormat.fixed(value, decimals)
        guard let lower, let upper else { return point }
        // An en dash reads as a minus next to negative bounds, so those get "to".
        let separator = lower < 0 || upper < 0 ? " to " : "–"
        return "\(point) (\(NumberFormat.fixed(lower, decimals))\(separator)\(NumberFormat.fixed(upper, decimals)))"
    }

    static func proportion(_ p: ProportionEstimate) -> String {
        interval(p.value, p.interval?.lower, p.interval?.upper)
    }

    func performanceTable(_ prefix: String) -> Table {
        var table = Table(
            title: "\(prefix)Diagnostic performance (\(cohortText))",
            columns: [
                "Model", "Macro-AUC (95% CI)", "Micro-AUC (95% CI)", "Accuracy (95% CI)",
                "Macro precision", "Macro recall", "Macro F1"
            ])
        for m in models {
            let boot = m.aucBootstrap
            table.append([
                m.model,
                Self.interval(m.auc.macro, boot?.macro.lower, boot?.macro.upper),
                Self.interval(m.auc.micro.value, boot?.micro.lower, boot?.micro.upper),
                Self.proportion(m.metrics.accuracy),
                NumberFormat.fixed(m.metrics.macro.precision, 3), NumberFormat.fixed(m.metrics.macro.recall, 3),
                NumberFormat.fixed(m.metrics.macro.f1, 3)
            ])
        }
        var notes = [
            "AUC: one-vs-rest; macro = mean over classes, micro = pooled (as scikit-learn). 95% CIs of macro/micro AUC by stratified bootstrap (\(models.first?.aucBootstrap?.macro.options.replicates ?? 0) replicates, percentile); accuracy with Wilson 95% CI. Predicted class = highest probability."
        ]
        for m in models where m.auc.averagedOverDefinedClassesOnly {
            notes.append("\(m.model): macro-AUC averaged over the classes whose AUC is defined (\(m.perClassAUC.filter { $0.auc == nil }.map(\.className).joined(separator: ", ")) undefined).")
        }
        table.footnotes = notes
        return table
    }

    func perClassTable(_ prefix: String) -> Table {
        var table = Table(
            title: "\(prefix)Performance per class (\(cohortText))",
            columns: ["Model / class", "AUC (95% CI)", "Sensitivity (95% CI)", "Specificity (95% CI)", "Precision (95% CI)", "F1"])
        for m in models {
            table.append([m.model, "", "", "", "", ""], style: .heading)
            for (k, c) in m.perClassAUC.enumerated() {
                let metrics = m.metrics.perClass[k]
                let auc = c.auc == nil ? "undefined: \(c.undefinedReason ?? "")" : Self.interval(c.auc, c.delong?.lower, c.delong?.upper)
                table.append(
                    [
                        c.className, auc, Self.proportion(metrics.recall), Self.proportion(metrics.specificity),
                        Self.proportion(metrics.precision), metrics.f1.map { NumberFormat.fixed($0, 3) } ?? "—"
                    ], style: .indented)
            }
        }
        table.footnotes = ["Per-class AUC one-vs-rest with DeLong 95% CI (as pROC 1.18); sensitivity, specificity and precision with Wilson 95% CIs."]
        return table
    }

    func comparisonTable(_ prefix: String) -> Table {
        var table = Table(
            title: "\(prefix)Paired comparisons (\(cohortText))",
            columns: ["Comparison", "Test", "Difference (95% CI)", "Statistic", "p", "Holm p"])
        for c in comparisons {
            table.append(["\(c.modelA) vs \(c.modelB)", "", "", "", "", ""], style: .heading)
            for t in c.perClass {
                if let d = t.delong {
                    table.append(
                        [
                            "AUC \(t.className)", "DeLong (paired)", Self.interval(d.difference, d.lower, d.upper),
                            "z = \(NumberFormat.fixed(d.z, 2))", NumberFormat.pValue(d.pValue), NumberFormat.pValue(t.adjustedPValue)
                        ], style: .indented)
                } else {
                    table.append(["AUC \(t.className)", "DeLong (paired)", "undefined: \(t.undefinedReason ?? "")", "", "", ""], style: .indented)
                }
            }
            if let m = c.macroAUC {
                table.append(
                    [
                        "Macro-AUC", "bootstrap (paired, stratified)", Self.interval(m.difference, m.lower, m.upper),
                        "D = \(NumberFormat.fixed(m.statistic, 2))", NumberFormat.pValue(m.pValue), NumberFormat.pValue(c.macroAdjustedPValue)
                    ], style: .indented)
            }
            if let e = c.mcnemarExact {
                table.append(
                    [
                        "Correct calls", "McNemar exact", "b = \(e.b), c = \(e.c)", "", NumberFormat.pValue(e.pValue),
                        NumberFormat.pValue(c.mcnemarAdjustedPValue)
                    ], style: .indented)
            }
            if let x = c.mcnemarCorrected {
                table.append(
                    [
                        "Correct calls", "McNemar chi-square (continuity-corrected)", "b = \(x.b), c = \(x.c)",
                        "χ² = \(NumberFormat.fixed(x.statistic, 2))", NumberFormat.pValue(x.pValue), ""
                    ], style: .indented)
            }
        }
        table.footnotes = [
            "Differences are first model minus second. DeLong paired test as pROC roc.test; macro-AUC by paired stratified bootstrap (D = difference / bootstrap SD, as pROC); McNemar on correct vs incorrect calls (b: first right, second wrong; c: the reverse), exact binomial as statsmodels and continuity-corrected chi-square as R mcnemar.test.",
            "p-value adjustment: \(adjustment)."
        ]
        return table
    }
}
