import Foundation
import SinoData

/// A table ready to print: a title, column headers, rows of cell text and footnotes.
///
/// SinoReport only lays results out; the numbers are computed (and formatted into cells) by
/// the modules that own them. One table renders to Markdown, CSV, LaTeX (booktabs) and HTML.
public struct Table: Codable, Sendable, Equatable {
    /// How a row is shown: a variable heading, a level indented under it, or a plain row.
    public enum RowStyle: String, Codable, Sendable { case plain, heading, indented, section }

    public var title: String
    public var columns: [String]
    public var rows: [[String]]
    public var styles: [RowStyle]
    public var footnotes: [String]

    public init(title: String, columns: [String], rows: [[String]] = [], styles: [RowStyle]? = nil, footnotes: [String] = []) {
        self.title = title
        self.columns = columns
        self.rows = rows
        self.styles = styles ?? Array(repeating: .plain, count: rows.count)
        self.footnotes = footnotes
    }

    public mutating func append(_ row: [String], style: RowStyle = .plain) {
        precondition(row.count == columns.count, "row has \(row.count) cells for \(columns.count) columns")
        rows.append(row)
        styles.append(style)
    }
}

/// Output formats every analysis command offers (`--format`).
public enum OutputFormat: String, CaseIterable, Codable, Sendable {
    case md, csv, tex, html, json

    /// The format implied by a file name's extension, if any.
    public static func from(path: String) -> OutputFormat? {
        switch URL(fileURLWithPath: path).pathExtension.lowercased() {
        case "md", "markdown": return .md
        case "csv": return .csv
        case "tex": return .tex
        case "html", "htm": return .html
        case "json": return .json
        default: return nil
        }
    }
}

extension Table {
    /// Renders the table in a text format (JSON output is the structured result, not the table).
    public func rendered(_ format: OutputFormat) -> String {
        switch format {
        case .md: return markdown()
        case .csv: return csv()
        case .tex: return latex()
        case .html: return html()
        case .json: return (try? String(decoding: JSONEncoder.sinorad.encode(self), as: UTF8.self)) ?? "{}"
        }
    }

    func displayCell(_ text: String, style: RowStyle, column: Int) -> String {
        column == 0 && style == .indented ? "    " + text : text
    }

    public func markdown() -> String {
        func escape(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|") }
        var out = "**\(escape(title))**\n\n"
        out += "| " + columns.map(escape).joined(separator: " | ") + " |\n"
        out += "|" + columns.indices.map { $0 == 0 ? " :--- |" : " ---: |" }.joined() + "\n"
        for (row, style) in zip(rows, styles) {
            let cells = row.enumerated().map { index, cell -> String in
                let text = escape(cell)
                if index == 0 && style == .indented { return "&nbsp;&nbsp;&nbsp;&nbsp;" + text }
                if index == 0 && (style == .heading || style == .section) && !text.isEmpty { return "**\(text)**" }
                return text
            }
            out += "| " + cells.joined(separator: " | ") + " |\n"
        }
        if !footnotes.isEmpty { out += "\n" + footnotes.map { "_\(escape($0))_" }.joined(separator: "  \n") + "\n" }
        return out
    }

    public func csv() -> String {
        var lines = [CSVWriter.line(columns)]
        for (row, style) in zip(rows, styles) {
            lines.append(CSVWriter.line(row.enumerated().map { displayCell($1, style: style, column: $0) }))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public func latex() -> String {
        let spec = "l" + String(repeating: "r", count: max(0, columns.count - 1))
        var out = "% Requires \\usepackage{booktabs}\n\\begin{table}[ht]\n\\centering\n\\caption{\(Self.texEscape(title))}\n"
        out += "\\begin{tabular}{\(spec)}\n\\toprule\n"
        out += columns.map { Self.texEscape($0) }.joined(separator: " & ") + " \\\\\n\\midrule\n"
        for (row, style) in zip(rows, styles) {
            if style == .section && rows.first != row { out += "\\midrule\n" }
            let cells = row.enumerated().map { index, cell -> String in
                let text = Self.texEscape(cell)
                if index == 0 && style == .indented { return "\\quad " + text }
                if index == 0 && style == .section { return "\\textbf{\(text)}" }
                return text
            }
            out += cells.joined(separator: " & ") + " \\\\\n"
        }
        out += "\\bottomrule\n\\end{tabular}\n"
        for note in footnotes { out += "\\par\\footnotesize{\(Self.texEscape(note))}\n" }
        out += "\\end{table}\n"
        return out
    }

    static func texEscape(_ text: String) -> String {
        var out = ""
        for ch in text {
            switch ch {
            case "\\": out += "\\textbackslash{}"
            case "&", "%", "$", "#", "_", "{", "}": out += "\\\(ch)"
            case "~": out += "\\textasciitilde{}"
            case "^": out += "\\textasciicircum{}"
            case "<": out += "\\textless{}"
            case ">": out += "\\textgreater{}"
            case "±": out += "$\\pm$"
            case "²": out += "$^2$"
            default: out.append(ch)
            }
        }
        return out
    }

    /// An HTML fragment (a `<table>` with caption and footnotes) that embeds in a report.
    public func html() -> String {
        var out = "<table class=\"sinorad\">\n<caption>\(Self.htmlEscape(title))</caption>\n<thead><tr>"
        out += columns.map { "<th>\(Self.htmlEscape($0))</th>" }.joined() + "</tr></thead>\n<tbody>\n"
        for (row, style) in zip(rows, styles) {
            out +=
                "<tr class=\"\(style.rawValue)\">"
                + row.enumerated().map { index, cell in
                    let tag = index == 0 ? "th scope=\"row\"" : "td"
                    return "<\(tag)>\(Self.htmlEscape(cell))</\(tag.prefix(2))>"
                }.joined() + "</tr>\n"
        }
        out += "</tbody>\n"
        if !footnotes.isEmpty {
            out += "<tfoot>" + footnotes.map { "<tr><td colspan=\"\(columns.count)\">\(Self.htmlEscape($0))</td></tr>" }.joined() + "</tfoot>\n"
        }
        return out + "</table>\n"
    }

    public static func htmlEscape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// A standalone HTML page holding one or more tables.
    public static func htmlPage(title: String, tables: [Table], notes: [String] = []) -> String {
        htmlPage(
            title: title,
            body: notes.map { "<p>\(htmlEscape($0))</p>" }.joined(separator: "\n") + "\n"
                + tables.map { $0.html() }.joined(separator: "\n"))
    }

    /// A standalone HTML page around `body` (already HTML), with the table and figure styles.
    public static func htmlPage(title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>\(htmlEscape(title))</title>
        <style>
        body { font-family: Helvetica, Arial, sans-serif; margin: 2em; color: #222; }
        table.sinorad { border-collapse: collapse; margin: 1.5em 0; font-size: 0.9em; }
        table.sinorad caption { text-align: left; font-weight: bold; padding-bottom: 0.5em; }
        table.sinorad th, table.sinorad td { padding: 0.25em 0.8em; text-align: right; }
        table.sinorad th[scope=row] { text-align: left; font-weight: normal; }
        table.sinorad thead th { border-top: 2px solid #222; border-bottom: 1px solid #222; }
        table.sinorad tbody tr:last-child > * { border-bottom: 2px solid #222; }
        table.sinorad tr.heading th, table.sinorad tr.section th { font-weight: bold; }
        table.sinorad tr.indented th { padding-left: 2em; }
        table.sinorad tfoot td { text-align: left; font-size: 0.85em; color: #555; }
        div.figures { display: flex; flex-wrap: wrap; gap: 1em; }
        figure { margin: 0; } figcaption { font-size: 0.8em; color: #555; text-align: center; }
        </style></head><body>
        \(body)
        </body></html>

        """
    }
}

extension JSONEncoder {
    /// The encoder for every JSON output: pretty, sorted keys (byte-stable across runs).
    public static var sinorad: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return encoder
    }
}
