import SinoData

/// Turns patients' volumes and ROI masks into CNN inputs: slice selection, square crop,
/// resampling, per-sequence normalisation and, for training, augmentation. Each step is set
/// in `PreprocessSettings` and recorded per patient in a `PreprocessRecord`.
///
///     let preprocessor = try Preprocessor(settings: PreprocessSettings())
///     let result = try preprocessor.batch(patients, augment: AugmentPass(seed: 7, epoch: 0))
///     result.batches[0].images      // N x 1 x 224 x 224 Float32, the T2WI samples
///     result.records[0]             // slices, crop box and normalisation of the first patient
///
/// Order of the steps: validate; ROI area per slice; the largest-area slice and `neighbours`
/// on each side; the ROI bounding box over those slices; the square crop with margin; for
/// each slice and sequence the crop resampled to `outputSize` (bilinear; mask nearest); the
/// normalisation (statistics from the selected slices at the original resolution); then the
/// augmentation of each sample.
public struct Preprocessor: Sendable {
    public let settings: PreprocessSettings

    public init(settings: PreprocessSettings = PreprocessSettings()) throws {
        if let problems = settings.problems { throw PreprocessError.invalidSettings(problems) }
        self.settings = settings
    }

    /// The samples and batches of several patients. Patients are processed in parallel
    /// (`threads`, default every core); the output is in patient order and identical for any
    /// thread count. Without `augment` nothing random happens. The first failing patient (in
    /// input order) throws.
    public func batch(
        _ patients: [PreprocessPatient], augment: AugmentPass? = nil,
        threads: Int? = nil
    ) throws -> PreprocessedBatch {
        let results = try ParallelLoop.map(count: patients.count, threads: ParallelLoop.threadCount(threads)) { i in
            try self.samples(patients[i], augment: augment)
        }
        let all: [SliceSample] = results.flatMap { $0.samples }
        let groups = settings.stackSequences ? [settings.sequences] : settings.sequences.map { [$0] }
        let batches = groups.map { channels in SliceBatch(all.filter { $0.channels == channels }) }
        return PreprocessedBatch(batches: batches, records: results.map { $0.record })
    }

    /// One patient's samples (ascending slice, then sequence order) and its record.
    public func samples(_ patient: PreprocessPatient, augment: AugmentPass? = nil) throws
        -> (samples: [SliceSample], record: PreprocessRecord)
    {
        try validate(patient)
        let mask = patient.mask
        let areas = PreprocessSteps.roiAreas(mask)
        let largest = PreprocessSteps.largestSlice(areas)
        let slices = PreprocessSteps.selectSlices(center: largest, neighbours: settings.neighbours, sliceCount: mask.shape[2])
        let roi = PreprocessSteps.boundingBox(mask, slices: slices)! // the largest slice holds ROI voxels
        let margin = PreprocessSteps.margin(for: roi, voxels: settings.marginVoxels, fraction: settings.marginFraction)
        let (box, padded) = PreprocessSteps.squareCrop(
            roi, margin: margin, width: mask.shape[0],
            height: mask.shape[1], edge: settings.edge)
        let size = settings.outputSize
        func resample(_ plane: [Float], nearest: Bool) -> [Float] {
            nearest
                ? PreprocessSteps.resizeNearest(plane, height: box.height, width: box.width, toHeight: size, width: size)
                : PreprocessSteps.resizeBilinear(plane, height: box.height, width: box.width, toHeight: size, width: size)
        }
        let maskPlanes = slices.map { z in
            resample(PreprocessSteps.crop(mask, slice: z, box: box, padValue: 0).map { $0 > 0 ? 1 : 0 }, nearest: true)
        }
        var planes: [String: [[Float]]] = [:]
        var normalisation: [String: NormalisationRecord] = [:]
        for sequence in settings.sequences {
            let volume = patient.volumes[sequence]!
            let record = try statistics(volume, mask: mask, sequence: sequence, patient: patient.patientID, slices: slices, box: box)
            normalisation[sequence] = record
            planes[sequence] = slices.enumerated().map { s, z in
                var plane = normalise(resample(PreprocessSteps.crop(volume, slice: z, box: box, padValue: settings.padValue), nearest: false), record)
                if settings.outsideROI == .zero {
                    for i in plane.indices where maskPlanes[s][i] == 0 { plane[i] = 0 }
                }
                return plane
            }
        }
        let groups = settings.stackSequences ? [settings.sequences] : settings.sequences.map { [$0] }
        var samples: [SliceSample] = []
        var augmentations: [AugmentRecord] = []
        for (s, z) in slices.enumerated() {
            for channels in groups {
                var sample = SliceSample(
                    patientID: patient.patientID, label: patient.label, slice: z, channels: channels,
                    height: size, width: size, planes: channels.flatMap { planes[$0]![s] },
                    mask: maskPlanes[s])
                if let augment {
                    let seed = augment.sampleSeed(patientID: patient.patientID, slice: z, channels: channels)
                    let drawn = Augmenter.draw(settings.augmentation, seed: seed, slice: z, channels: channels)
                    Augmenter.apply(drawn, to: &sample, fill: settings.augmentation.fillValue)
                    augmentations.append(drawn)
                }
                samples.append(sample)
            }
        }
        let record = PreprocessRecord(
            patientID: patient.patientID, label: patient.label, largestSlice: largest, slices: slices,
            roiArea: slices.map { areas[$0] }, roiBox: roi, cropBox: box, padded: padded,
            outputSize: size, normalisation: normalisation,
            augmentation: augment == nil ? nil : augmentations)
        return (samples, record)
    }

    /// Checks, at the boundary, what the steps rely on: every sequence present, on the mask's
    /// grid, finite; the mask finite and not empty.
    func validate(_ patient: PreprocessPatient) throws {
        let id = patient.patientID
        try Self.requireFinite(patient.mask, patient: id, sequence: "mask")
        for sequence in settings.sequences {
            guard let volume = patient.volumes[sequence] else {
                throw PreprocessError.missingSequence(patient: id, sequence: sequence, available: patient.volumes.keys.sorted())
            }
            guard volume.sameGrid(as: patient.mask) else {
                throw PreprocessError.gridMismatch(patient: id, sequence: sequence, shape: volume.shape, maskShape: patient.mask.shape)
            }
            try Self.requireFinite(volume, patient: id, sequence: sequence)
        }
        let count = patient.mask.sliceCount * patient.mask.shape[2]
        guard patient.mask.voxels[0..<count].contains(where: { $0 > 0 }) else { throw PreprocessError.emptyMask(patient: id) }
    }

    static func requireFinite(_ volume: Volume, patient: String, sequence: String) throws {
        var bad = 0, first = -1
        volume.voxels.withUnsafeBufferPointer { v in
            for n in 0..<v.count where !v[n].isFinite {
                if first < 0 { first = n }
                bad += 1
            }
        }
        if bad > 0 { throw PreprocessError.nonFiniteVoxels(patient: patient, sequence: sequence, count: bad, firstIndex: first) }
    }

    /// The normalisation statistics of one sequence over the selected slices, from the ROI
    /// voxels or from the crop's voxels inside the image.
    func statistics(
        _ volume: Volume, mask: Volume, sequence: String, patient: String, slices: [Int],
        box: PixelBox
    ) throws -> NormalisationRecord {
        var values: [Double] = []
        let nx = volume.shape[0], ny = volume.shape[1]
        for z in slices {
            for y in 0..<ny {
                for x in 0..<nx {
                    let n = volume.index(x, y, z)
                    let inside =
                        settings.statisticsRegion == .roi
                        ? mask.voxels[n] > 0
                        : x >= box.xMin && x <= box.xMax && y >= box.yMin && y <= box.yMax
                    if inside { values.append(Double(volume.voxels[n])) }
                }
            }
        }
        let count = Double(values.count)
        switch settings.normalisation {
        case .zScore:
            let mean = values.reduce(0, +) / count
            let sd = (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / count).squareRoot()
            guard sd > 0 else { throw PreprocessError.constantIntensity(patient: patient, sequence: sequence, value: mean) }
            return NormalisationRecord(
                mode: .zScore, region: settings.statisticsRegion, voxels: values.count,
                mean: mean, sd: sd)
        case .percentile:
            values.sort()
            let low = PreprocessSteps.percentile(sorted: values, settings.lowerPercentile)
            let high = PreprocessSteps.percentile(sorted: values, settings.upperPercentile)
            guard high > low else { throw PreprocessError.constantIntensity(patient: patient, sequence: sequence, value: low) }
            return NormalisationRecord(
                mode: .percentile, region: settings.statisticsRegion, voxels: values.count,
                percentiles: [settings.lowerPercentile, settings.upperPercentile], low: low, high: high)
        }
    }

    func normalise(_ plane: [Float], _ record: NormalisationRecord) -> [Float] {
        switch record.mode {
        case .zScore:
            let mean = record.mean!, sd = record.sd!
            return plane.map { Float((Double($0) - mean) / sd) }
        case .percentile:
            let low = record.low!, range = record.high! - record.low!
            return plane.map { Float(min(max((Double($0) - low) / range, 0), 1)) }
        }
    }
}

/// The output of `Preprocessor.batch`: one batch per channel group (one per sequence, or a
/// single stacked one) and the record of each patient.
public struct PreprocessedBatch: Sendable {
    public var batches: [SliceBatch]
    public var records: [PreprocessRecord]
}
