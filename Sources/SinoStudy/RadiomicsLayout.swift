import Foundation
import SinoData
import SinoReport
import SinoSelection

extension RadiomicsSelection {
    /// One row per step: what it received and kept.
    public func summaryTable(title: String = "Radiomics feature selection (training cohort)") -> Table {
        var table = Table(title: title, columns: ["Step", "Method", "Features in", "Kept"])
        for step in steps { table.append([step.step, step.method, "\(step.input)", "\(step.kept)"]) }
        table.footnotes.append("\(featureNames.count) features in the table; \(selected.count) selected.")
        if let lasso, let chosenLambda {
            table.footnotes.append(
                "LASSO: lambda.min \(NumberFormat.fixed(lasso.lambdaMin, 5)), lambda.1se \(NumberFormat.fixed(lasso.lambda1SE, 5)); chosen \(NumberFormat.fixed(chosenLambda, 5)) (\(config.lasso.rule.rawValue))."
            )
        }
        return table
    }

    /// The selected features with their LASSO coefficients (standardised scale) per class.
    public func selectedTable(title: String = "Selected radiomics features") -> Table {
        let coefficientColumns = lasso == nil ? [] : (classNames.count == 2 ? ["Coefficient (\(classNames[1]))"] : classNames.map { "Coefficient (\($0))" })
        var table = Table(title: title, columns: ["Feature"] + coefficientColumns)
        let beta = lasso.flatMap { cv in chosenLambda.map { cv.fit.coefficients(at: $0).coefficients } }
        for j in selected {
            var row = [featureNames[j]]
            if let beta, let position = lassoInput.firstIndex(of: j) {
                row += beta.map { NumberFormat.fixed($0[position], 4) }
            }
            table.append(row)
        }
        return table
    }

    /// Every feature's fate in every step (CSV rows: step, feature, kept, reason, statistic, partner).
    public var decisionsCSV: String {
        let rows = steps.flatMap { step in
            step.features.map { f in
                [step.step, f.feature, f.kept ? "yes" : "no", f.reason, f.statistic.map { "\($0)" } ?? "", f.partner ?? ""]
            }
        }
        return CSVWriter.text(header: ["step", "feature", "kept", "reason", "statistic", "partner"], rows: rows)
    }

    /// R's plot(cv) and plot(fit) per class: (file stem, figure).
    public func lassoFigures(titlePrefix: String = "") throws -> [(name: String, figure: any Figure)] {
        guard let lasso, let chosenLambda else { return [] }
        var figures: [(String, any Figure)] = [
            (
                "lasso_cv",
                try LassoCVFigure(
                    title: "\(titlePrefix)LASSO \(lasso.foldIDs.max() ?? 0)-fold CV", lambda: lasso.lambda, mean: lasso.mean,
                    standardError: lasso.standardError, lossName: lasso.loss.rawValue, lambdaMin: lasso.lambdaMin, lambda1SE: lasso.lambda1SE)
            )
        ]
        let fit = lasso.fit
        let classCount = fit.coefficients.first?.count ?? 1
        for c in 0..<classCount {
            let series = lassoInput.indices.map { k in
                LassoPathSeries(
                    label: featureNames[lassoInput[k]], coefficients: fit.coefficients.map { $0[c][k] },
                    highlighted: selected.contains(lassoInput[k]))
            }
            let label = classCount == 1 ? classNames[1] : classNames[c]
            figures.append(
                (
                    classCount == 1 ? "lasso_path" : "lasso_path_\(label)",
                    try LassoPathFigure(title: "\(titlePrefix)LASSO path (\(label))", lambda: fit.lambda, series: series, chosenLambda: chosenLambda)
                ))
        }
        return figures
    }
}

extension RadiomicsModelResult {
    /// The grid: one row per setting, its mean and SD of the fold macro-AUCs, the chosen one marked.
    public func gridTable(title: String) -> Table {
        var table = Table(title: title, columns: ["Setting", "Mean macro-AUC", "SD", "Chosen"])
        for candidate in grid {
            table.append([
                candidate.parameters.description, NumberFormat.fixed(candidate.mean, 3), NumberFormat.fixed(candidate.sd, 3),
                candidate.parameters == chosen ? "yes" : ""
            ])
        }
        if grid.isEmpty { table.append([chosen.description.isEmpty ? "(no hyper-parameters)" : chosen.description, "", "", "yes"]) }
        table.footnotes.append("\(selectedFeatures.count) selected features; \(trainingPatients) training patients, \(folds)-fold stratified CV.")
        return table
    }
}
