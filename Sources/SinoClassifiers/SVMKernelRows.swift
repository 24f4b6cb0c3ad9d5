@preconcurrency import CLibSVM
import Foundation

/// The RBF kernel between every two rows of one fit, computed once and handed to libsvm as a
/// precomputed kernel (`kernel_type` PRECOMPUTED) by every training of that fit: with
/// probabilities, one SVC fit is 1 + 5 x (class pairs) libsvm trainings on the same rows and
/// gamma, each of which would otherwise recompute its kernel values.
///
/// Each value is libsvm 3.24's own, operation for operation, so the trainings and their models
/// are the ones RBF would give, bit for bit: for training, `Kernel::kernel_rbf`,
/// exp(-gamma (|x_i|^2 + |x_j|^2 - 2 x_i . x_j)) with each sum taken in feature order
/// (`Kernel::dot`); for the decision values of held-out rows, `Kernel::k_function`,
/// exp(-gamma sum_k (x_ik - x_jk)^2). Rows are in libsvm's precomputed layout: node 0 holds the
/// row's 1-based serial number, node s its kernel value with row s, then the terminator.
final class SVMKernelRows {
    /// Fits with more rows keep libsvm's own kernel evaluations (two N x N tables of nodes).
    static let maximumRows = 1200

    let rowCount: Int
    private let training: UnsafeMutablePointer<svm_node>
    private let prediction: UnsafeMutablePointer<svm_node>

    /// nil when the kernel is not RBF or the fit has more than `maximumRows` rows.
    init?(nodes: SVMNodeMatrix, settings: LibSVMSettings) {
        guard settings.kernel == .rbf, nodes.rowCount <= Self.maximumRows, nodes.rowCount > 0 else { return nil }
        let n = nodes.rowCount
        let p = nodes.featureCount
        rowCount = n
        let stride = n + 2
        training = .allocate(capacity: n * stride)
        prediction = .allocate(capacity: n * stride)
        let gamma = settings.gamma
        var squares = [Double](repeating: 0, count: n)
        for i in 0..<n {
            let x = nodes.row(i)
            var sum = 0.0
            for k in 0..<p { sum += x[k].value * x[k].value }
            squares[i] = sum
            for table in [training, prediction] {
                table[i * stride] = svm_node(index: 0, value: Double(i + 1))
                table[i * stride + n + 1] = svm_node(index: -1, value: 0)
            }
        }
        for i in 0..<n {
            let xi = nodes.row(i)
            for j in 0...i {
                let xj = nodes.row(j)
                var dot = 0.0
                var distance = 0.0
                for k in 0..<p {
                    dot += xi[k].value * xj[k].value
                    let d = xi[k].value - xj[k].value
                    distance += d * d
                }
                let trained = exp(-gamma * (squares[i] + squares[j] - 2 * dot))
                training[i * stride + j + 1] = svm_node(index: Int32(j + 1), value: trained)
                training[j * stride + i + 1] = svm_node(index: Int32(i + 1), value: trained)
                // k_function(x_i, x_j) sums (x_i - x_j)^2; (x_j - x_i)^2 is the same number.
                let predicted = exp(-gamma * distance)
                prediction[i * stride + j + 1] = svm_node(index: Int32(j + 1), value: predicted)
                prediction[j * stride + i + 1] = svm_node(index: Int32(i + 1), value: predicted)
            }
        }
    }

    deinit {
        training.deallocate()
        prediction.deallocate()
    }

    /// Row `i` as libsvm's training reads it (the problem's x[i] under PRECOMPUTED).
    func trainingRow(_ i: Int) -> UnsafeMutablePointer<svm_node> { training + i * (rowCount + 2) }

    /// Row `i` as a point whose decision value is wanted from a model trained on these rows.
    func predictionRow(_ i: Int) -> UnsafeMutablePointer<svm_node> { prediction + i * (rowCount + 2) }
}
