import Foundation

/// Softmax cross-entropy with torch.nn.CrossEntropyLoss's semantics (mean reduction), with
/// optional class weights w and label smoothing e (PyTorch 2.13, aten LossNLL.cpp
/// `cross_entropy_loss_label_smoothing`). With log-probabilities lp = log_softmax(z):
///
///   loss = (1 - e) * sum_i w[y_i] * (-lp[i, y_i]) / W
///        + e / C  * sum_i sum_c w[c] * (-lp[i, c]) / W,      W = sum_i w[y_i]
///
/// (w = 1 gives W = N, the plain mean). Gradient with respect to the logits:
///   dz[i, c] = p[i, c] * ((1 - e) w[y_i] + e/C sum_c w[c]) / W - (1 - e) w[y_i] [c = y_i] / W
///              - e/C w[c] / W
public struct CrossEntropyLoss: Sendable {
    public let classWeights: [Float]?
    public let labelSmoothing: Float

    public init(classWeights: [Float]? = nil, labelSmoothing: Float = 0) {
        precondition(labelSmoothing >= 0 && labelSmoothing <= 1, "label smoothing must be in [0, 1]")
        self.classWeights = classWeights
        self.labelSmoothing = labelSmoothing
    }

    /// logits [N, C], targets N class indices -> the mean loss.
    public func forward(logits: Tensor, targets: [Int]) -> Float {
        let (n, c) = check(logits, targets)
        let e = Double(labelSmoothing)
        var nll = 0.0, smooth = 0.0, total = 0.0
        var logp = [Double](repeating: 0, count: c)
        for i in 0..<n {
            logSoftmax(logits.data + i * c, c, &logp)
            let wy = weight(targets[i])
            nll -= wy * logp[targets[i]]
            total += wy
            for k in 0..<c { smooth -= weight(k) * logp[k] }
        }
        return Float(((1 - e) * nll + e / Double(c) * smooth) / total)
    }

    /// logits [N, C] -> dLogits [N, C] += d(loss)/d(logits) * lossGradient.
    public func backward(
        logits: Tensor, targets: [Int], logitsGradient dz: Tensor,
        lossGradient: Float = 1
    ) {
        let (n, c) = check(logits, targets)
        precondition(dz.shape == logits.shape, "logits gradient \(dz.shape), expected \(logits.shape)")
        let e = Double(labelSmoothing)
        var total = 0.0
        for i in 0..<n { total += weight(targets[i]) }
        var sumWeights = 0.0
        for k in 0..<c { sumWeights += weight(k) }
        var logp = [Double](repeating: 0, count: c)
        let g = Double(lossGradient) / total
        for i in 0..<n {
            logSoftmax(logits.data + i * c, c, &logp)
            let wy = weight(targets[i])
            let pScale = (1 - e) * wy + e / Double(c) * sumWeights
            for k in 0..<c {
                var d = exp(logp[k]) * pScale - e / Double(c) * weight(k)
                if k == targets[i] { d -= (1 - e) * wy }
                dz.data[i * c + k] += Float(d * g)
            }
        }
    }

    private func weight(_ k: Int) -> Double { classWeights.map { Double($0[k]) } ?? 1 }

    /// Numerically stable log-softmax of one row, in Double.
    private func logSoftmax(_ z: UnsafeMutablePointer<Float>, _ c: Int, _ out: inout [Double]) {
        var m = -Double.infinity
        for k in 0..<c { m = Swift.max(m, Double(z[k])) }
        var s = 0.0
        for k in 0..<c { s += exp(Double(z[k]) - m) }
        let lse = m + log(s)
        for k in 0..<c { out[k] = Double(z[k]) - lse }
    }

    private func check(_ logits: Tensor, _ targets: [Int]) -> (Int, Int) {
        precondition(
            logits.shape.rank == 2 && logits.shape[0] == targets.count,
            "CrossEntropyLoss expects logits [N, C] with N targets, got \(logits.shape) and \(targets.count)")
        let c = logits.shape[1]
        precondition(targets.allSatisfy { $0 >= 0 && $0 < c }, "targets must be class indices in 0..<\(c)")
        if let w = classWeights { precondition(w.count == c, "\(w.count) class weights for \(c) classes") }
        return (logits.shape[0], c)
    }
}
