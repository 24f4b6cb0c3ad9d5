import Foundation
import SinoData

/// A section of a study's report: tables (names under tables/, without extension) and the
/// PNG figures of a folder.
public struct ReportSection: Sendable, Equatable {
    public var title: String
    public var tables: [String]
    public var figureFolder: String?

    public init(title: String, tables: [String], figureFolder: String? = nil) {
        self.title = title
        self.tables = tables
        self.figureFolder = figureFolder
    }
}

/// A study's report assembled from what its stages wrote: index.html (self-contained: tables
/// and PNG figures inline) and report.md (linking tables/ and figures/). Tables are read back
/// from their Markdown and HTML files, so a cached stage's tables appear exactly as written.
public struct StudyReportDocument: Sendable {
    public var title: String
    /// A line shown in bold under the title (the SYNTHETIC-data warning).
    public var banner: String?
    public var methods: String
    public var notes: [String]
    public var sections: [ReportSection]

    public init(title: String, banner: String?, methods: String, notes: [String], sections: [ReportSection]) {
        self.title = title
        self.banner = banner
        self.methods = methods
        self.notes = notes
        self.sections = sections
    }

    /// Writes index.html and report.md into `folder`, each atomically.
    public func write(to folder: URL) throws {
        var html = "<h1>\(Table.htmlEscape(title))</h1>\n"
        var markdown = "# \(title)\n\n"
        if let banner {
            html += "<p class=\"synthetic\"><strong>\(Table.htmlEscape(banner))</strong></p>\n"
            markdown += "**\(banner)**\n\n"
        }
        html += "<h2>Methods</h2>\n<p>\(Table.htmlEscape(methods))</p>\n"
        markdown += "## Methods\n\n\(methods)\n\n"
        for line in notes {
            html += "<p class=\"note\"><strong>Note:</strong> \(Table.htmlEscape(line))</p>\n"
            markdown += "**Note:** \(line)\n\n"
        }
        html += "<h2>Contents</h2>\n<ul>\n" + sections.enumerated().map { "<li><a href=\"#s\($0.offset + 1)\">\(Table.htmlEscape($0.element.title))</a></li>" }.joined(separator: "\n") + "\n</ul>\n"
        for (i, section) in sections.enumerated() {
            html += "<section id=\"s\(i + 1)\">\n<h2>\(Table.htmlEscape(section.title))</h2>\n"
            markdown += "## \(section.title)\n\n"
            for table in section.tables {
                html += try tableHTML(table, in: folder) + "\n"
                markdown += try String(contentsOf: folder.appendingPathComponent("tables/\(table).md"), encoding: .utf8) + "\n"
                markdown += "Files: [md](tables/\(table).md), [csv](tables/\(table).csv), [tex](tables/\(table).tex)\n\n"
            }
            if let figures = section.figureFolder {
                let names = figureNames(figures, in: folder)
                if !names.isEmpty {
                    html += "<div class=\"figures\">\n"
                    for name in names {
                        let data = try Data(contentsOf: folder.appendingPathComponent("\(figures)/\(name).png"))
                        html +=
                            "<figure><img alt=\"\(Table.htmlEscape(name))\" width=\"420\" src=\"data:image/png;base64,\(data.base64EncodedString())\"><figcaption>\(Table.htmlEscape(name))</figcaption></figure>\n"
                        markdown += "![\(name)](\(figures)/\(name).png)\n"
                    }
                    html += "</div>\n"
                    markdown += "\n"
                }
            }
            html += "</section>\n"
        }
        html += Self.renderCheckScript
        try AtomicFile.write(Table.htmlPage(title: title, body: html), to: folder.appendingPathComponent("index.html").path)
        try AtomicFile.write(markdown, to: folder.appendingPathComponent("report.md").path)
    }

    /// Once the page has loaded, records on <body data-rendered="..."> how many images were
    /// decoded and how many tables there are; bench/report_screenshot.sh reads it back from a
    /// headless browser's DOM.
    static let renderCheckScript = """
        <script>
        window.addEventListener('load', function () {
          var images = document.images, decoded = 0;
          for (var i = 0; i < images.length; i++) { if (images[i].complete && images[i].naturalWidth > 0) { decoded++; } }
          document.body.setAttribute('data-rendered', 'images ' + decoded + '/' + images.length + ', tables ' + document.getElementsByTagName('table').length);
        });
        </script>

        """

    /// The PNG figures of a folder, by name; for Grad-CAM only the montage of all classes.
    func figureNames(_ figures: String, in folder: URL) -> [String] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent(figures).path)) ?? [])
            .filter { $0.hasSuffix(".png") }.map { String($0.dropLast(4)) }.sorted()
        return figures.hasPrefix("figures/gradcam/") ? names.filter { $0 == "montage" } : names
    }

    /// The <table> element of a table's HTML page.
    func tableHTML(_ table: String, in folder: URL) throws -> String {
        let page = try String(contentsOf: folder.appendingPathComponent("tables/\(table).html"), encoding: .utf8)
        guard let start = page.range(of: "<body>"), let end = page.range(of: "</body>", options: .backwards) else { return page }
        return String(page[start.upperBound..<end.lowerBound])
    }
}
