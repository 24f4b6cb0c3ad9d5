import Foundation

/// Geometry shared by `ShapeFeatures` and `Shape2DFeatures`: exact maximum diameters over mesh
/// vertices without PyRadiomics' all-pairs loop, and the principal-component eigenvalues.
enum ShapeGeometry {
    // MARK: Diameters

    /// PyRadiomics' four diameters (`cshape.c:calculate_meshDiameter`) from mesh vertices given
    /// as doubled indices (2 × padded-array index, so an edge midpoint is odd on its axis):
    /// squared distances between the physical points `(k/2)·s`, maxima over all pairs and over
    /// pairs with equal z, equal y and equal x, one square root each; order (slice = equal z,
    /// column = equal y, row = equal x, 3-D), as `diameters[0...3]` in cshape.c.
    ///
    /// Exact without comparing all pairs. The farthest pair of a point set is a pair of extreme
    /// points (vertices of its convex hull), and a pair with a non-extreme point p is shorter
    /// by at least (½·min spacing)², since |p − x|² = Σλᵢ|vᵢ − x|² − Σλᵢ|vᵢ − p|² for p = Σλᵢvᵢ
    /// and distinct vertices lie half a voxel apart; that margin is far beyond rounding (relative
    /// 1e-15), so the largest computed squared distance over pairs of extreme points is the
    /// all-pairs maximum bit for bit. Extreme points are found plane by plane: in a plane of
    /// constant z (y, x), only the two ends of each row can be extreme, and the plane's hull
    /// vertices come from Andrew's monotone chain over those ends with exact integer cross
    /// products. Each planar maximum is taken over its plane's hull vertices; an extreme point
    /// of the whole set is a hull vertex of its z-, y- and x-plane alike, so the 3-D maximum is
    /// taken over the points that are hull vertices in all three.
    static func diameters3D(kz: [Int32], ky: [Int32], kx: [Int32], spacing: [Double]) -> [Double] {
        let n = kz.count
        guard n > 0 else { return [0, 0, 0, 0] }
        let k = [kz, ky, kx]
        let extent = k.map { Int($0.max()!) + 1 }
        let c = (0..<3).map { axis in k[axis].map { Double($0) * 0.5 * spacing[axis] } }
        var mark = [UInt8](repeating: 0, count: n)
        var best = [0.0, 0.0, 0.0, 0.0]
        var chain = [Int32]()
        var stack = [Int32]()
        var hull = [Int32]()
        for axis in 0..<3 {
            let (ua, va) = axis == 0 ? (1, 2) : axis == 1 ? (0, 2) : (0, 1)
            let rows = rowEnds(key: k[axis], u: k[ua], v: k[va], rowsPerPlane: extent[ua], planes: extent[axis])
            let bit = UInt8(1) << UInt8(axis)
            for plane in 0..<extent[axis] {
                chain.removeAll(keepingCapacity: true)
                for r in (plane * extent[ua])..<((plane + 1) * extent[ua]) where rows.low[r] >= 0 {
                    chain.append(rows.low[r])
                    if rows.high[r] != rows.low[r] { chain.append(rows.high[r]) }
                }
                if chain.isEmpty { continue }
                hullVertices(chain, u: k[ua], v: k[va], stack: &stack, into: &hull)
                for p in hull { mark[Int(p)] |= bit }
                let d = maxSquaredDistance(hull, c[0], c[1], c[2])
                if d > best[axis] { best[axis] = d }
            }
        }
        hull.removeAll(keepingCapacity: true)
        for i in 0..<n where mark[i] == 7 { hull.append(Int32(i)) }
        best[3] = maxSquaredDistanceFromCentre(hull, c[0], c[1], c[2], atLeast: best[0...2].max()!)
        return best.map { $0.squareRoot() }
    }

    /// `maxSquaredDistance` with the classic radius cut: points taken by decreasing distance r
    /// from their centroid, each paired with those before it, stopping once r + r_max is below
    /// the best distance so far (no later pair can reach it: |p − q| ≤ r_p + r_q). The cut is
    /// taken with a relative margin of 1e-9, so rounding never drops the maximal pair. `atLeast`
    /// is a known lower bound (the planar maxima).
    static func maxSquaredDistanceFromCentre(
        _ points: [Int32], _ cz: [Double], _ cy: [Double], _ cx: [Double], atLeast: Double
    ) -> Double {
        let m = points.count
        guard m > 1 else { return 0 }
        var centre = SIMD3<Double>(0, 0, 0)
        for p in points { centre += SIMD3(cz[Int(p)], cy[Int(p)], cx[Int(p)]) }
        centre /= Double(m)
        var byRadius = points.map { p -> (Double, Int32) in
            let d = SIMD3(cz[Int(p)], cy[Int(p)], cx[Int(p)]) - centre
            return ((d * d).sum().squareRoot(), p)
        }
        byRadius.sort { $0.0 > $1.0 }
        let pz = byRadius.map { cz[Int($0.1)] }
        let py = byRadius.map { cy[Int($0.1)] }
        let px = byRadius.map { cx[Int($0.1)] }
        let rMax = byRadius[0].0
        var best = 0.0
        var bound = atLeast.squareRoot()
        pz.withUnsafeBufferPointer { z in
            py.withUnsafeBufferPointer { y in
                px.withUnsafeBufferPointer { x in
                    for i in 1..<m {
                        if (byRadius[i].0 + rMax) * (1 + 1e-9) < bound { break }
                        let az = z[i]
                        let ay = y[i]
                        let ax = x[i]
                        for j in 0..<i {
                            let ez = az - z[j]
                            let ey = ay - y[j]
                            let ex = ax - x[j]
                            let d = (ez * ez + ey * ey) + ex * ex
                            if d > best { best = d }
                        }
                        bound = max(bound, best.squareRoot())
                    }
                }
            }
        }
        return best
    }

    /// PyRadiomics' 2-D maximum diameter (`cshape.c:calculate_meshDiameter2D`) from vertices as
    /// doubled (y, x) indices: the largest (Δy² + Δx²) over pairs of hull vertices (exact, as
    /// in `diameters3D`), square-rooted.
    static func diameter2D(ky: [Int32], kx: [Int32], spacing: [Double]) -> Double {
        let n = ky.count
        guard n > 1 else { return 0 }
        let planeKey = [Int32](repeating: 0, count: n)
        let rows = rowEnds(key: planeKey, u: ky, v: kx, rowsPerPlane: Int(ky.max()!) + 1, planes: 1)
        var chain = [Int32]()
        for r in 0..<rows.low.count where rows.low[r] >= 0 {
            chain.append(rows.low[r])
            if rows.high[r] != rows.low[r] { chain.append(rows.high[r]) }
        }
        var stack = [Int32]()
        var hull = [Int32]()
        hullVertices(chain, u: ky, v: kx, stack: &stack, into: &hull)
        let zero = [Double](repeating: 0, count: n)
        let cy = ky.map { Double($0) * 0.5 * spacing[0] }
        let cx = kx.map { Double($0) * 0.5 * spacing[1] }
        // (0 + Δy²) + Δx² is Δy² + Δx² exactly.
        return maxSquaredDistance(hull, zero, cy, cx).squareRoot()
    }

    /// For each row (plane, u) of points, the points with the smallest and largest v (-1 where
    /// the row is empty), rows numbered plane × rowsPerPlane + u.
    static func rowEnds(key: [Int32], u: [Int32], v: [Int32], rowsPerPlane: Int, planes: Int) -> (low: [Int32], high: [Int32]) {
        var low = [Int32](repeating: -1, count: rowsPerPlane * planes)
        var high = low
        for i in 0..<key.count {
            let r = Int(key[i]) * rowsPerPlane + Int(u[i])
            let vi = v[i]
            if low[r] < 0 || vi < v[Int(low[r])] { low[r] = Int32(i) }
            if high[r] < 0 || vi > v[Int(high[r])] { high[r] = Int32(i) }
        }
        return (low, high)
    }

    /// The strict convex-hull vertices (no points inside a hull edge) of the 2-D integer points
    /// `chain`, given sorted by (u, v) without duplicates: Andrew's monotone chain with exact
    /// integer cross products. One or two points are their own hull.
    static func hullVertices(_ chain: [Int32], u: [Int32], v: [Int32], stack: inout [Int32], into hull: inout [Int32]) {
        hull.removeAll(keepingCapacity: true)
        if chain.count <= 2 {
            hull.append(contentsOf: chain)
            return
        }
        @inline(__always) func cross(_ o: Int32, _ a: Int32, _ b: Int32) -> Int {
            let ou = Int(u[Int(o)])
            let ov = Int(v[Int(o)])
            return (Int(u[Int(a)]) - ou) * (Int(v[Int(b)]) - ov) - (Int(v[Int(a)]) - ov) * (Int(u[Int(b)]) - ou)
        }
        for pass in 0..<2 {
            // Lower chain left to right, then upper chain right to left; each ends where the
            // other starts, so drop its last point.
            stack.removeAll(keepingCapacity: true)
            for j in 0..<chain.count {
                let p = chain[pass == 0 ? j : chain.count - 1 - j]
                while stack.count >= 2 && cross(stack[stack.count - 2], stack[stack.count - 1], p) <= 0 { stack.removeLast() }
                stack.append(p)
            }
            hull.append(contentsOf: stack.dropLast())
        }
        if hull.isEmpty { hull.append(chain[0]) }
    }

    /// The largest squared distance over pairs of `points`, computed as cshape.c does:
    /// ((Δz² + Δy²) + Δx²).
    static func maxSquaredDistance(_ points: [Int32], _ cz: [Double], _ cy: [Double], _ cx: [Double]) -> Double {
        let m = points.count
        guard m > 1 else { return 0 }
        var best = 0.0
        var pz = [Double](repeating: 0, count: m)
        var py = [Double](repeating: 0, count: m)
        var px = [Double](repeating: 0, count: m)
        for (j, p) in points.enumerated() {
            pz[j] = cz[Int(p)]
            py[j] = cy[Int(p)]
            px[j] = cx[Int(p)]
        }
        pz.withUnsafeBufferPointer { z in
            py.withUnsafeBufferPointer { y in
                px.withUnsafeBufferPointer { x in
                    for i in 1..<m {
                        let az = z[i]
                        let ay = y[i]
                        let ax = x[i]
                        for j in 0..<i {
                            let ez = az - z[j]
                            let ey = ay - y[j]
                            let ex = ax - x[j]
                            let d = (ez * ez + ey * ey) + ex * ex
                            if d > best { best = d }
                        }
                    }
                }
            }
        }
        return best
    }

    // MARK: Principal components

    /// Eigenvalues (ascending) of the covariance of the ROI's voxel centres, as PyRadiomics
    /// computes them: physical coordinates of the padded array's ROI indices ((index + 1) ⊙
    /// spacing), centred on their mean (summed in order, as numpy's `mean(axis=0)`), divided by √N, `XᵀX`, `numpy.linalg.eigvals`, values in
    /// (−1e-10, 0) set to 0, sorted. `mask` is in array order over `shape` (nz, ny, nx); `axes`
    /// picks the coordinates ([0, 1, 2] in 3-D, [1, 2] for a plane held as one z-slice).
    /// Eigenvalues by cyclic Jacobi rotations.
    static func eigenvalues(mask: [Bool], shape: [Int], spacing: [Double], axes: [Int]) -> [Double] {
        let (nz, ny, nx) = (shape[0], shape[1], shape[2])
        let (sz, sy, sx) = (spacing[0], spacing[1], spacing[2])
        var n = 0
        var s = SIMD3<Double>(0, 0, 0)
        mask.withUnsafeBufferPointer { m in
            var i = 0
            for z in 0..<nz {
                let cz = Double(z + 1) * sz
                for y in 0..<ny {
                    let cy = Double(y + 1) * sy
                    for x in 0..<nx {
                        if m[i] {
                            s += SIMD3(cz, cy, Double(x + 1) * sx)
                            n += 1
                        }
                        i += 1
                    }
                }
            }
        }
        let mean = s / Double(n)
        let root = Double(n).squareRoot()
        // XᵀX with compensated sums: numpy's `dot` (BLAS) sums more accurately than a plain loop
        // (a plain loop is 1e-13 off on 77,000 voxels), the compensated sum is near exact.
        var xx = CompensatedSum()
        var xy = CompensatedSum()
        var xz = CompensatedSum()
        var yy = CompensatedSum()
        var yz = CompensatedSum()
        var zz = CompensatedSum()
        mask.withUnsafeBufferPointer { m in
            var i = 0
            for z in 0..<nz {
                let cz = Double(z + 1) * sz
                for y in 0..<ny {
                    let cy = Double(y + 1) * sy
                    for x in 0..<nx {
                        if m[i] {
                            let c = (SIMD3(cz, cy, Double(x + 1) * sx) - mean) / root
                            xx.add(c.x * c.x)
                            xy.add(c.x * c.y)
                            xz.add(c.x * c.z)
                            yy.add(c.y * c.y)
                            yz.add(c.y * c.z)
                            zz.add(c.z * c.z)
                        }
                        i += 1
                    }
                }
            }
        }
        let full = [
            xx.value, xy.value, xz.value,
            xy.value, yy.value, yz.value,
            xz.value, yz.value, zz.value
        ]
        let d = axes.count
        var a = [Double](repeating: 0, count: d * d)
        for (r, ar) in axes.enumerated() { for (c, ac) in axes.enumerated() { a[r * d + c] = full[ar * 3 + ac] } }
        var values = jacobiEigenvalues(a, d)
        for i in 0..<d where values[i] < 0 && values[i] > -1e-10 { values[i] = 0 }
        values.sort()
        return values
    }

    /// Neumaier's compensated sum.
    struct CompensatedSum {
        var sum = 0.0
        var compensation = 0.0
        @inline(__always) mutating func add(_ x: Double) {
            let t = sum + x
            compensation += abs(sum) >= abs(x) ? (sum - t) + x : (x - t) + sum
            sum = t
        }
        var value: Double { sum + compensation }
    }

    /// Eigenvalues of a symmetric `n`×`n` matrix (row-major) by cyclic Jacobi rotations, run
    /// until every off-diagonal element is zero or too small to change its diagonal neighbours.
    static func jacobiEigenvalues(_ matrix: [Double], _ n: Int) -> [Double] {
        var a = matrix
        for sweep in 0..<64 {
            var off = 0.0
            for p in 0..<n { for q in (p + 1)..<n { off += abs(a[p * n + q]) } }
            if off == 0 { break }
            for p in 0..<n {
                for q in (p + 1)..<n {
                    let apq = a[p * n + q]
                    if apq == 0 { continue }
                    let app = a[p * n + p]
                    let aqq = a[q * n + q]
                    // After a few sweeps, drop an element too small to change either diagonal entry
                    // (Numerical Recipes' `jacobi`).
                    let g = 100 * abs(apq)
                    if sweep > 3 && abs(app) + g == abs(app) && abs(aqq) + g == abs(aqq) {
                        a[p * n + q] = 0
                        a[q * n + p] = 0
                        continue
                    }
                    let theta = (aqq - app) / (2 * apq)
                    let t =
                        abs(theta) > 1e150
                        ? 1 / (2 * theta) : (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot()
                    let s = t * c
                    for k in 0..<n {
                        let akp = a[k * n + p]
                        let akq = a[k * n + q]
                        a[k * n + p] = c * akp - s * akq
                        a[k * n + q] = s * akp + c * akq
                    }
                    for k in 0..<n {
                        let apk = a[p * n + k]
                        let aqk = a[q * n + k]
                        a[p * n + k] = c * apk - s * aqk
                        a[q * n + k] = s * apk + c * aqk
                    }
                    a[p * n + q] = 0
                    a[q * n + p] = 0
                }
            }
        }
        return (0..<n).map { a[$0 * n + $0] }
    }
}
