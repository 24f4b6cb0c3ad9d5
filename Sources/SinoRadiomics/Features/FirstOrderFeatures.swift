import Foundation

/// PyRadiomics 3.0.1's first-order features (`firstorder.py:RadiomicsFirstOrder`) on the
/// original intensities (float64), with NumPy's reductions reproduced in order (pairwise
/// sums, NaN-aware means, linear percentiles) so that exact cases (a flat ROI's skewness)
/// agree bit for bit. Entropy and Uniformity use the discretised levels.
public enum FirstOrderFeatures: RadiomicsFeatureClass {
    /// The `firstorder` class.
    public static let kind = FeatureClassKind.firstorder

    /// Every non-deprecated feature, in Python's sorted order (PyRadiomics' "all features" order).
    public static let featureNames = [
        "10Percentile", "90Percentile", "Energy", "Entropy", "InterquartileRange", "Kurtosis", "Maximum", "Mean", "MeanAbsoluteDeviation", "Median",
        "Minimum", "Range", "RobustMeanAbsoluteDeviation", "RootMeanSquared", "Skewness", "TotalEnergy", "Uniformity", "Variance"
    ]

    /// StandardDeviation: computed (population SD) when named.
    public static let deprecatedNames = ["StandardDeviation"]

    static let allNames = featureNames + deprecatedNames

    /// The values of `names` on the ROI of `box` (segment-based `execute()`).
    public static func compute(_ box: ROIBox, settings: RadiomicsSettings, names: [String]) throws -> [Double] {
        try compute(box, discretised: try Discretisation.discretise(box, settings: settings), settings: settings, names: names)
    }

    public static var usesDiscretisation: Bool { true }

    public static func compute(_ box: ROIBox, discretised: DiscretisedROI, settings: RadiomicsSettings, names: [String]) throws -> [Double] {
        let wanted = try FeatureSelection.indices(names, all: allNames, kind: kind)
        var row = [Double]()
        row.reserveCapacity(box.roiCount)
        var countOf = [Int](repeating: 0, count: discretised.ng + 1)
        box.values.withUnsafeBufferPointer { values in
            box.mask.withUnsafeBufferPointer { mask in
                discretised.levels.withUnsafeBufferPointer { levels in
                    countOf.withUnsafeMutableBufferPointer { countOf in
                        for i in 0..<values.count where mask[i] {
                            row.append(values[i])
                            countOf[Int(levels[i])] += 1
                        }
                    }
                }
            }
        }
        let counts = discretised.grayLevels.map { Double(countOf[$0]) }
        let engine = FirstOrderEngine(capacity: row.count, levelCount: counts.count)
        defer { engine.deallocate() }
        var out = [Double](repeating: .nan, count: allNames.count)
        row.withUnsafeBufferPointer { r in
            counts.withUnsafeBufferPointer { c in
                engine.evaluate(
                    r.baseAddress!, r.count, counts: c.baseAddress!, levelCount: c.count, shift: settings.voxelArrayShift,
                    voxelVolume: voxelVolume(box), into: &out)
            }
        }
        return wanted.map { out[$0] }
    }

    /// The voxel volume PyRadiomics multiplies Energy by: the product of the image's spacings
    /// (two for a 2-D image).
    static func voxelVolume(_ box: ROIBox) -> Double {
        let s = box.spacing
        return box.dimension == 2 ? s[2] * s[1] : (s[2] * s[1]) * s[0]
    }
}

/// First-order statistics of one row of intensities (NaN = not in the ROI or kernel) and its
/// level counts; scratch buffers are reused between kernels.
final class FirstOrderEngine {
    let capacity: Int
    let levelCapacity: Int
    private let a: UnsafeMutablePointer<Double>
    private let b: UnsafeMutablePointer<Double>
    private let sorted: UnsafeMutablePointer<Double>
    private let scratch: UnsafeMutablePointer<Double>
    private let p: UnsafeMutablePointer<Double>

    init(capacity: Int, levelCount: Int) {
        self.capacity = max(capacity, 1)
        levelCapacity = max(levelCount, 1)
        a = .allocate(capacity: self.capacity)
        b = .allocate(capacity: self.capacity)
        sorted = .allocate(capacity: self.capacity)
        scratch = .allocate(capacity: max(self.capacity, levelCapacity))
        p = .allocate(capacity: levelCapacity)
    }

    func deallocate() {
        for buffer in [a, b, sorted, scratch, p] { buffer.deallocate() }
    }

    /// All 19 values (18 features + StandardDeviation) of `row` (n entries, NaN ignored) with
    /// level `counts` (levelCount entries, zeros allowed).
    func evaluate(
        _ row: UnsafePointer<Double>, _ n: Int, counts: UnsafePointer<Double>, levelCount: Int, shift: Double, voxelVolume: Double,
        into out: inout [Double]
    ) {
        let eps = NumpyMath.eps
        // Histogram-based: p = counts / Σ counts.
        var total = 0.0
        for k in 0..<levelCount { total += counts[k] }
        if total == 0 { total = 1 }
        for k in 0..<levelCount { p[k] = counts[k] / total }
        for k in 0..<levelCount { scratch[k] = p[k] * log2(p[k] + eps) }
        let entropy = -1.0 * NumpyMath.pairwiseSum(scratch, levelCount)
        for k in 0..<levelCount { scratch[k] = p[k] * p[k] }
        let uniformity = NumpyMath.pairwiseSum(scratch, levelCount)

        // Energy, RMS.
        var valid = 0
        var minimum = Double.infinity
        var maximum = -Double.infinity
        for k in 0..<n {
            let x = row[k]
            if x.isNaN {
                a[k] = 0
                continue
            }
            let s = x + shift
            a[k] = s * s
            sorted[valid] = x
            valid += 1
            if x < minimum { minimum = x }
            if x > maximum { maximum = x }
        }
        let energy = NumpyMath.pairwiseSum(a, n)
        let rms = (energy / Double(valid)).squareRoot()

        // Order statistics.
        // Only the order statistics the percentiles and the median read are placed.
        var positions = [valid / 2 - 1, valid / 2, 0, valid - 1]
        for q in [10.0, 25, 75, 90] {
            let k = Int((Double(valid - 1) * (q / 100)).rounded(.down))
            positions += [k, k + 1]
        }
        NumpyMath.select(sorted, valid, positions: positions)
        let p10 = NumpyMath.percentile(sorted: sorted, valid, 10)
        let p90 = NumpyMath.percentile(sorted: sorted, valid, 90)
        let p25 = NumpyMath.percentile(sorted: sorted, valid, 25)
        let p75 = NumpyMath.percentile(sorted: sorted, valid, 75)
        let median = NumpyMath.median(sorted: sorted, valid)

        // Mean and central moments (nanmean: NaN counts as 0 in the pairwise sum).
        let mean = NumpyMath.nanMean(row, n, scratch: scratch)
        for k in 0..<n { a[k] = abs(row[k] - mean) }
        let mad = NumpyMath.nanMean(a, n, scratch: scratch)
        for k in 0..<n {
            let d = row[k] - mean
            a[k] = d * d
        }
        let m2 = NumpyMath.nanMean(a, n, scratch: scratch)
        // Products instead of libm's pow (neither is NumPy's own power loop bit for bit; both
        // are within an ulp or two per term).
        for k in 0..<n {
            let d = row[k] - mean
            a[k] = d * d * d
        }
        let m3 = NumpyMath.nanMean(a, n, scratch: scratch)
        for k in 0..<n {
            let d = row[k] - mean
            let d2 = d * d
            a[k] = d2 * d2
        }
        let m4 = NumpyMath.nanMean(a, n, scratch: scratch)
        let skewness = m2 == 0 ? m3 : m3 / pow(m2, 1.5)
        let kurtosis = m2 == 0 ? m4 : m4 / (m2 * m2)
        let sd = m2.squareRoot()

        // Robust MAD on P10 ≤ x ≤ P90.
        for k in 0..<n {
            let x = row[k]
            b[k] = x.isNaN || x - p10 < 0 || x - p90 > 0 ? .nan : x
        }
        let robustMean = NumpyMath.nanMean(b, n, scratch: scratch)
        for k in 0..<n { b[k] = abs(b[k] - robustMean) }
        let robustMAD = NumpyMath.nanMean(b, n, scratch: scratch)

        out[0] = p10
        out[1] = p90
        out[2] = energy
        out[3] = entropy
        out[4] = p75 - p25
        out[5] = kurtosis
        out[6] = maximum
        out[7] = mean
        out[8] = mad
        out[9] = median
        out[10] = minimum
        out[11] = maximum - minimum
        out[12] = robustMAD
        out[13] = rms
        out[14] = skewness
        out[15] = energy * voxelVolume
        out[16] = uniformity
        out[17] = sd * sd
        out[18] = sd
    }
}
