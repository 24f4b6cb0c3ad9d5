/// The ROI's levels copied into the box grown by a border of zeros, 0 also outside the ROI, for
/// segment-based neighbour loops without bounds or mask tests: a neighbour is an ROI voxel
/// exactly when its padded level is non-zero (`TextureArray` guarantees levels ≥ 1). The
/// border on each axis is the largest offset component along it, so every neighbour of an ROI
/// voxel lies inside the padded grid.
final class PaddedLevels {
    /// Padded levels (z, y, x order, x fastest); 0 on the border and outside the ROI.
    let levels: UnsafeMutablePointer<Int32>
    /// Padded grid size.
    let count: Int
    /// Padded indices of the ROI voxels, in the box's raster order.
    let roi: UnsafeMutablePointer<Int>
    /// Number of ROI voxels.
    let roiCount: Int
    /// Linear padded-grid step of each offset.
    let steps: UnsafeMutablePointer<Int>
    /// Number of offsets.
    let na: Int

    /// Pads `array` (its mask selects the voxels) for the offsets `angles` (three entries each).
    init(_ array: TextureArray, angles: [Int]) {
        na = angles.count / 3
        var pad = [0, 0, 0]
        for a in 0..<na {
            for d in 0..<3 { pad[d] = max(pad[d], abs(angles[3 * a + d])) }
        }
        let pz = array.shape[0] + 2 * pad[0], py = array.shape[1] + 2 * pad[1], px = array.shape[2] + 2 * pad[2]
        count = pz * py * px
        levels = .allocate(capacity: max(count, 1))
        levels.initialize(repeating: 0, count: count)
        steps = .allocate(capacity: max(na, 1))
        for a in 0..<na { steps[a] = angles[3 * a] * py * px + angles[3 * a + 1] * px + angles[3 * a + 2] }
        var n = 0
        array.mask.withUnsafeBytes { bytes in
            // A Bool's byte is 0 or 1: the sum of the bytes counts the ROI (a loop that vectorises).
            for b in bytes { n &+= Int(b) }
        }
        roiCount = n
        // One slot past the ROI's count: every voxel writes its index, and only ROI voxels advance.
        roi = .allocate(capacity: n + 1)
        let ny = array.shape[1], nx = array.shape[2]
        var k = 0
        array.levels.withUnsafeBufferPointer { lv in
            array.mask.withUnsafeBufferPointer { mk in
                // Without branches on the mask (about half the box's voxels are in the ROI).
                for z in 0..<array.shape[0] {
                    for y in 0..<ny {
                        let src = (z * ny + y) * nx
                        let dst = ((z + pad[0]) * py + y + pad[1]) * px + pad[2]
                        for x in 0..<nx {
                            // A Bool's byte is 0 or 1: all bits set or none, as a mask.
                            let bit = Int32(unsafeBitCast(mk[src &+ x], to: UInt8.self))
                            levels[dst &+ x] = lv[src &+ x] & (0 &- bit)
                            roi[k] = dst &+ x
                            k &+= Int(bit)
                        }
                    }
                }
            }
        }
    }

    deinit {
        levels.deallocate()
        roi.deallocate()
        steps.deallocate()
    }
}

extension PaddedLevels {
    /// Pads `array` for the offsets of `steps`.
    convenience init(_ array: TextureArray, steps: AngleSteps) {
        var angles = [Int]()
        angles.reserveCapacity(3 * steps.count)
        for a in 0..<steps.count { angles += [steps.dz[a], steps.dy[a], steps.dx[a]] }
        self.init(array, angles: angles)
    }
}
