import ArgumentParser
import SinoData
import SinoReport
import SinoStats

struct Select: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Find the independent predictors: univariate screening, then backward elimination of a multinomial logistic regression.",
        discussion: """
            Variables with univariate p < --alpha (tests chosen as in Table 1) enter \
            a multinomial logistic regression (Newton-Raphson, as statsmodels \
            MNLogit) against the --reference class; backward elimination then drops, \
            one at a time, the variable with the largest likelihood-ratio p above \
            --elimination-alpha (or by AIC). The variables left are the independent \
            predictors. By default the training cohort is used when the CSV has one.

            When predictors separate the classes the maximum-likelihood estimate does \
            not exist; --method firth fits bias-reduced (Firth) models instead (as R \
            brglm2 brmultinom), which exist under separation, and tests them with \
            penalised likelihood-ratio tests (Heinze & Schemper 2002).

            Examples:
              sinorad select data/cohort.csv --label pathology --reference SCC
              sinorad select data/cohort.csv --criterion aic --format json --out select.json
              sinorad select data/cohort.csv --method firth
            """)

    @OptionGroup var cohort: CohortOptions
    @OptionGroup var output: OutputOptions

    @Option(help: "Reference class of the multinomial model (default: the first class).")
    var reference: String?

    @Option(help: "Univariate screening threshold.")
    var alpha: Double = 0.05

    enum Criterion: String, ExpressibleByArgument, CaseIterable {
        /// Likelihood-ratio p above --elimination-alpha.
        case lrt
        /// The drop that lowers AIC most.
        case aic
    }

    @Option(help: "Backward elimination: lrt (likelihood-ratio p) or aic.")
    var criterion: Criterion = .lrt

    @Option(help: "LRT p above which a variable is dropped (default: --alpha).")
    var eliminationAlpha: Double?

    @Option(help: "Fit: 'ml' (maximum likelihood) or 'firth' (bias-reduced; exists under separation).")
    var method: LogitMethod = .ml

    @Option(help: "Level of the final model's Wald confidence intervals of the odds ratios (0.9 gives '90% CI' columns).")
    var confidenceLevel: Double = 0.95

    @Option(help: "Cohort split to select on ('all' for every patient; default: train when present).")
    var on: String?

    func validate() throws {
        guard alpha > 0 && alpha < 1 else { throw ValidationError("--alpha \(alpha): expected a number between 0 and 1") }
        if let e = eliminationAlpha, !(e > 0 && e < 1) { throw ValidationError("--elimination-alpha \(e): expected a number between 0 and 1") }
        guard confidenceLevel > 0 && confidenceLevel < 1 else {
            throw ValidationError("--confidence-level \(confidenceLevel): expected a number strictly between 0 and 1, e.g. 0.95")
        }
    }

    func run() throws {
        let data = try cohort.load()
        var options = SelectionOptions()
        options.screeningAlpha = alpha
        options.method = method
        options.confidenceLevel = confidenceLevel
        switch criterion {
        case .lrt: options.criterion = .likelihoodRatio(alpha: eliminationAlpha ?? alpha)
        case .aic: options.criterion = .aic
        }
        if let reference {
            guard let index = data.classes.index(of: reference) else {
                throw CommandFailure(message: "--reference \(reference): not a class; classes are \(data.classes.names.joined(separator: ", "))")
            }
            options.reference = index
        }
        let split: String? = on == "all" ? nil : (on ?? (data.splitNames.contains("train") ? "train" : nil))
        let result = try PredictorSelection.run(data, split: split, options: options)
        for warning in result.warnings { note("warning: \(warning)") }
        note("independent predictors: \(result.predictors.isEmpty ? "none" : result.predictors.joined(separator: ", "))")
        try output.emit(tables: result.layout(titlePrefix: cohort.syntheticPrefix), result: result, title: "Predictor selection")
    }
}

extension LogitMethod: ExpressibleByArgument {}
