import Foundation

/// What `MaskChecks.checkMask` found: the ROI's bounding box, its voxel count, and the mask
/// resampled onto the image grid when `correctMask` had to correct it.
public struct MaskCheckResult: Sendable, Equatable {
    /// (Lx, Ux, Ly, Uy, Lz, Uz), inclusive, ITK order (`LabelStatisticsImageFilter.GetBoundingBox`).
    public var boundingBox: [Int]
    /// Voxels equal to the label.
    public var voxelCount: Int
    /// The mask on the image grid, when it had to be corrected (nil otherwise).
    public var correctedMask: RadiomicsImage?

    /// A result from its parts.
    public init(boundingBox: [Int], voxelCount: Int, correctedMask: RadiomicsImage?) {
        self.boundingBox = boundingBox
        self.voxelCount = voxelCount
        self.correctedMask = correctedMask
    }
}

/// PyRadiomics 3.0.1's mask checks: `imageoperations.getMask`, `checkMask` and `_correctMask`,
/// with the geometry comparison SimpleITK 2.5.7 / ITK 5.4 make before `LabelStatisticsImageFilter`.
public enum MaskChecks {
    /// `imageoperations.getMask`: the mask cast to UInt32 (C `static_cast`: integer values wrap
    /// modulo 2^32, fractions are truncated), rejected when it holds a single distinct value
    /// (3.0.1 also rejects a mask without background, e.g. all ones) or lacks `label`.
    public static func getMask(_ mask: RadiomicsImage, label: Int, file: String = "") throws -> RadiomicsImage {
        var values = mask.values
        // One pass: the cast, whether there are two distinct values, whether the label occurs.
        // The set of distinct values is built only for the messages. Unsigned masks hold whole
        // numbers in UInt32's range already: they are only read (no copy of the grid).
        let target = Double(label)
        var first = 0.0
        var twoValues = false
        var hasLabel = false
        func scan(_ v: UnsafeBufferPointer<Double>) {
            guard !v.isEmpty else { return }
            first = v[0]
            twoValues = ValueScan.firstIndex(differingFrom: first, in: v) < v.count
            if !hasLabel { hasLabel = ValueScan.firstIndex(of: target, in: v, from: 0, to: v.count) < v.count }
        }
        if mask.pixelType == .uint8 || mask.pixelType == .uint16 || mask.pixelType == .uint32 {
            values.withUnsafeBufferPointer(scan)
        } else {
            values.withUnsafeMutableBufferPointer { v in
                for i in v.indices {
                    let x = v[i]
                    let cast = x >= 0 && x <= 4_294_967_295 && x == x.rounded(.towardZero) ? x : uint32Cast(x)
                    v[i] = cast
                    if cast == target { hasLabel = true }
                }
                scan(UnsafeBufferPointer(v))
            }
        }
        if twoValues && hasLabel { return mask.withValues(values, pixelType: .uint32) }
        let distinct = Set(values)
        if !twoValues {
            let only = first
            let why =
                only == 0
                ? "the mask is empty: every voxel is 0 (nothing is segmented)"
                : "every mask voxel is \(Int(only)): PyRadiomics 3.0.1 rejects a mask with a single distinct value (no background)"
            throw RadiomicsError(.mask, file: file, why)
        }
        if !distinct.contains(Double(label)) {
            let present = distinct.filter { $0 != 0 }.sorted().map { String(Int($0)) }.joined(separator: ", ")
            throw RadiomicsError(.mask, file: file, "label \(label) is not in the mask; the labels present are \(present)")
        }
        return mask.withValues(values, pixelType: .uint32)
    }

    /// `static_cast<uint32_t>` of a pixel value.
    static func uint32Cast(_ v: Double) -> Double {
        guard v.isFinite else { return 0 }
        let t = v.rounded(.towardZero)
        if t >= 0 && t <= 4_294_967_295 { return t }
        guard Swift.abs(t) < 9.2e18 else { return 0 }
        let wrapped = Int64(t) & 0xFFFF_FFFF
        return Double(wrapped)
    }

    /// Why ITK 5.4's `ImageToImageFilter::VerifyInputInformation` would refuse this pair
    /// ("Inputs do not occupy the same physical space!"), or nil when it accepts it: origins and
    /// spacings must agree within |coordinateTolerance x image x-spacing| per component, direction
    /// cosines within directionTolerance (a difference equal to the tolerance passes). Both
    /// tolerances are SimpleITK's global 1e-6 unless PyRadiomics' `geometryTolerance` sets them.
    public static func geometryMismatch(image: RadiomicsImage, mask: RadiomicsImage, tolerance: Double? = nil) -> String? {
        let tol = tolerance ?? 1e-6
        let coordinate = Swift.abs(tol * image.spacing[0])
        func largest(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).map { Swift.abs($0 - $1) }.max() ?? 0 }
        var reasons: [String] = []
        let origin = largest(image.origin, mask.origin)
        if origin > coordinate { reasons.append("origin differs by \(origin) mm") }
        let spacing = largest(image.spacing, mask.spacing)
        if spacing > coordinate { reasons.append("spacing differs by \(spacing) mm") }
        let direction = largest(image.direction, mask.direction)
        if direction > tol { reasons.append("direction cosines differ by \(direction)") }
        guard !reasons.isEmpty else { return nil }
        return reasons.joined(separator: ", ") + "; allowed: \(coordinate) mm (geometryTolerance \(tol) x x-spacing \(image.spacing[0]) mm)"
            + (direction > tol ? " and \(tol) for directions" : "")
    }

    /// `imageoperations.checkMask`: the geometry check `LabelStatisticsImageFilter` makes (then,
    /// with `correctMask`, `_correctMask`), the label's presence, the number of dimensions in
    /// which the ROI is more than one voxel thick (0 is an error, fewer than
    /// `minimumROIDimensions` too) and, when `minimumROISize` is set, a voxel count greater than it.
    public static func checkMask(image: RadiomicsImage, mask: RadiomicsImage, settings: RadiomicsSettings, file: String = "") throws
        -> MaskCheckResult
    {
        try checkMask(image: image, mask: mask, settings: settings, file: file, region: nil)
    }

    /// `checkMask`, with the label's region in `mask` already known (`region`, used when the
    /// mask needs no correction).
    static func checkMask(image: RadiomicsImage, mask: RadiomicsImage, settings: RadiomicsSettings, file: String, region known: LabelRegion?) throws
        -> MaskCheckResult
    {
        let label = settings.label
        var working = mask
        var corrected: RadiomicsImage? = nil
        var problem: String? = nil
        if image.dimension != mask.dimension {
            problem = "the image is \(image.dimension)-D and the mask \(mask.dimension)-D (PyRadiomics: image/mask datatype or size mismatch)"
        } else if image.size != mask.size {
            problem = "the mask's size \(mask.size) differs from the image's \(image.size)"
        } else if let reason = geometryMismatch(image: image, mask: mask, tolerance: settings.geometryTolerance) {
            problem = "image and mask do not occupy the same physical space (\(reason))"
        }
        if let problem {
            guard settings.correctMask else {
                throw RadiomicsError(.geometry, file: file, problem + "; set correctMask to resample the mask onto the image, or geometryTolerance")
            }
            let onImage = try correctMask(image: image, mask: mask, label: label, file: file)
            corrected = onImage
            working = onImage
        }
        guard let region = corrected == nil ? known ?? LabelRegion(mask: working, label: label) : LabelRegion(mask: working, label: label) else {
            throw RadiomicsError(.mask, file: file, "label \(label) is not present in the mask")
        }
        let box = region.boundingBox
        let dims = (0..<3).filter { box[2 * $0 + 1] - box[2 * $0] + 1 > 1 }.count
        if dims == 0 {
            throw RadiomicsError(.roiTooSmall, file: file, "the ROI is a single voxel; features cannot be extracted from one voxel")
        }
        if dims < settings.minimumROIDimensions {
            throw RadiomicsError(
                .roiTooSmall, file: file,
                "the ROI extends in \(dims) dimension\(dims == 1 ? "" : "s"); minimumROIDimensions asks for \(settings.minimumROIDimensions)")
        }
        let count = region.count
        if let minimum = settings.minimumROISize, count <= minimum {
            throw RadiomicsError(
                .roiTooSmall, file: file, "the ROI has \(count) voxels; minimumROISize \(minimum) asks for more than \(minimum)")
        }
        return MaskCheckResult(boundingBox: box, voxelCount: count, correctedMask: corrected)
    }

    /// `imageoperations._correctMask`: `_checkROI` (the ROI must lie within the image's physical
    /// extent), then the mask resampled onto the image grid with nearest neighbour, its pixel
    /// type kept.
    public static func correctMask(image: RadiomicsImage, mask: RadiomicsImage, label: Int, file: String = "") throws -> RadiomicsImage {
        do {
            _ = try Resampling.checkROI(image: image, mask: mask, label: label)
        } catch var error as RadiomicsError {
            error.file = file
            throw error
        }
        var onImage = Resampling.resample(mask, onto: ImageGrid(of: image), interpolator: .nearestNeighbor, pixelType: mask.pixelType)
        onImage.dimension = image.dimension
        return onImage
    }
}
