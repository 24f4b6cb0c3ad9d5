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

    /// `(x / sqrt(M))^2`, computed as `c = 1 / sqrt(M)`, `(c * x)^2` (the sign is lost).
    static func square(_ values: [Double]) -> [Double] {
        let c = 1 / maxAbs(values).squareRoot()
        return values.map {
            let y = c * $0; return y * y
        }
    }

    /// `sqrt(M x)` for x > 0, `-sqrt(-x M)` for x < 0, 0 kept.
    static func squareRoot(_ values: [Double]) -> [Double] {
        let m = maxAbs(values)
        return values.map { x in
            if x > 0 { return (x * m).squareRoot() }
            if x < 0 { return -((-x) * m).squareRoot() }
            return x
        }
    }

    /// `log(x + 1)` for x > 0, `-log(-(x - 1))` for x < 0, 0 kept; then scaled by
    /// `M / max|result|`.
    static func logarithm(_ values: [Double]) -> [Double] {
        let m = maxAbs(values)
        var out = values.map { x -> Double in
            if x > 0 { return log(x + 1) }
            if x < 0 { return -log(-(x - 1)) }
            return x
        }
        let scale = m / maxAbs(out)
        for i in out.indices { out[i] *= scale }
        return out
    }

    /// `exp((log(M) / M) * x)`.
    static func exponential(_ values: [Double]) -> [Double] {
        let m = maxAbs(values)
        let c = log(m) / m
        return values.map { exp(c * $0) }
    }
}

/// PyRadiomics' `getGradientImage`: SimpleITK's `GradientMagnitudeImageFilter` (ITK 5.4) with
/// `UseImageSpacing = gradientUseSpacing`. Per axis the derivative operator (0.5, 0, -0.5),
/// scaled by 1/spacing, on the neighbours with zero-flux (edge-replicating) borders; the
/// magnitude is summed and rooted in double and stored as float32.
enum GradientImageFilter {
    static func magnitude(_ image: RadiomicsImage, useSpacing: Bool) -> [Double] {
        let nd = image.dimension
        let n = image.size
        let strides = [1, n[0], n[0] * n[1]]
        var out = [Double](repeating: 0, count: image.count)
        // ITK: coefficient 0.5 scaled by (1 / spacing); the inner product adds c*x[i-1] + 0*x[i] + (-c)*x[i+1].
        let scale = (0..<nd).map { useSpacing ? 0.5 * (1.0 / image.spacing[$0]) : 0.5 }
        image.values.withUnsafeBufferPointer { x in
            out.withUnsafeMutableBufferPointer { o in
                for z in 0..<n[2] {
                    for y in 0..<n[1] {
                        for xi in 0..<n[0] {
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
                            o[index] = Double(Float(a.squareRoot()))
                        }
                    }
                }
            }
        }
        return out
    }
}
