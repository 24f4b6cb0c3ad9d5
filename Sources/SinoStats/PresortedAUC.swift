/// The AUC of one binary problem under integer item weights (bootstrap multiplicities),
/// with the scores sorted once: each replicate is one O(n) pass, no sort, no allocation.
///
/// In ascending score order, each tied run with case weight c and control weight d adds
/// c (controls below + d / 2) to U; AUC = U / (cases x controls), the Mann-Whitney AUC
/// of the resampled data with ties counting 1/2, as pROC's `auc` on a resampled curve.
struct PresortedAUC {
    /// For each entry in ascending score order: the item whose weight it takes.
    private let owners: [Int]
    private let entryIsCase: [Bool]
    /// End (exclusive) of each run of tied scores in the sorted entries.
    private let runEnds: [Int]

    /// `owners[e]` names the resampled item that entry e belongs to (a patient; for the
    /// micro average each patient owns one entry per class).
    init(scores: [Double], isCase: [Bool], owners: [Int]) {
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        self.owners = order.map { owners[$0] }
        entryIsCase = order.map { isCase[$0] }
        runEnds = order.indices.filter { $0 == order.count - 1 || scores[order[$0 + 1]] != scores[order[$0]] }
            .map { $0 + 1 }
    }

    /// NaN when the weights leave no case or no control.
    func auc(weights: [Double]) -> Double {
        var u = 0.0, controlsBelow = 0.0, cases = 0.0
        var start = 0
        for end in runEnds {
            var runCases = 0.0, runControls = 0.0
            for entry in start..<end {
                let w = weights[owners[entry]]
                if entryIsCase[entry] { runCases += w } else { runControls += w }
            }
            u += runCases * (controlsBelow + runControls / 2)
            controlsBelow += runControls
            cases += runCases
            start = end
        }
        return u / (cases * controlsBelow)
    }
}

/// One multiclass model ready for resampling: a `PresortedAUC` per defined one-vs-rest class
/// (macro average) and one over the flattened indicator and score matrices (micro).
struct PresortedMulticlassAUC {
    private let classes: [PresortedAUC]
    private let flattened: PresortedAUC

    /// `definedClasses`: the classes with cases and controls in the original data; the macro
    /// average covers these only (as `MulticlassAUC.macro`).
    init(labels: [Int], scores: [[Double]], definedClasses: [Int]) {
        let patients = Array(labels.indices)
        classes = definedClasses.map { k in
            PresortedAUC(scores: scores.map { $0[k] }, isCase: labels.map { $0 == k }, owners: patients)
        }
        let k = scores[0].count
        flattened = PresortedAUC(
            scores: Array(scores.joined()),
            isCase: labels.flatMap { label in (0..<k).map { $0 == label } },
            owners: patients.flatMap { Array(repeating: $0, count: k) })
    }

    func macro(weights: [Double]) -> Double {
        var sum = 0.0
        for auc in classes { sum += auc.auc(weights: weights) }
        return sum / Double(classes.count)
    }

    func micro(weights: [Double]) -> Double { flattened.auc(weights: weights) }
}
