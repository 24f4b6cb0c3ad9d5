import Foundation

/// An sRGB colour with components in 0...1.
public struct FigureColor: Equatable, Hashable, Sendable {
    public var red: Double
    public var green: Double
    public var blue: Double

    public init(red: Double, green: Double, blue: Double) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// A colour from a 24-bit hex value, as palettes are published: `FigureColor(hex: 0xE69F00)`.
    public init(hex: UInt32) {
        self.init(
            red: Double((hex >> 16) & 0xFF) / 255,
            green: Double((hex >> 8) & 0xFF) / 255,
            blue: Double(hex & 0xFF) / 255)
    }

    public static let black = FigureColor(hex: 0x000000)
    public static let white = FigureColor(hex: 0xFFFFFF)
    /// Reference lines (chance diagonal, perfect calibration): visible but clearly not data.
    public static let referenceGrey = FigureColor(hex: 0x808080)
    /// Legend frames and other furniture.
    public static let lightGrey = FigureColor(hex: 0xBBBBBB)

    /// Relative luminance (WCAG 2.1 definition), used to pick readable text on a fill.
    public var luminance: Double {
        func linear(_ c: Double) -> Double { c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4) }
        return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)
    }

    /// Black or white, whichever contrasts more with this colour as a background.
    public var contrastingText: FigureColor {
        // Contrast ratios (L1 + 0.05) / (L2 + 0.05) against white and black cross at L ≈ 0.179.
        luminance > 0.179 ? .black : .white
    }

    /// Straight-line blend in sRGB; `t` = 0 gives self, 1 gives `other`.
    func mixed(with other: FigureColor, _ t: Double) -> FigureColor {
        FigureColor(
            red: red + (other.red - red) * t,
            green: green + (other.green - green) * t,
            blue: blue + (other.blue - blue) * t)
    }
}

/// Colours for data series and heatmaps that stay distinguishable with colour-vision deficiency.
public enum FigurePalette {
    /// Okabe & Ito (2008), "Color Universal Design", ordered for lines on white: yellow is
    /// left out (too light for 1.5 pt lines) and black comes last.
    public static let okabeIto: [FigureColor] = [
        FigureColor(hex: 0x0072B2), // blue
        FigureColor(hex: 0xD55E00), // vermillion
        FigureColor(hex: 0x009E73), // bluish green
        FigureColor(hex: 0xE69F00), // orange
        FigureColor(hex: 0xCC79A7), // reddish purple
        FigureColor(hex: 0x56B4E9), // sky blue
        FigureColor(hex: 0x000000) // black
    ]

    /// The series colour for index `i`, cycling through the palette.
    public static func series(_ i: Int) -> FigureColor {
        okabeIto[i % okabeIto.count]
    }

    /// ColorBrewer "Blues" (9 classes, Brewer 2002): a sequential light-to-dark scale that
    /// is colour-blind safe and prints in greyscale as a monotone ramp.
    static let blues: [FigureColor] = [
        0xF7FBFF, 0xDEEBF7, 0xC6DBEF, 0x9ECAE1, 0x6BAED6, 0x4292C6, 0x2171B5, 0x08519C, 0x08306B
    ].map { FigureColor(hex: $0) }

    /// The Blues colour for `t` in 0...1 (clamped), interpolated between the nine classes.
    public static func sequentialBlue(_ t: Double) -> FigureColor {
        let position = min(max(t, 0), 1) * Double(blues.count - 1)
        let lower = Int(position.rounded(.down))
        guard lower < blues.count - 1 else { return blues[blues.count - 1] }
        return blues[lower].mixed(with: blues[lower + 1], position - Double(lower))
    }
}
