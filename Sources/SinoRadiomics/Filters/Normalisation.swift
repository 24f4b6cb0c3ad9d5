import Foundation

/// PyRadiomics 3.0.1's `imageoperations.normalizeImage`.
public enum Normalisation {
    /// `sitk.Normalize` over **all** voxels of the image, f = (x - mean) / sd with the sample SD
    /// (n - 1), as ITK's `NormalizeImageFilter` computes it: mean and SD from
    /// `StatisticsImageFilter`'s compensated sums (variance = (sum x^2 - (sum x)^2 / n) / (n - 1)),
    /// then `(x + (-mean)) * (1 / sd)`; clipped to [-removeOutliers, removeOutliers] when given,
    /// then multiplied by `scale`. The result is float64 whatever the input type.
    public static func normalize(_ image: RadiomicsImage, scale: Double, removeOutliers: Double?) -> RadiomicsImage {
        let n = Double(image.count)
        var sum = CompensatedSum()
        var squares = CompensatedSum()
        for v in image.values {
            sum.add(v)
            squares.add(v * v)
        }
        let total = sum.value
        let mean = total / n
        let variance = (squares.value - (total * total / n)) / (n - 1)
        let shift = -mean
        let factor = 1.0 / variance.squareRoot()
        var values = image.values.map { ($0 + shift) * factor }
        if let limit = removeOutliers {
            for i in values.indices {
                if values[i] > limit { values[i] = limit }
                if values[i] < -limit { values[i] = -limit }
            }
        }
        for i in values.indices { values[i] *= scale }
        return image.withValues(values, pixelType: .float64)
    }
}

/// ITK's `CompensatedSummation` (Kahan).
struct CompensatedSum {
    private var sum = 0.0
    private var compensation = 0.0

    mutating func add(_ element: Double) {
        let compensated = element - compensation
        let temp = sum + compensated
        compensation = (temp - sum) - compensated
        sum = temp
    }

    var value: Double { sum }
}
