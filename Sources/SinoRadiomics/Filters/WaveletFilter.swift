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
    /// last approximation. float32 images stay float32, all others give float64.
    static func images(_ image: RadiomicsImage, settings: RadiomicsSettings) throws -> [(prefix: String, image: RadiomicsImage)] {
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
                image.values.map { Float($0) }, image: image, axes: axes3, lo: filters.decLo32, hi: filters.decHi32, settings: settings)
            return bands.map { ($0.prefix, image.withValues($0.values.map { Double($0) }, pixelType: .float32)) }
        }
        let bands = transform(image.values, image: image, axes: axes3, lo: filters.decLo, hi: filters.decHi, settings: settings)
        return bands.map { ($0.prefix, image.withValues($0.values, pixelType: .float64)) }
    }

    /// `_swt3` on values of type T: pads odd axes (wrap), runs the levels, crops back.
    private static func transform<T: BinaryFloatingPoint>(
        _ values: [T], image: RadiomicsImage, axes: [Int], lo: [T], hi: [T], settings: RadiomicsSettings
    ) -> [(prefix: String, values: [T])] {
        let shape = [image.size[2], image.size[1], image.size[0]]
        // Every axis of the nd-dimensional array is padded to even length, transformed or not.
        var padded = shape
        for a in (3 - image.dimension)..<3 where shape[a] % 2 != 0 { padded[a] += 1 }
        var data = pad(values, shape: shape, to: padded)
        let letters = axes.count
        let approxName = String(repeating: "L", count: letters)

        for _ in 0..<max(settings.startLevel, 0) {
            for axis in axes { data = swtAxis(data, shape: padded, axis: axis, filter: lo) }
        }
        var out = [(prefix: String, values: [T])]()
        for index in 0..<max(settings.level, 0) {
            var bands: [(name: String, values: [T])] = [("", data)]
            for axis in axes {
                var next = [(name: String, values: [T])]()
                next.reserveCapacity(bands.count * 2)
                for band in bands {
                    next.append((band.name + "L", swtAxis(band.values, shape: padded, axis: axis, filter: lo)))
                    next.append((band.name + "H", swtAxis(band.values, shape: padded, axis: axis, filter: hi)))
                }
                bands = next
            }
            let tag = index == 0 ? "wavelet-" : "wavelet\(index + 1)-"
            for band in bands where band.name != approxName {
                out.append((tag + band.name, crop(band.values, shape: padded, to: shape)))
            }
            data = bands.first { $0.name == approxName }!.values
        }
        let levels = max(settings.level, 0)
        let tag = levels == 1 ? "wavelet-" : "wavelet\(levels)-"
        out.append((tag + approxName, crop(data, shape: padded, to: shape)))
        return out
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
    static func swtAxis<T: BinaryFloatingPoint>(_ x: [T], shape: [Int], axis: Int, filter: [T]) -> [T] {
        let n = shape[axis]
        let inner = shape[(axis + 1)...].reduce(1, *)
        let outer = shape[..<axis].reduce(1, *)
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
        var out = [T](repeating: 0, count: x.count)
        x.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                tapValue.withUnsafeBufferPointer { tv in
                    tapSource.withUnsafeBufferPointer { ts in
                        if inner == 1 {
                            // Along x: transpose each (y, x) plane so that all its rows advance together.
                            let rows = shape[1]
                            let planes = outer / rows
                            var a = [T](repeating: 0, count: n * rows)
                            var b = [T](repeating: 0, count: n * rows)
                            a.withUnsafeMutableBufferPointer { a in
                                b.withUnsafeMutableBufferPointer { b in
                                    for plane in 0..<planes {
                                        let base = plane * rows * n
                                        for r in 0..<rows {
                                            for i in 0..<n { a[i * rows + r] = src[base + r * n + i] }
                                        }
                                        convolveRows(UnsafeBufferPointer(a), b, n: n, inner: rows, f: f, tv, ts)
                                        for r in 0..<rows {
                                            for i in 0..<n { dst[base + r * n + i] = b[i * rows + r] }
                                        }
                                    }
                                }
                            }
                        } else {
                            for block in 0..<outer {
                                let base = block * n * inner
                                convolveRows(
                                    UnsafeBufferPointer(rebasing: src[base..<(base + n * inner)]),
                                    UnsafeMutableBufferPointer(rebasing: dst[base..<(base + n * inner)]), n: n, inner: inner, f: f, tv, ts)
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// `dst[o, k] = sum_t tv[o, t] * src[ts[o, t], k]` over an (n, inner) block, taps in order.
    @inline(__always)
    static func convolveRows<T: BinaryFloatingPoint>(
        _ src: UnsafeBufferPointer<T>, _ dst: UnsafeMutableBufferPointer<T>, n: Int, inner: Int, f: Int, _ tv: UnsafeBufferPointer<T>,
        _ ts: UnsafeBufferPointer<Int>
    ) {
        for o in 0..<n {
            let d = dst.baseAddress! + o * inner
            for k in 0..<inner { d[k] = 0 }
            let t0 = o * f
            for t in 0..<f {
                let c = tv[t0 + t]
                let s = src.baseAddress! + ts[t0 + t] * inner
                for k in 0..<inner { d[k] += c * s[k] }
            }
        }
    }
}
