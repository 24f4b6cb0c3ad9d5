@preconcurrency import CLibSVM

/// The Platt coefficients scikit-learn's libsvm fork computes when SVC has `probability=True`
/// (`svm_binary_svc_probability` in `sklearn/svm/src/libsvm/svm.cpp`), reproduced on Debian's
/// libsvm 3.24 without its own `probability = 1` (which shuffles with C `rand()` and orders the
/// labels differently).
///
/// For each class pair (i < j), the sub-problem is class i's rows (+1) then class j's (-1).
/// Its rows are shuffled (Fisher-Yates with the fork's bounded draw), cut into 5 folds, and
/// each fold's decision values come from a C-SVC trained on the other four with C+ = C w_i,
/// C- = C w_j; Platt's sigmoid is then fitted to those held-out values. The fork re-seeds its
/// generator at every `svm_train` call, the five inner ones included, and orders each inner
/// problem's labels as sorted (-1 first), so the inner problems here put the -1 rows first
/// with label 0 and the +1 rows after with label 1, and negate the decision values.
enum SVMPlattCalibration {
    static let folds = 5

    /// One (A, B) per class pair in libsvm's pair order. `classRows[k]` are the rows of `nodes`
    /// of class k in training order; `classFactors[k]` multiplies C for class k.
    static func sigmoids(
        nodes: SVMNodeMatrix, classRows: [[Int]], classFactors: [Double], settings: LibSVMSettings, seed: UInt32,
        kernelRows: SVMKernelRows? = nil
    ) throws -> [(a: Double, b: Double)] {
        var random = SklearnLibSVMRandom(seed: seed)
        random.reseed() // the outer svm_train call
        var sigmoids: [(a: Double, b: Double)] = []
        let k = classRows.count
        for i in 0..<k {
            for j in (i + 1)..<k {
                let rows = classRows[i] + classRows[j]
                let positive = classRows[i].map { _ in true } + classRows[j].map { _ in false }
                let decision = try crossValidatedDecisionValues(
                    nodes: nodes, rows: rows, positive: positive,
                    cPositive: settings.c * classFactors[i], cNegative: settings.c * classFactors[j],
                    settings: settings, random: &random, kernelRows: kernelRows)
                sigmoids.append(PlattScaling.fit(decisionValues: decision, positive: positive))
            }
        }
        return sigmoids
    }

    /// The fork's 5-fold decision values of one pair's sub-problem, in sub-problem order.
    static func crossValidatedDecisionValues(
        nodes: SVMNodeMatrix, rows: [Int], positive: [Bool], cPositive: Double, cNegative: Double,
        settings: LibSVMSettings, random: inout SklearnLibSVMRandom, kernelRows: SVMKernelRows? = nil
    ) throws -> [Double] {
        let l = rows.count
        var perm = Array(0..<l)
        for i in 0..<l {
            let j = i + Int(random.bounded(UInt32(l - i)))
            perm.swapAt(i, j)
        }
        var decision = Array(repeating: 0.0, count: l)
        var inner = settings
        inner.c = 1.0
        inner.weights = [(label: 1, factor: cPositive), (label: 0, factor: cNegative)]
        for fold in 0..<folds {
            let begin = fold * l / folds
            let end = (fold + 1) * l / folds
            let training = Array(perm[0..<begin]) + Array(perm[end..<l])
            let negatives = training.filter { !positive[$0] }
            let positives = training.filter { positive[$0] }
            let heldOut = perm[begin..<end]
            if positives.isEmpty || negatives.isEmpty {
                let value: Double = positives.isEmpty ? (negatives.isEmpty ? 0 : -1) : 1
                for r in heldOut { decision[r] = value }
                continue
            }
            random.reseed() // the fork's inner svm_train call
            let subRows = (negatives + positives).map { rows[$0] }
            let subLabels = negatives.map { _ in 0.0 } + positives.map { _ in 1.0 }
            var model: UnsafeMutablePointer<svm_model>? = try LibSVMTraining.train(
                nodes: nodes, rows: subRows, labels: subLabels, settings: inner, kernelRows: kernelRows)
            defer { svm_free_and_destroy_model(&model) }
            var value = 0.0
            for r in heldOut {
                _ = svm_predict_values(model, kernelRows?.predictionRow(rows[r]) ?? nodes.row(rows[r]), &value)
                // label[0] is the -1 class: the fork multiplies by it to get +1-vs--1 values.
                decision[r] = -value
            }
        }
        return decision
    }
}
