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
    /// last approximation. float32 images stay float32, all others give float64. With `region`
    /// (ITK-order inclusive box, see `ImageTypeFilters.images`) only the voxels inside it are
    /// bit-identical to the full transform; the others may hold anything (0 or partial sums).
    static func images(_ image: RadiomicsImage, settings: RadiomicsSettings, region: [ClosedRange<Int>]? = nil) throws -> [(
        prefix: String, image: RadiomicsImage
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
            return bands.map { ($0.prefix, image.withValues(widened($0.values), pixelType: .float32)) }
        }
        let bands = transform(image.values, image: image, axes: axes3, lo: filters.decLo, hi: filters.decHi, settings: settings, region: region)
        return bands.map { ($0.prefix, image.withValues($0.values, pixelType: .float64)) }
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
    /// With `region`, every pass computes only the outputs that are needed: a pass along an axis
    /// reads, for output n, the inputs `(n + F/2 - j) mod N`, j < F (the "window" of n). The
    /// bands of the last level are needed inside the region; inside a level, the pass along the
    /// k-th axis is needed inside the level's box along the axes filtered up to it and on the
    /// window of that box along the axes filtered after it; the level's input is needed on the
    /// window of its box, which is the box of the level before it (and of the start-level
    /// passes). Each computed output sums the same taps in the same order, so the values inside
    /// the region are bit-identical.
    private static func transform<T: BinaryFloatingPoint>(
        _ values: [T], image: RadiomicsImage, axes: [Int], lo: [T], hi: [T], settings: RadiomicsSettings, region: [ClosedRange<Int>]?
    ) -> [(prefix: String, values: [T])] {
        let shape = [image.size[2], image.size[1], image.size[0]]
        // Every axis of the nd-dimensional array is padded to even length, transformed or not.
        var padded = shape
        for a in (3 - image.dimension)..<3 where shape[a] % 2 != 0 { padded[a] += 1 }
        var data = pad(values, shape: shape, to: padded)
        let letters = axes.count
        let approxName = String(repeating: "L", count: letters)
        let f = lo.count
        let startLevels = max(settings.startLevel, 0)
        let levels = max(settings.level, 0)

        // Needed output positions per array axis: boxes[l] for level l, startBoxes[s] for start pass s.
        var boxes = [[[Bool]]?](repeating: nil, count: levels)
        var startBoxes = [[[Bool]]?](repeating: nil, count: startLevels)
        if let region {
            var box: [[Bool]] = (0..<3).map { a in
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
        }

        for s in 0..<startLevels {
            let passes = passBoxes(startBoxes[s], axes: axes, f: f)
            for (k, axis) in axes.enumerated() { data = swtAxis(data, shape: padded, axis: axis, filter: lo, compute: passes?[k]) }
        }
        var out = [(prefix: String, values: [T])]()
        for index in 0..<levels {
            let passes = passBoxes(boxes[index], axes: axes, f: f)
            var bands: [(name: String, values: [T])] = [("", data)]
            for (k, axis) in axes.enumerated() {
                var next = [(name: String, values: [T])]()
                next.reserveCapacity(bands.count * 2)
                for band in bands {
                    next.append((band.name + "L", swtAxis(band.values, shape: padded, axis: axis, filter: lo, compute: passes?[k])))
                    next.append((band.name + "H", swtAxis(band.values, shape: padded, axis: axis, filter: hi, compute: passes?[k])))
                }
                bands = next
            }
            let tag = index == 0 ? "wavelet-" : "wavelet\(index + 1)-"
            for band in bands where band.name != approxName {
                out.append((tag + band.name, crop(band.values, shape: padded, to: shape)))
            }
            data = bands.first { $0.name == approxName }!.values
        }
        let tag = levels == 1 ? "wavelet-" : "wavelet\(levels)-"
        out.append((tag + approxName, crop(data, shape: padded, to: shape)))
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
    /// passes (one per entry of `axes`, in order) computes; nil for all positions.
    static func passBoxes(_ box: [[Bool]]?, axes: [Int], f: Int) -> [[[Bool]]]? {
        guard let box else { return nil }
        let widened = windows(box, axes: axes, f: f)
        return axes.indices.map { k in
            var b = box
            for a in axes[(k + 1)...] { b[a] = widened[a] }
            return b
        }
    }

    /// numpy.pad(..., 'wrap') by one trailing sample on the axes that grew.
    static func pad<T>(_ values: [T], shape: [Int], to padded: [Int]) -> [T] {
        if shape == padded { return values }
        var out = [T]()
        out.reserveCapacity(padded.reduce(1, *))
        for z in 0..<padded[0] {
            let sz = z % shape[0]
            for y in 0..<padded[1] {
                let sy = y % shape[1]
                let row = (sz * shape[1] + sy) * shape[2]
                out.append(contentsOf: values[row..<(row + shape[2])])
                if padded[2] > shape[2] { out.append(values[row]) }
            }
        }
        return out
    }

    /// The leading `shape` part of a `padded` array.
    static func crop<T>(_ values: [T], shape: [Int], to target: [Int]) -> [T] {
        if shape == target { return values }
        var out = [T]()
        out.reserveCapacity(target.reduce(1, *))
        for z in 0..<target[0] {
            for y in 0..<target[1] {
                let row = (z * shape[1] + y) * shape[2]
                out.append(contentsOf: values[row..<(row + target[2])])
            }
        }
        return out
    }

    /// One level-1 stationary transform along `axis` of a (z, y, x) array, mode periodization:
    /// output n is `sum_j filter[j] * x[(n + F/2 - j) mod N]`, summed in the order of
    /// PyWavelets' `downsampling_convolution_periodization` (step 1): taps 0..F-1, except where
    /// `i = n + F/2 >= N`, which first runs i-N down to 0 and then i-N+1 up to F-1.
    /// With `compute` (per array axis, the positions to compute) only those outputs are
    /// computed, reading only their windows; the others are 0.
    static func swtAxis<T: BinaryFloatingPoint>(_ x: [T], shape: [Int], axis: Int, filter: [T], compute: [[Bool]]? = nil) -> [T] {
        let n = shape[axis]
        let f = filter.count
        // Per output position: the taps in summation order and their source positions.
        var tapValue = [T](repeating: 0, count: n * f)
        var tapSource = [Int](repeating: 0, count: n * f)
        for o in 0..<n {
            let i = o + f / 2
            var order = [Int]()
            if i >= n {
                order.append(contentsOf: stride(from: i - n, through: 0, by: -1))
                order.append(contentsOf: (i - n + 1)..<f)
            } else {
                order.append(contentsOf: 0..<f)
            }
            for (t, j) in order.enumerated() {
                tapValue[o * f + t] = filter[j]
                tapSource[o * f + t] = ((i - j) % n + n) % n
            }
        }
        let sets = compute ?? shape.map { [Bool](repeating: true, count: $0) }
        let lists = sets.map { s in s.indices.filter { s[$0] } }
        let outputs = lists[axis]
        var readSet = [Bool](repeating: false, count: n)
        for o in outputs { for t in 0..<f { readSet[tapSource[o * f + t]] = true } }
        let reads = readSet.indices.filter { readSet[$0] }
        var out = [T](repeating: 0, count: x.count)
        if lists.contains(where: \.isEmpty) { return out }
        let (nz, ny, nx) = (shape[0], shape[1], shape[2])
        x.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                tapValue.withUnsafeBufferPointer { tv in
                    tapSource.withUnsafeBufferPointer { ts in
                        outputs.withUnsafeBufferPointer { os in
                            switch axis {
                            case 2:
                                // Along x: transpose the needed rows of each needed (y, x) plane so that they advance together.
                                let rows = lists[1]
                                let w = rows.count
                                var a = [T](repeating: 0, count: n * w)
                                var b = [T](repeating: 0, count: n * w)
                                a.withUnsafeMutableBufferPointer { a in
                                    b.withUnsafeMutableBufferPointer { b in
                                        for plane in lists[0] {
                                            let base = plane * ny * nx
                                            for (r, y) in rows.enumerated() {
                                                for i in reads { a[i * w + r] = src[base + y * nx + i] }
                                            }
                                            convolveRows(UnsafeBufferPointer(a), b, runs: [0..<w], outputs: os, inner: w, f: f, tv, ts)
                                            for (r, y) in rows.enumerated() {
                                                for o in outputs { dst[base + y * nx + o] = b[o * w + r] }
                                            }
                                        }
                                    }
                                }
                            case 1:
                                // Along y: per needed z-plane, an (n, nx) block; the needed x runs advance together.
                                let runs = Self.runs(sets[2])
                                for plane in lists[0] {
                                    let base = plane * n * nx
                                    convolveRows(
                                        UnsafeBufferPointer(rebasing: src[base..<(base + n * nx)]),
                                        UnsafeMutableBufferPointer(rebasing: dst[base..<(base + n * nx)]), runs: runs, outputs: os, inner: nx, f: f, tv, ts)
                                }
                            default:
                                // Along z: one (n, ny * nx) block; the needed x runs of the needed rows advance together.
                                let xRuns = Self.runs(sets[2])
                                var runs = [Range<Int>]()
                                for y in lists[1] {
                                    for r in xRuns {
                                        let run = (y * nx + r.lowerBound)..<(y * nx + r.upperBound)
                                        if let last = runs.last, last.upperBound == run.lowerBound {
                                            runs[runs.count - 1] = last.lowerBound..<run.upperBound
                                        } else {
                                            runs.append(run)
                                        }
                                    }
                                }
                                convolveRows(
                                    UnsafeBufferPointer(rebasing: src[0..<(nz * ny * nx)]),
                                    UnsafeMutableBufferPointer(rebasing: dst[0..<(nz * ny * nx)]), runs: runs, outputs: os, inner: ny * nx, f: f, tv, ts)
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// The maximal runs of true positions.
    static func runs(_ set: [Bool]) -> [Range<Int>] {
        var out = [Range<Int>]()
        var i = 0
        while i < set.count {
            if set[i] {
                var j = i + 1
                while j < set.count && set[j] { j += 1 }
                out.append(i..<j)
                i = j
            } else {
                i += 1
            }
        }
        return out
    }

    /// `dst[o, k] = sum_t tv[o, t] * src[ts[o, t], k]` over an (n, inner) block for the rows o in
    /// `outputs` and the columns k in `runs`, taps in order.
    @inline(__always)
    static func convolveRows<T: BinaryFloatingPoint>(
        _ src: UnsafeBufferPointer<T>, _ dst: UnsafeMutableBufferPointer<T>, runs: [Range<Int>], outputs: UnsafeBufferPointer<Int>, inner: Int, f: Int,
        _ tv: UnsafeBufferPointer<T>, _ ts: UnsafeBufferPointer<Int>
    ) {
        for run in runs {
            for o in outputs {
                let d = dst.baseAddress! + o * inner
                for k in run { d[k] = 0 }
                let t0 = o * f
                for t in 0..<f {
                    let c = tv[t0 + t]
                    let s = src.baseAddress! + ts[t0 + t] * inner
                    for k in run { d[k] += c * s[k] }
                }
            }
        }
    }
}
