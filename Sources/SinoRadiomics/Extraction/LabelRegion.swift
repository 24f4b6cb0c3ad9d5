/// Where a label lies in a mask: its bounding box (ITK order, inclusive), voxel count,
/// 26-connected component count and mean voxel index, as SimpleITK's
/// LabelShapeStatisticsImageFilter and ConnectedComponentImageFilter (fully connected) give
/// them to PyRadiomics' checkMask and diagnostics.
public struct LabelRegion: Sendable, Equatable {
    /// Lowest index per axis (x, y, z).
    public var lower: [Int]
    /// Highest index per axis (x, y, z), inclusive.
    public var upper: [Int]
    /// Voxels holding the label.
    public var count: Int
    /// Mean voxel index (x, y, z), unweighted.
    public var centre: [Double]

    /// Extent per axis (x, y, z).
    public var extent: [Int] { zip(lower, upper).map { $1 - $0 + 1 } }

    /// (Lx, Ux, Ly, Uy, Lz, Uz), inclusive, ITK order: `LabelStatisticsImageFilter.GetBoundingBox`.
    public var boundingBox: [Int] { [lower[0], upper[0], lower[1], upper[1], lower[2], upper[2]] }

    /// The region of `label` in `mask`, or nil when no voxel holds it.
    public init?(mask: RadiomicsImage, label: Int) {
        let l = Double(label)
        var lower = [Int.max, Int.max, Int.max]
        var upper = [Int.min, Int.min, Int.min]
        var sums = [0.0, 0.0, 0.0]
        var count = 0
        let (nx, ny, nz) = (mask.size[0], mask.size[1], mask.size[2])
        mask.values.withUnsafeBufferPointer { v in
            // Row by row: most rows hold no label voxel and are passed over eight values at a
            // time; the sums are of whole numbers, exact in any order.
            for z in 0..<nz {
                for y in 0..<ny {
                    let row = nx * (y + ny * z)
                    var x = ValueScan.firstIndex(of: l, in: v, from: row, to: row + nx) - row
                    guard x < nx else { continue }
                    let first = x
                    var last = x
                    var hits = 0
                    var xSum = 0
                    while x < nx {
                        if v[row + x] == l {
                            last = x
                            hits += 1
                            xSum += x
                        }
                        x += 1
                    }
                    count += hits
                    lower[0] = min(lower[0], first)
                    upper[0] = max(upper[0], last)
                    lower[1] = min(lower[1], y)
                    upper[1] = max(upper[1], y)
                    lower[2] = min(lower[2], z)
                    upper[2] = max(upper[2], z)
                    sums[0] += Double(xSum)
                    sums[1] += Double(hits * y)
                    sums[2] += Double(hits * z)
                }
            }
        }
        guard count > 0 else { return nil }
        self.lower = lower
        self.upper = upper
        self.count = count
        // numpy.mean of the index arrays: pairwise summation gives the exact mean for these
        // integer sums (well below 2^53).
        self.centre = sums.map { $0 / Double(count) }
    }

    /// Number of 26-connected components of `label` in `mask` (8-connected in a 2-D image).
    public static func componentCount(mask: RadiomicsImage, label: Int) -> Int {
        let l = Double(label)
        let (nx, ny, nz) = (mask.size[0], mask.size[1], mask.size[2])
        var seen = [Bool](repeating: false, count: mask.count)
        var stack = [Int]()
        var components = 0
        for start in 0..<mask.count where mask.values[start] == l && !seen[start] {
            components += 1
            seen[start] = true
            stack.append(start)
            while let i = stack.popLast() {
                let x = i % nx
                let y = (i / nx) % ny
                let z = i / (nx * ny)
                for dz in -1...1 {
                    let zz = z + dz
                    guard zz >= 0 && zz < nz else { continue }
                    for dy in -1...1 {
                        let yy = y + dy
                        guard yy >= 0 && yy < ny else { continue }
                        for dx in -1...1 {
                            let xx = x + dx
                            guard xx >= 0 && xx < nx else { continue }
                            let j = xx + nx * (yy + ny * zz)
                            if !seen[j] && mask.values[j] == l {
                                seen[j] = true
                                stack.append(j)
                            }
                        }
                    }
                }
            }
        }
        return components
    }
}
