/// An NRRD image as read: the header, the values (first axis fastest, as stored, in Double:
/// exact for every type but 64-bit integers beyond 2^53) and the geometry SimpleITK gives it.
///
/// Geometry, as ITK's NrrdImageIO (SimpleITK 2.5) computes it, in ITK's LPS world:
/// - with `space directions`: spacing[i] = |dᵢ|, direction column i = dᵢ / |dᵢ|, origin =
///   `space origin` (0 when absent), each vector first taken to LPS (a RAS header negates the
///   first two components, a LAS header the second; LPS, scanner-xyz and 3D-right/left-handed
///   are used as they are);
/// - without: spacing = `spacings` (1 when absent or NaN), identity direction, origin 0
///   (`axis mins` are not used).
///
/// `affine` and `volume()` give this in `Volume`'s convention (nibabel's: voxel to RAS+ mm):
/// affine = diag(-1, -1, 1) · [direction · diag(spacing) | origin], i.e. ITK's LPS rows 0 and 1
/// negated. A 2-D image becomes a volume of shape (n0, n1, 1) whose third axis is (0, 0, 1)
/// with spacing 1, its 2-D direction in the top-left corner.
public struct NRRDImage: Sendable {
    /// The header file (used in every message about the image).
    public var path: String
    /// The detached data file, when there is one.
    public var dataPath: String?
    public var header: NRRDHeader
    /// The values, first axis fastest.
    public var values: [Double]
    /// SimpleITK's `GetSpacing()`: one per axis, mm.
    public var spacing: [Double]
    /// SimpleITK's `GetOrigin()` (LPS, mm).
    public var origin: [Double]
    /// SimpleITK's `GetDirection()` as rows (LPS; column i is axis i's unit direction).
    public var direction: [[Double]]

    init(path: String, dataPath: String?, header: NRRDHeader, values: [Double]) {
        precondition(values.count == header.count, "value count must match the sizes")
        self.path = path
        self.dataPath = dataPath
        self.header = header
        self.values = values
        (spacing, direction, origin) = Self.geometry(header)
    }

    /// SimpleITK's spacing, direction (rows) and origin of an image with this header (LPS; see
    /// the type's notes): the geometry depends on the header alone.
    public static func geometry(_ header: NRRDHeader) -> (spacing: [Double], direction: [[Double]], origin: [Double]) {
        let d = header.dimension
        let sign = header.space?.toLPS ?? [Double](repeating: 1, count: d)
        var direction = (0..<d).map { r in (0..<d).map { c in r == c ? 1.0 : 0.0 } }
        var spacing = (header.spacings ?? []).map { $0.isNaN ? 1 : $0 }
        if spacing.isEmpty { spacing = [Double](repeating: 1, count: d) }
        if let vectors = header.spaceDirections {
            for (c, v) in vectors.enumerated() {
                let lps = zip(v!, sign).map { $0 * $1 }
                let norm = lps.reduce(0) { $0 + $1 * $1 }.squareRoot()
                spacing[c] = norm
                for r in 0..<d { direction[r][c] = lps[r] / norm }
            }
        }
        return (spacing, direction, header.spaceOrigin.map { zip($0, sign).map { $0 * $1 } } ?? [Double](repeating: 0, count: d))
    }

    /// Samples per axis, the first axis fastest.
    public var shape: [Int] { header.sizes }
    public var count: Int { values.count }

    /// Voxel-to-world (RAS+, mm) 4x4 affine, `Volume`'s convention (see the type's notes).
    public var affine: [[Double]] {
        let d = header.dimension
        let flip: [Double] = [-1, -1, 1]
        var affine = [[Double]](repeating: [0, 0, 0, 0], count: 4)
        affine[3][3] = 1
        for r in 0..<3 {
            for c in 0..<3 {
                let lps = r < d && c < d ? direction[r][c] * spacing[c] : (r == c ? 1 : 0)
                affine[r][c] = flip[r] * lps
            }
            affine[r][3] = r < d ? flip[r] * origin[r] : 0
        }
        return affine
    }

    /// The image as a Float32 `Volume` on the same grid (a 2-D image gets a third axis of 1).
    public func volume() -> Volume {
        var shape = self.shape, spacing = self.spacing
        while shape.count < 3 { shape.append(1); spacing.append(1) }
        return Volume(shape: shape, spacing: spacing, affine: affine, voxels: values.map { Float($0) })
    }

    /// The orientation codes of the affine ("LPS", "RAS").
    public var orientation: String { Orientation.codes(of: affine) }

    public func intensitySummary() -> IntensitySummary { IntensitySummary(values) }
}

/// What `sinorad image info` reports about an NRRD file: the header as written, SimpleITK's
/// geometry (LPS), the affine SinoRad uses (RAS+), the orientation and a summary of the values.
public struct NRRDInfo: Sendable, Encodable {
    public var file: String
    public var format = "NRRD"
    public var dataFile: String?
    public var magic: String
    public var type: String
    public var encoding: String
    public var endian: String?
    public var dimension: Int
    public var sizes: [Int]
    public var space: String?
    public var kinds: [String]?
    /// SimpleITK's spacing, origin and direction (rows), LPS.
    public var spacing: [Double]
    public var origin: [Double]
    public var direction: [[Double]]
    /// Voxel to RAS+ mm, as `Volume` holds it.
    public var affine: [[Double]]
    public var orientation: String
    public var keyValues: [String: String]
    public var intensity: IntensitySummary

    public init(_ image: NRRDImage) {
        let h = image.header
        file = image.path
        dataFile = image.dataPath
        magic = h.magic
        type = h.type.rawValue
        encoding = h.encoding.rawValue
        endian = h.endian?.rawValue
        dimension = h.dimension
        sizes = h.sizes
        space = h.space?.rawValue ?? h.spaceDimension.map { "\($0)-D (unnamed)" }
        kinds = h.kinds
        spacing = image.spacing
        origin = image.origin
        direction = image.direction
        affine = image.affine
        orientation = image.orientation
        keyValues = Dictionary(h.keyValues.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
        intensity = image.intensitySummary()
    }
}
