import Foundation

/// Texture archetype of a phantom tumour (drawn per patient with class-dependent probabilities;
/// see `PhantomSettings.textureProbabilities`).
public enum PhantomTexture: String, Codable, Sendable, CaseIterable {
    /// Mottled, coarse-grained heterogeneity (typical of the SCC phantoms).
    case coarse
    /// Many small bright round foci on T2WI that do not enhance: cribriform / microcystic
    /// matrix, "Swiss cheese" (typical of the ACC phantoms).
    case cribriform
    /// A fine, rather homogeneous matrix with a few cystic foci near the margin (typical of
    /// the ONB phantoms).
    case peripheralCysts
}

/// Margin of a phantom tumour (drawn per patient with class-dependent probabilities).
public enum PhantomMargin: String, Codable, Sendable, CaseIterable {
    /// Many narrow spikes of the radius: irregular, infiltrative border.
    case infiltrative
    /// An almost ellipsoidal, well-defined border.
    case smooth
    /// A few broad bulges: lobulated border.
    case lobulated
}

/// What was drawn for one patient's tumour, beyond the findings: recorded with the volumes so
/// a reader can see which hidden choices made each phantom.
public struct PhantomTumourParameters: Codable, Sendable, Equatable {
    public var texture: PhantomTexture
    public var margin: PhantomMargin
    /// +1 or -1: the side of the epicenter (and of orbital invasion).
    public var side: Double
    /// Intracranial tumour with a narrow waist at the cribriform plate.
    public var dumbbell: Bool
    /// Centre of the main tumour body in anatomy coordinates (mm).
    public var center: [Double]
    /// Noise-free solid-tumour signal: T2WI, CE-T1WI (signal units, grey matter T2 = 500).
    public var t2Level: Double
    public var ceLevel: Double
    /// Solid-tumour ADC (10^-6 mm^2/s): the row's adc_mean x 1000, or drawn when it is missing.
    public var adc: Double
    public var adcImputed: Bool
    /// Texture amplitudes (relative SD of the signal inside the solid tumour).
    public var t2Amplitude: Double
    public var ceAmplitude: Double
    public var adcAmplitude: Double
    /// Retained secretions in the maxillary sinus on this side (nil: none).
    public var secretionsSide: Double?
}

/// The shapes of one tumour in anatomy coordinates.
struct PhantomTumourPlan {
    var parameters: PhantomTumourParameters
    var components: [PhantomBlob]
    var necrosis: PhantomBlob?
    var marginalCysts: [PhantomBlob]
    var remodeledBone: Bool
    var enhancementPattern: String

    /// Draws the tumour of a patient with these findings.
    init(findings: PhantomFindings, settings: PhantomSettings, _ random: inout PhantomRandom) {
        let k = findings.label
        let side = random.sign()
        let margin = PhantomMargin.allCases[random.pick(settings.marginProbabilities[k])]
        let texture = PhantomTexture.allCases[random.pick(settings.textureProbabilities[k])]
        let size = 10 * findings.maxDiameter
        func bumps() -> [PhantomBump] { Self.bumps(margin, &random) }

        let site = Self.epicenter(findings.epicenter, side: side, &random)
        var components: [PhantomBlob] = []
        var dumbbell = false
        if findings.intracranial {
            // Body below the cribriform plate, a lobe in the anterior cranial fossa and a
            // waist between them, together spanning the maximal diameter vertically.
            let base = PhantomAnatomy.skullBase
            let x = site.x * 0.5, y = min(max(site.y, -5), 25)
            dumbbell = random.chance(settings.dumbbellProbability[k])
            let body = PhantomPoint(random.uniform(0.25, 0.33), random.uniform(0.27, 0.36), 0.33) * size
            let lobe = PhantomPoint(random.uniform(0.2, 0.3), random.uniform(0.22, 0.32), 0.2) * size
            let waist = (dumbbell ? PhantomPoint(0.09, 0.11, 0.12) : PhantomPoint(0.24, 0.28, 0.16)) * size
            components.append(PhantomBlob(center: PhantomPoint(x, y, base - 0.29 * size), radii: body, bumps: bumps()))
            components.append(
                PhantomBlob(
                    center: PhantomPoint(x + random.normal(0, 2), y + random.normal(0, 3), base + 0.18 * size),
                    radii: lobe, bumps: bumps()))
            components.append(PhantomBlob(center: PhantomPoint(x, y, base), radii: waist))
        } else {
            // An ellipsoid whose longest semi-axis is half the maximal diameter, lying
            // antero-posterior, vertical or transverse.
            let long = size / 2
            var radii = PhantomPoint(repeating: 0)
            let axis = random.pick([0.15, 0.5, 0.35])
            for a in 0..<3 { radii[a] = a == axis ? long : long * random.uniform(0.6, 0.95) }
            components.append(PhantomBlob(center: site, radii: radii, bumps: bumps()))
        }
        if findings.orbital {
            let body = components[0].center
            let toward = body + (PhantomAnatomy.orbitCenter(side) - body) * 0.55
            let radii = PhantomPoint(random.uniform(0.16, 0.24), random.uniform(0.16, 0.24), random.uniform(0.16, 0.24)) * size
            components.append(PhantomBlob(center: toward, radii: radii, bumps: bumps()))
        }
        var necrosis: PhantomBlob?
        if findings.necrosis {
            let body = components[0]
            let jitter = PhantomPoint(random.normal(0, 0.08), random.normal(0, 0.08), random.normal(0, 0.08)) * body.radii
            let irregular = (0..<6).map { _ in
                PhantomBump(direction: random.direction(), kappa: random.uniform(6, 12), amplitude: random.uniform(-0.15, 0.15))
            }
            necrosis = PhantomBlob(center: body.center + jitter, radii: body.radii * random.uniform(0.35, 0.6), bumps: irregular)
        }
        var cysts: [PhantomBlob] = []
        if findings.intracranial && findings.marginalCysts {
            // Som et al. 1994: cysts at the tumour-brain interface of the intracranial part.
            let lobe = components[1]
            for _ in 0..<(2 + Int(random.uniform(0, 3))) {
                var u = random.direction()
                u.z = abs(u.z) + 0.6
                u /= (u * u).sum().squareRoot()
                cysts.append(
                    PhantomBlob(
                        center: lobe.center + lobe.radii * u * 0.95,
                        radii: PhantomPoint(repeating: random.uniform(2, 4))))
            }
        }
        let secretions: Double? = findings.epicenter != "maxillary_sinus" && random.chance(0.4) ? side : nil

        // Noise-free signal levels: T2 graded against grey matter (500), enhancement against
        // the mucosa (880), ADC from the row.
        let t2Level = [330.0, 500, 720][findings.t2Signal] + random.normal(0, 25)
        let ceLevel = [420.0, 560, 700][findings.enhancementDegree] + random.normal(0, 30)
        let t2High = findings.t2Signal == 2 ? 1.0 : 0, t2Low = findings.t2Signal == 0 ? 1.0 : 0
        let drawnADC = min(max(random.normal(0.92 + 0.30 * t2High - 0.10 * t2Low, 0.20), 0.35), 2.6)
        let ceAmplitude = ["homogeneous": 0.07, "heterogeneous": 0.2, "sieve_like": 0.22][findings.enhancementPattern] ?? 0.07
        parameters = PhantomTumourParameters(
            texture: texture, margin: margin, side: side, dumbbell: dumbbell,
            center: [components[0].center.x, components[0].center.y, components[0].center.z],
            t2Level: t2Level, ceLevel: ceLevel, adc: 1000 * (findings.adcMean ?? drawnADC),
            adcImputed: findings.adcMean == nil,
            t2Amplitude: (findings.heterogeneousT2 ? 0.16 : 0.08) * random.uniform(0.8, 1.25),
            ceAmplitude: ceAmplitude * random.uniform(0.8, 1.25),
            adcAmplitude: 0.12 * random.uniform(0.8, 1.25),
            secretionsSide: secretions)
        self.components = components.map { $0.keepingMeanRadius() }
        self.necrosis = necrosis
        self.marginalCysts = cysts
        self.remodeledBone = findings.boneChange == "remodeling"
        self.enhancementPattern = findings.enhancementPattern
    }

    /// Centre of the tumour body for an epicenter finding (anatomy mm).
    static func epicenter(_ site: String, side: Double, _ random: inout PhantomRandom) -> PhantomPoint {
        switch site {
        case "maxillary_sinus":
            return PhantomPoint(side * random.uniform(24, 32), random.uniform(6, 18), random.uniform(12, 24))
        case "ethmoid_sinus":
            return PhantomPoint(side * random.uniform(10, 18), random.uniform(-5, 20), random.uniform(40, 50))
        case "olfactory_cleft":
            return PhantomPoint(side * random.uniform(0, 5), random.uniform(0, 22), random.uniform(46, 52))
        case "other":
            // Frontal or sphenoid sinus.
            return random.chance(0.5)
                ? PhantomPoint(side * random.uniform(0, 8), random.uniform(46, 54), random.uniform(70, 80))
                : PhantomPoint(side * random.uniform(0, 6), random.uniform(-40, -32), random.uniform(36, 44))
        default: // nasal cavity
            return PhantomPoint(side * random.uniform(2, 8), random.uniform(0, 25), random.uniform(18, 34))
        }
    }

    /// Radial bumps for a margin type.
    static func bumps(_ margin: PhantomMargin, _ random: inout PhantomRandom) -> [PhantomBump] {
        switch margin {
        case .infiltrative:
            return (0..<14).map { _ in
                PhantomBump(direction: random.direction(), kappa: random.uniform(25, 60), amplitude: random.uniform(-0.1, 0.25))
            }
        case .lobulated:
            return (0..<5).map { _ in
                PhantomBump(direction: random.direction(), kappa: random.uniform(4, 8), amplitude: random.uniform(0.12, 0.25))
            }
        case .smooth:
            return (0..<3).map { _ in
                PhantomBump(direction: random.direction(), kappa: random.uniform(2, 4), amplitude: random.uniform(-0.06, 0.06))
            }
        }
    }
}
