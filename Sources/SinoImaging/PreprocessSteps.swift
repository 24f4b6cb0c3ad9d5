/// The preprocessing steps as plain functions on volumes and planes, each testable alone.
/// Planes are row-major (row = voxel y, column = voxel x, x fastest), as the axial slices of a
/// `Volume` are stored. A voxel belongs to the ROI when the mask value is > 0.
public enum PreprocessSteps {
    /// ROI voxels in each axial slice of the mask.
    public static func roiAreas(_ mask: Volume) -> [Int] {
        let perSlice = mask.sliceCount
        return (0..<mask.shape[2]).map { z in
            mask.voxels[(z * perSlice)..<((z + 1) * perSlice)].lazy.filter { $0 > 0 }.count
        }
    }

    /// The slice with the largest ROI area; the lowest index among ties.
    public static func largestSlice(_ areas: [Int]) -> Int {
        var best = 0
        for (z, area) in areas.enumerated() where area > areas[best] { best = z }
        return best
    }

    /// `center` and `neighbours` slices on each side, clipped to 0..<sliceCount (near the ends
    /// fewer slices are returned; none is repeated).
    public static func selectSlices(center: Int, neighbours: Int, sliceCount: Int) -> [Int] {
        Array(max(0, center - neighbours)...min(sliceCount - 1, center + neighbours))
    }

    /// In-plane bounding box of the ROI over the given slices (nil when they hold no ROI).
    public static func boundingBox(_ mask: Volume, slices: [Int]) -> PixelBox? {
        let nx = mask.shape[0], ny = mask.shape[1]
        var box: PixelBox?
        for z in slices {
            for y in 0..<ny {
                for x in 0..<nx where mask.voxels[mask.index(x, y, z)] > 0 {
                    if var b = box {
                        b.xMin = min(b.xMin, x); b.xMax = max(b.xMax, x); b.yMin = min(b.yMin, y); b.yMax = max(b.yMax, y)
                        box = b
                    } else {
                        box = PixelBox(xMin: x, xMax: x, yMin: y, yMax: y)
                    }
                }
            }
        }
        return box
    }

    /// Margin in voxels for an ROI box: `voxels` plus `fraction` times its longer side, rounded up.
    public static func margin(for roi: PixelBox, voxels: Int, fraction: Double) -> Int {
        voxels + Int((fraction * Double(max(roi.width, roi.height))).rounded(.up))
    }

    /// The square crop around an ROI box: the box grown by `margin` on every side, its shorter
    /// side then grown to the longer one (half on each side, the odd voxel after), and with
    /// `.shift` moved back inside a `width` x `height` image when it fits. `padded` tells
    /// whether the crop reaches past the image.
    public static func squareCrop(
        _ roi: PixelBox, margin: Int, width: Int, height: Int,
        edge: PreprocessSettings.Edge
    ) -> (box: PixelBox, padded: Bool) {
        let side = max(roi.width, roi.height) + 2 * margin
        func place(_ low: Int, _ length: Int, _ size: Int) -> Int {
            var start = low - margin - (side - length - 2 * margin) / 2
            if edge == .shift && side <= size { start = min(max(start, 0), size - side) }
            return start
        }
        let x0 = place(roi.xMin, roi.width, width), y0 = place(roi.yMin, roi.height, height)
        let box = PixelBox(xMin: x0, xMax: x0 + side - 1, yMin: y0, yMax: y0 + side - 1)
        let padded = box.xMin < 0 || box.yMin < 0 || box.xMax >= width || box.yMax >= height
        return (box, padded)
    }

    /// The part of axial slice `z` inside `box` (box.height rows of box.width), `padValue`
    /// where the box lies outside the volume.
    public static func crop(_ volume: Volume, slice z: Int, box: PixelBox, padValue: Float) -> [Float] {
        let nx = volume.shape[0], ny = volume.shape[1]
        var plane = [Float](repeating: padValue, count: box.width * box.height)
        let x0 = max(0, box.xMin), x1 = min(nx, box.xMax + 1), y0 = max(0, box.yMin), y1 = min(ny, box.yMax + 1)
        guard x0 < x1, y0 < y1 else { return plane }
        let xs = x0..<x1, ys = y0..<y1
        volume.voxels.withUnsafeBufferPointer { v in
            plane.withUnsafeMutableBufferPointer { out in
                for y in ys {
                    let row = (y - box.yMin) * box.width - box.xMin, source = nx * (y + ny * z)
                    for x in xs { out[row + x] = v[source + x] }
                }
            }
        }
        return plane
    }

    /// Source index and weights of torch's linear interpolation along one axis with
    /// align_corners=False (aten/src/ATen/native/UpSample.h, area_pixel_compute_source_index and
    /// the upsample_bilinear2d CPU kernel, torch 2.13): src = scale * (dst + 0.5) - 0.5 clamped
    /// at 0, scale = in / out, in Float32 like torch for Float32 input. torch's x86-64 build
    /// fuses the multiply-adds (one rounding), so they are fused here too: the output is within
    /// one rounding of torch's, and bit-identical for 17 x 17 -> 224 x 224
    /// (Tests/Fixtures/imaging/resample.json).
    static func linearTaps(input: Int, output: Int) -> [(Int, Int, Float, Float)] {
        let scale = Float(input) / Float(output)
        return (0..<output).map { d in
            let source = max(Float(-0.5).addingProduct(scale, Float(d) + 0.5), 0)
            let i0 = min(Int(source), input - 1)
            let i1 = i0 + (i0 < input - 1 ? 1 : 0)
            let lambda1 = min(max(source - Float(i0), 0), 1)
            return (i0, i1, 1 - lambda1, lambda1)
        }
    }

    /// Bilinear resize of a row-major plane, with the semantics of
    /// `torch.nn.functional.interpolate(mode="bilinear", align_corners=False)` (no antialias).
    public static func resizeBilinear(
        _ plane: [Float], height: Int, width: Int,
        toHeight outHeight: Int, width outWidth: Int
    ) -> [Float] {
        precondition(plane.count == height * width, "plane size must be height x width")
        let rows = linearTaps(input: height, output: outHeight), columns = linearTaps(input: width, output: outWidth)
        var out = [Float](repeating: 0, count: outHeight * outWidth)
        plane.withUnsafeBufferPointer { p in
            out.withUnsafeMutableBufferPointer { o in
                for (oy, (y0, y1, h0, h1)) in rows.enumerated() {
                    let r0 = y0 * width, r1 = y1 * width
                    for (ox, (x0, x1, w0, w1)) in columns.enumerated() {
                        // Fused multiply-adds in torch's order: h0 * top + h1 * bottom, each row w0 * left + w1 * right.
                        let top = (w1 * p[r0 + x1]).addingProduct(w0, p[r0 + x0])
                        let bottom = (w1 * p[r1 + x1]).addingProduct(w0, p[r1 + x0])
                        o[oy * outWidth + ox] = (h1 * bottom).addingProduct(h0, top)
                    }
                }
            }
        }
        return out
    }

    /// Nearest-neighbour resize with the semantics of `F.interpolate(mode="nearest")`:
    /// src = min(floor(dst * in / out), in - 1) in Float32.
    public static func resizeNearest(
        _ plane: [Float], height: Int, width: Int,
        toHeight outHeight: Int, width outWidth: Int
    ) -> [Float] {
        precondition(plane.count == height * width, "plane size must be height x width")
        func taps(_ input: Int, _ output: Int) -> [Int] {
            let scale = Float(input) / Float(output)
            return (0..<output).map { min(Int((Float($0) * scale).rounded(.down)), input - 1) }
        }
        let rows = taps(height, outHeight), columns = taps(width, outWidth)
        var out = [Float](repeating: 0, count: outHeight * outWidth)
        for (oy, y) in rows.enumerated() {
            for (ox, x) in columns.enumerated() { out[oy * outWidth + ox] = plane[y * width + x] }
        }
        return out
    }

    /// Percentile `p` (0-100) of ascending values by linear interpolation between the closest
    /// ranks, as `numpy.percentile(method="linear")` (numpy 2.x `_lerp`: a + (b - a) t, and
    /// b - (b - a)(1 - t) for t >= 0.5).
    public static func percentile(sorted values: [Double], _ p: Double) -> Double {
        precondition(!values.isEmpty, "percentile of no values")
        let position = Double(values.count - 1) * p / 100
        let low = min(Int(position.rounded(.down)), values.count - 1)
        let high = min(low + 1, values.count - 1)
        let t = position - Double(low)
        let a = values[low], b = values[high], difference = b - a
        return t >= 0.5 ? b - difference * (1 - t) : a + difference * t
    }
}
