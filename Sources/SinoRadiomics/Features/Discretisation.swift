import Foundation

/// The grey levels of a box after PyRadiomics' discretisation (`base.py:_applyBinning`).
public struct DiscretisedROI: Sendable, Equatable {
    /// The level of every box voxel (array order, x fastest); 0 for voxels that were not
    /// discretised (outside the ROI, unless every voxel was).
    public var levels: [Int32]
    /// The distinct levels of the discretised voxels, ascending (`coefficients['grayLevels']`).
    public var grayLevels: [Int]
    /// The largest level (`coefficients['Ng']`), not the number of levels.
    public var ng: Int

    /// A discretised box from its levels, distinct levels and largest level.
    public init(levels: [Int32], grayLevels: [Int], ng: Int) {
        self.levels = levels
        self.grayLevels = grayLevels
        self.ng = ng
    }
}

/// PyRadiomics 3.0.1's grey-level discretisation (`imageoperations.py:getBinEdges` and
/// `binImage`): bin edges from the selected voxels, then `numpy.digitize`. The edges are
/// computed in the arithmetic NumPy 2 uses for the image's dtype (float32 images partly in
/// float32, integer images with an integral bin width in the pixel type, wrapping as NumPy
/// wraps), so a value on a bin edge lands where PyRadiomics puts it.
public enum Discretisation {
    /// Discretises `box` (mirrors `imageoperations.binImage(imageArray, maskArray, **settings)`).
    /// - Parameters:
    ///   - box: the cropped image and mask.
    ///   - settings: `binWidth` (used when `binCount` is nil) or `binCount`.
    ///   - allVoxels: true for voxel-based extraction with `maskedKernel: false`: the edges come
    ///     from, and levels are given to, every voxel of the box.
    /// - Returns: the levels of the box, 0 where a voxel was not discretised.
    /// - Throws: `RadiomicsError` (`.settings`) for a non-positive bin width or count, or a bin
    ///   width PyRadiomics cannot use with the pixel type; (`.mask`) for an empty selection.
    public static func discretise(_ box: ROIBox, settings: RadiomicsSettings, allVoxels: Bool = false) throws -> DiscretisedROI {
        try discretise(box, settings: settings, allVoxels: allVoxels, pixelType: box.pixelType)
    }

    /// As `discretise(_:settings:allVoxels:)`, with the edge arithmetic of `pixelType`
    /// (voxel-based firstorder casts the image to float64 before binning).
    static func discretise(_ box: ROIBox, settings: RadiomicsSettings, allVoxels: Bool, pixelType: PixelType) throws -> DiscretisedROI {
        let count = box.count
        var minimum = Double.infinity
        var maximum = -Double.infinity
        var selectedCount = 0
        box.values.withUnsafeBufferPointer { values in
            box.mask.withUnsafeBufferPointer { mask in
                for i in 0..<count where allVoxels || mask[i] {
                    let v = values[i]
                    if v < minimum { minimum = v }
                    if v > maximum { maximum = v }
                    selectedCount += 1
                }
            }
        }
        guard selectedCount > 0 else { throw RadiomicsError(.mask, file: "", "the ROI is empty: nothing to discretise") }
        let edges = try binEdges(minimum: minimum, maximum: maximum, pixelType: pixelType, settings: settings)
        let digitize = try Digitizer(edges: edges)
        var levels = [Int32](repeating: 0, count: count)
        // Levels run from 0 to the edge count: a flag per level finds the ones present.
        var present = [Bool](repeating: false, count: edges.count + 2)
        box.values.withUnsafeBufferPointer { values in
            box.mask.withUnsafeBufferPointer { mask in
                levels.withUnsafeMutableBufferPointer { out in
                    present.withUnsafeMutableBufferPointer { flags in
                        for i in 0..<count where allVoxels || mask[i] {
                            let level = digitize.level(values[i])
                            out[i] = Int32(level)
                            flags[level] = true
                        }
                    }
                }
            }
        }
        let grayLevels = present.indices.filter { present[$0] }
        return DiscretisedROI(levels: levels, grayLevels: grayLevels, ng: grayLevels.last ?? 0)
    }

    /// The bin edges `getBinEdges` returns for `values` (the selected voxels) of an image of
    /// `pixelType`, as doubles (NumPy compares the values with them in double precision).
    static func binEdges(_ values: [Double], pixelType: PixelType, settings: RadiomicsSettings) throws -> [Double] {
        var minimum = Double.infinity
        var maximum = -Double.infinity
        for v in values {
            if v < minimum { minimum = v }
            if v > maximum { maximum = v }
        }
        return try binEdges(minimum: minimum, maximum: maximum, pixelType: pixelType, settings: settings)
    }

    /// As `binEdges(_:pixelType:settings:)`, from the selected voxels' extremes (NaN-free
    /// comparisons as there: `v < minimum` never holds for NaN).
    static func binEdges(minimum: Double, maximum: Double, pixelType: PixelType, settings: RadiomicsSettings) throws -> [Double] {
        if let count = settings.binCount {
            guard count > 0 else { throw RadiomicsError(.settings, file: "", "binCount must be positive, not \(count)") }
            return histogramEdges(minimum: minimum, maximum: maximum, count: count, float32: pixelType == .float32)
        }
        let width = settings.binWidth
        guard width > 0, width.isFinite else { throw RadiomicsError(.settings, file: "", "binWidth must be a positive number, not \(width)") }
        if pixelType.isInteger, width == width.rounded(), let bits = integerBits(pixelType) {
            return try integerWidthEdges(minimum: minimum, maximum: maximum, width: width, type: pixelType, bits: bits)
        }
        if pixelType == .float32 { return try float32WidthEdges(minimum: minimum, maximum: maximum, width: width) }
        return try float64WidthEdges(minimum: minimum, maximum: maximum, width: width)
    }

    /// Largest edge count accepted (PyRadiomics would try to allocate any number).
    static let maximumEdges = 1 << 24

    /// `numpy.histogram(values, binCount)[1]` with the last edge raised by 1.
    static func histogramEdges(minimum: Double, maximum: Double, count: Int, float32: Bool) -> [Double] {
        var edges = [Double](repeating: 0, count: count + 1)
        if float32 {
            var first = Float(minimum)
            var last = Float(maximum)
            if first == last {
                first -= 0.5
                last += 0.5
            }
            let delta = last - first
            let step = delta / Float(count)
            for k in 0..<count {
                let y = step == 0 ? (Float(k) / Float(count)) * delta : Float(k) * step
                edges[k] = Double(y + first)
            }
            edges[count] = Double(last + 1)
        } else {
            var first = minimum
            var last = maximum
            if first == last {
                first -= 0.5
                last += 0.5
            }
            let delta = last - first
            let step = delta / Double(count)
            for k in 0..<count {
                let y = step == 0 ? (Double(k) / Double(count)) * delta : Double(k) * step
                edges[k] = y + first
            }
            edges[count] = last + 1
        }
        return edges
    }

    /// `numpy.arange(low, high, binWidth)` for float64 arithmetic (and integer images with a
    /// fractional bin width), with the one-edge (flat) correction of `getBinEdges`.
    static func float64WidthEdges(minimum: Double, maximum: Double, width: Double) throws -> [Double] {
        let low = minimum - pythonMod(minimum, width)
        let high = maximum + 2 * width
        let n = (high - low) / width
        return try arangeEdges(start: low, second: low + width, count: n)
    }

    /// The float32 variant: NumPy 2 keeps float32 scalars when mixing with Python floats, so
    /// the remainder, bounds, length and second value are float32; `arange` then fills a
    /// float64 array from its first two values.
    static func float32WidthEdges(minimum: Double, maximum: Double, width: Double) throws -> [Double] {
        let w = Float(width)
        let mn = Float(minimum)
        let low = mn - pythonMod(mn, w)
        let high = Float(maximum) + Float(2 * width)
        let n = (high - low) / w
        return try arangeEdges(start: Double(low), second: Double(low + w), count: Double(n))
    }

    /// Integer images with an integral bin width (a Python int, as PyRadiomics' default 25 and
    /// YAML's `binWidth: 25` are): the bounds are computed in the pixel type and wrap on
    /// overflow as NumPy's integer scalars do (e.g. a uint8 maximum of 246 with width 10 gives
    /// an upper bound of 10); `arange` then works in int64.
    static func integerWidthEdges(minimum: Double, maximum: Double, width: Double, type: PixelType, bits: (Int, Bool)) throws -> [Double] {
        let w = Int64(width)
        let range = type.range
        guard Double(w) <= range.upperBound, Double(2 * w) <= range.upperBound else {
            throw RadiomicsError(
                .settings, file: "", "binWidth \(w) does not fit the \(type.rawValue) image type (PyRadiomics fails: Python integer out of bounds)")
        }
        func wrap(_ v: Int64) -> Int64 {
            let (count, signed) = bits
            if count == 64 { return v }
            let modulus = Int64(1) << count
            var r = ((v % modulus) + modulus) % modulus
            if signed && r >= modulus / 2 { r -= modulus }
            return r
        }
        let mn = Int64(minimum)
        let mx = Int64(maximum)
        let r = ((mn % w) + w) % w
        let low = wrap(mn - r)
        let high = wrap(mx + 2 * w)
        let n = Double(wrap(high &- low)) / Double(w)
        let second = wrap(low + w)
        guard n.isFinite else { return [] }
        let count = Int(n.rounded(.up))
        guard count > 0 else { return [] }
        guard count <= maximumEdges else { throw tooManyEdges(count) }
        if count == 1 { return [Double(low) - 0.5, Double(low) + 0.5] }
        let delta = second - low
        return (0..<count).map { Double(low + Int64($0) * delta) }
    }

    /// `numpy.arange` from its first two values and its length (`@NAME@_fill`: e_i = e0 + i·Δ
    /// with Δ = e1 − e0), then `getBinEdges`' flat-region rule for a single edge.
    static func arangeEdges(start: Double, second: Double, count n: Double) throws -> [Double] {
        guard n.isFinite else { throw RadiomicsError(.settings, file: "", "the bin edges are not finite") }
        let count = Int(max(0, n.rounded(.up)))
        guard count <= maximumEdges else { throw tooManyEdges(count) }
        if count == 0 { return [] }
        if count == 1 { return [start - 0.5, start + 0.5] }
        var edges = [Double](repeating: 0, count: count)
        edges[0] = start
        edges[1] = second
        let delta = second - start
        if count > 2 {
            for i in 2..<count { edges[i] = start + Double(i) * delta }
        }
        return edges
    }

    static func tooManyEdges(_ count: Int) -> RadiomicsError {
        RadiomicsError(.settings, file: "", "binWidth gives \(count) bins; use a larger bin width")
    }

    /// Python's (and NumPy's) floor remainder: the sign of the divisor.
    static func pythonMod(_ a: Double, _ b: Double) -> Double {
        var r = fmod(a, b)
        if r != 0 {
            if (b < 0) != (r < 0) { r += b }
        } else {
            r = copysign(0, b)
        }
        return r
    }

    static func pythonMod(_ a: Float, _ b: Float) -> Float {
        var r = fmodf(a, b)
        if r != 0 {
            if (b < 0) != (r < 0) { r += b }
        } else {
            r = copysign(0, b)
        }
        return r
    }

    /// Bit width and signedness of an integer pixel type (nil for uint64, computed in double).
    static func integerBits(_ type: PixelType) -> (Int, Bool)? {
        switch type {
        case .int8: return (8, true)
        case .uint8: return (8, false)
        case .int16: return (16, true)
        case .uint16: return (16, false)
        case .int32: return (32, true)
        case .uint32: return (32, false)
        case .int64: return (64, true)
        default: return nil
        }
    }
}

/// `numpy.digitize(x, edges)` (right=False): the number of edges ≤ x for increasing edges,
/// NumPy's mirrored rule for decreasing ones.
struct Digitizer {
    let edges: [Double]
    let decreasing: Bool

    init(edges: [Double]) throws {
        var increasing = true
        var decreasing = true
        for i in edges.indices.dropFirst() {
            if edges[i] < edges[i - 1] { increasing = false }
            if edges[i] > edges[i - 1] { decreasing = false }
        }
        guard increasing || decreasing else {
            throw RadiomicsError(.settings, file: "", "the bin edges are not monotonic (numpy.digitize fails)")
        }
        self.decreasing = !increasing
        self.edges = self.decreasing ? edges.reversed() : edges
        let n = self.edges.count
        if n >= 2, let first = self.edges.first, let last = self.edges.last, last > first, (last - first).isFinite {
            self.first = first
            inverseStep = Double(n - 1) / (last - first)
        } else {
            self.first = 0
            inverseStep = 0
        }
    }

    /// The first ascending edge and 1 / mean edge spacing (0: no guess, binary search only).
    let first: Double
    let inverseStep: Double

    /// Count of (ascending) edges ≤ x (`searchsorted(side='right')`).
    @inline(__always)
    func countAtMost(_ x: Double) -> Int {
        if inverseStep > 0 {
            // Guess from the (nearly) uniform spacing, then step to the exact count: the k
            // with edges[k − 1] ≤ x < edges[k] (0 for NaN, as the binary search gives).
            let n = edges.count
            return edges.withUnsafeBufferPointer { e in
                let t = (x - first) * inverseStep
                var k = t >= 0 ? (t < Double(n) ? Int(t) + 1 : n) : 0
                while k < n && e[k] <= x { k += 1 }
                while k > 0 && e[k - 1] > x { k -= 1 }
                return k
            }
        }
        var lo = 0
        var hi = edges.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if edges[mid] <= x { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    @inline(__always)
    func level(_ x: Double) -> Int {
        decreasing ? edges.count - countAtMost(x) : countAtMost(x)
    }
}
