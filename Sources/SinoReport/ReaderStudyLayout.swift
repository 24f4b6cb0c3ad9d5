import Foundation
import SinoData
import SinoStats

extension ReaderStudy {
    /// The tables of a reader study: performance per reader and condition, per class, the
    /// confusion matrices, the effect of AI assistance (McNemar) and the agreement (kappa).
    public func layout(titlePrefix: String = "") -> [Table] {
        var tables = [performanceTable(titlePrefix), perClassTable(titlePrefix), confusionTable(titlePrefix)]
        if !assistance.isEmpty { tables.append(assistanceTable(titlePrefix)) }
        if !agreement.isEmpty { tables.append(agreementTable(titlePrefix)) }
        return tables
    }

    var scopeText: String { cohort.map { "\($0) cohort, n = \(patients)" } ?? "all patients read, n = \(patients)" }

    static func kappaText(_ kappa: CohensKappaResult?, _ reason: String?) -> String {
        guard let kappa else { return "undefined: \(reason ?? "")" }
        return ModelComparison.interval(kappa.kappa, kappa.interval.lower, kappa.interval.upper)
    }

    func performanceTable(_ prefix: String) -> Table {
        var table = Table(
            title: "\(prefix)Reader performance (\(scopeText))",
            columns: [
                "Reader", "Condition", "n", "Accuracy (95% CI)", "Macro recall", "Macro precision", "Macro F1",
                "κ with truth (95% CI)"
            ])
        for p in performance {
            let m = p.metrics
            table.append([
                p.reader, p.condition.label, "\(p.patients)", ModelComparison.proportion(m.accuracy),
                NumberFormat.fixed(m.macro.recall, 3), NumberFormat.fixed(m.macro.precision, 3), NumberFormat.fixed(m.macro.f1, 3),
                Self.kappaText(p.kappaWithTruth, p.kappaUndefinedReason)
            ])
        }
        var notes = [
            "Accuracy with Wilson 95% CI; macro = unweighted mean over classes (scikit-learn average=\"macro\"). κ: unweighted Cohen's kappa of the reader's calls against the true classes, asymptotic 95% CI (statsmodels cohens_kappa)."
        ]
        for p in performance where !p.metrics.zeroDivisions.isEmpty {
            notes.append("\(p.reader), \(p.condition.phrase): \(p.metrics.zeroDivisions.joined(separator: "; ")).")
        }
        table.footnotes = notes
        return table
    }

    func perClassTable(_ prefix: String) -> Table {
        var table = Table(
            title: "\(prefix)Reader performance per class (\(scopeText))",
            columns: ["Reader / class", "n", "Recall (95% CI)", "Precision (95% CI)", "F1"])
        for p in performance {
            table.append(["\(p.reader), \(p.condition.phrase)", "", "", "", ""], style: .heading)
            for (k, c) in p.metrics.perClass.enumerated() {
                table.append(
                    [
                        classes[k], "\(c.support)", ModelComparison.proportion(c.recall), ModelComparison.proportion(c.precision),
                        NumberFormat.fixed(c.f1, 3)
                    ], style: .indented)
            }
        }
        table.footnotes = [
            "Recall = sensitivity, precision = positive predictive value, one class against the rest, with Wilson 95% CIs; n = patients of the class. — = undefined (no patient called that class)."
        ]
        return table
    }

    func confusionTable(_ prefix: String) -> Table {
        var table = Table(
            title: "\(prefix)Reader confusion matrices (\(scopeText))",
            columns: ["Reader / true class"] + classes.map { "Called \($0)" } + ["Total"])
        for p in performance {
            table.append(["\(p.reader), \(p.condition.phrase)"] + Array(repeating: "", count: classes.count + 1), style: .heading)
            for (k, row) in p.metrics.confusion.counts.enumerated() {
                table.append([classes[k]] + row.map(String.init) + ["\(row.reduce(0, +))"], style: .indented)
            }
        }
        table.footnotes = ["Rows: true class; columns: the reader's call; the diagonal holds the correct calls."]
        return table
    }

    func assistanceTable(_ prefix: String) -> Table {
        var table = Table(
            title: "\(prefix)Effect of AI assistance (\(scopeText))",
            columns: ["Reader", "n", "Unaided accuracy", "AI-assisted accuracy", "Difference", "Calls changed", "b / c", "p (McNemar exact)"])
        for a in assistance {
            table.append([
                a.reader, "\(a.patients)", NumberFormat.fixed(a.unaidedAccuracy, 3), NumberFormat.fixed(a.aidedAccuracy, 3),
                NumberFormat.fixed(a.accuracyDifference, 3), "\(a.changedCalls)", "\(a.mcnemar.b) / \(a.mcnemar.c)",
                NumberFormat.pValue(a.mcnemar.pValue)
            ])
        }
        table.footnotes = [
            "Paired on the patients each reader read in both conditions. b: right unaided, wrong with AI; c: wrong unaided, right with AI. Exact two-sided McNemar test (binomial, as statsmodels mcnemar exact=True). Difference = AI-assisted minus unaided accuracy."
        ]
        return table
    }

    func agreementTable(_ prefix: String) -> Table {
        var table = Table(
            title: "\(prefix)Inter-reader agreement (\(scopeText))",
            columns: ["Condition", "Readers", "n", "Same call (%)", "κ (95% CI)"])
        for a in agreement {
            table.append([
                a.condition.label, "\(a.readerA) vs \(a.readerB)", "\(a.patients)", NumberFormat.percent(a.agreed, of: a.patients),
                Self.kappaText(a.kappa, a.undefinedReason)
            ])
        }
        table.footnotes = ["Unweighted Cohen's kappa on the patients both readers read in that condition, asymptotic 95% CI (statsmodels cohens_kappa)."]
        return table
    }
}
