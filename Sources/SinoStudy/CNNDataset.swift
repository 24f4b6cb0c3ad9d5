import Foundation
import SinoData
import SinoImaging
import SinoRandom

/// The slices of one or more cohorts for a CNN: every patient's images are checked
/// (`ImageManifest`, every problem at once), read, preprocessed once without augmentation
/// (`Preprocessor`: largest-ROI slice and neighbours, square crop, resampling, normalisation),
/// and only the resulting small planes are kept, not the volumes. Training batches are made
/// from these planes with the augmentation of `AugmentPass(seed:epoch:)`, so a batch depends
/// only on (seed, epoch, batch index), never on threads or timing.
///
///     let cohort = try CohortLoader.read(path: "cohort.csv", dictionary: nil).cohort
///     var settings = PreprocessSettings(); settings.sequences = ["ADC"]; settings.outputSize = 64
///     let train = try CNNSliceDataset.load(images: "images", cohort: cohort, splits: ["train"], settings: settings)
///     let order = train.epochBatches(epoch: 0, batchSize: 16, seed: 7)     // [[sample index]]
///     let batch = train.batch(order[0], augment: AugmentPass(seed: 7, epoch: 0))
public struct CNNSliceDataset: Sendable {
    public let classes: ClassSet
    /// Channel sequences of every sample (one sequence, or several stacked).
    public let sequences: [String]
    public let patientIDs: [String]
    /// Class index per patient (order of `classes`).
    public let patientLabels: [Int]
    /// The cohort (split) of each patient.
    public let patientCohorts: [String]
    /// Un-augmented samples, patient by patient (ascending slice).
    public let samples: [SliceSample]
    /// Index into `patientIDs` of each sample.
    public let samplePatients: [Int]
    public let settings: PreprocessSettings

    public var size: Int { settings.outputSize }
    public var channels: Int { settings.stackSequences ? settings.sequences.count : 1 }

    public init(
        classes: ClassSet, patientIDs: [String], patientLabels: [Int], patientCohorts: [String],
        samples: [SliceSample], samplePatients: [Int], settings: PreprocessSettings
    ) {
        self.classes = classes; self.patientIDs = patientIDs; self.patientLabels = patientLabels
        self.patientCohorts = patientCohorts; self.samples = samples; self.samplePatients = samplePatients
        self.settings = settings
        sequences = settings.sequences
    }

    /// Loads the patients of `cohort` whose split is in `splits` (all patients when nil) from
    /// `images/<patient_id>/`. `settings.sequences` must hold one sequence unless
    /// `stackSequences`. Throws `ValidationError` with every missing or unreadable file,
    /// then the first preprocessing failure (in patient order). `threads` patients are read
    /// at a time (default: every core); the result does not depend on it.
    public static func load(
        images: String, cohort: Cohort, splits: [String]?, settings: PreprocessSettings,
        threads: Int? = nil
    ) throws -> CNNSliceDataset {
        let preprocessor = try Preprocessor(settings: settings)
        guard settings.stackSequences || settings.sequences.count == 1 else {
            throw ValidationError([
                Problem(
                    file: images, message: "one sequence per model (\(settings.sequences.joined(separator: ", ")) given)",
                    expected: "a single sequence, or stacked sequences")
            ])
        }
        var rows: [Int] = []
        for i in 0..<cohort.count {
            let split = cohort.splits?[i] ?? ""
            if splits == nil || splits!.contains(split) { rows.append(i) }
        }
        if let splits, rows.isEmpty {
            throw ValidationError([
                Problem(
                    file: cohort.source, message: "no patient in cohort(s) \(splits.joined(separator: ", "))",
                    expected: "patients whose cohort is one of \(cohort.splitNames.joined(separator: ", "))")
            ])
        }
        let ids = rows.map { cohort.ids[$0] }
        let manifest = try ImageManifest.check(root: images, patients: ids, sequences: settings.sequences).validated()
        var entries: [String: [String: ImageManifest.Entry]] = [:]
        for entry in manifest.entries { entries[entry.patientID, default: [:]][entry.sequence] = entry }
        let perPatient: [[SliceSample]] = try ParallelMap.map(count: rows.count, threads: threads) { p in
            let id = ids[p]
            var volumes: [String: Volume] = [:]
            var mask: Volume?
            for sequence in settings.sequences {
                let entry = entries[id]![sequence]!
                let image = try ImageManifest.readVolume(entry.image!)
                volumes[sequence] = image
                if mask == nil { mask = try ROIMask.load(entry.mask!, for: image, imagePath: entry.image!).volume }
            }
            let patient = PreprocessPatient(patientID: id, label: cohort.labels[rows[p]], volumes: volumes, mask: mask!)
            return try preprocessor.samples(patient).samples
        }
        var samples: [SliceSample] = [], owners: [Int] = []
        for (p, list) in perPatient.enumerated() {
            samples += list
            owners += [Int](repeating: p, count: list.count)
        }
        return CNNSliceDataset(
            classes: cohort.classes, patientIDs: ids, patientLabels: rows.map { cohort.labels[$0] },
            patientCohorts: rows.map { cohort.splits?[$0] ?? "" }, samples: samples,
            samplePatients: owners, settings: settings)
    }

    /// The samples in batches for one epoch: a seeded Fisher-Yates shuffle of the sample
    /// indices (from `seed` and `epoch` only), cut into `batchSize` pieces; a last partial
    /// batch is dropped (the network's batch size is fixed) unless `keepPartial`.
    public func epochBatches(epoch: Int, batchSize: Int, seed: UInt64, keepPartial: Bool = false) -> [[Int]] {
        precondition(batchSize >= 1)
        var order = Array(samples.indices)
        var generator = SeededGenerator(seed: seed ^ (0x9E37_79B9_7F4A_7C15 &* (UInt64(epoch) &+ 0x0DE2)))
        generator.shuffle(&order)
        var batches: [[Int]] = []
        var start = 0
        while start < order.count {
            let end = min(start + batchSize, order.count)
            if end - start == batchSize || keepPartial { batches.append(Array(order[start..<end])) }
            start = end
        }
        return batches
    }

    /// The batch of the given samples, augmented with `augment` (each sample's draw seeded by
    /// the pass, the patient, the slice and the channels) or as preprocessed when nil.
    public func batch(_ indices: [Int], augment: AugmentPass?) -> SliceBatch {
        SliceBatch(
            indices.map { i in
                var sample = samples[i]
                if let augment {
                    let seed = augment.sampleSeed(patientID: sample.patientID, slice: sample.slice, channels: sample.channels)
                    let drawn = Augmenter.draw(settings.augmentation, seed: seed, slice: sample.slice, channels: sample.channels)
                    Augmenter.apply(drawn, to: &sample, fill: settings.augmentation.fillValue)
                }
                return sample
            })
    }

    /// Every sample, un-augmented, N x C x H x W.
    public var allImages: [Float] { Array(samples.map(\.planes).joined()) }
    public var sampleLabels: [Int] { samples.map(\.label) }

    /// Class weights n / (K * n_c) from the patients' labels (torch's / scikit-learn's
    /// "balanced"); throws when a class has no patient.
    public func balancedClassWeights() throws -> [Float] {
        try Self.balancedClassWeights(labels: patientLabels, classes: classes)
    }

    public static func balancedClassWeights(labels: [Int], classes: ClassSet) throws -> [Float] {
        var counts = [Int](repeating: 0, count: classes.count)
        for label in labels { counts[label] += 1 }
        if let empty = counts.firstIndex(of: 0) {
            throw ValidationError([
                Problem(
                    file: "training cohort", message: "class \(classes.names[empty]) has no training patient",
                    expected: "every class in the training cohort for balanced class weights")
            ])
        }
        let n = Double(labels.count), k = Double(classes.count)
        return counts.map { Float(n / (k * Double($0))) }
    }

    /// Patient-level probabilities: the mean of each patient's slice probabilities
    /// (`sampleProbabilities` row i belongs to patient `samplePatients[i]`).
    public static func patientAverage(_ sampleProbabilities: [[Double]], samplePatients: [Int], patients: Int) -> [[Double]] {
        let k = sampleProbabilities.first?.count ?? 0
        var sums = [[Double]](repeating: [Double](repeating: 0, count: k), count: patients)
        var counts = [Int](repeating: 0, count: patients)
        for (row, p) in zip(sampleProbabilities, samplePatients) {
            for c in 0..<k { sums[p][c] += row[c] }
            counts[p] += 1
        }
        return zip(sums, counts).map { sum, n in n == 0 ? sum : sum.map { $0 / Double(n) } }
    }
}

/// Prepares batch i + 1 on a background queue while the caller works on batch i. `make` must
/// be a pure function of the index, so the batches are those of synchronous loading.
public final class BatchPrefetcher: @unchecked Sendable {
    private let make: @Sendable (Int) -> SliceBatch
    public let count: Int
    private var nextIndex = 0
    private var pending: (index: Int, group: DispatchGroup, box: Box)?
    private let queue = DispatchQueue(label: "sinorad.cnn.prefetch", qos: .userInitiated)

    private final class Box: @unchecked Sendable { var value: SliceBatch? }

    public init(count: Int, make: @escaping @Sendable (Int) -> SliceBatch) {
        self.count = count
        self.make = make
        schedule(0)
    }

    private func schedule(_ index: Int) {
        guard index < count else { pending = nil; return }
        let group = DispatchGroup(), box = Box(), make = self.make
        queue.async(group: group) { box.value = make(index) }
        pending = (index, group, box)
    }

    /// The next batch, or nil after the last.
    public func next() -> SliceBatch? {
        guard nextIndex < count else { return nil }
        let batch: SliceBatch
        if let pending, pending.index == nextIndex {
            pending.group.wait()
            batch = pending.box.value!
        } else {
            batch = make(nextIndex)
        }
        nextIndex += 1
        schedule(nextIndex)
        return batch
    }
}

/// Parallel map in index order over `threads` workers (default: every core).
enum ParallelMap {
    static func map<T>(count: Int, threads: Int?, _ body: (Int) throws -> T) throws -> [T] {
        let workers = max(1, min(threads ?? ProcessInfo.processInfo.activeProcessorCount, count))
        var results = [Result<T, any Error>?](repeating: nil, count: count)
        if workers == 1 {
            for i in 0..<count { results[i] = Result { try body(i) } }
        } else {
            let counter = Counter()
            results.withUnsafeMutableBufferPointer { buffer in
                nonisolated(unsafe) let out = buffer
                withoutActuallyEscaping(body) { body in
                    nonisolated(unsafe) let body = body
                    DispatchQueue.concurrentPerform(iterations: workers) { _ in
                        while true {
                            let i = counter.take()
                            guard i < count else { return }
                            out[i] = Result { try body(i) }
                        }
                    }
                }
            }
        }
        return try results.map { try $0!.get() }
    }
}

private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func take() -> Int {
        lock.lock(); defer { lock.unlock() }
        value += 1
        return value - 1
    }
}
