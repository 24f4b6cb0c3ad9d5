import Foundation

/// A region of interest drawn on an image: a binary volume (1 inside, 0 outside) on the
/// image's voxel grid.
public struct ROIMask: Sendable, Equatable {
    /// The mask file it came from.
    public var path: String
    /// 1 where the mask file's (scaled) value is > 0, else 0; the image's grid.
    public var volume: Volume
    /// Voxels inside the region.
    public var voxelCount: Int

    /// Binarises `volume` (> 0 is inside).
    public init(path: String, binarising volume: Volume) {
        self.path = path
        var binary = volume
        binary.voxels = volume.voxels.map { $0 > 0 ? 1 : 0 }
        self.volume = binary
        self.voxelCount = binary.voxels.reduce(0) { $0 + Int($1) }
    }

    /// Selects one label of a segmentation (PyRadiomics' `label` setting): 1 where the value
    /// equals `label`, else 0.
    public init(path: String, selecting label: Int, in volume: Volume) {
        self.path = path
        var binary = volume
        binary.voxels = volume.voxels.map { $0 == Float(label) ? 1 : 0 }
        self.volume = binary
        self.voxelCount = binary.voxels.reduce(0) { $0 + Int($1) }
    }

    /// Reads the mask at `path` (NIfTI, or NRRD by its .nrrd / .nhdr extension) for the image
    /// read from `imagePath` and checks that it lies on the image's grid (shape of the first
    /// three axes, affine within 1e-4 mm) and is not empty. Without a `label` every voxel > 0
    /// is inside; with one, only the voxels of that label (a multi-label segmentation).
    public static func load(_ path: String, for image: Volume, imagePath: String, label: Int? = nil) throws -> ROIMask {
        if NRRD.handles(path) {
            let volume = try NRRD.readVolume(path)
            try checkGrid(volume, path: path, image: image, imagePath: imagePath)
            return try ROIMask(path: path, checked: volume, label: label)
        }
        return try ROIMask(NIfTI.read(path), for: image, imagePath: imagePath, label: label)
    }

    /// Checks an already-read mask file against an image (see `load(_:for:imagePath:label:)`).
    public init(_ file: NIfTIImage, for image: Volume, imagePath: String, label: Int? = nil) throws {
        let path = file.path
        guard file.shape.count <= 3 || file.shape[3...].allSatisfy({ $0 == 1 }) else {
            throw NIfTIError(
                .gridMismatch, file: path, otherFile: imagePath,
                "the mask has shape \(Self.describe(file.shape)), more than one volume",
                expected: "a 3-D mask on the grid of \(imagePath) (\(Self.describe(Array(image.shape.prefix(3)))))")
        }
        var volume = file.volume()
        volume.shape = Array(volume.shape.prefix(3))
        try Self.checkGrid(volume, path: path, image: image, imagePath: imagePath)
        try self.init(path: path, checked: volume, label: label)
    }

    /// Binarises (or selects `label` in) a mask already checked against its image's grid;
    /// an empty result is an error naming the file (and the labels it has).
    init(path: String, checked volume: Volume, label: Int?) throws {
        guard let label else {
            self.init(path: path, binarising: volume)
            guard voxelCount > 0 else {
                throw NIfTIError(
                    .emptyMask, file: path, "the mask is empty (no voxel > 0 among \(volume.count))",
                    expected: "at least one voxel of the region of interest (value > 0)")
            }
            return
        }
        self.init(path: path, selecting: label, in: volume)
        guard voxelCount > 0 else {
            let present = Set(volume.voxels.filter { $0 != 0 }).sorted().prefix(20).map { $0 == $0.rounded() && abs($0) < 1e15 ? String(Int($0)) : "\($0)" }
            throw NIfTIError(
                .emptyMask, file: path, "no voxel has label \(label) (labels present: \(present.isEmpty ? "none" : present.joined(separator: ", ")))",
                expected: "at least one voxel with the value \(label)")
        }
    }

    /// The error naming both files when `mask` is not on `image`'s grid.
    static func checkGrid(_ mask: Volume, path: String, image: Volume, imagePath: String) throws {
        guard !mask.sameGrid(as: image) else { return }
        let maskShape = Array(mask.shape.prefix(3)), imageShape = Array(image.shape.prefix(3))
        let what =
            maskShape != imageShape
            ? "shape \(describe(maskShape)), the image \(imagePath) has shape \(describe(imageShape))"
            : "affine \(describe(mask.affine)), the image \(imagePath) has affine \(describe(image.affine))"
        throw NIfTIError(
            .gridMismatch, file: path, otherFile: imagePath,
            "the mask is not on the grid of its image: the mask has \(what)",
            expected: "the same shape and affine (within 1e-4 mm) as \(imagePath); resample the mask onto the image")
    }

    static func describe(_ shape: [Int]) -> String { shape.map(String.init).joined(separator: "x") }

    static func describe(_ affine: [[Double]]) -> String {
        "[" + affine.prefix(3).map { row in row.map { String(format: "%.4g", $0) }.joined(separator: " ") }.joined(separator: "; ") + "]"
    }
}
