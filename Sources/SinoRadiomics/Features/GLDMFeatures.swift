import Foundation

/// PyRadiomics 3.0.1's grey level dependence matrix features (`gldm.py:RadiomicsGLDM`,
/// `cmatrices.c:calculate_gldm`): for each ROI voxel, the number of neighbours (bi-directional
/// `distances` offsets, inside the box and the ROI) whose level differs by at most `gldm_a`;
/// P(i, j) with j = that number + 1.
public enum GLDMFeatures: RadiomicsFeatureClass {
    /// The `gldm` class.
    public static let kind = FeatureClassKind.gldm

    /// Every non-deprecated feature, in Python's sorted order (PyRadiomics' "all features" order).
    public static let featureNames = [
        "DependenceEntropy", "DependenceNonUniformity", "DependenceNonUniformityNormalized", "DependenceVariance", "GrayLevelNonUniformity",
        "GrayLevelVariance", "HighGrayLevelEmphasis", "LargeDependenceEmphasis", "LargeDependenceHighGrayLevelEmphasis",
        "LargeDependenceLowGrayLevelEmphasis", "LowGrayLevelEmphasis", "SmallDependenceEmphasis", "SmallDependenceHighGrayLevelEmphasis",
        "SmallDependenceLowGrayLevelEmphasis"
    ]

    /// GrayLevelNonUniformityNormalized and DependencePercentage raise DeprecationWarning in
    /// PyRadiomics and so never give a value: none is listed.
    public static let deprecatedNames: [String] = []

    /// The values of `names` on the ROI of `box` (segment-based `execute()`).
    public static func compute(_ box: ROIBox, settings: RadiomicsSettings, names: [String]) throws -> [Double] {
        try compute(box, discretised: try Discretisation.discretise(box, settings: settings), settings: settings, names: names)
    }

    public static var usesDiscretisation: Bool { true }

    public static func compute(_ box: ROIBox, discretised: DiscretisedROI, settings: RadiomicsSettings, names: [String]) throws -> [Double] {
        try SegmentTexture.compute(box, discretised: discretised, settings: settings, names: names, all: featureNames, kind: kind) { array in
            try GLDMEngine(array: array, box: box, settings: settings, levelCapacity: array.grayLevels.count)
        }
    }
}

/// Dependence matrices of one box or kernel; scratch buffers are reused between kernels.
final class GLDMEngine: PaddedSegmentEngine {
    let array: TextureArray
    let angles: [Int]
    let steps: AngleSteps
    let alpha: Int
    let levelMap: LevelMap
    let terms = EntropyTerms()
    let levelCapacity: Int
    let nj: Int

    private let counts: UnsafeMutablePointer<Double>
    private let g: UnsafeMutablePointer<Double>
    private let pr: UnsafeMutablePointer<Double>
    private let pg: UnsafeMutablePointer<Double>

    init(array: TextureArray, box: ROIBox, settings: RadiomicsSettings, levelCapacity: Int) throws {
        self.array = array
        angles = try TextureAngles.build(
            size: array.shape, distances: settings.distances, bidirectional: true, excludedAxis: TextureAngles.excludedAxis(box, settings: settings))
        steps = AngleSteps(angles, shape: array.shape)
        // cmatrices takes alpha as a C int (PyArg "i"): PyRadiomics raises TypeError for a float.
        guard settings.gldmA >= 0, settings.gldmA.isFinite, settings.gldmA == settings.gldmA.rounded() else {
            throw RadiomicsError(.settings, file: "", "gldm_a must be a non-negative integer, not \(settings.gldmA)")
        }
        alpha = Int(settings.gldmA)
        levelMap = LevelMap(ng: array.ng)
        self.levelCapacity = max(levelCapacity, 1)
        nj = steps.count + 1
        counts = .allocate(capacity: self.levelCapacity * nj)
        g = .allocate(capacity: self.levelCapacity)
        pr = .allocate(capacity: nj)
        pg = .allocate(capacity: self.levelCapacity)
    }

    func deallocate() {
        counts.deallocate()
        g.deallocate()
        pr.deallocate()
        pg.deallocate()
    }

    /// The 14 features of the dependence matrix of the whole ROI (segment-based), through the
    /// padded grid: a neighbour counts when its padded level is non-zero and within alpha.
    func segmentFeatures(_ padded: PaddedLevels, m: Int, into out: inout [Double]) {
        counts.update(repeating: 0, count: m * nj)
        let lv = padded.levels
        let steps = padded.steps
        let na = padded.na
        let alpha = Int32(clamping: self.alpha)
        levelMap.slot.withUnsafeBufferPointer { slot in
            for r in 0..<padded.roiCount {
                let i = padded.roi[r]
                let level = lv[i]
                var dependence = 0
                // Branch-free counts (the comparisons are data-dependent coin flips, and the
                // compiler turns `? 1 : 0` back into a branch): for a 32-bit x, (x | −x) >> 31
                // is −1 when x ≠ 0 and 0 when x = 0.
                if alpha == 0 {
                    for a in 0..<na {
                        let x = lv[i &+ steps[a]] ^ level
                        dependence &+= Int(((x | (0 &- x)) >> 31) &+ 1)
                    }
                } else {
                    let lvl = Int(level)
                    let al = Int(alpha)
                    for a in 0..<na {
                        let v = lv[i &+ steps[a]]
                        let nonZero = Int(-((v | (0 &- v)) >> 31))
                        let within = ((al &- abs(lvl &- Int(v))) >> 63) &+ 1
                        dependence &+= nonZero & within
                    }
                }
                counts[Int(slot[Int(level)]) * nj + dependence] += 1
            }
        }
        finish(m: m, into: &out)
    }

    /// The 14 features of the dependence matrix inside `b` (m levels from `levelMap`).
    func features(_ lv: UnsafePointer<Int32>, _ mk: UnsafePointer<Bool>, _ b: KernelBounds, m: Int, into out: inout [Double]) {
        counts.update(repeating: 0, count: m * nj)
        let sz = array.strideZ
        let nx = array.nx
        let na = steps.count
        levelMap.slot.withUnsafeBufferPointer { slot in
            for z in b.lo.0...b.hi.0 {
                for y in b.lo.1...b.hi.1 {
                    let row = z * sz + y * nx
                    for x in b.lo.2...b.hi.2 where mk[row + x] {
                        let i = row + x
                        let level = Int(lv[i])
                        var dependence = 0
                        for a in 0..<na {
                            if !b.contains(z + steps.dz[a], y + steps.dy[a], x + steps.dx[a]) { continue }
                            let j = i + steps.step[a]
                            if mk[j] && abs(level - Int(lv[j])) <= alpha { dependence += 1 }
                        }
                        counts[Int(slot[level]) * nj + dependence] += 1
                    }
                }
            }
        }
        finish(m: m, into: &out)
    }

    /// The features of the filled `counts`.
    private func finish(m: Int, into out: inout [Double]) {
        for (k, level) in levelMap.levels.prefix(m).enumerated() { g[k] = Double(level) }
        var nz = 0.0
        for k in 0..<(m * nj) { nz += counts[k] }
        if nz == 0 { nz = 1 }
        let s = LevelSizeStatistics.dense(counts, m: m, nj: nj, g: g, n: nz, pr: pr, pg: pg, terms: terms)
        out[0] = s.entropy
        out[1] = s.sumPr2 / nz
        out[2] = s.sumPr2 / (nz * nz)
        out[3] = s.sizeVariance
        out[4] = s.sumPg2 / nz
        out[5] = s.grayVariance
        out[6] = s.sumPgI2 / nz
        out[7] = s.sumJ2 / nz
        out[8] = s.sumI2J2 / nz
        out[9] = s.sumJ2InvI2 / nz
        out[10] = s.sumPgInvI2 / nz
        out[11] = s.sumInvJ2 / nz
        out[12] = s.sumI2InvJ2 / nz
        out[13] = s.sumInvI2J2 / nz
    }
}
