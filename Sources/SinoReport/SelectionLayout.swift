import SinoData
import SinoStats

extension PredictorSelection {
    /// The three tables a paper shows: univariate screening, the final multinomial model
    /// (odds ratios against the reference class), and the backward elimination steps.
    public func layout(titlePrefix: String = "") -> [Table] {
        var tables = [univariateTable(titlePrefix)]
        if let elimination {
            tables.append(modelTable(elimination, titlePrefix))
            tables.append(stepsTable(elimination, titlePrefix))
        }
        return tables
    }

    var cohortText: String { split.map { "\($0) cohort" } ?? "all patients" }

    func univariateTable(_ prefix: String) -> Table {
        var table = Table(
            title: "\(prefix)Univariate analysis (\(cohortText), n = \(patients))",
            columns: ["Variable", "Test", "Effect size", "p", "Entered the multivariable model"])
        for entry in univariate {
            let entered = entry.selected ? (separating.contains(entry.variable) ? "no (separation)" : "yes") : "no (\(entry.reason))"
            let effect = entry.effectSize.map { "\(entry.effectSizeName ?? "") \(NumberFormat.fixed($0, 3))" } ?? "—"
            table.append([entry.label, entry.test ?? "—", effect, NumberFormat.pValue(entry.pValue), entered])
        }
        table.footnotes = ["Variables with p < \(screeningAlpha) entered the multivariable model; tests chosen as in Table 1."] + warnings
        return table
    }

    func modelTable(_ elimination: BackwardEliminationResult, _ prefix: String) -> Table {
        let fit = elimination.finalFit
        let level = NumberFormat.percentLevel(fit.confidenceLevel)
        var columns = ["Variable"]
        for equation in fit.equations {
            let name = classes[equation.classIndex]
            columns += ["\(name) vs \(referenceClass): OR (\(level) CI)", "p"]
        }
        columns.append("LRT p")
        var table = Table(title: "\(prefix)Multivariable multinomial logistic regression (reference: \(referenceClass))", columns: columns)
        let lrt = Dictionary(uniqueKeysWithValues: elimination.finalTests.map { ($0.group, $0) })
        for variable in elimination.remainingGroups {
            let names = self.columns[variable] ?? []
            let test = lrt[variable]?.test
            table.append([variableLabels[variable] ?? variable] + Array(repeating: "", count: 2 * fit.equations.count) + [NumberFormat.pValue(test?.pValue)], style: .heading)
            for name in names {
                guard let j = fit.featureNames.firstIndex(of: name) else { continue }
                var row = [columnLabels[name] ?? name]
                for equation in fit.equations {
                    row.append("\(NumberFormat.ratio(equation.oddsRatios[j])) (\(NumberFormat.ratio(equation.oddsRatioLower[j]))–\(NumberFormat.ratio(equation.oddsRatioUpper[j])))")
                    row.append(NumberFormat.pValue(equation.pValues[j]))
                }
                table.append(row + [""], style: .indented)
            }
        }
        table.footnotes = [
            "n = \(fit.observations); log-likelihood \(NumberFormat.fixed(fit.logLikelihood, 2)), null \(NumberFormat.fixed(fit.nullLogLikelihood, 2)); LR chi-square \(NumberFormat.fixed(fit.llr, 2)) on \(fit.llrDegreesOfFreedom) df, p \(NumberFormat.pValue(fit.llrPValue)); McFadden R² \(NumberFormat.fixed(fit.mcFaddenR2, 3)); AIC \(NumberFormat.fixed(fit.aic, 1)); BIC \(NumberFormat.fixed(fit.bic, 1)).",
            fit.method == .firth
                ? "Bias-reduced (Firth) estimates, as R brglm2 brmultinom (penalised log-likelihood \(NumberFormat.fixed(fit.penalizedLogLikelihood ?? .nan, 2))). OR: exp(coefficient), strictly a relative-risk ratio of the multinomial model; \(level) Wald CI; LRT p: penalised likelihood-ratio test of dropping the variable (all its levels; Heinze & Schemper 2002)."
                : "OR: exp(coefficient), strictly a relative-risk ratio of the multinomial model; \(level) Wald CI; LRT p: likelihood-ratio test of dropping the variable (all its levels).",
            "Independent predictors: \(predictors.isEmpty ? "none" : predictors.joined(separator: ", "))."
        ]
        return table
    }

    func stepsTable(_ elimination: BackwardEliminationResult, _ prefix: String) -> Table {
        let rule: String
        switch criterion {
        case .likelihoodRatio(let alpha):
            let test = method == .firth ? "penalised likelihood-ratio" : "likelihood-ratio"
            rule = "drop the variable with the largest \(test) p while p > \(alpha)"
        case .aic: rule = "drop the variable whose removal lowers AIC most, while AIC decreases"
        }
        var table = Table(title: "\(prefix)Backward elimination (\(rule))", columns: ["Step", "Dropped", "LR chi-square", "df", "p", "AIC before", "AIC after"])
        for (index, step) in elimination.steps.enumerated() {
            table.append([
                "\(index + 1)", step.dropped, NumberFormat.statistic(step.test.statistic), "\(step.test.degreesOfFreedom)",
                NumberFormat.pValue(step.test.pValue), NumberFormat.fixed(step.aicBefore, 1), NumberFormat.fixed(step.aicAfter, 1)
            ])
        }
        if elimination.steps.isEmpty { table.append(["—", "nothing dropped", "", "", "", "", ""]) }
        table.footnotes = ["Started from \(entered.count) \(entered.count == 1 ? "variable" : "variables"): \(entered.joined(separator: ", "))."]
        if method == .firth {
            table.footnotes.append(
                "Bias-reduced (Firth) fits; the tests are penalised likelihood-ratio tests (Heinze & Schemper 2002), and AIC uses the ordinary log-likelihood at the bias-reduced estimates.")
        }
        if !separating.isEmpty {
            table.footnotes.append("Left out before fitting (a level never occurs in some class, so no finite estimate): \(separating.joined(separator: ", ")).")
        }
        return table
    }
}
