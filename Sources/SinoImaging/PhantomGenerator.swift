import Foundation
import SinoData
import SinoRandom

/// One SYNTHETIC patient's co-registered MRI: T2WI, CE-T1WI and ADC volumes on one grid,
/// the tumour mask, and what was drawn to make them.
public struct PhantomPatient: Sendable {
    public var patientID: String
    /// Class index in the order SCC, ACC, ONB.
    public var label: Int
    public var findings: PhantomFindings
    public var parameters: PhantomTumourParameters
    /// The seed the phantom was generated from.
    public var seed: UInt64
    /// "T2WI", "CE-T1WI" (signal units, grey matter T2 = 500) and "ADC" (10^-6 mm^2/s).
    public var volumes: [String: Volume]
    /// Binary tumour mask (1 inside: tumour fraction of the voxel >= 1/2), on the same grid.
    public var mask: Volume
    /// Tumour components: 0 outside, 1 solid tumour, 2 necrosis, 3 marginal cyst.
    public var components: Volume
}

/// Generates the SYNTHETIC sinonasal MRI phantom of a patient from its findings (a row of the
/// cohort table) and a seed; see docs/IMAGING-PHANTOM.md for every parameter.
///
///     let generator = PhantomGenerator(settings: .init())
///     let table = try CohortSimulator(settings: .init()).table()
///     let adc = try generator.cohort(table, studySeed: 20250056) { patient in
///         patient.volumes["ADC"]!.statistics(inside: patient.mask).mean
///     }
///
/// The same findings and seed give bit-identical volumes, whatever the thread count.
public struct PhantomGenerator: Sendable {
    /// Sequence names, the keys of `PhantomPatient.volumes`.
    public static let sequences = ["T2WI", "CE-T1WI", "ADC"]

    public var settings: PhantomSettings

    public init(settings: PhantomSettings = PhantomSettings()) {
        self.settings = settings
    }

    /// The phantom of one patient given its cohort-table row (column name -> value).
    public func patient(row: [String: String], seed: UInt64) throws -> PhantomPatient {
        patient(findings: try PhantomFindings(row: row), seed: seed)
    }

    /// The phantom of one patient; `seed` is usually `PhantomSeeds.patient(studySeed:patientID:)`.
    public func patient(findings: PhantomFindings, seed: UInt64) -> PhantomPatient {
        let grid = PhantomGrid(settings: settings)
        var anatomyRandom = PhantomRandom(seed: PhantomSeeds.stream(seed, .anatomy))
        var tumourRandom = PhantomRandom(seed: PhantomSeeds.stream(seed, .tumour))
        var textureRandom = PhantomRandom(seed: PhantomSeeds.stream(seed, .texture))
        let pose = PhantomAnatomy.pose(male: findings.male, &anatomyRandom)
        let plan = PhantomTumourPlan(findings: findings, settings: settings, &tumourRandom)
        var canvas = PhantomCanvas(grid: grid, pose: pose, bValue: settings.bValue)
        PhantomAnatomy.paint(&canvas, secretionsSide: plan.parameters.secretionsSide, &anatomyRandom)
        let painter = PhantomTumourPainter(plan: plan, canvas: canvas)
        let (mask, labels) = painter.paint(&canvas, &textureRandom)
        let images = acquire(canvas, seed: seed)
        func volume(_ voxels: [Float]) -> Volume {
            Volume(
                shape: [grid.nx, grid.ny, grid.nz], spacing: [grid.spacing.x, grid.spacing.y, grid.spacing.z],
                affine: grid.affine, voxels: voxels)
        }
        return PhantomPatient(
            patientID: findings.patientID, label: findings.label, findings: findings, parameters: plan.parameters,
            seed: seed, volumes: ["T2WI": volume(images.t2), "CE-T1WI": volume(images.ce), "ADC": volume(images.adc)],
            mask: volume(mask), components: volume(labels.map(Float.init)))
    }

    /// The scanner's view of the noise-free canvas: per-patient gain, a smooth multiplicative
    /// bias field per acquisition, Rician noise (the magnitude of the signal plus complex
    /// Gaussian noise), and the ADC map from the two noisy DWI magnitudes.
    func acquire(_ canvas: PhantomCanvas, seed: UInt64) -> (t2: [Float], ce: [Float], adc: [Float]) {
        var random = PhantomRandom(seed: PhantomSeeds.stream(seed, .bias))
        let grid = canvas.grid
        let gains = (0..<3).map { _ in Float(random.uniform(0.85, 1.18)) }
        let fields = (0..<3).map { _ in PhantomBiasField(grid: grid, sd: 0.07 * settings.biasScale, &random) }
        let sigma = Float(settings.noiseScale)
        var t2 = canvas.channel(0), ce = canvas.channel(1), b0 = canvas.channel(2), bImage = canvas.channel(3)
        fields[0].apply(&t2, gain: gains[0], grid: grid)
        fields[1].apply(&ce, gain: gains[1], grid: grid)
        fields[2].apply(&b0, gain: gains[2], grid: grid)
        fields[2].apply(&bImage, gain: gains[2], grid: grid)
        Self.addRicianNoise(&t2, sigma: 14 * sigma, seed: PhantomSeeds.stream(seed, .noiseT2))
        Self.addRicianNoise(&ce, sigma: 12 * sigma, seed: PhantomSeeds.stream(seed, .noiseCE))
        Self.addRicianNoise(&b0, sigma: 12 * sigma, seed: PhantomSeeds.stream(seed, .noiseB0))
        Self.addRicianNoise(&bImage, sigma: 12 * sigma, seed: PhantomSeeds.stream(seed, .noiseB))
        // ADC = ln(S0 / Sb) / b in 10^-6 mm^2/s, 0 where S0 is below the background threshold
        // (as scanners mask the air), clamped to [0, 4000].
        let scale = Float(1e6 / settings.bValue)
        var adc = [Float](repeating: 0, count: grid.count)
        adc.withUnsafeMutableBufferPointer { out in
            for n in 0..<out.count where b0[n] >= 60 {
                out[n] = min(4000, max(0, scale * log(b0[n] / max(bImage[n], 1))))
            }
        }
        return (t2, ce, adc)
    }

    /// |S + sigma (n1 + i n2)| with n1, n2 independent standard normals.
    static func addRicianNoise(_ image: inout [Float], sigma: Float, seed: UInt64) {
        guard sigma > 0 else { return }
        var random = PhantomNoiseStream(seed: seed)
        image.withUnsafeMutableBufferPointer { v in
            for n in 0..<v.count {
                let (a, b) = random.normalPair()
                let real = v[n] + sigma * a, imaginary = sigma * b
                v[n] = (real * real + imaginary * imaginary).squareRoot()
            }
        }
    }

    /// Runs `body` on the phantom of every patient of a cohort table (seeds from `studySeed` and
    /// the patient ids), `threads` patients at a time (default: every core), and returns the
    /// results in table order. Only the phantoms in flight are held in memory, so `body` should
    /// reduce or write each one. Results do not depend on the thread count.
    public func cohort<T: Sendable>(
        _ table: CSVTable, studySeed: UInt64, threads: Int? = nil,
        _ body: @Sendable (PhantomPatient) throws -> T
    ) throws -> [T] {
        let rows = try PhantomFindings.rows(of: table)
        return try ParallelLoop.map(count: rows.count, threads: ParallelLoop.threadCount(threads)) { i in
            let seed = PhantomSeeds.patient(studySeed: studySeed, patientID: rows[i].patientID)
            return try body(patient(findings: rows[i], seed: seed))
        }
    }
}

/// A smooth multiplicative field exp(sum of c_i P_i) with P = x, y, z, x^2 - 1/3, y^2 - 1/3,
/// z^2 - 1/3 on coordinates scaled to [-1, 1] over the grid (separable, so it is a product
/// of three 1-D profiles), coefficients ~ Normal(0, sd).
struct PhantomBiasField {
    var profiles: [[Float]]

    init(grid: PhantomGrid, sd: Double, _ random: inout PhantomRandom) {
        let c = (0..<6).map { _ in random.normal(0, 1) * sd }
        profiles = [grid.nx, grid.ny, grid.nz].enumerated().map { axis, n in
            (0..<n).map { i in
                let u = n > 1 ? 2 * Double(i) / Double(n - 1) - 1 : 0
                return Float(exp(c[axis] * u + c[axis + 3] * (u * u - 1.0 / 3)))
            }
        }
    }

    func apply(_ image: inout [Float], gain: Float, grid: PhantomGrid) {
        let px = profiles[0], py = profiles[1], pz = profiles[2]
        image.withUnsafeMutableBufferPointer { v in
            var n = 0
            for k in 0..<grid.nz {
                for j in 0..<grid.ny {
                    let row = gain * py[j] * pz[k]
                    for i in 0..<grid.nx {
                        v[n] *= row * px[i]
                        n += 1
                    }
                }
            }
        }
    }
}
