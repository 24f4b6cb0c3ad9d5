import SinoData

/// A C-support vector classifier trained by libsvm 3.24 (Debian's libsvm-dev) exactly as
/// scikit-learn 1.9.1's `sklearn.svm.SVC` trains it with its fork of the same libsvm: the
/// same hyper-parameters and defaults, class order, decision values, votes and, with
/// `probability`, the same Platt probabilities for a given `randomState`.
///
///     var svc = SupportVectorClassifier(c: 10, gamma: .scale, probability: true, randomState: 0)
///     try svc.fit(x: x, y: y, classCount: 3)
///     let scores = try svc.decisionFunction(x: xTest)       // n x 3 (ovr)
///     let labels = try svc.predict(x: xTest)                // libsvm's votes
///     let probabilities = try svc.predictProbabilities(x: xTest)
///
/// Classes are the labels present in `y` (sklearn's `classes_`): libsvm gets their indices
/// 0..<K in increasing order with the rows stable-sorted by label, which is the order
/// sklearn's fork produces (Debian's libsvm orders classes by first appearance). A class of
/// 0..<classCount absent from `y` gets probability 0 and never wins a vote.
///
/// `predict(x:)` called on this type is sklearn's `SVC.predict` (libsvm's one-vs-one votes);
/// code generic over `Classifier` gets the protocol's argmax of `predictProbabilities`, which
/// needs `probability` (as sklearn, the two can disagree on a few rows).
public struct SupportVectorClassifier: Classifier {
    /// Regularisation: the penalty on margin violations, > 0 (sklearn `C`, default 1).
    public var c: Double
    /// Kernel (sklearn `kernel`, default rbf).
    public var kernel: SVMKernel
    /// Degree of the poly kernel, >= 0 (sklearn `degree`, default 3).
    public var degree: Int
    /// Kernel coefficient of rbf, poly and sigmoid (sklearn `gamma`, default scale).
    public var gamma: SVMGamma
    /// Constant term of poly and sigmoid (sklearn `coef0`, default 0).
    public var coef0: Double
    /// Stopping tolerance of libsvm's solver, > 0 (sklearn `tol`, libsvm `eps`, default 1e-3).
    public var tol: Double
    /// Kernel cache in MB, > 0 (sklearn `cache_size`, default 200).
    public var cacheSize: Double
    /// libsvm's shrinking heuristic (sklearn `shrinking`, default true).
    public var shrinking: Bool
    /// Per-class factors on C (sklearn `class_weight`, default none).
    public var classWeight: SVMClassWeight
    /// Shape of `decisionFunction` with more than two classes (sklearn
    /// `decision_function_shape`, default ovr); used at prediction time, as sklearn does.
    public var decisionFunctionShape: DecisionFunctionShape
    /// `predict` takes the argmax of the ovr decision values instead of libsvm's votes
    /// (sklearn `break_ties`, default false); needs the ovr shape; no effect with two classes.
    public var breakTies: Bool
    /// Fit Platt's probabilities by 5-fold cross-validation as sklearn's fork does (sklearn
    /// `probability`, default false): five more trainings per class pair. sklearn 1.9 deprecates
    /// the option in favour of CalibratedClassifierCV; SinoRad keeps it for reproducing papers.
    public var probability: Bool
    /// Seed of the probability cross-validation, 0...4294967295 (sklearn `random_state` as an
    /// integer; sklearn's default None draws a seed and cannot be reproduced). Only used with
    /// `probability`.
    public var randomState: Int
    /// The fitted model, nil before `fit`.
    public private(set) var model: SupportVectorModel?

    public init(
        c: Double = 1.0, kernel: SVMKernel = .rbf, degree: Int = 3, gamma: SVMGamma = .scale, coef0: Double = 0,
        tol: Double = 1e-3, cacheSize: Double = 200, shrinking: Bool = true, classWeight: SVMClassWeight = .none,
        decisionFunctionShape: DecisionFunctionShape = .ovr, breakTies: Bool = false, probability: Bool = false,
        randomState: Int = 0
    ) {
        self.c = c
        self.kernel = kernel
        self.degree = degree
        self.gamma = gamma
        self.coef0 = coef0
        self.tol = tol
        self.cacheSize = cacheSize
        self.shrinking = shrinking
        self.classWeight = classWeight
        self.decisionFunctionShape = decisionFunctionShape
        self.breakTies = breakTies
        self.probability = probability
        self.randomState = randomState
    }

    public mutating func fit(x: [[Double]], y: [Int], classCount: Int) throws {
        try validateHyperParameters(classCount: classCount)
        let p = try TrainingInput.validate(x: x, y: y, classCount: classCount, allowMissing: false)
        // sklearn's classes_: the labels present, increasing; libsvm sees their indices.
        var rowsOfLabel = Array(repeating: [Int](), count: classCount)
        for (row, label) in y.enumerated() { rowsOfLabel[label].append(row) }
        let classes = (0..<classCount).filter { !rowsOfLabel[$0].isEmpty }
        // Rows stable-sorted by class index (SELECTION.md 3.3).
        let order = classes.flatMap { rowsOfLabel[$0] }
        let nodes = SVMNodeMatrix(rows: order.map { x[$0] })
        let labels = classes.enumerated().flatMap { k, label in rowsOfLabel[label].map { _ in Double(k) } }
        let factors = classFactors(classes: classes, rowsOfLabel: rowsOfLabel, rowCount: y.count)
        let resolvedGamma = SVMGammaResolution.resolve(gamma, x: x, featureCount: p)
        let settings = LibSVMSettings(
            kernel: kernel, degree: degree, gamma: resolvedGamma, coef0: coef0, cacheSize: cacheSize, tolerance: tol,
            c: c, weights: factors.enumerated().map { (label: Int32($0.offset), factor: $0.element) },
            shrinking: shrinking)
        var sigmoids: [(a: Double, b: Double)]?
        // With probabilities, every training of this fit reads one table of kernel values.
        let kernelRows = probability ? SVMKernelRows(nodes: nodes, settings: settings) : nil
        if probability {
            var classRows: [[Int]] = []
            var start = 0
            for label in classes {
                classRows.append(Array(start..<(start + rowsOfLabel[label].count)))
                start += rowsOfLabel[label].count
            }
            sigmoids = try SVMPlattCalibration.sigmoids(
                nodes: nodes, classRows: classRows, classFactors: factors, settings: settings,
                seed: SklearnLibSVMRandom.seed(randomState: UInt32(randomState)), kernelRows: kernelRows)
        }
        let libsvm = try LibSVMModel(nodes: nodes, labels: labels, settings: settings, sigmoids: sigmoids, kernelRows: kernelRows)
        model = SupportVectorModel(
            classes: classes, classCount: classCount, featureCount: p, gamma: resolvedGamma, libsvm: libsvm)
    }

    /// Decision values of each row (sklearn `decision_function`). Two classes: one column, the
    /// value favouring the second class (sklearn's `-d` of libsvm's). More: with ovo libsvm's
    /// K(K-1)/2 pair values, pairs (0, 1), (0, 2), ..., (1, 2), ... of the classes present,
    /// positive favouring the pair's first class; with ovr (default) one column per class
    /// present, votes + S/(3(|S| + 1)) with S the summed pair values (sklearn's
    /// `_ovr_decision_function`).
    public func decisionFunction(x: [[Double]]) throws -> [[Double]] {
        let fit = try fitted()
        try TrainingInput.validatePrediction(x: x, featureCount: fit.featureCount, allowMissing: false)
        let pairValues = fit.libsvm.decisionValues(x)
        if fit.classes.count == 2 { return pairValues.map { [-$0[0]] } }
        switch decisionFunctionShape {
        case .ovo: return pairValues
        case .ovr: return pairValues.map { OneVsOneVotes.ovrDecision($0, classCount: fit.classes.count) }
        }
    }

    /// The predicted class of each row (sklearn `SVC.predict`): libsvm's one-vs-one votes (a
    /// pair value > 0 votes for the pair's first class, otherwise for its second; the first
    /// class with most votes wins), or with `breakTies` (ovr, more than two classes) the argmax
    /// of the ovr decision values.
    public func predict(x: [[Double]]) throws -> [Int] {
        let fit = try fitted()
        try checkBreakTies()
        try TrainingInput.validatePrediction(x: x, featureCount: fit.featureCount, allowMissing: false)
        let k = fit.classes.count
        let pairValues = fit.libsvm.decisionValues(x)
        return pairValues.map { values in
            let index =
                breakTies && k > 2
                ? argmax(OneVsOneVotes.ovrDecision(values, classCount: k))
                : OneVsOneVotes.winner(values, classCount: k)
            return fit.classes[index]
        }
    }

    /// Class probabilities, n x classCount (sklearn `predict_proba`): libsvm's pairwise coupling
    /// of the Platt sigmoids fitted as sklearn's fork fits them (see `SVMPlattCalibration`).
    /// Classes absent from the training labels get 0. Throws `probabilityNotEnabled` for a model
    /// fitted without `probability`, as sklearn does.
    public func predictProbabilities(x: [[Double]]) throws -> [[Double]] {
        let fit = try fitted()
        guard fit.libsvm.hasProbability else { throw ClassifierError.probabilityNotEnabled }
        try TrainingInput.validatePrediction(x: x, featureCount: fit.featureCount, allowMissing: false)
        return fit.libsvm.probabilities(x).map { present in
            var row = Array(repeating: 0.0, count: fit.classCount)
            for (k, label) in fit.classes.enumerated() { row[label] = present[k] }
            return row
        }
    }

    func fitted() throws -> SupportVectorModel {
        guard let model else { throw ClassifierError.notFitted("SupportVectorClassifier") }
        return model
    }

    /// C's factor per class present (libsvm `weight`; sklearn `class_weight_`).
    private func classFactors(classes: [Int], rowsOfLabel: [[Int]], rowCount: Int) -> [Double] {
        switch classWeight {
        case .none:
            return classes.map { _ in 1.0 }
        case .balanced:
            let k = Double(classes.count)
            return classes.map { Double(rowCount) / (k * Double(rowsOfLabel[$0].count)) }
        case .perClass(let weights):
            return classes.map { weights[$0] }
        }
    }

    private func checkBreakTies() throws {
        if breakTies && decisionFunctionShape == .ovo {
            throw ClassifierError.invalidHyperParameter(
                name: "breakTies", value: "true", expected: "false when decisionFunctionShape is ovo (as sklearn)")
        }
    }

    private func validateHyperParameters(classCount: Int) throws {
        func invalid(_ name: String, _ value: Any, _ expected: String) -> ClassifierError {
            .invalidHyperParameter(name: name, value: "\(value)", expected: expected)
        }
        guard c > 0, c.isFinite else { throw invalid("c", c, "a finite number > 0") }
        guard degree >= 0, degree <= Int(Int32.max) else { throw invalid("degree", degree, "an integer >= 0") }
        if case .value(let g) = gamma, !(g >= 0 && g.isFinite) {
            throw invalid("gamma", g, "a finite number >= 0, .scale or .auto")
        }
        guard coef0.isFinite else { throw invalid("coef0", coef0, "a finite number") }
        guard tol > 0, tol.isFinite else { throw invalid("tol", tol, "a finite number > 0") }
        guard cacheSize > 0, cacheSize.isFinite else { throw invalid("cacheSize", cacheSize, "a finite number of MB > 0") }
        if case .perClass(let weights) = classWeight {
            guard weights.count == classCount else {
                throw invalid("classWeight", "perClass with \(weights.count) weights", "one weight per class (\(classCount))")
            }
            if let bad = weights.first(where: { !($0 > 0 && $0.isFinite) }) {
                throw invalid("classWeight", bad, "finite weights > 0")
            }
        }
        guard randomState >= 0, randomState <= Int(UInt32.max) else {
            throw invalid("randomState", randomState, "an integer in 0...4294967295 (as numpy's seeds)")
        }
        try checkBreakTies()
    }
}

/// A fitted support vector classifier: the classes it saw and the libsvm model.
public struct SupportVectorModel: Sendable {
    /// The class indices present in the training labels, increasing (sklearn `classes_`).
    public let classes: [Int]
    /// The `classCount` given to `fit`: the width of `predictProbabilities`.
    public let classCount: Int
    /// Features per row.
    public let featureCount: Int
    /// The kernel coefficient used (sklearn `_gamma`: `.scale` and `.auto` resolved).
    public let gamma: Double
    let libsvm: LibSVMModel

    /// Support vectors per class present (sklearn `n_support_`).
    public var supportVectorCounts: [Int] { libsvm.supportCounts }

    /// Platt's A per class pair, in pair order (sklearn `probA_`), when fitted with `probability`.
    public var probA: [Double]? { libsvm.sigmoids?.map(\.a) }

    /// Platt's B per class pair (sklearn `probB_`), when fitted with `probability`.
    public var probB: [Double]? { libsvm.sigmoids?.map(\.b) }
}
