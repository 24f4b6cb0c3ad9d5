/// How slices are taken from a patient's volumes and turned into CNN inputs. Every step is a
/// setting with a default (docs/IMAGING-PHANTOM.md, "Preprocessing"); JSON may give any subset
/// of the keys, the others keep their defaults.
///
///     var settings = PreprocessSettings()        // 3 axial slices, crop + 10 voxels, 224 x 224, z-score in ROI
///     settings.sequences = ["T2WI"]              // a single-sequence model
///     settings.normalisation = .percentile      // p1-p99 scaled to [0, 1]
public struct PreprocessSettings: Codable, Sendable, Equatable {
    /// How intensities are normalised per sequence.
    public enum Normalisation: String, Codable, Sendable, CaseIterable {
        /// (v - mean) / SD, mean and population SD over the statistics region.
        case zScore = "zscore"
        /// (v - p_low) / (p_high - p_low) clipped to [0, 1], percentiles over the statistics
        /// region by linear interpolation (numpy.percentile's default).
        case percentile
    }

    /// Which voxels the normalisation statistics come from (always from the selected slices,
    /// at the original resolution, before resampling).
    public enum StatisticsRegion: String, Codable, Sendable {
        /// Voxels inside the ROI mask.
        case roi
        /// Every voxel of the crop that lies in the image.
        case crop
    }

    /// What the planes hold outside the ROI, after normalisation.
    public enum OutsideROI: String, Codable, Sendable, CaseIterable {
        /// The image as it is (anatomy around the tumour included).
        case keep
        /// 0 outside the (resampled) ROI mask: the network sees only the tumour, its texture
        /// and its outline (0 is the ROI mean after z-scoring in the ROI).
        case zero
    }

    /// What happens when the square crop reaches past the image edge.
    public enum Edge: String, Codable, Sendable {
        /// Move the box back inside the image when it fits; pad only when it is larger than the image.
        case shift
        /// Keep the box centred on the ROI and pad what lies outside.
        case pad
    }

    /// Sequences to read, in channel order (keys of the patient's volumes).
    public var sequences: [String] = ["T2WI", "CE-T1WI", "ADC"]
    /// false: one single-channel sample per sequence and slice (one model per sequence);
    /// true: one sample per slice with the sequences stacked as channels.
    public var stackSequences = false
    /// Slices taken on each side of the slice with the largest ROI area (clipped to the volume).
    public var neighbours = 1
    /// Margin added on every side of the ROI bounding box: `marginVoxels` plus
    /// `marginFraction` times the longer side of the box (rounded up).
    public var marginVoxels = 10
    public var marginFraction = 0.0
    public var edge: Edge = .shift
    /// Value of padded voxels, in the original intensity units (0 = air/background).
    public var padValue: Float = 0
    /// Side of the square output planes (pixels).
    public var outputSize = 224
    public var normalisation: Normalisation = .zScore
    public var statisticsRegion: StatisticsRegion = .roi
    public var outsideROI: OutsideROI = .keep
    /// Percentiles for `.percentile` (0-100).
    public var lowerPercentile = 1.0
    public var upperPercentile = 99.0
    /// Augmentation applied when a batch is made for training (`Preprocessor.batch(_:augment:)`).
    public var augmentation = AugmentSettings()

    public init() {}

    enum CodingKeys: String, CodingKey {
        case sequences, stackSequences = "stack_sequences", neighbours, marginVoxels = "margin_voxels"
        case marginFraction = "margin_fraction", edge, padValue = "pad_value", outputSize = "output_size"
        case normalisation, statisticsRegion = "statistics_region", outsideROI = "outside_roi", lowerPercentile = "lower_percentile"
        case upperPercentile = "upper_percentile", augmentation
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        var s = PreprocessSettings()
        s.sequences = try c.decodeIfPresent([String].self, forKey: .sequences) ?? s.sequences
        s.stackSequences = try c.decodeIfPresent(Bool.self, forKey: .stackSequences) ?? s.stackSequences
        s.neighbours = try c.decodeIfPresent(Int.self, forKey: .neighbours) ?? s.neighbours
        s.marginVoxels = try c.decodeIfPresent(Int.self, forKey: .marginVoxels) ?? s.marginVoxels
        s.marginFraction = try c.decodeIfPresent(Double.self, forKey: .marginFraction) ?? s.marginFraction
        s.edge = try c.decodeIfPresent(Edge.self, forKey: .edge) ?? s.edge
        s.padValue = try c.decodeIfPresent(Float.self, forKey: .padValue) ?? s.padValue
        s.outputSize = try c.decodeIfPresent(Int.self, forKey: .outputSize) ?? s.outputSize
        s.normalisation = try c.decodeIfPresent(Normalisation.self, forKey: .normalisation) ?? s.normalisation
        s.statisticsRegion = try c.decodeIfPresent(StatisticsRegion.self, forKey: .statisticsRegion) ?? s.statisticsRegion
        s.outsideROI = try c.decodeIfPresent(OutsideROI.self, forKey: .outsideROI) ?? s.outsideROI
        s.lowerPercentile = try c.decodeIfPresent(Double.self, forKey: .lowerPercentile) ?? s.lowerPercentile
        s.upperPercentile = try c.decodeIfPresent(Double.self, forKey: .upperPercentile) ?? s.upperPercentile
        s.augmentation = try c.decodeIfPresent(AugmentSettings.self, forKey: .augmentation) ?? s.augmentation
        self = s
    }

    /// Every setting out of range, as one message (nil when all are valid).
    public var problems: String? {
        var found: [String] = []
        if sequences.isEmpty { found.append("sequences is empty (expected at least one sequence name)") }
        if Set(sequences).count != sequences.count { found.append("sequences repeats a name") }
        if neighbours < 0 { found.append("neighbours is \(neighbours) (expected >= 0)") }
        if marginVoxels < 0 { found.append("margin_voxels is \(marginVoxels) (expected >= 0)") }
        if !(marginFraction >= 0) { found.append("margin_fraction is \(marginFraction) (expected >= 0)") }
        if outputSize < 1 { found.append("output_size is \(outputSize) (expected >= 1)") }
        if !(0 <= lowerPercentile && lowerPercentile < upperPercentile && upperPercentile <= 100) {
            found.append("percentiles are \(lowerPercentile)-\(upperPercentile) (expected 0 <= lower < upper <= 100)")
        }
        if !padValue.isFinite { found.append("pad_value is not finite") }
        if let augment = augmentation.problems { found.append(augment) }
        return found.isEmpty ? nil : found.joined(separator: "; ")
    }
}
