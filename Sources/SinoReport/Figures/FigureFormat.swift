import Foundation

/// File formats a figure renders to: a 300 dpi raster for quick viewing and journals that ask
/// for bitmaps, and two vector formats for typesetting.
///
///     FigureFormat(path: "roc.pdf")   // .pdf
public enum FigureFormat: String, CaseIterable, Codable, Sendable {
    case png, svg, pdf

    /// The format implied by a file name's extension (case-insensitive), or nil if none fits.
    public init?(path: String) {
        self.init(rawValue: URL(fileURLWithPath: path).pathExtension.lowercased())
    }

    /// Raster resolution of PNG output. 300 dpi is the minimum most journals accept for
    /// line art mixed with text (e.g. Radiology and AJNR author guidelines).
    public static let pngDotsPerInch = 300.0
}
