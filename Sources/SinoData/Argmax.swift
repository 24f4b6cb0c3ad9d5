/// The index of the largest value, ties to the first: numpy.argmax, and so sklearn's
/// `predict` from `predict_proba`. The one argmax of SinoRad (the confusion matrix, the
/// forests' predictions, OOB score and permutation scoring, mode imputation).
///
///     argmax([0.2, 0.5, 0.3])   // 1
///     argmax([0.4, 0.4, 0.2])   // 0 (first maximum)
///
/// An empty array gives 0. NaN is never greater than anything nor anything greater than it:
/// a NaN at index 0 is kept, elsewhere it is skipped (numpy would return the first NaN).
@inlinable
public func argmax<T: Comparable>(_ values: [T]) -> Int {
    var best = 0
    for k in values.indices.dropFirst() where values[k] > values[best] { best = k }
    return best
}
