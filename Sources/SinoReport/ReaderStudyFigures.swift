import Foundation
import SinoStats

extension ReaderStudy {
    /// Writes one confusion-matrix figure per reader and condition into `folder`, named
    /// `confusion_<reader>_<unaided|aided>`, in every format given. Returns the base names.
    @discardableResult
    public func writeFigures(to folder: String, formats: [FigureFormat] = [.png, .svg, .pdf], titlePrefix: String = "") throws -> [String] {
        var written: [String] = []
        for p in performance {
            let name = "confusion_\(ModelComparison.slug(p.reader))_\(p.condition.rawValue)"
            let figure = try ConfusionMatrixFigure(
                title: "\(titlePrefix)\(p.reader), \(p.condition.phrase) (n = \(p.patients))",
                classNames: classes, counts: p.metrics.confusion.counts)
            for format in formats {
                try figure.write(to: URL(fileURLWithPath: folder).appendingPathComponent("\(name).\(format.rawValue)").path, format: format)
            }
            written.append(name)
        }
        return written
    }
}
