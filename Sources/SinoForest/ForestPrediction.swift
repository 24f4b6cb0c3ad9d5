import SinoData

/// A tree as prediction reads it: 16-byte nodes in preorder, so that a split node's left
/// child is the next node and only the right child is stored, and each leaf's class
/// fractions (value / weighted_n_node_samples, as sklearn's predict_proba) precomputed.
///
/// A leaf is a node with threshold -infinity (every finite x goes "right") whose right link
/// is ~leafIndex (negative): the walk ends on the first negative link.
struct PredictionTree: Sendable {
    struct Node {
        var threshold: Double
        var feature: Int32
        var right: Int32
    }

    let nodes: [Node]
    /// leafFractions[leaf * classCount + k].
    let leafFractions: [Double]

    init(_ tree: DecisionTree) {
        let k = tree.classCount
        var nodes: [Node] = []
        var fractions: [Double] = []
        nodes.reserveCapacity(tree.nodeCount)
        // Preorder walk; a split node's right link is patched when its right child is placed.
        var stack: [(old: Int, parent: Int)] = [(0, -1)]
        while let (old, parent) = stack.popLast() {
            let id = nodes.count
            if parent >= 0 { nodes[parent].right = Int32(id) }
            if tree.left[old] >= 0 {
                nodes.append(Node(threshold: tree.threshold[old], feature: tree.feature[old], right: -1))
                stack.append((Int(tree.right[old]), id)) // placed after the whole left subtree
                stack.append((Int(tree.left[old]), -1)) // placed next: id + 1
            } else {
                let leaf = fractions.count / max(k, 1)
                nodes.append(Node(threshold: -.infinity, feature: 0, right: ~Int32(leaf)))
                let total = tree.weightedSampleCount[old]
                for c in 0..<k { fractions.append(tree.value[old * k + c] / total) }
            }
        }
        self.nodes = nodes
        leafFractions = fractions
    }
}

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

    /// One block of rows, tree by tree (one tree's nodes stay in cache for the block). Four
    /// rows walk the tree together, so that their node loads overlap.
    private func probabilities(rows: ArraySlice<[Double]>) -> [[Double]] {
        let k = classCount, p = featureCount, n = rows.count
        var sums = [Double](repeating: 0, count: n * k)
        var flat = [Double]()
        flat.reserveCapacity(n * p)
        for row in rows { flat.append(contentsOf: row) }
        flat.withUnsafeBufferPointer { flat in
            sums.withUnsafeMutableBufferPointer { sums in
                let x = flat.baseAddress!, sum = sums.baseAddress!
                for tree in predictionTrees {
                    tree.nodes.withUnsafeBufferPointer { nodes in
                        tree.leafFractions.withUnsafeBufferPointer { fractions in
                            let nodes = nodes.baseAddress!, fractions = fractions.baseAddress!
                            @inline(__always) func add(_ r: Int, leaf: Int) {
                                for c in 0..<k { sum[r &* k &+ c] += fractions[leaf &* k &+ c] }
                            }
                            @inline(__always) func step(_ node: inout Int, _ row: UnsafePointer<Double>) {
                                let split = nodes[node]
                                node = row[Int(split.feature)] <= split.threshold ? node &+ 1 : Int(split.right)
                            }
                            var r = 0
                            while r + 4 <= n {
                                let x0 = x + r * p, x1 = x0 + p, x2 = x1 + p, x3 = x2 + p
                                var a = 0, b = 0, c = 0, d = 0
                                while (a & b & c & d) >= 0 {
                                    if a >= 0 { step(&a, x0) }
                                    if b >= 0 { step(&b, x1) }
                                    if c >= 0 { step(&c, x2) }
                                    if d >= 0 { step(&d, x3) }
                                }
                                add(r, leaf: ~a); add(r + 1, leaf: ~b); add(r + 2, leaf: ~c); add(r + 3, leaf: ~d)
                                r += 4
                            }
                            while r < n {
                                var a = 0
                                while a >= 0 { step(&a, x + r * p) }
                                add(r, leaf: ~a)
                                r += 1
                            }
                        }
                    }
                }
            }
        }
        let trees = Double(predictionTrees.count)
        return (0..<n).map { r in (0..<k).map { sums[r * k + $0] / trees } }
    }
}
