import Foundation

/// PyRadiomics 3.0.1's grey level co-occurrence matrix features (`glcm.py:RadiomicsGLCM`,
/// `cmatrices.c:calculate_glcm`): one matrix per angle (`distances`, mono-directional),
/// empty grey levels deleted, symmetrised (`symmetricalGLCM`), optionally combined by
/// `weightingNorm`, empty angles deleted, each angle normalised; features per angle, then
/// `nanmean` over angles (JointAverage: plain mean).
public enum GLCMFeatures: RadiomicsFeatureClass {
    /// The `glcm` class.
    public static let kind = FeatureClassKind.glcm

    /// Every non-deprecated feature, in Python's sorted order (PyRadiomics' "all features" order).
    public static let featureNames = [
        "Autocorrelation", "ClusterProminence", "ClusterShade", "ClusterTendency", "Contrast", "Correlation", "DifferenceAverage",
        "DifferenceEntropy", "DifferenceVariance", "Id", "Idm", "Idmn", "Idn", "Imc1", "Imc2", "InverseVariance", "JointAverage",
        "JointEnergy", "JointEntropy", "MCC", "MaximumProbability", "SumAverage", "SumEntropy", "SumSquares"
    ]

    /// Dissimilarity, Homogeneity1, Homogeneity2 and SumVariance raise DeprecationWarning in
    /// PyRadiomics and so never give a value: none is listed.
    public static let deprecatedNames: [String] = []

    static let jointAverage = 16
    static let mcc = 19

    /// The values of `names` on the ROI of `box` (segment-based `execute()`).
    public static func compute(_ box: ROIBox, settings: RadiomicsSettings, names: [String]) throws -> [Double] {
        let wanted = try FeatureSelection.indices(names, all: featureNames, kind: kind)
        let discretised = try Discretisation.discretise(box, settings: settings)
        return try compute(box, discretised: discretised, settings: settings, wanted: wanted)
    }

    public static var usesDiscretisation: Bool { true }

    public static func compute(_ box: ROIBox, discretised: DiscretisedROI, settings: RadiomicsSettings, names: [String]) throws -> [Double] {
        let wanted = try FeatureSelection.indices(names, all: featureNames, kind: kind)
        return try compute(box, discretised: discretised, settings: settings, wanted: wanted)
    }

    static func compute(_ box: ROIBox, discretised: DiscretisedROI, settings: RadiomicsSettings, wanted: [Int]) throws -> [Double] {
        let array = try TextureArray(shape: box.shape, levels: discretised.levels, mask: box.mask, grayLevels: discretised.grayLevels, ng: discretised.ng)
        let engine = try GLCMEngine(array: array, box: box, settings: settings, capacity: array.grayLevels.count)
        defer { engine.deallocate() }
        engine.levelMap.useAll(array.grayLevels)
        let m = array.grayLevels.count
        engine.segmentBuild(PaddedLevels(array, steps: engine.steps), m: m)
        // Unweighted: angles whose matrix is empty are deleted (when there is more than one).
        var columns = [Int]()
        if engine.weights == nil {
            for a in 0..<engine.na where engine.na == 1 || engine.angleTotal(a, m: m) > 0 { columns.append(a) }
        }
        let wantMCC = wanted.contains(mcc)
        var out = [Double](repeating: .nan, count: featureNames.count)
        var mccValues = [Double]()
        var anyComplex = false
        var anyEmpty = false
        var converged = true
        engine.evaluate(m: m, columns: columns) { _, empty in anyEmpty = anyEmpty || empty }
        let mccPossible = wantMCC && !anyEmpty && array.grayLevels.count >= 2
        engine.aggregate(into: &out)
        if wantMCC {
            if anyEmpty {
                out[mcc] = .nan
            } else if array.grayLevels.count < 2 {
                out[mcc] = 1
            } else if mccPossible {
                // The symmetric form first (as voxel maps do); LAPACK's general solver only for
                // the angles it cannot settle (a second eigenvalue near 0, where NumPy's sign and
                // complex results matter).
                var fastValues = [Double](repeating: 0, count: max(engine.columnCount, 1))
                var fastCertain = [Bool](repeating: false, count: max(engine.columnCount, 1))
                engine.secondLargestSymmetric(m: m, values: &fastValues, certain: &fastCertain)
                for column in 0..<engine.columnCount {
                    if fastCertain[column] {
                        mccValues += [fastValues[column], 0]
                        continue
                    }
                    guard let (re, im, complex) = engine.secondLargestEigenvalue(column: column, m: m) else {
                        converged = false
                        break
                    }
                    anyComplex = anyComplex || complex
                    mccValues += [re, im]
                }
                if converged {
                    let count = mccValues.count / 2
                    var roots = [Double](repeating: 0, count: max(count, 1))
                    var scratch = roots
                    out[mcc] = GLCMEngine.mccMean(mccValues, count: count, complex: anyComplex, roots: &roots, scratch: &scratch)
                } else {
                    out[mcc] = .nan
                }
            }
        }
        return wanted.map { out[$0] }
    }
}

/// The GLCM of one box or kernel and its per-angle features; scratch buffers are reused
/// from kernel to kernel (voxel-based extraction).
final class GLCMEngine {
    let array: TextureArray
    let steps: AngleSteps
    let na: Int
    let weights: [Double]?
    let symmetrical: Bool
    let ng: Int
    let grayLevelCount: Int
    let levelMap: LevelMap
    let capacity: Int

    /// Counts per angle, m x m each (row = centre level, column = neighbour level).
    private let counts: UnsafeMutablePointer<Double>
    private let weighted: UnsafeMutablePointer<Double>
    private let p: UnsafeMutablePointer<Double>
    private let px: UnsafeMutablePointer<Double>
    private let py: UnsafeMutablePointer<Double>
    private let g: UnsafeMutablePointer<Double>
    private let sumDiff: UnsafeMutablePointer<Double>
    private let sumAdd: UnsafeMutablePointer<Double>
    private let angleScratch: UnsafeMutablePointer<Double>
    /// Per-feature, per-column values of the last `evaluate`.
    private let perAngle: UnsafeMutablePointer<Double>
    private let meanScratch: UnsafeMutablePointer<Double>
    /// Normalised matrices of the last `evaluate` (for MCC).
    private let normalised: UnsafeMutablePointer<Double>
    private let rowSums: UnsafeMutablePointer<Double>
    private let columnSums: UnsafeMutablePointer<Double>
    private var eigen: GeneralEigenvalues
    private let rowIndex: UnsafeMutablePointer<Int>
    private let columnIndex: UnsafeMutablePointer<Int>
    private let cellI: UnsafeMutablePointer<Int32>
    private let cellJ: UnsafeMutablePointer<Int32>
    private let cellWeight: UnsafeMutablePointer<Double>
    private let cellCount: UnsafeMutablePointer<Double>
    private let terms = EntropyTerms()
    private let rowScale: UnsafeMutablePointer<Double>
    private let householder: UnsafeMutablePointer<Double>
    private let symmetricMatrix: UnsafeMutablePointer<Double>
    private let tridiagonalD: UnsafeMutablePointer<Double>
    private let tridiagonalE: UnsafeMutablePointer<Double>
    private let tridiagonalSize: UnsafeMutablePointer<Int>
    private let deflatedZeros: UnsafeMutablePointer<Int>
    private(set) var columnCount = 0
    /// Voxel-based kernels (`build`): each angle's non-zero cells, row-major (the upper triangle
    /// when symmetrical), as linear indices of the m x m layout `sparseM`, so that clearing,
    /// symmetrising, summing and normalising visit those cells only (a kernel's matrices hold a
    /// few dozen pairs among up to 27² cells). Pointers, not optional vars: a class's vars are
    /// checked for exclusive access at run time on every use.
    private let cellList: UnsafeMutablePointer<Int32>
    private let cellListCount: UnsafeMutablePointer<Int>
    private var sparseM = 0
    /// Whether `build` (kernels) has run; `segmentBuild` (the whole ROI) is used instead.
    private var buildsKernels = false
    /// The cells of each column's normalised matrix written by the last sparse `angleFeatures`
    /// (linear indices of the layout `normalisedM[column]`), cleared before the next one writes.
    private let normalisedCells: UnsafeMutablePointer<Int32>
    private let normalisedCount: UnsafeMutablePointer<Int>
    private let normalisedM: UnsafeMutablePointer<Int>

    static let featureCount = GLCMFeatures.featureNames.count

    init(array: TextureArray, box: ROIBox, settings: RadiomicsSettings, capacity: Int) throws {
        self.array = array
        let angles = try TextureAngles.build(
            size: array.shape, distances: settings.distances, bidirectional: false, excludedAxis: TextureAngles.excludedAxis(box, settings: settings))
        steps = AngleSteps(angles, shape: array.shape)
        na = steps.count
        weights = AngleWeights.glcm(settings.weightingNorm, angles: angles, spacing: box.spacing)
        symmetrical = settings.symmetricalGLCM
        ng = array.ng
        grayLevelCount = array.grayLevels.count
        levelMap = LevelMap(ng: array.ng)
        self.capacity = max(capacity, 1)
        let c2 = self.capacity * self.capacity
        counts = .allocate(capacity: na * c2)
        weighted = .allocate(capacity: c2)
        p = .allocate(capacity: c2)
        px = .allocate(capacity: self.capacity)
        py = .allocate(capacity: self.capacity)
        g = .allocate(capacity: self.capacity)
        sumDiff = .allocate(capacity: array.ng + 1)
        sumAdd = .allocate(capacity: 2 * array.ng + 2)
        sumDiff.initialize(repeating: 0, count: array.ng + 1)
        sumAdd.initialize(repeating: 0, count: 2 * array.ng + 2)
        angleScratch = .allocate(capacity: na)
        perAngle = .allocate(capacity: Self.featureCount * na)
        meanScratch = .allocate(capacity: na)
        normalised = .allocate(capacity: na * c2)
        rowSums = .allocate(capacity: na * self.capacity)
        columnSums = .allocate(capacity: na * self.capacity)
        eigen = GeneralEigenvalues(capacity: self.capacity)
        rowIndex = .allocate(capacity: self.capacity)
        columnIndex = .allocate(capacity: self.capacity)
        cellI = .allocate(capacity: c2)
        cellJ = .allocate(capacity: c2)
        cellWeight = .allocate(capacity: c2)
        cellCount = .allocate(capacity: c2)
        symmetricMatrix = .allocate(capacity: c2)
        tridiagonalD = .allocate(capacity: na * self.capacity)
        tridiagonalE = .allocate(capacity: na * self.capacity)
        tridiagonalSize = .allocate(capacity: na)
        deflatedZeros = .allocate(capacity: na)
        rowScale = .allocate(capacity: self.capacity)
        householder = .allocate(capacity: 2 * self.capacity)
        // The sparse path keeps these zero outside the cells it lists.
        counts.initialize(repeating: 0, count: na * c2)
        normalised.initialize(repeating: 0, count: na * c2)
        cellList = .allocate(capacity: na * c2)
        cellListCount = .allocate(capacity: na)
        cellListCount.initialize(repeating: 0, count: na)
        normalisedCells = .allocate(capacity: na * c2)
        normalisedCount = .allocate(capacity: na)
        normalisedCount.initialize(repeating: 0, count: na)
        normalisedM = .allocate(capacity: na)
        normalisedM.initialize(repeating: 1, count: na)
    }

    func deallocate() {
        for buffer in [counts, weighted, p, px, py, g, sumDiff, sumAdd, angleScratch, perAngle, meanScratch, normalised, rowSums, columnSums] {
            buffer.deallocate()
        }
        eigen.deallocate()
        rowIndex.deallocate()
        columnIndex.deallocate()
        cellI.deallocate()
        cellJ.deallocate()
        cellWeight.deallocate()
        cellCount.deallocate()
        symmetricMatrix.deallocate()
        tridiagonalD.deallocate()
        tridiagonalE.deallocate()
        tridiagonalSize.deallocate()
        deflatedZeros.deallocate()
        rowScale.deallocate()
        householder.deallocate()
        cellList.deallocate()
        cellListCount.deallocate()
        normalisedCells.deallocate()
        normalisedCount.deallocate()
        normalisedM.deallocate()
    }

    /// `calculate_glcm` on the mask voxels inside `b`, rows and columns indexed by
    /// `levelMap` (m levels), then symmetrised if `symmetricalGLCM`.
    func build(_ lv: UnsafePointer<Int32>, _ mk: UnsafePointer<Bool>, _ b: KernelBounds, m: Int) {
        let m2 = m * m
        let c2 = capacity * capacity
        let list = cellList
        let listCount = cellListCount
        // Clear the last kernel's cells (and their transposes): the matrices are zero again.
        let old = sparseM
        for a in 0..<na {
            let base = counts + a * old * old
            for t in 0..<listCount[a] {
                let k = Int(list[a * c2 + t])
                base[k] = 0
                base[(k % old) * old + k / old] = 0
            }
            listCount[a] = 0
        }
        sparseM = m
        buildsKernels = true
        let sz = array.strideZ
        let nx = array.nx
        levelMap.slot.withUnsafeBufferPointer { slot in
            steps.dz.withUnsafeBufferPointer { dz in
                steps.dy.withUnsafeBufferPointer { dy in
                    steps.dx.withUnsafeBufferPointer { dx in
                        steps.step.withUnsafeBufferPointer { step in
                            for z in b.lo.0...b.hi.0 {
                                for y in b.lo.1...b.hi.1 {
                                    let row = z * sz + y * nx
                                    for x in b.lo.2...b.hi.2 where mk[row + x] {
                                        let i = row + x
                                        let li = Int(slot[Int(lv[i])]) * m
                                        for a in 0..<na {
                                            let zz = z + dz[a]
                                            let yy = y + dy[a]
                                            let xx = x + dx[a]
                                            if zz < b.lo.0 || zz > b.hi.0 || yy < b.lo.1 || yy > b.hi.1 || xx < b.lo.2 || xx > b.hi.2 { continue }
                                            let j = i + step[a]
                                            if mk[j] {
                                                let k = li + Int(slot[Int(lv[j])])
                                                if counts[a * m2 + k] == 0 {
                                                    list[a * c2 + listCount[a]] = Int32(k)
                                                    listCount[a] += 1
                                                }
                                                counts[a * m2 + k] += 1
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        symmetriseCells(m: m)
    }

    /// `symmetrise` on the listed cells only; leaves each angle's list sorted row-major (the
    /// upper triangle's cells when symmetrical, each once). The counts are whole numbers, so
    /// each sum is exact whatever the order.
    private func symmetriseCells(m: Int) {
        let list = cellList
        let listCount = cellListCount
        let m2 = m * m
        let c2 = capacity * capacity
        for a in 0..<na {
            let cells = UnsafeMutableBufferPointer(start: list + a * c2, count: listCount[a])
            if symmetrical {
                for t in cells.indices {
                    let k = Int(cells[t])
                    let (i, j) = (k / m, k % m)
                    if i > j { cells[t] = Int32(j * m + i) }
                }
            }
            NumpyMath.sortAscending(cells.baseAddress!, cells.count)
            guard symmetrical else { continue }
            let base = counts + a * m2
            var kept = 0
            for t in cells.indices where t == 0 || cells[t] != cells[t - 1] {
                let k = Int(cells[t])
                let (i, j) = (k / m, k % m)
                if i == j {
                    base[k] *= 2
                } else {
                    let sum = base[k] + base[j * m + i]
                    base[k] = sum
                    base[j * m + i] = sum
                }
                cells[kept] = Int32(k)
                kept += 1
            }
            listCount[a] = kept
        }
    }

    /// `build` over the whole ROI (segment-based) through the padded grid: a neighbour counts
    /// when its padded level is non-zero.
    func segmentBuild(_ padded: PaddedLevels, m: Int) {
        let m2 = m * m
        precondition(!buildsKernels, "an engine builds either kernels or the whole ROI")
        counts.update(repeating: 0, count: na * m2)
        let lv = padded.levels
        let steps = padded.steps
        levelMap.slot.withUnsafeBufferPointer { slot in
            for r in 0..<padded.roiCount {
                let i = padded.roi[r]
                let row = counts + Int(slot[Int(lv[i])]) * m
                for a in 0..<na {
                    let v = lv[i + steps[a]]
                    if v != 0 { row[a * m2 + Int(slot[Int(v)])] += 1 }
                }
            }
        }
        symmetrise(m: m)
    }

    /// Adds the transpose of each angle's matrix to it (`symmetricalGLCM`).
    private func symmetrise(m: Int) {
        let m2 = m * m
        if symmetrical {
            for a in 0..<na {
                let base = counts + a * m2
                for i in 0..<m {
                    base[i * m + i] *= 2
                    for j in (i + 1)..<m {
                        let s = base[i * m + j] + base[j * m + i]
                        base[i * m + j] = s
                        base[j * m + i] = s
                    }
                }
            }
        }
    }

    /// Total count of angle `a` after `build`.
    func angleTotal(_ a: Int, m: Int) -> Double {
        let base = counts + a * m * m
        var s = 0.0
        for k in 0..<(m * m) { s += base[k] }
        return s
    }

    /// Whether each angle has at least one pair inside `b` (voxel-based: an angle empty for
    /// every kernel is deleted). Marks `found[a]`.
    func markNonEmptyAngles(_ mk: UnsafePointer<Bool>, _ b: KernelBounds, found: inout [Bool]) -> Bool {
        let sz = array.strideZ
        let nx = array.nx
        var any = false
        for z in b.lo.0...b.hi.0 {
            for y in b.lo.1...b.hi.1 {
                let row = z * sz + y * nx
                for x in b.lo.2...b.hi.2 where mk[row + x] {
                    for a in 0..<na {
                        let zz = z + steps.dz[a]
                        let yy = y + steps.dy[a]
                        let xx = x + steps.dx[a]
                        if b.contains(zz, yy, xx) && mk[row + x + steps.step[a]] {
                            found[a] = true
                            any = true
                        }
                    }
                }
            }
        }
        return any
    }

    /// Computes the per-angle features of the current matrices for `columns` (angle indices;
    /// ignored with weighting, which gives one column). `report(column, empty)` is called for
    /// each column.
    func evaluate(m: Int, columns: [Int], report: (Int, Bool) -> Void) {
        for (k, level) in levelMap.levels.prefix(m).enumerated() { g[k] = Double(level) }
        let m2 = m * m
        if let weights {
            // P = Σ_a w_a P_a, summed along the angle axis as numpy does (pairwise).
            for cell in 0..<m2 {
                for a in 0..<na { angleScratch[a] = counts[a * m2 + cell] * weights[a] }
                weighted[cell] = NumpyMath.pairwiseSum(angleScratch, na)
            }
            var total = 0.0
            for cell in 0..<m2 { total += weighted[cell] }
            columnCount = 1
            angleFeatures(weighted, m: m, total: total, column: 0)
            report(0, total == 0)
            return
        }
        columnCount = columns.count
        for (column, a) in columns.enumerated() {
            let base = counts + a * m2
            var total = 0.0
            if buildsKernels {
                // Whole numbers: the same sum in any order.
                let listCount = cellListCount
                let cells = cellList + a * capacity * capacity
                for t in 0..<listCount[a] {
                    let k = Int(cells[t])
                    total += symmetrical && k / m != k % m ? 2 * base[k] : base[k]
                }
                angleFeatures(base, m: m, total: total, column: column, cells: UnsafeBufferPointer(start: cells, count: listCount[a]))
            } else {
                for cell in 0..<m2 { total += base[cell] }
                angleFeatures(base, m: m, total: total, column: column)
            }
            report(column, total == 0)
        }
    }

    /// The 24 features (MCC aside) of one angle's count matrix; NaN for an empty one. Works
    /// on the non-zero cells; HXY1 and HXY2 use log2(x·y + eps) = log2 x + log2 y + eps/(x·y·ln 2)
    /// (exact to rounding; single-row or single-column matrices, where NumPy's HXY1 and HXY2
    /// equal HXY exactly, take HXY itself).
    /// `cells`: the matrix's non-zero cells, row-major (upper triangle when symmetrical), when
    /// `build` listed them; the normalised matrix is then written at those cells only, after
    /// the column's previous ones are cleared.
    private func angleFeatures(_ counts: UnsafePointer<Double>, m: Int, total: Double, column: Int, cells listed: UnsafeBufferPointer<Int32>? = nil) {
        let nc = na
        @inline(__always) func put(_ f: Int, _ v: Double) { perAngle[f * nc + column] = v }
        if total == 0 {
            for f in 0..<Self.featureCount { put(f, .nan) }
            // With Ng = 1 NumPy sums InverseVariance over an empty k range: 0 even here.
            if ng == 1 { put(15, 0) }
            return
        }
        let pn = normalised + column * capacity * capacity
        let rs = rowSums + column * capacity
        let cs = columnSums + column * capacity
        var cells = 0
        // Non-zero cells; a symmetric matrix keeps i ≤ j, off-diagonal cells counted twice.
        let half = symmetrical
        if let listed {
            let c2 = capacity * capacity
            let written = normalisedCells + column * c2
            let old = normalisedM[column]
            for t in 0..<normalisedCount[column] {
                let k = Int(written[t])
                pn[k] = 0
                pn[(k % old) * old + k / old] = 0
            }
            for t in listed.indices {
                let k = Int(listed[t])
                let (i, j) = (k / m, k % m)
                let c = counts[k]
                let v = c / total
                pn[k] = v
                if half { pn[j * m + i] = v }
                cellI[cells] = Int32(i)
                cellJ[cells] = Int32(j)
                cellCount[cells] = c
                cellWeight[cells] = half && i != j ? 2.0 : 1.0
                written[cells] = Int32(k)
                cells += 1
            }
            normalisedCount[column] = cells
            normalisedM[column] = m
        } else {
            for i in 0..<m {
                let row = i * m
                for j in (half ? i : 0)..<m {
                    let c = counts[row + j]
                    if c == 0 {
                        pn[row + j] = 0
                        if half { pn[j * m + i] = 0 }
                        continue
                    }
                    let v = c / total
                    pn[row + j] = v
                    if half { pn[j * m + i] = v }
                    cellI[cells] = Int32(i)
                    cellJ[cells] = Int32(j)
                    cellCount[cells] = c
                    cellWeight[cells] = half && i != j ? 2.0 : 1.0
                    cells += 1
                }
            }
        }
        // px and py summed in NumPy's order (row-major; adding the zeros changes nothing), so that
        // exact coincidences (HXY1 or HXY2 equal to HXY) happen where they happen in PyRadiomics.
        // Only the non-zero cells are added, in the order they were found (row by row, columns
        // ascending): each row's and each column's terms arrive in column (row) order. With the
        // upper triangle only, row r gets the cells (k, r), k < r, first (found in earlier rows),
        // then its own (r, j), j >= r: its columns in order too.
        let eps = NumpyMath.eps
        for i in 0..<m { rs[i] = 0 }
        if half {
            for t in 0..<cells {
                let i = Int(cellI[t]), j = Int(cellJ[t])
                let v = pn[i * m + j]
                rs[i] += v
                if i != j { rs[j] += v }
            }
            for i in 0..<m { cs[i] = rs[i] }
        } else {
            for j in 0..<m { cs[j] = 0 }
            for t in 0..<cells {
                let i = Int(cellI[t]), j = Int(cellJ[t])
                let v = pn[i * m + j]
                rs[i] += v
                cs[j] += v
            }
        }
        terms.reset(total)
        var hxy = 0.0
        for t in 0..<cells { hxy += cellWeight[t] * terms.term(cellCount[t]) }
        var ux = 0.0, uy = 0.0, autocorrelation = 0.0, contrast = 0.0, energy = 0.0, maxP = 0.0
        for t in 0..<cells {
            let i = Int(cellI[t])
            let j = Int(cellJ[t])
            let w = cellWeight[t]
            let v = pn[i * m + j]
            let wv = w * v
            let gi = g[i]
            let gj = g[j]
            if half {
                ux += i == j ? gi * v : (gi + gj) * v
            } else {
                ux += gi * v
                uy += gj * v
            }
            autocorrelation += wv * (gi * gj)
            let d = abs(gi - gj)
            contrast += wv * (d * d)
            energy += wv * v
            if v > maxP { maxP = v }
            sumDiff[Int(d)] += wv
            sumAdd[Int(gi + gj)] += wv
        }
        if half { uy = ux }
        hxy = -hxy
        var prominence = 0.0, shade = 0.0, tendency = 0.0, sigx2 = 0.0, sigy2 = 0.0, corm = 0.0, ratio = 0.0
        for t in 0..<cells {
            let i = Int(cellI[t])
            let j = Int(cellJ[t])
            let w = cellWeight[t]
            let v = pn[i * m + j]
            let wv = w * v
            let c = g[i] + g[j] - ux - uy
            let c2 = c * c
            prominence += wv * (c2 * c2)
            shade += wv * (c2 * c)
            tendency += wv * c2
            let dx = g[i] - ux
            let dy = g[j] - uy
            if half {
                sigx2 += i == j ? v * (dx * dx) : v * (dx * dx) + v * (dy * dy)
            } else {
                sigx2 += v * (dx * dx)
                sigy2 += v * (dy * dy)
            }
            corm += wv * dx * dy
            ratio += wv / (rs[i] * cs[j])
        }
        if half { sigy2 = sigx2 }
        var hx = 0.0, hy = 0.0, sx = 0.0, sy = 0.0, nx = 0, ny = 0
        for i in 0..<m where rs[i] != 0 {
            hx += rs[i] * log2(rs[i] + eps)
            sx += rs[i]
            nx += 1
        }
        if symmetrical {
            hy = hx
            sy = sx
            ny = nx
        } else {
            for j in 0..<m where cs[j] != 0 {
                hy += cs[j] * log2(cs[j] + eps)
                sy += cs[j]
                ny += 1
            }
        }
        hx = -hx
        hy = -hy
        // HXY1 and HXY2 from log2(x·y + eps) = log2 x + log2 y + eps/(x·y·ln 2); where NumPy's
        // products px·py equal P exactly its sums are HXY itself: for HXY1 on P's support (every
        // non-zero cell; with the upper triangle only, cell (j, i) has the same product as px =
        // py), for HXY2 everywhere (besides, every zero cell has px·py = 0: the non-zero cells
        // fill every pair of a non-zero row and a non-zero column, as non-zero sums, proportions
        // of a finite total, cannot multiply to 0). A near-zero HXY2 − HXY is recomputed term by
        // term in NumPy's order.
        var exact1 = true
        var nonZero = 0
        for t in 0..<cells {
            let i = Int(cellI[t]), j = Int(cellJ[t])
            if rs[i] * cs[j] != pn[i * m + j] {
                exact1 = false
                break
            }
            nonZero += half && i != j ? 2 : 1
        }
        let exact2 = exact1 && nonZero == nx * ny
        let e = eps / M_LN2
        let hxy1 = exact1 ? hxy : hx + hy + e * (Double(nx + ny) - ratio)
        var hxy2 = exact2 ? hxy : sy * (hx + Double(nx) * e) + sx * (hy + Double(ny) * e) - Double(nx * ny) * e
        var hxyImc2 = hxy
        if !exact2 && abs(hxy2 - hxy) <= 1e-9 {
            // Near-degenerate: HXY and HXY2 term by term in NumPy's order.
            var sum = 0.0
            var sumP = 0.0
            for i in 0..<m {
                let row = i * m
                for j in 0..<m {
                    if counts[row + j] != 0 { sumP += terms.term(counts[row + j]) }
                    let product = rs[i] * cs[j]
                    if product != 0 { sum += product * log2(product + eps) }
                }
            }
            hxy2 = -sum
            hxyImc2 = -sumP
        }
        // Difference and sum distributions, over the range that can be non-zero (cleared as read).
        let gMin = Int(g[0])
        let gMax = Int(g[m - 1])
        let ngd = Double(ng)
        var diffAverage = 0.0, diffEntropy = 0.0, idm = 0.0, idmn = 0.0, id = 0.0, idn = 0.0, inverseVariance = 0.0
        let kMax = gMax - gMin
        for k in 0...kMax {
            let v = sumDiff[k]
            if v == 0 { continue }
            let kd = Double(k)
            diffAverage += kd * v
            diffEntropy += v * log2(v + eps)
            idm += v / (1 + kd * kd)
            idmn += v / (1 + (kd * kd) / (ngd * ngd))
            id += v / (1 + kd)
            idn += v / (1 + kd / ngd)
            if k >= 1 { inverseVariance += v / (kd * kd) }
        }
        var diffVariance = 0.0
        for k in 0...kMax {
            let v = sumDiff[k]
            if v == 0 { continue }
            let e = Double(k) - diffAverage
            diffVariance += v * (e * e)
            sumDiff[k] = 0
        }
        var sumAverage = 0.0, sumEntropy = 0.0
        for k in (2 * gMin)...(2 * gMax) {
            let v = sumAdd[k]
            if v == 0 { continue }
            sumAverage += Double(k) * v
            sumEntropy += v * log2(v + eps)
            sumAdd[k] = 0
        }
        let sigxy = sigx2.squareRoot() * sigy2.squareRoot()
        let correlation = sigxy == 0 ? 1 : corm / (sigxy + eps)
        let div = max(hx, hy)
        let imc1 = div != 0 ? (hxy - hxy1) / div : 0
        let imc2 = hxy2 == hxyImc2 ? 0 : (1 - pow(M_E, -2 * (hxy2 - hxyImc2))).squareRoot()
        put(0, autocorrelation)
        put(1, prominence)
        put(2, shade)
        put(3, tendency)
        put(4, contrast)
        put(5, correlation)
        put(6, diffAverage)
        put(7, -diffEntropy)
        put(8, diffVariance)
        put(9, id)
        put(10, idm)
        put(11, idmn)
        put(12, idn)
        put(13, imc1)
        put(14, imc2)
        put(15, inverseVariance)
        put(16, ux)
        put(17, energy)
        put(18, hxy)
        put(19, .nan)
        put(20, maxP)
        put(21, sumAverage)
        put(22, -sumEntropy)
        put(23, sigx2)
    }

    /// `nanmean` over the columns of the last `evaluate` for every feature but MCC;
    /// JointAverage is the plain mean (NaN when a column is empty).
    func aggregate(into out: inout [Double]) {
        let nc = na
        for f in 0..<Self.featureCount where f != GLCMFeatures.mcc {
            let row = perAngle + f * nc
            if f == GLCMFeatures.jointAverage {
                out[f] = columnCount == 0 ? .nan : NumpyMath.pairwiseSum(row, columnCount) / Double(columnCount)
            } else {
                out[f] = NumpyMath.nanMean(row, columnCount, scratch: meanScratch)
            }
        }
    }

    /// The second largest eigenvalue (NumPy's complex sort: by real, then imaginary part) of
    /// MCC's Q for a column of the last `evaluate`, with the zero eigenvalues of levels that
    /// have no pairs, and whether any eigenvalue is complex. Nil when the QR iteration fails.
    func secondLargestEigenvalue(column: Int, m: Int) -> (Double, Double, Bool)? {
        let pn = normalised + column * capacity * capacity
        let rs = rowSums + column * capacity
        let cs = columnSums + column * capacity
        let eps = NumpyMath.eps
        // Rows (and columns) of Q with px = 0 are zero: LAPACK isolates them as zero eigenvalues.
        var r = 0
        for i in 0..<m where rs[i] != 0 {
            rowIndex[r] = i
            r += 1
        }
        let zeros = grayLevelCount - r
        let q = eigen.matrix
        for a in 0..<r {
            let i = rowIndex[a]
            for b in 0..<r {
                let j = rowIndex[b]
                var s = 0.0
                for k in 0..<m { s += (pn[i * m + k] * pn[j * m + k]) / (rs[i] * cs[k] + eps) }
                q[a + b * r] = s
            }
        }
        guard eigen.solve(n: r) else { return nil }
        var best = (-Double.infinity, -Double.infinity)
        var second = (-Double.infinity, -Double.infinity)
        var complex = false
        func consider(_ v: (Double, Double)) {
            if v.0 > best.0 || (v.0 == best.0 && v.1 > best.1) {
                second = best
                best = v
            } else if v.0 > second.0 || (v.0 == second.0 && v.1 > second.1) {
                second = v
            }
        }
        for k in 0..<r {
            if eigen.wi[k] != 0 { complex = true }
            consider((eigen.wr[k], eigen.wi[k]))
        }
        if zeros > 0 {
            consider((0, 0))
            if zeros > 1 { consider((0, 0)) }
        }
        return (second.0, second.1, complex)
    }

    /// The second largest eigenvalue of MCC's Q for a column, from the symmetric matrix
    /// D^½ Q D^-½ = W Wᵀ with W(i, k) = p(i, k)/√(px(i) py(k)) (Q is similar to it up to the
    /// eps terms, so its eigenvalues are real and ≥ 0) by Householder tridiagonalisation and
    /// implicit QL. Nil when the value is too close to 0 for the sign NumPy's general solver
    /// finds to be predictable: the caller then uses `secondLargestEigenvalue`.
    func secondLargestSymmetric(m: Int, values: UnsafeMutablePointer<Double>, certain: UnsafeMutablePointer<Bool>) {
        for column in 0..<columnCount {
            certain[column] = false
            prepareSymmetric(column: column, m: m)
            let n1 = tridiagonalSize[column]
            let d = tridiagonalD + column * capacity
            guard n1 >= 0 else { continue }
            // Only the extremes matter: the largest eigenvalue of B, or its largest square.
            var second = -Double.infinity
            if n1 > 0 {
                let (low, high) = SymmetricEigenvalues.extremes(
                    d: d, e: tridiagonalE + column * capacity, n: n1, needMin: symmetrical, largerSquareOnly: symmetrical)
                second = symmetrical ? max(low * low, high * high) : high
            }
            if deflatedZeros[column] > 0 { second = max(second, 0) }
            if second >= 1e-7 {
                values[column] = second
                certain[column] = true
            }
        }
    }

    /// Builds the deflated symmetric matrix of a column and tridiagonalises it (size −1: no
    /// fast path).
    private func prepareSymmetric(column: Int, m: Int) {
        tridiagonalSize[column] = -1
        let pn = normalised + column * capacity * capacity
        let rs = rowSums + column * capacity
        let cs = columnSums + column * capacity
        var r = 0
        for i in 0..<m where rs[i] != 0 {
            rowIndex[r] = i
            r += 1
        }
        var nk = 0
        for k in 0..<m where cs[k] != 0 {
            columnIndex[nk] = k
            nk += 1
        }
        guard r > 0 else { return }
        let zeros = grayLevelCount - r
        let isq = rowScale
        for a in 0..<r { isq[a] = 1 / rs[rowIndex[a]].squareRoot() }
        let s = symmetricMatrix
        // Symmetric P (px = py exactly): S = W² with W = D^-½ P D^-½, so eigen-decompose W and
        // square; otherwise S = W Wᵀ with W(i, k) = p(i, k)/√(px(i) py(k)).
        let squareLater = symmetrical
        if squareLater {
            for a in 0..<r {
                let i = rowIndex[a]
                for b in 0...a {
                    let v = pn[i * m + rowIndex[b]] * isq[a] * isq[b]
                    s[a * r + b] = v
                    s[b * r + a] = v
                }
            }
        } else {
            let w = eigen.matrix // r x nk scratch, row-major
            for a in 0..<r {
                let i = rowIndex[a]
                for b in 0..<nk {
                    let k = columnIndex[b]
                    w[a * nk + b] = pn[i * m + k] * isq[a] / cs[k].squareRoot()
                }
            }
            for a in 0..<r {
                for b in 0...a {
                    var sum = 0.0
                    for k in 0..<nk { sum += w[a * nk + k] * w[b * nk + k] }
                    s[a * r + b] = sum
                    s[b * r + a] = sum
                }
            }
        }
        // Deflate the known eigenpair (1, √px): a Householder reflector H with H√px ∝ e1 makes
        // H M H = [1 0; 0 B]; B holds the other eigenvalues.
        let u = householder
        let q = householder + capacity
        var norm2 = 0.0
        for a in 0..<r {
            u[a] = rs[rowIndex[a]].squareRoot()
            norm2 += u[a] * u[a]
        }
        let alpha = copysign(norm2.squareRoot(), u[0])
        u[0] += alpha
        var uu = 0.0
        for a in 0..<r { uu += u[a] * u[a] }
        let beta = 2 / uu
        var k2 = 0.0
        for a in 0..<r {
            var sum = 0.0
            for b in 0..<r { sum += s[a * r + b] * u[b] }
            q[a] = beta * sum
            k2 += u[a] * q[a]
        }
        let kk = beta * k2 / 2
        for a in 0..<r { q[a] -= kk * u[a] }
        let n1 = r - 1
        for a in 1..<r {
            for b in 1...a {
                let v = s[a * r + b] - u[a] * q[b] - q[a] * u[b]
                s[(a - 1) * n1 + (b - 1)] = v
                s[(b - 1) * n1 + (a - 1)] = v
            }
        }
        SymmetricEigenvalues.tridiagonalise(s, n: n1, d: tridiagonalD + column * capacity, e: tridiagonalE + column * capacity)
        tridiagonalSize[column] = n1
        deflatedZeros[column] = zeros
    }

    /// MCC from the per-column second largest eigenvalues: `sqrt` (NaN for a negative real one
    /// unless NumPy's result is complex anywhere in the batch, then the complex root's real
    /// part), `nanmean` over columns.
    static func mccMean(_ values: UnsafePointer<Double>, count: Int, complex: Bool, roots: UnsafeMutablePointer<Double>, scratch: UnsafeMutablePointer<Double>) -> Double {
        for c in 0..<count {
            let re = values[2 * c]
            let im = values[2 * c + 1]
            roots[c] = complex ? NumpyMath.complexSqrtReal(re, im) : re.squareRoot()
        }
        return NumpyMath.nanMean(roots, count, scratch: scratch)
    }
}
