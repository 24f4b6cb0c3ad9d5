import Foundation
import SinoData
import SinoImaging
import SinoNet

/// A trained model folder (model.json + model.safetensors, from `CNNTrainingRun`) ready for
/// eval-mode prediction.
///
///     let trained = try TrainedCNN(folder: URL(fileURLWithPath: "models/resnet18-ADC"))
///     let data = try CNNSliceDataset.load(images: "images", cohort: cohort, splits: ["test"], settings: trained.preprocessing)
///     let predictions = trained.predict(data)           // patient-level, mean of slice softmax
public struct TrainedCNN {
    public let info: CNNModelInfo
    public let model: ImageClassifier

    /// Preprocessing for prediction: the training settings (augmentation is never applied).
    public var preprocessing: PreprocessSettings { info.preprocessing }
    public var classes: ClassSet { ClassSet(info.classes) }

    /// `trainable`: build the model with gradient arenas (Grad-CAM at an inner layer needs them).
    public init(folder: URL, batchSize: Int? = nil, trainable: Bool = false) throws {
        let infoURL = folder.appendingPathComponent("model.json")
        let weightsURL = folder.appendingPathComponent("model.safetensors")
        var problems: [Problem] = []
        for url in [infoURL, weightsURL] where !FileManager.default.fileExists(atPath: url.path) {
            problems.append(Problem(file: url.path, message: "not found", expected: "a folder written by sinorad cnn train"))
        }
        guard problems.isEmpty else { throw ValidationError(problems) }
        do {
            info = try JSONDecoder().decode(CNNModelInfo.self, from: Data(contentsOf: infoURL))
        } catch {
            throw ValidationError(Problem(file: infoURL.path, message: "unreadable model description: \(error)"))
        }
        let n = batchSize ?? info.batchSize
        model = try info.settings.arch.make(
            inputShape: Shape(n, info.channels, info.inputSize, info.inputSize),
            classes: info.classes.count, seed: 0, trainable: trainable)
        do {
            try model.loadStateDict(try SafeTensors(contentsOf: weightsURL))
        } catch let error as StateDictError {
            throw ValidationError(Problem(file: weightsURL.path, message: "\(error)", expected: "the weights of model.json's \(info.arch)"))
        } catch let error as SafeTensorsError {
            throw ValidationError(Problem(file: weightsURL.path, message: "\(error)"))
        }
        model.training = false
    }

    /// Patient-level probabilities (mean of the patient's slice softmax), in dataset order.
    /// With `flips`, each slice's softmax is first averaged over the slice and its left-right,
    /// anterior-posterior and double flips (test-time augmentation by the training flips).
    public func predict(_ data: CNNSliceDataset, name: String? = nil, flips: Bool = false) -> Predictions {
        let count = data.samples.count, all = data.allImages
        var slices = CNNInference.probabilities(model, images: all, count: count)
        if flips {
            let side = data.size, channels = all.count / max(count * side * side, 1)
            for (horizontal, vertical) in [(true, false), (false, true), (true, true)] {
                let images = CNNInference.flipped(all, planes: count * channels, side: side, horizontal: horizontal, vertical: vertical)
                let p = CNNInference.probabilities(model, images: images, count: count)
                for i in 0..<count { for c in slices[i].indices { slices[i][c] += p[i][c] } }
            }
            slices = slices.map { $0.map { $0 / 4 } }
        }
        let patients = CNNSliceDataset.patientAverage(slices, samplePatients: data.samplePatients, patients: data.patientIDs.count)
        return Predictions(
            model: name ?? info.defaultName, classes: classes, patientIds: data.patientIDs,
            cohorts: data.patientCohorts, probabilities: patients)
    }
}
