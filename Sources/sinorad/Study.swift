import ArgumentParser
import Foundation
import SinoStudy

struct Study: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a whole study from one config: tables, models, comparison, reader study and report.",
        discussion: """
            CONFIG is a JSON file (data-schema/study.schema.json, docs/STUDY.md). The stages — \
            data, Table 1, univariate and multivariable selection, conventional models, one CNN \
            per architecture and sequence (train, predict, Grad-CAM), fusion, comparison on each \
            evaluation cohort, reader study — are cached by the hash of their inputs and \
            settings, so a re-run redoes only what changed (--force redoes all). The report goes \
            to the config's output folder (default reports/<study>): index.html, report.md, \
            methods.md, tables/, figures/, predictions/, models/ and provenance.json.

            Every problem of the config (unknown keys, wrong values, missing files, unknown \
            architectures) is listed before any work starts.

            Example:
              sinorad study examples/study.json
              sinorad study examples/study.json --check        # validate only
              sinorad study examples/study.json --force
            """)

    @Argument(help: "Study config (JSON).")
    var config: String

    @Option(help: "Write the report here instead of the config's output folder.")
    var out: String?

    @Flag(help: "Redo every stage, even those whose inputs and settings are unchanged.")
    var force = false

    @Flag(help: "Only check the config (and that its input files exist), then stop.")
    var check = false

    func run() throws {
        let parsed = try StudyConfig.read(path: config)
        if check {
            note("\(config): valid (\(parsed.profile.rawValue) profile)")
            return
        }
        let data = FileManager.default.contents(atPath: config) ?? Data()
        let base = URL(fileURLWithPath: config).deletingLastPathComponent()
        try StudyRunner(config: parsed, configData: data, base: base, out: out.map { URL(fileURLWithPath: $0) }, force: force).run()
    }
}
