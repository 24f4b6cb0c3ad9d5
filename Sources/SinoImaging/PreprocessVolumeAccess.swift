/// Helpers on `Volume` used by the phantom and the preprocessing (axial slices and ROI
/// statistics); they read the first three axes only.
extension Volume {
    /// Number of voxels in one axial slice (nx * ny).
    public var sliceCount: Int { shape[0] * shape[1] }

    /// The axial slice z (x fastest), a copy.
    public func axialSlice(_ z: Int) -> [Float] {
        precondition(z >= 0 && z < shape[2], "slice \(z) is outside 0..<\(shape[2])")
        return Array(voxels[(z * sliceCount)..<((z + 1) * sliceCount)])
    }

    /// Count, mean and population SD of the voxels where `mask` is non-zero (same grid).
    public func statistics(inside mask: Volume) -> (count: Int, mean: Double, sd: Double) {
        precondition(
            mask.count >= sliceCount * shape[2] && Array(mask.shape.prefix(3)) == Array(shape.prefix(3)),
            "the mask must lie on the volume's grid")
        var sum = 0.0, squares = 0.0, count = 0
        for n in 0..<(sliceCount * shape[2]) where mask.voxels[n] != 0 {
            let v = Double(voxels[n])
            sum += v; squares += v * v; count += 1
        }
        guard count > 0 else { return (0, .nan, .nan) }
        let mean = sum / Double(count)
        return (count, mean, max(0, squares / Double(count) - mean * mean).squareRoot())
    }
}
