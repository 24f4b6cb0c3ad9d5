import Foundation

/// PyRadiomics' intensity filters `getSquareImage`, `getSquareRootImage`, `getLogarithmImage`
/// and `getExponentialImage`: float64 arithmetic on the whole image with `M = max|x|`, NumPy's
/// IEEE results where M = 0 (NaN or infinity, never an error).
enum PointwiseImageFilter {
    static func maxAbs(_ values: [Double]) -> Double {
        var m = 0.0
        for v in values {
            let a = abs(v)
            if a > m || a.isNaN { m = a.isNaN ? .nan : a }
            if m.isNaN { break }
        }
        return m
    }

    /// `f` applied to the voxels of `rows` (flat index ranges; nil: all), one after the other:
    /// with the rows of a box (`ImageTypeFilters.flatRows`), the box's values in its own order.
    @inline(__always)
    static func map(_ values: [Double], rows: [Range<Int>]?, _ f: (Double) -> Double) -> [Double] {
        guard let rows else { return values.map(f) }
        let count = rows.reduce(0) { $0 + $1.count }
        return [Double](unsafeUninitializedCapacity: count) { o, written in
            values.withUnsafeBufferPointer { x in
                var k = 0
                for row in rows {
                    for i in row {
                        o[k] = f(x[i])
                        k += 1
                    }
                }
            }
            written = count
        }
    }

    /// `(x / sqrt(M))^2`, computed as `c = 1 / sqrt(M)`, `(c * x)^2` (the sign is lost). M is
    /// always taken over the whole image; with `rows` only those voxels are computed and returned
    /// (in the rows' order, as `map`).
    static func square(_ values: [Double], rows: [Range<Int>]? = nil) -> [Double] {
        let c = 1 / maxAbs(values).squareRoot()
        return map(values, rows: rows) {
            let y = c * $0; return y * y
        }
    }

    /// `sqrt(M x)` for x > 0, `-sqrt(-x M)` for x < 0, 0 kept.
    static func squareRoot(_ values: [Double], rows: [Range<Int>]? = nil) -> [Double] {
        let m = maxAbs(values)
        return map(values, rows: rows) { x in
            if x > 0 { return (x * m).squareRoot() }
            if x < 0 { return -((-x) * m).squareRoot() }
            return x
        }
    }

    /// `log(x + 1)` for x > 0, `-log(-(x - 1))` for x < 0, 0 kept; then scaled by
    /// `M / max|result|`. The maximum is over the whole image's results, so every voxel's
    /// logarithm is computed even with `rows`; only the scaling is restricted to them.
    static func logarithm(_ values: [Double], rows: [Range<Int>]? = nil) -> [Double] {
        let m = maxAbs(values)
        let logs = values.map { x -> Double in
            if x > 0 { return log(x + 1) }
            if x < 0 { return -log(-(x - 1)) }
            return x
        }
        let scale = m / maxAbs(logs)
        return map(logs, rows: rows) { $0 * scale }
    }

    /// `exp((log(M) / M) * x)`.
    static func exponential(_ values: [Double], rows: [Range<Int>]? = nil) -> [Double] {
        let m = maxAbs(values)
        let c = log(m) / m
        return map(values, rows: rows) { exp(c * $0) }
    }
}

/// PyRadiomics' `getGradientImage`: SimpleITK's `GradientMagnitudeImageFilter` (ITK 5.4) with
/// `UseImageSpacing = gradientUseSpacing`. Per axis the derivative operator (0.5, 0, -0.5),
/// scaled by 1/spacing, on the neighbours with zero-flux (edge-replicating) borders; the
/// magnitude is summed and rooted in double and stored as float32.
enum GradientImageFilter {
    /// With `region` (ITK order, inclusive) only its voxels are computed and returned, x
    /// fastest (the values of the image cropped to the region).
    static func magnitude(_ image: RadiomicsImage, useSpacing: Bool, region: [ClosedRange<Int>]? = nil) -> [Double] {
        let nd = image.dimension
        let n = image.size
        let box = region ?? (0..<3).map { 0...(n[$0] - 1) }
        let strides = [1, n[0], n[0] * n[1]]
        var out = [Double](repeating: 0, count: box[0].count * box[1].count * box[2].count)
        var k = 0
        // ITK: coefficient 0.5 scaled by (1 / spacing); the inner product adds c*x[i-1] + 0*x[i] + (-c)*x[i+1].
        let scale = (0..<nd).map { useSpacing ? 0.5 * (1.0 / image.spacing[$0]) : 0.5 }
        image.values.withUnsafeBufferPointer { x in
            out.withUnsafeMutableBufferPointer { o in
                for z in box[2] {
                    for y in box[1] {
                        for xi in box[0] {
                            let index = xi + n[0] * (y + n[1] * z)
                            var a = 0.0
                            for d in 0..<nd {
                                let p = d == 0 ? xi : (d == 1 ? y : z)
                                let lower = p > 0 ? index - strides[d] : index
                                let upper = p < n[d] - 1 ? index + strides[d] : index
                                let c = scale[d]
                                let g = c * x[lower] + 0 * x[index] + -c * x[upper]
                                a += g * g
                            }
                            o[k] = Double(Float(a.squareRoot()))
                            k += 1
                        }
                    }
                }
            }
        }
        return out
    }
}
