/// The decomposition filters of one PyWavelets wavelet: the double arrays its C code uses on
/// float64 data and the float arrays it uses on float32 data (for most wavelets simply the
/// double filters rounded to float32; PyWavelets computes the Coiflets' float filters in
/// float arithmetic, so `WaveletFilterBank` carries those separately).
struct WaveletFilters: Sendable {
    let decLo: [Double]
    let decHi: [Double]
    let decLo32: [Float]
    let decHi32: [Float]

    init(decLo: [Double], decHi: [Double], decLo32: [Float]? = nil, decHi32: [Float]? = nil) {
        self.decLo = decLo
        self.decHi = decHi
        self.decLo32 = decLo32 ?? decLo.map { Float($0) }
        self.decHi32 = decHi32 ?? decHi.map { Float($0) }
    }
}

/// PyRadiomics' `getWaveletImage` / `_swt3`: a level-1 `pywt.swtn` (periodisation) along the
/// chosen array axes, repeated on the approximation, with PyWavelets' exact summation order
/// (bit-identical for float64 and float32 data).
enum WaveletImageFilter {
    /// The images `getWaveletImage` yields, in its order: per returned level the detail bands
    /// (`wavelet-LLH` ... `wavelet-HHH`, `wavelet<k>-...` from the second level on), then the
    /// last approximation, each as its values (x fastest) and pixel type: float32 images stay
    /// float32, all others give float64. With `region` (ITK-order inclusive box, see
    /// `ImageTypeFilters.images`) the values are those of the voxels inside it only (the image
    /// cropped to it), bit-identical to the full transform's.
    static func bands(_ image: RadiomicsImage, settings: RadiomicsSettings, region: [ClosedRange<Int>]? = nil) throws -> [(
        prefix: String, values: [Double], pixelType: PixelType
    )] {
        guard let filters = WaveletFilterBank.filters(settings.wavelet) else {
            throw RadiomicsError(
                .settings, file: "",
                "wavelet '\(settings.wavelet)' is not one of PyWavelets \(WaveletFilterBank.pywtVersion)'s discrete wavelets (e.g. haar, db2, sym3, coif1, bior1.3, rbio2.2, dmey)"
            )
        }
        let nd = image.dimension
        // Array axes of the nd-dimensional array, last first (x, then y, then z), as PyRadiomics lists them.
        var axes = Array((0..<nd).reversed())
        if settings.force2D {
            guard let at = axes.firstIndex(of: settings.force2Ddimension) else {
                throw RadiomicsError(.settings, file: "", "force2Ddimension \(settings.force2Ddimension) is not an axis of this \(nd)-D image")
            }
            axes.remove(at: at)
        }
        // Our grid is always (z, y, x); a 2-D image's array axes (y, x) are axes 1 and 2 of it.
        let axes3 = axes.map { $0 + 3 - nd }
        if image.pixelType == .float32 {
            let bands = transform(
                narrowed(image.values), image: image, axes: axes3, lo: filters.decLo32, hi: filters.decHi32, settings: settings, region: region)
            return bands.map { ($0.prefix, widened($0.values), .float32) }
        }
        let bands = transform(image.values, image: image, axes: axes3, lo: filters.decLo, hi: filters.decHi, settings: settings, region: region)
        return bands.map { ($0.prefix, $0.values, .float64) }
    }

    /// `Float(value)` of every value (round to nearest), in one loop the compiler vectorises
    /// (`map` appends element by element: a third of the Wavelet's time on a 128 x 128 x 24 image).
    static func narrowed(_ values: [Double]) -> [Float] {
        [Float](unsafeUninitializedCapacity: values.count) { out, count in
            values.withUnsafeBufferPointer { v in
                for i in 0..<v.count { out[i] = Float(v[i]) }
            }
            count = values.count
        }
    }

    /// `Double(value)` of every value (exact), in one vectorised loop.
    static func widened(_ values: [Float]) -> [Double] {
        [Double](unsafeUninitializedCapacity: values.count) { out, count in
            values.withUnsafeBufferPointer { v in
                for i in 0..<v.count { out[i] = Double(v[i]) }
            }
            count = values.count
        }
    }

    /// `_swt3` on values of type T: pads odd axes (wrap), runs the levels, crops back.
    ///
    /// Every pass computes only the outputs that are needed, and every intermediate array holds
    /// only those: a pass along an axis reads, for output n, the inputs `(n + F/2 - j) mod N`,
    /// j < F (the "window" of n). The bands of the last level are needed inside the region (the
    /// whole padded array without one); inside a level, the pass along the k-th axis is needed
    /// inside the level's box along the axes filtered up to it and on the window of that box
    /// along the axes filtered after it; the level's input is needed on the window of its box,
    /// which is the box of the level before it (and of the start-level passes). An array on such
    /// a "grid" (per array axis, the sorted positions it holds) is dense over the grid, x
    /// fastest. Each computed output sums the same taps in the same order, so the values are
    /// bit-identical to the whole transform's. The bands come back on the region's grid (the
    /// image cropped to the region) or, without one, cropped from the padded array to the image.
    private static func transform<T: BinaryFloatingPoint>(
        _ values: [T], image: RadiomicsImage, axes: [Int], lo: [T], hi: [T], settings: RadiomicsSettings, region: [ClosedRange<Int>]?
    ) -> [(prefix: String, values: [T])] {
        let shape = [image.size[2], image.size[1], image.size[0]]
        // Every axis of the nd-dimensional array is padded to even length, transformed or not.
        var padded = shape
        for a in (3 - image.dimension)..<3 where shape[a] % 2 != 0 { padded[a] += 1 }
        let letters = axes.count
        let approxName = String(repeating: "L", count: letters)
        let f = lo.count
        let startLevels = max(settings.startLevel, 0)
        let levels = max(settings.level, 0)

        // Needed output positions per array axis: boxes[l] for level l, startBoxes[s] for start pass s.
        var boxes = [[[Bool]]](repeating: [], count: levels)
        var startBoxes = [[[Bool]]](repeating: [], count: startLevels)
        var box: [[Bool]] = (0..<3).map { a in
            guard let region else { return [Bool](repeating: true, count: padded[a]) }
            let r = region[2 - a]
            return (0..<padded[a]).map { r.contains($0) }
        }
        for l in stride(from: levels - 1, through: 0, by: -1) {
            boxes[l] = box
            box = windows(box, axes: axes, f: f)
        }
        for s in stride(from: startLevels - 1, through: 0, by: -1) {
            startBoxes[s] = box
            box = windows(box, axes: axes, f: f)
        }
        // The bands are returned on the region's grid, or the image's (the padding cropped off).
        let target: [[Int]] = (0..<3).map { a in
            guard let region else { return Array(0..<shape[a]) }
            return Array(region[2 - a])
        }
        // The input, on the grid of the first pass's window (numpy.pad's wrap for the padding).
        var grid = positions(box)
        var data = gather(values, shape: shape, grid: grid)

        for s in 0..<startLevels {
            let passes = passBoxes(startBoxes[s], axes: axes, f: f)
            for (k, axis) in axes.enumerated() {
                let outputs = positions(passes[k])[axis]
                data = swtAxis(data, grid: grid, shape: padded, axis: axis, filter: lo, outputs: outputs)
                grid[axis] = outputs
            }
        }
        var out = [(prefix: String, values: [T])]()
        for index in 0..<levels {
            let passes = passBoxes(boxes[index], axes: axes, f: f)
            var bands: [(name: String, values: [T])] = [("", data)]
            for (k, axis) in axes.enumerated() {
                let outputs = positions(passes[k])[axis]
                var next = [(name: String, values: [T])]()
                next.reserveCapacity(bands.count * 2)
                for band in bands {
                    next.append((band.name + "L", swtAxis(band.values, grid: grid, shape: padded, axis: axis, filter: lo, outputs: outputs)))
                    next.append((band.name + "H", swtAxis(band.values, grid: grid, shape: padded, axis: axis, filter: hi, outputs: outputs)))
                }
                bands = next
                grid[axis] = outputs
            }
            let tag = index == 0 ? "wavelet-" : "wavelet\(index + 1)-"
            for band in bands where band.name != approxName {
                out.append((tag + band.name, subgrid(band.values, grid: grid, target: target)))
            }
            data = bands.first { $0.name == approxName }!.values
        }
        let tag = levels == 1 ? "wavelet-" : "wavelet\(levels)-"
        out.append((tag + approxName, subgrid(data, grid: grid, target: target)))
        return out
    }

    /// The positions whose windows cover `positions` along each transformed axis (other axes unchanged).
    static func windows(_ box: [[Bool]], axes: [Int], f: Int) -> [[Bool]] {
        var out = box
        for a in axes {
            let n = box[a].count
            var w = [Bool](repeating: false, count: n)
            for o in 0..<n where box[a][o] {
                for j in 0..<f { w[((o + f / 2 - j) % n + n) % n] = true }
            }
            out[a] = w
        }
        return out
    }

    /// For a level (or start-level) whose outputs are needed on `box`: the positions each of its
    /// passes (one per entry of `axes`, in order) computes.
    static func passBoxes(_ box: [[Bool]], axes: [Int], f: Int) -> [[[Bool]]] {
        let widened = windows(box, axes: axes, f: f)
        return axes.indices.map { k in
            var b = box
            for a in axes[(k + 1)...] { b[a] = widened[a] }
            return b
        }
    }

    /// The sorted positions of each axis's set.
    static func positions(_ box: [[Bool]]) -> [[Int]] {
        box.map { set in set.indices.filter { set[$0] } }
    }

    /// The values of a (z, y, x) array of `shape` at the positions of `grid` (positions past the
    /// end wrap round, as numpy.pad's 'wrap' pads an odd axis by one), dense, x fastest.
    static func gather<T>(_ values: [T], shape: [Int], grid: [[Int]]) -> [T] {
        let count = grid.reduce(1) { $0 * $1.count }
        let xs = grid[2].map { $0 % shape[2] }
        return [T](unsafeUninitializedCapacity: count) { out, written in
            values.withUnsafeBufferPointer { v in
                var k = 0
                for z in grid[0] {
                    for y in grid[1] {
                        let row = ((z % shape[0]) * shape[1] + y % shape[1]) * shape[2]
                        for x in xs {
                            (out.baseAddress! + k).initialize(to: v[row + x])
                            k += 1
                        }
                    }
                }
            }
            written = count
        }
    }

    /// The values at the positions of `target` of an array dense over `grid` (which holds them).
    static func subgrid<T>(_ values: [T], grid: [[Int]], target: [[Int]]) -> [T] {
        if grid == target { return values }
        let index: [[Int]] = (0..<3).map { a in
            var at = [Int](repeating: -1, count: (grid[a].last ?? 0) + 1)
            for (k, p) in grid[a].enumerated() { at[p] = k }
            return target[a].map { p in
                precondition(p < at.count && at[p] >= 0, "the wavelet band does not hold a position of its target grid")
                return at[p]
            }
        }
        let (gy, gx) = (grid[1].count, grid[2].count)
        let count = target.reduce(1) { $0 * $1.count }
        return [T](unsafeUninitializedCapacity: count) { out, written in
            values.withUnsafeBufferPointer { v in
                var k = 0
                for z in index[0] {
                    for y in index[1] {
                        let row = (z * gy + y) * gx
                        for x in index[2] {
                            (out.baseAddress! + k).initialize(to: v[row + x])
                            k += 1
                        }
                    }
                }
            }
            written = count
        }
    }

    /// One level-1 stationary transform along `axis` of a (z, y, x) array of the padded `shape`,
    /// mode periodization: output n is `sum_j filter[j] * x[(n + F/2 - j) mod N]`, summed in the
    /// order of PyWavelets' `downsampling_convolution_periodization` (step 1): taps 0..F-1,
    /// except where `i = n + F/2 >= N`, which first runs i-N down to 0 and then i-N+1 up to F-1.
    /// `x` is dense over `grid` (per array axis, the positions it holds; along `axis` they must
    /// include the windows of `outputs`); the result is dense over `grid` with `outputs` along `axis`.
    static func swtAxis<T: BinaryFloatingPoint>(_ x: [T], grid: [[Int]], shape: [Int], axis: Int, filter: [T], outputs: [Int]) -> [T] {
        let n = shape[axis]
        let f = filter.count
        var index = [Int](repeating: -1, count: n)
        for (k, p) in grid[axis].enumerated() { index[p] = k }
        // Per output: the taps in summation order and their rows in x along `axis`.
        var tapValue = [T](repeating: 0, count: outputs.count * f)
        var tapSource = [Int](repeating: 0, count: outputs.count * f)
        for (r, o) in outputs.enumerated() {
            let i = o + f / 2
            var order = [Int]()
            if i >= n {
                order.append(contentsOf: stride(from: i - n, through: 0, by: -1))
                order.append(contentsOf: (i - n + 1)..<f)
            } else {
                order.append(contentsOf: 0..<f)
            }
            for (t, j) in order.enumerated() {
                tapValue[r * f + t] = filter[j]
                let source = index[((i - j) % n + n) % n]
                precondition(source >= 0, "the wavelet pass reads a position its input does not hold")
                tapSource[r * f + t] = source
            }
        }
        let (gz, gy, gx) = (grid[0].count, grid[1].count, grid[2].count)
        var outShape = [gz, gy, gx]
        outShape[axis] = outputs.count
        let count = outShape.reduce(1, *)
        if count == 0 { return [] }
        let inAxis = grid[axis].count
        return [T](unsafeUninitializedCapacity: count) { dst, written in
            x.withUnsafeBufferPointer { src in
                tapValue.withUnsafeBufferPointer { tv in
                    tapSource.withUnsafeBufferPointer { ts in
                        switch axis {
                        case 2:
                            // Along x: each z-plane's rows transposed so that they advance together.
                            let w = gy
                            var a = [T](repeating: 0, count: inAxis * w)
                            var b = [T](repeating: 0, count: outputs.count * w)
                            a.withUnsafeMutableBufferPointer { a in
                                b.withUnsafeMutableBufferPointer { b in
                                    for plane in 0..<gz {
                                        for r in 0..<w {
                                            let row = src.baseAddress! + (plane * gy + r) * inAxis
                                            for i in 0..<inAxis { a[i * w + r] = row[i] }
                                        }
                                        convolveRows(UnsafeBufferPointer(a), b.baseAddress!, rows: outputs.count, inner: w, f: f, tv, ts)
                                        for r in 0..<w {
                                            let row = dst.baseAddress! + (plane * gy + r) * outputs.count
                                            for o in 0..<outputs.count { row[o] = b[o * w + r] }
                                        }
                                    }
                                }
                            }
                        case 1:
                            // Along y: per z-plane, an (inAxis, gx) block into an (outputs, gx) one.
                            for plane in 0..<gz {
                                convolveRows(
                                    UnsafeBufferPointer(rebasing: src[(plane * inAxis * gx)..<((plane + 1) * inAxis * gx)]),
                                    dst.baseAddress! + plane * outputs.count * gx, rows: outputs.count, inner: gx, f: f, tv, ts)
                            }
                        default:
                            // Along z: one (inAxis, gy * gx) block.
                            convolveRows(src, dst.baseAddress!, rows: outputs.count, inner: gy * gx, f: f, tv, ts)
                        }
                    }
                }
            }
            written = count
        }
    }

    /// `dst[r, k] = sum_t tv[r, t] * src[ts[r, t], k]` for an (rows, inner) block `dst` (every
    /// element written) from an (any, inner) block `src`, taps in order, starting from 0 as
    /// PyWavelets' sum does (`0 + c * s` keeps that first addition: it turns -0 into +0).
    @inline(__always)
    static func convolveRows<T: BinaryFloatingPoint>(
        _ src: UnsafeBufferPointer<T>, _ dst: UnsafeMutablePointer<T>, rows: Int, inner: Int, f: Int, _ tv: UnsafeBufferPointer<T>,
        _ ts: UnsafeBufferPointer<Int>
    ) {
        for r in 0..<rows {
            let d = dst + r * inner
            let t0 = r * f
            let c0 = tv[t0]
            let s0 = src.baseAddress! + ts[t0] * inner
            for k in 0..<inner { d[k] = 0 + c0 * s0[k] }
            for t in 1..<f {
                let c = tv[t0 + t]
                let s = src.baseAddress! + ts[t0 + t] * inner
                for k in 0..<inner { d[k] += c * s[k] }
            }
        }
    }
}
