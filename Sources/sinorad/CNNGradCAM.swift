import ArgumentParser
import Foundation
import SinoData
import SinoStudy

extension CNN {
    struct GradCAMCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "gradcam",
            abstract: "Grad-CAM overlays of a trained CNN: one figure per patient and a montage per class.",
            discussion: """
                For every patient of --cohorts, the slice with the largest tumour area is \
                preprocessed as in training (no augmentation) and explained with Grad-CAM \
                (pytorch-grad-cam's semantics; the predicted class unless --explain true). The \
                target layer is --layer; by default the deepest stage whose map has at least \
                --min-map pixels a side (layer4 for ResNet and features.norm5 for DenseNet at \
                224 x 224, layer2 at 64 x 64, where layer4's map is only 2 x 2), and a layer \
                coarser than --min-map is refused. The figures name the layer and its map size, \
                and gradcam.json records them. Each figure shows the \
                MRI slice, the heatmap in the jet colour map blended half and half, and the ROI \
                contour in white; the caption reads "<patient>: <true class> → <predicted class> \
                <its probability>". Writes <out>/<patient_id>.<format> for each patient, \
                <out>/montage_<class>.<format> (up to --per-class patients of each true class) \
                and <out>/montage.<format> (one row per class). Every file is written atomically.

                Example:
                  sinorad cnn gradcam --model models/resnet18-ADC --images syn/images \\
                      --cohort syn/cohort.csv --cohorts test --out reports/gradcam-ADC
                """)

        @Option(help: "Model folder written by sinorad cnn train.")
        var model: String

        @OptionGroup var source: CNNDataOptions

        @Option(help: "Cohorts whose patients are explained, comma-separated.")
        var cohorts: String = "test"

        enum Explained: String, ExpressibleByArgument, CaseIterable { case predicted, `true` }

        @Option(help: "Explain the predicted class or the true class.")
        var explain: Explained = .predicted

        @Option(help: "Target layer: auto, or a stage (layer1 ... layer4; features.denseblock1 ... features.norm5 for DenseNet).")
        var layer: String = "auto"

        @Option(help: "Smallest side of the layer's map, in pixels, that is accepted (auto takes the deepest layer with at least this).")
        var minMap: Int = 7

        @Option(help: "Patients per class in the montages.")
        var perClass: Int = 4

        @Option(help: "Figure formats, comma-separated: png, svg, pdf.")
        var formats: String = "png"

        @Option(help: "Folder to write the figures into (created if missing).")
        var out: String

        func validate() throws {
            guard perClass >= 1 else { throw ValidationError("--per-class must be at least 1, got \(perClass)") }
            guard minMap >= 1 else { throw ValidationError("--min-map must be at least 1, got \(minMap)") }
        }

        func run() throws {
            try CNNPipeline.gradCAM(
                model: URL(fileURLWithPath: model), data: source.source, cohorts: commaList(cohorts),
                explainTrueClass: explain == .true, layer: layer, minMap: minMap, perClass: perClass,
                formats: try parseFigureFormats(formats), out: URL(fileURLWithPath: out))
        }
    }
}
