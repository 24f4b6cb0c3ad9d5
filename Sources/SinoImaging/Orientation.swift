/// Where one voxel axis points in world (RAS+) space: `worldAxis` 0 is x (left to Right),
/// 1 is y (posterior to Anterior), 2 is z (inferior to Superior); `flipped` when the voxel
/// index grows towards L, P or I instead.
public struct AxisOrientation: Sendable, Equatable, Codable {
    public var worldAxis: Int
    public var flipped: Bool

    public init(worldAxis: Int, flipped: Bool) {
        self.worldAxis = worldAxis
        self.flipped = flipped
    }

    /// The letter of the direction the index grows towards ("R", "L", "A", "P", "S", "I").
    public var code: String {
        let labels = [("L", "R"), ("P", "A"), ("I", "S")][worldAxis]
        return flipped ? labels.0 : labels.1
    }
}

/// Voxel-axis orientation and reorientation to RAS+, as nibabel 5.4's `io_orientation`,
/// `aff2axcodes`, `inv_ornt_aff`, `apply_orientation` and `as_closest_canonical`: axes are
/// only permuted and flipped (no resampling), and the affine is updated to match.
public enum Orientation {
    /// For each of the three spatial voxel axes, the world axis it is closest to (nil when
    /// the affine's column is zero). The affine's rotation-zoom-shear part is reduced to its
    /// closest orthogonal matrix (polar decomposition); ties are settled axis by axis, each
    /// world axis used once.
    public static func axes(of affine: [[Double]]) -> [AxisOrientation?] {
        var rs = (0..<3).map { r in (0..<3).map { affine[r][$0] } }
        for c in 0..<3 {
            var zoom = (0..<3).reduce(0) { $0 + rs[$1][c] * rs[$1][c] }.squareRoot()
            if zoom == 0 { zoom = 1 }
            for r in 0..<3 { rs[r][c] /= zoom }
        }
        var closest = Matrix3.closestOrthogonal(rs)
        var result: [AxisOrientation?] = []
        for inAxis in 0..<3 {
            let column = (0..<3).map { closest[$0][inAxis] }
            // np.allclose(col, 0): every |entry| <= 1e-8.
            guard column.contains(where: { abs($0) > 1e-8 }) else { result.append(nil); continue }
            var out = 0
            for r in 1..<3 where abs(column[r]) > abs(column[out]) { out = r }
            result.append(AxisOrientation(worldAxis: out, flipped: column[out] < 0))
            closest[out] = [0, 0, 0]
        }
        return result
    }

    /// nibabel's `aff2axcodes` joined: "RAS", "LAS", "PIR"; "?" for an undetermined axis.
    public static func codes(of affine: [[Double]]) -> String {
        axes(of: affine).map { $0?.code ?? "?" }.joined()
    }

    /// Whether the orientation keeps every axis where it is (the image is already RAS+ up to
    /// small rotations).
    static func isIdentity(_ axes: [AxisOrientation]) -> Bool {
        axes.enumerated().allSatisfy { $0.element.worldAxis == $0.offset && !$0.element.flipped }
    }

    /// The grid after reorienting: output axis `axes[i].worldAxis` is input axis i.
    static func reorientedShape(_ shape: [Int], _ axes: [AxisOrientation]) -> [Int] {
        var out = shape
        for (i, axis) in axes.enumerated() { out[axis.worldAxis] = shape[i] }
        return out
    }

    /// For each output voxel (x fastest), the linear index of the input voxel it takes
    /// (`apply_orientation`: flips, then the transpose).
    static func gatherOrder(shape: [Int], axes: [AxisOrientation]) -> [Int] {
        let outShape = reorientedShape(shape, axes)
        var stride = [Int](repeating: 1, count: shape.count)
        for i in 1..<shape.count { stride[i] = stride[i - 1] * shape[i - 1] }
        // Step in the input per unit step of each output spatial axis, and the input start.
        var step = [0, 0, 0], start = 0
        for (i, axis) in axes.enumerated() {
            step[axis.worldAxis] = axis.flipped ? -stride[i] : stride[i]
            if axis.flipped { start += (shape[i] - 1) * stride[i] }
        }
        let volumeSize = shape.prefix(3).reduce(1, *)
        let volumes = shape.reduce(1, *) / volumeSize
        var order = [Int]()
        order.reserveCapacity(volumes * volumeSize)
        for t in 0..<volumes {
            let base = t * volumeSize + start
            for z in 0..<outShape[2] {
                for y in 0..<outShape[1] {
                    var index = base + z * step[2] + y * step[1]
                    for _ in 0..<outShape[0] {
                        order.append(index)
                        index += step[0]
                    }
                }
            }
        }
        return order
    }

    /// `affine · inv_ornt_aff(axes, shape)`: the affine of the reoriented grid.
    static func reorientedAffine(_ affine: [[Double]], shape: [Int], axes: [AxisOrientation]) -> [[Double]] {
        // Maps output voxel coordinates to input ones: input_i = ±output_{axis_i} (+ n_i - 1 when flipped).
        var inverse = [[Double]](repeating: [0, 0, 0, 0], count: 4)
        inverse[3][3] = 1
        for (i, axis) in axes.enumerated() {
            inverse[i][axis.worldAxis] = axis.flipped ? -1 : 1
            inverse[i][3] = axis.flipped ? Double(shape[i] - 1) : 0
        }
        return Matrix3.multiply4(affine, inverse)
    }
}

/// The small dense linear algebra orientation needs (3x3 and 4x4, Double).
enum Matrix3 {
    static func determinant(_ m: [[Double]]) -> Double {
        m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
            - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
            + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
    }

    static func multiply4(_ a: [[Double]], _ b: [[Double]]) -> [[Double]] {
        (0..<4).map { r in (0..<4).map { c in (0..<4).reduce(0) { $0 + a[r][$1] * b[$1][c] } } }
    }

    /// The orthogonal factor U·Vᵀ of the SVD m = U·S·Vᵀ, keeping only the singular values
    /// above max(S)·3·eps (numpy's rank threshold in nibabel's `io_orientation`). It is
    /// computed as Σ (m·vᵢ / sᵢ)·vᵢᵀ from the eigenvectors vᵢ of mᵀm.
    static func closestOrthogonal(_ m: [[Double]]) -> [[Double]] {
        let mtm = (0..<3).map { r in (0..<3).map { c in (0..<3).reduce(0) { $0 + m[$1][r] * m[$1][c] } } }
        let (values, vectors) = symmetricEigen(mtm)
        let singular = values.map { max($0, 0).squareRoot() }
        let tolerance = (singular.max() ?? 0) * 3 * Double.ulpOfOne
        var out = [[Double]](repeating: [0, 0, 0], count: 3)
        for k in 0..<3 where singular[k] > tolerance {
            let v = (0..<3).map { vectors[$0][k] }
            let u = (0..<3).map { r in (0..<3).reduce(0) { $0 + m[r][$1] * v[$1] } / singular[k] }
            for r in 0..<3 { for c in 0..<3 { out[r][c] += u[r] * v[c] } }
        }
        return out
    }

    /// Eigenvalues and eigenvectors (as columns) of a symmetric 3x3 matrix, by cyclic Jacobi
    /// rotations.
    static func symmetricEigen(_ matrix: [[Double]]) -> (values: [Double], vectors: [[Double]]) {
        var a = matrix
        var v: [[Double]] = [[1, 0, 0], [0, 1, 0], [0, 0, 1]]
        for _ in 0..<64 {
            let off = abs(a[0][1]) + abs(a[0][2]) + abs(a[1][2])
            if off == 0 { break }
            for (p, q) in [(0, 1), (0, 2), (1, 2)] where a[p][q] != 0 {
                let theta = (a[q][q] - a[p][p]) / (2 * a[p][q])
                let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
                let c = 1 / (t * t + 1).squareRoot(), s = t * c
                for k in 0..<3 { // a <- a·J
                    let (akp, akq) = (a[k][p], a[k][q])
                    a[k][p] = c * akp - s * akq
                    a[k][q] = s * akp + c * akq
                }
                for k in 0..<3 { // a <- Jᵀ·a
                    let (apk, aqk) = (a[p][k], a[q][k])
                    a[p][k] = c * apk - s * aqk
                    a[q][k] = s * apk + c * aqk
                }
                for k in 0..<3 {
                    let (vkp, vkq) = (v[k][p], v[k][q])
                    v[k][p] = c * vkp - s * vkq
                    v[k][q] = s * vkp + c * vkq
                }
            }
        }
        return ([a[0][0], a[1][1], a[2][2]], v)
    }
}
