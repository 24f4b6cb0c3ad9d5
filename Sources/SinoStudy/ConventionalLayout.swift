import SinoReport

extension ConventionalResult {
    /// The model-selection table: every grid setting with its cross-validated macro-AUC.
    public func layout(titlePrefix: String = "") -> Table {
        var table = Table(
            title: "\(titlePrefix)Conventional model (\(classifier.rawValue)): \(folds)-fold cross-validation on the training cohort (n = \(trainingPatients))",
            columns: ["Setting", "Macro-AUC, mean (SD)", "Chosen"])
        for candidate in grid {
            table.append([
                candidate.parameters.description,
                "\(NumberFormat.fixed(candidate.mean, 3)) (\(NumberFormat.fixed(candidate.sd, 3)))",
                candidate.parameters == chosen ? "yes" : ""
            ])
        }
        if grid.isEmpty { table.append(["multinomial logistic regression (no hyper-parameters)", "—", "yes"]) }
        var notes = ["Predictors: \(predictors.joined(separator: ", ")); features: \(encoder.featureNames.joined(separator: ", "))."]
        if let trees { notes.append("\(trees) trees, gini; folds stratified by class (seed \(seed)); ties go to the simpler setting listed first.") }
        if !importances.isEmpty {
            notes.append("Feature importance (MDI): " + importances.sorted { $0.value > $1.value }.map { "\($0.key) \(NumberFormat.fixed($0.value, 3))" }.joined(separator: ", ") + ".")
        }
        table.footnotes = notes
        return table
    }
}
