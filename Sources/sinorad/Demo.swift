import ArgumentParser
import Foundation
import SinoData
import SinoStudy

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the study on the built-in SYNTHETIC cohort (quick profile) and write the report.",
        discussion: """
            The same as `sinorad study` on the built-in config (printed by --print-config): \
            the default SYNTHETIC cohort of 465 patients with MRI phantoms (T2WI, CE-T1WI, \
            ADC), Table 1, univariate and multivariable selection, ExtraTrees and multinomial \
            logistic models, radiomics models (PyRadiomics features per sequence, LASSO \
            selection, SVM per sequence and on all sequences, the combined clinical + rad-score \
            model), ResNet-18 per sequence at 64 x 64 with mean fusion, comparison on \
            the validation and external test cohorts, the SYNTHETIC reader study and the report \
            (index.html, report.md, tables/, figures/, predictions/, models/, provenance.json). \
            About 14 minutes on 2 cores; a second run reuses every finished stage.

            Example:
              sinorad demo                      # writes reports/demo/
              sinorad demo --out /tmp/demo --seed 7
            """)

    @Option(help: "Output folder.")
    var out: String = "reports/demo"

    @Option(help: "Seed of the SYNTHETIC cohort and its images.")
    var seed: UInt64 = 20250056

    @Flag(help: "Redo every stage.")
    var force = false

    @Flag(help: "Print the built-in study config (JSON) and stop.")
    var printConfig = false

    static func config(seed: UInt64) -> String {
        """
        {
          "study": "demo",
          "profile": "quick",
          "seed": 1,
          "inputs": {"synthetic": {"patients": 465, "seed": \(seed), "images": true, "image_grid": "default"}},
          "label": "pathology",
          "selection": {"screening_alpha": 0.05, "elimination_alpha": 0.05},
          "conventional": {"classifiers": ["extratrees", "logistic"], "trees": 500, "folds": 5},
          "cnn": {"architectures": ["resnet18"], "sequences": ["T2WI", "CE-T1WI", "ADC"], "fusion": ["mean"],
                  "size": 64, "epochs": 10, "select_from": 5, "batch": 16, "optimizer": "adamw", "learning_rate": 0.001,
                  "slices_around": 2, "margin": 4, "outside_roi": "zero", "tta": true},
          "radiomics": {"sequences": ["T2WI", "CE-T1WI", "ADC"], "classifiers": ["svm"], "per_sequence": true, "combined": true,
                        "combined_classifier": "logistic", "folds": 5},
          "evaluation": {"cohorts": ["validation", "test"], "bootstrap": 2000},
          "readers": true
        }

        """
    }

    func run() throws {
        let text = Self.config(seed: seed)
        if printConfig {
            FileHandle.standardOutput.write(Data(text.utf8))
            return
        }
        let base = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let data = Data(text.utf8)
        let config = try StudyConfig.read(data: data, source: "built-in demo config", base: base)
        let folder = URL(fileURLWithPath: out, relativeTo: base).standardizedFileURL
        try AtomicFile.write(data, to: folder.appendingPathComponent("study.json").path)
        try StudyRunner(config: config, configData: data, base: base, out: folder, force: force).run()
    }
}
