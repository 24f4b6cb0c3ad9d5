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
    public static func images(for type: ImageTypeSetting, image: RadiomicsImage, mask: RadiomicsImage) throws -> [(prefix: String, image: RadiomicsImage)] {
        let settings = type.settings
        switch type.kind {
        case .original:
            return [("original", image)]
        case .log:
            return LoGImageFilter.images(image, settings: settings)
        case .wavelet:
            return try WaveletImageFilter.images(image, settings: settings)
        case .square:
            return [("square", image.withValues(PointwiseImageFilter.square(image.values), pixelType: .float64))]
        case .squareRoot:
            return [("squareroot", image.withValues(PointwiseImageFilter.squareRoot(image.values), pixelType: .float64))]
        case .logarithm:
            return [("logarithm", image.withValues(PointwiseImageFilter.logarithm(image.values), pixelType: .float64))]
        case .exponential:
            return [("exponential", image.withValues(PointwiseImageFilter.exponential(image.values), pixelType: .float64))]
        case .gradient:
            let values = GradientImageFilter.magnitude(image, useSpacing: settings.gradientUseSpacing)
            return [("gradient", image.withValues(values, pixelType: .float32))]
        case .lbp2D:
            return [("lbp-2D", try LBP2DImageFilter.image(image, settings: settings))]
        case .lbp3D:
            return LBP3DImageFilter.images(image, mask: mask, settings: settings)
        }
    }
}
