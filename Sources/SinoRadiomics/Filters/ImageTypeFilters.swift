/// PyRadiomics 3.0.1's image types (`imageoperations.get<Type>Image`): the derived images an
/// enabled image type yields, each with its name prefix, on the input image's grid.
public enum ImageTypeFilters {
    /// The images `get<Type>Image(image, mask, **settings)` yields for `type`, in the
    /// generator's order, with their image-type prefixes:
    /// - Original: `original` (the image itself);
    /// - LoG (`getLoGImage`): `log-sigma-<sigma>-mm-3D` per usable sigma, float32;
    /// - Wavelet (`getWaveletImage`): `wavelet-LLH` ... `wavelet-HHH`, `wavelet<k>-...` for the
    ///   k-th returned level, the approximation (`wavelet-LLL`) last; two letters with `force2D`
    ///   or a 2-D image; float32 for float32 images, else float64;
    /// - Square, SquareRoot, Logarithm, Exponential: `square`, `squareroot`, `logarithm`,
    ///   `exponential`, float64;
    /// - Gradient (`getGradientImage`): `gradient`, float32;
    /// - LBP2D (`getLBP2DImage`, scikit-image's `local_binary_pattern`): `lbp-2D`;
    /// - LBP3D (`getLBP3DImage`): `lbp-3D-m1` ... `lbp-3D-m<lbp3DLevels>`, `lbp-3D-k` (ROI voxels
    ///   only; others are 0 here, uninitialised memory in PyRadiomics).
    ///
    /// `mask` is used by LBP3D only (its voxels equal to `settings.label`). An unknown wavelet
    /// name or an invalid `force2Ddimension` throws `RadiomicsError(.settings, ...)`.
    ///
    /// `region` (Lx, Ux, Ly, Uy, Lz, Uz, inclusive, ITK order, as `Resampling.boundingBox` gives
    /// it, already padded by the caller; clamped to the image here) asks for the images cropped
    /// to that box, as `RadiomicsImage.cropped` (and `sitk.CropImageFilter`) crops them, e.g. the
    /// box `cropToTumorMask` keeps: LoG, Wavelet, the intensity filters and Gradient then compute
    /// just what those voxels need and give them bit for bit the values of the full computation
    /// (their whole-image parts, such as the intensity filters' maximum, still over the whole
    /// image). Original, LBP2D and LBP3D are computed whole and cropped.
    public static func images(for type: ImageTypeSetting, image: RadiomicsImage, mask: RadiomicsImage, region: [Int]? = nil) throws -> [(
        prefix: String, image: RadiomicsImage
    )] {
        let settings = type.settings
        let box = region.map { clampedRegion($0, size: image.size) }
        let rows = box.map { flatRows($0, size: image.size) }
        /// The image of a filter's values: on the box's grid with `region`, else on the image's.
        func filtered(_ values: [Double], _ pixelType: PixelType) -> RadiomicsImage {
            guard let box else { return image.withValues(values, pixelType: pixelType) }
            return image.cropped(lower: box.map(\.lowerBound), extent: box.map(\.count), values: values, pixelType: pixelType)
        }
        /// A whole image cropped to the box (itself without `region`).
        func crop(_ whole: RadiomicsImage) -> RadiomicsImage {
            guard let box else { return whole }
            return whole.cropped(lower: box.map(\.lowerBound), extent: box.map(\.count))
        }
        switch type.kind {
        case .original:
            return [("original", crop(image))]
        case .log:
            return LoGImageFilter.laplacians(image, settings: settings, region: box).map { ($0.prefix, filtered($0.values, .float32)) }
        case .wavelet:
            return try WaveletImageFilter.bands(image, settings: settings, region: box).map { ($0.prefix, filtered($0.values, $0.pixelType)) }
        case .square:
            return [("square", filtered(PointwiseImageFilter.square(image.values, rows: rows), .float64))]
        case .squareRoot:
            return [("squareroot", filtered(PointwiseImageFilter.squareRoot(image.values, rows: rows), .float64))]
        case .logarithm:
            return [("logarithm", filtered(PointwiseImageFilter.logarithm(image.values, rows: rows), .float64))]
        case .exponential:
            return [("exponential", filtered(PointwiseImageFilter.exponential(image.values, rows: rows), .float64))]
        case .gradient:
            return [("gradient", filtered(GradientImageFilter.magnitude(image, useSpacing: settings.gradientUseSpacing, region: box), .float32))]
        case .lbp2D:
            return [("lbp-2D", crop(try LBP2DImageFilter.image(image, settings: settings)))]
        case .lbp3D:
            return LBP3DImageFilter.images(image, mask: mask, settings: settings).map { ($0.prefix, crop($0.image)) }
        }
    }

    /// `region` (Lx, Ux, Ly, Uy, Lz, Uz) as per-axis ranges clamped into `size` (at least one
    /// voxel per axis).
    static func clampedRegion(_ region: [Int], size: [Int]) -> [ClosedRange<Int>] {
        precondition(region.count == 6, "region must be (Lx, Ux, Ly, Uy, Lz, Uz)")
        return (0..<3).map { d in
            let low = Swift.min(Swift.max(region[2 * d], 0), size[d] - 1)
            let high = Swift.max(Swift.min(region[2 * d + 1], size[d] - 1), low)
            return low...high
        }
    }

    /// The flat index ranges (x fastest) of the rows of `box`.
    static func flatRows(_ box: [ClosedRange<Int>], size: [Int]) -> [Range<Int>] {
        var rows = [Range<Int>]()
        for z in box[2] {
            for y in box[1] {
                let start = box[0].lowerBound + size[0] * (y + size[1] * z)
                rows.append(start..<(start + box[0].count))
            }
        }
        return rows
    }
}
