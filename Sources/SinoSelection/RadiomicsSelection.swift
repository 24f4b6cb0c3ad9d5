import Foundation
import SinoData
import SinoStats

/// One feature's fate in one selection step, by name.
public struct SelectionStepFeature: Codable, Sendable, Equatable {
    public var feature: String
    public var kept: Bool
    /// Why it was dropped (or "kept").
    public var reason: String
    /// The number the decision rests on (q, |r|, ICC, mRMR score, LASSO coefficient norm...).
    public var statistic: Double?
    /// The feature that made this one redundant.
    public var partner: String?
}

/// What one step received and kept.
public struct SelectionStepRecord: Codable, Sendable, Equatable {
    public var step: String
    /// The method and its settings, in words.
    public var method: String
    public var input: Int
    public var kept: Int
    public var features: [SelectionStepFeature]
}

/// A radiomics feature selection learned on the training cohort: the steps of
/// `RadiomicsSelectionConfig` applied in order (imputation, z-score, variance, ICC stability,
/// univariate screen with Benjamini-Hochberg, redundancy, mRMR, cross-validated LASSO), what
/// each kept and why, and everything needed to transform any later cohort the same way
/// (fill values, means and scales, the LASSO coefficients of the rad-score).
public struct RadiomicsSelection: Sendable {
    public let config: RadiomicsSelectionConfig
    public let classNames: [String]
    /// Every input feature, in table order.
    public let featureNames: [String]
    public let steps: [SelectionStepRecord]
    /// Indices (into `featureNames`) of the features selected at the end, in input order.
    public let selected: [Int]
    /// Training-cohort fill values (NaN when imputation is off).
    public let fillValues: [Double]
    public let means: [Double]
    public let scales: [Double]
    /// The LASSO's cross-validation (nil when the LASSO step is off) and the features it saw.
    public let lasso: GLMNetCrossValidation?
    public let lassoInput: [Int]
    public let chosenLambda: Double?

    public var selectedNames: [String] { selected.map { featureNames[$0] } }

    /// Learns the selection on `training` (rows of every feature, raw scale) with classes
    /// `labels` (0..<classNames.count). `secondSegmentation`: the same patients and features
    /// from a second segmentation, for the ICC step.
    public init(
        training: [[Double]], labels: [Int], featureNames: [String], classNames: [String],
        secondSegmentation: [[Double]]? = nil, config: RadiomicsSelectionConfig = RadiomicsSelectionConfig(), threads: Int? = nil
    ) throws {
        self.config = config
        self.classNames = classNames
        self.featureNames = featureNames
        let p = featureNames.count
        guard training.count >= 3, training.allSatisfy({ $0.count == p }) else {
            throw SelectionError.invalidInput("selection needs at least 3 training rows of \(p) features, got \(training.count)")
        }
        let counts = classNames.indices.map { c in labels.filter { $0 == c }.count }
        if let c = counts.firstIndex(where: { $0 < 2 }) {
            throw SelectionError.invalidInput("class \(classNames[c]) has \(counts[c]) training patient\(counts[c] == 1 ? "" : "s"); selection needs at least 2 per class")
        }
        var steps: [SelectionStepRecord] = []
        // Missing values.
        var rows = training
        let hasMissing = rows.contains { $0.contains { $0.isNaN } }
        if config.impute != .none {
            let fill = try config.impute.fillValues(rows, names: featureNames)
            fillValues = fill
            rows = rows.map { row in row.indices.map { row[$0].isNaN ? fill[$0] : row[$0] } }
        } else {
            if hasMissing {
                let (r, j) = rows.enumerated().lazy.compactMap { r, row in row.firstIndex(where: \.isNaN).map { (r, $0) } }.first!
                let total = rows.reduce(0) { $0 + $1.filter(\.isNaN).count }
                throw SelectionError.invalidInput(
                    "\(total) missing value\(total == 1 ? "" : "s") in the training cohort (first: training row \(r + 1), feature '\(featureNames[j])'); set \"impute\": \"median\" or \"mean\" to fill them from the training cohort"
                )
            }
            fillValues = [Double](repeating: .nan, count: p)
        }
        // A finite table (the usual one) is turned into columns once: every step reads them,
        // and each column is sorted once, for the variance filter's counts, Kruskal-Wallis'
        // ranks and Spearman's (the z-score keeps each column's order, so the raw values'
        // order is the z-scores' too). Anything else goes through the steps' own checks.
        let workers = ParallelLoop.threadCount(threads)
        let rawColumns: [[Double]]? = rows.allSatisfy { $0.allSatisfy(\.isFinite) } ? FeatureMatrix.columns(rows, width: p) : nil
        let univariateTest: UnivariateScreen.Test
        switch config.univariate.test {
        case .auto: univariateTest = classNames.count > 2 ? .kruskalWallis : .mannWhitney
        case .kruskalWallis: univariateTest = .kruskalWallis
        case .anova: univariateTest = .anova
        case .mannWhitney: univariateTest = .mannWhitney
        case .welch: univariateTest = .welch
        case .student: univariateTest = .student
        }
        let sorted =
            config.variance.enabled || (config.univariate.enabled && univariateTest == .kruskalWallis)
            || (config.redundancy.enabled && config.redundancy.method == .spearman)
        let orders: [[Int]]? = sorted ? rawColumns.map { raw in ParallelLoop.map(count: p, threads: workers) { MidRanks.sortOrder(raw[$0]) } } : nil
        // Standardisation (fitted on training; every column kept).
        let centre: [Double]
        let scale: [Double]
        if config.standardise {
            let scaler = try rawColumns.map { ZScoreStandardiser(columns: $0, threads: workers) } ?? ZScoreStandardiser(fittingOn: rows, threads: workers)
            (centre, scale) = (scaler.means, scaler.scales)
        } else {
            (centre, scale) = ([Double](repeating: 0, count: p), [Double](repeating: 1, count: p))
        }
        means = centre
        scales = scale
        // z-scores by column (from the columns) or by row, the same values either way.
        let zColumns: [[Double]]? = rawColumns.map { raw in
            ParallelLoop.map(count: p, threads: workers) { j in
                let (m, sd) = (centre[j], scale[j])
                return raw[j].map { ($0 - m) / sd }
            }
        }
        let zRows: [[Double]]? = zColumns == nil ? ZScoreStandardiser.standardised(rows, means: centre, scales: scale) : nil
        // The z-scores' mid-ranks, each column's taken once, when a step first needs them.
        var zRanks = [MidRanks?](repeating: nil, count: p)
        func ranks(_ indices: [Int]) -> [MidRanks]? {
            guard let zColumns, let orders else { return nil }
            let missing = indices.filter { zRanks[$0] == nil }
            let computed = ParallelLoop.map(count: missing.count, threads: workers) { MidRanks(zColumns[missing[$0]], order: orders[missing[$0]]) }
            for (j, r) in zip(missing, computed) { zRanks[j] = r }
            return indices.map { zRanks[$0]! }
        }
        var current = Array(0..<p)
        func record(_ step: String, _ method: String, _ decisions: [FeatureDecision]) -> [Int] {
            let features = decisions.map { d in
                // An undefined statistic (the ICC of a feature constant in both segmentations) is
                // null in the JSON outputs; the reason says why the feature went.
                SelectionStepFeature(
                    feature: featureNames[current[d.feature]], kept: d.kept, reason: d.reason.rawValue,
                    statistic: d.statistic.flatMap { $0.isFinite ? $0 : nil },
                    partner: d.partner.map { featureNames[current[$0]] })
            }
            let kept = decisions.filter(\.kept).map { current[$0.feature] }
            steps.append(SelectionStepRecord(step: step, method: method, input: current.count, kept: kept.count, features: features))
            return kept
        }
        /// The z-scores of `indices` as rows.
        func zTable(_ indices: [Int]) -> [[Double]] {
            guard let zColumns else { return columns(zRows!, indices) }
            return (0..<rows.count).map { i in indices.map { zColumns[$0][i] } }
        }
        func columns(_ data: [[Double]], _ indices: [Int]) -> [[Double]] {
            if indices.count == p { return data } // every column, in order (`current` only shrinks)
            return indices.withUnsafeBufferPointer { index in
                data.map { row in
                    row.withUnsafeBufferPointer { x in
                        [Double](unsafeUninitializedCapacity: index.count) { out, count in
                            for (k, j) in index.enumerated() { out[k] = x[j] }
                            count = index.count
                        }
                    }
                }
            }
        }
        func requireSome(_ step: String) throws {
            if current.isEmpty { throw SelectionError.fitFailed("the \(step) step left no feature: relax its settings or switch it off") }
        }
        if config.variance.enabled {
            let filter =
                try rawColumns.map { raw in
                    VarianceFilter(
                        columns: current.map { raw[$0] }, rowCount: rows.count, orders: orders.map { o in current.map { o[$0] } }, freqCut: config.variance.freqCut,
                        uniqueCut: config.variance.uniqueCut, threads: workers)
                }
                ?? VarianceFilter(
                    fittingOn: columns(rows, current), freqCut: config.variance.freqCut, uniqueCut: config.variance.uniqueCut, threads: workers)
            current = record("variance", "caret nearZeroVar (freqCut \(config.variance.freqCut), uniqueCut \(config.variance.uniqueCut))", filter.decisions)
            try requireSome("variance")
        }
        if config.stability.enabled, let second = secondSegmentation {
            guard second.count == training.count, second.allSatisfy({ $0.count == p }) else {
                throw SelectionError.invalidInput("the second segmentation's table has \(second.count) rows; the training cohort has \(training.count) (same patients and features needed)")
            }
            let stability = try IntraclassCorrelation.stableFeatures(
                first: columns(rows, current), second: columns(second, current), form: config.stability.form, threshold: config.stability.threshold)
            let decisions = stability.icc.indices.map { j in
                FeatureDecision(feature: j, kept: stability.kept.contains(j), reason: stability.kept.contains(j) ? .kept : .unstable, statistic: stability.icc[j])
            }
            current = record("stability", "\(config.stability.form.pingouinName) >= \(config.stability.threshold) between two segmentations", decisions)
            try requireSome("stability")
        }
        var relevance: [Double]? = nil
        if config.univariate.enabled {
            let test = univariateTest
            let screen =
                try zColumns.map { z in
                    try UnivariateScreen(
                        columns: current.map { z[$0] }, classes: labels, test: test, alpha: config.univariate.alpha,
                        ranks: test == .kruskalWallis ? ranks(current) : nil, threads: workers)
                }
                ?? UnivariateScreen(rows: columns(zRows!, current), classes: labels, test: test, alpha: config.univariate.alpha, threads: workers)
            let pValues = screen.pValues
            let keptBefore = current
            current = record("univariate", "\(test.rawValue), Benjamini-Hochberg q < \(config.univariate.alpha)", screen.decisions)
            relevance = current.map { pValues[keptBefore.firstIndex(of: $0)!] }
            try requireSome("univariate")
        }
        if config.redundancy.enabled && current.count > 1 {
            let data = zColumns.map { z in current.map { z[$0] } } ?? FeatureMatrix.columns(columns(zRows!, current), width: current.count)
            // Relevance: the univariate p (lower is better), else the ANOVA F (higher is better).
            let direction: RedundancyFilter.Relevance = relevance == nil ? .higherIsBetter : .lowerIsBetter
            let fScores = relevance ?? data.map { column in MRMRSelection.fStatistic(column, classes: labels) }
            let filter =
                try zColumns == nil
                ? RedundancyFilter(
                    rows: columns(zRows!, current), relevance: fScores, direction: direction, method: config.redundancy.method,
                    threshold: config.redundancy.threshold, threads: workers)
                : RedundancyFilter(
                    columns: data, ranks: config.redundancy.method == .spearman ? ranks(current)?.map(\.ranks) : nil, relevance: fScores,
                    direction: direction, method: config.redundancy.method, threshold: config.redundancy.threshold, threads: workers)
            current = record("redundancy", "\(config.redundancy.method.rawValue) |r| > \(config.redundancy.threshold), the more relevant kept", filter.decisions)
        }
        if config.mrmr.enabled {
            let data = zTable(current)
            let result: [Int]
            let scores: [Double]
            switch config.mrmr.variant {
            case .mrmrSelection:
                let r = try MRMRSelection.select(features: data, classes: labels, count: config.mrmr.count)
                (result, scores) = (r.selected, r.scores)
            case .pymrmrMID, .pymrmrMIQ:
                let states = try PyMRMR.discretise(data)
                let r = try PyMRMR.select(
                    classes: labels.map(Double.init), features: states.map { $0.map(Double.init) },
                    method: config.mrmr.variant == .pymrmrMID ? .mid : .miq, count: config.mrmr.count)
                (result, scores) = (r.selected, r.scores)
            }
            let decisions = current.indices.map { j in
                let rank = result.firstIndex(of: j)
                return FeatureDecision(feature: j, kept: rank != nil, reason: rank != nil ? .kept : .notSelected, statistic: rank.map { scores[$0] })
            }
            current = record("mrmr", "\(config.mrmr.variant.rawValue), \(config.mrmr.count) features", decisions)
            try requireSome("mRMR")
        }
        if config.lasso.enabled {
            let data = zTable(current)
            var settings = GLMNetSettings()
            settings.alpha = config.lasso.alpha
            let family: GLMNetFamily = classNames.count == 2 ? .binomial : .multinomial(grouped: config.lasso.grouped)
            try Self.checkFolds(labels: labels, classNames: classNames, folds: config.lasso.folds, seed: config.lasso.seed)
            let cv = try GLMNet.crossValidate(
                x: data, y: labels, classCount: classNames.count, family: family, settings: settings, loss: config.lasso.loss,
                folds: config.lasso.folds, seed: config.lasso.seed, threads: threads)
            let lambda = config.lasso.rule == .min ? cv.lambdaMin : cv.lambda1SE
            let beta = cv.fit.coefficients(at: lambda).coefficients
            let norms = current.indices.map { j in beta.reduce(0) { $0 + $1[j] * $1[j] }.squareRoot() }
            if !norms.contains(where: { $0 != 0 }) {
                let anywhere = cv.fit.degreesOfFreedom.contains { $0 > 0 }
                throw SelectionError.fitFailed(
                    anywhere
                        ? "the LASSO selected no feature at \(config.lasso.rule.rawValue) (lambda \(lambda)); try \"rule\": \"lambda.min\" or a smaller alpha"
                        : "the LASSO path never selects a feature: no feature predicts the classes in the training cohort")
            }
            let decisions = current.indices.map { j in
                FeatureDecision(feature: j, kept: norms[j] != 0, reason: norms[j] != 0 ? .kept : .zeroCoefficient, statistic: norms[j])
            }
            lassoInput = current
            lasso = cv
            chosenLambda = lambda
            current = record(
                "lasso", "\(config.lasso.folds)-fold cv.glmnet (alpha \(config.lasso.alpha), \(config.lasso.loss.rawValue)), \(config.lasso.rule.rawValue)", decisions)
        } else {
            lassoInput = []
            lasso = nil
            chosenLambda = nil
        }
        self.steps = steps
        selected = current.sorted()
    }

    /// cv.glmnet's folds must leave every class at least 2 training patients in each fold fit.
    static func checkFolds(labels: [Int], classNames: [String], folds: Int, seed: Int32) throws {
        guard labels.count >= folds else {
            throw SelectionError.invalidInput("\(labels.count) training patients are too few for \(folds)-fold cross-validation")
        }
        let ids = RSampler.foldIDs(count: labels.count, folds: folds, seed: seed)
        for f in 1...folds {
            for (c, name) in classNames.enumerated() {
                let remaining = labels.indices.filter { ids[$0] != f && labels[$0] == c }.count
                if remaining < 2 {
                    throw SelectionError.invalidInput(
                        "class \(name) has too few training patients for \(folds)-fold cross-validation (\(remaining) left outside fold \(f); at least 2 needed): use fewer folds")
                }
            }
        }
    }

    /// Fills and standardises any cohort's rows (all input features) as learned on training.
    public func standardised(_ rows: [[Double]]) throws -> [[Double]] {
        try standardised(rows, columns: Array(featureNames.indices))
    }

    /// `standardised(rows)`'s values of `columns` only; every feature of every row is checked
    /// as there (its count, each missing value that cannot be filled), in the same order.
    func standardised(_ rows: [[Double]], columns: [Int]) throws -> [[Double]] {
        try rows.enumerated().map { r, row in
            guard row.count == featureNames.count else {
                throw SelectionError.invalidInput("row \(r + 1) has \(row.count) features, the selection was learned on \(featureNames.count)")
            }
            if let j = row.indices.first(where: { row[$0].isNaN && fillValues[$0].isNaN }) {
                throw SelectionError.invalidInput("row \(r + 1), feature '\(featureNames[j])' is missing and imputation is off")
            }
            return columns.map { j in
                let value = row[j].isNaN ? fillValues[j] : row[j]
                return (value - means[j]) / scales[j]
            }
        }
    }

    /// The selected features of any cohort, standardised: the input of the classifiers.
    public func selectedFeatures(_ rows: [[Double]]) throws -> [[Double]] {
        try standardised(rows, columns: selected)
    }

    /// The rad-score: the LASSO's linear predictor at the chosen lambda, one column per class
    /// for a multinomial model, one (log-odds of the second class) for a binomial one.
    public func radScores(_ rows: [[Double]]) throws -> [[Double]] {
        guard let lasso, let chosenLambda else {
            throw SelectionError.invalidInput("the rad-score needs the LASSO step, which is switched off")
        }
        let z = try standardised(rows, columns: lassoInput)
        return lasso.fit.linearPredictors(x: z, at: chosenLambda)
    }

    /// Names of the rad-score columns.
    public var radScoreNames: [String] {
        classNames.count == 2 ? ["radscore"] : classNames.map { "radscore_\($0)" }
    }
}
