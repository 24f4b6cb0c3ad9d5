/// The kernel coefficient sklearn's `BaseLibSVM.fit` passes to libsvm (`_gamma`).
enum SVMGammaResolution {
    /// `.scale`: 1 / (p X.var()), 1 when the variance is 0; `.auto`: 1 / p; `.value(g)`: g.
    static func resolve(_ gamma: SVMGamma, x: [[Double]], featureCount p: Int) -> Double {
        switch gamma {
        case .value(let g): return g
        case .auto: return 1.0 / Double(p)
        case .scale:
            let variance = populationVariance(x)
            return variance != 0 ? 1.0 / (Double(p) * variance) : 1.0
        }
    }

    /// numpy's `X.var()`: the mean of all entries, then the mean squared deviation (ddof 0),
    /// both sums taken pairwise as numpy's `add.reduce` takes them, so the result agrees with
    /// numpy's to the last bits.
    static func populationVariance(_ x: [[Double]]) -> Double {
        let values = x.flatMap { $0 }
        let n = Double(values.count)
        let mean = pairwiseSum(values[...]) / n
        let squares = values.map { ($0 - mean) * ($0 - mean) }
        return pairwiseSum(squares[...]) / n
    }

    /// numpy's `pairwise_sum`: straight below 8 values, eight accumulators up to 128, halves
    /// (at a multiple of 8) above.
    static func pairwiseSum(_ a: ArraySlice<Double>) -> Double {
        let n = a.count
        let s = a.startIndex
        if n < 8 {
            var result = 0.0
            for value in a { result += value }
            return result
        }
        if n <= 128 {
            var r = (0..<8).map { a[s + $0] }
            var i = 8
            while i < n - n % 8 {
                for k in 0..<8 { r[k] += a[s + i + k] }
                i += 8
            }
            var result = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
            while i < n {
                result += a[s + i]
                i += 1
            }
            return result
        }
        var half = n / 2
        half -= half % 8
        return pairwiseSum(a[s..<(s + half)]) + pairwiseSum(a[(s + half)...])
    }
}
