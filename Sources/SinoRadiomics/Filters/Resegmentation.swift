import Foundation

/// PyRadiomics 3.0.1's `imageoperations.resegmentMask`.
public enum Resegmentation {
    /// The mask keeping only ROI voxels whose intensity lies in the range `settings.resegmentRange`
    /// (one value: `x >= low`; two values, sorted: `low <= x <= high`), thresholds by
    /// `settings.resegmentMode`: `absolute` as given, `relative` x the ROI maximum, `sigma`
    /// mean + t x SD of the ROI (population SD, NumPy's pairwise sums). The result holds `label`
    /// at kept voxels and 0 elsewhere (other labels are dropped), as an int64 image on the mask's
    /// grid. Throws when fewer than 2 voxels remain or the range is missing or has 0 or > 2 values.
    ///
    /// The thresholds are computed as NumPy 2 computes them on the image array: for a float32
    /// image everything is float32 (ROI max x t; the float32 mean and SD from float32 pairwise
    /// sums; a Python float compared with a float32 array is rounded to float32); for integer
    /// images the mean is a float64 sum over 8192-element buffers.
    public static func resegment(image: RadiomicsImage, mask: RadiomicsImage, settings: RadiomicsSettings) throws -> RadiomicsImage {
        guard let range = settings.resegmentRange else {
            throw RadiomicsError(.settings, file: "", "resegmentation needs resegmentRange")
        }
        guard (1...2).contains(range.count) else {
            throw RadiomicsError(.settings, file: "", "resegmentRange has \(range.count) values; give 1 or 2")
        }
        let label = Double(settings.label)
        let sorted = range.sorted()
        var roi: [Double] = []
        for (v, m) in zip(image.values, mask.values) where m == label { roi.append(v) }
        let thresholds = Self.thresholds(sorted, mode: settings.resegmentMode, roi: roi, pixelType: image.pixelType)
        var values = [Double](repeating: 0, count: mask.count)
        var kept = 0
        for i in values.indices where mask.values[i] == label {
            let v = image.values[i]
            if v >= thresholds[0] && (thresholds.count == 1 || v <= thresholds[1]) {
                values[i] = label
                kept += 1
            }
        }
        if kept <= 1 {
            throw RadiomicsError(
                .roiTooSmall, file: "",
                "resegmentation (\(settings.resegmentMode.rawValue) range \(range)) left \(kept) voxel\(kept == 1 ? "" : "s") "
                    + "with label \(settings.label); at least 2 are needed")
        }
        return mask.withValues(values, pixelType: .int64)
    }
}

extension Resegmentation {
    /// The sorted thresholds in the image array's arithmetic (see `resegment`).
    static func thresholds(_ sorted: [Double], mode: ResegmentMode, roi: [Double], pixelType: PixelType) -> [Double] {
        let single = pixelType == .float32
        switch mode {
        case .absolute:
            return single ? sorted.map { Double(Float($0)) } : sorted
        case .relative:
            let maximum = roi.max() ?? 0
            return single ? sorted.map { Double(Float(maximum) * Float($0)) } : sorted.map { maximum * $0 }
        case .sigma:
            if single {
                let values = roi.map { Float($0) }
                let n = Float(roi.count)
                let mean = NumPySum.pairwise(values) / n
                let squares = values.map { ($0 - mean) * ($0 - mean) }
                let sd = (NumPySum.pairwise(squares) / n).squareRoot()
                return sorted.map { Double(mean + sd * Float($0)) }
            }
            let n = Double(roi.count)
            // An integer array's mean is summed as float64 through 8192-element cast buffers; a
            // float64 array (and the squared deviations) in one pairwise pass.
            let mean = NumPySum.pairwise(roi, buffer: pixelType.isInteger ? 8192 : nil) / n
            let squares = roi.map { ($0 - mean) * ($0 - mean) }
            let sd = (NumPySum.pairwise(squares) / n).squareRoot()
            return sorted.map { mean + sd * $0 }
        }
    }
}

/// NumPy's `add.reduce` of a contiguous vector: pairwise in blocks of at most 128 with 8 partial
/// sums, in the array's own precision; with `buffer`, over consecutive buffers of that many
/// elements (what a cast to float64 goes through).
enum NumPySum {
    static func pairwise<T: BinaryFloatingPoint>(_ values: [T], buffer: Int? = nil) -> T {
        values.withUnsafeBufferPointer { a in
            guard let size = buffer else { return block(a, 0, a.count) }
            var total: T = 0
            var start = 0
            while start < a.count {
                let n = Swift.min(size, a.count - start)
                total += block(a, start, n)
                start += n
            }
            return total
        }
    }

    private static func block<T: BinaryFloatingPoint>(_ a: UnsafeBufferPointer<T>, _ start: Int, _ n: Int) -> T {
        if n < 8 {
            var res: T = 0
            for i in 0..<n { res += a[start + i] }
            return res
        }
        if n <= 128 {
            var r = (0..<8).map { a[start + $0] }
            var i = 8
            while i < n - (n % 8) {
                for j in 0..<8 { r[j] += a[start + i + j] }
                i += 8
            }
            var res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
            while i < n {
                res += a[start + i]
                i += 1
            }
            return res
        }
        var n2 = n / 2
        n2 -= n2 % 8
        return block(a, start, n2) + block(a, start + n2, n - n2)
    }
}
