/// Turning libsvm's one-vs-one decision values (pairs (0, 1), (0, 2), ..., (1, 2), ...;
/// positive favours the pair's first class) into a class or into one score per class.
enum OneVsOneVotes {
    /// libsvm's `svm_predict_values` vote: a value > 0 votes for the pair's first class,
    /// otherwise (0 included) for its second; the first class with the most votes wins.
    static func winner(_ pairValues: [Double], classCount k: Int) -> Int {
        var votes = Array(repeating: 0, count: k)
        var p = 0
        for i in 0..<k {
            for j in (i + 1)..<k {
                if pairValues[p] > 0 { votes[i] += 1 } else { votes[j] += 1 }
                p += 1
            }
        }
        var best = 0
        for c in 1..<k where votes[c] > votes[best] { best = c }
        return best
    }

    /// scikit-learn's `_ovr_decision_function(dec < 0, -dec, K)` (`sklearn/utils/multiclass.py`):
    /// per pair, a vote for i when d >= 0 (else for j), S_i += d and S_j -= d; the score of
    /// class c is votes_c + S_c / (3 (|S_c| + 1)), which keeps the vote order and breaks ties
    /// by confidence.
    static func ovrDecision(_ pairValues: [Double], classCount k: Int) -> [Double] {
        var votes = Array(repeating: 0.0, count: k)
        var sums = Array(repeating: 0.0, count: k)
        var p = 0
        for i in 0..<k {
            for j in (i + 1)..<k {
                let confidence = -pairValues[p]
                sums[i] -= confidence
                sums[j] += confidence
                if pairValues[p] < 0 { votes[j] += 1 } else { votes[i] += 1 }
                p += 1
            }
        }
        return (0..<k).map { votes[$0] + sums[$0] / (3 * (abs(sums[$0]) + 1)) }
    }
}
