import Foundation
import Testing

@testable import SinoReport

@Suite("Figure rendering")
struct FigureRenderingTests {
    static let figures: [(String, any Figure)] = (try? FigureGalleryTests.gallery()) ?? []

    static func signature(_ bytes: [UInt8], _ format: FigureFormat) -> Bool {
        switch format {
        case .png: return bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        case .pdf: return bytes.starts(with: Array("%PDF-".utf8))
        case .svg:
            let text = String(decoding: bytes, as: UTF8.self)
            return text.hasPrefix("<?xml") && text.contains("<svg") && text.hasSuffix("</svg>\n")
        }
    }

    @Test("Every figure type renders to PNG, SVG and PDF with the right signature")
    func signatures() throws {
        #expect(Self.figures.count == 8)
        for (name, figure) in Self.figures {
            for format in FigureFormat.allCases {
                let bytes = try figure.rendered(as: format)
                #expect(Self.signature(bytes, format), "\(name).\(format.rawValue)")
            }
        }
    }

    @Test("The same input renders to identical bytes twice in every format")
    func deterministic() throws {
        for (name, figure) in Self.figures {
            for format in FigureFormat.allCases {
                #expect(try figure.rendered(as: format) == figure.rendered(as: format), "\(name).\(format.rawValue)")
            }
        }
    }

    @Test("PDF dates are fixed and carry the title; SVG is sized in points")
    func metadata() throws {
        let roc = try ROCFigure(title: "Random forest", curves: FigureExamples.rocCurves)
        let pdf = String(decoding: try roc.rendered(as: .pdf), as: UTF8.self)
        // cairo 1.16.0 writes the date without the "D:" prefix; later versions add it.
        #expect(pdf.contains("/CreationDate (D:20000101000000") || pdf.contains("/CreationDate (20000101000000"))
        #expect(pdf.contains("/ModDate (D:20000101000000") || pdf.contains("/ModDate (20000101000000"))
        #expect(pdf.contains("/Title (Random forest)"))
        let svg = String(decoding: try roc.rendered(as: .svg), as: UTF8.self)
        #expect(svg.contains("width=\"252pt\" height=\"230.4pt\""))
        #expect(svg.contains("id=\"surface1\""))
    }

    @Test("PNG is one column at 300 dpi: 1050 × 960 pixels with a pHYs chunk of 11811 px/m")
    func pngResolution() throws {
        let png = try ConfusionMatrixFigure(classNames: ["A", "B"], counts: [[1, 2], [3, 4]]).rendered(as: .png)
        let image = try RasterImage(png: png)
        #expect(image.width == 1050 && image.height == 960)
        let phys = PNGResolution.chunk("pHYs", PNGResolution.bigEndian(11811) + PNGResolution.bigEndian(11811) + [1])
        #expect(Array(png[33..<(33 + phys.count)]) == phys)
        // The whole page is painted, down to the last pixel row.
        #expect(image.pixel(x: 1049, y: 959).isWhite)
    }

    @Test("PNG CRC-32 matches the check value of the standard (\"123456789\" → CBF43926)")
    func crc() {
        #expect(PNGResolution.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
    }

    @Test("Format comes from the extension, case-insensitively; unknown extensions are refused")
    func formatFromPath() throws {
        #expect(FigureFormat(path: "out/roc.PDF") == .pdf)
        #expect(FigureFormat(path: "roc.svg") == .svg)
        #expect(FigureFormat(path: "roc.jpeg") == nil)
        let figure = try ROCFigure(curves: FigureExamples.rocCurves)
        #expect(throws: FigureError.unknownFormat(path: "/tmp/roc.jpeg")) { try figure.write(to: "/tmp/roc.jpeg") }
    }

    @Test("Writing replaces an existing file, creates missing folders, and names the file when it cannot write")
    func writing() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("figure-write-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("cm.svg").path
        try Data("old".utf8).write(to: URL(fileURLWithPath: path))
        let figure = try ConfusionMatrixFigure(classNames: ["A", "B"], counts: [[1, 2], [3, 4]])
        try figure.write(to: path)
        #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: path))) == figure.rendered(as: .svg))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["cm.svg"])

        let nested = folder.appendingPathComponent("new/folder/cm.png").path
        try figure.write(to: nested)
        #expect(FileManager.default.fileExists(atPath: nested))

        // A regular file where a folder should be: the folder cannot be created.
        let blocked = folder.appendingPathComponent("cm.svg/cm.png").path
        let error = #expect(throws: FigureError.self) { try figure.write(to: blocked) }
        #expect(error?.description.hasPrefix(blocked) == true)
        #expect(error?.description.contains("cannot create the folder") == true)
    }
}

@Suite("Nice ticks")
struct NiceTicksTests {
    @Test("Unit interval: six ticks 0.0 … 1.0 without float noise")
    func unit() {
        let ticks = NiceTicks(range: 0...1)
        #expect(ticks.values.count == 6 && ticks.values.first == 0 && ticks.values.last == 1)
        #expect(ticks.labels == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
    }

    @Test("Ticks stay inside the range and label negatives with a minus sign")
    func negative() {
        let ticks = NiceTicks(range: -0.05...0.35)
        #expect(ticks.labels == ["0.0", "0.1", "0.2", "0.3"])
        let wide = NiceTicks(range: -0.3...0.3)
        #expect(wide.labels == ["\u{2212}0.2", "0.0", "0.2"])
        #expect(wide.values.allSatisfy { (-0.3...0.3).contains($0) })
    }

    @Test("Steps are 1, 2 or 5 × 10ⁿ")
    func steps() {
        #expect(NiceTicks(range: 0...100).step == 20)
        #expect(NiceTicks(range: 0...7).step == 2)
        #expect(NiceTicks(range: 0...0.3).step == 0.1)
        #expect(NiceTicks(range: 0...0.04).labels == ["0.00", "0.01", "0.02", "0.03", "0.04"])
    }
}
