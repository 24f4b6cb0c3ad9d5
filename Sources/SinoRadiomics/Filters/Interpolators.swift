import Foundation

/// SimpleITK 2.5.7's `ResampleImageFilter` with PyRadiomics' settings: identity transform,
/// default value 0, every SimpleITK interpolator as `sitkCreateInterpolator` configures it.
///
/// The output voxel (i, j, k) is sampled at the input continuous index that ITK 5.4's
/// `LinearThreadedGenerateData` computes: the continuous indices `s` and `e` of the output
/// points (0, j, k) and (n_x, j, k) (index -> physical point -> input continuous index), then
/// `s + (i / n_x) * (e - s)`. It gets the default value 0 unless every component lies in
/// [-0.5, size - 0.5) (`ImageFunction::IsInsideBuffer`), whatever the interpolator's support;
/// the interpolators then handle neighbours beyond the edge themselves (clamping, mirroring,
/// the zero-flux Neumann condition or a truncated Gaussian). Values are cast to the output type
/// as ITK does (`PixelType.stored`: truncation toward zero and clamping for integer types).
extension Resampling {
    /// `sitk.ResampleImageFilter` of `image` onto `grid` with `interpolator`, output pixel type
    /// `pixelType` (the input's when nil), identity transform, default value 0.
    public static func resample(_ image: RadiomicsImage, onto grid: ImageGrid, interpolator: Interpolator, pixelType: PixelType? = nil)
        -> RadiomicsImage
    {
        let outType = pixelType ?? image.pixelType
        let source = ITKGeometry(image)
        let target = ITKGeometry(grid)
        let volume = SampledVolume(image)
        let (nx, ny, nz) = (grid.size[0], grid.size[1], grid.size[2])
        var out = [Double](repeating: 0, count: grid.count)
        if grid.count == 0 { return RadiomicsImage(grid: grid, values: out, pixelType: outType, dimension: image.dimension) }
        let lower = (-0.5, -0.5, -0.5)
        let upper = (Double(image.size[0] - 1) + 0.5, Double(image.size[1] - 1) + 0.5, Double(image.size[2] - 1) + 0.5)

        // The continuous input index of every output voxel, scanline by scanline as ITK 5.4 does.
        func forEachSample(_ body: (Int, Double, Double, Double) -> Void) {
            var offset = 0
            for k in 0..<nz {
                for j in 0..<ny {
                    let s = source.continuousIndex(target.point(index: 0, Double(j), Double(k)))
                    let e = source.continuousIndex(target.point(index: Double(nx), Double(j), Double(k)))
                    for i in 0..<nx {
                        let alpha = Double(i) / Double(nx)
                        var c0 = s.0
                        c0 += alpha * (e.0 - s.0)
                        var c1 = s.1
                        c1 += alpha * (e.1 - s.1)
                        var c2 = s.2
                        c2 += alpha * (e.2 - s.2)
                        if c0 >= lower.0 && c0 < upper.0 && c1 >= lower.1 && c1 < upper.1 && c2 >= lower.2 && c2 < upper.2 {
                            body(offset, c0, c1, c2)
                        }
                        offset += 1
                    }
                }
            }
        }

        switch interpolator {
        case .nearestNeighbor:
            forEachSample { at, c0, c1, c2 in
                let v = volume.value(ITKMath.roundHalfIntegerUp(c0), ITKMath.roundHalfIntegerUp(c1), ITKMath.roundHalfIntegerUp(c2))
                out[at] = outType.stored(v)
            }
        case .linear:
            forEachSample { at, c0, c1, c2 in out[at] = outType.stored(volume.linear(c0, c1, c2)) }
        case .bSpline:
            // Only the coefficients the samples reach are needed; first find their range.
            var low = [Int.max, Int.max, Int.max]
            var high = [Int.min, Int.min, Int.min]
            func reach(_ d: Int, _ c: Double) {
                let i = CubicBSpline.axis(c, image.size[d]).i
                low[d] = Swift.min(low[d], i.min())
                high[d] = Swift.max(high[d], i.max())
            }
            forEachSample { _, c0, c1, c2 in
                reach(0, c0)
                reach(1, c1)
                reach(2, c2)
            }
            guard low[0] != Int.max else { break }
            let spline = CubicBSpline(volume, low: low, high: high)
            forEachSample { at, c0, c1, c2 in out[at] = outType.stored(spline.value(c0, c1, c2)) }
        case .gaussian, .labelGaussian:
            let label = interpolator == .labelGaussian
            let kernel = GaussianKernel(
                spacing: image.spacing, size: image.size, sigmaFactor: label ? 1.0 : 0.8, alpha: label ? 1.0 : 4.0, planar: volume.planar)
            var scratch = GaussianKernel.Scratch(size: image.size)
            forEachSample { at, c0, c1, c2 in
                let v = label ? kernel.label(volume, c0, c1, c2, &scratch) : kernel.value(volume, c0, c1, c2, &scratch)
                out[at] = outType.stored(v)
            }
        case .hammingWindowedSinc, .cosineWindowedSinc, .welchWindowedSinc, .lanczosWindowedSinc, .blackmanWindowedSinc:
            let sinc = WindowedSinc(window: interpolator)
            let scratch = UnsafeMutablePointer<Double>.allocate(capacity: 6 * WindowedSinc.radius)
            let index = UnsafeMutablePointer<Int>.allocate(capacity: 6 * WindowedSinc.radius)
            defer {
                scratch.deallocate()
                index.deallocate()
            }
            forEachSample { at, c0, c1, c2 in
                out[at] = outType.stored(sinc.value(volume, c0, c1, c2, scratch: scratch, index: index))
            }
        }
        return RadiomicsImage(grid: grid, values: out, pixelType: outType, dimension: image.dimension)
    }
}

extension RadiomicsImage {
    /// An image on `grid`.
    init(grid: ImageGrid, values: [Double], pixelType: PixelType, dimension: Int) {
        self.init(
            size: grid.size, spacing: grid.spacing, origin: grid.origin, direction: grid.direction, values: values, pixelType: pixelType,
            dimension: dimension)
    }
}

/// The input of an interpolator: values x fastest, sizes, and whether it is a 2-D image (ITK
/// then interpolates in the plane only; a single-slice 3-D image is interpolated in 3-D).
struct SampledVolume {
    let values: [Double]
    let nx: Int
    let ny: Int
    let nz: Int
    let planar: Bool

    init(_ image: RadiomicsImage) {
        values = image.values
        nx = image.size[0]
        ny = image.size[1]
        nz = image.size[2]
        planar = image.dimension == 2 && image.size[2] == 1
    }

    @inline(__always)
    func value(_ x: Int, _ y: Int, _ z: Int) -> Double { values[x + nx * (y + ny * z)] }

    /// `LinearInterpolateImageFunction::EvaluateOptimized`: x, then y, then z; an axis whose
    /// distance is <= 0 or whose upper neighbour is past the edge contributes nothing (the
    /// formula below then reproduces each of ITK's special cases exactly).
    @inline(__always)
    func linear(_ c0: Double, _ c1: Double, _ c2: Double) -> Double {
        var bx = ITKMath.floor(c0)
        if bx < 0 { bx = 0 }
        var by = ITKMath.floor(c1)
        if by < 0 { by = 0 }
        var bz = ITKMath.floor(c2)
        if bz < 0 { bz = 0 }
        var d0 = c0 - Double(bx)
        var d1 = c1 - Double(by)
        var d2 = planar ? 0 : c2 - Double(bz)
        if d0 <= 0 && d1 <= 0 && d2 <= 0 { return value(bx, by, bz) }
        if d0 <= 0 { d0 = 0 }
        if d1 <= 0 { d1 = 0 }
        if d2 <= 0 { d2 = 0 }
        let x1 = d0 > 0 && bx + 1 < nx ? bx + 1 : bx
        let y1 = d1 > 0 && by + 1 < ny ? by + 1 : by
        let z1 = d2 > 0 && bz + 1 < nz ? bz + 1 : bz
        let v000 = value(bx, by, bz)
        let v100 = value(x1, by, bz)
        let v010 = value(bx, y1, bz)
        let v110 = value(x1, y1, bz)
        let valx00 = v000 + (v100 - v000) * d0
        let valx10 = v010 + (v110 - v010) * d0
        let valxx0 = valx00 + (valx10 - valx00) * d1
        if d2 <= 0 { return valxx0 }
        let v001 = value(bx, by, z1)
        let v101 = value(x1, by, z1)
        let v011 = value(bx, y1, z1)
        let v111 = value(x1, y1, z1)
        let valx01 = v001 + (v101 - v001) * d0
        let valx11 = v011 + (v111 - v011) * d0
        let valxx1 = valx01 + (valx11 - valx01) * d1
        return valxx0 + (valxx1 - valxx0) * d2
    }
}

/// `BSplineInterpolateImageFunction` of order 3 with double coefficients from
/// `BSplineDecompositionImageFilter` (mirror boundaries, pole sqrt(3) - 2, tolerance 1e-10).
///
/// The decomposition runs along x on every line of the image, then along y and z; each line is
/// independent, so only the lines that reach the coefficients in [low, high] (clamped to the
/// image) are filtered, and only that box is kept: the same numbers as ITK's whole-image filter.
struct CubicBSpline {
    private let coefficients: [Double]
    private let box: (x0: Int, y0: Int, z0: Int, nx: Int, ny: Int)
    private let size: (Int, Int, Int)
    private let planar: Bool

    static let pole = 3.0.squareRoot() - 2.0
    static let tolerance = 1e-10
    /// ceil(log(tolerance) / log|pole|) = 18.
    static let horizon = Int(Foundation.ceil(Foundation.log(tolerance) / Foundation.log(Swift.abs(pole))))

    init(_ volume: SampledVolume, low: [Int], high: [Int]) {
        let n = [volume.nx, volume.ny, volume.nz]
        let lo = (0..<3).map { Swift.max(0, Swift.min(low[$0], n[$0] - 1)) }
        let hi = (0..<3).map { Swift.max(lo[$0], Swift.min(high[$0], n[$0] - 1)) }
        let (nx, ny, nz) = (n[0], n[1], n[2])
        let bx = hi[0] - lo[0] + 1
        let by = hi[1] - lo[1] + 1
        let bz = hi[2] - lo[2] + 1
        let scratch = UnsafeMutablePointer<Double>.allocate(capacity: Swift.max(nx, ny, nz))
        defer { scratch.deallocate() }
        // x pass on every line, keeping x in [lo0, hi0]: stage1[x' + bx * (y + ny * z)].
        var stage1 = [Double](repeating: 0, count: bx * ny * nz)
        volume.values.withUnsafeBufferPointer { v in
            stage1.withUnsafeMutableBufferPointer { out in
                for line in 0..<(ny * nz) {
                    scratch.update(from: v.baseAddress! + nx * line, count: nx)
                    Self.filterLine(scratch, nx)
                    (out.baseAddress! + bx * line).update(from: scratch + lo[0], count: bx)
                }
            }
        }
        // y pass on the kept columns, keeping y in [lo1, hi1]: stage2[x' + bx * (y' + by * z)].
        var stage2 = [Double](repeating: 0, count: bx * by * nz)
        stage1.withUnsafeBufferPointer { input in
            stage2.withUnsafeMutableBufferPointer { out in
                for z in 0..<nz {
                    for x in 0..<bx {
                        for y in 0..<ny { scratch[y] = input[x + bx * (y + ny * z)] }
                        Self.filterLine(scratch, ny)
                        for y in 0..<by { out[x + bx * (y + by * z)] = scratch[lo[1] + y] }
                    }
                }
            }
        }
        // z pass, keeping z in [lo2, hi2].
        var stage3 = [Double](repeating: 0, count: bx * by * bz)
        stage2.withUnsafeBufferPointer { input in
            stage3.withUnsafeMutableBufferPointer { out in
                for y in 0..<by {
                    for x in 0..<bx {
                        for z in 0..<nz { scratch[z] = input[x + bx * (y + by * z)] }
                        Self.filterLine(scratch, nz)
                        for z in 0..<bz { out[x + bx * (y + by * z)] = scratch[lo[2] + z] }
                    }
                }
            }
        }
        coefficients = stage3
        box = (lo[0], lo[1], lo[2], bx, by)
        size = (nx, ny, nz)
        planar = volume.planar
    }

    /// `DataToCoefficients1D` for one line of length `n` held in `c`.
    static func filterLine(_ c: UnsafeMutablePointer<Double>, _ n: Int) {
        if n == 1 { return }
        let z = pole
        var gain = 1.0
        gain = gain * (1.0 - z) * (1.0 - 1.0 / z)
        for i in 0..<n { c[i] *= gain }
        // Causal initialisation (mirror boundaries).
        var zn = z
        if horizon < n {
            var sum = c[0]
            for i in 1..<horizon {
                sum += zn * c[i]
                zn *= z
            }
            c[0] = sum
        } else {
            let iz = 1.0 / z
            var z2n = Foundation.pow(z, Double(n - 1))
            var sum = c[0] + z2n * c[n - 1]
            z2n *= z2n * iz
            if n >= 3 {
                for i in 1...(n - 2) {
                    sum += (zn + z2n) * c[i]
                    zn *= z
                    z2n *= iz
                }
            }
            c[0] = sum / (1.0 - zn * zn)
        }
        for i in 1..<n { c[i] += z * c[i - 1] }
        c[n - 1] = (z / (z * z - 1.0)) * (z * c[n - 2] + c[n - 1])
        var i = n - 2
        while i >= 0 {
            c[i] = z * (c[i + 1] - c[i])
            i -= 1
        }
    }

    /// The four weights and mirrored indices along one axis.
    @inline(__always)
    static func axis(_ x: Double, _ n: Int) -> (w: SIMD4<Double>, i: SIMD4<Int>) {
        // DetermineRegionOfSupport: floor of the float-rounded index, minus 1.
        let first = Int(Float(x).rounded(.down)) - 1
        let w = x - Double(first + 1)
        let w3 = (1.0 / 6.0) * w * w * w
        let w0 = (1.0 / 6.0) + 0.5 * w * (w - 1.0) - w3
        let w2 = w + w0 - 2.0 * w3
        let w1 = 1.0 - w0 - w2 - w3
        return (SIMD4(w0, w1, w2, w3), SIMD4(mirror(first, n), mirror(first + 1, n), mirror(first + 2, n), mirror(first + 3, n)))
    }

    /// `ApplyMirrorBoundaryConditions`.
    @inline(__always)
    static func mirror(_ k: Int, _ n: Int) -> Int {
        if n == 1 { return 0 }
        let end = n - 1
        var m = k
        if m < 0 { m = -m }
        if m >= end { m = end - (m - end) }
        // ITK stops here; a 2-sample axis can still fall outside (ITK then reads past its
        // buffer). Fold once more so the index is valid.
        if m < 0 || m > end {
            let period = 2 * end
            m = ((k % period) + period) % period
            if m > end { m = period - m }
        }
        return m
    }

    /// The interpolated value: the 64 (16 for a 2-D image) coefficients weighted, x fastest,
    /// each weight the product 1 * wx * wy * wz.
    func value(_ c0: Double, _ c1: Double, _ c2: Double) -> Double {
        let (wx, mx) = Self.axis(c0, size.0)
        let (wy, my) = Self.axis(c1, size.1)
        let ix = mx &- SIMD4(repeating: box.x0)
        let iy = my &- SIMD4(repeating: box.y0)
        var interpolated = 0.0
        return coefficients.withUnsafeBufferPointer { coefficient in
            if planar {
                for q in 0..<4 {
                    for p in 0..<4 {
                        var w = 1.0
                        w *= wx[p]
                        w *= wy[q]
                        interpolated += w * coefficient[ix[p] + box.nx * iy[q]]
                    }
                }
                return interpolated
            }
            let (wz, mz) = Self.axis(c2, size.2)
            let iz = mz &- SIMD4(repeating: box.z0)
            for r in 0..<4 {
                for q in 0..<4 {
                    let row = box.nx * (iy[q] + box.ny * iz[r])
                    for p in 0..<4 {
                        var w = 1.0
                        w *= wx[p]
                        w *= wy[q]
                        w *= wz[r]
                        interpolated += w * coefficient[row + ix[p]]
                    }
                }
            }
            return interpolated
        }
    }
}

/// `WindowedSincInterpolateImageFunction` with radius 5 and the zero-flux Neumann boundary
/// condition (neighbours beyond the edge take the edge value), as SimpleITK builds it.
struct WindowedSinc {
    static let radius = 5
    let window: Interpolator

    /// The window function at `a` (ITK's `Function::<Name>WindowFunction<5>`).
    @inline(__always)
    func windowValue(_ a: Double) -> Double {
        let m = Double(Self.radius)
        switch window {
        case .hammingWindowedSinc: return 0.54 + 0.46 * Foundation.cos(a * (Double.pi / m))
        case .cosineWindowedSinc: return Foundation.cos(a * (Double.pi / (2 * m)))
        case .welchWindowedSinc: return 1.0 - a * (1.0 / (m * m)) * a
        case .lanczosWindowedSinc:
            if a == 0 { return 1 }
            let z = (Double.pi / m) * a
            return Foundation.sin(z) / z
        default: return 0.42 + 0.5 * Foundation.cos(a * (Double.pi / m)) + 0.08 * Foundation.cos(a * (2.0 * Double.pi / m))
        }
    }

    @inline(__always)
    private func sinc(_ x: Double) -> Double {
        let px = Double.pi * x
        return x == 0 ? 1 : Foundation.sin(px) / px
    }

    /// Weights for offsets -4 ... 5 from the floor of `c` into `w`, the clamped (zero-flux
    /// Neumann) neighbour indices into `at`.
    @inline(__always)
    private func axis(_ c: Double, _ n: Int, _ w: UnsafeMutablePointer<Double>, _ at: UnsafeMutablePointer<Int>) {
        let r = Self.radius
        let base = ITKMath.floor(c)
        let distance = c - Double(base)
        if distance == 0 {
            for i in 0..<(2 * r) { w[i] = i == r - 1 ? 1 : 0 }
        } else {
            var x = distance + Double(r)
            for i in 0..<(2 * r) {
                x -= 1.0
                w[i] = windowValue(x) * sinc(x)
            }
        }
        for i in 0..<(2 * r) { at[i] = Swift.min(Swift.max(base + i - (r - 1), 0), n - 1) }
    }

    /// The interpolated value: neighbours z outer, x inner, each value multiplied by its x, y and
    /// z weights in turn and added to a running sum. `scratch` holds 60 doubles, `index` 30 ints.
    func value(
        _ volume: SampledVolume, _ c0: Double, _ c1: Double, _ c2: Double, scratch: UnsafeMutablePointer<Double>,
        index: UnsafeMutablePointer<Int>
    ) -> Double {
        let n = 2 * Self.radius
        let (wx, wy, wz) = (scratch, scratch + n, scratch + 2 * n)
        let (xs, ys, zs) = (index, index + n, index + 2 * n)
        axis(c0, volume.nx, wx, xs)
        axis(c1, volume.ny, wy, ys)
        var sum = 0.0
        return volume.values.withUnsafeBufferPointer { values in
            if volume.planar {
                for q in 0..<n {
                    for p in 0..<n {
                        var v = values[xs[p] + volume.nx * ys[q]]
                        v *= wx[p]
                        v *= wy[q]
                        sum += v
                    }
                }
                return sum
            }
            axis(c2, volume.nz, wz, zs)
            for s in 0..<n {
                for q in 0..<n {
                    let row = volume.nx * (ys[q] + volume.ny * zs[s])
                    for p in 0..<n {
                        var v = values[row + xs[p]]
                        v *= wx[p]
                        v *= wy[q]
                        v *= wz[s]
                        sum += v
                    }
                }
            }
            return sum
        }
    }
}

/// `GaussianInterpolateImageFunction` (sitkGaussian: sigma = 0.8 * spacing, alpha = 4) and
/// `LabelImageGaussianInterpolateImageFunction` (sitkLabelGaussian: sigma = spacing, alpha = 1):
/// per-axis weights are differences of `vnl_erf` (an incomplete-gamma series accurate to about
/// 3e-7, not the C library's erf) over voxel edges, truncated to the image and the cut-off.
struct GaussianKernel {
    private let scaling: [Double]
    private let cutoff: [Double]
    private let size: [Int]
    private let planar: Bool

    struct Scratch {
        var erf: [[Double]]
        var labels: [Double] = []
        var weights: [Double] = []
        init(size: [Int]) { erf = size.map { [Double](repeating: 0, count: $0) } }
    }

    init(spacing: [Double], size: [Int], sigmaFactor: Double, alpha: Double, planar: Bool) {
        let sigma = spacing.map { sigmaFactor * $0 }
        scaling = (0..<3).map { 1.0 / (2.0.squareRoot() * sigma[$0] / spacing[$0]) }
        cutoff = (0..<3).map { sigma[$0] * alpha / spacing[$0] }
        self.size = size
        self.planar = planar
    }

    /// The range [begin, end) of voxels along axis `d` and their erf differences in `erf`.
    private func axis(_ d: Int, _ c: Double, _ erf: inout [Double]) -> (Int, Int) {
        let start = -0.5
        let boxSize = Int(Double(size[d]) - 0.5 - start + 0.5)
        let begin = Swift.max(0, Int(Foundation.floor(c - start - cutoff[d])))
        let end = Swift.min(boxSize, Int(Foundation.ceil(c - start + cutoff[d])))
        var t = (start - c + Double(begin)) * scaling[d]
        var last = VNLErf.erf(t)
        if begin < end {
            for i in begin..<end {
                t += scaling[d]
                let now = VNLErf.erf(t)
                erf[i] = now - last
                last = now
            }
        }
        return (begin, end)
    }

    func value(_ volume: SampledVolume, _ c0: Double, _ c1: Double, _ c2: Double, _ scratch: inout Scratch) -> Double {
        let rx = axis(0, c0, &scratch.erf[0])
        let ry = axis(1, c1, &scratch.erf[1])
        let rz = planar ? (0, 1) : axis(2, c2, &scratch.erf[2])
        var sumValue = 0.0
        var sumWeight = 0.0
        let ex = scratch.erf[0]
        let ey = scratch.erf[1]
        let ez = scratch.erf[2]
        for z in rz.0..<Swift.max(rz.0, rz.1) {
            for y in ry.0..<Swift.max(ry.0, ry.1) {
                for x in rx.0..<Swift.max(rx.0, rx.1) {
                    var w = ex[x]
                    w *= ey[y]
                    if !planar { w *= ez[z] }
                    let v = volume.value(x, y, z)
                    sumValue += v * w
                    sumWeight += w
                }
            }
        }
        return sumValue / sumWeight
    }

    /// The label whose summed weight first reaches the running maximum (ties keep the earlier
    /// label), as `LabelImageGaussianInterpolateImageFunction` walks the region x fastest.
    func label(_ volume: SampledVolume, _ c0: Double, _ c1: Double, _ c2: Double, _ scratch: inout Scratch) -> Double {
        let rx = axis(0, c0, &scratch.erf[0])
        let ry = axis(1, c1, &scratch.erf[1])
        let rz = planar ? (0, 1) : axis(2, c2, &scratch.erf[2])
        var labels = scratch.labels
        var weights = scratch.weights
        labels.removeAll(keepingCapacity: true)
        weights.removeAll(keepingCapacity: true)
        defer {
            scratch.labels = labels
            scratch.weights = weights
        }
        var best = 0.0
        var bestWeight = 0.0
        let ex = scratch.erf[0]
        let ey = scratch.erf[1]
        let ez = scratch.erf[2]
        for z in rz.0..<Swift.max(rz.0, rz.1) {
            for y in ry.0..<Swift.max(ry.0, ry.1) {
                for x in rx.0..<Swift.max(rx.0, rx.1) {
                    var w = ex[x]
                    w *= ey[y]
                    if !planar { w *= ez[z] }
                    let v = volume.value(x, y, z)
                    let total: Double
                    if let at = labels.firstIndex(of: v) {
                        weights[at] += w
                        total = weights[at]
                    } else {
                        labels.append(v)
                        weights.append(w)
                        total = w
                    }
                    if total > bestWeight {
                        bestWeight = total
                        best = v
                    }
                }
            }
        }
        return best
    }
}

/// `vnl_erf`: P(1/2, x^2) from `vnl_gamma_p` (series below a + 1, Lentz's continued fraction
/// above; relative tolerance 3e-7, at most 100 terms) with `vnl_log_gamma`'s Lanczos fit.
enum VNLErf {
    static func erf(_ x: Double) -> Double { x < 0 ? -gammaP(0.5, x * x) : gammaP(0.5, x * x) }

    private static let maxRelError = 3.0e-7
    private static let verySmall = 1.0e-30

    static func logGamma(_ x: Double) -> Double {
        var zp = 2.50662827563479526904
        zp += 225.525584619175212544 / x
        zp -= 268.295973841304927459 / (x + 1.0)
        zp += 80.9030806934622512966 / (x + 2.0)
        zp -= 5.00757863970517583837 / (x + 3.0)
        zp += 0.0114684895434781459556 / (x + 4.0)
        let x1 = x + 4.65
        return Foundation.log(zp) + (x - 0.5) * Foundation.log(x1) - x1
    }

    private static func series(_ a: Double, _ x: Double) -> Double {
        guard x > 0 else { return 0 }
        var ai = a
        var term = 1.0 / a
        var sum = term
        for _ in 1...100 {
            ai += 1
            term *= x / ai
            sum += term
            if Swift.abs(term) < Swift.abs(sum) * maxRelError { break }
        }
        return sum * Foundation.exp(-x + a * Foundation.log(x) - logGamma(a))
    }

    private static func continuedFraction(_ a: Double, _ x: Double) -> Double {
        var b = x + 1.0 - a
        var c = 1.0 / verySmall
        var d = 1.0 / b
        var cf = d
        for i in 1...100 {
            let ai = Double(i) * (a - Double(i))
            b += 2.0
            d = ai * d + b
            if Swift.abs(d) < verySmall { d = verySmall }
            c = b + ai / c
            if Swift.abs(c) < verySmall { c = verySmall }
            d = 1.0 / d
            let delta = d * c
            cf *= delta
            if Swift.abs(delta - 1.0) < maxRelError { break }
        }
        return Foundation.exp(-x + a * Foundation.log(x) - logGamma(a)) * cf
    }

    static func gammaP(_ a: Double, _ x: Double) -> Double { x < a + 1.0 ? series(a, x) : 1.0 - continuedFraction(a, x) }
}
