import Foundation

/// PyRadiomics 3.0.1's resampling and cropping (`imageoperations.resampleImage`, `_checkROI`,
/// `cropToTumorMask`) on SimpleITK 2.5.7's arithmetic.
public enum Resampling {
    /// `imageoperations.resampleImage`: image and mask resampled to
    /// `settings.resampledPixelSpacing` on a grid aligned with the **mask** (its direction, its
    /// voxel corner at index -0.5), covering the ROI's bounding box plus `padDistance` voxels of
    /// the new grid, clipped to the mask's extent. The image is interpolated with
    /// `settings.interpolator` and keeps its pixel type; the mask uses nearest neighbour and keeps
    /// its type (UInt32 after `getMask`).
    ///
    /// A spacing of 0 keeps the mask's spacing on that axis; an axis on which the ROI is one voxel
    /// thick is never resampled. When the image spacing already equals the requested one
    /// (`numpy.allclose`: |image - requested| <= 1e-8 + 1e-5 |requested|) nothing is
    /// interpolated: the mask is resampled onto the image grid and both are cropped to the ROI's
    /// box plus `padDistance`.
    ///
    /// Throws when the ROI reaches beyond the image (`_checkROI`) or the label is absent.
    public static func resample(image: RadiomicsImage, mask: RadiomicsImage, settings: RadiomicsSettings) throws
        -> (image: RadiomicsImage, mask: RadiomicsImage)
    {
        guard let requestedSpacing = settings.resampledPixelSpacing, let interpolator = settings.interpolator else {
            throw RadiomicsError(.settings, file: "", "resampling needs both resampledPixelSpacing and interpolator")
        }
        let dimension = mask.dimension
        guard requestedSpacing.count == dimension else {
            throw RadiomicsError(
                .settings, file: "",
                "resampledPixelSpacing has \(requestedSpacing.count) values but the mask is \(dimension)-D; give one spacing per axis")
        }
        let label = settings.label
        let maskSpacing = mask.spacing
        var spacing = (0..<3).map { d in d < requestedSpacing.count && requestedSpacing[d] != 0 ? requestedSpacing[d] : maskSpacing[d] }
        let roi = try checkROI(image: image, mask: mask, label: label)
        for d in 0..<3 where roi.size[d] == 1 { spacing[d] = maskSpacing[d] }

        let allClose = (0..<3).allSatisfy { Swift.abs(image.spacing[$0] - spacing[$0]) <= 1e-8 + 1e-5 * Swift.abs(spacing[$0]) }
        if allClose {
            let onImage = resample(mask, onto: ImageGrid(of: image), interpolator: .nearestNeighbor, pixelType: mask.pixelType)
            guard let box = boundingBox(mask: onImage, label: label) else {
                throw RadiomicsError(.mask, file: "", "label \(label) has no voxel left once the mask is put on the image grid")
            }
            return cropToTumorMask(image, onImage, box, padDistance: settings.padDistance)
        }

        let pad = Double(settings.padDistance)
        var size = [Int](repeating: 1, count: 3)
        var originIndex = [Double](repeating: 0, count: 3)
        for d in 0..<3 {
            let ratio = maskSpacing[d] / spacing[d]
            var lower = Foundation.floor((Double(roi.lower[d]) - 0.5) * ratio - pad)
            var upper = Foundation.ceil((Double(roi.lower[d] + roi.size[d]) - 0.5) * ratio + pad)
            let maxUpper = Foundation.ceil(Double(mask.size[d]) * ratio) - 1
            if lower < 0 { lower = 0 }
            if upper > maxUpper { upper = maxUpper }
            size[d] = Int(upper - lower + 1)
            let newOriginIndex = 0.5 * (spacing[d] - maskSpacing[d]) / maskSpacing[d]
            originIndex[d] = newOriginIndex + lower / ratio
        }
        let origin = ITKGeometry(mask).point(continuousIndex: originIndex)
        let grid = ImageGrid(size: size, spacing: spacing, origin: origin, direction: mask.direction)
        let newImage = resample(image, onto: grid, interpolator: interpolator, pixelType: image.pixelType)
        let newMask = resample(mask, onto: grid, interpolator: .nearestNeighbor, pixelType: mask.pixelType)
        return (newImage, newMask)
    }

    /// `imageoperations.cropToTumorMask`: image and mask cut to the bounding box
    /// (Lx, Ux, Ly, Uy, Lz, Uz, inclusive, ITK order) widened by `padDistance` voxels on each side
    /// and clipped to the mask's extent (`sitk.CropImageFilter`; the origin moves with the crop).
    public static func cropToTumorMask(_ image: RadiomicsImage, _ mask: RadiomicsImage, _ boundingBox: [Int], padDistance: Int)
        -> (image: RadiomicsImage, mask: RadiomicsImage)
    {
        let box = paddedBox(boundingBox, size: mask.size, padDistance: padDistance)
        let lower: [Int] = [box[0], box[2], box[4]]
        let extent: [Int] = [box[1] - box[0] + 1, box[3] - box[2] + 1, box[5] - box[4] + 1]
        return (image.cropped(lower: lower, extent: extent), mask.cropped(lower: lower, extent: extent))
    }

    /// The box `cropToTumorMask` keeps, (Lx, Ux, Ly, Uy, Lz, Uz) inclusive, ITK order: the
    /// bounding box widened by `padDistance` voxels on each side and clipped to `size` (the
    /// mask's), as `sitk.CropImageFilter` gets it (lower crop `max(L - pad, 0)`, upper crop
    /// `max(size - U - pad - 1, 0)`).
    public static func paddedBox(_ boundingBox: [Int], size: [Int], padDistance: Int) -> [Int] {
        var box = [Int](repeating: 0, count: 6)
        for d in 0..<3 {
            let cropLow = Swift.max(boundingBox[2 * d] - padDistance, 0)
            let cropHigh = Swift.max(size[d] - boundingBox[2 * d + 1] - padDistance - 1, 0)
            box[2 * d] = cropLow
            box[2 * d + 1] = size[d] - cropHigh - 1
        }
        return box
    }

    /// The bounding box of the voxels equal to `label`, as `LabelStatisticsImageFilter`'s
    /// `GetBoundingBox` gives it: (Lx, Ux, Ly, Uy, Lz, Uz), inclusive, ITK order; nil when the
    /// label is absent.
    public static func boundingBox(mask: RadiomicsImage, label: Int) -> [Int]? {
        LabelRegion(mask: mask, label: label)?.boundingBox
    }

    /// `imageoperations._checkROI`: the ROI's box (lower index and size, ITK order, from
    /// `LabelShapeStatisticsImageFilter`) after checking that its outer voxel corners, mapped into
    /// the image's continuous index space, lie within [-0.5 - 1e-3, size - 0.5 + 1e-3].
    static func checkROI(image: RadiomicsImage, mask: RadiomicsImage, label: Int) throws -> (lower: [Int], size: [Int]) {
        guard label != 0, let box = boundingBox(mask: mask, label: label) else {
            throw RadiomicsError(.mask, file: "", "label \(label) is not present in the mask")
        }
        let lower = [box[0], box[2], box[4]]
        let size = [box[1] - box[0] + 1, box[3] - box[2] + 1, box[5] - box[4] + 1]
        let maskGeometry = ITKGeometry(mask)
        let imageGeometry = ITKGeometry(image)
        let first = imageGeometry.continuousIndex(maskGeometry.point(continuousIndex: lower.map { Double($0) - 0.5 }))
        let last = imageGeometry.continuousIndex(maskGeometry.point(continuousIndex: (0..<3).map { Double(lower[$0] + size[$0]) - 0.5 }))
        let tolerance = 1e-3
        for d in 0..<3 {
            let low = Swift.min(first[d], last[d])
            let high = Swift.max(first[d], last[d])
            if low < -0.5 - tolerance || high > Double(image.size[d]) - 0.5 + tolerance {
                let axis = ["x", "y", "z"][d]
                throw RadiomicsError(
                    .geometry, file: "",
                    "the ROI's bounding box reaches outside the image (along \(axis) it spans image indices \(low) to \(high); "
                        + "the image covers -0.5 to \(Double(image.size[d]) - 0.5))")
            }
        }
        return (lower, size)
    }
}
