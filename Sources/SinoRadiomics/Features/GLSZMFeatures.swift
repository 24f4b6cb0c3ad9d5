import CSinoKernels
import Foundation

/// PyRadiomics 3.0.1's grey level size zone matrix features (`glszm.py:RadiomicsGLSZM`,
/// `cmatrices.c:calculate_glszm`): zones are connected ROI voxels of equal level
/// (26-connectivity, or 8 in-plane with `force2D`), counted by level and size.
public enum GLSZMFeatures: RadiomicsFeatureClass {
    /// The `glszm` class.
    public static let kind = FeatureClassKind.glszm

    /// Every non-deprecated feature, in Python's sorted order (PyRadiomics' "all features" order).
    public static let featureNames = [
        "GrayLevelNonUniformity", "GrayLevelNonUniformityNormalized", "GrayLevelVariance", "HighGrayLevelZoneEmphasis", "LargeAreaEmphasis",
        "LargeAreaHighGrayLevelEmphasis", "LargeAreaLowGrayLevelEmphasis", "LowGrayLevelZoneEmphasis", "SizeZoneNonUniformity",
        "SizeZoneNonUniformityNormalized", "SmallAreaEmphasis", "SmallAreaHighGrayLevelEmphasis", "SmallAreaLowGrayLevelEmphasis", "ZoneEntropy",
        "ZonePercentage", "ZoneVariance"
    ]

    /// None: the class has no deprecated feature that gives a value.
    public static let deprecatedNames: [String] = []

    /// The values of `names` on the ROI of `box` (segment-based `execute()`).
    public static func compute(_ box: ROIBox, settings: RadiomicsSettings, names: [String]) throws -> [Double] {
        try compute(box, discretised: try Discretisation.discretise(box, settings: settings), settings: settings, names: names)
    }

    public static var usesDiscretisation: Bool { true }

    public static func compute(_ box: ROIBox, discretised: DiscretisedROI, settings: RadiomicsSettings, names: [String]) throws -> [Double] {
        try SegmentTexture.compute(box, discretised: discretised, settings: settings, names: names, all: featureNames, kind: kind) { array in
            try GLSZMEngine(array: array, box: box, settings: settings, levelCapacity: array.grayLevels.count, voxelCapacity: 0)
        }
    }
}

/// Size-zone matrices of one box or kernel; scratch buffers are reused between kernels.
final class GLSZMEngine: PaddedSegmentEngine {
    let array: TextureArray
    let angles: [Int]
    let steps: AngleSteps
    let levelMap: LevelMap
    let terms = EntropyTerms()
    let levelCapacity: Int
    var voxelCapacity: Int

    private var visited: [Int32] = []
    private var epoch: Int32 = 0
    private var stack: UnsafeMutablePointer<Int>
    private var zones: UnsafeMutablePointer<Int>
    private var ps: UnsafeMutablePointer<Double>
    private let g: UnsafeMutablePointer<Double>
    private let pg: UnsafeMutablePointer<Double>

    init(array: TextureArray, box: ROIBox, settings: RadiomicsSettings, levelCapacity: Int, voxelCapacity: Int) throws {
        self.array = array
        angles = try TextureAngles.build(
            size: array.shape, distances: [1], bidirectional: true, excludedAxis: TextureAngles.excludedAxis(box, settings: settings))
        steps = AngleSteps(angles, shape: array.shape)
        levelMap = LevelMap(ng: array.ng)
        self.levelCapacity = max(levelCapacity, 1)
        self.voxelCapacity = max(voxelCapacity, 1)
        stack = .allocate(capacity: 1)
        zones = .allocate(capacity: self.voxelCapacity)
        g = .allocate(capacity: self.levelCapacity)
        ps = .allocate(capacity: self.voxelCapacity + 1)
        pg = .allocate(capacity: self.levelCapacity)
    }

    func deallocate() {
        stack.deallocate()
        zones.deallocate()
        g.deallocate()
        ps.deallocate()
        pg.deallocate()
    }

    /// Makes the zone and size buffers hold `n` voxels.
    private func reserve(voxels n: Int) {
        if n <= voxelCapacity { return }
        zones.deallocate()
        ps.deallocate()
        voxelCapacity = n
        zones = .allocate(capacity: n)
        ps = .allocate(capacity: n + 1)
    }

    /// The 16 features of the zones of the whole ROI (segment-based). Zones grow through the
    /// padded grid, whose levels are zeroed as voxels join a zone: no bounds, mask or visited
    /// tests.
    func segmentFeatures(_ padded: PaddedLevels, m: Int, into out: inout [Double]) {
        reserve(voxels: max(padded.roiCount, 1))
        // One slot more than the ROI: every neighbour is written to the top, kept or not.
        let stack = UnsafeMutablePointer<Int>.allocate(capacity: padded.roiCount + 1)
        defer { stack.deallocate() }
        var maxSize = 0
        let zoneCount = levelMap.slot.withUnsafeBufferPointer { slot in
            sino_glszm_zones(padded.levels, padded.roi, padded.roiCount, padded.steps, padded.na, slot.baseAddress!, stack, zones, &maxSize)
        }
        finish(zoneCount: zoneCount, maxSize: maxSize, m: m, into: &out)
    }

    /// The 16 features of the zones inside `b` (m levels from `levelMap`).
    func features(_ lv: UnsafePointer<Int32>, _ mk: UnsafePointer<Bool>, _ b: KernelBounds, m: Int, into out: inout [Double]) {
        if visited.count != array.levels.count {
            visited = [Int32](repeating: 0, count: array.levels.count)
            stack.deallocate()
            stack = .allocate(capacity: array.levels.count)
            epoch = 0
        }
        epoch &+= 1
        if epoch == Int32.max {
            for i in visited.indices { visited[i] = 0 }
            epoch = 1
        }
        let stamp = epoch
        let sz = array.strideZ
        let nx = array.nx
        var zoneCount = 0
        var maxSize = 0
        let na = steps.count
        visited.withUnsafeMutableBufferPointer { seen in
            levelMap.slot.withUnsafeBufferPointer { slot in
                for z in b.lo.0...b.hi.0 {
                    for y in b.lo.1...b.hi.1 {
                        let row = z * sz + y * nx
                        for x in b.lo.2...b.hi.2 {
                            let i = row + x
                            if !mk[i] || seen[i] == stamp { continue }
                            let gl = lv[i]
                            var top = 0
                            stack[top] = i
                            top += 1
                            seen[i] = stamp
                            var size = 0
                            while top > 0 {
                                top -= 1
                                let k = stack[top]
                                size += 1
                                let kz = k / sz
                                let ky = (k % sz) / nx
                                let kx = k % nx
                                for a in 0..<na {
                                    let zz = kz + steps.dz[a]
                                    let yy = ky + steps.dy[a]
                                    let xx = kx + steps.dx[a]
                                    if !b.contains(zz, yy, xx) { continue }
                                    let j = k + steps.step[a]
                                    if mk[j] && seen[j] != stamp && lv[j] == gl {
                                        seen[j] = stamp
                                        stack[top] = j
                                        top += 1
                                    }
                                }
                            }
                            zones[zoneCount] = Int(slot[Int(gl)]) << 32 | size
                            zoneCount += 1
                            if size > maxSize { maxSize = size }
                        }
                    }
                }
            }
        }
        finish(zoneCount: zoneCount, maxSize: maxSize, m: m, into: &out)
    }

    /// The features from the packed (level index, size) keys of `zoneCount` zones.
    private func finish(zoneCount: Int, maxSize: Int, m: Int, into out: inout [Double]) {
        // Aggregate zones by (level, size): sort the packed keys.
        NumpyMath.sortAscending(zones, zoneCount)
        for (k, level) in levelMap.levels.prefix(m).enumerated() { g[k] = Double(level) }
        for j in 0..<maxSize { ps[j] = 0 }
        for i in 0..<m { pg[i] = 0 }
        for t in 0..<zoneCount {
            let li = zones[t] >> 32
            let size = zones[t] & 0xFFFF_FFFF
            ps[size - 1] += 1
            pg[li] += 1
        }
        var nz = 0.0
        for i in 0..<m { nz += pg[i] }
        var np = 0.0
        for j in 0..<maxSize where ps[j] != 0 { np += ps[j] * Double(j + 1) }
        if nz == 0 { nz = 1 }
        if np == 0 { np = 1 }
        var stats = LevelSizeStatistics.marginals(m: m, nj: maxSize, g: g, n: nz, pr: ps, pg: pg)
        terms.reset(nz)
        var t = 0
        while t < zoneCount {
            let key = zones[t]
            var count = 0.0
            while t < zoneCount && zones[t] == key {
                count += 1
                t += 1
            }
            let li = key >> 32
            stats.addCell(count, gi2: g[li] * g[li], j: Double(key & 0xFFFF_FFFF), terms: terms)
        }
        stats.entropy = -stats.entropy
        out[0] = stats.sumPg2 / nz
        out[1] = stats.sumPg2 / (nz * nz)
        out[2] = stats.grayVariance
        out[3] = stats.sumPgI2 / nz
        out[4] = stats.sumJ2 / nz
        out[5] = stats.sumI2J2 / nz
        out[6] = stats.sumJ2InvI2 / nz
        out[7] = stats.sumPgInvI2 / nz
        out[8] = stats.sumPr2 / nz
        out[9] = stats.sumPr2 / (nz * nz)
        out[10] = stats.sumInvJ2 / nz
        out[11] = stats.sumI2InvJ2 / nz
        out[12] = stats.sumInvI2J2 / nz
        out[13] = stats.entropy
        out[14] = nz / np
        out[15] = stats.sizeVariance
    }
}
