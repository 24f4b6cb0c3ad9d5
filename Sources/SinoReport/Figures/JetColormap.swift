/// The "jet" colormap (blue → cyan → yellow → red) used for Grad-CAM heatmaps.
///
/// The definition is matplotlib's segment data `_jet_data` (lib/matplotlib/_cm.py), each
/// channel piecewise linear in the value v:
///
///     red:   (0.00, 0), (0.35, 0), (0.66, 1), (0.89, 1), (1.00, 0.5)
///     green: (0.000, 0), (0.125, 0), (0.375, 1), (0.640, 1), (0.910, 0), (1.000, 0)
///     blue:  (0.00, 0.5), (0.11, 1), (0.34, 1), (0.65, 0), (1.00, 0)
///
/// matplotlib samples it into 256 entries, so `cmap(i / 255)` equals `rgb(i / 255)`. OpenCV's
/// COLORMAP_JET (what pytorch-grad-cam's `show_cam_on_image` applies) is MATLAB's jet table:
/// the same ramps with slightly different break points, within a few percent of these values.
///
///     JetColormap.rgb(0)    // (0, 0, 0.5): dark blue
///     JetColormap.rgb(1)    // (0.5, 0, 0): dark red
public enum JetColormap {
    /// (position, value) knots per channel, positions rising from 0 to 1.
    static let red: [(Float, Float)] = [(0, 0), (0.35, 0), (0.66, 1), (0.89, 1), (1, 0.5)]
    static let green: [(Float, Float)] = [(0, 0), (0.125, 0), (0.375, 1), (0.64, 1), (0.91, 0), (1, 0)]
    static let blue: [(Float, Float)] = [(0, 0.5), (0.11, 1), (0.34, 1), (0.65, 0), (1, 0)]

    /// The colour of `v` with components in 0...1; `v` is clamped to 0...1 (NaN gives v = 0).
    public static func rgb(_ v: Float) -> (r: Float, g: Float, b: Float) {
        let x = v.isNaN ? 0 : min(max(v, 0), 1)
        return (channel(red, x), channel(green, x), channel(blue, x))
    }

    /// The colour of `v` as 8-bit components (rounded), as an image would store it.
    public static func rgb8(_ v: Float) -> (r: UInt8, g: UInt8, b: UInt8) {
        let c = rgb(v)
        return (byte(c.r), byte(c.g), byte(c.b))
    }

    /// 256 entries, entry i the colour of i / 255: what `applyColorMap(uint8(255 * h))` indexes.
    static let table: [(r: Float, g: Float, b: Float)] = (0..<256).map { rgb(Float($0) / 255) }

    /// The table entry for a heatmap value in 0...1, quantised as OpenCV and pytorch-grad-cam do
    /// (`np.uint8(255 * h)` truncates).
    static func quantised(_ h: Float) -> (r: Float, g: Float, b: Float) {
        table[Int((min(max(h, 0), 1) * 255).rounded(.down))]
    }

    private static func channel(_ knots: [(Float, Float)], _ x: Float) -> Float {
        for k in 1..<knots.count where x <= knots[k].0 {
            let (x0, y0) = knots[k - 1], (x1, y1) = knots[k]
            return x1 > x0 ? y0 + (y1 - y0) * (x - x0) / (x1 - x0) : y1
        }
        return knots[knots.count - 1].1
    }

    static func byte(_ c: Float) -> UInt8 { UInt8((min(max(c, 0), 1) * 255).rounded()) }
}
