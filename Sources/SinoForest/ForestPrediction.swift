extension ForestModel {
    /// predict_proba: the mean over trees of each reached leaf's weighted class fractions.
    /// Rows are processed in blocks in parallel; each row sums its trees in tree order, so the
    /// result does not depend on the thread count.
    func probabilities(x: [[Double]], threads: Int) throws -> [[Double]] {
        _ = try InputValidation.checkMatrix(x, expectedFeatures: featureCount)
        let blockSize = 256
        let blocks = (x.count + blockSize - 1) / blockSize
        let perBlock = ParallelLoop.map(count: blocks, threads: threads) { b in
            probabilities(rows: x[(b * blockSize)..<min(x.count, (b + 1) * blockSize)])
        }
        return perBlock.flatMap { $0 }
    }

    /// One block of rows, tree by tree (one tree's arrays stay in cache for the block).
    private func probabilities(rows: ArraySlice<[Double]>) -> [[Double]] {
        let k = classCount
        var sums = [Double](repeating: 0, count: rows.count * k)
        let flat = rows.flatMap { $0 }
        flat.withUnsafeBufferPointer { flat in
            sums.withUnsafeMutableBufferPointer { sums in
                for tree in trees {
                    for r in 0..<rows.count {
                        tree.addProbabilities(row: flat.baseAddress! + r * featureCount, to: sums.baseAddress! + r * k)
                    }
                }
            }
        }
        let n = Double(trees.count)
        return (0..<rows.count).map { r in (0..<k).map { sums[r * k + $0] / n } }
    }
}
