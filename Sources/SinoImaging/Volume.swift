/// A 3-D (or 4-D) image on a voxel grid: the unit SinoImaging reads, writes and
/// preprocesses. Voxels are stored as Float32 after scaling (slope/intercept applied),
/// x fastest, then y, z, t — the NIfTI on-disk order.
public struct Volume: Sendable, Equatable {
    /// Grid size per axis (nx, ny, nz[, nt]); at least three entries.
    public var shape: [Int]
    /// Voxel size per spatial axis in millimetres (dx, dy, dz).
    public var spacing: [Double]
    /// Voxel-to-world (RAS+, mm) affine, row-major 4x4.
    public var affine: [[Double]]
    /// Scaled voxel values, x fastest.
    public var voxels: [Float]

    public init(shape: [Int], spacing: [Double], affine: [[Double]], voxels: [Float]) {
        precondition(shape.count >= 3, "a volume has at least three axes")
        precondition(shape.reduce(1, *) == voxels.count, "voxel count must match the shape")
        self.shape = shape
        self.spacing = spacing
        self.affine = affine
        self.voxels = voxels
    }

    public var count: Int { voxels.count }

    /// Linear index of voxel (x, y, z) in the first volume of a 4-D series.
    @inlinable
    public func index(_ x: Int, _ y: Int, _ z: Int) -> Int {
        x + shape[0] * (y + shape[1] * z)
    }

    @inlinable
    public subscript(x: Int, y: Int, z: Int) -> Float {
        get { voxels[index(x, y, z)] }
        set { voxels[index(x, y, z)] = newValue }
    }

    /// True when `other` lies on the same voxel grid (shape of the first three axes and
    /// affine within 1e-4 mm).
    public func sameGrid(as other: Volume) -> Bool {
        guard Array(shape.prefix(3)) == Array(other.shape.prefix(3)) else { return false }
        for r in 0..<4 {
            for c in 0..<4 where abs(affine[r][c] - other.affine[r][c]) > 1e-4 {
                return false
            }
        }
        return true
    }
}
