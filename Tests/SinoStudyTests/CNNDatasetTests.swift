import Foundation
import SinoData
import SinoImaging
import TestSupport
import Testing

@testable import SinoStudy

/// A tiny SYNTHETIC cohort with phantom images on the reduced grid, made once per test run.
enum TinyImages {
    struct Made: @unchecked Sendable {
        var folder: URL
        var images: String
        var cohort: Cohort
        var table: CSVTable
    }

    static let made: Made = {
        let folder = try! TestScratch.folder("tinyImages", in: "sinostudy")
        let images = folder.appendingPathComponent("images")
        try! FileManager.default.createDirectory(at: images, withIntermediateDirectories: true)
        let simulator = CohortSimulator(settings: try! .scaled(to: 30, seed: 11))
        let table = try! simulator.table()
        _ = try! PhantomGenerator(settings: .reduced).cohort(table, studySeed: 11) { patient in
            let dir = images.appendingPathComponent(patient.patientID)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            for sequence in PhantomGenerator.sequences {
                try NIfTI.write(patient.volumes[sequence]!, to: dir.appendingPathComponent("\(sequence).nii.gz").path)
            }
            try NIfTI.write(patient.mask, to: dir.appendingPathComponent("mask.nii.gz").path, datatype: .uint8)
        }
        let cohort = try! CohortLoader.load(table: table, dictionary: simulator.dictionary).cohort
        return Made(folder: folder, images: images.path, cohort: cohort, table: table)
    }()

    static func settings(_ sequence: String = "ADC", size: Int = 24) -> PreprocessSettings {
        var s = PreprocessSettings()
        s.sequences = [sequence]
        s.outputSize = size
        return s
    }
}

@Suite("CNN slice dataset")
struct CNNDatasetTests {
    @Test("the same seed gives the same samples and batches whatever the thread count")
    func determinism() throws {
        let m = TinyImages.made
        let one = try CNNSliceDataset.load(images: m.images, cohort: m.cohort, splits: ["train"], settings: TinyImages.settings(), threads: 1)
        let four = try CNNSliceDataset.load(images: m.images, cohort: m.cohort, splits: ["train"], settings: TinyImages.settings(), threads: 4)
        #expect(one.samples == four.samples)
        #expect(one.patientIDs == four.patientIDs && one.samplePatients == four.samplePatients)
        #expect(one.samples.count == 3 * one.patientIDs.count)
        let order = one.epochBatches(epoch: 2, batchSize: 5, seed: 7)
        #expect(order == four.epochBatches(epoch: 2, batchSize: 5, seed: 7))
        #expect(order != one.epochBatches(epoch: 3, batchSize: 5, seed: 7))
        #expect(order != one.epochBatches(epoch: 2, batchSize: 5, seed: 8))
        #expect(order.allSatisfy { $0.count == 5 } && order.count == one.samples.count / 5)
        #expect(Set(order.joined()).count == order.count * 5)
        let partial = one.epochBatches(epoch: 2, batchSize: 5, seed: 7, keepPartial: true)
        #expect(partial.joined().sorted() == Array(one.samples.indices))
        let pass = AugmentPass(seed: 7, epoch: 2)
        #expect(one.batch(order[0], augment: pass) == four.batch(order[0], augment: pass))
        #expect(one.batch(order[0], augment: pass) != one.batch(order[0], augment: nil))
    }

    @Test("samples and augmentation equal the Preprocessor's own for each patient")
    func matchesPreprocessor() throws {
        let m = TinyImages.made
        let settings = TinyImages.settings("T2WI")
        let data = try CNNSliceDataset.load(images: m.images, cohort: m.cohort, splits: ["validation"], settings: settings)
        let id = data.patientIDs[0]
        let dir = (m.images as NSString).appendingPathComponent(id)
        let volume = try NIfTI.readVolume(dir + "/T2WI.nii.gz")
        let mask = try NIfTI.readVolume(dir + "/mask.nii.gz")
        let patient = PreprocessPatient(patientID: id, label: data.patientLabels[0], volumes: ["T2WI": volume], mask: mask)
        let pass = AugmentPass(seed: 3, epoch: 1)
        let reference = try Preprocessor(settings: settings).samples(patient, augment: pass).samples
        let mine = data.samples.indices.filter { data.samplePatients[$0] == 0 }
        #expect(data.batch(mine, augment: pass) == SliceBatch(reference))
        #expect(data.batch(mine, augment: nil) == SliceBatch(try Preprocessor(settings: settings).samples(patient).samples))
    }

    @Test("prefetching gives the batches of synchronous loading")
    func prefetch() throws {
        let m = TinyImages.made
        let data = try CNNSliceDataset.load(images: m.images, cohort: m.cohort, splits: ["train"], settings: TinyImages.settings())
        let order = data.epochBatches(epoch: 0, batchSize: 4, seed: 1)
        let pass = AugmentPass(seed: 1, epoch: 0)
        let prefetcher = BatchPrefetcher(count: order.count) { data.batch(order[$0], augment: pass) }
        var got: [SliceBatch] = []
        while let batch = prefetcher.next() {
            usleep(1000) // the caller "computes" while the next batch is prepared
            got.append(batch)
        }
        #expect(got == order.map { data.batch($0, augment: pass) })
        #expect(prefetcher.next() == nil)
    }

    @Test("balanced class weights are n / (K n_c) over patients")
    func classWeights() throws {
        let w = try CNNSliceDataset.balancedClassWeights(labels: [0, 0, 0, 1, 2, 2], classes: ClassSet(["SCC", "ACC", "ONB"]))
        #expect(w.count == 3)
        #expect(abs(w[0] - 6.0 / 9) < 1e-6 && abs(w[1] - 2) < 1e-6 && abs(w[2] - 1) < 1e-6)
        #expect(throws: ValidationError.self) {
            try CNNSliceDataset.balancedClassWeights(labels: [0, 0, 2], classes: ClassSet(["SCC", "ACC", "ONB"]))
        }
    }

    @Test("patient-level probabilities are the mean of the patient's slices")
    func patientAverage() {
        let slices: [[Double]] = [[0.2, 0.8], [0.4, 0.6], [1, 0], [0.5, 0.5], [0, 1]]
        let patients = CNNSliceDataset.patientAverage(slices, samplePatients: [0, 0, 1, 2, 2], patients: 3)
        #expect(patients.count == 3)
        #expect(abs(patients[0][0] - 0.3) < 1e-12 && abs(patients[0][1] - 0.7) < 1e-12)
        #expect(patients[1] == [1, 0])
        #expect(patients[2] == [0.25, 0.75])
    }

    @Test("flips mirror each plane by definition, and flipping twice is the identity")
    func flips() {
        let side = 3, planes = 2
        let images = (0..<(planes * side * side)).map(Float.init)
        let h = CNNInference.flipped(images, planes: planes, side: side, horizontal: true, vertical: false)
        let v = CNNInference.flipped(images, planes: planes, side: side, horizontal: false, vertical: true)
        let both = CNNInference.flipped(images, planes: planes, side: side, horizontal: true, vertical: true)
        for p in 0..<planes {
            for y in 0..<side {
                for x in 0..<side {
                    let at = p * 9 + y * 3 + x
                    #expect(h[at] == images[p * 9 + y * 3 + (2 - x)])
                    #expect(v[at] == images[p * 9 + (2 - y) * 3 + x])
                    #expect(both[at] == images[p * 9 + (2 - y) * 3 + (2 - x)])
                }
            }
        }
        #expect(CNNInference.flipped(both, planes: planes, side: side, horizontal: true, vertical: true) == images)
    }

    @Test("settings: the first selectable epoch must lie within the run; weight decay is not negative")
    func selectFrom() {
        var settings = CNNTrainingSettings()
        settings.epochs = 4
        settings.selectFrom = 4
        #expect(settings.problems.isEmpty)
        settings.selectFrom = 5
        settings.weightDecay = -1
        #expect(settings.problems.count == 2)
        // Unset, the key is not written, so earlier models and checkpoints keep their settings text.
        settings.selectFrom = nil
        settings.weightDecay = 1e-4
        #expect(!settings.canonicalJSON.contains("select_from"))
    }

    @Test("every missing image is reported at once")
    func missingFiles() throws {
        let m = TinyImages.made
        let copy = m.folder.appendingPathComponent("broken")
        try? FileManager.default.removeItem(at: copy)
        try FileManager.default.copyItem(atPath: m.images, toPath: copy.path)
        let validation = m.cohort.ids.indices.filter { m.cohort.splits?[$0] == "validation" }.map { m.cohort.ids[$0] }
        try FileManager.default.removeItem(at: copy.appendingPathComponent("\(validation[0])/ADC.nii.gz"))
        try FileManager.default.removeItem(at: copy.appendingPathComponent("\(validation[1])/ADC.nii.gz"))
        do {
            _ = try CNNSliceDataset.load(images: copy.path, cohort: m.cohort, splits: ["validation"], settings: TinyImages.settings())
            Issue.record("expected an error")
        } catch let error as ValidationError {
            #expect(error.problems.count == 2)
            #expect("\(error)".contains("\(validation[0])/ADC.nii.gz") && "\(error)".contains("\(validation[1])/ADC.nii.gz"))
        }
    }
}
