import CSinoKernels
import Foundation

/// The coefficients of ITK's `RecursiveGaussianImageFilter` (Deriche's 4th-order IIR
/// approximation) for one direction, as `SetUp`, `ComputeNCoefficients`,
/// `ComputeDCoefficients` and `ComputeRemainingCoefficients` compute them (ITK 5.4, double).
struct RecursiveGaussianCoefficients {
    var n0 = 0.0, n1 = 0.0, n2 = 0.0, n3 = 0.0
    var d1 = 0.0, d2 = 0.0, d3 = 0.0, d4 = 0.0
    var m1 = 0.0, m2 = 0.0, m3 = 0.0, m4 = 0.0
    var bn1 = 0.0, bn2 = 0.0, bn3 = 0.0, bn4 = 0.0
    var bm1 = 0.0, bm2 = 0.0, bm3 = 0.0, bm4 = 0.0

    enum Order { case zero, second }

    /// `sigma` in mm, `spacing` the pixel size along the direction, `normalizeAcrossScale` as
    /// `LaplacianRecursiveGaussianImageFilter` sets it (PyRadiomics: true).
    init(sigma: Double, spacing: Double, order: Order, normalizeAcrossScale: Bool) {
        let sigmad = sigma / spacing
        let a1: [Double] = [1.3530, -0.6724, -1.3563]
        let b1: [Double] = [1.8151, -3.4327, 5.2318]
        let w1 = 0.6681
        let l1 = -1.3932
        let a2: [Double] = [-0.3531, 0.6724, 0.3446]
        let b2: [Double] = [0.0902, 0.6100, -2.2355]
        let w2 = 2.0787
        let l2 = -1.3732

        // ComputeDCoefficients
        let cos1 = cos(w1 / sigmad)
        let cos2 = cos(w2 / sigmad)
        let exp1 = exp(l1 / sigmad)
        let exp2 = exp(l2 / sigmad)
        d4 = exp1 * exp1 * exp2 * exp2
        d3 = -2 * cos1 * exp1 * exp2 * exp2
        d3 += -2 * cos2 * exp2 * exp1 * exp1
        d2 = 4 * cos2 * cos1 * exp1 * exp2
        d2 += exp1 * exp1 + exp2 * exp2
        d1 = -2 * (exp2 * cos2 + exp1 * cos1)
        let sd = 1.0 + d1 + d2 + d3 + d4
        let dd = d1 + 2 * d2 + 3 * d3 + 4 * d4
        let ed = d1 + 4 * d2 + 9 * d3 + 16 * d4

        switch order {
        case .zero:
            let c = Self.nCoefficients(sigmad, a1[0], b1[0], w1, l1, a2[0], b2[0], w2, l2)
            let alpha0 = 2 * c.sn / sd - c.n0
            let scale = 1.0 / alpha0
            n0 = c.n0 * scale
            n1 = c.n1 * scale
            n2 = c.n2 * scale
            n3 = c.n3 * scale
        case .second:
            let acrossScale = normalizeAcrossScale ? sigma * sigma : 1.0
            let c0 = Self.nCoefficients(sigmad, a1[0], b1[0], w1, l1, a2[0], b2[0], w2, l2)
            let c2 = Self.nCoefficients(sigmad, a1[2], b1[2], w1, l1, a2[2], b2[2], w2, l2)
            let beta = -(2 * c2.sn - sd * c2.n0) / (2 * c0.sn - sd * c0.n0)
            n0 = c2.n0 + beta * c0.n0
            n1 = c2.n1 + beta * c0.n1
            n2 = c2.n2 + beta * c0.n2
            n3 = c2.n3 + beta * c0.n3
            let sn = c2.sn + beta * c0.sn
            let dn = c2.dn + beta * c0.dn
            let en = c2.en + beta * c0.en
            var alpha2 = en * sd * sd - ed * sn * sd - 2 * dn * dd * sd + 2 * dd * dd * sn
            alpha2 /= sd * sd * sd
            let scale = acrossScale / alpha2
            n0 *= scale
            n1 *= scale
            n2 *= scale
            n3 *= scale
        }
        // ComputeRemainingCoefficients(symmetric: true); both orders used here are symmetric.
        m1 = n1 - d1 * n0
        m2 = n2 - d2 * n0
        m3 = n3 - d3 * n0
        m4 = -d4 * n0
        let sn = n0 + n1 + n2 + n3
        let sm = m1 + m2 + m3 + m4
        let sdr = 1.0 + d1 + d2 + d3 + d4
        bn1 = d1 * sn / sdr
        bn2 = d2 * sn / sdr
        bn3 = d3 * sn / sdr
        bn4 = d4 * sn / sdr
        bm1 = d1 * sm / sdr
        bm2 = d2 * sm / sdr
        bm3 = d3 * sm / sdr
        bm4 = d4 * sm / sdr
    }

    // swiftlint:disable:next function_parameter_count
    private static func nCoefficients(
        _ sigmad: Double, _ a1: Double, _ b1: Double, _ w1: Double, _ l1: Double, _ a2: Double, _ b2: Double, _ w2: Double, _ l2: Double
    ) -> (n0: Double, n1: Double, n2: Double, n3: Double, sn: Double, dn: Double, en: Double) {
        let sin1 = sin(w1 / sigmad)
        let sin2 = sin(w2 / sigmad)
        let cos1 = cos(w1 / sigmad)
        let cos2 = cos(w2 / sigmad)
        let exp1 = exp(l1 / sigmad)
        let exp2 = exp(l2 / sigmad)
        let n0 = a1 + a2
        var n1 = exp2 * (b2 * sin2 - (a2 + 2 * a1) * cos2)
        n1 += exp1 * (b1 * sin1 - (a1 + 2 * a2) * cos1)
        var n2 = (a1 + a2) * cos2 * cos1
        n2 -= b1 * cos2 * sin1 + b2 * cos1 * sin2
        n2 *= 2 * exp1 * exp2
        n2 += a2 * exp1 * exp1 + a1 * exp2 * exp2
        var n3 = exp2 * exp1 * exp1 * (b2 * sin2 - a2 * cos2)
        n3 += exp1 * exp2 * exp2 * (b1 * sin1 - a1 * cos1)
        let sn = n0 + n1 + n2 + n3
        let dn = n1 + 2 * n2 + 3 * n3
        let en = n1 + 4 * n2 + 9 * n3
        return (n0, n1, n2, n3, sn, dn, en)
    }
}

/// PyRadiomics' `getLoGImage`: SimpleITK's `LaplacianRecursiveGaussianImageFilter` with
/// `NormalizeAcrossScale`, reproduced pass by pass (ITK 5.4 / SimpleITK 2.5.7, bit-identical).
enum LoGImageFilter {
    /// The images `getLoGImage` yields: none if an image axis has fewer than 4 voxels; per
    /// sigma (in settings order) the values of one float32 image named by `SigmaValue.prefix`,
    /// skipping sigma <= 0 and sigmas with some `size_d < ceil(sigma / spacing_d) + 1`. With
    /// `region` (ITK-order inclusive box, see `ImageTypeFilters.images`) only the voxels inside
    /// it are computed (bit-identical to the full image there) and returned, x fastest.
    static func laplacians(_ image: RadiomicsImage, settings: RadiomicsSettings, region: [ClosedRange<Int>]? = nil) -> [(
        prefix: String, values: [Double]
    )] {
        let nd = image.dimension
        let size = Array(image.size[0..<nd])
        let spacing = Array(image.spacing[0..<nd])
        if size.min()! < 4 { return [] }
        var out = [(prefix: String, values: [Double])]()
        var workspace = WorkspacePool.shared.take()
        defer { WorkspacePool.shared.give(workspace) }
        let sigmas = settings.sigma.filter { sigma in
            sigma.value > 0 && (0..<nd).allSatisfy { Double(size[$0]) >= (sigma.value / spacing[$0]).rounded(.up) + 1 }
        }
        // Every sigma's first pass along x reads the image's rows interleaved alike: once for all.
        let (nx, ny) = (image.size[0], image.size[1])
        let width = (ny + 3) & ~3
        var rows = workspace.rows
        workspace.rows = []
        defer { workspace.rows = rows }
        if sigmas.count > 1 {
            if rows.count != nx * width * image.size[2] { rows = [Double](repeating: 0, count: nx * width * image.size[2]) }
            image.values.withUnsafeBufferPointer { v in
                rows.withUnsafeMutableBufferPointer { r in
                    for z in 0..<image.size[2] { sino_lines_from_rows_f64(v.baseAddress! + z * nx * ny, nx, ny, nx, r.baseAddress! + z * nx * width, width) }
                }
            }
        }
        for sigma in sigmas {
            let values = rows.withUnsafeBufferPointer { r in
                laplacian(image, sigma: sigma.value, region: region, workspace: &workspace, interleavedRows: sigmas.count > 1 ? r.baseAddress! : nil)
            }
            out.append((sigma.prefix, values))
        }
        return out
    }

    /// `LaplacianRecursiveGaussianImageFilter::GenerateData`: for each ITK direction d, the
    /// second-order recursive Gaussian along d then zero-order ones along the other directions
    /// in increasing order (each pass stores float32), accumulated as
    /// `acc = float(acc + L_d * (1 / spacing_d^2))`.
    ///
    /// With `region`, each pass filters only the lines later passes read: a pass along a
    /// direction needs whole lines along it, but only at the coordinates (on the other axes) that
    /// its output is needed at. Working back from the region, the k-th pass of a chain needs its
    /// output inside the region along the directions filtered up to it and over the full extent
    /// along those filtered after it, so it runs the lines whose coordinates lie inside the region
    /// along the directions filtered before it. Every line's arithmetic is unchanged, so the
    /// values inside the region are bit-identical. Only the region's values are returned (x
    /// fastest): the accumulator is the region's size.
    static func laplacian(_ image: RadiomicsImage, sigma: Double, region: [ClosedRange<Int>]? = nil) -> [Double] {
        var workspace = Workspace()
        return laplacian(image, sigma: sigma, region: region, workspace: &workspace)
    }

    /// Buffers `laplacian` reuses from one sigma to the next: the two ping-pong images and the
    /// interleaved lines of `filterAlong`.
    struct Workspace {
        var pass = [Float]()
        var next = [Float]()
        var scratch = [Double]()
        /// The image's x lines interleaved per z-plane (`filterAlong`'s copy for its first pass
        /// along x), shared by every sigma.
        var rows = [Double]()
    }

    /// One `Workspace` kept between `images` calls (fresh pages of multi-megabyte buffers cost
    /// more than the filtering on small images). A caller that finds it taken uses a new one.
    final class WorkspacePool: @unchecked Sendable {
        static let shared = WorkspacePool()
        private let lock = NSLock()
        private var stored: Workspace?

        func take() -> Workspace {
            lock.lock()
            defer { lock.unlock() }
            let out = stored ?? Workspace()
            stored = nil
            return out
        }

        func give(_ workspace: Workspace) {
            lock.lock()
            defer { lock.unlock() }
            stored = workspace
        }
    }

    /// `laplacian` with reused buffers. Every value a pass reads was written by the pass before it
    /// in the same chain, so stale values left in the workspace are never read.
    /// `interleavedRows`: the image's rows interleaved per z-plane as `filterAlong` copies them
    /// along x (nx rows of (ny + 3) & ~3 lanes per plane), made once by the caller for every sigma.
    static func laplacian(
        _ image: RadiomicsImage, sigma: Double, region: [ClosedRange<Int>]?, workspace: inout Workspace, interleavedRows: UnsafePointer<Double>? = nil
    ) -> [Double] {
        let nd = image.dimension
        let count = image.count
        let full = (0..<3).map { 0...(image.size[$0] - 1) }
        let box = region ?? full
        // The float32 accumulator over the box, held as doubles (every value is a float32 value).
        var acc = [Double](repeating: 0, count: box[0].count * box[1].count * box[2].count)
        // Two ping-pong buffers: every value a pass reads was written by the pass before it.
        var pass = workspace.pass
        var next = workspace.next
        var scratch = workspace.scratch
        let rows = workspace.rows
        workspace = Workspace()
        defer { workspace = Workspace(pass: pass, next: next, scratch: scratch, rows: rows) }
        if pass.count != count { pass = [Float](repeating: 0, count: count) }
        if next.count != count { next = [Float](repeating: 0, count: count) }
        for d in 0..<nd {
            let order = [d] + (0..<nd).filter { $0 != d }
            var fused = false
            for (k, axis) in order.enumerated() {
                var lines = full
                for j in 0..<k { lines[order[j]] = box[order[j]] }
                if k == 0 {
                    let second = RecursiveGaussianCoefficients(sigma: sigma, spacing: image.spacing[d], order: .second, normalizeAcrossScale: true)
                    image.values.withUnsafeBufferPointer { input in
                        pass.withUnsafeMutableBufferPointer { output in
                            filterAlong(
                                axis, size: image.size, lines: lines, coefficients: second, input: input, output: output, scratch: &scratch, needed: box[axis],
                                interleavedRows: interleavedRows)
                        }
                    }
                } else if k == order.count - 1 && axis != 0 {
                    // The last pass of the chain (along y or z) adds its float32 outputs inside
                    // the box straight into the accumulator.
                    let zero = RecursiveGaussianCoefficients(sigma: sigma, spacing: image.spacing[axis], order: .zero, normalizeAcrossScale: true)
                    let factor = 1.0 / (image.spacing[d] * image.spacing[d])
                    pass.withUnsafeBufferPointer { input in
                        next.withUnsafeMutableBufferPointer { output in
                            acc.withUnsafeMutableBufferPointer { a in
                                let into = Accumulation(acc: a.baseAddress!, factor: factor, box: box, along: axis)
                                filterAlong(
                                    axis, size: image.size, lines: lines, coefficients: zero, input: input, output: output, scratch: &scratch, accumulate: into,
                                    needed: box[axis])
                            }
                        }
                    }
                    fused = true
                } else {
                    let zero = RecursiveGaussianCoefficients(sigma: sigma, spacing: image.spacing[axis], order: .zero, normalizeAcrossScale: true)
                    pass.withUnsafeBufferPointer { input in
                        next.withUnsafeMutableBufferPointer { output in
                            filterAlong(
                                axis, size: image.size, lines: lines, coefficients: zero, input: input, output: output, scratch: &scratch, needed: box[axis])
                        }
                    }
                    swap(&pass, &next)
                }
            }
            if fused { continue }
            let factor = 1.0 / (image.spacing[d] * image.spacing[d])
            let (nx, ny) = (image.size[0], image.size[1])
            acc.withUnsafeMutableBufferPointer { a in
                pass.withUnsafeBufferPointer { p in
                    var k = 0
                    for z in box[2] {
                        for y in box[1] {
                            let row = nx * (y + ny * z)
                            for i in (row + box[0].lowerBound)...(row + box[0].upperBound) {
                                a[k] = Double(Float(a[k] + Double(p[i]) * factor))
                                k += 1
                            }
                        }
                    }
                }
            }
        }
        return acc
    }

    /// Runs `FilterDataArray` on the lines along `direction` (0 = x) whose coordinates on the
    /// other axes lie in `lines` (ITK order; the entry for `direction` is ignored: lines are
    /// always whole), a block of neighbouring lines at a time, interleaved so that the same
    /// arithmetic runs across the lines of a block (4 or 8 lines per SIMD vector): along x the
    /// lines of one z-plane (transposed in and out, `sino_lines_from_rows_*`), along y those of
    /// one z-plane, along z those of a few neighbouring rows (about 512 lines, to stay in cache).
    /// Along y and z a float64 input (the image itself) is read where it lies
    /// (`filterLinesStrided`), a float32 one widened into a copy first. Each line's arithmetic
    /// does not depend on the block it runs in. Output voxels off those lines are left as they were.
    /// `interleavedRows` (along x only, float64 input): the whole image's rows as they would be
    /// copied, used instead of copying when a block holds every row of its plane.
    /// `needed`: the range along `direction` whose outputs are stored (every element if nil);
    /// the recursion stops where they are complete (`filterLines`), and the output voxels
    /// outside it are left as they were too. `scratch` is reused between calls (grown as needed).
    static func filterAlong<S: BinaryFloatingPoint>(
        _ direction: Int, size: [Int], lines: [ClosedRange<Int>], coefficients c: RecursiveGaussianCoefficients, input: UnsafeBufferPointer<S>,
        output: UnsafeMutableBufferPointer<Float>, scratch: inout [Double], accumulate: Accumulation? = nil, needed: ClosedRange<Int>? = nil,
        interleavedRows: UnsafePointer<Double>? = nil
    ) {
        let nx = size[0]
        let ny = size[1]
        let ln = size[direction]
        // The elements of each line that are stored (or accumulated): the others are not computed.
        let stored = needed ?? 0...(ln - 1)
        let (xs, ys, zs) = (lines[0], lines[1], lines[2])
        // Blocks: z-planes (x, y) or groups of rows of the (y, x) lines (z).
        var blocks = [ClosedRange<Int>]()
        if direction == 2 {
            let rowsPerBlock = max(1, 512 / xs.count)
            var y = ys.lowerBound
            while y <= ys.upperBound {
                let last = min(y + rowsPerBlock - 1, ys.upperBound)
                blocks.append(y...last)
                y = last + 1
            }
        } else {
            blocks = zs.map { $0...$0 }
        }
        let maxWidth = direction == 2 ? xs.count * min(ys.count, max(1, 512 / xs.count)) : (direction == 1 ? xs.count : ys.count)
        // Lanes padded to a multiple of 4 (the padding lanes are filtered too, never read back).
        let maxPadded = (maxWidth + 3) & ~3
        let stride = ln * maxPadded
        if scratch.count < 3 * stride { scratch = [Double](repeating: 0, count: 3 * stride) }
        // A float64 input (the image itself) is read in place along y and z; the input is either
        // that or float32 (an earlier pass's output).
        precondition(S.self == Double.self || S.self == Float.self, "the recursive Gaussian reads float64 or float32 images")
        let doubles: UnsafePointer<Double>? =
            S.self == Double.self ? UnsafeRawPointer(input.baseAddress!).assumingMemoryBound(to: Double.self) : nil
        scratch.withUnsafeMutableBufferPointer { all in
            let x = UnsafeMutableBufferPointer(rebasing: all[0..<stride])
            let s1 = UnsafeMutableBufferPointer(rebasing: all[stride..<(2 * stride)])
            let s2 = UnsafeMutableBufferPointer(rebasing: all[(2 * stride)..<(3 * stride)])
            for block in blocks {
                switch direction {
                case 0:
                    // Line k is row y = ys.lowerBound + k of plane z = block; element i is x = i.
                    // Lane k of the copy is row min(k, last) (padding lanes repeat the last row).
                    let base = block.lowerBound * nx * ny
                    let count = ys.count
                    let width = (count + 3) & ~3
                    let first = base + ys.lowerBound * nx
                    if let rows = interleavedRows, count == ny {
                        // Every row of the plane, already interleaved by the caller.
                        filterLinesStrided(rows + block.lowerBound * nx * width, xstride: width, s1, ln: ln, width: width, c, needed: needed)
                    } else {
                        if let image = doubles {
                            sino_lines_from_rows_f64(image + first, nx, count, nx, x.baseAddress!, width)
                        } else {
                            let floats = UnsafeRawPointer(input.baseAddress!).assumingMemoryBound(to: Float.self)
                            sino_lines_from_rows_f32(floats + first, nx, count, nx, x.baseAddress!, width)
                        }
                        filterLines(x, s1, s2, ln: ln, width: width, c, needed: needed)
                    }
                    sino_rows_from_lines_f32(s1.baseAddress!, width, count, stored.lowerBound, stored.upperBound, output.baseAddress! + first, nx)
                case 1:
                    // Line k is column x = xs.lowerBound + k of plane z = block; element i is y = i.
                    let base = block.lowerBound * nx * ny
                    let count = xs.count
                    let width: Int
                    if let image = doubles {
                        // The lines lie side by side in each row of the plane: filtered where they are.
                        width = count
                        filterLinesStrided(image + base + xs.lowerBound, xstride: nx, s1, ln: ln, width: width, c, needed: needed)
                    } else {
                        width = (count + 3) & ~3
                        for i in 0..<ln {
                            let row = base + i * nx + xs.lowerBound
                            widen(input.baseAddress! + row, x.baseAddress! + i * width, count)
                        }
                        filterLines(x, s1, s2, ln: ln, width: width, c, needed: needed)
                    }
                    for i in stored {
                        let row = base + i * nx + xs.lowerBound
                        if let a = accumulate {
                            if a.contains(i) { accumulateRow(s1.baseAddress! + i * width, a.at(x: xs.lowerBound, y: i, z: block.lowerBound), count, a.factor) }
                        } else {
                            narrow(s1.baseAddress! + i * width, output.baseAddress! + row, count)
                        }
                    }
                default:
                    // Line k is (y, x) = (block.lowerBound + k / xs.count, xs.lowerBound + k % xs.count); element i is z = i.
                    let width: Int
                    if let image = doubles, xs.count == nx {
                        // Whole rows: the block's lines lie side by side in each z-plane, filtered where they are.
                        width = nx * block.count
                        filterLinesStrided(image + block.lowerBound * nx, xstride: nx * ny, s1, ln: ln, width: width, c, needed: needed)
                    } else {
                        width = (xs.count * block.count + 3) & ~3
                        for i in 0..<ln {
                            for (r, y) in block.enumerated() {
                                let row = i * nx * ny + y * nx + xs.lowerBound
                                let at = i * width + r * xs.count
                                widen(input.baseAddress! + row, x.baseAddress! + at, xs.count)
                            }
                        }
                        filterLines(x, s1, s2, ln: ln, width: width, c, needed: needed)
                    }
                    for i in stored {
                        for (r, y) in block.enumerated() {
                            let row = i * nx * ny + y * nx + xs.lowerBound
                            let at = i * width + r * xs.count
                            if let a = accumulate {
                                if a.contains(i) { accumulateRow(s1.baseAddress! + at, a.at(x: xs.lowerBound, y: y, z: i), xs.count, a.factor) }
                            } else {
                                narrow(s1.baseAddress! + at, output.baseAddress! + row, xs.count)
                            }
                        }
                    }
                }
            }
        }
    }

    /// Where the last pass of a chain puts its results instead of `output`: for the elements of
    /// each line inside `box`, `acc = float(acc + float(L) * factor)`, `acc` holding the box's
    /// values (x fastest). Only for passes along y or z (`along`) whose lines all lie inside the
    /// box on the other axes.
    struct Accumulation {
        let acc: UnsafeMutablePointer<Double>
        let factor: Double
        let box: [ClosedRange<Int>]
        let along: Int

        /// Whether element i of a line lies inside the box.
        func contains(_ i: Int) -> Bool { box[along].contains(i) }

        /// The accumulator's element for voxel (x, y, z) of the image.
        func at(x: Int, y: Int, z: Int) -> UnsafeMutablePointer<Double> {
            acc + (x - box[0].lowerBound) + box[0].count * ((y - box[1].lowerBound) + box[1].count * (z - box[2].lowerBound))
        }
    }

    /// `acc[k] = Double(Float(acc[k] + Double(Float(src[k])) * factor))` for k < n: the pass's
    /// float32 store and `laplacian`'s accumulation, fused.
    @inline(__always)
    static func accumulateRow(_ src: UnsafeMutablePointer<Double>, _ acc: UnsafeMutablePointer<Double>, _ n: Int, _ factor: Double) {
        for k in 0..<n { acc[k] = Double(Float(acc[k] + Double(Float(src[k])) * factor)) }
    }

    /// `dst[k] = Double(src[k])` for k < n (exact).
    @inline(__always)
    static func widen<S: BinaryFloatingPoint>(_ src: UnsafePointer<S>, _ dst: UnsafeMutablePointer<Double>, _ n: Int) {
        for k in 0..<n { dst[k] = Double(src[k]) }
    }

    /// `dst[k] = Float(src[k])` for k < n (round to nearest, as each pass stores float32).
    @inline(__always)
    static func narrow(_ src: UnsafeMutablePointer<Double>, _ dst: UnsafeMutablePointer<Float>, _ n: Int) {
        for k in 0..<n { dst[k] = Float(src[k]) }
    }

    /// `RecursiveSeparableImageFilter::FilterDataArray` on `width` interleaved lines (a multiple
    /// of 4; element i of line k at `i * width + k`), 4 lines per `SIMD4<Double>` with each lane's
    /// operations in ITK's order (separate multiplies and adds, no fused multiply-add); the result
    /// (causal + anticausal, added as the anticausal pass goes) is left in s1.
    /// `MathEMAMAMAM(out, a1, b1, ...)` is `out = a1*b1 + a2*b2 + a3*b3 + a4*b4` and
    /// `MathSMAMAMAM` is `out -= a1*b1 + a2*b2 + a3*b3 + a4*b4`, evaluated left to right.
    /// Where the CPU has AVX2 the same operations run four lanes per instruction in C
    /// (`sino_recursive_gaussian_lines`, Sources/CSinoKernels: same order, no fused
    /// multiply-add, so the same bits; `ImageFilterTests` compares them), eight where it has
    /// AVX-512; elsewhere the Swift loop (`filterLinesPortable`).
    ///
    /// `needed`: the elements whose sums are wanted. Element i's causal value depends only on
    /// elements 0...i and its anticausal one only on i...ln-1, so the causal pass stops after
    /// the last needed element and the anticausal one after the first: the needed sums have the
    /// bits of the whole lines'; the others in s1 are not sums and must not be read.
    @inline(__always)
    static func filterLines(
        _ xb: UnsafeMutableBufferPointer<Double>, _ s1b: UnsafeMutableBufferPointer<Double>, _ s2b: UnsafeMutableBufferPointer<Double>, ln: Int,
        width: Int, _ c: RecursiveGaussianCoefficients, needed: ClosedRange<Int>? = nil, kernel: Kernel = Kernel.best
    ) {
        guard kernel != .portable else {
            filterLinesPortable(xb, s1b, s2b, ln: ln, width: width, c, needed: needed)
            return
        }
        filterLinesStrided(UnsafePointer(xb.baseAddress!), xstride: width, s1b, ln: ln, width: width, c, needed: needed, kernel: kernel)
    }

    /// `filterLines` on `width` lines (any count) whose element i of line k is `x[i * xstride + k]`
    /// (in place, e.g. the columns of an image's rows), the sums in s1 with rows `width` apart, in
    /// C (`sino_recursive_gaussian_lines`: eight, four or one lane at a time as `kernel` allows,
    /// the same bits).
    static func filterLinesStrided(
        _ x: UnsafePointer<Double>, xstride: Int, _ s1b: UnsafeMutableBufferPointer<Double>, ln: Int, width: Int, _ c: RecursiveGaussianCoefficients,
        needed: ClosedRange<Int>? = nil, kernel: Kernel = Kernel.best
    ) {
        let (causalEnd, anticausalStart) = passLimits(ln: ln, needed: needed)
        let values = [
            c.n0, c.n1, c.n2, c.n3, c.d1, c.d2, c.d3, c.d4, c.m1, c.m2, c.m3, c.m4, c.bn1, c.bn2, c.bn3, c.bn4, c.bm1, c.bm2, c.bm3, c.bm4
        ]
        let bits: Int32 = kernel == .avx512 ? 512 : (kernel == .avx2 ? 256 : 0)
        values.withUnsafeBufferPointer { coefficients in
            sino_recursive_gaussian_lines(x, xstride, s1b.baseAddress!, ln, width, coefficients.baseAddress!, causalEnd, anticausalStart, bits)
        }
    }

    /// The implementations of `filterLines`: the Swift loop, the AVX2 kernel and the AVX-512 one.
    enum Kernel: CaseIterable {
        case portable, avx2, avx512

        /// The widest one this CPU runs (checked once).
        static let best: Kernel = sino_kernels_have_avx512() ? .avx512 : (sino_kernels_have_avx2() ? .avx2 : .portable)

        /// Those this CPU runs.
        static var available: [Kernel] { allCases.filter { $0 == .portable || ($0 == .avx2 && sino_kernels_have_avx2()) || ($0 == .avx512 && best == .avx512) } }
    }

    /// Where the causal pass stops (exclusive; its first four elements are always computed)
    /// and where the anticausal one stops (inclusive; its last four always): the whole line
    /// when `needed` is nil.
    static func passLimits(ln: Int, needed: ClosedRange<Int>?) -> (causalEnd: Int, anticausalStart: Int) {
        guard let needed else { return (ln, 0) }
        return (min(ln, max(4, needed.upperBound + 1)), max(0, min(needed.lowerBound, ln - 4)))
    }

    @inline(__always)
    static func filterLinesPortable(
        _ xb: UnsafeMutableBufferPointer<Double>, _ s1b: UnsafeMutableBufferPointer<Double>, _ s2b: UnsafeMutableBufferPointer<Double>, ln: Int,
        width: Int, _ c: RecursiveGaussianCoefficients, needed: ClosedRange<Int>? = nil
    ) {
        let (causalEnd, anticausalStart) = passLimits(ln: ln, needed: needed)
        typealias V = SIMD4<Double>
        let x = UnsafeMutableRawPointer(xb.baseAddress!)
        let s1 = UnsafeMutableRawPointer(s1b.baseAddress!)
        let s2 = UnsafeMutableRawPointer(s2b.baseAddress!)
        @inline(__always) func ld(_ p: UnsafeMutableRawPointer, _ i: Int) -> V { p.loadUnaligned(fromByteOffset: i &* 8, as: V.self) }
        @inline(__always) func st(_ p: UnsafeMutableRawPointer, _ i: Int, _ v: V) { p.storeBytes(of: v, toByteOffset: i &* 8, as: V.self) }
        let w = width
        let (n0, n1, n2, n3) = (V(repeating: c.n0), V(repeating: c.n1), V(repeating: c.n2), V(repeating: c.n3))
        let (d1, d2, d3, d4) = (V(repeating: c.d1), V(repeating: c.d2), V(repeating: c.d3), V(repeating: c.d4))
        let (m1, m2, m3, m4) = (V(repeating: c.m1), V(repeating: c.m2), V(repeating: c.m3), V(repeating: c.m4))
        let (bn1, bn2, bn3, bn4) = (V(repeating: c.bn1), V(repeating: c.bn2), V(repeating: c.bn3), V(repeating: c.bn4))
        let (bm1, bm2, bm3, bm4) = (V(repeating: c.bm1), V(repeating: c.bm2), V(repeating: c.bm3), V(repeating: c.bm4))
        var k = 0
        while k < w {
            let v = ld(x, k)
            let x1 = ld(x, w + k)
            let x2 = ld(x, 2 * w + k)
            let x3 = ld(x, 3 * w + k)
            var a0 = v * n0 + v * n1 + v * n2 + v * n3
            var a1 = x1 * n0 + v * n1 + v * n2 + v * n3
            var a2 = x2 * n0 + x1 * n1 + v * n2 + v * n3
            var a3 = x3 * n0 + x2 * n1 + x1 * n2 + v * n3
            a0 -= v * bn1 + v * bn2 + v * bn3 + v * bn4
            a1 -= a0 * d1 + v * bn2 + v * bn3 + v * bn4
            a2 -= a1 * d1 + a0 * d2 + v * bn3 + v * bn4
            a3 -= a2 * d1 + a1 * d2 + a0 * d3 + v * bn4
            st(s1, k, a0)
            st(s1, w + k, a1)
            st(s1, 2 * w + k, a2)
            st(s1, 3 * w + k, a3)
            k += 4
        }
        if causalEnd > 4 {
            for i in 4..<causalEnd {
                let r = i * w
                var k = 0
                while k < w {
                    let q = r + k
                    var s = ld(x, q) * n0 + ld(x, q - w) * n1 + ld(x, q - 2 * w) * n2 + ld(x, q - 3 * w) * n3
                    s -= ld(s1, q - w) * d1 + ld(s1, q - 2 * w) * d2 + ld(s1, q - 3 * w) * d3 + ld(s1, q - 4 * w) * d4
                    st(s1, q, s)
                    k += 4
                }
            }
        }
        let e = (ln - 1) * w
        k = 0
        while k < w {
            let v = ld(x, e + k)
            let xl1 = v
            let xl2 = ld(x, e - w + k)
            let xl3 = ld(x, e - 2 * w + k)
            var b1 = v * m1 + v * m2 + v * m3 + v * m4
            var b2 = xl1 * m1 + v * m2 + v * m3 + v * m4
            var b3 = xl2 * m1 + xl1 * m2 + v * m3 + v * m4
            var b4 = xl3 * m1 + xl2 * m2 + xl1 * m3 + v * m4
            b1 -= v * bm1 + v * bm2 + v * bm3 + v * bm4
            b2 -= b1 * d1 + v * bm2 + v * bm3 + v * bm4
            b3 -= b2 * d1 + b1 * d2 + v * bm3 + v * bm4
            b4 -= b3 * d1 + b2 * d2 + b1 * d3 + v * bm4
            st(s2, e + k, b1)
            st(s2, e - w + k, b2)
            st(s2, e - 2 * w + k, b3)
            st(s2, e - 3 * w + k, b4)
            st(s1, e + k, ld(s1, e + k) + b1)
            st(s1, e - w + k, ld(s1, e - w + k) + b2)
            st(s1, e - 2 * w + k, ld(s1, e - 2 * w + k) + b3)
            st(s1, e - 3 * w + k, ld(s1, e - 3 * w + k) + b4)
            k += 4
        }
        var i = ln - 4
        while i > anticausalStart {
            let r = (i - 1) * w
            var k = 0
            while k < w {
                let q = r + k
                var s = ld(x, q + w) * m1 + ld(x, q + 2 * w) * m2 + ld(x, q + 3 * w) * m3 + ld(x, q + 4 * w) * m4
                s -= ld(s2, q + w) * d1 + ld(s2, q + 2 * w) * d2 + ld(s2, q + 3 * w) * d3 + ld(s2, q + 4 * w) * d4
                st(s2, q, s)
                st(s1, q, ld(s1, q) + s)
                k += 4
            }
            i -= 1
        }
    }
}
