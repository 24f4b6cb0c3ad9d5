import Foundation

/// PyRadiomics 3.0.1's voxel-based extraction (`execute(..., voxelBased=True)`,
/// `base.py:_calculateVoxels`, one batch): every feature of firstorder and the texture classes
/// computed on the kernel around each ROI voxel, as a map over the box.
///
/// Rules reproduced: the kernel is the voxel ± `kernelRadius` clamped to the box (no extent
/// along `force2Ddimension` with `force2D`); with `maskedKernel` only ROI voxels take part and
/// define the bin edges, otherwise every voxel of the box does; `grayLevels`/`Ng` are global;
/// angles come from the box's size; an angle empty in every kernel is deleted, one empty in
/// some kernels is NaN there (skipped by `nanmean`, JointAverage NaN) and then makes NumPy's
/// `eigvals` raise, so the whole MCC map stays at `initValue`; voxels outside the ROI hold
/// `initValue`.
public enum VoxelFeatureMaps {
    /// Maps of every enabled feature, in class then feature order.
    /// - Parameters:
    ///   - box: the image cropped to the ROI's bounding box padded by `kernelRadius` (clamped),
    ///     and its mask.
    ///   - classes: the enabled classes (`features` nil = all non-deprecated ones); shape and
    ///     shape2D are skipped (PyRadiomics computes no voxel maps for them), as are GLCM's and
    ///     GLDM's deprecated features (they never give values).
    ///   - settings: class settings plus `kernelRadius`, `maskedKernel`, `initValue`.
    /// - Returns: one map per feature named `<class>_<feature>`, values per box voxel.
    /// - Throws: `RadiomicsError` (`.settings`) for an unknown feature or `kernelRadius` < 1.
    public static func compute(_ box: ROIBox, classes: [FeatureClassSetting], settings: RadiomicsSettings) throws -> [(name: String, values: [Double])] {
        guard settings.kernelRadius >= 1 else { throw RadiomicsError(.settings, file: "", "kernelRadius must be at least 1 (PyRadiomics: Expecting kernelRadius > 0)") }
        let context = try VoxelContext(box: box, settings: settings)
        var maps = [(name: String, values: [Double])]()
        for setting in classes {
            let names: [String]
            switch setting.kind {
            case .shape, .shape2D: continue
            case .firstorder:
                names = setting.features ?? FirstOrderFeatures.featureNames
                let wanted = try FeatureSelection.indices(names, all: FirstOrderFeatures.allNames, kind: .firstorder)
                let values = try firstOrder(context, wanted: wanted)
                for (k, name) in names.enumerated() { maps.append(("firstorder_\(name)", values[k])) }
                continue
            case .glcm: names = (setting.features ?? GLCMFeatures.featureNames).filter { !silentlyDeprecated[.glcm, default: []].contains($0) }
            case .gldm: names = (setting.features ?? GLDMFeatures.featureNames).filter { !silentlyDeprecated[.gldm, default: []].contains($0) }
            case .glrlm: names = setting.features ?? GLRLMFeatures.featureNames
            case .glszm: names = setting.features ?? GLSZMFeatures.featureNames
            case .ngtdm: names = setting.features ?? NGTDMFeatures.featureNames
            }
            let all = allNames(setting.kind)
            let wanted = try FeatureSelection.indices(names, all: all, kind: setting.kind)
            let values = try texture(context, kind: setting.kind, wanted: wanted)
            for (k, name) in names.enumerated() { maps.append(("\(setting.kind.rawValue)_\(name)", values[k])) }
        }
        return maps
    }

    /// Deprecated methods that raise DeprecationWarning: requested, they give no map.
    static let silentlyDeprecated: [FeatureClassKind: [String]] = [
        .glcm: ["Dissimilarity", "Homogeneity1", "Homogeneity2", "SumVariance"],
        .gldm: ["GrayLevelNonUniformityNormalized", "DependencePercentage"]
    ]

    static func allNames(_ kind: FeatureClassKind) -> [String] {
        switch kind {
        case .firstorder: return FirstOrderFeatures.allNames
        case .glcm: return GLCMFeatures.featureNames
        case .glrlm: return GLRLMFeatures.featureNames
        case .glszm: return GLSZMFeatures.featureNames
        case .gldm: return GLDMFeatures.featureNames
        case .ngtdm: return NGTDMFeatures.featureNames
        case .shape, .shape2D: return []
        }
    }

    /// What every class shares: ROI voxels (the kernel centres), kernel geometry, settings.
    struct VoxelContext {
        let box: ROIBox
        let settings: RadiomicsSettings
        let radius: Int
        let masked: Bool
        let excludedAxis: Int?
        /// Linear indices and coordinates of the ROI voxels, C order.
        let centres: [Int]
        let coordinates: [(Int, Int, Int)]
        /// The mask the matrices use: the ROI, or every voxel without maskedKernel.
        let kernelMask: [Bool]

        init(box: ROIBox, settings: RadiomicsSettings) throws {
            self.box = box
            self.settings = settings
            radius = settings.kernelRadius
            masked = settings.maskedKernel
            excludedAxis = TextureAngles.excludedAxis(box, settings: settings)
            var centres = [Int]()
            var coordinates = [(Int, Int, Int)]()
            let (ny, nx) = (box.shape[1], box.shape[2])
            for i in 0..<box.count where box.mask[i] {
                centres.append(i)
                coordinates.append((i / (ny * nx), (i / nx) % ny, i % nx))
            }
            guard !centres.isEmpty else { throw RadiomicsError(.mask, file: "", "the ROI is empty") }
            self.centres = centres
            self.coordinates = coordinates
            kernelMask = masked ? box.mask : [Bool](repeating: true, count: box.count)
        }

        func bounds(_ v: Int) -> KernelBounds {
            KernelBounds(centre: coordinates[v], radius: radius, shape: box.shape, excludedAxis: excludedAxis)
        }

        /// The most voxels a kernel can hold.
        var kernelCapacity: Int {
            var c = 1
            for d in 0..<3 where d != excludedAxis { c *= min(2 * radius + 1, box.shape[d]) }
            return c
        }

        func emptyMaps(_ count: Int) -> [[Double]] {
            [[Double]](repeating: [Double](repeating: settings.initValue, count: box.count), count: count)
        }
    }

    // MARK: - First order

    static func firstOrder(_ c: VoxelContext, wanted: [Int]) throws -> [[Double]] {
        let box = c.box
        // firstorder casts the image to float64 before binning (edges in double precision).
        let discretised = try Discretisation.discretise(box, settings: c.settings, allVoxels: !c.masked, pixelType: .float64)
        let levelIndex = levelIndices(discretised)
        // Kernel offsets: generate_angles(min(extent, 2r + 1), 1...r, bidirectional) + centre.
        var extent = box.shape
        if c.masked {
            var lo = [Int.max, Int.max, Int.max]
            var hi = [Int.min, Int.min, Int.min]
            for (z, y, x) in c.coordinates {
                for (d, v) in [z, y, x].enumerated() {
                    lo[d] = min(lo[d], v)
                    hi[d] = max(hi[d], v)
                }
            }
            extent = (0..<3).map { hi[$0] - lo[$0] + 1 }
        }
        let kernelSize = extent.map { min($0, 2 * c.radius + 1) }
        var offsets = try TextureAngles.build(size: kernelSize, distances: Array(1...c.radius), bidirectional: true, excludedAxis: c.excludedAxis)
        offsets += [0, 0, 0]
        let nk = offsets.count / 3
        let nl = discretised.grayLevels.count
        let engine = FirstOrderEngine(capacity: nk, levelCount: nl)
        defer { engine.deallocate() }
        var maps = c.emptyMaps(wanted.count)
        var row = [Double](repeating: .nan, count: nk)
        var counts = [Double](repeating: 0, count: nl)
        var out = [Double](repeating: .nan, count: FirstOrderFeatures.allNames.count)
        let volume = FirstOrderFeatures.voxelVolume(box)
        let (nz, ny, nx) = (box.shape[0], box.shape[1], box.shape[2])
        for (v, centre) in c.centres.enumerated() {
            let (z, y, x) = c.coordinates[v]
            for k in 0..<nl { counts[k] = 0 }
            for k in 0..<nk {
                let zz = z + offsets[3 * k], yy = y + offsets[3 * k + 1], xx = x + offsets[3 * k + 2]
                guard zz >= 0, zz < nz, yy >= 0, yy < ny, xx >= 0, xx < nx else {
                    row[k] = .nan
                    continue
                }
                let i = (zz * ny + yy) * nx + xx
                if c.kernelMask[i] {
                    row[k] = box.values[i]
                    counts[levelIndex[Int(discretised.levels[i])]] += 1
                } else {
                    row[k] = .nan
                }
            }
            row.withUnsafeBufferPointer { r in
                counts.withUnsafeBufferPointer { cnt in
                    engine.evaluate(
                        r.baseAddress!, nk, counts: cnt.baseAddress!, levelCount: nl, shift: c.settings.voxelArrayShift, voxelVolume: volume, into: &out)
                }
            }
            store(out, wanted: wanted, at: centre, into: &maps)
        }
        return maps
    }

    /// Level → index in grayLevels.
    static func levelIndices(_ d: DiscretisedROI) -> [Int] {
        var index = [Int](repeating: 0, count: d.ng + 1)
        for (k, level) in d.grayLevels.enumerated() { index[level] = k }
        return index
    }

    // MARK: - Texture classes

    static func texture(_ c: VoxelContext, kind: FeatureClassKind, wanted: [Int]) throws -> [[Double]] {
        let box = c.box
        let discretised = try Discretisation.discretise(box, settings: c.settings, allVoxels: !c.masked)
        let array = try TextureArray(
            shape: box.shape, levels: discretised.levels, mask: c.kernelMask, grayLevels: discretised.grayLevels, ng: discretised.ng)
        let levelCapacity = min(array.grayLevels.count, c.kernelCapacity)
        let featureCount = allNames(kind).count
        let centres = c.centres
        // The maps and the per-voxel values live inside the closures (not captured from
        // outside them): captured, every per-voxel access was checked for exclusivity at run
        // time.
        return try array.levels.withUnsafeBufferPointer { lvBuffer in
            try array.mask.withUnsafeBufferPointer { mkBuffer in
                let lv = lvBuffer.baseAddress!
                let mk = mkBuffer.baseAddress!
                var maps = c.emptyMaps(wanted.count)
                var out = [Double](repeating: .nan, count: featureCount)
                switch kind {
                case .glcm:
                    try glcm(c, array: array, lv: lv, mk: mk, wanted: wanted, maps: &maps)
                case .glrlm:
                    let engine = try GLRLMEngine(
                        array: array, box: box, settings: c.settings, levelCapacity: levelCapacity, runCapacity: min(2 * c.radius + 1, box.shape.max()!))
                    defer { engine.deallocate() }
                    for v in c.centres.indices {
                        let b = c.bounds(v)
                        let m = engine.levelMap.collect(array, lv, mk, b)
                        engine.features(lv, mk, b, m: m, deleteEmpty: false, into: &out)
                        store(out, wanted: wanted, at: centres[v], into: &maps)
                    }
                case .glszm:
                    let engine = try GLSZMEngine(array: array, box: box, settings: c.settings, levelCapacity: levelCapacity, voxelCapacity: c.kernelCapacity)
                    defer { engine.deallocate() }
                    for v in c.centres.indices {
                        let b = c.bounds(v)
                        let m = engine.levelMap.collect(array, lv, mk, b)
                        engine.features(lv, mk, b, m: m, into: &out)
                        store(out, wanted: wanted, at: centres[v], into: &maps)
                    }
                case .gldm:
                    let engine = try GLDMEngine(array: array, box: box, settings: c.settings, levelCapacity: levelCapacity)
                    defer { engine.deallocate() }
                    for v in c.centres.indices {
                        let b = c.bounds(v)
                        let m = engine.levelMap.collect(array, lv, mk, b)
                        engine.features(lv, mk, b, m: m, into: &out)
                        store(out, wanted: wanted, at: centres[v], into: &maps)
                    }
                case .ngtdm:
                    let engine = try NGTDMEngine(array: array, box: box, settings: c.settings, levelCapacity: levelCapacity)
                    defer { engine.deallocate() }
                    for v in c.centres.indices {
                        let b = c.bounds(v)
                        let m = engine.levelMap.collect(array, lv, mk, b)
                        engine.features(lv, mk, b, m: m, into: &out)
                        store(out, wanted: wanted, at: centres[v], into: &maps)
                    }
                case .firstorder, .shape, .shape2D:
                    break
                }
                return maps
            }
        }
    }

    /// The wanted features of one kernel (`out`) at voxel `index` of their maps.
    @inline(__always)
    static func store(_ out: [Double], wanted: [Int], at index: Int, into maps: inout [[Double]]) {
        for (k, f) in wanted.enumerated() { maps[k][index] = out[f] }
    }

    /// GLCM maps: a first pass finds the angles empty in every kernel (deleted) and whether
    /// any kernel has an empty angle that is kept (NaN there; the MCC map then fails).
    static func glcm(
        _ c: VoxelContext, array: TextureArray, lv: UnsafePointer<Int32>, mk: UnsafePointer<Bool>, wanted: [Int], maps: inout [[Double]]
    ) throws {
        let levelCapacity = min(array.grayLevels.count, c.kernelCapacity)
        let engine = try GLCMEngine(array: array, box: c.box, settings: c.settings, capacity: levelCapacity)
        defer { engine.deallocate() }
        let na = engine.na
        let nv = c.centres.count
        var found = [Bool](repeating: false, count: nv * na)
        var global = [Bool](repeating: false, count: na)
        var kernelFound = [Bool](repeating: false, count: na)
        var anyPairs = [Bool](repeating: false, count: nv)
        for v in 0..<nv {
            for a in 0..<na { kernelFound[a] = false }
            anyPairs[v] = engine.markNonEmptyAngles(mk, c.bounds(v), found: &kernelFound)
            for a in 0..<na where kernelFound[a] {
                found[v * na + a] = true
                global[a] = true
            }
        }
        let columns: [Int]
        var mccFails = false
        if engine.weights != nil {
            columns = []
            mccFails = anyPairs.contains(false)
        } else {
            columns = (0..<na).filter { na == 1 || global[$0] }
            for v in 0..<nv where !mccFails {
                for a in columns where !found[v * na + a] {
                    mccFails = true
                    break
                }
            }
        }
        let wantMCC = wanted.contains(GLCMFeatures.mcc)
        let nGL = array.grayLevels.count
        let computeMCC = wantMCC && !mccFails && nGL >= 2
        let columnCount = engine.weights != nil ? 1 : columns.count
        var secondLargest = [Double](repeating: 0, count: computeMCC ? nv * columnCount * 2 : 0)
        var fastValues = [Double](repeating: 0, count: max(columnCount, 1))
        var fastCertain = [Bool](repeating: false, count: max(columnCount, 1))
        // NumPy's eigenvalues are complex for the whole batch when any is; that matters only
        // where a second largest eigenvalue is negative (NaN in real mode, 0 in complex mode).
        var anyComplex = false
        var negativeSeen = false
        var converged = true
        var out = [Double](repeating: .nan, count: GLCMFeatures.featureNames.count)
        for v in 0..<nv {
            let b = c.bounds(v)
            let m = engine.levelMap.collect(array, lv, mk, b)
            engine.build(lv, mk, b, m: m)
            engine.evaluate(m: m, columns: columns) { _, _ in }
            engine.aggregate(into: &out)
            for (k, f) in wanted.enumerated() where f != GLCMFeatures.mcc { maps[k][c.centres[v]] = out[f] }
            if computeMCC && converged {
                engine.secondLargestSymmetric(m: m, values: &fastValues, certain: &fastCertain)
                for column in 0..<columnCount {
                    let slot = 2 * (v * columnCount + column)
                    if fastCertain[column] {
                        secondLargest[slot] = fastValues[column]
                        secondLargest[slot + 1] = 0
                        continue
                    }
                    guard let (re, im, complex) = engine.secondLargestEigenvalue(column: column, m: m) else {
                        converged = false
                        break
                    }
                    anyComplex = anyComplex || complex
                    if im == 0 && re < 0 { negativeSeen = true }
                    secondLargest[slot] = re
                    secondLargest[slot + 1] = im
                }
            }
        }
        guard wantMCC, !mccFails, converged, let k = wanted.firstIndex(of: GLCMFeatures.mcc) else { return }
        if nGL < 2 {
            for v in 0..<nv { maps[k][c.centres[v]] = 1 }
            return
        }
        if negativeSeen && !anyComplex {
            // Rare: find whether NumPy's solver gives a complex eigenvalue anywhere in the batch.
            search: for v in 0..<nv {
                let b = c.bounds(v)
                let m = engine.levelMap.collect(array, lv, mk, b)
                engine.build(lv, mk, b, m: m)
                engine.evaluate(m: m, columns: columns) { _, _ in }
                for column in 0..<columnCount {
                    guard let (_, _, complex) = engine.secondLargestEigenvalue(column: column, m: m) else { return }
                    if complex {
                        anyComplex = true
                        break search
                    }
                }
            }
        }
        var roots = [Double](repeating: 0, count: max(columnCount, 1))
        var scratch = roots
        secondLargest.withUnsafeBufferPointer { values in
            for v in 0..<nv {
                maps[k][c.centres[v]] = GLCMEngine.mccMean(
                    values.baseAddress! + 2 * v * columnCount, count: columnCount, complex: anyComplex, roots: &roots, scratch: &scratch)
            }
        }
        // Every MCC row of the batch shares wanted index k; other wanted MCC duplicates copy it.
        for (j, f) in wanted.enumerated() where f == GLCMFeatures.mcc && j != k { maps[j] = maps[k] }
    }
}
