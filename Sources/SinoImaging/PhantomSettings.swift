/// Settings of the SYNTHETIC MRI phantom (`PhantomGenerator`). Defaults are the ones documented
/// in docs/IMAGING-PHANTOM.md; `reduced` is a coarse grid over the same field of view for
/// quick tests.
///
///     var settings = PhantomSettings()          // 128 x 128 x 24 voxels, 1.5 x 1.5 x 4 mm
///     settings.noiseScale = 0                   // noise-free volumes (for checks)
public struct PhantomSettings: Codable, Sendable, Equatable {
    /// Voxels per axis (x = right-left, y = posterior-anterior, z = inferior-superior): axial slices.
    public var shape: [Int] = [128, 128, 24]
    /// Extent of the grid in mm per axis; spacing = fieldOfView / shape.
    public var fieldOfView: [Double] = [192, 192, 96]
    /// Multiplies the Rician noise SD of every sequence (T2WI 14, CE-T1WI 12, DWI 12 signal units).
    public var noiseScale: Double = 1
    /// Multiplies the SD (0.07) of the bias-field polynomial coefficients; 0 = no bias field.
    public var biasScale: Double = 1
    /// Diffusion weighting of the simulated b-image (s/mm^2); the ADC map is ln(S0 / Sb) / b.
    public var bValue: Double = 1000
    /// P(texture archetype | class): rows SCC, ACC, ONB; columns coarse (mottled),
    /// cribriform (microcystic dots), peripheral cysts (homogeneous with marginal cystic foci).
    public var textureProbabilities: [[Double]] = [[0.80, 0.05, 0.15], [0.10, 0.80, 0.10], [0.10, 0.10, 0.80]]
    /// P(margin | class): rows SCC, ACC, ONB; columns infiltrative, smooth, lobulated.
    public var marginProbabilities: [[Double]] = [[0.75, 0.15, 0.10], [0.10, 0.75, 0.15], [0.10, 0.15, 0.75]]
    /// P(dumbbell waist at the cribriform plate | intracranial tumour): SCC, ACC, ONB.
    public var dumbbellProbability: [Double] = [0.2, 0.2, 0.8]

    public init() {}

    /// 64 x 64 x 12 voxels (3 x 3 x 8 mm) over the same field of view: about 1/16 of the work,
    /// for tests that need the whole cohort.
    public static var reduced: PhantomSettings {
        var settings = PhantomSettings()
        settings.shape = [64, 64, 12]
        return settings
    }

    /// Voxel size in mm per axis.
    public var spacing: [Double] { zip(fieldOfView, shape).map { $0 / Double($1) } }
}
