import ArgumentParser
import SinoData

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a cohort CSV against its dictionary and list every problem at once.",
        discussion: """
            Exit status 0 when the cohort is usable (a summary is printed), 1 with \
            every problem (file, row, column, value, what was expected) otherwise.

            Example:
              sinorad validate data/cohort.csv --dictionary data-schema/sinonasal.dictionary.json
            """)

    @OptionGroup var cohort: CohortOptions

    func run() throws {
        let data = try cohort.load()
        var lines = ["\(cohort.syntheticPrefix)\(data.source): \(data.count) patients, \(data.variables.count) variables — OK"]
        lines.append("  classes: " + zip(data.classes.names, data.classCounts).map { "\($0) \($1)" }.joined(separator: ", "))
        if let splits = data.splits {
            lines.append("  cohorts: " + data.splitNames.map { name in "\(name) \(splits.filter { $0 == name }.count)" }.joined(separator: ", "))
        }
        let missing = data.variables.compactMap { v -> String? in
            let count = data.columns[v.name]!.missingCount
            return count > 0 ? "\(v.name) \(count)" : nil
        }
        lines.append("  missing values: " + (missing.isEmpty ? "none" : missing.joined(separator: ", ")))
        print(lines.joined(separator: "\n"))
    }
}
