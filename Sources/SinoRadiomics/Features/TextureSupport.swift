import Foundation

/// An inclusive index box in array order (z, y, x): the whole array for segment-based
/// extraction, a voxel's kernel (`_cmatrices.c:set_bb`) for voxel-based extraction.
struct KernelBounds {
    var lo: (Int, Int, Int)
    var hi: (Int, Int, Int)

    /// The whole array of `shape`.
    init(shape: [Int]) {
        lo = (0, 0, 0)
        hi = (shape[0] - 1, shape[1] - 1, shape[2] - 1)
    }

    init(lo: (Int, Int, Int), hi: (Int, Int, Int)) {
        self.lo = lo
        self.hi = hi
    }

    /// `set_bb`: the voxel ± radius clamped to the array, a single index along `excludedAxis`.
    init(centre: (Int, Int, Int), radius: Int, shape: [Int], excludedAxis: Int?) {
        let ex = excludedAxis ?? -1
        @inline(__always) func range(_ c: Int, _ d: Int) -> (Int, Int) {
            d == ex ? (c, c) : (max(c - radius, 0), min(c + radius, shape[d] - 1))
        }
        let z = range(centre.0, 0)
        let y = range(centre.1, 1)
        let x = range(centre.2, 2)
        lo = (z.0, y.0, x.0)
        hi = (z.1, y.1, x.1)
    }

    @inline(__always) func contains(_ z: Int, _ y: Int, _ x: Int) -> Bool {
        z >= lo.0 && z <= hi.0 && y >= lo.1 && y <= hi.1 && x >= lo.2 && x <= hi.2
    }

    var voxelCount: Int { (hi.0 - lo.0 + 1) * (hi.1 - lo.1 + 1) * (hi.2 - lo.2 + 1) }
}

/// The discretised array a texture class works on: levels, the mask its matrices use (the
/// ROI, or every voxel for voxel-based extraction without `maskedKernel`), the shape and
/// PyRadiomics' `grayLevels`/`Ng`.
struct TextureArray {
    let shape: [Int]
    let levels: [Int32]
    let mask: [Bool]
    let grayLevels: [Int]
    let ng: Int

    /// - Throws: `RadiomicsError` (`.settings`) when a level is below 1 (wrapped integer bin
    ///   edges): PyRadiomics' C matrices then fail ("Calculation of … Failed").
    init(shape: [Int], levels: [Int32], mask: [Bool], grayLevels: [Int], ng: Int) throws {
        guard let first = grayLevels.first, first >= 1 else {
            throw RadiomicsError(.settings, file: "", "discretisation gave grey level 0 (bin edges wrapped in the pixel type); texture matrices need levels ≥ 1")
        }
        self.shape = shape
        self.levels = levels
        self.mask = mask
        self.grayLevels = grayLevels
        self.ng = ng
    }

    var ny: Int { shape[1] }
    var nx: Int { shape[2] }
    var strideZ: Int { shape[1] * shape[2] }
}

/// Assigns compact indices (0..<m, ascending level) to the levels present in a kernel, so a
/// kernel's matrices need only m rows however many levels the ROI has. Reused across kernels.
final class LevelMap {
    /// Level → local index, −1 when absent.
    private(set) var slot: [Int32]
    /// The local levels, ascending.
    private(set) var levels: [Int] = []
    /// The levels of the last `collect` or `useAll` (capacity ng + 1): a pointer, so that the
    /// per-voxel loop makes no exclusivity check at run time (a class's vars are checked on
    /// every access).
    private let seen: UnsafeMutablePointer<Int>
    private var seenCount = 0

    init(ng: Int) {
        slot = [Int32](repeating: -1, count: ng + 1)
        levels.reserveCapacity(64)
        seen = .allocate(capacity: ng + 1)
    }

    deinit { seen.deallocate() }

    /// Collects the levels of the mask voxels inside `bounds`; returns their count.
    func collect(_ array: TextureArray, _ levelsPtr: UnsafePointer<Int32>, _ maskPtr: UnsafePointer<Bool>, _ b: KernelBounds) -> Int {
        let sz = array.strideZ
        let nx = array.nx
        let seen = self.seen
        var count = seenCount
        slot.withUnsafeMutableBufferPointer { slot in
            for k in 0..<count { slot[seen[k]] = -1 }
            count = 0
            for z in b.lo.0...b.hi.0 {
                for y in b.lo.1...b.hi.1 {
                    let row = z * sz + y * nx
                    for x in b.lo.2...b.hi.2 where maskPtr[row + x] {
                        let level = Int(levelsPtr[row + x])
                        if slot[level] == -1 {
                            slot[level] = 0
                            seen[count] = level
                            count += 1
                        }
                    }
                }
            }
            NumpyMath.sortAscending(seen, count)
            for i in 0..<count { slot[seen[i]] = Int32(i) }
        }
        seenCount = count
        levels.removeAll(keepingCapacity: true)
        levels.append(contentsOf: UnsafeBufferPointer(start: seen, count: count))
        return count
    }

    /// Uses every level of `grayLevels` (segment-based: the matrix rows PyRadiomics keeps).
    func useAll(_ grayLevels: [Int]) {
        let seen = self.seen
        let count = seenCount
        slot.withUnsafeMutableBufferPointer { slot in
            for k in 0..<count { slot[seen[k]] = -1 }
            for (i, level) in grayLevels.enumerated() {
                slot[level] = Int32(i)
                seen[i] = level
            }
        }
        seenCount = grayLevels.count
        levels = grayLevels
    }
}

/// Which features of a class are wanted, resolved from names once.
enum FeatureSelection {
    /// Indices of `names` in `all` (featureNames followed by deprecatedNames).
    static func indices(_ names: [String], all: [String], kind: FeatureClassKind) throws -> [Int] {
        try names.map { name in
            guard let index = all.firstIndex(of: name) else {
                throw RadiomicsError(.settings, file: "", "\(kind.rawValue) has no feature named \(name)")
            }
            return index
        }
    }
}

/// The weight of each angle under `weightingNorm` (GLCM: `exp(−‖|a|⊙s‖²)`; GLRLM: the norm
/// itself), nil without weighting. Spacing in array order.
enum AngleWeights {
    static func glcm(_ norm: WeightingNorm?, angles: [Int], spacing: [Double]) -> [Double]? {
        guard let norm else { return nil }
        return stride(from: 0, to: angles.count, by: 3).map { start in
            let d = (0..<3).map { abs(Double(angles[start + $0])) * spacing[$0] }
            switch norm {
            case .infinity:
                let m = max(d[0], d[1], d[2])
                return exp(-(m * m))
            case .euclidean: return exp(-(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]))
            case .manhattan:
                let s = d[0] + d[1] + d[2]
                return exp(-(s * s))
            case .noWeighting: return 1
            }
        }
    }

    static func glrlm(_ norm: WeightingNorm?, angles: [Int], spacing: [Double]) -> [Double]? {
        guard let norm else { return nil }
        return stride(from: 0, to: angles.count, by: 3).map { start in
            let d = (0..<3).map { abs(Double(angles[start + $0])) * spacing[$0] }
            switch norm {
            case .infinity: return max(d[0], d[1], d[2])
            case .euclidean: return (d[0] * d[0] + d[1] * d[1] + d[2] * d[2]).squareRoot()
            case .manhattan: return d[0] + d[1] + d[2]
            case .noWeighting: return 1
            }
        }
    }
}

/// Offsets of `angles` as linear index steps and per-axis components, for fast neighbour tests.
struct AngleSteps {
    let count: Int
    let dz: [Int]
    let dy: [Int]
    let dx: [Int]
    let step: [Int]

    init(_ angles: [Int], shape: [Int]) {
        count = angles.count / 3
        dz = (0..<count).map { angles[3 * $0] }
        dy = (0..<count).map { angles[3 * $0 + 1] }
        dx = (0..<count).map { angles[3 * $0 + 2] }
        step = (0..<count).map { angles[3 * $0] * shape[1] * shape[2] + angles[3 * $0 + 1] * shape[2] + angles[3 * $0 + 2] }
    }
}

/// `q·log2(q + eps)` with q = v / n, memoised for small integral v (matrix counts): the same
/// value PyRadiomics computes per cell, without one log2 per cell.
final class EntropyTerms {
    private let size: Int
    private let values: UnsafeMutablePointer<Double>
    private let stamps: UnsafeMutablePointer<Int32>
    private var stamp: Int32 = 0
    private var n = 1.0

    init(size: Int = 512) {
        self.size = size
        values = .allocate(capacity: size)
        stamps = .allocate(capacity: size)
        stamps.initialize(repeating: 0, count: size)
    }

    deinit {
        values.deallocate()
        stamps.deallocate()
    }

    /// Starts a matrix normalised by `n`.
    func reset(_ n: Double) {
        self.n = n
        stamp &+= 1
        if stamp == Int32.max {
            stamps.update(repeating: 0, count: size)
            stamp = 1
        }
    }

    @inline(__always) func term(_ v: Double) -> Double {
        if v >= 0 && v < Double(size) {
            let k = Int(v)
            if Double(k) == v {
                if stamps[k] == stamp { return values[k] }
                let q = v / n
                let t = q * log2(q + NumpyMath.eps)
                values[k] = t
                stamps[k] = stamp
                return t
            }
        }
        let q = v / n
        return q * log2(q + NumpyMath.eps)
    }
}
