import Foundation

/// PyRadiomics' `getLBP3DImage` (spherical-harmonics 3-D LBP, Banerjee et al. 2013): per ROI
/// voxel the image is sampled on an icosphere (trimesh's `icosphere`) by SciPy's cubic
/// `map_coordinates`, the samples' kurtosis is kept, and the sign pattern against the centre is
/// expanded in spherical harmonics (SciPy's `sph_harm`, PyRadiomics' argument order kept),
/// giving one rotation-invariant L2 norm per degree.
enum LBP3DImageFilter {
    /// `lbp-3D-m1` ... `lbp-3D-m<lbp3DLevels>` and `lbp-3D-k` (float64), ROI voxels filled,
    /// all other voxels 0 (PyRadiomics leaves them uninitialised). 2-D images give nothing.
    static func images(_ image: RadiomicsImage, mask: RadiomicsImage, settings: RadiomicsSettings) -> [(prefix: String, image: RadiomicsImage)] {
        guard image.dimension == 3 else { return [] }
        let levels = settings.lbp3DLevels
        let radius = settings.lbp3DIcosphereRadius
        let vertices = Icosphere.vertices(subdivisions: settings.lbp3DIcosphereSubdivision, radius: radius)
        let nv = vertices.count

        // Polar coordinates as PyRadiomics computes them, and the harmonics with its argument
        // order: sph_harm(m, n, theta, phi) takes theta as the azimuth and phi as the polar angle.
        var columns = [(m: Int, n: Int)]([(0, 0)])
        if levels > 1 {
            for n in 1..<levels {
                for m in -n...n { columns.append((m, n)) }
            }
        }
        let nc = columns.count
        var yRe = [Double](repeating: 0, count: nv * nc)
        var yIm = [Double](repeating: 0, count: nv * nc)
        for (v, p) in vertices.enumerated() {
            let theta = acos(p.2 / radius)
            let phi = atan2(p.1, p.0)
            for (col, c) in columns.enumerated() {
                let y = SphericalHarmonics.sphHarm(m: c.m, n: c.n, azimuth: theta, polar: phi)
                yRe[v * nc + col] = y.re
                yIm[v * nc + col] = y.im
            }
        }

        let shape = [image.size[2], image.size[1], image.size[0]]
        let label = Double(settings.label)
        let roi = mask.values.indices.filter { mask.values[$0] == label }
        let coefficients = CubicSpline.prefilter(image.values, shape: shape)
        var samples = [Double](repeating: 0, count: nv)
        var samples32 = [Float](repeating: 0, count: nv)
        var scratch = [Double](repeating: 0, count: nv)
        var scratch32 = [Float](repeating: 0, count: nv)
        var signs = [Bool](repeating: false, count: nv)
        var maps = [[Double]](repeating: [Double](repeating: 0, count: image.count), count: levels)
        var kurtosisMap = [Double](repeating: 0, count: image.count)
        var cRe = [Double](repeating: 0, count: nc)
        var cIm = [Double](repeating: 0, count: nc)
        var sumRe = [Double](repeating: 0, count: max(levels, 1))
        var sumIm = [Double](repeating: 0, count: max(levels, 1))
        let plane = shape[1] * shape[2]
        for index in roi {
            let z = index / plane
            let y = (index % plane) / shape[2]
            let x = index % shape[2]
            coefficients.withUnsafeBufferPointer { coefficients in
                for (v, p) in vertices.enumerated() {
                    // Vertex components are added to the array axes (z, y, x) in that order.
                    let t = CubicSpline.interpolate(coefficients, shape: shape, at: (Double(z) + p.0, Double(y) + p.1, Double(x) + p.2))
                    samples[v] = CubicSpline.store(t, as: image.pixelType)
                }
            }
            if image.pixelType == .float32 {
                for v in 0..<nv { samples32[v] = Float(samples[v]) }
                kurtosisMap[index] = Double(
                    samples32.withUnsafeBufferPointer { a in scratch32.withUnsafeMutableBufferPointer { NumPyStatistics.kurtosis(a, scratch: $0) } })
            } else {
                kurtosisMap[index] = samples.withUnsafeBufferPointer { a in scratch.withUnsafeMutableBufferPointer { NumPyStatistics.kurtosis(a, scratch: $0) } }
            }
            let centre = image.values[index]
            for v in 0..<nv { signs[v] = samples[v] >= centre }
            // c[m] = sum_v sign(v) Y_m(v), summed over v in order.
            for col in 0..<nc {
                var re = 0.0
                var im = 0.0
                for v in 0..<nv where signs[v] {
                    re += yRe[v * nc + col]
                    im += yIm[v * nc + col]
                }
                cRe[col] = re
                cIm[col] = im
            }
            // Per degree: f_n(v) = sum_m c_m Y_m(v); the norm is sqrt(sum_v f_n(v)^2) (complex square, no conjugate).
            for l in 0..<sumRe.count {
                sumRe[l] = 0
                sumIm[l] = 0
            }
            for v in 0..<nv {
                var col = 0
                for l in 0..<max(levels, 1) {
                    let width = 2 * l + 1
                    var fRe = 0.0
                    var fIm = 0.0
                    for k in col..<(col + width) {
                        let a = cRe[k]
                        let b = cIm[k]
                        let c = yRe[v * nc + k]
                        let d = yIm[v * nc + k]
                        fRe += a * c - b * d
                        fIm += a * d + b * c
                    }
                    col += width
                    sumRe[l] += fRe * fRe - fIm * fIm
                    sumIm[l] += fRe * fIm + fIm * fRe
                }
            }
            for l in 0..<levels { maps[l][index] = ComplexMath.sqrtReal(sumRe[l], sumIm[l]) }
        }
        var out = [(prefix: String, image: RadiomicsImage)]()
        for l in 0..<levels { out.append(("lbp-3D-m\(l + 1)", image.withValues(maps[l], pixelType: .float64))) }
        out.append(("lbp-3D-k", image.withValues(kurtosisMap, pixelType: .float64)))
        return out
    }
}

/// trimesh 5.2's `creation.icosphere(subdivisions, radius)`: the stored unit icosahedron,
/// subdivided (edge midpoints `(a + b) / 2`) and projected onto the sphere
/// (`v + v/|v| * (radius - |v|)`) after each subdivision (once if there is none).
enum Icosphere {
    static func vertices(subdivisions: Int, radius: Double) -> [(Double, Double, Double)] {
        let a = 0.5257311121191336
        let b = 0.85065080835204
        var points: [(Double, Double, Double)] = [
            (-a, b, 0), (a, b, 0), (-a, -b, 0), (a, -b, 0), (0, -a, b), (0, a, b),
            (0, -a, -b), (0, a, -b), (b, 0, -a), (b, 0, a), (-b, 0, -a), (-b, 0, a)
        ]
        var faces: [(Int, Int, Int)] = [
            (0, 11, 5), (0, 5, 1), (0, 1, 7), (0, 7, 10), (0, 10, 11), (1, 5, 9), (5, 11, 4), (11, 10, 2), (10, 7, 6), (7, 1, 8),
            (3, 9, 4), (3, 4, 2), (3, 2, 6), (3, 6, 8), (3, 8, 9), (4, 9, 5), (2, 4, 11), (6, 2, 10), (8, 6, 7), (9, 8, 1)
        ]
        func project() {
            for i in points.indices {
                let p = points[i]
                let scalar = (p.0 * p.0 + p.1 * p.1 + p.2 * p.2).squareRoot()
                let k = radius - scalar
                points[i] = (p.0 + p.0 / scalar * k, p.1 + p.1 / scalar * k, p.2 + p.2 / scalar * k)
            }
        }
        for _ in 0..<max(subdivisions, 0) {
            var midpoint = [Int: Int]()
            func mid(_ i: Int, _ j: Int) -> Int {
                let key = min(i, j) * 1_000_000 + max(i, j)
                if let m = midpoint[key] { return m }
                let p = points[i]
                let q = points[j]
                points.append(((p.0 + q.0) / 2, (p.1 + q.1) / 2, (p.2 + q.2) / 2))
                midpoint[key] = points.count - 1
                return points.count - 1
            }
            var next = [(Int, Int, Int)]()
            for (i, j, k) in faces {
                let ij = mid(i, j)
                let jk = mid(j, k)
                let ki = mid(k, i)
                next += [(i, ij, ki), (ij, j, jk), (ki, jk, k), (ij, jk, ki)]
            }
            faces = next
            project()
        }
        if subdivisions <= 0 { project() }
        return points
    }
}

/// SciPy's `sph_harm(m, n, theta, phi)` as it was before SciPy 1.15 (theta the azimuth, phi the
/// polar angle): `P_n^|m|(cos phi)` with the Condon-Shortley phase, the negative-order relation,
/// the normalisation `sqrt((2n+1)/(4 pi) (n-m)!/(n+m)!)` and `exp(i m theta)`. (SciPy 1.17's
/// `sph_harm_y(n, m, phi, theta)` gives the same values to 2e-16.)
enum SphericalHarmonics {
    static func sphHarm(m: Int, n: Int, azimuth theta: Double, polar phi: Double) -> (re: Double, im: Double) {
        let am = abs(m)
        let x = cos(phi)
        var value = associatedLegendre(am, n, x)
        if m < 0 {
            let sign = am % 2 == 0 ? 1.0 : -1.0
            value *= sign * factorialRatio(n - am, n + am)
        }
        value *= ((2.0 * Double(n) + 1) / 4.0 / Double.pi).squareRoot()
        value *= factorialRatio(n - m, n + m).squareRoot()
        let angle = Double(m) * theta
        return (value * cos(angle), value * sin(angle))
    }

    /// a! / b!.
    static func factorialRatio(_ a: Int, _ b: Int) -> Double {
        var r = 1.0
        if a > b {
            for k in (b + 1)...a { r *= Double(k) }
        } else if b > a {
            for k in (a + 1)...b { r /= Double(k) }
        }
        return r
    }

    /// P_n^m(x), m >= 0, with the Condon-Shortley phase (SciPy's `lpmv`).
    static func associatedLegendre(_ m: Int, _ n: Int, _ x: Double) -> Double {
        if m > n { return 0 }
        var pmm = 1.0
        if m > 0 {
            let s = ((1 - x) * (1 + x)).squareRoot()
            var fact = 1.0
            for _ in 1...m {
                pmm *= -fact * s
                fact += 2
            }
        }
        if n == m { return pmm }
        var pmmp1 = x * Double(2 * m + 1) * pmm
        if n == m + 1 { return pmmp1 }
        var pll = 0.0
        for l in (m + 2)...n {
            pll = (x * Double(2 * l - 1) * pmmp1 - Double(l + m - 1) * pmm) / Double(l - m)
            pmm = pmmp1
            pmmp1 = pll
        }
        return pll
    }
}

/// The real part of the principal complex square root.
enum ComplexMath {
    static func sqrtReal(_ x: Double, _ y: Double) -> Double {
        if x == 0 && y == 0 { return 0 }
        let r = (x * x + y * y).squareRoot()
        if x >= 0 { return ((x + r) * 0.5).squareRoot() }
        let t = ((-x + r) * 0.5).squareRoot()
        return abs(y) / (2 * t)
    }
}

/// SciPy's cubic B-spline interpolation as `map_coordinates(input, coords, order=3)` runs it
/// (mode 'constant', cval 0, prefilter on): the whole array is prefiltered along axes 0, 1, 2
/// with mirror-symmetric initialisation (`ni_splines.c`); a point with any coordinate outside
/// [0, size - 1] gives 0, others sum the 4x4x4 coefficients (mirrored at the edges) times the
/// weights, last axis fastest; the result is stored in the input's dtype.
enum CubicSpline {
    static let pole = -0.267949192431122706472553658494127633

    static func prefilter(_ values: [Double], shape: [Int]) -> [Double] {
        var c = values
        let strides = [shape[1] * shape[2], shape[2], 1]
        let z = pole
        let gain = (1.0 - z) * (1.0 - 1.0 / z)
        for axis in 0..<3 {
            let n = shape[axis]
            guard n > 1 else { continue }
            let step = strides[axis]
            var line = [Double](repeating: 0, count: n)
            let others = (0..<3).filter { $0 != axis }
            for i in 0..<shape[others[0]] {
                for j in 0..<shape[others[1]] {
                    let base = i * strides[others[0]] + j * strides[others[1]]
                    for k in 0..<n { line[k] = c[base + k * step] * gain }
                    // _init_causal_mirror
                    let zn1 = pow(z, Double(n - 1))
                    var c0 = line[0] + zn1 * line[n - 1]
                    var zi = z
                    if n > 2 {
                        for k in 1..<(n - 1) {
                            c0 += zi * (line[k] + zn1 * line[n - 1 - k])
                            zi *= z
                        }
                    }
                    line[0] = c0 / (1 - zn1 * zn1)
                    for k in 1..<n { line[k] += z * line[k - 1] }
                    line[n - 1] = (z * line[n - 2] + line[n - 1]) * z / (z * z - 1)
                    for k in stride(from: n - 2, through: 0, by: -1) { line[k] = z * (line[k + 1] - line[k]) }
                    for k in 0..<n { c[base + k * step] = line[k] }
                }
            }
        }
        return c
    }

    /// SciPy's `get_spline_interpolation_weights(x, 3)`.
    @inline(__always)
    static func weights(_ x0: Double) -> (Double, Double, Double, Double) {
        let x = x0 - floor(x0)
        let y = x
        let z = 1.0 - x
        let w1 = (y * y * (y - 2.0) * 3.0 + 4.0) / 6.0
        let w2 = (z * z * (z - 2.0) * 3.0 + 4.0) / 6.0
        let w0 = z * z * z / 6.0
        var w3 = 1.0
        w3 -= w0
        w3 -= w1
        w3 -= w2
        return (w0, w1, w2, w3)
    }

    /// An out-of-range spline index mirrored as `map_coordinate(..., NI_EXTEND_MIRROR)` does.
    @inline(__always)
    static func mirror(_ index: Int, _ n: Int) -> Int {
        if n <= 1 { return 0 }
        let s2 = 2 * n - 2
        var i = index
        if i < 0 {
            i = s2 * (-i / s2) + i
            i = i <= 1 - n ? i + s2 : -i
        } else if i >= n {
            i -= s2 * (i / s2)
            if i >= n { i = s2 - i }
        }
        return i
    }

    /// Spline indices (mirrored) and weights along one axis, nil outside [0, n - 1].
    @inline(__always)
    static func support(_ cc: Double, _ n: Int) -> (index: SIMD4<Int>, weight: SIMD4<Double>)? {
        guard cc >= 0 && cc <= Double(n - 1) else { return nil }
        let start = Int(floor(cc)) - 1
        let w = weights(cc)
        return (SIMD4(mirror(start, n), mirror(start + 1, n), mirror(start + 2, n), mirror(start + 3, n)), SIMD4(w.0, w.1, w.2, w.3))
    }

    static func interpolate(_ c: UnsafeBufferPointer<Double>, shape: [Int], at p: (Double, Double, Double)) -> Double {
        guard let az = support(p.0, shape[0]), let ay = support(p.1, shape[1]), let ax = support(p.2, shape[2]) else { return 0 }
        let sz = shape[1] * shape[2]
        let sy = shape[2]
        var t = 0.0
        for a in 0..<4 {
            for b in 0..<4 {
                let row = az.index[a] * sz + ay.index[b] * sy
                for d in 0..<4 {
                    t += ((c[row + ax.index[d]] * az.weight[a]) * ay.weight[b]) * ax.weight[d]
                }
            }
        }
        return t
    }

    /// The interpolated value as `map_coordinates` writes it into an output of the input's
    /// dtype: integers rounded half away from zero (unsigned: negatives to 0) and clamped,
    /// float32 rounded, float64 kept.
    static func store(_ t: Double, as type: PixelType) -> Double {
        switch type {
        case .float64: return t
        case .float32: return Double(Float(t))
        case .uint8, .uint16, .uint32, .uint64: return type.stored(t > 0 ? t + 0.5 : 0)
        default: return type.stored(t > 0 ? t + 0.5 : t - 0.5)
        }
    }
}

/// NumPy's and SciPy's reductions with their arithmetic: pairwise summation (`pairwise_sum`,
/// 8 accumulators, blocks of 128) and `scipy.stats.kurtosis` (Fisher, biased) in the array's
/// own precision.
enum NumPyStatistics {
    static func pairwiseSum<T: BinaryFloatingPoint>(_ a: UnsafeBufferPointer<T>, _ start: Int, _ n: Int) -> T {
        if n < 8 {
            var res: T = 0
            for i in 0..<n { res += a[start + i] }
            return res
        } else if n <= 128 {
            var (r0, r1, r2, r3) = (a[start], a[start + 1], a[start + 2], a[start + 3])
            var (r4, r5, r6, r7) = (a[start + 4], a[start + 5], a[start + 6], a[start + 7])
            var i = 8
            while i < n - (n % 8) {
                let b = start + i
                r0 += a[b]
                r1 += a[b + 1]
                r2 += a[b + 2]
                r3 += a[b + 3]
                r4 += a[b + 4]
                r5 += a[b + 5]
                r6 += a[b + 6]
                r7 += a[b + 7]
                i += 8
            }
            var res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
            while i < n {
                res += a[start + i]
                i += 1
            }
            return res
        } else {
            var n2 = n / 2
            n2 -= n2 % 8
            return pairwiseSum(a, start, n2) + pairwiseSum(a, start + n2, n - n2)
        }
    }

    static func mean<T: BinaryFloatingPoint>(_ a: UnsafeBufferPointer<T>) -> T {
        (0 + pairwiseSum(a, 0, a.count)) / T(a.count)
    }

    /// `scipy.stats.kurtosis(a)` (fisher=True, bias=True): `m4 / m2**2 - 3` with the central
    /// moments `mean(d**2)`, `mean((d**2)**2)`, NaN where `m2 <= (eps * mean)**2`; `scratch`
    /// holds at least `a.count` values.
    static func kurtosis<T: BinaryFloatingPoint>(_ a: UnsafeBufferPointer<T>, scratch: UnsafeMutableBufferPointer<T>) -> T {
        let n = a.count
        let mu = mean(a)
        for i in 0..<n {
            let d = a[i] - mu
            scratch[i] = d * d
        }
        let m2 = mean(UnsafeBufferPointer(rebasing: scratch[0..<n]))
        for i in 0..<n { scratch[i] = scratch[i] * scratch[i] }
        let m4 = mean(UnsafeBufferPointer(rebasing: scratch[0..<n]))
        let bound = T.ulpOfOne * mu
        if m2 <= bound * bound { return .nan }
        return m4 / (m2 * m2) - 3
    }
}
