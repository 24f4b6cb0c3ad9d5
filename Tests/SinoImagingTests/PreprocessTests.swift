import Foundation
import TestSupport
import Testing

@testable import SinoImaging

/// Small hand-made volumes (identity affine) for exact checks of each step.
enum HandMade {
    static let identity: [[Double]] = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]

    static func volume(_ nx: Int, _ ny: Int, _ nz: Int, _ value: (Int, Int, Int) -> Float) -> Volume {
        var voxels: [Float] = []
        for z in 0..<nz { for y in 0..<ny { for x in 0..<nx { voxels.append(value(x, y, z)) } } }
        return Volume(shape: [nx, ny, nz], spacing: [1, 1, 1], affine: identity, voxels: voxels)
    }

    /// 8 x 8 x 5: an ROI of 2 x 2 voxels on slices 1 and 3 and 3 x 3 on slice 2, at x 3-5, y 2-4.
    static func patient(id: String = "P1") -> PreprocessPatient {
        let mask = volume(8, 8, 5) { x, y, z in
            switch z {
            case 2: return (3...5).contains(x) && (2...4).contains(y) ? 1 : 0
            case 1, 3: return (3...4).contains(x) && (2...3).contains(y) ? 1 : 0
            default: return 0
            }
        }
        let t2 = volume(8, 8, 5) { x, y, z in Float(x + 2 * y + 10 * z) }
        let ce = volume(8, 8, 5) { x, y, z in Float(x * y) - Float(z) }
        let adc = volume(8, 8, 5) { x, y, z in Float(1000 + 50 * x - 20 * y + z) }
        return PreprocessPatient(patientID: id, label: 2, volumes: ["T2WI": t2, "CE-T1WI": ce, "ADC": adc], mask: mask)
    }
}

@Suite("Preprocessing steps on hand-made volumes")
struct PreprocessStepTests {
    @Test("the largest-area slice is the first maximum; neighbours are clipped at the ends")
    func sliceSelection() {
        #expect(PreprocessSteps.largestSlice([0, 3, 5, 5, 1]) == 2)
        #expect(PreprocessSteps.largestSlice([0, 0, 0]) == 0)
        #expect(PreprocessSteps.selectSlices(center: 2, neighbours: 1, sliceCount: 5) == [1, 2, 3])
        #expect(PreprocessSteps.selectSlices(center: 0, neighbours: 2, sliceCount: 5) == [0, 1, 2])
        #expect(PreprocessSteps.selectSlices(center: 4, neighbours: 1, sliceCount: 5) == [3, 4])
        #expect(PreprocessSteps.selectSlices(center: 1, neighbours: 0, sliceCount: 5) == [1])
        #expect(PreprocessSteps.roiAreas(HandMade.patient().mask) == [0, 4, 9, 4, 0])
    }

    @Test("bounding box over the union of the selected slices")
    func boundingBox() {
        let mask = HandMade.volume(6, 7, 3) { x, y, z in
            (z == 1 && y == 3 && (x == 2 || x == 4)) || (z == 2 && x == 3 && (y == 1 || y == 5)) ? 1 : 0
        }
        #expect(PreprocessSteps.boundingBox(mask, slices: [1, 2]) == PixelBox(xMin: 2, xMax: 4, yMin: 1, yMax: 5))
        #expect(PreprocessSteps.boundingBox(mask, slices: [2]) == PixelBox(xMin: 3, xMax: 3, yMin: 1, yMax: 5))
        #expect(PreprocessSteps.boundingBox(mask, slices: [0]) == nil)
    }

    @Test("square crop: margin, growth of the shorter side, shift inside or padding at the edges")
    func squareCrop() {
        let roi = PixelBox(xMin: 2, xMax: 4, yMin: 1, yMax: 5) // 3 wide, 5 high
        var (box, padded) = PreprocessSteps.squareCrop(roi, margin: 1, width: 10, height: 10, edge: .shift)
        #expect(box == PixelBox(xMin: 0, xMax: 6, yMin: 0, yMax: 6) && !padded)
        (box, padded) = PreprocessSteps.squareCrop(roi, margin: 1, width: 10, height: 10, edge: .pad)
        #expect(box == PixelBox(xMin: 0, xMax: 6, yMin: 0, yMax: 6) && !padded)
        // Larger than the 8 x 8 image: centred, padded.
        (box, padded) = PreprocessSteps.squareCrop(roi, margin: 3, width: 8, height: 8, edge: .shift)
        #expect(box == PixelBox(xMin: -2, xMax: 8, yMin: -2, yMax: 8) && padded)
        // At the corner: .shift moves the box inside, .pad keeps it centred and pads.
        let corner = PixelBox(xMin: 0, xMax: 1, yMin: 8, yMax: 9)
        (box, padded) = PreprocessSteps.squareCrop(corner, margin: 2, width: 10, height: 10, edge: .shift)
        #expect(box == PixelBox(xMin: 0, xMax: 5, yMin: 4, yMax: 9) && !padded)
        (box, padded) = PreprocessSteps.squareCrop(corner, margin: 2, width: 10, height: 10, edge: .pad)
        #expect(box == PixelBox(xMin: -2, xMax: 3, yMin: 6, yMax: 11) && padded)
        // Odd growth: the extra voxel goes after the box.
        (box, _) = PreprocessSteps.squareCrop(PixelBox(xMin: 4, xMax: 5, yMin: 4, yMax: 6), margin: 0, width: 20, height: 20, edge: .shift)
        #expect(box == PixelBox(xMin: 4, xMax: 6, yMin: 4, yMax: 6))
        #expect(PreprocessSteps.margin(for: roi, voxels: 10, fraction: 0) == 10)
        #expect(PreprocessSteps.margin(for: roi, voxels: 1, fraction: 0.25) == 3) // 1 + ceil(1.25)
    }

    @Test("crop copies the box and pads outside the image")
    func crop() {
        let volume = HandMade.volume(4, 3, 2) { x, y, z in Float(x + 10 * y + 100 * z) }
        let plane = PreprocessSteps.crop(volume, slice: 1, box: PixelBox(xMin: -1, xMax: 1, yMin: 1, yMax: 3), padValue: -5)
        #expect(plane == [-5, 110, 111, -5, 120, 121, -5, -5, -5])
        let inside = PreprocessSteps.crop(volume, slice: 0, box: PixelBox(xMin: 2, xMax: 3, yMin: 0, yMax: 1), padValue: 0)
        #expect(inside == [2, 3, 12, 13])
        let outside = PreprocessSteps.crop(volume, slice: 0, box: PixelBox(xMin: 5, xMax: 6, yMin: 0, yMax: 1), padValue: 7)
        #expect(outside == [7, 7, 7, 7])
    }
}

@Suite("Preprocessor on a hand-made patient")
struct PreprocessorTests {
    /// Settings whose output size equals the crop (identity resampling), for exact checks.
    static func exact(_ change: (inout PreprocessSettings) -> Void = { _ in }) -> PreprocessSettings {
        var settings = PreprocessSettings()
        settings.marginVoxels = 1
        settings.outputSize = 5
        change(&settings)
        return settings
    }

    @Test("slices, boxes and a z-score inside the ROI, recorded")
    func zScoreInsideROI() throws {
        let patient = HandMade.patient()
        let (samples, record) = try Preprocessor(settings: Self.exact()).samples(patient)
        #expect(record.largestSlice == 2 && record.slices == [1, 2, 3] && record.roiArea == [4, 9, 4])
        #expect(record.roiBox == PixelBox(xMin: 3, xMax: 5, yMin: 2, yMax: 4))
        #expect(record.cropBox == PixelBox(xMin: 2, xMax: 6, yMin: 1, yMax: 5) && !record.padded)
        #expect(samples.count == 9 && samples.map(\.channels) == Array(repeating: [["T2WI"], ["CE-T1WI"], ["ADC"]], count: 3).flatMap { $0 })
        // Mean and population SD of the 17 ROI voxels of each sequence, by direct enumeration.
        for (c, sequence) in ["T2WI", "CE-T1WI", "ADC"].enumerated() {
            let volume = patient.volumes[sequence]!
            var roi: [Double] = []
            for n in 0..<volume.count where patient.mask.voxels[n] > 0 { roi.append(Double(volume.voxels[n])) }
            let mean = roi.reduce(0, +) / Double(roi.count)
            let sd = (roi.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(roi.count)).squareRoot()
            let normalisation = try #require(record.normalisation[sequence])
            #expect(normalisation.voxels == 17 && normalisation.mode == .zScore)
            #expect(isClose(normalisation.mean!, mean, rel: 1e-12) && isClose(normalisation.sd!, sd, rel: 1e-12))
            for (s, z) in [1, 2, 3].enumerated() {
                let sample = samples[3 * s + c]
                #expect(sample.slice == z && sample.label == 2 && sample.patientID == "P1")
                for y in 0..<5 {
                    for x in 0..<5 {
                        let expected = Float((Double(volume[x + 2, y + 1, z]) - mean) / sd)
                        #expect(abs(sample.planes[5 * y + x] - expected) <= 1e-6 * max(1, abs(expected)))
                        #expect(sample.mask[5 * y + x] == patient.mask[x + 2, y + 1, z])
                    }
                }
            }
        }
    }

    @Test("outside_roi zero: 0 outside the resampled mask, the kept image inside")
    func outsideROIZero() throws {
        let patient = HandMade.patient()
        var zero = Self.exact()
        zero.outsideROI = .zero
        let kept = try Preprocessor(settings: Self.exact()).samples(patient).samples
        let masked = try Preprocessor(settings: zero).samples(patient).samples
        #expect(kept.count == masked.count)
        var inside = 0, outside = 0
        for (k, m) in zip(kept, masked) {
            #expect(k.mask == m.mask)
            for i in k.planes.indices {
                if k.mask[i] > 0 { #expect(m.planes[i] == k.planes[i]); inside += 1 } else { #expect(m.planes[i] == 0); outside += 1 }
            }
        }
        #expect(inside == 3 * 17 && outside == 9 * 25 - 3 * 17)
        let decoded = try JSONDecoder().decode(PreprocessSettings.self, from: Data(#"{"outside_roi": "zero"}"#.utf8))
        #expect(decoded.outsideROI == .zero && PreprocessSettings().outsideROI == .keep)
    }

    @Test("percentile clipping: p1-p99 of the ROI scaled to [0, 1] and clipped")
    func percentileClipping() throws {
        let patient = HandMade.patient()
        let settings = Self.exact {
            $0.normalisation = .percentile; $0.lowerPercentile = 10; $0.upperPercentile = 90
        }
        let (samples, record) = try Preprocessor(settings: settings).samples(patient)
        let t2 = patient.volumes["T2WI"]!
        var roi: [Double] = []
        for n in 0..<t2.count where patient.mask.voxels[n] > 0 { roi.append(Double(t2.voxels[n])) }
        roi.sort()
        let low = PreprocessSteps.percentile(sorted: roi, 10), high = PreprocessSteps.percentile(sorted: roi, 90)
        let normalisation = try #require(record.normalisation["T2WI"])
        #expect(normalisation.low == low && normalisation.high == high && normalisation.percentiles == [10, 90])
        for (s, z) in [1, 2, 3].enumerated() {
            let plane = samples[3 * s].planes // T2WI
            for y in 0..<5 {
                for x in 0..<5 {
                    let expected = Float(min(max((Double(t2[x + 2, y + 1, z]) - low) / (high - low), 0), 1))
                    #expect(abs(plane[5 * y + x] - expected) <= 1e-6)
                }
            }
            #expect(plane.allSatisfy { (0...1).contains($0) })
        }
        #expect(samples[0].planes.contains(0) && samples[6].planes.contains(1))
    }

    @Test("crop region statistics, stacked channels and padding at the edge")
    func stackedAndCropRegion() throws {
        let patient = HandMade.patient()
        let settings = Self.exact {
            $0.stackSequences = true; $0.statisticsRegion = .crop; $0.marginVoxels = 4; $0.outputSize = 11; $0.edge = .pad
        }
        let (samples, record) = try Preprocessor(settings: settings).samples(patient)
        #expect(record.cropBox == PixelBox(xMin: -1, xMax: 9, yMin: -2, yMax: 8) && record.padded)
        #expect(samples.count == 3 && samples.allSatisfy { $0.channels == ["T2WI", "CE-T1WI", "ADC"] && $0.planes.count == 3 * 121 })
        #expect(record.normalisation["T2WI"]!.voxels == 3 * 64) // every in-image voxel of the 3 slices
        // Padded pixels hold (padValue - mean) / sd.
        let t2 = record.normalisation["T2WI"]!
        #expect(abs(samples[0].planes[0] - Float((0 - t2.mean!) / t2.sd!)) <= 1e-6)
    }

    @Test("empty mask, foreign grid, NaN voxels, missing sequence and constant ROI are typed errors naming the patient")
    func errors() throws {
        let preprocessor = try Preprocessor(settings: Self.exact())
        var patient = HandMade.patient(id: "SYN0042")
        patient.mask.voxels = patient.mask.voxels.map { _ in 0 }
        #expect(throws: PreprocessError.emptyMask(patient: "SYN0042")) { try preprocessor.samples(patient) }

        patient = HandMade.patient(id: "SYN0042")
        patient.volumes["ADC"] = HandMade.volume(8, 7, 5) { _, _, _ in 1 }
        #expect(throws: PreprocessError.gridMismatch(patient: "SYN0042", sequence: "ADC", shape: [8, 7, 5], maskShape: [8, 8, 5])) {
            try preprocessor.samples(patient)
        }
        patient = HandMade.patient(id: "SYN0042")
        patient.volumes["CE-T1WI"]!.affine[0][3] = 2
        #expect(throws: PreprocessError.gridMismatch(patient: "SYN0042", sequence: "CE-T1WI", shape: [8, 8, 5], maskShape: [8, 8, 5])) {
            try preprocessor.samples(patient)
        }
        patient = HandMade.patient(id: "SYN0042")
        patient.volumes["CE-T1WI"]![1, 2, 3] = .nan
        patient.volumes["CE-T1WI"]![7, 7, 4] = .infinity
        let error = #expect(throws: PreprocessError.self) { try preprocessor.samples(patient) }
        #expect(error == .nonFiniteVoxels(patient: "SYN0042", sequence: "CE-T1WI", count: 2, firstIndex: 1 + 8 * (2 + 8 * 3)))
        #expect(error.map(String.init(describing:))?.contains("patient SYN0042, CE-T1WI: 2 NaN or infinite voxel(s)") == true)

        patient = HandMade.patient(id: "SYN0042")
        patient.volumes["T2WI"] = nil
        #expect(throws: PreprocessError.missingSequence(patient: "SYN0042", sequence: "T2WI", available: ["ADC", "CE-T1WI"])) {
            try preprocessor.samples(patient)
        }
        patient = HandMade.patient(id: "SYN0042")
        patient.volumes["ADC"] = HandMade.volume(8, 8, 5) { _, _, _ in 800 }
        #expect(throws: PreprocessError.constantIntensity(patient: "SYN0042", sequence: "ADC", value: 800)) {
            try preprocessor.samples(patient)
        }
        var bad = PreprocessSettings()
        bad.neighbours = -1
        bad.upperPercentile = 120
        #expect(throws: PreprocessError.self) { try Preprocessor(settings: bad) }
        #expect(bad.problems?.contains("neighbours is -1") == true && bad.problems?.contains("percentiles") == true)
    }

    @Test("settings decode from partial JSON with defaults, round-trip, and the record is JSON")
    func settingsAndRecordJSON() throws {
        let json = #"{"neighbours": 2, "normalisation": "percentile", "augmentation": {"max_rotation_degrees": 5}}"#
        let settings = try JSONDecoder().decode(PreprocessSettings.self, from: Data(json.utf8))
        var expected = PreprocessSettings()
        expected.neighbours = 2
        expected.normalisation = .percentile
        expected.augmentation.maxRotation = 5
        #expect(settings == expected)
        let encoded = try JSONEncoder().encode(settings)
        #expect(try JSONDecoder().decode(PreprocessSettings.self, from: encoded) == settings)
        #expect(String(decoding: encoded, as: UTF8.self).contains("\"margin_voxels\":10"))

        let (_, record) = try Preprocessor(settings: PreprocessorTests.exact()).samples(HandMade.patient(), augment: AugmentPass(seed: 1, epoch: 0))
        let data = try JSONEncoder().encode(record)
        #expect(try JSONDecoder().decode(PreprocessRecord.self, from: data) == record)
        let object = try #require(try Fixtures.parseJSON(data) as? [String: Any])
        #expect(object["patient_id"] as? String == "P1" && (object["crop_box"] as? [String: Int])?["x_min"] == 2)
        #expect((object["augmentation"] as? [Any])?.count == 9)
    }
}
