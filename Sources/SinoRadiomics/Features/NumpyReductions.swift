import CSinoKernels
import Foundation

/// NumPy's arithmetic where PyRadiomics' results depend on its exact order: `add.reduce`'s
/// pairwise summation (a flat ROI's mean is then bit-identical, so its skewness is too) and
/// `numpy.percentile`'s linear interpolation.
enum NumpyMath {
    /// `numpy.spacing(1)`.
    static let eps = 2.220446049250313e-16

    /// NumPy's pairwise sum (`@TYPE@_pairwise_sum`, blocks of 128, eight accumulators) of a
    /// contiguous row; `numpy.sum` along the last axis gives exactly this.
    static func pairwiseSum(_ a: UnsafePointer<Double>, _ n: Int) -> Double {
        NumPyStatistics.pairwiseSum(UnsafeBufferPointer(start: a, count: n), 0, n)
    }

    static func pairwiseSum(_ a: [Double]) -> Double {
        a.withUnsafeBufferPointer { pairwiseSum($0.baseAddress!, $0.count) }
    }

    /// `numpy.nanmean` of a row: NaNs count as 0 in the pairwise sum, divided by the number of
    /// non-NaN entries (NaN when there is none). `scratch` must hold `n` values.
    static func nanMean(_ a: UnsafePointer<Double>, _ n: Int, scratch: UnsafeMutablePointer<Double>) -> Double {
        var count = 0
        for i in 0..<n {
            if a[i].isNaN {
                scratch[i] = 0
            } else {
                scratch[i] = a[i]
                count += 1
            }
        }
        if count == 0 { return .nan }
        return pairwiseSum(scratch, n) / Double(count)
    }

    /// `numpy.percentile(sorted, q)` with the default linear method (virtual index (n−1)·q/100,
    /// `_lerp`). `sorted` must be ascending and non-empty.
    static func percentile(sorted: UnsafePointer<Double>, _ n: Int, _ q: Double) -> Double {
        let quantile = q / 100
        let virtual = Double(n - 1) * quantile
        if virtual >= Double(n - 1) { return sorted[n - 1] }
        if virtual < 0 { return sorted[0] }
        let previous = virtual.rounded(.down)
        let gamma = virtual - previous
        let a = sorted[Int(previous)]
        let b = sorted[Int(previous) + 1]
        let diff = b - a
        if gamma >= 0.5 { return b - diff * (1 - gamma) }
        return a + diff * gamma
    }

    /// `numpy.median` of an ascending, non-empty row.
    static func median(sorted: UnsafePointer<Double>, _ n: Int) -> Double {
        if n % 2 == 1 { return sorted[n / 2] }
        return (sorted[n / 2 - 1] + sorted[n / 2]) / 2
    }

    /// Rearranges `n` NaN-free values so that each position in `positions` holds the value a
    /// full ascending sort would put there (`sino_select`: quickselect on several targets at once,
    /// median-of-3 pivots, branch-free three-way partitions, insertion sort below 33 values, a full
    /// sort past a depth limit): order statistics for `percentile(sorted:)` and `median(sorted:)`
    /// in O(n) instead of a sort.
    static func select(_ a: UnsafeMutablePointer<Double>, _ n: Int, positions: [Int]) {
        var targets = positions.filter { $0 >= 0 && $0 < n }
        targets.sort()
        if targets.isEmpty || n < 2 { return }
        targets.withUnsafeBufferPointer { sino_select(a, n, $0.baseAddress!, $0.count) }
    }

    /// Sorts `n` values ascending in place (insertion sort for short rows: no allocation).
    @inline(__always)
    static func sortAscending<T: Comparable>(_ a: UnsafeMutablePointer<T>, _ n: Int) {
        if n > 64 {
            var buffer = UnsafeMutableBufferPointer(start: a, count: n)
            buffer.sort()
            return
        }
        if n < 2 { return }
        for i in 1..<n {
            let key = a[i]
            var j = i - 1
            while j >= 0 && a[j] > key {
                a[j + 1] = a[j]
                j -= 1
            }
            a[j + 1] = key
        }
    }

    /// The real part of the principal square root of a + bi (C99 `csqrt`).
    static func complexSqrtReal(_ re: Double, _ im: Double) -> Double {
        if im == 0 { return re >= 0 ? re.squareRoot() : 0 }
        let modulus = hypot(re, im)
        if re >= 0 { return ((modulus + re) / 2).squareRoot() }
        let t = ((modulus - re) / 2).squareRoot()
        return abs(im) / (2 * t)
    }
}
