import Foundation
import SinoData

/// The images of a study laid out as `<root>/<patient_id>/<SEQ>.nii.gz` (or `.nii`, `.nrrd`, `.nhdr`) with an
/// ROI mask per patient (`mask.nii.gz`, shared by every sequence) or per sequence
/// (`<SEQ>_mask.nii.gz`, preferred when both exist); see data-schema/images.md.
///
/// `check` reads every file and lists every problem at once: missing folders, images and
/// masks, unreadable or invalid files, masks off their image's grid, empty masks.
public struct ImageManifest: Sendable, Encodable {
    public static let defaultSequences = ["T2WI", "CE-T1WI", "ADC"]
    /// The file endings looked for, in order of preference.
    public static let extensions = ["nii.gz", "nii", "nrrd", "nhdr"]

    /// Reads a NIfTI or NRRD image (by its extension) as a volume.
    public static func readVolume(_ path: String) throws -> Volume {
        NRRD.handles(path) ? try NRRD.readVolume(path) : try NIfTI.readVolume(path)
    }

    /// One patient's image of one sequence, with the mask that goes with it.
    public struct Entry: Sendable, Equatable, Encodable {
        public var patientID: String
        public var sequence: String
        /// Path of the image, nil when missing.
        public var image: String?
        /// Path of the mask used for it, nil when missing.
        public var mask: String?
        /// Shape, voxel size (mm) and orientation codes of the image, when it could be read.
        public var shape: [Int]?
        public var spacing: [Double]?
        public var orientation: String?
        /// Voxels inside the mask, when it is valid.
        public var maskVoxels: Int?
    }

    public var root: String
    public var sequences: [String]
    public var entries: [Entry]
    public var problems: [Problem]
    public var isValid: Bool { problems.isEmpty }

    /// JSON (data-schema/images_manifest.schema.json): the entries and every problem with its
    /// file, message and expectation.
    public func encode(to encoder: any Encoder) throws {
        struct ProblemRecord: Encodable {
            var file: String?
            var message: String
            var expected: String?
        }
        enum Keys: String, CodingKey { case root, sequences, patients, valid, entries, problems }
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(root, forKey: .root)
        try c.encode(sequences, forKey: .sequences)
        try c.encode(Set(entries.map(\.patientID)).count, forKey: .patients)
        try c.encode(isValid, forKey: .valid)
        try c.encode(entries, forKey: .entries)
        try c.encode(problems.map { ProblemRecord(file: $0.file, message: $0.message, expected: $0.expected) }, forKey: .problems)
    }

    init(root: String, sequences: [String]) {
        self.root = root
        self.sequences = sequences
        self.entries = []
        self.problems = []
    }

    /// Finds, reads and cross-checks every image and mask of `patients` x `sequences`.
    public static func check(root: String, patients: [String], sequences: [String] = defaultSequences) -> ImageManifest {
        var manifest = ImageManifest(root: root, sequences: sequences)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else {
            manifest.problems.append(
                Problem(
                    file: root, message: "the images folder does not exist",
                    expected: "a folder with one sub-folder per patient"))
            return manifest
        }
        for patient in patients {
            manifest.checkPatient(patient)
        }
        return manifest
    }

    private mutating func checkPatient(_ patient: String) {
        let folder = (root as NSString).appendingPathComponent(patient)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            problems.append(
                Problem(
                    file: folder, message: "no image folder for patient \(patient)",
                    expected: "\(sequences.map { "\($0).nii.gz" }.joined(separator: ", ")) and mask.nii.gz in it"))
            entries += sequences.map { Entry(patientID: patient, sequence: $0) }
            return
        }
        let listing = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        let shared = locate("mask", in: folder, listing: listing)
        var sharedMask: Result<NIfTIImage, any Error>?
        var sharedReported = false
        var missingMasks: [String] = []
        for sequence in sequences {
            var entry = Entry(patientID: patient, sequence: sequence)
            defer { entries.append(entry) }
            let own = locate("\(sequence)_mask", in: folder, listing: listing)
            guard let imagePath = locate(sequence, in: folder, listing: listing) else {
                problems.append(
                    Problem(
                        file: (folder as NSString).appendingPathComponent("\(sequence).nii.gz"),
                        message: "missing \(sequence) image of patient \(patient)\(others(listing))",
                        expected: "\(sequence).nii.gz, \(sequence).nii, \(sequence).nrrd or \(sequence).nhdr"))
                continue
            }
            entry.image = imagePath
            let image: Volume
            do {
                if NRRD.handles(imagePath) {
                    let file = try NRRD.read(imagePath)
                    image = file.volume()
                    entry.shape = file.shape
                    entry.orientation = file.orientation
                } else {
                    let file = try NIfTI.read(imagePath)
                    image = file.volume()
                    entry.shape = file.shape
                    entry.orientation = file.orientation
                }
                entry.spacing = image.spacing
            } catch {
                problems.append(problem(error, imagePath))
                continue
            }
            // The sequence's own mask, else the patient's shared one (read once).
            guard let maskPath = own ?? shared else { missingMasks.append(sequence); continue }
            entry.mask = maskPath
            do {
                if NRRD.handles(maskPath) {
                    entry.maskVoxels = try ROIMask.load(maskPath, for: image, imagePath: imagePath).voxelCount
                    continue
                }
                let file: NIfTIImage
                if let own {
                    file = try NIfTI.read(own)
                } else {
                    if sharedMask == nil { sharedMask = Result { try NIfTI.read(maskPath) } }
                    guard case .success(let read) = sharedMask! else {
                        if !sharedReported, case .failure(let error) = sharedMask! { problems.append(problem(error, maskPath)) }
                        sharedReported = true
                        continue
                    }
                    file = read
                }
                entry.maskVoxels = try ROIMask(file, for: image, imagePath: imagePath).voxelCount
            } catch {
                // A shared mask that is empty is one problem, not one per sequence.
                let found = problem(error, maskPath)
                if !problems.contains(found) { problems.append(found) }
            }
        }
        if !missingMasks.isEmpty {
            problems.append(
                Problem(
                    file: (folder as NSString).appendingPathComponent("mask.nii.gz"),
                    message: "no ROI mask of patient \(patient) for \(missingMasks.joined(separator: ", "))",
                    expected: "mask.nii.gz (all sequences) or <SEQ>_mask.nii.gz, e.g. \(missingMasks[0])_mask.nii.gz"))
        }
    }

    /// `<name>.nii.gz`, `.nii`, `.nrrd` or `.nhdr` in the folder (more than one is ambiguous:
    /// reported, the first in that order is used).
    private mutating func locate(_ name: String, in folder: String, listing: [String]) -> String? {
        let found = Self.extensions.map { "\(name).\($0)" }.filter(listing.contains)
        for other in found.dropFirst() {
            problems.append(
                Problem(
                    file: (folder as NSString).appendingPathComponent(other),
                    message: "both \(found[0]) and \(other) exist; \(found[0]) is used",
                    expected: "one file per image"))
        }
        return found.first.map { (folder as NSString).appendingPathComponent($0) }
    }

    /// " (the folder has: a.nii.gz, b.nii)" to help spot a misnamed file.
    private func others(_ listing: [String]) -> String {
        let names = sequences.flatMap { [$0, "\($0)_mask"] } + ["mask"]
        let expected = Set(names.flatMap { name in Self.extensions.map { "\(name).\($0)" } })
        let unknown = listing.filter { file in Self.extensions.contains { file.hasSuffix(".\($0)") } && !expected.contains(file) }.sorted()
        return unknown.isEmpty ? "" : " (the folder has: \(unknown.joined(separator: ", ")))"
    }

    private func problem(_ error: any Error, _ path: String) -> Problem {
        if let error = error as? NIfTIError { return error.problem }
        if let error = error as? NRRDError { return error.problem }
        return Problem(file: path, message: "\(error)")
    }

    /// Throws every problem at once (a `ValidationError`) when there is any.
    public func validated() throws -> ImageManifest {
        guard isValid else { throw ValidationError(problems) }
        return self
    }
}
