import Foundation
import Testing

@testable import SinoReport

/// Writes every figure type with realistic data to `<tmp>/figures-check/`, for looking at by
/// eye at column width, and checks the files arrive through the atomic writer intact.
@Suite("Figure gallery")
struct FigureGalleryTests {
    static let folder = FileManager.default.temporaryDirectory.appendingPathComponent("figures-check")

    static func gallery() throws -> [(String, any Figure)] {
        [
            ("roc-classes", try ROCFigure(title: "Random forest", curves: FigureExamples.rocCurvesWithAverages)),
            ("roc-single", try ROCFigure(curves: Array(FigureExamples.rocCurves.prefix(1)))),
            (
                "confusion",
                try ConfusionMatrixFigure(
                    title: "Random forest (n = 93)", classNames: FigureExamples.classNames,
                    counts: FigureExamples.confusionCounts)
            ),
            ("calibration", try CalibrationFigure(title: "Random forest", curves: FigureExamples.calibrationCurves)),
            (
                "decision",
                try DecisionCurveFigure(
                    title: "ACC versus rest", prevalence: FigureExamples.prevalenceACC,
                    models: FigureExamples.decisionCurves)
            )
        ]
    }

    @Test("Each example is written as PNG, SVG and PDF, byte-identical to a direct render")
    func writesGallery() throws {
        try FileManager.default.createDirectory(at: Self.folder, withIntermediateDirectories: true)
        for (name, figure) in try Self.gallery() {
            for format in FigureFormat.allCases {
                let path = Self.folder.appendingPathComponent("\(name).\(format.rawValue)").path
                try figure.write(to: path)
                let written = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
                #expect(written == (try figure.rendered(as: format)), "\(path)")
            }
        }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path).filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty, "temporary files left behind: \(leftovers)")
    }
}
