/// One patient's input to preprocessing: volumes by sequence name and the ROI mask, all on
/// one grid (checked by `Preprocessor`).
public struct PreprocessPatient: Sendable {
    public var patientID: String
    /// Class index (order of the study's classes); carried to the samples.
    public var label: Int
    public var volumes: [String: Volume]
    public var mask: Volume

    public init(patientID: String, label: Int, volumes: [String: Volume], mask: Volume) {
        self.patientID = patientID; self.label = label; self.volumes = volumes; self.mask = mask
    }
}

extension PhantomPatient {
    /// The phantom as preprocessing input.
    public var preprocessInput: PreprocessPatient {
        PreprocessPatient(patientID: patientID, label: label, volumes: volumes, mask: mask)
    }
}

/// One CNN input: Float32 planes in CHW order (C channels of height x width), with its label,
/// patient and slice.
public struct SliceSample: Sendable, Equatable {
    public var patientID: String
    public var label: Int
    /// Axial slice index (z) in the patient's volumes.
    public var slice: Int
    /// The sequence of each channel.
    public var channels: [String]
    public var height: Int
    public var width: Int
    /// C x H x W values, width fastest.
    public var planes: [Float]
    /// H x W ROI mask after the same geometry (nearest neighbour), 0 or 1.
    public var mask: [Float]
}

/// Samples stacked for a network: `images` is N x C x H x W, width fastest.
public struct SliceBatch: Sendable, Equatable {
    public var count: Int
    public var channels: [String]
    public var height: Int
    public var width: Int
    public var images: [Float]
    public var labels: [Int]
    public var patientIDs: [String]
    public var slices: [Int]

    /// Stacks samples that share channels and size (in their order).
    public init(_ samples: [SliceSample]) {
        precondition(
            Set(samples.map(\.channels)).count <= 1 && Set(samples.map { [$0.height, $0.width] }).count <= 1,
            "a batch holds samples with the same channels and size")
        count = samples.count
        channels = samples.first?.channels ?? []
        height = samples.first?.height ?? 0
        width = samples.first?.width ?? 0
        images = Array(samples.map(\.planes).joined())
        labels = samples.map(\.label)
        patientIDs = samples.map(\.patientID)
        slices = samples.map(\.slice)
    }
}

/// What preprocessing did to one patient: JSON-able, written next to the outputs.
public struct PreprocessRecord: Codable, Sendable, Equatable {
    public var patientID: String
    public var label: Int
    /// Slice with the largest ROI area (the lowest z among ties).
    public var largestSlice: Int
    /// The selected slices, ascending.
    public var slices: [Int]
    /// ROI voxels in each selected slice.
    public var roiArea: [Int]
    /// ROI bounding box over the selected slices (inclusive voxel indices).
    public var roiBox: PixelBox
    /// The square crop (may reach past the image: `padded`).
    public var cropBox: PixelBox
    public var padded: Bool
    public var outputSize: Int
    /// Normalisation per sequence.
    public var normalisation: [String: NormalisationRecord]
    /// Augmentation of each sample, when the batch was augmented.
    public var augmentation: [AugmentRecord]?

    enum CodingKeys: String, CodingKey {
        case patientID = "patient_id", label, largestSlice = "largest_slice", slices, roiArea = "roi_area"
        case roiBox = "roi_box", cropBox = "crop_box", padded, outputSize = "output_size", normalisation, augmentation
    }
}

/// An in-plane box of voxels: x in xMin...xMax, y in yMin...yMax (inclusive).
public struct PixelBox: Codable, Sendable, Equatable {
    public var xMin: Int, xMax: Int, yMin: Int, yMax: Int
    public var width: Int { xMax - xMin + 1 }
    public var height: Int { yMax - yMin + 1 }

    public init(xMin: Int, xMax: Int, yMin: Int, yMax: Int) {
        self.xMin = xMin; self.xMax = xMax; self.yMin = yMin; self.yMax = yMax
    }

    enum CodingKeys: String, CodingKey { case xMin = "x_min", xMax = "x_max", yMin = "y_min", yMax = "y_max" }
}

/// The normalisation of one sequence: mode, region, voxel count and the statistics used
/// (mean and SD for z-scores; the percentile levels and their values otherwise).
public struct NormalisationRecord: Codable, Sendable, Equatable {
    public var mode: PreprocessSettings.Normalisation
    public var region: PreprocessSettings.StatisticsRegion
    public var voxels: Int
    public var mean: Double?
    public var sd: Double?
    /// Percentile levels (0-100) and their values (percentile mode).
    public var percentiles: [Double]?
    public var low: Double?
    public var high: Double?
}

/// The augmentation drawn for one sample.
public struct AugmentRecord: Codable, Sendable, Equatable {
    public var slice: Int
    public var channels: [String]
    public var seed: UInt64
    public var horizontalFlip: Bool
    public var verticalFlip: Bool
    public var rotationDegrees: Double
    /// Per channel.
    public var scale: [Double]
    public var shift: [Double]

    enum CodingKeys: String, CodingKey {
        case slice, channels, seed, horizontalFlip = "horizontal_flip", verticalFlip = "vertical_flip"
        case rotationDegrees = "rotation_degrees", scale, shift
    }
}
