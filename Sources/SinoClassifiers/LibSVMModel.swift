@preconcurrency import CLibSVM

/// A trained libsvm `svm_model` and the training nodes its support vectors point into; the
/// model is freed with `svm_free_and_destroy_model` when the last reference goes.
///
/// `@unchecked Sendable` is safe because the object is immutable once `init` returns: the
/// model and the nodes are written only while it is built, and libsvm's
/// `svm_predict_values` only reads the model (with buffers of its own), so any number of
/// threads may predict at once.
final class LibSVMModel: @unchecked Sendable {
    private let model: UnsafeMutablePointer<svm_model>
    /// Keeps the support vectors alive.
    private let nodes: SVMNodeMatrix
    /// Number of classes libsvm found (labels 0..<classCount in that order).
    let classCount: Int
    let featureCount: Int
    /// Support vectors per class (sklearn's n_support_).
    let supportCounts: [Int]
    /// One Platt (A, B) per class pair when fitted with probabilities (sklearn's probA_, probB_).
    let sigmoids: [(a: Double, b: Double)]?
    /// Whether `probabilities` is available.
    var hasProbability: Bool { sigmoids != nil }

    /// Trains on every row of `nodes` (already grouped by label, labels 0..<K in order of
    /// first appearance) and keeps `sigmoids`, the Platt (A, B) per class pair that
    /// scikit-learn's fork fits by cross-validation, for `probabilities`.
    /// With `kernelRows` the training reads precomputed kernel values; the model is then turned
    /// back into the RBF model libsvm would have trained (its support vectors pointed at their
    /// feature rows), which is what predicts new rows.
    init(
        nodes: SVMNodeMatrix, labels: [Double], settings: LibSVMSettings, sigmoids: [(a: Double, b: Double)]?,
        kernelRows: SVMKernelRows? = nil
    ) throws {
        let model = try LibSVMTraining.train(
            nodes: nodes, rows: Array(0..<nodes.rowCount), labels: labels, settings: settings, kernelRows: kernelRows)
        if kernelRows != nil {
            // sv_indices: 1-based positions in the problem, whose rows are 0..<rowCount in order.
            model.pointee.param.kernel_type = settings.kernel.libsvmType
            for s in 0..<Int(model.pointee.l) { model.pointee.SV[s] = nodes.row(Int(model.pointee.sv_indices[s]) - 1) }
        }
        let k = Int(model.pointee.nr_class)
        let expectedLabels = (0..<k).map(Int32.init)
        let labelsFound = (0..<k).map { model.pointee.label[$0] }
        guard labelsFound == expectedLabels else {
            var doomed: UnsafeMutablePointer<svm_model>? = model
            svm_free_and_destroy_model(&doomed)
            throw ClassifierError.library(
                name: "libsvm", function: "svm_train",
                message: "class labels \(labelsFound): expected \(expectedLabels) (rows grouped by class index)")
        }
        self.model = model
        self.nodes = nodes
        classCount = k
        featureCount = nodes.featureCount
        supportCounts = (0..<k).map { Int(model.pointee.nSV[$0]) }
        self.sigmoids = sigmoids
    }

    deinit {
        var doomed: UnsafeMutablePointer<svm_model>? = model
        svm_free_and_destroy_model(&doomed)
    }

    /// libsvm's one-vs-one decision values of each row, K(K-1)/2 per row in pair order (0, 1),
    /// (0, 2), ..., (1, 2), ...; positive favours the pair's first class.
    func decisionValues(_ x: [[Double]]) -> [[Double]] {
        let pairs = classCount * (classCount - 1) / 2
        return perRow(x, width: pairs) { row, out in _ = svm_predict_values(model, row, out) }
    }

    /// Class probabilities as sklearn's fork computes them (see `PairwiseCoupling`); requires
    /// `sigmoids`.
    func probabilities(_ x: [[Double]]) -> [[Double]] {
        guard let sigmoids else { preconditionFailure("probabilities need Platt coefficients") }
        return decisionValues(x).map {
            PairwiseCoupling.probabilities(pairValues: $0, sigmoids: sigmoids, classCount: classCount)
        }
    }

    private func perRow(
        _ x: [[Double]], width: Int, _ body: (UnsafeMutablePointer<svm_node>, UnsafeMutablePointer<Double>) -> Void
    ) -> [[Double]] {
        let row = UnsafeMutablePointer<svm_node>.allocate(capacity: featureCount + 1)
        defer { row.deallocate() }
        return x.map { values in
            SVMNodeMatrix.write(values, to: row)
            return [Double](unsafeUninitializedCapacity: width) { buffer, count in
                body(row, buffer.baseAddress!)
                count = width
            }
        }
    }
}
