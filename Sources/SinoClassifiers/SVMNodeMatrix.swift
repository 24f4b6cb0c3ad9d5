@preconcurrency import CLibSVM

/// Dense rows in libsvm's sparse format: per row, one `svm_node` per feature (1-based index,
/// zeros included, so every dot product sums the same terms in the same order as sklearn's
/// dense fork) and a terminating node with index -1.
///
/// A trained `svm_model` points into these nodes (its support vectors are rows of the training
/// matrix), so the storage lives as long as the model that uses it.
final class SVMNodeMatrix {
    let rowCount: Int
    let featureCount: Int
    private let nodes: UnsafeMutablePointer<svm_node>

    init(rows: [[Double]]) {
        rowCount = rows.count
        featureCount = rows.first?.count ?? 0
        let stride = featureCount + 1
        nodes = .allocate(capacity: max(1, rowCount * stride))
        for (i, row) in rows.enumerated() {
            Self.write(row, to: nodes + i * stride)
        }
    }

    deinit { nodes.deallocate() }

    /// The first node of row `i`.
    func row(_ i: Int) -> UnsafeMutablePointer<svm_node> { nodes + i * (featureCount + 1) }

    /// Writes `values` as nodes 1...count and the terminator into `destination`.
    static func write(_ values: [Double], to destination: UnsafeMutablePointer<svm_node>) {
        for (j, value) in values.enumerated() {
            destination[j] = svm_node(index: Int32(j + 1), value: value)
        }
        destination[values.count] = svm_node(index: -1, value: 0)
    }
}
