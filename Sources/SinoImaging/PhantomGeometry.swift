import Foundation

typealias PhantomPoint = SIMD3<Double>

/// The scanner grid: voxel (i, j, k) has its centre at world (x0 + i dx, y0 + j dy, z0 + k dz)
/// mm, x to the patient's left-right, y posterior-anterior, z inferior-superior.
struct PhantomGrid: Sendable {
    let nx: Int, ny: Int, nz: Int
    let spacing: PhantomPoint
    let origin: PhantomPoint

    init(settings: PhantomSettings) {
        precondition(settings.shape.count == 3 && settings.fieldOfView.count == 3, "the phantom grid is 3-D")
        nx = settings.shape[0]; ny = settings.shape[1]; nz = settings.shape[2]
        let s = settings.spacing
        spacing = PhantomPoint(s[0], s[1], s[2])
        // x centred on the midline, y centred 15 mm behind the nasal cavity, z from the palate up.
        origin = PhantomPoint(-Double(nx - 1) / 2 * s[0], -15 - Double(ny - 1) / 2 * s[1], s[2] / 2)
    }

    var count: Int { nx * ny * nz }

    @inline(__always) func world(_ i: Int, _ j: Int, _ k: Int) -> PhantomPoint {
        origin + PhantomPoint(Double(i), Double(j), Double(k)) * spacing
    }

    /// Row-major 4x4 voxel-to-world affine (RAS-like axes, mm).
    var affine: [[Double]] {
        [[spacing.x, 0, 0, origin.x], [0, spacing.y, 0, origin.y], [0, 0, spacing.z, origin.z], [0, 0, 0, 1]]
    }

    /// Voxel index ranges covering the world box [lower, upper] (empty when outside the grid).
    func indexRanges(lower: PhantomPoint, upper: PhantomPoint) -> (Range<Int>, Range<Int>, Range<Int>) {
        func range(_ lo: Double, _ hi: Double, _ o: Double, _ d: Double, _ n: Int) -> Range<Int> {
            let a = max(0, Int(((lo - o) / d).rounded(.down)))
            let b = min(n, Int(((hi - o) / d).rounded(.up)) + 1)
            return a < b ? a..<b : 0..<0
        }
        return (
            range(lower.x, upper.x, origin.x, spacing.x, nx),
            range(lower.y, upper.y, origin.y, spacing.y, ny),
            range(lower.z, upper.z, origin.z, spacing.z, nz)
        )
    }
}

/// Where the patient's head lies in the scanner: anatomy coordinates a relate to world
/// coordinates p by p = scale * Rz(yaw) * a + shift.
struct PhantomPose: Sendable {
    var scale = 1.0, yaw = 0.0, shift = PhantomPoint(0, 0, 0)

    @inline(__always) func anatomy(_ p: PhantomPoint) -> PhantomPoint {
        let q = (p - shift) / scale
        let c = cos(yaw), s = sin(yaw)
        return PhantomPoint(c * q.x + s * q.y, -s * q.x + c * q.y, q.z)
    }

    func world(_ a: PhantomPoint) -> PhantomPoint {
        let c = cos(yaw), s = sin(yaw)
        return PhantomPoint(c * a.x - s * a.y, s * a.x + c * a.y, a.z) * scale + shift
    }

    /// World bounding box of the anatomy box [lower, upper].
    func worldBounds(lower: PhantomPoint, upper: PhantomPoint) -> (PhantomPoint, PhantomPoint) {
        var lo = PhantomPoint(repeating: .infinity), hi = PhantomPoint(repeating: -.infinity)
        for corner in 0..<8 {
            let a = PhantomPoint(
                corner & 1 == 0 ? lower.x : upper.x, corner & 2 == 0 ? lower.y : upper.y,
                corner & 4 == 0 ? lower.z : upper.z)
            let p = world(a)
            lo = pointwiseMin(lo, p); hi = pointwiseMax(hi, p)
        }
        return (lo, hi)
    }
}

/// A smooth bump of the radius of a `PhantomBlob` around a direction: amplitude * exp(kappa (u.v - 1)).
struct PhantomBump: Sendable {
    var direction: PhantomPoint, kappa: Double, amplitude: Double
}

/// An ellipsoid (or a rounded box with `power4`) in anatomy coordinates whose radius may be
/// modulated by bumps (lobulated or infiltrative margins). `distance` returns the signed
/// distance to the surface (mm, negative inside) along the radial ray, corrected by the angle
/// to the ellipsoid normal, and the width of a voxel across the surface (for partial volume).
struct PhantomBlob: Sendable {
    var center: PhantomPoint
    var radii: PhantomPoint
    var power4 = false
    var bumps: [PhantomBump] = []

    /// Anatomy box that holds the blob with its bumps.
    var bounds: (PhantomPoint, PhantomPoint) {
        let grow = 1 + bumps.reduce(0) { $0 + max(0, $1.amplitude) }
        return (center - radii * grow - 1, center + radii * grow + 1)
    }

    /// Partial-volume fraction of the voxel at anatomy point `a` (voxel size `spacing` in
    /// anatomy mm): the share of a box of that size on the inner side of a plane at the
    /// surface, 1/2 - d / w clamped to [0, 1].
    func fraction(_ a: PhantomPoint, spacing: PhantomPoint, offset: Double = 0) -> Double {
        let (d, w) = distance(a.x, a.y, a.z, spacing: spacing)
        return min(1, max(0, 0.5 - (d - offset) / w))
    }

    func distance(_ a: PhantomPoint, spacing: PhantomPoint) -> (Double, Double) {
        distance(a.x, a.y, a.z, spacing: spacing)
    }

    /// `distance(_:spacing:)` in scalar arithmetic (the hot path of the phantom: it runs for
    /// every voxel a structure may cover, so it avoids generic SIMD code, slow in debug builds).
    func distance(_ ax: Double, _ ay: Double, _ az: Double, spacing: PhantomPoint) -> (Double, Double) {
        let vx = ax - center.x, vy = ay - center.y, vz = az - center.z
        let qx = vx / radii.x, qy = vy / radii.y, qz = vz / radii.z
        let qq = qx * qx + qy * qy + qz * qz
        let rho = power4 ? (qx * qx * qx * qx + qy * qy * qy * qy + qz * qz * qz * qz).squareRoot().squareRoot() : qq.squareRoot()
        let length = (vx * vx + vy * vy + vz * vz).squareRoot()
        let wMin = Swift.min(spacing.x, Swift.min(spacing.y, spacing.z))
        guard rho > 1e-9, length > 1e-9 else { return (-Swift.min(radii.x, Swift.min(radii.y, radii.z)), wMin) }
        var rhoBumped = rho
        if !bumps.isEmpty {
            let norm = 1 / qq.squareRoot()
            let ux = qx * norm, uy = qy * norm, uz = qz * norm
            var g = 0.0
            for bump in bumps {
                let c = ux * bump.direction.x + uy * bump.direction.y + uz * bump.direction.z
                g += bump.amplitude * exp(bump.kappa * (c - 1))
            }
            rhoBumped = rho / Swift.max(0.2, 1 + g)
        }
        var nx = qx / radii.x, ny = qy / radii.y, nz = qz / radii.z
        if power4 { nx *= qx * qx; ny *= qy * qy; nz *= qz * qz }
        let nNorm = (nx * nx + ny * ny + nz * nz).squareRoot()
        nx /= nNorm; ny /= nNorm; nz /= nNorm
        let cosine = Swift.max(0.25, abs(vx * nx + vy * ny + vz * nz) / length)
        let d = length * (1 - 1 / rhoBumped) * cosine
        let w = abs(nx) * spacing.x + abs(ny) * spacing.y + abs(nz) * spacing.z
        return (d, Swift.max(w, wMin))
    }

    /// The same blob with its radii scaled so that the bumps leave the mean radius (over 200
    /// directions spread evenly on the sphere) unchanged: bumps reshape, they do not grow.
    func keepingMeanRadius() -> PhantomBlob {
        guard !bumps.isEmpty else { return self }
        let count = 200
        var total = 0.0
        for n in 0..<count {
            // Fibonacci sphere.
            let z = 1 - (2 * Double(n) + 1) / Double(count)
            let r = (1 - z * z).squareRoot(), phi = Double(n) * Double.pi * (3 - 5.0.squareRoot())
            let u = PhantomPoint(r * cos(phi), r * sin(phi), z)
            for bump in bumps { total += bump.amplitude * exp(bump.kappa * ((u * bump.direction).sum() - 1)) }
        }
        var blob = self
        blob.radii /= 1 + total / Double(count)
        return blob
    }

    /// Radius factors the bumps can reach: 1 + (sum of negative amplitudes) and 1 + (sum of
    /// positive amplitudes).
    var bumpRange: (Double, Double) {
        bumps.reduce((1.0, 1.0)) { ($0.0 + Swift.min(0, $1.amplitude), $0.1 + Swift.max(0, $1.amplitude)) }
    }

    /// Squared ellipsoidal radius of an anatomy point (the power-2 norm, also for `power4`).
    @inline(__always) func rho2(_ ax: Double, _ ay: Double, _ az: Double) -> Double {
        let qx = (ax - center.x) / radii.x, qy = (ay - center.y) / radii.y, qz = (az - center.z) / radii.z
        return qx * qx + qy * qy + qz * qz
    }

    /// Limits on the squared power-2 radius inside which every voxel is fully covered and
    /// outside which none is touched (a fast path for large structures). The ellipsoidal
    /// radius is a norm of (p - c) / radii, so across a voxel (half-widths spacing / 2) it changes
    /// by at most m = |spacing / (2 radii)|; the bumps put the surface between the radii `low`
    /// and `high`. The power-4 norm lies between rho2 / 3^(1/4) and rho2.
    func fastPathLimits(spacing: PhantomPoint) -> (inner: Double, outer: Double) {
        let (low, high) = bumpRange
        let half = spacing / (2 * radii)
        let m = (half * half).sum().squareRoot()
        let inner = Swift.max(0, Swift.max(0.2, low) - m)
        let outer = (high + m) * (power4 ? pow(3, 0.25) : 1)
        return (inner * inner, outer * outer)
    }
}
