/// DeLong's structural components ("placements") of one binary problem, by the fast
/// midrank algorithm of Sun & Xu (2014), O(n log n), which gives the numbers of pROC 1.18's
/// `delongPlacements` (its C++ `delongPlacementsCpp`):
///
///     V10_i = (Tz_i - Tx_i) / n        for case i    (mean over controls of psi)
///     V01_j = 1 - (Tz_j - Ty_j) / m    for control j (mean over cases of psi)
///     AUC   = mean of V10
///
/// with psi(case, control) = 1 if case > control, 1/2 if tied, 0 otherwise; Tz the midranks
/// over all m cases and n controls, Tx within the cases and Ty within the controls.
struct DeLongPlacements {
    let auc: Double
    /// V10, pROC's `V$X`: one per case.
    let casePlacements: [Double]
    /// V01, pROC's `V$Y`: one per control.
    let controlPlacements: [Double]

    init(cases: [Double], controls: [Double]) {
        let m = cases.count, n = controls.count
        let combined = MidRanks(cases + controls).ranks
        let withinCases = MidRanks(cases).ranks
        let withinControls = MidRanks(controls).ranks
        casePlacements = (0..<m).map { (combined[$0] - withinCases[$0]) / Double(n) }
        controlPlacements = (0..<n).map { 1 - (combined[m + $0] - withinControls[$0]) / Double(m) }
        auc = casePlacements.reduce(0, +) / Double(m)
    }

    /// Splits scores by the case flags (both arrays keep the input order).
    init(scores: [Double], isCase: [Bool]) {
        var cases: [Double] = [], controls: [Double] = []
        for (score, flag) in zip(scores, isCase) {
            if flag { cases.append(score) } else { controls.append(score) }
        }
        self.init(cases: cases, controls: controls)
    }

    /// DeLong's covariance of two AUCs on the same patients, S10/m + S01/n with sample
    /// covariances (denominators m - 1 and n - 1), as pROC's `delong.paired.calculations`;
    /// with `self` as `other` it is the variance of `var(roc, method = "delong")`.
    func covariance(with other: DeLongPlacements) -> Double {
        let m = Double(casePlacements.count), n = Double(controlPlacements.count)
        let s10 = Self.crossProducts(casePlacements, auc, other.casePlacements, other.auc) / (m - 1)
        let s01 = Self.crossProducts(controlPlacements, auc, other.controlPlacements, other.auc) / (n - 1)
        return s10 / m + s01 / n
    }

    /// sum_i (a_i - meanA)(b_i - meanB), centred on the AUCs as pROC centres them.
    private static func crossProducts(_ a: [Double], _ meanA: Double, _ b: [Double], _ meanB: Double) -> Double {
        var sum = 0.0
        for i in a.indices { sum += (a[i] - meanA) * (b[i] - meanB) }
        return sum
    }
}
