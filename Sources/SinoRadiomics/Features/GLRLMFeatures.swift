import CSinoKernels
import Foundation

/// PyRadiomics 3.0.1's grey level run length matrix features (`glrlm.py:RadiomicsGLRLM`,
/// `cmatrices.c:calculate_glrlm`): runs of equal level along each mono-directional angle at
/// distance 1 (`distances` ignored), an angle without any line of two ROI voxels zeroed,
/// optional `weightingNorm`, empty angles deleted; features per angle, then `nanmean`.
public enum GLRLMFeatures: RadiomicsFeatureClass {
    /// The `glrlm` class.
    public static let kind = FeatureClassKind.glrlm

    /// Every non-deprecated feature, in Python's sorted order (PyRadiomics' "all features" order).
    public static let featureNames = [
        "GrayLevelNonUniformity", "GrayLevelNonUniformityNormalized", "GrayLevelVariance", "HighGrayLevelRunEmphasis", "LongRunEmphasis",
        "LongRunHighGrayLevelEmphasis", "LongRunLowGrayLevelEmphasis", "LowGrayLevelRunEmphasis", "RunEntropy", "RunLengthNonUniformity",
        "RunLengthNonUniformityNormalized", "RunPercentage", "RunVariance", "ShortRunEmphasis", "ShortRunHighGrayLevelEmphasis",
        "ShortRunLowGrayLevelEmphasis"
    ]

    /// None: the class has no deprecated feature that gives a value.
    public static let deprecatedNames: [String] = []

    /// The values of `names` on the ROI of `box` (segment-based `execute()`).
    public static func compute(_ box: ROIBox, settings: RadiomicsSettings, names: [String]) throws -> [Double] {
        try compute(box, discretised: try Discretisation.discretise(box, settings: settings), settings: settings, names: names)
    }

    public static var usesDiscretisation: Bool { true }

    public static func compute(_ box: ROIBox, discretised: DiscretisedROI, settings: RadiomicsSettings, names: [String]) throws -> [Double] {
        let wanted = try FeatureSelection.indices(names, all: featureNames, kind: kind)
        let array = try TextureArray(shape: box.shape, levels: discretised.levels, mask: box.mask, grayLevels: discretised.grayLevels, ng: discretised.ng)
        let engine = try GLRLMEngine(array: array, box: box, settings: settings, levelCapacity: array.grayLevels.count, runCapacity: box.shape.max()!)
        defer { engine.deallocate() }
        engine.levelMap.useAll(array.grayLevels)
        var out = [Double](repeating: .nan, count: featureNames.count)
        array.levels.withUnsafeBufferPointer { lv in
            array.mask.withUnsafeBufferPointer { mk in
                engine.features(lv.baseAddress!, mk.baseAddress!, KernelBounds(shape: array.shape), m: array.grayLevels.count, deleteEmpty: true, into: &out)
            }
        }
        return wanted.map { out[$0] }
    }

    /// The 16 features from the statistics of one matrix with N_r = `n` (NaN when N_r is 0).
    static func values(_ s: LevelSizeStatistics, n: Double, into out: UnsafeMutablePointer<Double>) {
        if n == 0 {
            for f in 0..<16 { out[f] = .nan }
            return
        }
        out[0] = s.sumPg2 / n
        out[1] = s.sumPg2 / (n * n)
        out[2] = s.grayVariance
        out[3] = s.sumPgI2 / n
        out[4] = s.sumJ2 / n
        out[5] = s.sumI2J2 / n
        out[6] = s.sumJ2InvI2 / n
        out[7] = s.sumPgInvI2 / n
        out[8] = s.entropy
        out[9] = s.sumPr2 / n
        out[10] = s.sumPr2 / (n * n)
        out[11] = n / s.sumPrJ
        out[12] = s.sizeVariance
        out[13] = s.sumInvJ2 / n
        out[14] = s.sumI2InvJ2 / n
        out[15] = s.sumInvI2J2 / n
    }
}

/// Run-length matrices of one box or kernel; scratch buffers are reused between kernels.
final class GLRLMEngine {
    let array: TextureArray
    let angles: [Int]
    let na: Int
    let weights: [Double]?
    let levelMap: LevelMap
    let terms = EntropyTerms()
    let levelCapacity: Int
    let runCapacity: Int

    private let counts: UnsafeMutablePointer<Double>
    private let weighted: UnsafeMutablePointer<Double>
    private let g: UnsafeMutablePointer<Double>
    private let pr: UnsafeMutablePointer<Double>
    private let pg: UnsafeMutablePointer<Double>
    private let angleScratch: UnsafeMutablePointer<Double>
    private let perAngle: UnsafeMutablePointer<Double>
    private let meanScratch: UnsafeMutablePointer<Double>
    private let row: UnsafeMutablePointer<Double>
    private let runTotals: UnsafeMutablePointer<Double>
    private let runLengths: UnsafeMutablePointer<Double>
    private let runLevels: UnsafeMutablePointer<Double>
    private var grid: UnsafeMutablePointer<Int32>
    /// Grid indices of the kernel's ROI voxels, raster order.
    private var cellsOfROI: UnsafeMutablePointer<Int>
    /// Per grid cell, the length of the run so far that ends there (along the current angle).
    private var runSoFar: UnsafeMutablePointer<Int32>
    private let g2: UnsafeMutablePointer<Double>
    private let invG2: UnsafeMutablePointer<Double>
    private let j2: UnsafeMutablePointer<Double>
    private let invJ2: UnsafeMutablePointer<Double>
    private var gridCapacity = 0

    init(array: TextureArray, box: ROIBox, settings: RadiomicsSettings, levelCapacity: Int, runCapacity: Int) throws {
        self.array = array
        angles = try TextureAngles.build(size: array.shape, distances: [1], bidirectional: false, excludedAxis: TextureAngles.excludedAxis(box, settings: settings))
        na = angles.count / 3
        weights = AngleWeights.glrlm(settings.weightingNorm, angles: angles, spacing: box.spacing)
        levelMap = LevelMap(ng: array.ng)
        self.levelCapacity = max(levelCapacity, 1)
        self.runCapacity = max(runCapacity, 1)
        let cells = self.levelCapacity * self.runCapacity
        counts = .allocate(capacity: na * cells)
        weighted = .allocate(capacity: cells)
        g = .allocate(capacity: self.levelCapacity)
        pr = .allocate(capacity: self.runCapacity)
        pg = .allocate(capacity: self.levelCapacity)
        angleScratch = .allocate(capacity: na)
        perAngle = .allocate(capacity: 16 * na)
        meanScratch = .allocate(capacity: na)
        row = .allocate(capacity: 16)
        runTotals = .allocate(capacity: na)
        runLengths = .allocate(capacity: na * self.runCapacity)
        runLevels = .allocate(capacity: na * self.levelCapacity)
        grid = .allocate(capacity: 1)
        cellsOfROI = .allocate(capacity: 1)
        runSoFar = .allocate(capacity: 1)
        g2 = .allocate(capacity: self.levelCapacity)
        invG2 = .allocate(capacity: self.levelCapacity)
        j2 = .allocate(capacity: self.runCapacity)
        invJ2 = .allocate(capacity: self.runCapacity)
        for j in 0..<self.runCapacity {
            let jd = Double(j + 1)
            j2[j] = jd * jd
            invJ2[j] = 1 / (jd * jd)
        }
    }

    func deallocate() {
        for buffer in [counts, weighted, g, pr, pg, angleScratch, perAngle, meanScratch, row, runTotals, runLengths, runLevels, g2, invG2, j2, invJ2] { buffer.deallocate() }
        grid.deallocate()
        cellsOfROI.deallocate()
        runSoFar.deallocate()
    }

    /// `calculate_glrlm` inside `b`: counts[a][level][run − 1] (runs up to `nr` long), with the
    /// per-angle marginals and totals. The kernel is copied into a grid with a one-voxel border
    /// (−2 outside the kernel, −1 outside the ROI, else the local level index), so no bounds
    /// tests are needed. A run ends at a ROI voxel whose successor along the angle is not a ROI
    /// voxel of the same level; its length is carried along from voxel to voxel (the voxels
    /// taken in an order where each one's predecessor along the angle comes first), so each
    /// voxel is visited once per angle. The counts are whole numbers, the same in any order. An
    /// angle with no line holding two ROI voxels is zeroed (C: `multiElement`).
    private func build(_ lv: UnsafePointer<Int32>, _ mk: UnsafePointer<Bool>, _ b: KernelBounds, m: Int, nr: Int) {
        let cells = m * nr
        counts.update(repeating: 0, count: na * cells)
        runTotals.update(repeating: 0, count: na)
        runLengths.update(repeating: 0, count: na * nr)
        runLevels.update(repeating: 0, count: na * m)
        let ez = b.hi.0 - b.lo.0 + 1, ey = b.hi.1 - b.lo.1 + 1, ex = b.hi.2 - b.lo.2 + 1
        let gy = ey + 2, gx = ex + 2
        let gyx = gy * gx
        let gridCount = (ez + 2) * gyx
        if gridCount > gridCapacity {
            grid.deallocate()
            cellsOfROI.deallocate()
            runSoFar.deallocate()
            gridCapacity = gridCount
            grid = .allocate(capacity: gridCount)
            cellsOfROI = .allocate(capacity: gridCount)
            runSoFar = .allocate(capacity: gridCount)
        }
        let cellsOfGrid = grid
        cellsOfGrid.update(repeating: -2, count: gridCount)
        let roiCells = cellsOfROI
        var roiCount = 0
        let sz = array.strideZ
        let nx = array.nx
        levelMap.slot.withUnsafeBufferPointer { slot in
            for z in 0..<ez {
                for y in 0..<ey {
                    let row = (b.lo.0 + z) * sz + (b.lo.1 + y) * nx + b.lo.2
                    let gridRow = (z + 1) * gyx + (y + 1) * gx + 1
                    for x in 0..<ex {
                        if mk[row + x] {
                            cellsOfGrid[gridRow + x] = slot[Int(lv[row + x])]
                            roiCells[roiCount] = gridRow + x
                            roiCount += 1
                        } else {
                            cellsOfGrid[gridRow + x] = -1
                        }
                    }
                }
            }
        }
        for a in 0..<na {
            let step = angles[3 * a] * gyx + angles[3 * a + 1] * gx + angles[3 * a + 2]
            let base = counts + a * cells
            let lengths = runLengths + a * nr
            let levels = runLevels + a * m
            var multiElement = false
            let runs = sino_glrlm_runs(cellsOfGrid, runSoFar, roiCells, roiCount, step, base, nr, &multiElement)
            if multiElement {
                runTotals[a] = runs
                // The marginals, summed from the matrix (whole numbers: exact in any order);
                // counted run by run they would chain every run through the same few cells.
                for li in 0..<m {
                    let row = base + li * nr
                    var sum = 0.0
                    for lj in 0..<nr {
                        sum += row[lj]
                        lengths[lj] += row[lj]
                    }
                    levels[li] = sum
                }
            } else {
                for k in 0..<cells { base[k] = 0 }
                for k in 0..<nr { lengths[k] = 0 }
                for k in 0..<m { levels[k] = 0 }
            }
        }
    }

    /// The features of the matrices inside `b` (m levels from `levelMap`), `nanmean` over
    /// angles. `deleteEmpty`: empty angles are left out (segment-based deletion) rather than
    /// entering as NaN.
    func features(_ lv: UnsafePointer<Int32>, _ mk: UnsafePointer<Bool>, _ b: KernelBounds, m: Int, deleteEmpty: Bool, into out: inout [Double]) {
        let nr = min(runCapacity, max(b.hi.0 - b.lo.0, b.hi.1 - b.lo.1, b.hi.2 - b.lo.2) + 1)
        build(lv, mk, b, m: m, nr: nr)
        for (k, level) in levelMap.levels.prefix(m).enumerated() {
            let v = Double(level)
            g[k] = v
            g2[k] = v * v
            invG2[k] = 1 / (v * v)
        }
        let cells = m * nr
        var columns = 0
        if let weights {
            for cell in 0..<cells {
                for a in 0..<na { angleScratch[a] = counts[a * cells + cell] * weights[a] }
                weighted[cell] = NumpyMath.pairwiseSum(angleScratch, na)
            }
            var total = 0.0
            for cell in 0..<cells { total += weighted[cell] }
            let stats = LevelSizeStatistics.dense(weighted, m: m, nj: nr, g: g, n: total, pr: pr, pg: pg, terms: terms)
            GLRLMFeatures.values(stats, n: total, into: row)
            for f in 0..<16 { out[f] = row[f] }
            return
        }
        for a in 0..<na {
            let base = counts + a * cells
            let total = runTotals[a]
            if total == 0 && deleteEmpty && na > 1 { continue }
            let stats = LevelSizeStatistics.withMarginals(
                base, m: m, nj: nr, g: g, g2: g2, invG2: invG2, j2: j2, invJ2: invJ2, n: total, pr: runLengths + a * nr,
                pg: runLevels + a * m, terms: terms)
            GLRLMFeatures.values(stats, n: total, into: row)
            for f in 0..<16 { perAngle[f * na + columns] = row[f] }
            columns += 1
        }
        for f in 0..<16 { out[f] = NumpyMath.nanMean(perAngle + f * na, columns, scratch: meanScratch) }
    }
}
