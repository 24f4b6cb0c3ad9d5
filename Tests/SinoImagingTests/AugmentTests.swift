import Foundation
import Testing

@testable import SinoImaging

@Suite("Augmentation")
struct AugmentTests {
    static let plane: [Float] = (0..<12).map { Float($0 * $0) - 3 } // 3 rows x 4 columns

    @Test("flips mirror columns and rows exactly")
    func flips() {
        let p: [Float] = [1, 2, 3, 4, 5, 6] // 2 x 3
        #expect(Augmenter.flip(p, height: 2, width: 3, horizontal: true, vertical: false) == [3, 2, 1, 6, 5, 4])
        #expect(Augmenter.flip(p, height: 2, width: 3, horizontal: false, vertical: true) == [4, 5, 6, 1, 2, 3])
        #expect(Augmenter.flip(p, height: 2, width: 3, horizontal: true, vertical: true) == [6, 5, 4, 3, 2, 1])
        #expect(Augmenter.flip(p, height: 2, width: 3, horizontal: false, vertical: false) == p)
    }

    @Test("rotation by 0 is the identity; by 90 degrees it turns the grid; nearest keeps mask values")
    func rotation() {
        #expect(Augmenter.rotate(Self.plane, height: 3, width: 4, degrees: 0, fill: -1, nearest: false) == Self.plane)
        #expect(Augmenter.rotate(Self.plane, height: 3, width: 4, degrees: 0, fill: 0, nearest: true) == Self.plane)
        // 3 x 3 turned by 90 degrees: output (x, y) takes input (x' = cx + (y - cy), y' = cy - (x - cx)).
        let square: [Float] = [1, 2, 3, 4, 5, 6, 7, 8, 9]
        let turned = Augmenter.rotate(square, height: 3, width: 3, degrees: 90, fill: 0, nearest: false)
        let expected: [Float] = [7, 4, 1, 8, 5, 2, 9, 6, 3]
        #expect(zip(turned, expected).allSatisfy { abs($0 - $1) < 1e-5 })
        #expect(Augmenter.rotate(square, height: 3, width: 3, degrees: 90, fill: 0, nearest: true) == expected)
        let mask: [Float] = (0..<64).map { $0 % 3 == 0 ? 1 : 0 }
        #expect(Augmenter.rotate(mask, height: 8, width: 8, degrees: 7.3, fill: 0, nearest: true).allSatisfy { $0 == 0 || $0 == 1 })
        // Pixels rotated in from outside take the fill value.
        let corners = Augmenter.rotate([Float](repeating: 5, count: 100), height: 10, width: 10, degrees: 45, fill: -2, nearest: false)
        #expect(corners[0] == -2 && corners[55] == 5)
    }

    @Test("same pass, same augmentation; another seed or epoch, another; none = identity")
    func determinism() throws {
        let patient = HandMade.patient()
        let preprocessor = try Preprocessor(settings: PreprocessorTests.exact { $0.outputSize = 16 })
        let plain = try preprocessor.samples(patient).samples
        let a = try preprocessor.samples(patient, augment: AugmentPass(seed: 11, epoch: 3))
        let b = try preprocessor.samples(patient, augment: AugmentPass(seed: 11, epoch: 3))
        #expect(a.samples == b.samples && a.record == b.record)
        let otherSeed = try preprocessor.samples(patient, augment: AugmentPass(seed: 12, epoch: 3)).samples
        let otherEpoch = try preprocessor.samples(patient, augment: AugmentPass(seed: 11, epoch: 4)).samples
        #expect(otherSeed != a.samples && otherEpoch != a.samples && plain != a.samples)
        // Each sample differs from its unaugmented version (the jitter alone changes every value).
        #expect(zip(a.samples, plain).allSatisfy { $0.planes != $1.planes })
        let seeds = a.record.augmentation!.map(\.seed)
        #expect(Set(seeds).count == seeds.count)
        let record = try #require(a.record.augmentation?.first)
        #expect(abs(record.rotationDegrees) <= 10 && record.scale.allSatisfy { abs($0 - 1) <= 0.1 } && record.shift.allSatisfy { abs($0) <= 0.1 })

        var identity = PreprocessorTests.exact { $0.outputSize = 16 }
        identity.augmentation = .none
        let unchanged = try Preprocessor(settings: identity).samples(patient, augment: AugmentPass(seed: 11, epoch: 3)).samples
        #expect(unchanged == plain)
    }

    @Test("a batch is identical for 1 and 2 threads; stacked channels hold the per-sequence planes")
    func batchesAndThreads() throws {
        let patients = (0..<5).map { HandMade.patient(id: "P\($0)") }
        let preprocessor = try Preprocessor(settings: PreprocessorTests.exact { $0.outputSize = 12 })
        let one = try preprocessor.batch(patients, augment: AugmentPass(seed: 5, epoch: 1), threads: 1)
        let two = try preprocessor.batch(patients, augment: AugmentPass(seed: 5, epoch: 1), threads: 2)
        #expect(one.batches == two.batches && one.records == two.records)
        #expect(one.batches.map(\.channels) == [["T2WI"], ["CE-T1WI"], ["ADC"]])
        #expect(one.batches[0].count == 15 && one.batches[0].images.count == 15 * 144 && one.batches[0].patientIDs[3] == "P1")

        let stacked = try Preprocessor(
            settings: PreprocessorTests.exact {
                $0.outputSize = 12; $0.stackSequences = true
            }
        )
        .batch(patients, threads: 2)
        #expect(stacked.batches.count == 1 && stacked.batches[0].channels == ["T2WI", "CE-T1WI", "ADC"])
        let plain = try preprocessor.batch(patients, threads: 1)
        let first = Array(stacked.batches[0].images[0..<(3 * 144)])
        #expect(first == plain.batches.flatMap { Array($0.images[0..<144]) })
        // The first failing patient (in input order) is reported, whatever the thread count.
        var broken = patients
        broken[3].mask.voxels = broken[3].mask.voxels.map { _ in 0 }
        broken[4].mask.voxels = broken[4].mask.voxels.map { _ in 0 }
        #expect(throws: PreprocessError.emptyMask(patient: "P3")) { try preprocessor.batch(broken, threads: 2) }
    }
}
