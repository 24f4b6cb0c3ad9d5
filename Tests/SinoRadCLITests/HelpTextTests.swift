import Foundation
import TestSupport
import Testing

/// Every command's help read as prose at a wide terminal: paragraphs are not broken in the
/// middle of a sentence by the source's line ends, and no sentence ends in "..".
@Suite("help texts")
struct HelpTextTests {
    /// Every command path, found from the SUBCOMMANDS sections.
    func commandPaths() throws -> [[String]] {
        var paths: [[String]] = [[]], queue: [[String]] = [[]]
        while let path = queue.popLast() {
            let help = try SinoRadCommand.run(["help"] + path, environment: ["COLUMNS": "1000"]).stdout
            guard let start = help.range(of: "SUBCOMMANDS:\n") else { continue }
            for line in help[start.upperBound...].split(separator: "\n") where line.hasPrefix("  ") && !line.hasPrefix("   ") {
                guard let name = line.split(separator: " ").first.map(String.init), name != "See" else { continue }
                paths.append(path + [name])
                queue.append(path + [name])
            }
        }
        return paths
    }

    @Test("no paragraph is broken mid-sentence and no sentence ends in '..', in any command's help")
    func prose() throws {
        let paths = try commandPaths()
        #expect(paths.count >= 25, "\(paths.count) commands found")
        for path in paths {
            let result = try SinoRadCommand.run(["help"] + path, environment: ["COLUMNS": "1000"])
            #expect(result.status == 0)
            let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            for (line, next) in zip(lines, lines.dropFirst()) where !line.isEmpty && !next.isEmpty {
                // Paragraph text starts at column 0 (examples and options are indented).
                guard !line.hasPrefix(" "), !next.hasPrefix(" "), let last = line.last, let first = next.first else { continue }
                let midSentence = (last.isLetter || last.isNumber || last == "," || last == "-") && (first.isLowercase || first.isNumber)
                #expect(!midSentence, "sinorad \(path.joined(separator: " ")): a line break inside a sentence: '\(line.suffix(30))' / '\(next.prefix(30))'")
            }
            #expect(!result.stdout.replacingOccurrences(of: "...", with: "").contains(".."), "sinorad \(path.joined(separator: " ")): '..'")
        }
    }

    @Test("the overview says what the demo writes: the whole study, not only Table 1")
    func overview() throws {
        let help = try SinoRadCommand.run(["--help"], environment: ["COLUMNS": "1000"]).stdout
        #expect(!help.contains("writes Table 1 and the predictor selection"))
        #expect(help.contains("runs the whole study") && help.contains("reports/demo/"), "\(help)")
    }
}
