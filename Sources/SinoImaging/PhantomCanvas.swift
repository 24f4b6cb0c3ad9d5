import Foundation

/// Noise-free signal of one tissue in each simulated acquisition: T2WI, fat-suppressed
/// CE-T1WI, the b = 0 image of the DWI (T2-weighted EPI) and the ADC in 10^-6 mm^2/s (which
/// sets the b-image: S_b = S_0 exp(-b ADC)). Signal units are arbitrary, grey matter on T2WI = 500.
struct PhantomTissue: Sendable {
    var t2: Double, ce: Double, b0: Double, adc: Double

    static let air = PhantomTissue(t2: 0, ce: 0, b0: 0, adc: 0)
    static let bone = PhantomTissue(t2: 30, ce: 30, b0: 20, adc: 500)
    static let fat = PhantomTissue(t2: 650, ce: 110, b0: 40, adc: 200)
    static let muscle = PhantomTissue(t2: 260, ce: 330, b0: 220, adc: 1400)
    static let softTissue = PhantomTissue(t2: 380, ce: 380, b0: 300, adc: 1300)
    static let mucosa = PhantomTissue(t2: 850, ce: 880, b0: 750, adc: 1700)
    static let secretions = PhantomTissue(t2: 1000, ce: 80, b0: 950, adc: 2200)
    static let greyMatter = PhantomTissue(t2: 500, ce: 420, b0: 480, adc: 820)
    static let whiteMatter = PhantomTissue(t2: 400, ce: 470, b0: 380, adc: 720)
    static let csf = PhantomTissue(t2: 1000, ce: 60, b0: 950, adc: 3000)
    static let vitreous = PhantomTissue(t2: 1050, ce: 50, b0: 1000, adc: 2900)
    static let necrosis = PhantomTissue(t2: 950, ce: 110, b0: 900, adc: 2400)
    static let cyst = PhantomTissue(t2: 1050, ce: 70, b0: 1000, adc: 2800)

    /// The four channel values (T2WI, CE-T1WI, b = 0, b) at diffusion weighting `bValue`.
    func signal(bValue: Double) -> SIMD4<Float> {
        SIMD4(Float(t2), Float(ce), Float(b0), Float(b0 * exp(-bValue * adc * 1e-6)))
    }
}

/// The noise-free images being painted: four channels (T2WI, CE-T1WI, DWI b = 0, DWI b)
/// interleaved per voxel on the scanner grid. Shapes are painted in order; each voxel becomes
/// (1 - f) * old + f * tissue, f the shape's partial-volume fraction.
struct PhantomCanvas {
    let grid: PhantomGrid
    let pose: PhantomPose
    let bValue: Double
    /// Voxel size in anatomy mm.
    let anatomySpacing: PhantomPoint
    /// T2WI, CE-T1WI, b = 0, b for voxel n at 4n ..< 4n + 4.
    var values: [Float]

    init(grid: PhantomGrid, pose: PhantomPose, bValue: Double) {
        self.grid = grid; self.pose = pose; self.bValue = bValue
        anatomySpacing = grid.spacing / pose.scale
        values = [Float](repeating: 0, count: 4 * grid.count)
    }

    /// One channel (0 T2WI, 1 CE-T1WI, 2 b = 0, 3 b) as its own image.
    func channel(_ c: Int) -> [Float] {
        var image = [Float](repeating: 0, count: grid.count)
        values.withUnsafeBufferPointer { v in
            image.withUnsafeMutableBufferPointer { out in
                for n in 0..<out.count { out[n] = v[4 * n + c] }
            }
        }
        return image
    }

    /// Voxel index ranges that may meet the anatomy box [lower, upper].
    func ranges(_ bounds: (PhantomPoint, PhantomPoint)) -> (Range<Int>, Range<Int>, Range<Int>) {
        let (lo, hi) = pose.worldBounds(lower: bounds.0, upper: bounds.1)
        return grid.indexRanges(lower: lo, upper: hi)
    }

    func anatomy(_ i: Int, _ j: Int, _ k: Int) -> PhantomPoint {
        pose.anatomy(grid.world(i, j, k))
    }

    /// Anatomy coordinates of voxel (i, j, k) and their change per step of i (scalar, for
    /// the loops over voxels).
    func rowStart(_ i: Int, _ j: Int, _ k: Int) -> (x: Double, y: Double, z: Double, dx: Double, dy: Double) {
        Self.rowStart(grid, pose, i, j, k)
    }

    static func rowStart(_ grid: PhantomGrid, _ pose: PhantomPose, _ i: Int, _ j: Int, _ k: Int)
        -> (x: Double, y: Double, z: Double, dx: Double, dy: Double)
    {
        let a = pose.anatomy(grid.world(i, j, k))
        let step = grid.spacing.x / pose.scale
        return (a.x, a.y, a.z, cos(pose.yaw) * step, -sin(pose.yaw) * step)
    }

    /// Blends `signal` with weight f into voxel `index`.
    mutating func blend(_ index: Int, _ f: Double, _ signal: SIMD4<Float>) {
        let g = Float(f), h = 1 - Float(f)
        values.withUnsafeMutableBufferPointer { v in
            for c in 0..<4 { v[4 * index + c] = h * v[4 * index + c] + g * signal[c] }
        }
    }

    /// Paints `tissue` inside `blob` (grown by `offset` mm) with partial volume at the edge.
    mutating func paint(_ blob: PhantomBlob, _ tissue: PhantomTissue, offset: Double = 0) {
        var grown = blob
        if offset != 0 { grown.radii += offset }
        let (ri, rj, rk) = ranges(grown.bounds)
        guard !ri.isEmpty, !rj.isEmpty, !rk.isEmpty else { return }
        let limits = grown.fastPathLimits(spacing: anatomySpacing)
        let signal = tissue.signal(bValue: bValue)
        let s0 = signal[0], s1 = signal[1], s2 = signal[2], s3 = signal[3]
        let spacing = anatomySpacing
        let grid = self.grid, pose = self.pose, nx = grid.nx, ny = grid.ny
        values.withUnsafeMutableBufferPointer { v in
            for k in rk {
                for j in rj {
                    let (x0, y0, z, dx, dy) = Self.rowStart(grid, pose, ri.lowerBound, j, k)
                    // Along the row, rho2(t) = A t^2 + B t + C: voxels between the roots for the
                    // outer limit may be touched, those between the roots for the inner limit
                    // are fully covered.
                    let ux = dx / grown.radii.x, uy = dy / grown.radii.y
                    let px = (x0 - grown.center.x) / grown.radii.x, py = (y0 - grown.center.y) / grown.radii.y
                    let pz = (z - grown.center.z) / grown.radii.z
                    let a = ux * ux + uy * uy, b = 2 * (px * ux + py * uy), c = px * px + py * py + pz * pz
                    guard let outer = Self.roots(a, b, c - limits.outer) else { continue }
                    let inner = Self.roots(a, b, c - limits.inner)
                    let span = Double(ri.count)
                    let first = Int(Swift.max(0, Swift.min(span, outer.0)).rounded(.down))
                    let last = Int(Swift.max(-1, Swift.min(span - 1, outer.1)).rounded(.up))
                    guard first <= last else { continue }
                    let rowBase = 4 * (ri.lowerBound + nx * (j + ny * k))
                    for t in first...last {
                        var f = 1.0
                        if inner == nil || Double(t) <= inner!.0 || Double(t) >= inner!.1 {
                            let (d, w) = grown.distance(x0 + Double(t) * dx, y0 + Double(t) * dy, z, spacing: spacing)
                            f = Swift.min(1, Swift.max(0, 0.5 - d / w))
                            if f <= 0 { continue }
                        }
                        let base = rowBase + 4 * t
                        let g = Float(f), h = 1 - g
                        v[base] = h * v[base] + g * s0
                        v[base + 1] = h * v[base + 1] + g * s1
                        v[base + 2] = h * v[base + 2] + g * s2
                        v[base + 3] = h * v[base + 3] + g * s3
                    }
                }
            }
        }
    }

    /// The real roots (t1 <= t2) of a t^2 + b t + c, a >= 0; nil when there is none (or a = 0
    /// and the line never crosses).
    static func roots(_ a: Double, _ b: Double, _ c: Double) -> (Double, Double)? {
        guard a > 1e-15 else { return c <= 0 ? (-.infinity, .infinity) : nil }
        let discriminant = b * b - 4 * a * c
        guard discriminant >= 0 else { return nil }
        let root = discriminant.squareRoot()
        return ((-b - root) / (2 * a), (-b + root) / (2 * a))
    }
}
