import Foundation

/// PyRadiomics 3.0.1's neighbouring grey tone difference matrix features
/// (`ngtdm.py:RadiomicsNGTDM`, `cmatrices.c:calculate_ngtdm`): for each ROI voxel of level i,
/// d = |i − mean level of its neighbours| (bi-directional `distances` offsets inside the box and
/// the ROI), 0 for a voxel without neighbours, which is still counted; n_i = voxel count,
/// s_i = Σ d, per level.
public enum NGTDMFeatures: RadiomicsFeatureClass {
    /// The `ngtdm` class.
    public static let kind = FeatureClassKind.ngtdm

    /// Every non-deprecated feature, in Python's sorted order (PyRadiomics' "all features" order).
    public static let featureNames = ["Busyness", "Coarseness", "Complexity", "Contrast", "Strength"]

    /// None: the class has no deprecated feature that gives a value.
    public static let deprecatedNames: [String] = []

    /// The values of `names` on the ROI of `box` (segment-based `execute()`).
    public static func compute(_ box: ROIBox, settings: RadiomicsSettings, names: [String]) throws -> [Double] {
        try compute(box, discretised: try Discretisation.discretise(box, settings: settings), settings: settings, names: names)
    }

    public static var usesDiscretisation: Bool { true }

    public static func compute(_ box: ROIBox, discretised: DiscretisedROI, settings: RadiomicsSettings, names: [String]) throws -> [Double] {
        try SegmentTexture.compute(box, discretised: discretised, settings: settings, names: names, all: featureNames, kind: kind) { array in
            try NGTDMEngine(array: array, box: box, settings: settings, levelCapacity: array.grayLevels.count)
        }
    }
}

/// The NGTDM of one box or kernel; scratch buffers are reused between kernels.
final class NGTDMEngine: PaddedSegmentEngine {
    let array: TextureArray
    let angles: [Int]
    let steps: AngleSteps
    let levelMap: LevelMap
    let levelCapacity: Int

    private let n: UnsafeMutablePointer<Double>
    private let s: UnsafeMutablePointer<Double>
    private let p: UnsafeMutablePointer<Double>
    private let g: UnsafeMutablePointer<Double>
    private let rowScratch: UnsafeMutablePointer<Double>

    init(array: TextureArray, box: ROIBox, settings: RadiomicsSettings, levelCapacity: Int) throws {
        self.array = array
        angles = try TextureAngles.build(
            size: array.shape, distances: settings.distances, bidirectional: true, excludedAxis: TextureAngles.excludedAxis(box, settings: settings))
        steps = AngleSteps(angles, shape: array.shape)
        levelMap = LevelMap(ng: array.ng)
        self.levelCapacity = max(levelCapacity, 1)
        n = .allocate(capacity: self.levelCapacity)
        s = .allocate(capacity: self.levelCapacity)
        p = .allocate(capacity: self.levelCapacity)
        g = .allocate(capacity: self.levelCapacity)
        rowScratch = .allocate(capacity: self.levelCapacity)
    }

    func deallocate() {
        for buffer in [n, s, p, g, rowScratch] { buffer.deallocate() }
    }

    /// The 5 features of the NGTDM of the whole ROI (segment-based), through the padded grid:
    /// a neighbour counts when its padded level is non-zero (a zero adds nothing to the sum).
    func segmentFeatures(_ padded: PaddedLevels, m: Int, into out: inout [Double]) {
        for i in 0..<m {
            n[i] = 0
            s[i] = 0
        }
        let lv = padded.levels
        let steps = padded.steps
        let na = padded.na
        levelMap.slot.withUnsafeBufferPointer { slot in
            for r in 0..<padded.roiCount {
                let i = padded.roi[r]
                var count = 0
                var sum = 0
                for a in 0..<na {
                    let v = lv[i &+ steps[a]]
                    count &+= v != 0 ? 1 : 0
                    sum &+= Int(v)
                }
                let level = lv[i]
                let diff = count == 0 ? 0 : abs(Double(level) - Double(sum) / Double(count))
                let li = Int(slot[Int(level)])
                n[li] += 1
                s[li] += diff
            }
        }
        finish(m: m, into: &out)
    }

    /// The 5 features of the NGTDM inside `b` (m levels from `levelMap`).
    func features(_ lv: UnsafePointer<Int32>, _ mk: UnsafePointer<Bool>, _ b: KernelBounds, m: Int, into out: inout [Double]) {
        for i in 0..<m {
            n[i] = 0
            s[i] = 0
        }
        let sz = array.strideZ
        let nx = array.nx
        let na = steps.count
        levelMap.slot.withUnsafeBufferPointer { slot in
            for z in b.lo.0...b.hi.0 {
                for y in b.lo.1...b.hi.1 {
                    let row = z * sz + y * nx
                    for x in b.lo.2...b.hi.2 where mk[row + x] {
                        let i = row + x
                        var count = 0.0
                        var sum = 0.0
                        for a in 0..<na {
                            if !b.contains(z + steps.dz[a], y + steps.dy[a], x + steps.dx[a]) { continue }
                            let j = i + steps.step[a]
                            if mk[j] {
                                count += 1
                                sum += Double(lv[j])
                            }
                        }
                        let diff = count == 0 ? 0 : abs(Double(lv[i]) - sum / count)
                        let li = Int(slot[Int(lv[i])])
                        n[li] += 1
                        s[li] += diff
                    }
                }
            }
        }
        finish(m: m, into: &out)
    }

    /// The features of the filled `n` and `s`.
    private func finish(m: Int, into out: inout [Double]) {
        for (k, level) in levelMap.levels.prefix(m).enumerated() { g[k] = Double(level) }
        let nvp = NumpyMath.pairwiseSum(n, m)
        var ngp = 0
        for i in 0..<m {
            p[i] = n[i] / nvp
            if n[i] > 0 { ngp += 1 }
        }
        // Coarseness
        for i in 0..<m { rowScratch[i] = p[i] * s[i] }
        let sumPS = NumpyMath.pairwiseSum(rowScratch, m)
        let coarseness = sumPS != 0 ? 1 / sumPS : 1e6
        let sumS = NumpyMath.pairwiseSum(s, m)
        var contrastSum = 0.0, absDiff = 0.0, complexity = 0.0, strength = 0.0
        for i in 0..<m {
            let pi = p[i]
            if pi == 0 { continue }
            let gi = g[i]
            for j in 0..<m {
                let pj = p[j]
                if pj == 0 { continue }
                let gj = g[j]
                let d = gi - gj
                contrastSum += pi * pj * (d * d)
                absDiff += abs(gi * pi - gj * pj)
                complexity += abs(d) * (pi * s[i] + pj * s[j]) / (pi + pj)
                strength += (pi + pj) * (d * d)
            }
        }
        var contrast = contrastSum * sumS / nvp
        let div = Double(ngp * (ngp - 1))
        contrast = div != 0 ? contrast / div : 0
        out[0] = absDiff != 0 ? sumPS / absDiff : 0
        out[1] = coarseness
        out[2] = complexity / nvp
        out[3] = contrast
        out[4] = sumS != 0 ? strength / sumS : 0
    }
}
