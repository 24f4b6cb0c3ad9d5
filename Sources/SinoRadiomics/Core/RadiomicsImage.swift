import SinoImaging

/// The pixel type an image was stored with. PyRadiomics' arithmetic depends on it (bin edges
/// are computed in float32 for float32 images, resampled integer images are truncated), so
/// SinoRadiomics carries it beside the values.
public enum PixelType: String, Sendable, Codable, CaseIterable {
    case int8, uint8, int16, uint16, int32, uint32, int64, uint64, float32, float64

    public var isInteger: Bool { self != .float32 && self != .float64 }

    /// Rounds `value` to what a pixel of this type holds, as ITK's `static_cast` does after
    /// interpolation: truncation toward zero and clamping to the type's range for integers.
    public func stored(_ value: Double) -> Double {
        switch self {
        case .float64: return value
        case .float32: return Double(Float(value))
        default:
            guard value.isFinite else { return value.isNaN ? 0 : (value > 0 ? range.upperBound : range.lowerBound) }
            return Swift.min(Swift.max(value.rounded(.towardZero), range.lowerBound), range.upperBound)
        }
    }

    /// The representable range (integers only; ±infinity for floating types).
    public var range: ClosedRange<Double> {
        switch self {
        case .int8: return -128...127
        case .uint8: return 0...255
        case .int16: return -32768...32767
        case .uint16: return 0...65535
        case .int32: return -2_147_483_648...2_147_483_647
        case .uint32: return 0...4_294_967_295
        case .int64: return -9.223372036854775808e18...9.223372036854775807e18
        case .uint64: return 0...1.8446744073709551615e19
        case .float32, .float64: return -Double.infinity...Double.infinity
        }
    }
}

/// An image as SimpleITK holds it: size, spacing, origin and direction in ITK order (x, y, z)
/// and LPS world coordinates, values with x fastest (which is also NumPy's C order of the
/// array `(z, y, x)` that `sitk.GetArrayFromImage` gives), and the pixel type.
///
/// A 2-D image (dimension 2) is held as a single-slice 3-D grid (`size[2] == 1`) with
/// `dimension == 2`; its third axis has spacing 1 and direction (0, 0, 1).
public struct RadiomicsImage: Sendable, Equatable {
    /// Samples per axis, ITK order (x, y, z); always three entries.
    public var size: [Int]
    /// Millimetres per axis, ITK order.
    public var spacing: [Double]
    /// Physical point of voxel (0, 0, 0), LPS mm.
    public var origin: [Double]
    /// Direction cosines, row-major 3x3 (column i is axis i's unit vector), LPS.
    public var direction: [Double]
    /// Values, x fastest.
    public var values: [Double]
    public var pixelType: PixelType
    /// 2 for an image read as 2-D, else 3.
    public var dimension: Int

    public init(
        size: [Int], spacing: [Double], origin: [Double] = [0, 0, 0], direction: [Double] = [1, 0, 0, 0, 1, 0, 0, 0, 1], values: [Double],
        pixelType: PixelType = .float64, dimension: Int = 3
    ) {
        precondition(size.count == 3 && spacing.count == 3 && origin.count == 3 && direction.count == 9, "RadiomicsImage is 3-D in ITK order")
        precondition(size.reduce(1, *) == values.count, "value count must match the size")
        self.size = size
        self.spacing = spacing
        self.origin = origin
        self.direction = direction
        self.values = values
        self.pixelType = pixelType
        self.dimension = dimension
    }

    public var count: Int { values.count }

    /// Linear index of voxel (x, y, z).
    @inlinable
    public func index(_ x: Int, _ y: Int, _ z: Int) -> Int { x + size[0] * (y + size[1] * z) }

    /// The physical point (LPS) of a continuous index (ITK order).
    public func physicalPoint(continuousIndex c: [Double]) -> [Double] {
        var point = origin
        for r in 0..<3 {
            for k in 0..<3 { point[r] += direction[3 * r + k] * spacing[k] * c[k] }
        }
        return point
    }

    /// The same grid with other values (and pixel type).
    public func withValues(_ values: [Double], pixelType: PixelType) -> RadiomicsImage {
        var copy = self
        copy.values = values
        copy.pixelType = pixelType
        return copy
    }

    /// Whether `other` has this image's grid exactly (size, spacing, origin, direction,
    /// dimension): voxel i of one is voxel i of the other.
    public func isOnGrid(of other: RadiomicsImage) -> Bool {
        hasGrid(size: other.size, spacing: other.spacing, origin: other.origin, direction: other.direction, dimension: other.dimension)
    }

    /// Whether this image's grid is exactly the one given.
    func hasGrid(size: [Int], spacing: [Double], origin: [Double], direction: [Double], dimension: Int) -> Bool {
        self.size == size && self.spacing == spacing && self.origin == origin && self.direction == direction && self.dimension == dimension
    }

    /// The sub-grid from `lower` (inclusive) of extent `extent` (ITK order), its origin moved
    /// as `sitk.CropImageFilter` moves it.
    public func cropped(lower: [Int], extent: [Int]) -> RadiomicsImage {
        var out = [Double]()
        out.reserveCapacity(extent.reduce(1, *))
        for z in lower[2]..<(lower[2] + extent[2]) {
            for y in lower[1]..<(lower[1] + extent[1]) {
                let row = index(lower[0], y, z)
                out.append(contentsOf: values[row..<(row + extent[0])])
            }
        }
        return cropped(lower: lower, extent: extent, values: out, pixelType: pixelType)
    }

    /// The sub-grid `cropped(lower:extent:)` describes, holding `values` (the sub-grid's own,
    /// x fastest, computed elsewhere) of type `pixelType`.
    func cropped(lower: [Int], extent: [Int], values: [Double], pixelType: PixelType) -> RadiomicsImage {
        precondition(values.count == extent.reduce(1, *), "values must fill the cropped grid")
        let newOrigin = physicalPoint(continuousIndex: lower.map(Double.init))
        return RadiomicsImage(size: extent, spacing: spacing, origin: newOrigin, direction: direction, values: values, pixelType: pixelType, dimension: dimension)
    }
}

extension RadiomicsImage {
    /// The image of an NRRD file: its values, SimpleITK's geometry and the stored type.
    public init(nrrd: NRRDImage) throws {
        let grid = try Self.grid(nrrd.header, file: nrrd.path)
        self.init(
            size: grid.size, spacing: grid.spacing, origin: grid.origin, direction: grid.direction, values: nrrd.values,
            pixelType: PixelType(nrrd.header.type), dimension: grid.dimension)
    }

    /// SimpleITK's grid of an NRRD header (2-D images get a third axis of 1).
    static func grid(_ header: NRRDHeader, file: String) throws -> (size: [Int], spacing: [Double], origin: [Double], direction: [Double], dimension: Int) {
        guard (2...3).contains(header.dimension) else {
            throw RadiomicsError(.unsupportedImage, file: file, "has \(header.dimension) axes; radiomics needs a 2-D or 3-D image")
        }
        let d = header.dimension
        var size = header.sizes
        var (spacing, rows, origin) = NRRDImage.geometry(header)
        var direction = [Double](repeating: 0, count: 9)
        for r in 0..<3 {
            for c in 0..<3 {
                direction[3 * r + c] = r < d && c < d ? rows[r][c] : (r == c ? 1 : 0)
            }
        }
        if d == 2 {
            size.append(1)
            spacing.append(1)
            origin.append(0)
        }
        return (size, spacing, origin, direction, d)
    }
}

extension PixelType {
    init(_ type: NRRDScalarType) {
        switch type {
        case .int8: self = .int8
        case .uint8: self = .uint8
        case .int16: self = .int16
        case .uint16: self = .uint16
        case .int32: self = .int32
        case .uint32: self = .uint32
        case .int64: self = .int64
        case .uint64: self = .uint64
        case .float: self = .float32
        case .double: self = .float64
        }
    }
}

extension RadiomicsImage {
    /// The image of a NIfTI file as SimpleITK (ITK's NiftiImageIO) reads it: spacing from
    /// `pixdim`, origin and direction from the affine taken to LPS, the stored type kept unless
    /// `scl_slope`/`scl_inter` rescale the values (ITK then gives float32, or float64 for a
    /// float64 file).
    public init(nifti: NIfTIImage) throws {
        let grid = try Self.grid(nifti.header, affine: nifti.affine, file: nifti.path)
        self.init(
            size: grid.size, spacing: grid.spacing, origin: grid.origin, direction: grid.direction,
            values: Self.values(nifti, pixelType: grid.pixelType), pixelType: grid.pixelType, dimension: grid.dimension)
    }

    /// SimpleITK's grid and pixel type of a NIfTI header with the affine that applies.
    static func grid(_ header: NIfTIHeader, affine: [[Double]], file: String) throws -> (
        size: [Int], spacing: [Double], origin: [Double], direction: [Double], pixelType: PixelType, dimension: Int
    ) {
        let shape = header.shape
        let extraAxes = shape.dropFirst(3).filter { $0 != 1 }
        guard (2...3).contains(shape.count) || (shape.count > 3 && extraAxes.isEmpty) else {
            throw RadiomicsError(.unsupportedImage, file: file, "has shape \(shape); radiomics needs a 2-D or 3-D image, not a series")
        }
        let d = shape.count == 2 ? 2 : 3
        let size = [shape[0], shape.count > 1 ? shape[1] : 1, shape.count > 2 ? shape[2] : 1]
        let geometry = Self.lpsGeometry(affine)
        let spacing = (0..<3).map { header.pixdim[$0 + 1] > 0 ? header.pixdim[$0 + 1] : geometry.spacing[$0] }
        let rescaled = header.scaling != nil
        let type: PixelType
        switch header.datatype! { // validated by parse
        case .float64: type = .float64
        case _ where rescaled: type = .float32
        case .uint8: type = .uint8
        case .int8: type = .int8
        case .int16: type = .int16
        case .uint16: type = .uint16
        case .int32: type = .int32
        case .float32: type = .float32
        }
        return (size, spacing, geometry.origin, geometry.direction, type, d)
    }

    /// The voxels' values as ITK holds them: scaled, and rounded to float32 when rescaling makes
    /// a float32 image.
    static func values(_ nifti: NIfTIImage, pixelType: PixelType) -> [Double] {
        let values = nifti.scaledValues()
        return pixelType == .float32 && nifti.header.scaling != nil ? values.map { Double(Float($0)) } : values
    }

    /// The slices `slices` (z, ITK order) of the image at `path`, as reading the whole file and
    /// cropping it to them would give (`cropped(lower:extent:)`), when its grid is `mask`'s
    /// exactly: a .nii.gz or gzip-encoded NRRD is then inflated only as far as the last of them
    /// (`NIfTI.readSlices`, `NRRD.readSlices`). nil where the whole file has to be read: an
    /// uncompressed file, another grid than the mask's, or what those decline.
    static func read(_ path: String, slices: Range<Int>, gridOf mask: RadiomicsImage) throws -> RadiomicsImage? {
        let grid: (size: [Int], spacing: [Double], origin: [Double], direction: [Double], dimension: Int)
        let values: [Double]
        let pixelType: PixelType
        if NRRD.handles(path) {
            guard let (header, part) = try NRRD.readSlices(path, slices) else { return nil }
            grid = try Self.grid(header, file: path)
            (values, pixelType) = (part.values, PixelType(header.type))
        } else {
            guard let (header, part) = try NIfTI.readSlices(path, slices) else { return nil }
            let nifti = try Self.grid(header, affine: header.affine, file: path)
            grid = (nifti.size, nifti.spacing, nifti.origin, nifti.direction, nifti.dimension)
            (values, pixelType) = (Self.values(part, pixelType: nifti.pixelType), nifti.pixelType)
        }
        guard mask.hasGrid(size: grid.size, spacing: grid.spacing, origin: grid.origin, direction: grid.direction, dimension: grid.dimension) else {
            return nil
        }
        return mask.cropped(lower: [0, 0, slices.lowerBound], extent: [grid.size[0], grid.size[1], slices.count], values: values, pixelType: pixelType)
    }

    /// Reads a NIfTI (.nii, .nii.gz) or NRRD (.nrrd, .nhdr) file.
    public static func read(_ path: String) throws -> RadiomicsImage {
        if NRRD.handles(path) { return try RadiomicsImage(nrrd: NRRD.read(path, allowNaN: true)) }
        return try RadiomicsImage(nifti: NIfTI.read(path, allowNaN: true))
    }
}

extension RadiomicsImage {
    /// A SinoImaging volume (float32 voxels, RAS+ affine) as SimpleITK would hold it: spacing
    /// from the affine's column norms, direction and origin taken to LPS, pixel type float32
    /// (or `pixelType`, e.g. `.uint8` for a mask whose values are whole numbers). A 4-D volume
    /// is refused.
    public init(volume: Volume, pixelType: PixelType = .float32) throws {
        guard volume.shape.count == 3 || volume.shape.dropFirst(3).allSatisfy({ $0 == 1 }) else {
            throw RadiomicsError(.unsupportedImage, file: "", "a volume of shape \(volume.shape); radiomics needs a 2-D or 3-D image, not a series")
        }
        let geometry = Self.lpsGeometry(volume.affine)
        let count = volume.shape.prefix(3).reduce(1, *)
        self.init(
            size: Array(volume.shape.prefix(3)), spacing: geometry.spacing, origin: geometry.origin, direction: geometry.direction,
            values: volume.voxels.prefix(count).map { pixelType.stored(Double($0)) }, pixelType: pixelType)
    }
}

extension RadiomicsImage {
    /// ITK's geometry of a RAS+ voxel-to-world affine (rows 0 and 1 negated to LPS): spacing as
    /// the column norms (1 for a zero column), unit direction columns, origin.
    static func lpsGeometry(_ a: [[Double]]) -> (spacing: [Double], direction: [Double], origin: [Double]) {
        var spacing = [Double](repeating: 1, count: 3)
        var direction = [Double](repeating: 0, count: 9)
        for c in 0..<3 {
            let column = [-a[0][c], -a[1][c], a[2][c]]
            let norm = column.reduce(0) { $0 + $1 * $1 }.squareRoot()
            spacing[c] = norm > 0 ? norm : 1
            for r in 0..<3 { direction[3 * r + c] = norm > 0 ? column[r] / norm : (r == c ? 1 : 0) }
        }
        return (spacing, direction, [-a[0][3], -a[1][3], a[2][3]])
    }
}
