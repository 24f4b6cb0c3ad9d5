import Foundation

/// A box of scanner voxels (the tumour's neighbourhood) and Float fields on it, x fastest.
struct PhantomBox {
    let ri: Range<Int>, rj: Range<Int>, rk: Range<Int>
    var nx: Int { ri.count }
    var ny: Int { rj.count }
    var nz: Int { rk.count }
    var count: Int { nx * ny * nz }

    /// The local index of scanner voxel (i, j, k).
    @inline(__always) func local(_ i: Int, _ j: Int, _ k: Int) -> Int {
        (i - ri.lowerBound) + nx * ((j - rj.lowerBound) + ny * (k - rk.lowerBound))
    }

    /// Gaussian-smoothed white noise: correlation length `sigma` mm on a grid of `spacing` mm.
    func smoothNoise(sigma: Double, spacing: PhantomPoint, _ random: inout PhantomRandom) -> [Float] {
        var noise = PhantomNoiseStream(seed: random.generator.next())
        var field = [Float](repeating: 0, count: count)
        var n = 0
        while n < count {
            let (a, b) = noise.normalPair()
            field[n] = a
            if n + 1 < count { field[n + 1] = b }
            n += 2
        }
        let sigmas = sigma / spacing
        blur(&field, axis: 0, sigma: sigmas.x)
        blur(&field, axis: 1, sigma: sigmas.y)
        blur(&field, axis: 2, sigma: sigmas.z)
        return field
    }

    /// Separable Gaussian convolution along one axis (edges clamped); none below 0.3 voxel.
    func blur(_ field: inout [Float], axis: Int, sigma: Double) {
        guard sigma >= 0.3 else { return }
        let radius = Int((3 * sigma).rounded(.up))
        var kernel = (-radius...radius).map { Float(exp(-Double($0 * $0) / (2 * sigma * sigma))) }
        let total = kernel.reduce(0, +)
        kernel = kernel.map { $0 / total }
        let dims = [nx, ny, nz], strides = [1, nx, nx * ny]
        let length = dims[axis], stride = strides[axis]
        // The two other axes, as (count, stride).
        let others = (0..<3).filter { $0 != axis }.map { (dims[$0], strides[$0]) }
        var line = [Float](repeating: 0, count: length)
        field.withUnsafeMutableBufferPointer { f in
            kernel.withUnsafeBufferPointer { w in
                line.withUnsafeMutableBufferPointer { line in
                    for b in 0..<others[1].0 {
                        for a in 0..<others[0].0 {
                            let start = a * others[0].1 + b * others[1].1
                            for t in 0..<length { line[t] = f[start + t * stride] }
                            for t in 0..<length {
                                var sum: Float = 0
                                for o in 0..<w.count {
                                    let s = Swift.min(Swift.max(t + o - radius, 0), length - 1)
                                    sum += w[o] * line[s]
                                }
                                f[start + t * stride] = sum
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Paints a `PhantomTumourPlan` into the canvas: partial-volume fractions of the tumour,
/// its necrotic core and marginal cysts, texture fields standardised over the solid tumour,
/// then the signal of each voxel. Returns the tumour mask (fraction >= 1/2) and the
/// component labels (0 outside, 1 solid, 2 necrosis, 3 cyst) on the full grid.
struct PhantomTumourPainter {
    let plan: PhantomTumourPlan
    let box: PhantomBox
    /// Per box voxel: tumour, necrosis, marginal-cyst and remodeled-bone-rim fractions.
    var tumour: [Float], necrosis: [Float], cyst: [Float], rim: [Float]
    var solid: [Bool]

    init(plan: PhantomTumourPlan, canvas: PhantomCanvas) {
        self.plan = plan
        var lo = PhantomPoint(repeating: .infinity), hi = PhantomPoint(repeating: -.infinity)
        for blob in plan.components + plan.marginalCysts {
            lo = pointwiseMin(lo, blob.bounds.0); hi = pointwiseMax(hi, blob.bounds.1)
        }
        let (ri, rj, rk) = canvas.ranges((lo - 3, hi + 3))
        box = PhantomBox(ri: ri, rj: rj, rk: rk)
        let zeros = [Float](repeating: 0, count: box.count)
        tumour = zeros; necrosis = zeros; cyst = zeros; rim = zeros
        solid = [Bool](repeating: false, count: box.count)
        let spacing = canvas.anatomySpacing
        let bounds = plan.components.map { ($0.bounds.0 - 2, $0.bounds.1 + 2) }
        // Fast path: a voxel beyond a component's outer limit (grown for the bone rim) is
        // untouched by it, one within the inner limit fully inside.
        let limits = plan.components.map {
            var grown = $0
            grown.radii += 2
            return (
                grown.fastPathLimits(spacing: spacing).outer * pow(1 + 2 / grown.radii.min(), 2),
                $0.fastPathLimits(spacing: spacing).inner
            )
        }
        func fractionOf(_ d: Double, _ w: Double, offset: Double = 0) -> Double { min(1, max(0, 0.5 - (d - offset) / w)) }
        for k in rk {
            for j in rj {
                var (x, y, z, dx, dy) = canvas.rowStart(ri.lowerBound, j, k)
                var n = box.local(ri.lowerBound, j, k)
                for _ in ri {
                    defer { x += dx; y += dy; n += 1 }
                    var fT = 0.0, fRim = 0.0
                    for (c, blob) in plan.components.enumerated() {
                        let (l, h) = bounds[c]
                        guard x >= l.x, y >= l.y, z >= l.z, x <= h.x, y <= h.y, z <= h.z else { continue }
                        let r2 = blob.rho2(x, y, z)
                        if r2 > limits[c].0 { continue }
                        if r2 < limits[c].1 && !plan.remodeledBone { fT = 1; continue }
                        let (d, w) = blob.distance(x, y, z, spacing: spacing)
                        fT = max(fT, fractionOf(d, w))
                        if plan.remodeledBone { fRim = max(fRim, fractionOf(d, w, offset: 1.8)) }
                    }
                    var fC = 0.0
                    for blob in plan.marginalCysts {
                        let (d, w) = blob.distance(x, y, z, spacing: spacing)
                        fC = max(fC, fractionOf(d, w))
                    }
                    fT = max(fT, fC)
                    var fN = 0.0
                    if let core = plan.necrosis, fT > 0 {
                        let (d, w) = core.distance(x, y, z, spacing: spacing)
                        fN = max(0, min(fractionOf(d, w), fT - fC))
                    }
                    tumour[n] = Float(fT); necrosis[n] = Float(fN); cyst[n] = Float(fC); rim[n] = Float(fRim)
                    solid[n] = fT >= 0.5 && fN < 0.5 * fT && fC < 0.5 * fT
                }
            }
        }
    }

    /// Tumour fraction at an anatomy point (for placing texture foci).
    func fraction(at a: PhantomPoint, spacing: PhantomPoint) -> Double {
        plan.components.reduce(0) { max($0, $1.fraction(a, spacing: spacing)) }
    }

    /// Sum of the partial-volume fractions of small spheres, clamped to 1.
    func spheres(_ blobs: [PhantomBlob], canvas: PhantomCanvas) -> [Float] {
        var field = [Float](repeating: 0, count: box.count)
        for blob in blobs {
            let (ri, rj, rk) = canvas.ranges(blob.bounds)
            for k in rk.clamped(to: box.rk) {
                for j in rj.clamped(to: box.rj) {
                    for i in ri.clamped(to: box.ri) {
                        let n = box.local(i, j, k)
                        field[n] = min(1, field[n] + Float(blob.fraction(canvas.anatomy(i, j, k), spacing: canvas.anatomySpacing)))
                    }
                }
            }
        }
        return field
    }

    /// Small round foci inside the tumour: `density` of the solid volume covered by spheres
    /// of radius `radius` mm, or, with `peripheral`, 3-7 cysts near the margin of the body.
    func foci(
        canvas: PhantomCanvas, density: Double, radius: ClosedRange<Double>, peripheral: Bool,
        _ random: inout PhantomRandom
    ) -> [Float] {
        let spacing = canvas.anatomySpacing
        let voxelVolume = canvas.grid.spacing.x * canvas.grid.spacing.y * canvas.grid.spacing.z
        let solidVolume = Double(solid.lazy.filter { $0 }.count) * voxelVolume
        let meanRadius = (radius.lowerBound + radius.upperBound) / 2
        let target =
            peripheral
            ? 3 + Int(random.uniform(0, 5))
            : Int((density * solidVolume / (4 / 3 * Double.pi * pow(meanRadius, 3))).rounded())
        let body = plan.components[0]
        var lo = PhantomPoint(repeating: .infinity), hi = PhantomPoint(repeating: -.infinity)
        for blob in plan.components { lo = pointwiseMin(lo, blob.bounds.0); hi = pointwiseMax(hi, blob.bounds.1) }
        var blobs: [PhantomBlob] = []
        var attempts = 0
        while blobs.count < target && attempts < 30 * max(target, 1) {
            attempts += 1
            let a: PhantomPoint
            if peripheral {
                a = body.center + body.radii * random.direction() * random.uniform(0.7, 0.85)
            } else {
                a = PhantomPoint(random.uniform(lo.x, hi.x), random.uniform(lo.y, hi.y), random.uniform(lo.z, hi.z))
            }
            let r = random.uniform(radius.lowerBound, radius.upperBound)
            guard fraction(at: a, spacing: spacing) >= 0.9 else { continue }
            if let core = plan.necrosis, core.fraction(a, spacing: spacing) > 0 { continue }
            blobs.append(PhantomBlob(center: a, radii: PhantomPoint(repeating: r)))
        }
        return spheres(blobs, canvas: canvas)
    }

    /// `field` scaled to mean 0 and SD 1 over the solid tumour (unchanged when it is constant).
    func standardised(_ field: [Float]) -> [Float] {
        var sum = 0.0, squares = 0.0, count = 0.0
        for n in field.indices where solid[n] {
            sum += Double(field[n]); squares += Double(field[n]) * Double(field[n]); count += 1
        }
        guard count >= 2 else { return field }
        let mean = sum / count, sd = max(0, squares / count - mean * mean).squareRoot()
        guard sd > 1e-9 else { return field.map { _ in 0 } }
        return field.map { Float((Double($0) - mean) / sd) }
    }

    /// The texture fields driving T2WI/ADC (the archetype) and CE-T1WI (the enhancement pattern).
    func textures(canvas: PhantomCanvas, _ random: inout PhantomRandom) -> (archetype: [Float], enhancement: [Float]) {
        let spacing = canvas.grid.spacing
        let fine = box.smoothNoise(sigma: 1.0, spacing: spacing, &random)
        func plus(_ a: [Float], _ b: [Float], _ w: Float) -> [Float] { zip(a, b).map { $0 + w * $1 } }
        let archetype: [Float]
        var dots: [Float]?
        switch plan.parameters.texture {
        case .coarse:
            archetype = standardised(box.smoothNoise(sigma: 3.5, spacing: spacing, &random))
        case .cribriform:
            dots = foci(canvas: canvas, density: 0.15, radius: 1.3...2.3, peripheral: false, &random)
            archetype = standardised(plus(dots!, fine, 0.25))
        case .peripheralCysts:
            let cysts = foci(canvas: canvas, density: 0, radius: 1.8...3.2, peripheral: true, &random)
            archetype = standardised(plus(cysts, fine, 0.35))
        }
        let enhancement: [Float]
        switch plan.enhancementPattern {
        case "heterogeneous":
            // Patchy enhancement; cysts and cribriform spaces still do not enhance, so the
            // archetype's foci show through (mirrored; the coarse archetype is no foci).
            let patchy = standardised(box.smoothNoise(sigma: 4.5, spacing: spacing, &random))
            enhancement = plan.parameters.texture == .coarse ? patchy : standardised(plus(patchy, archetype.map { -$0 }, 0.75))
        case "sieve_like":
            let sieve = dots ?? foci(canvas: canvas, density: 0.15, radius: 1.3...2.3, peripheral: false, &random)
            enhancement = standardised(plus(sieve, fine, 0.25)).map { -$0 }
        default:
            // Cysts and cribriform spaces do not enhance: the CE pattern mirrors the T2 foci.
            enhancement = plan.parameters.texture == .coarse ? archetype : archetype.map { -$0 }
        }
        return (archetype, enhancement)
    }

    /// Paints the tumour (and a remodeled bone rim) and returns the mask and labels.
    func paint(_ canvas: inout PhantomCanvas, _ random: inout PhantomRandom) -> (mask: [Float], labels: [UInt8]) {
        let (archetype, enhancement) = textures(canvas: canvas, &random)
        let p = plan.parameters
        let bone = PhantomTissue.bone.signal(bValue: canvas.bValue)
        let dead = PhantomTissue.necrosis.signal(bValue: canvas.bValue)
        let fluid = PhantomTissue.cyst.signal(bValue: canvas.bValue)
        var mask = [Float](repeating: 0, count: canvas.grid.count)
        var labels = [UInt8](repeating: 0, count: canvas.grid.count)
        let bValue = canvas.bValue, nx = canvas.grid.nx, ny = canvas.grid.ny
        canvas.values.withUnsafeMutableBufferPointer { v in
            // Scalar arithmetic (generic SIMD is slow in debug builds): signal c of voxel
            // index becomes (1 - f) old + f new.
            func blend(_ index: Int, _ f: Float, _ a: Float, _ b: Float, _ c: Float, _ d: Float) {
                let g = 1 - f, base = 4 * index
                v[base] = g * v[base] + f * a
                v[base + 1] = g * v[base + 1] + f * b
                v[base + 2] = g * v[base + 2] + f * c
                v[base + 3] = g * v[base + 3] + f * d
            }
            for k in box.rk {
                for j in box.rj {
                    var n = box.local(box.ri.lowerBound, j, k), index = box.ri.lowerBound + nx * (j + ny * k)
                    for _ in box.ri {
                        defer { n += 1; index += 1 }
                        if rim[n] > 0 { blend(index, rim[n], bone[0], bone[1], bone[2], bone[3]) }
                        let fT = tumour[n]
                        guard fT > 0 else { continue }
                        let t2 = p.t2Level * (1 + p.t2Amplitude * Double(archetype[n]))
                        let adc = p.adc * (1 + p.adcAmplitude * Double(archetype[n]))
                        let ce = p.ceLevel * (1 + p.ceAmplitude * Double(enhancement[n]))
                        let b0 = 0.9 * t2, bSignal = b0 * exp(-bValue * adc * 1e-6)
                        // Solid, necrotic and cystic shares of the tumour part of the voxel.
                        let fN = necrosis[n], fC = cyst[n]
                        let ws = (fT - fN - fC) / fT, wn = fN / fT, wc = fC / fT
                        blend(
                            index, fT, ws * Float(t2) + wn * dead[0] + wc * fluid[0],
                            ws * Float(ce) + wn * dead[1] + wc * fluid[1],
                            ws * Float(b0) + wn * dead[2] + wc * fluid[2],
                            ws * Float(bSignal) + wn * dead[3] + wc * fluid[3])
                        if fT >= 0.5 {
                            mask[index] = 1
                            labels[index] = solid[n] ? 1 : (fC >= fN ? 3 : 2)
                        }
                    }
                }
            }
        }
        return (mask, labels)
    }
}
