import Foundation
import SinoData
import SinoImaging
import SinoReport

/// The methods paragraph of a study's report, in words a paper can take: what was analysed,
/// with which tests, models and settings.
public struct StudyMethods {
    public var config: StudyConfig
    public var cohort: Cohort
    public var synthetic: Bool
    public var conventionalTrained: Bool
    public var predictors: [String]
    public var fused: Bool
    public var models: [String]
    public var reference: String
    /// "layer2 (8 x 8)" for each distinct Grad-CAM layer the CNN stages recorded.
    public var gradCAMLayers: [String]
    /// The radiomics models trained (empty: none).
    public var radiomicsModels: [String] = []

    public var paragraph: String {
        let c = config
        var parts: [String] = []
        let classes = cohort.classes.names.joined(separator: ", ")
        var counts: [String: Int] = [:]
        for split in cohort.splits ?? [] { counts[split, default: 0] += 1 }
        let splits = ["train", "validation", "test"].compactMap { s in counts[s].map { "\($0) \(s)" } }.joined(separator: ", ")
        parts.append("\(synthetic ? "A SYNTHETIC cohort" : "The cohort") of \(cohort.ids.count) patients (\(splits)) was analysed for the outcome '\(c.label)' (classes \(classes)).")
        parts.append(
            "Baseline characteristics were summarised by class: continuous variables as mean (SD) compared by one-way ANOVA when the Shapiro-Wilk test did not reject normality (p > 0.05) in any class, otherwise as median [Q1, Q3] compared by the Kruskal-Wallis test; categorical variables as n (%) compared by the chi-square test when every expected count was at least 5, otherwise by Fisher's exact test (Fisher-Freeman-Halton for tables larger than 2 x 2)."
        )
        let firth = c.selection.method == .firth
        parts.append(
            String(
                format:
                    "Variables with univariate p < %.3g in the training cohort entered %@ (%@reference class %@), reduced by backward elimination on the %@ (p > %.3g removed); odds ratios are reported with 95%% Wald confidence intervals.",
                c.selection.screeningAlpha,
                firth ? "a bias-reduced (Firth) multinomial logistic regression" : "a multinomial logistic regression",
                firth ? "as R brglm2's brmultinom; " : "", c.selection.reference ?? cohort.classes.names[0],
                firth ? "penalised likelihood-ratio test of Heinze and Schemper" : "likelihood-ratio test", c.selection.eliminationAlpha))
        if conventionalTrained {
            parts.append(Self.conventionalSentences(predictors: predictors, settings: c.conventional, firth: firth))
        }
        if !radiomicsModels.isEmpty {
            parts.append(Self.radiomicsSentences(c.radiomics, models: radiomicsModels))
        }
        if c.cnn.enabled {
            let n = c.cnn
            let architectures = n.architectures.map(\.rawValue)
            let pretrained =
                n.weights.isEmpty
                ? "trained from He initialisation"
                : "initialised from pretrained weights for \(n.weights.keys.map(\.rawValue).sorted().joined(separator: ", ")) (first convolution adapted to one channel)"
            parts.append(
                "\(architectures.count == 1 ? "For \(architectures[0])" : "For each of \(Self.list(architectures))") and each sequence (\(n.sequences.joined(separator: ", "))), a network \(pretrained) read the axial slice with the largest ROI area and \(n.slicesAround == 1 ? "1 slice" : "\(n.slicesAround) slices") on each side, cropped to the ROI bounding box plus \(n.margin) voxels, resampled to \(n.size) x \(n.size) pixels (bilinear), normalised by \(n.normalisation == .zScore ? "z-score inside the ROI" : "the ROI's 1st-99th percentiles")\(n.outsideROI == .zero ? ", with the image set to 0 outside the ROI" : "")."
            )
            let kept = n.selectFrom.map { $0 > 1 ? "the epoch with the best validation macro-AUC from epoch \($0) on" : nil } ?? nil
            parts.append(
                String(
                    format:
                        "Training used %@ (learning rate %g, cosine decay, weight decay %g), batches of %d slices, class-balanced cross-entropy%@, for %d epochs; %@ was kept. Patient probabilities are the mean of the slice probabilities%@%@.",
                    n.optimizer == .adamw ? "AdamW" : "SGD with momentum 0.9", n.learningRate, n.weightDecay, n.batch,
                    n.augment ? " and augmentation (flips, rotations up to 10 degrees, intensity jitter)" : "", n.epochs,
                    kept ?? "the epoch with the best validation macro-AUC",
                    n.tta ? ", each averaged over the slice and its three flips" : "",
                    fused ? "; the sequences were fused by the \(n.fusion.map(\.rawValue).joined(separator: " and ")) of their probabilities" : ""))
            let which = gradCAMLayers.isEmpty ? "the deepest stage with a map of at least \(n.gradcamMinMap) x \(n.gradcamMinMap) pixels" : Self.list(gradCAMLayers)
            parts.append("Grad-CAM maps of \(which), upsampled to the input, explain the predicted class.")
        }
        parts.append(
            "Models were evaluated on the \(Self.list(c.evaluation.cohorts)) \(c.evaluation.cohorts.count == 1 ? "cohort" : "cohorts"): one-vs-rest AUC per class with DeLong 95% confidence intervals, macro- and micro-averaged AUC with stratified bootstrap confidence intervals (\(c.evaluation.bootstrap) replicates, seed \(c.seed)), accuracy, precision, recall and F1, calibration (Brier score) and decision curves"
                + (models.count < 2
                    ? "."
                    : "; each model was compared with \(reference) by the paired DeLong test per class, a paired bootstrap test of the macro-AUC and the exact McNemar test of accuracy, with Holm's adjustment within each family.")
        )
        if c.readers {
            parts.append(
                "In the reader study, each reader's calls without and with AI assistance were scored by accuracy (Wilson 95% confidence interval), per-class and macro-averaged recall, precision and F1, and confusion matrices; unaided and aided reads were compared by the exact McNemar test, and agreement by Cohen's kappa between readers and with the truth."
            )
        }
        parts.append("All analyses were run with SinoRad \(SinoRadVersion.current) (\(c.profile.rawValue) profile, seed \(c.seed)).")
        return parts.joined(separator: " ")
    }

    /// What the conventional models were, in words: each classifier named as what it is, the
    /// forests' tree count and tuning grid only where there is a forest.
    static func conventionalSentences(predictors: [String], settings c: StudyConfig.Conventional, firth: Bool) -> String {
        let forests = c.classifiers.filter { $0 != .logistic }
        let names = c.classifiers.map { classifier -> String in
            switch classifier {
            case .extraTrees: "an ExtraTrees classifier"
            case .randomForest: "a random forest"
            case .logistic: firth ? "a bias-reduced (Firth) multinomial logistic regression" : "a multinomial logistic regression"
            }
        }
        var text = "The independent predictors (\(predictors.joined(separator: ", "))) were the inputs of " + list(names) + "."
        if !forests.isEmpty {
            let which = forests.count == 1 ? "The forest has \(c.trees) trees; its hyper-parameters were" : "Each forest has \(c.trees) trees; the hyper-parameters of each were"
            text += " \(which) chosen by \(c.folds)-fold stratified cross-validation on the training cohort (macro-AUC) over \(c.grid)."
        }
        return text
    }

    /// "a", "a and b", "a, b and c".
    /// The radiomics pipeline in words: extraction, each selection step that ran, the classifiers.
    static func radiomicsSentences(_ r: StudyConfig.Radiomics, models: [String]) -> String {
        let s = r.selection
        var steps: [String] = []
        if s.impute != .none { steps.append("missing values imputed with the training \(s.impute.rawValue)") }
        if s.standardise { steps.append("z-score standardisation with the training means and standard deviations") }
        if s.variance.enabled {
            steps.append(
                "removal of near-zero-variance features (caret's rule, frequency ratio > \(NumberFormat.fixed(s.variance.freqCut, 0)), at most \(NumberFormat.fixed(s.variance.uniqueCut, 0))% distinct values)"
            )
        }
        if s.univariate.enabled {
            let test = s.univariate.test == .auto ? "the Kruskal-Wallis (three or more classes) or Mann-Whitney test" : "the \(s.univariate.test.rawValue) test"
            steps.append("a univariate screen by \(test) with Benjamini-Hochberg q < \(s.univariate.alpha)")
        }
        if s.redundancy.enabled { steps.append("removal of the less relevant feature of each pair with \(s.redundancy.method.rawValue) |r| > \(s.redundancy.threshold)") }
        if s.mrmr.enabled { steps.append("mRMR (\(s.mrmr.variant.rawValue)) to \(s.mrmr.count) features") }
        if s.lasso.enabled {
            steps.append(
                "a \(s.lasso.alpha == 1 ? "LASSO" : "elastic net (alpha \(s.lasso.alpha))") \(s.lasso.grouped ? "grouped " : "")logistic regression with \(s.lasso.folds)-fold cross-validation (\(s.lasso.loss.rawValue)) at \(s.lasso.rule.rawValue), as R glmnet 4.1"
            )
        }
        let params = r.params.map { "the parameter file \(URL(fileURLWithPath: $0).lastPathComponent)" } ?? "PyRadiomics' default settings"
        var text =
            "Radiomics features were extracted inside the ROI of each sequence (\(r.sequences.joined(separator: ", "))) as PyRadiomics 3.0.1 defines them, with \(params). "
            + "On the training cohort only, the features went through " + list(steps) + "; every later cohort was transformed with what was learned there."
        let names = r.classifiers.map(\.rawValue)
        text += " The selected features were the inputs of \(list(names)) (hyper-parameters by \(r.folds)-fold stratified cross-validated macro-AUC)"
        text += r.perSequence && r.sequences.count > 1 ? ", per sequence and on all sequences together." : ", on all sequences together."
        if models.contains(where: { $0.hasPrefix("combined-") }) {
            text += " The combined model (\(r.combinedClassifier.rawValue)) took the independent clinical predictors and the LASSO linear predictor of each class (the rad-score)."
        }
        return text
    }

    static func list(_ items: [String]) -> String {
        items.count <= 2 ? items.joined(separator: " and ") : items.dropLast().joined(separator: ", ") + " and " + items.last!
    }
}
