/// A NIfTI image as read from a file: the header, the voxels as stored, and the affine that
/// applies (nibabel's `img.affine`). Values are scaled on the way out, in Double, exactly as
/// nibabel's `get_fdata()` computes them (value · scl_slope, then + scl_inter).
public struct NIfTIImage: Sendable {
    /// The file it was read from (used in every message about it).
    public var path: String
    public var header: NIfTIHeader
    /// The stored values (before scaling), x fastest.
    public var voxels: NIfTIVoxels
    /// Voxel-to-world (RAS+, mm) affine, row-major 4x4.
    public var affine: [[Double]]
    /// Whether the file was gzip-compressed.
    public var compressed: Bool

    public init(path: String, header: NIfTIHeader, voxels: NIfTIVoxels, affine: [[Double]]? = nil, compressed: Bool = false) {
        precondition(header.voxelCount == voxels.count, "voxel count must match the header's dims")
        self.path = path
        self.header = header
        self.voxels = voxels
        self.affine = affine ?? header.affine
        self.compressed = compressed
    }

    /// nibabel's `img.shape`: dim[1...dim[0]].
    public var shape: [Int] { header.shape }
    public var count: Int { voxels.count }
    public var datatype: NIfTIDataType { voxels.datatype }

    /// The value at a linear index (x fastest), scaled as nibabel's `get_fdata()`.
    public func value(at index: Int) -> Double {
        Self.scale(voxels.rawValue(at: index), header.scaling)
    }

    /// Every scaled value, x fastest (nibabel's `get_fdata()` in Fortran order).
    public func scaledValues() -> [Double] {
        guard let scaling = header.scaling else { return voxels.doubles() }
        return voxels.map { Self.scale($0, scaling) }
    }

    @inline(__always)
    static func scale(_ raw: Double, _ scaling: (slope: Double, intercept: Double)?) -> Double {
        guard let (slope, intercept) = scaling else { return raw }
        // Two roundings, as numpy's `arr * slope` then `+ inter` (no fused multiply-add).
        let product = slope == 1 ? raw : raw * slope
        return intercept == 0 ? product : product + intercept
    }

    /// The orientation codes of the affine ("LAS", "RAS").
    public var orientation: String { Orientation.codes(of: affine) }

    /// Counts of NaN voxels (only float datatypes can hold them), and the first one's index.
    public func nanVoxels() -> (count: Int, first: Int?) {
        var count = 0
        var first: Int?
        func scan<T: BinaryFloatingPoint>(_ values: [T]) {
            for (i, v) in values.enumerated() where v.isNaN {
                count += 1
                if first == nil { first = i }
            }
        }
        switch voxels {
        case .float32(let v): scan(v)
        case .float64(let v): scan(v)
        default: break
        }
        return (count, first)
    }

    /// The voxel coordinates (x, y, z, ...) of a linear index.
    public func coordinates(of index: Int) -> [Int] {
        var rest = index
        return shape.map { size in
            defer { rest /= size }
            return rest % size
        }
    }

    /// The image as a `Volume`: Float32 scaled values, at least three axes (a 1-D or 2-D
    /// image gets size-1 axes), the voxel sizes of the first three axes.
    public func volume() -> Volume {
        var volumeShape = shape
        var spacing = Array(header.zooms.prefix(3))
        while volumeShape.count < 3 { volumeShape.append(1); spacing.append(1) }
        let scaling = header.scaling
        return Volume(
            shape: volumeShape, spacing: spacing, affine: affine,
            voxels: voxels.map { Float(Self.scale($0, scaling)) })
    }

    /// The image with its axes permuted and flipped to be closest to RAS+ (nibabel's
    /// `as_closest_canonical`): same stored values and scaling, updated dims, pixdim, affine
    /// and transforms. Throws when an axis has no direction (a zero column in the affine).
    public func canonical() throws -> NIfTIImage {
        let axes = try Self.definedAxes(affine, file: path)
        if Orientation.isIdentity(axes) { return self }
        let grid = paddedShape
        var result = self
        result.voxels = voxels.gathered(Orientation.gatherOrder(shape: grid, axes: axes))
        result.affine = Orientation.reorientedAffine(affine, shape: grid, axes: axes)
        var header = self.header
        let newShape = Orientation.reorientedShape(grid, axes)
        header.dim[0] = max(header.dim[0], 3)
        for i in 0..<newShape.count { header.dim[i + 1] = newShape[i] }
        // As nibabel's new image from an array and an affine: the affine goes into the sform
        // with code 2 (aligned), the qform code becomes 0; pixdim[1...3] the column norms.
        header.setAffine(result.affine, sformCode: 2, qformCode: 0)
        result.header = header
        return result
    }

    /// The shape with size-1 axes added up to three.
    var paddedShape: [Int] {
        var grid = shape
        while grid.count < 3 { grid.append(1) }
        return grid
    }

    static func definedAxes(_ affine: [[Double]], file: String) throws -> [AxisOrientation] {
        let axes = Orientation.axes(of: affine)
        guard axes.allSatisfy({ $0 != nil }) else {
            throw NIfTIError(
                .invalidHeader, file: file, "the affine leaves a voxel axis without a direction (\(affine))",
                expected: "an affine whose first three columns are non-zero")
        }
        return axes.map { $0! }
    }
}

extension Volume {
    /// The volume with its axes permuted and flipped to be closest to RAS+ (as nibabel's
    /// `as_closest_canonical`), spacing permuted along.
    public func canonical() throws -> Volume {
        let axes = try NIfTIImage.definedAxes(affine, file: "<volume>")
        if Orientation.isIdentity(axes) { return self }
        let order = Orientation.gatherOrder(shape: shape, axes: axes)
        var spacing = self.spacing
        for (i, axis) in axes.enumerated() where i < self.spacing.count && axis.worldAxis < spacing.count {
            spacing[axis.worldAxis] = self.spacing[i]
        }
        return Volume(
            shape: Orientation.reorientedShape(shape, axes), spacing: spacing,
            affine: Orientation.reorientedAffine(affine, shape: shape, axes: axes),
            voxels: order.map { voxels[$0] })
    }

    /// The orientation codes of the affine ("LAS", "RAS").
    public var orientation: String { Orientation.codes(of: affine) }
}

/// Minimum, maximum, mean and sum of voxel values (NaN left out and counted).
public struct IntensitySummary: Sendable, Equatable, Codable {
    /// Values summarised (NaN excluded).
    public var count: Int
    public var nanCount: Int
    public var min: Double
    public var max: Double
    public var mean: Double
    public var sum: Double

    public init(_ values: [Double]) {
        var count = 0, nans = 0
        var low = Double.infinity, high = -Double.infinity, sum = 0.0
        for v in values {
            if v.isNaN { nans += 1; continue }
            count += 1
            sum += v
            low = Swift.min(low, v)
            high = Swift.max(high, v)
        }
        self.count = count
        self.nanCount = nans
        self.min = count > 0 ? low : .nan
        self.max = count > 0 ? high : .nan
        self.sum = sum
        self.mean = count > 0 ? sum / Double(count) : .nan
    }
}

extension NIfTIImage {
    /// Summary of the scaled values (nibabel's `get_fdata()`).
    public func intensitySummary() -> IntensitySummary { IntensitySummary(scaledValues()) }
}
